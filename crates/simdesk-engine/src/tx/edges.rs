//! Edges: content-derived edges (fields, cell links) kept in line with
//! content, dangling refs that reconnect, cycle refusal, and explicit links
//! (imports, based-on) with the import itself.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_formula::CellKey;
use simdesk_model::{
    Artifact, ArtifactKind, Cell, CellAddr, CellValue, Code, LinkKind, Ref, RefTarget, VPath,
    check_sheet_name,
};

use super::{Tx, TxResult, err, path_ref};
use crate::derive::{self};
use crate::resolve::{self};
use crate::state::{ArtifactId, EdgeKey, EdgeKind, EdgeState};
use crate::validate::MAX_CELLS_PER_WORKBOOK;

impl Tx<'_> {
    /// Dependents that referred to `path` while it was missing now find it.
    pub(super) fn reconnect_dangling(&mut self, path: &VPath) -> TxResult<()> {
        let Some(waiting) = self.st.dangling.remove(path) else {
            return Ok(());
        };
        for dep in waiting {
            if self.st.slots.contains_key(&dep) {
                let refs = resolve::content_refs(self.artifact_of(dep), &self.path(dep));
                self.sync_refs(dep, &refs)?;
                self.recompute(dep, None, true)?;
                self.recomputed.push(dep);
            }
        }
        Ok(())
    }

    /// Brings the content-derived edges into `id` in line with its content.
    /// `old_refs` are the refs of its previous content.
    pub(super) fn sync_refs(
        &mut self,
        id: ArtifactId,
        old_refs: &BTreeSet<(VPath, EdgeKind)>,
    ) -> TxResult<()> {
        let own = self.path(id);
        let new_refs = resolve::content_refs(self.artifact_of(id), &own);
        // Forget dangling entries the content no longer has.
        for (p, _) in old_refs.difference(&new_refs) {
            if let Some(set) = self.st.dangling.get_mut(p) {
                set.remove(&id);
                if set.is_empty() {
                    self.st.dangling.remove(p);
                }
            }
        }
        let mut wanted = BTreeSet::new();
        for (p, kind) in &new_refs {
            match self.st.id_at(p) {
                Some(src) => {
                    wanted.insert(EdgeKey {
                        source: src,
                        dependent: id,
                        kind: *kind,
                    });
                }
                None => {
                    self.st.dangling.entry(p.clone()).or_default().insert(id);
                }
            }
        }
        let existing: Vec<EdgeKey> = self
            .st
            .in_edges(id)
            .into_iter()
            .map(|(k, _)| k)
            .filter(|k| k.kind.from_content())
            .collect();
        for k in &existing {
            if !wanted.contains(k) {
                self.st.remove_edge(*k);
            }
        }
        for k in wanted {
            if !self.st.edges.contains_key(&k) {
                self.add_edge_checked(
                    k,
                    EdgeState {
                        seen: self.st.rev_of(k.source),
                        ..EdgeState::default()
                    },
                )?;
                self.new_edges.insert(k);
            }
        }
        Ok(())
    }

    /// Adds an edge unless it would close a cycle of artifacts.
    pub(super) fn add_edge_checked(&mut self, key: EdgeKey, state: EdgeState) -> TxResult<()> {
        if key.source == key.dependent {
            return Err(err(
                Code::Cycle,
                format!("{} cannot depend on itself", self.path(key.source)),
            )
            .with_ref(path_ref(&self.path(key.source))));
        }
        if let Some(cycle) = self.find_path(key.dependent, key.source) {
            let mut names: Vec<String> = vec![self.path(key.source).to_string()];
            names.extend(cycle.iter().map(|id| self.path(*id).to_string()));
            return Err(err(
                Code::Cycle,
                format!("refused: it would make a cycle {}", names.join(" -> ")),
            )
            .with_hint("a file cannot depend on something that depends on it")
            .with_ref(path_ref(&self.path(key.source)))
            .with_ref(path_ref(&self.path(key.dependent))));
        }
        self.st.insert_edge(key, state);
        Ok(())
    }

    /// A path of artifacts from `from` to `to` following edges, if any.
    pub(super) fn find_path(&self, from: ArtifactId, to: ArtifactId) -> Option<Vec<ArtifactId>> {
        let (&a, &b) = (self.st.nodes.get(&from)?, self.st.nodes.get(&to)?);
        if !petgraph::algo::has_path_connecting(&*self.st.graph, a, b, None) {
            return None;
        }
        let mut prev: BTreeMap<ArtifactId, ArtifactId> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([from]);
        let mut seen = BTreeSet::from([from]);
        while let Some(n) = queue.pop_front() {
            if n == to {
                let mut path = vec![to];
                let mut cur = to;
                while let Some(p) = prev.get(&cur) {
                    path.push(*p);
                    cur = *p;
                }
                path.reverse();
                return Some(path);
            }
            for (k, _) in self.st.out_edges(n) {
                if seen.insert(k.dependent) {
                    prev.insert(k.dependent, n);
                    queue.push_back(k.dependent);
                }
            }
        }
        None
    }

    pub(super) fn link(&mut self, source: &Ref, dependent: &Ref, kind: LinkKind) -> TxResult<()> {
        let sp = source
            .path
            .as_ref()
            .ok_or_else(|| err(Code::InvalidArgument, "a link source needs a path"))?;
        let dp = dependent
            .path
            .as_ref()
            .ok_or_else(|| err(Code::InvalidArgument, "a link dependent needs a path"))?;
        let src = self.lookup(sp)?;
        let dep = self.lookup(dp)?;
        match kind {
            LinkKind::BasedOn | LinkKind::Inferred => self.add_edge_checked(
                EdgeKey {
                    source: src,
                    dependent: dep,
                    kind: if kind == LinkKind::Inferred {
                        EdgeKind::Inferred
                    } else {
                        EdgeKind::BasedOn
                    },
                },
                EdgeState {
                    seen: self.st.rev_of(src),
                    ..EdgeState::default()
                },
            ),
            LinkKind::Import => {
                self.expect_kind(dp, dep, ArtifactKind::Workbook)?;
                let sheet = match &dependent.target {
                    RefTarget::Sheet { sheet } => sheet.clone(),
                    RefTarget::Whole => sp.file_stem().unwrap_or("Data").chars().take(31).collect(),
                    _ => {
                        return Err(err(
                            Code::InvalidArgument,
                            format!(
                                "an import fills a whole sheet: write {dp}#SheetName, not {dependent}"
                            ),
                        ));
                    }
                };
                check_sheet_name(&sheet).map_err(|r| {
                    err(Code::InvalidArgument, format!("sheet name {sheet:?}: {r}"))
                })?;
                let source_sheet = match (&source.target, self.artifact_of(src)) {
                    (RefTarget::Sheet { sheet }, Artifact::Workbook(_)) => Some(sheet.clone()),
                    (RefTarget::Whole, Artifact::Workbook(w)) => {
                        w.sheets.first().map(|s| s.name.clone())
                    }
                    (RefTarget::Whole, Artifact::Text(_)) => None,
                    (_, a) => {
                        return Err(err(
                            Code::WrongKind,
                            format!(
                                "an import reads a csv text or a workbook sheet, not {source} (a {})",
                                a.kind()
                            ),
                        ));
                    }
                };
                let key = EdgeKey {
                    source: src,
                    dependent: dep,
                    kind: EdgeKind::Import,
                };
                let mut state = self.st.edges.get(&key).cloned().unwrap_or_default();
                if state.sheets.contains(&sheet) {
                    return Err(err(
                        Code::AlreadyExists,
                        format!("{dp}#{sheet} already imports {sp}"),
                    ));
                }
                state.sheets.push(sheet);
                state.source_sheet = source_sheet;
                if self.st.edges.contains_key(&key) {
                    self.st.edges.insert(key, state);
                } else {
                    self.add_edge_checked(key, state)?;
                }
                self.run_import(key)
            }
        }
    }

    /// Copies the source's data into the dependent sheets of an import.
    pub(super) fn run_import(&mut self, key: EdgeKey) -> TxResult<()> {
        let state = self.st.edges.get(&key).cloned().unwrap_or_default();
        let src_path = self.path(key.source);
        let rows: Vec<Vec<CellValue>> = match self.artifact_of(key.source) {
            Artifact::Text(t) => derive::parse_csv(&t.content).map_err(|e| {
                err(
                    Code::InvalidArgument,
                    format!("cannot import {src_path}: {e}"),
                )
                .with_ref(path_ref(&src_path))
            })?,
            Artifact::Workbook(w) => {
                let name = state.source_sheet.clone().unwrap_or_default();
                let s = w.sheet(&name).ok_or_else(|| {
                    err(
                        Code::BrokenReference,
                        format!("{src_path} has no sheet {name:?} to import"),
                    )
                })?;
                let (r, c) = s.extent();
                (0..r)
                    .map(|r| {
                        (0..c)
                            .map(|c| s.value(CellAddr::new(r, c)).clone())
                            .collect()
                    })
                    .collect()
            }
            a => {
                return Err(err(
                    Code::WrongKind,
                    format!("cannot import from a {}", a.kind()),
                ));
            }
        };
        let cells: usize = rows.iter().map(Vec::len).sum();
        if cells > MAX_CELLS_PER_WORKBOOK {
            return Err(err(
                Code::LimitExceeded,
                format!("{src_path} has more than {MAX_CELLS_PER_WORKBOOK} cells"),
            ));
        }
        let Artifact::Workbook(mut w) = self.artifact_of(key.dependent).clone() else {
            return Ok(());
        };
        let mut changed: BTreeSet<CellKey> = BTreeSet::new();
        for sheet in &state.sheets {
            if w.sheet(sheet).is_none() {
                w.sheets.push(simdesk_model::Sheet::new(sheet));
            }
            let Some(s) = w.sheet_mut(sheet) else {
                continue;
            };
            let old: BTreeSet<CellAddr> = s.cells.keys().copied().collect();
            let mut fresh = std::collections::BTreeMap::new();
            for (r, row) in rows.iter().enumerate() {
                for (c, v) in row.iter().enumerate() {
                    if v.is_empty() {
                        continue;
                    }
                    let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                        continue;
                    };
                    if r >= simdesk_model::MAX_ROWS || c >= simdesk_model::MAX_COLS {
                        continue;
                    }
                    let addr = CellAddr::new(r, c);
                    let prev = s.cells.get(&addr);
                    let mut cell = Cell {
                        value: v.clone(),
                        format: prev.and_then(|p| p.format.clone()),
                        bold: r == 0,
                        ..Cell::default()
                    };
                    if matches!(v, CellValue::Date(_)) && cell.format.is_none() {
                        cell.format = Some("yyyy-mm-dd".to_owned());
                    }
                    fresh.insert(addr, cell);
                }
            }
            for a in old.iter().chain(fresh.keys()) {
                if s.cells.get(a) != fresh.get(a) {
                    changed.insert((sheet.clone(), *a));
                }
            }
            s.cells = fresh;
            s.freeze_header = true;
        }
        let report = self.recalc(
            key.dependent,
            &mut w,
            Some(&changed.iter().cloned().collect::<Vec<_>>()),
        );
        for d in report.diagnostics {
            self.warn(d.with_ref(path_ref(&self.path(key.dependent))));
        }
        changed.extend(report.changed);
        let src_rev = self.st.rev_of(key.source);
        if let Some(e) = self.st.edges.get_mut(&key) {
            e.seen = src_rev;
        }
        self.set_content(key.dependent, Artifact::Workbook(w), Some(changed));
        self.st.update_behind(key);
        Ok(())
    }

    pub(super) fn unlink(&mut self, source: &VPath, dependent: &VPath) -> TxResult<()> {
        let src = self.lookup(source)?;
        let dep = self.lookup(dependent)?;
        let keys: Vec<EdgeKey> = [EdgeKind::Import, EdgeKind::BasedOn, EdgeKind::Inferred]
            .into_iter()
            .map(|kind| EdgeKey {
                source: src,
                dependent: dep,
                kind,
            })
            .filter(|k| self.st.edges.contains_key(k))
            .collect();
        if keys.is_empty() {
            let hint = if self
                .st
                .out_edges(src)
                .iter()
                .any(|(k, _)| k.dependent == dep)
            {
                "fields and cell links come from content: edit the field or cell instead"
            } else {
                "there is no dependency between them"
            };
            return Err(err(
                Code::NotFound,
                format!("no import or based-on link from {source} to {dependent}"),
            )
            .with_hint(hint));
        }
        for k in keys {
            self.st.remove_edge(k);
        }
        Ok(())
    }
}
