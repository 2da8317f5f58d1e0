//! Recalculation and propagation: formulas of one workbook, fields and cell
//! links of one artifact, live dependents in dependency order with early
//! cutoff, and what reads the clock when it moves.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use simdesk_formula::{CellKey, FormulaGraph, RecalcReport};
use simdesk_model::{
    Artifact, ArtifactKind, CellAddr, CellValue, Code, Diagnostic, Policy, Ref, RefTarget, Workbook,
};

use super::{CellChanges, Tx, TxResult, path_ref};
use crate::resolve::{self, BROKEN_TEXT, Broken};
use crate::state::{ArtifactId, EdgeKey, EdgeKind, State};

impl Tx<'_> {
    /// Recalculates a workbook with its kept formula graph: everything
    /// (`changed` = `None`) or what depends on the changed cells.
    pub(super) fn recalc(
        &mut self,
        id: ArtifactId,
        w: &mut Workbook,
        changed: Option<&[CellKey]>,
    ) -> RecalcReport {
        let ctx = self.ctx();
        let report = match changed {
            // Nothing to recompute: leave the kept graph alone rather than
            // copy it out of the previous state (it notices sheet changes
            // itself the next time it is used).
            Some([]) => RecalcReport::default(),
            None => {
                let mut g = FormulaGraph::default();
                let r = g.recalc_all(w, &ctx);
                self.st.formulas.insert(id, Arc::new(g));
                r
            }
            Some(c) => {
                let mut g = self
                    .st
                    .formulas
                    .remove(&id)
                    .unwrap_or_else(|| Arc::new(FormulaGraph::new(w)));
                let r = Arc::make_mut(&mut g).recalc_dirty(w, c, &ctx);
                self.st.formulas.insert(id, g);
                r
            }
        };
        for k in &report.recomputed {
            self.recomputed_cells.push((id, k.clone()));
        }
        report
    }

    /// Re-renders fields and pulls cell links of `id` from its sources, then
    /// recalculates formulas. `sources`: only refs into these artifacts
    /// (with their changed cells); `None`: everything. `manual`: also pull
    /// manual cell links (creation and refresh).
    pub(super) fn recompute(
        &mut self,
        id: ArtifactId,
        sources: Option<&BTreeMap<ArtifactId, CellChanges>>,
        manual: bool,
    ) -> TxResult<bool> {
        self.recompute_as(id, sources, manual, false)
    }

    /// [`Tx::recompute`]; `fresh`: `id` was inserted by this transaction
    /// just before, so its content is changed where it is stored, without a
    /// copy (nothing else holds it), and storing it needs no bookkeeping (it
    /// already has this revision, is marked changed as a whole and has no
    /// dependents yet).
    pub(super) fn recompute_as(
        &mut self,
        id: ArtifactId,
        sources: Option<&BTreeMap<ArtifactId, CellChanges>>,
        manual: bool,
        fresh: bool,
    ) -> TxResult<bool> {
        let own = self.path(id);
        let touches = |st: &State, r: &Ref| -> bool {
            let Some(srcs) = sources else { return true };
            let p = r.path.as_ref().unwrap_or(&own);
            let Some(src) = st.id_at(p) else { return false };
            match srcs.get(&src) {
                None => false,
                Some(None) => true,
                Some(Some(cells)) => match &r.target {
                    RefTarget::Cell { sheet, cell } => cells.contains(&(sheet.clone(), *cell)),
                    RefTarget::Range { sheet, range } => {
                        cells.iter().any(|(s, c)| s == sheet && range.contains(*c))
                    }
                    _ => true,
                },
            }
        };
        // What changes is worked out against the stored content first: most
        // recomputes change nothing, and then nothing is copied.
        let mut broken: Vec<(Ref, Broken)> = Vec::new();
        let mut touched = false;
        let mut texts: Vec<(usize, String)> = Vec::new();
        for (i, f) in self.artifact_of(id).fields().into_iter().enumerate() {
            if touches(self.st, &f.source) {
                touched = true;
                let text = match resolve::field_text(self.st, &own, &f.source, f.format.as_deref())
                {
                    Ok(t) => t,
                    Err(b) => {
                        broken.push((f.source.clone(), b));
                        BROKEN_TEXT.to_owned()
                    }
                };
                if text != f.display {
                    texts.push((i, text));
                }
            }
        }
        let mut pulled: Vec<(String, CellAddr, CellValue)> = Vec::new();
        let is_workbook = if let Artifact::Workbook(w) = self.artifact_of(id) {
            for s in &w.sheets {
                for (addr, c) in &s.cells {
                    let Some(link) = &c.link else { continue };
                    let src = &link.source;
                    let is_new = src
                        .path
                        .as_ref()
                        .and_then(|p| self.st.id_at(p))
                        .is_some_and(|s| {
                            self.new_edges.contains(&EdgeKey {
                                source: s,
                                dependent: id,
                                kind: EdgeKind::ManualCellLink,
                            })
                        });
                    if link.policy != Policy::Live && !manual && !is_new {
                        continue;
                    }
                    if !touches(self.st, src) && !is_new {
                        continue;
                    }
                    touched = true;
                    let value = match resolve::resolve_value(self.st, &own, src) {
                        Ok((v, _)) => v,
                        Err(b) => {
                            broken.push((src.clone(), b));
                            CellValue::Error(simdesk_model::CellError::Ref)
                        }
                    };
                    // The cell the link is written to (by sheet name, as
                    // stored).
                    let current = w
                        .sheet(&s.name)
                        .and_then(|s| s.cells.get(addr))
                        .map(|c| &c.value);
                    if current.is_some_and(|v| *v != value) {
                        pulled.push((s.name.clone(), *addr, value));
                    }
                }
            }
            true
        } else {
            false
        };
        let mut recalc = is_workbook && (sources.is_none() || !pulled.is_empty());
        // A workbook with no formula and nothing pulled has nothing to
        // recalculate: its graph is empty and its content stays where it is
        // stored, shared with the op that made it (an imported million-cell
        // sheet is not copied).
        if recalc
            && sources.is_none()
            && pulled.is_empty()
            && let Artifact::Workbook(w) = self.artifact_of(id)
            && !w
                .sheets
                .iter()
                .any(|s| s.cells.values().any(|c| c.formula.is_some()))
        {
            let g = FormulaGraph::new(w);
            self.st.formulas.insert(id, Arc::new(g));
            recalc = false;
        }
        // A workbook not fresh is copied and compared as before (its cells
        // decide the early cutoff).
        let copy = !texts.is_empty() || recalc || (is_workbook && !fresh);
        let mut changed_cells: BTreeSet<CellKey> = BTreeSet::new();
        let mut updated: Option<Artifact> = None;
        if copy {
            let mut art = if fresh {
                self.take_content(id)
            } else {
                self.artifact_of(id).clone()
            };
            if !texts.is_empty() {
                let mut fields = art.fields_mut();
                for (i, text) in texts {
                    if let Some(f) = fields.get_mut(i) {
                        f.display = text;
                    }
                }
            }
            if let Artifact::Workbook(w) = &mut art {
                for (sheet, addr, value) in pulled {
                    if let Some(cell) = w.sheet_mut(&sheet).and_then(|s| s.cells.get_mut(&addr)) {
                        cell.value = value;
                        changed_cells.insert((sheet, addr));
                    }
                }
                let report = if sources.is_none() {
                    self.recalc(id, w, None)
                } else if changed_cells.is_empty() {
                    RecalcReport::default()
                } else {
                    let changed: Vec<CellKey> = changed_cells.iter().cloned().collect();
                    self.recalc(id, w, Some(&changed))
                };
                changed_cells.extend(report.changed);
                for d in report.diagnostics {
                    self.warn(d.with_ref(path_ref(&own)));
                }
            }
            if fresh {
                self.put_content(id, art);
            } else {
                updated = Some(art);
            }
        }
        for (r, b) in broken {
            self.warn(
                Diagnostic::warning(
                    Code::BrokenReference,
                    format!("{own} refers to {}: {}", r.resolve(&own), b.describe()),
                )
                .with_ref(path_ref(&own))
                .with_ref(r.resolve(&own)),
            );
        }
        // Record what live and pulled edges have now taken in.
        for (k, _) in self.st.in_edges(id) {
            let pulled = k.kind.policy() == Policy::Live
                || (k.kind == EdgeKind::ManualCellLink && (manual || self.new_edges.contains(&k)));
            if pulled {
                let src_rev = self.st.rev_of(k.source);
                if let Some(e) = self.st.edges.get_mut(&k) {
                    e.seen = src_rev;
                }
                self.st.update_behind(k);
            }
        }
        if let Some(art) = updated {
            let cells = if sources.is_none() {
                None
            } else {
                Some(changed_cells)
            };
            self.set_content(id, art, cells);
        }
        Ok(touched || sources.is_none())
    }

    /// Recomputes live dependents of everything changed so far, in
    /// dependency order, with early cutoff.
    pub fn propagate(&mut self) -> TxResult<()> {
        let seeds: Vec<ArtifactId> = self.changed.keys().copied().collect();
        // Everything reachable over live edges.
        let mut affected = BTreeSet::new();
        let mut stack = seeds.clone();
        while let Some(n) = stack.pop() {
            for (k, _) in self.st.out_edges(n) {
                if k.kind.policy() == Policy::Live && affected.insert(k.dependent) {
                    stack.push(k.dependent);
                }
            }
        }
        if affected.is_empty() {
            return Ok(());
        }
        // Kahn's algorithm over the affected subgraph.
        let mut indeg: BTreeMap<ArtifactId, usize> = affected.iter().map(|a| (*a, 0)).collect();
        for &n in &affected {
            for (k, _) in self.st.in_edges(n) {
                if k.kind.policy() == Policy::Live && affected.contains(&k.source) {
                    *indeg.entry(n).or_default() += 1;
                }
            }
        }
        let mut ready: BTreeSet<ArtifactId> = indeg
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(a, _)| *a)
            .collect();
        while let Some(n) = ready.pop_first() {
            let live_sources: BTreeMap<ArtifactId, CellChanges> = self
                .st
                .in_edges(n)
                .into_iter()
                .filter(|(k, _)| k.kind.policy() == Policy::Live)
                .filter_map(|(k, _)| self.changed.get(&k.source).map(|c| (k.source, c.clone())))
                .collect();
            if !live_sources.is_empty() && self.recompute(n, Some(&live_sources), false)? {
                self.recomputed.push(n);
            }
            for (k, _) in self.st.out_edges(n) {
                if k.kind.policy() == Policy::Live
                    && let Some(d) = indeg.get_mut(&k.dependent)
                {
                    *d -= 1;
                    if *d == 0 {
                        ready.insert(k.dependent);
                    }
                }
            }
        }
        Ok(())
    }

    /// After the clock moved: recomputes TODAY()/NOW() and what reads them.
    pub(super) fn recalc_volatile(&mut self) {
        let books: Vec<ArtifactId> = self
            .st
            .slots
            .iter()
            .filter(|(_, s)| s.artifact.kind() == ArtifactKind::Workbook)
            .map(|(id, _)| *id)
            .collect();
        for id in books {
            let graph = match (self.st.formulas.get(&id), self.artifact_of(id)) {
                (Some(g), _) => g.clone(),
                (None, Artifact::Workbook(w)) => Arc::new(FormulaGraph::new(w)),
                (None, _) => continue,
            };
            let volatile = graph.volatile_cells();
            self.st.formulas.insert(id, graph);
            if volatile.is_empty() {
                continue;
            }
            // Only workbooks that read the clock are copied and recomputed.
            let Artifact::Workbook(mut w) = self.artifact_of(id).clone() else {
                continue;
            };
            let report = self.recalc(id, &mut w, Some(&volatile));
            let changed: BTreeSet<CellKey> = report.changed.into_iter().collect();
            self.set_content(id, Artifact::Workbook(w), Some(changed));
        }
    }
}
