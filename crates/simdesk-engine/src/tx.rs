//! One transaction: validate and apply an op on a copy of the state,
//! propagate live changes, and hand back the new state or a refusal.
//!
//! The copy is cheap (persistent collections), so a refused op simply drops
//! it: the world stays exactly as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use simdesk_formula::{CellKey, EvalContext, FormulaGraph, RecalcReport};
use simdesk_model::{
    Artifact, ArtifactKind, Cell, CellAddr, CellEdit, CellInput, CellValue, Code, Diagnostic,
    DocEdit, Email, LinkKind, Op, PathRule, Policy, Ref, RefTarget, Severity, SimTime, SlideEdit,
    VPath, Workbook, check_sheet_name,
};

use crate::derive::{self, ExportTarget};
use crate::resolve::{self, BROKEN_TEXT, Broken};
use crate::stale;
use crate::state::{
    ArtifactId, EdgeKey, EdgeKind, EdgeState, Node, Slot, StaleExportPolicy, State,
};

/// Most cells one op may write.
pub const MAX_CELLS_PER_OP: usize = 1_000_000;
/// Most cells one workbook may hold.
pub const MAX_CELLS_PER_WORKBOOK: usize = 5_000_000;
/// Most entries (artifacts and folders) a world may hold.
pub const MAX_ENTRIES: usize = 2_000_000;

pub(crate) type R<T> = Result<T, Diagnostic>;

fn err(code: Code, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, msg)
}

fn path_ref(p: &VPath) -> Ref {
    Ref::whole(p.clone())
}

/// What changed in a workbook during the transaction: `None` means
/// "anything may have changed".
type CellChanges = Option<BTreeSet<CellKey>>;

pub(crate) struct Tx<'a> {
    pub st: &'a mut State,
    /// The revision this transaction commits as.
    pub rev: u64,
    pub diags: Vec<Diagnostic>,
    /// Artifacts whose content really changed, with changed cells for
    /// workbooks.
    pub changed: BTreeMap<ArtifactId, CellChanges>,
    /// Artifacts recomputed by propagation, in order.
    pub recomputed: Vec<ArtifactId>,
    /// Formula cells evaluated, per artifact.
    pub recomputed_cells: Vec<(ArtifactId, CellKey)>,
    /// Content edges created in this transaction (manual links pull once).
    new_edges: BTreeSet<EdgeKey>,
}

impl<'a> Tx<'a> {
    pub fn new(st: &'a mut State) -> Self {
        let rev = st.revision + 1;
        Tx {
            st,
            rev,
            diags: Vec::new(),
            changed: BTreeMap::new(),
            recomputed: Vec::new(),
            recomputed_cells: Vec::new(),
            new_edges: BTreeSet::new(),
        }
    }

    fn warn(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn ctx(&self) -> EvalContext {
        EvalContext { now: self.st.clock }
    }

    /// Recalculates a workbook with its kept formula graph: everything
    /// (`changed` = `None`) or what depends on the changed cells.
    fn recalc(
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

    // ------------------------------------------------------------ lookups

    fn lookup(&self, path: &VPath) -> R<ArtifactId> {
        match self.st.tree.get(path) {
            Some(Node::Artifact(id)) => Ok(*id),
            Some(Node::Folder) => Err(err(
                Code::WrongKind,
                format!("{path} is a folder, not an artifact"),
            )
            .with_ref(path_ref(path))),
            None => Err(err(Code::NotFound, format!("no artifact at {path}"))
                .with_ref(path_ref(path))
                .with_hint(self.did_you_mean(path))),
        }
    }

    fn did_you_mean(&self, path: &VPath) -> String {
        match self.st.folded.get(&path.fold_key()) {
            Some(p) => format!("did you mean {p}?"),
            None => "list the folder to see what exists".to_owned(),
        }
    }

    fn artifact_of(&self, id: ArtifactId) -> &Artifact {
        static EMPTY: Artifact = Artifact::Binary(simdesk_model::Binary { bytes: Vec::new() });
        self.st.artifact(id).unwrap_or(&EMPTY)
    }

    fn expect_kind(&self, path: &VPath, id: ArtifactId, kind: ArtifactKind) -> R<()> {
        let actual = self.artifact_of(id).kind();
        if actual == kind {
            Ok(())
        } else {
            Err(err(
                Code::WrongKind,
                format!("{path} is a {actual}, not a {kind}"),
            )
            .with_ref(path_ref(path)))
        }
    }

    // ------------------------------------------------------------ tree

    /// Checks that `path` can be created: free, no sibling collision, parent
    /// not an artifact.
    fn check_new(&self, path: &VPath, allow_same: Option<&VPath>) -> R<()> {
        if path.is_root() || self.st.tree.contains_key(path) && allow_same != Some(path) {
            return Err(
                err(Code::AlreadyExists, format!("{path} already exists")).with_ref(path_ref(path))
            );
        }
        if let Some(existing) = self.st.folded.get(&path.fold_key())
            && Some(existing) != allow_same
        {
            return Err(err(
                Code::InvalidPath,
                format!(
                    "invalid path {path}: {} ({existing} exists)",
                    PathRule::CollidesWithSibling.describe()
                ),
            )
            .with_ref(path_ref(existing)));
        }
        for a in path.ancestors() {
            if let Some(Node::Artifact(_)) = self.st.tree.get(&a) {
                return Err(err(
                    Code::InvalidPath,
                    format!("invalid path {path}: {a} is a file, not a folder"),
                )
                .with_ref(path_ref(&a)));
            }
            if !self.st.tree.contains_key(&a)
                && let Some(existing) = self.st.folded.get(&a.fold_key())
            {
                return Err(err(
                    Code::InvalidPath,
                    format!(
                        "invalid path {path}: folder {a} {} ({existing} exists)",
                        PathRule::CollidesWithSibling.describe()
                    ),
                )
                .with_ref(path_ref(existing)));
            }
        }
        if self.st.tree.len() >= MAX_ENTRIES {
            return Err(err(
                Code::LimitExceeded,
                format!("the world already holds {MAX_ENTRIES} entries"),
            ));
        }
        Ok(())
    }

    fn make_dirs(&mut self, path: &VPath) {
        let mut chain = path.ancestors();
        chain.push(path.clone());
        for p in chain {
            if !self.st.tree.contains_key(&p) {
                self.st.folded.insert(p.fold_key(), p.clone());
                self.st.tree.insert(p, Node::Folder);
            }
        }
    }

    fn make_parents(&mut self, path: &VPath) {
        if let Some(parent) = path.parent() {
            self.make_dirs(&parent);
        }
    }

    // ------------------------------------------------------------ content

    /// Stores new content if it differs (early cutoff), bumping the
    /// artifact's revision and marking snapshot/manual out-edges behind.
    fn set_content(&mut self, id: ArtifactId, new: Artifact, cells: CellChanges) -> bool {
        let Some(slot) = self.st.slots.get(&id) else {
            return false;
        };
        if *slot.artifact == new {
            return false;
        }
        let mut s = (**slot).clone();
        s.artifact = Arc::new(new);
        s.rev = self.rev;
        s.modified_at = self.st.clock;
        self.st.slots.insert(id, Arc::new(s));
        let entry = self
            .changed
            .entry(id)
            .or_insert_with(|| Some(BTreeSet::new()));
        match (entry.as_mut(), cells) {
            (Some(set), Some(c)) => set.extend(c),
            (_, None) => *entry = None,
            (None, Some(_)) => {}
        }
        for (k, _) in self.st.out_edges(id) {
            self.st.update_behind(k);
        }
        true
    }

    /// Replaces content without bumping the revision (ref rewrites after a
    /// move: what the artifact shows is unchanged).
    fn set_content_quietly(&mut self, id: ArtifactId, new: Artifact) {
        if let Some(slot) = self.st.slots.get(&id) {
            let mut s = (**slot).clone();
            s.artifact = Arc::new(new);
            self.st.slots.insert(id, Arc::new(s));
        }
    }

    fn insert_artifact(&mut self, path: &VPath, artifact: Artifact) -> R<ArtifactId> {
        self.check_new(path, None)?;
        self.make_parents(path);
        let id = ArtifactId(self.st.next_id);
        self.st.next_id += 1;
        self.st.tree.insert(path.clone(), Node::Artifact(id));
        self.st.folded.insert(path.fold_key(), path.clone());
        self.st.slots.insert(
            id,
            Arc::new(Slot {
                path: path.clone(),
                artifact: Arc::new(artifact),
                rev: self.rev,
                created: self.rev,
                modified_at: self.st.clock,
            }),
        );
        self.st.add_node(id);
        self.changed.insert(id, None);
        self.sync_refs(id, &BTreeSet::new())?;
        self.recompute_as(id, None, true, true)?;
        self.reconnect_dangling(path)?;
        Ok(id)
    }

    /// Dependents that referred to `path` while it was missing now find it.
    fn reconnect_dangling(&mut self, path: &VPath) -> R<()> {
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

    fn path(&self, id: ArtifactId) -> VPath {
        self.st.path_of(id).cloned().unwrap_or_else(VPath::root)
    }

    /// Brings the content-derived edges into `id` in line with its content.
    /// `old_refs` are the refs of its previous content.
    fn sync_refs(&mut self, id: ArtifactId, old_refs: &BTreeSet<(VPath, EdgeKind)>) -> R<()> {
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
    fn add_edge_checked(&mut self, key: EdgeKey, state: EdgeState) -> R<()> {
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
    fn find_path(&self, from: ArtifactId, to: ArtifactId) -> Option<Vec<ArtifactId>> {
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

    /// Re-renders fields and pulls cell links of `id` from its sources, then
    /// recalculates formulas. `sources`: only refs into these artifacts
    /// (with their changed cells); `None`: everything. `manual`: also pull
    /// manual cell links (creation and refresh).
    fn recompute(
        &mut self,
        id: ArtifactId,
        sources: Option<&BTreeMap<ArtifactId, CellChanges>>,
        manual: bool,
    ) -> R<bool> {
        self.recompute_as(id, sources, manual, false)
    }

    /// [`Tx::recompute`]; `fresh`: `id` was inserted by this transaction
    /// just before, so its content is changed where it is stored, without a
    /// copy (nothing else holds it), and storing it needs no bookkeeping (it
    /// already has this revision, is marked changed as a whole and has no
    /// dependents yet).
    fn recompute_as(
        &mut self,
        id: ArtifactId,
        sources: Option<&BTreeMap<ArtifactId, CellChanges>>,
        manual: bool,
        fresh: bool,
    ) -> R<bool> {
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
        let recalc = is_workbook && (sources.is_none() || !pulled.is_empty());
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

    /// Takes an artifact's content out of the state, leaving an empty
    /// placeholder until [`Tx::put_content`]; no copy when nothing else
    /// holds it.
    fn take_content(&mut self, id: ArtifactId) -> Artifact {
        let empty = || Artifact::Binary(simdesk_model::Binary { bytes: Vec::new() });
        match self.st.slots.get_mut(&id) {
            Some(slot) => {
                let slot = Arc::make_mut(slot);
                Arc::unwrap_or_clone(std::mem::replace(&mut slot.artifact, Arc::new(empty())))
            }
            None => empty(),
        }
    }

    /// Puts content taken by [`Tx::take_content`] back, as it is (no
    /// revision change).
    fn put_content(&mut self, id: ArtifactId, art: Artifact) {
        if let Some(slot) = self.st.slots.get_mut(&id) {
            Arc::make_mut(slot).artifact = Arc::new(art);
        }
    }

    // ------------------------------------------------------------ propagation

    /// Recomputes live dependents of everything changed so far, in
    /// dependency order, with early cutoff.
    pub fn propagate(&mut self) -> R<()> {
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

    // ------------------------------------------------------------ ops

    pub fn apply(&mut self, op: &Op) -> R<()> {
        match op {
            Op::Mkdir { path } => self.mkdir(path),
            Op::Create { path, artifact } => {
                validate_artifact(path, artifact)?;
                self.insert_artifact(path, artifact.clone()).map(|_| ())
            }
            Op::Write { path, artifact } => self.write(path, artifact),
            Op::Delete { path, recursive } => self.delete(path, *recursive),
            Op::Move { from, to } => self.move_(from, to),
            Op::Copy { from, to } => self.copy(from, to),
            Op::SetCells { path, sheet, cells } => self.set_cells(path, sheet, cells),
            Op::SetRange {
                path,
                sheet,
                start,
                rows,
            } => {
                let mut edits = Vec::new();
                for (r, row) in rows.iter().enumerate() {
                    for (c, input) in row.iter().enumerate() {
                        if let Some(input) = input {
                            let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                                continue;
                            };
                            let cell = CellAddr::new(start.row + r, start.col + c);
                            if cell.row >= simdesk_model::MAX_ROWS
                                || cell.col >= simdesk_model::MAX_COLS
                            {
                                return Err(err(
                                    Code::InvalidArgument,
                                    format!(
                                        "the range starting at {start} runs past the last cell XFD1048576"
                                    ),
                                ));
                            }
                            edits.push(CellEdit {
                                cell,
                                input: input.clone(),
                            });
                        }
                    }
                }
                self.set_cells(path, sheet, &edits)
            }
            Op::EditDocument { path, edit } => self.edit_document(path, edit),
            Op::EditSlides { path, edit } => self.edit_slides(path, edit),
            Op::Link {
                source,
                dependent,
                kind,
            } => self.link(source, dependent, *kind),
            Op::Unlink { source, dependent } => self.unlink(source, dependent),
            Op::Refresh { path } => self.refresh(path),
            Op::Export {
                source,
                target,
                sheet,
            } => self.export(source, target, sheet.as_deref()),
            Op::SendEmail { path, email } => self.send_email(path, email),
            Op::AdvanceClock { seconds } => {
                if *seconds <= 0 || *seconds > 100 * 366 * 86_400 {
                    return Err(err(
                        Code::InvalidArgument,
                        format!("advance_clock needs 1 to 3162240000 seconds, got {seconds}"),
                    ));
                }
                self.st.clock = self.st.clock.plus_secs(*seconds);
                self.recalc_volatile();
                Ok(())
            }
            Op::AddObjective { objective } => {
                if objective.id.is_empty() || objective.id.len() > 200 {
                    return Err(err(
                        Code::InvalidArgument,
                        "an objective id must be 1 to 200 bytes",
                    ));
                }
                if self.st.objectives.iter().any(|o| o.id == objective.id) {
                    return Err(err(
                        Code::AlreadyExists,
                        format!("objective {} already exists", objective.id),
                    ));
                }
                self.st.objectives.push_back(objective.clone());
                Ok(())
            }
        }
    }

    /// After the clock moved: recomputes TODAY()/NOW() and what reads them.
    fn recalc_volatile(&mut self) {
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

    fn mkdir(&mut self, path: &VPath) -> R<()> {
        match self.st.tree.get(path) {
            Some(Node::Folder) => Ok(()),
            Some(Node::Artifact(_)) => {
                Err(err(Code::AlreadyExists, format!("{path} is a file")).with_ref(path_ref(path)))
            }
            None => {
                self.check_new(path, None)?;
                self.make_dirs(path);
                Ok(())
            }
        }
    }

    fn write(&mut self, path: &VPath, artifact: &Artifact) -> R<()> {
        validate_artifact(path, artifact)?;
        let id = self.lookup(path)?;
        self.expect_kind(path, id, artifact.kind())?;
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        self.set_content(id, artifact.clone(), None);
        self.sync_refs(id, &old_refs)?;
        self.recompute(id, None, false)?;
        Ok(())
    }

    fn delete(&mut self, path: &VPath, recursive: bool) -> R<()> {
        let node = *self.st.tree.get(path).ok_or_else(|| {
            err(Code::NotFound, format!("nothing at {path}")).with_ref(path_ref(path))
        })?;
        if path.is_root() {
            return Err(err(
                Code::InvalidArgument,
                "the root folder cannot be deleted",
            ));
        }
        let below: Vec<(VPath, Node)> = self
            .st
            .tree
            .range(path.clone()..)
            .take_while(|(p, _)| p.starts_with(path))
            .map(|(p, n)| (p.clone(), *n))
            .collect();
        if matches!(node, Node::Folder) && below.len() > 1 && !recursive {
            return Err(err(
                Code::NotEmpty,
                format!("{path} is not empty ({} entries)", below.len() - 1),
            )
            .with_ref(path_ref(path))
            .with_hint("pass recursive: true to delete it with everything in it"));
        }
        let ids: Vec<ArtifactId> = below
            .iter()
            .filter_map(|(_, n)| match n {
                Node::Artifact(id) => Some(*id),
                Node::Folder => None,
            })
            .collect();
        let gone: BTreeSet<ArtifactId> = ids.iter().copied().collect();
        let mut rerender: BTreeMap<ArtifactId, CellChanges> = BTreeMap::new();
        for &id in &ids {
            let p = self.path(id);
            for (k, _) in self.st.out_edges(id) {
                if gone.contains(&k.dependent) {
                    self.st.remove_edge(k);
                    continue;
                }
                let dep_path = self.path(k.dependent);
                if k.kind.from_content() {
                    self.st
                        .dangling
                        .entry(p.clone())
                        .or_default()
                        .insert(k.dependent);
                    rerender.insert(k.dependent, None);
                }
                let what = match k.kind {
                    EdgeKind::Field => "quotes it in a field",
                    EdgeKind::CellLink | EdgeKind::ManualCellLink => "links cells to it",
                    EdgeKind::Import => "imports from it",
                    EdgeKind::BasedOn | EdgeKind::Inferred => "is based on it",
                    EdgeKind::Export => "was exported from it",
                    EdgeKind::Attachment => "carries it as an attachment",
                    EdgeKind::Copy => "is a copy of it",
                };
                self.warn(
                    Diagnostic::warning(
                        Code::BrokenReference,
                        format!("deleted {p}, but {dep_path} {what}"),
                    )
                    .with_ref(path_ref(&dep_path))
                    .with_ref(path_ref(&p)),
                );
                self.st.remove_edge(k);
            }
            for (k, _) in self.st.in_edges(id) {
                self.st.remove_edge(k);
            }
            let own_refs = resolve::content_refs(self.artifact_of(id), &p);
            for (rp, _) in own_refs {
                if let Some(set) = self.st.dangling.get_mut(&rp) {
                    set.remove(&id);
                    if set.is_empty() {
                        self.st.dangling.remove(&rp);
                    }
                }
            }
            self.st.remove_node(id);
            self.st.formulas.remove(&id);
            self.st.slots.remove(&id);
            self.changed.remove(&id);
        }
        for (p, _) in &below {
            self.st.tree.remove(p);
            self.st.folded.remove(&p.fold_key());
        }
        for (dep, _) in rerender {
            self.recomputed.push(dep);
            self.recompute(dep, None, false)?;
        }
        Ok(())
    }

    fn move_(&mut self, from: &VPath, to: &VPath) -> R<()> {
        if !self.st.tree.contains_key(from) {
            return Err(err(Code::NotFound, format!("nothing at {from}"))
                .with_ref(path_ref(from))
                .with_hint(self.did_you_mean(from)));
        }
        if from.is_root() {
            return Err(err(
                Code::InvalidArgument,
                "the root folder cannot be moved",
            ));
        }
        if to.starts_with(from) && to != from {
            return Err(err(
                Code::InvalidArgument,
                format!("cannot move {from} into itself ({to})"),
            ));
        }
        if to == from {
            return Ok(());
        }
        // A rename that only changes case keeps its own fold key.
        self.check_new(to, Some(from))?;
        self.make_parents(to);
        let below: Vec<(VPath, Node)> = self
            .st
            .tree
            .range(from.clone()..)
            .take_while(|(p, _)| p.starts_with(from))
            .map(|(p, n)| (p.clone(), *n))
            .collect();
        let mut moved: Vec<(ArtifactId, VPath, VPath)> = Vec::new();
        let mut new_paths = Vec::new();
        for (p, _) in &below {
            self.st.tree.remove(p);
            self.st.folded.remove(&p.fold_key());
        }
        for (p, n) in below {
            let q = p.rebase(from, to).ok_or_else(|| {
                err(
                    Code::InvalidPath,
                    format!("moving {p} under {to} makes a path longer than 1024 bytes"),
                )
            })?;
            if let Some(existing) = self.st.folded.get(&q.fold_key()) {
                return Err(err(
                    Code::InvalidPath,
                    format!("{q} would collide with {existing}"),
                ));
            }
            self.st.tree.insert(q.clone(), n);
            self.st.folded.insert(q.fold_key(), q.clone());
            if let Node::Artifact(id) = n {
                if let Some(slot) = self.st.slots.get(&id) {
                    let mut s = (**slot).clone();
                    s.path = q.clone();
                    self.st.slots.insert(id, Arc::new(s));
                }
                moved.push((id, p.clone(), q.clone()));
            }
            new_paths.push(q);
        }
        // Refs that point to a moved artifact follow it.
        let renames: BTreeMap<VPath, VPath> = moved
            .iter()
            .map(|(_, p, q)| (p.clone(), q.clone()))
            .collect();
        let mut dependents = BTreeSet::new();
        for (id, _, _) in &moved {
            for (k, _) in self.st.out_edges(*id) {
                if matches!(
                    k.kind,
                    EdgeKind::Field
                        | EdgeKind::CellLink
                        | EdgeKind::ManualCellLink
                        | EdgeKind::Attachment
                ) {
                    dependents.insert(k.dependent);
                }
            }
        }
        for dep in dependents {
            let mut art = self.artifact_of(dep).clone();
            rewrite_refs(&mut art, &renames);
            self.set_content_quietly(dep, art);
        }
        // Refs that dangled on the new paths now resolve.
        for q in new_paths {
            self.reconnect_dangling(&q)?;
        }
        Ok(())
    }

    fn copy(&mut self, from: &VPath, to: &VPath) -> R<()> {
        let src = self.lookup(from)?;
        let art = self.artifact_of(src).clone();
        let id = self.insert_artifact(to, art)?;
        self.add_edge_checked(
            EdgeKey {
                source: src,
                dependent: id,
                kind: EdgeKind::Copy,
            },
            EdgeState {
                seen: self.st.rev_of(src),
                ..EdgeState::default()
            },
        )
    }

    fn set_cells(&mut self, path: &VPath, sheet: &str, edits: &[CellEdit]) -> R<()> {
        let id = self.lookup(path)?;
        self.expect_kind(path, id, ArtifactKind::Workbook)?;
        check_sheet_name(sheet).map_err(|r| {
            err(Code::InvalidArgument, format!("sheet name {sheet:?}: {r}"))
                .with_ref(path_ref(path))
        })?;
        if edits.len() > MAX_CELLS_PER_OP {
            return Err(err(
                Code::LimitExceeded,
                format!(
                    "{} cell edits in one op, at most {MAX_CELLS_PER_OP}",
                    edits.len()
                ),
            ));
        }
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        let Artifact::Workbook(mut w) = self.artifact_of(id).clone() else {
            return Ok(());
        };
        if w.sheet(sheet).is_none() {
            if w.sheets.iter().any(|s| s.name.eq_ignore_ascii_case(sheet)) {
                return Err(err(
                    Code::InvalidArgument,
                    format!("sheet {sheet:?} differs from an existing sheet only by case"),
                ));
            }
            w.sheets.push(simdesk_model::Sheet::new(sheet));
        }
        let mut changed: BTreeSet<CellKey> = BTreeSet::new();
        let mut links_changed = false;
        {
            let s = w
                .sheet_mut(sheet)
                .ok_or_else(|| err(Code::NotFound, "sheet"))?;
            for e in edits {
                validate_input(path, sheet, e)?;
                let before = s.cells.get(&e.cell).cloned();
                let mut cell = before.clone().unwrap_or_default();
                apply_input(&mut cell, &e.input);
                links_changed |=
                    before.as_ref().and_then(|c| c.link.as_ref()) != cell.link.as_ref();
                if cell == Cell::default() {
                    s.cells.remove(&e.cell);
                } else {
                    s.cells.insert(e.cell, cell);
                }
                changed.insert((sheet.to_owned(), e.cell));
            }
            if s.cells.len() > MAX_CELLS_PER_WORKBOOK {
                return Err(err(
                    Code::LimitExceeded,
                    format!("sheet {sheet} would hold more than {MAX_CELLS_PER_WORKBOOK} cells"),
                ));
            }
        }
        let report = self.recalc(
            id,
            &mut w,
            Some(&changed.iter().cloned().collect::<Vec<_>>()),
        );
        for d in report.diagnostics {
            self.warn(d.with_ref(path_ref(path)));
        }
        changed.extend(report.changed);
        self.set_content(id, Artifact::Workbook(w), Some(changed.clone()));
        if links_changed {
            self.sync_refs(id, &old_refs)?;
            // Pull the values of new links now.
            self.recompute(id, None, false)?;
        }
        Ok(())
    }

    fn edit_document(&mut self, path: &VPath, edit: &DocEdit) -> R<()> {
        let id = self.lookup(path)?;
        self.expect_kind(path, id, ArtifactKind::Document)?;
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        let Artifact::Document(mut d) = self.artifact_of(id).clone() else {
            return Ok(());
        };
        let n = d.blocks.len();
        let bad = |i: usize, max: usize| {
            err(
                Code::InvalidArgument,
                format!("block index {i} out of range 0..={max} in {path}"),
            )
            .with_ref(path_ref(path))
        };
        match edit {
            DocEdit::Insert { index, block } => {
                if *index > n {
                    return Err(bad(*index, n));
                }
                validate_block(path, block)?;
                d.blocks.insert(*index, block.clone());
            }
            DocEdit::Replace { index, block } => {
                if *index >= n {
                    return Err(bad(*index, n.saturating_sub(1)));
                }
                validate_block(path, block)?;
                d.blocks[*index] = block.clone();
            }
            DocEdit::Delete { index } => {
                if *index >= n {
                    return Err(bad(*index, n.saturating_sub(1)));
                }
                d.blocks.remove(*index);
            }
            DocEdit::SetField {
                field,
                source,
                format,
            } => {
                let mut art = Artifact::Document(d);
                let mut fields = art.fields_mut();
                let count = fields.len();
                let f = fields.get_mut(*field).ok_or_else(|| {
                    err(
                        Code::InvalidArgument,
                        format!("{path} has {count} fields, no field {field}"),
                    )
                })?;
                f.source = source.clone();
                if let Some(fmt) = format {
                    f.format = Some(fmt.clone());
                }
                let Artifact::Document(d2) = art else {
                    return Ok(());
                };
                d = d2;
            }
        }
        self.set_content(id, Artifact::Document(d), None);
        self.sync_refs(id, &old_refs)?;
        self.recompute(id, None, false)?;
        Ok(())
    }

    fn edit_slides(&mut self, path: &VPath, edit: &SlideEdit) -> R<()> {
        let id = self.lookup(path)?;
        self.expect_kind(path, id, ArtifactKind::Deck)?;
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        let Artifact::Deck(mut d) = self.artifact_of(id).clone() else {
            return Ok(());
        };
        let n = d.slides.len();
        let bad = |i: usize| {
            err(
                Code::InvalidArgument,
                format!("slide index {i} out of range for {path} ({n} slides)"),
            )
            .with_ref(path_ref(path))
        };
        match edit {
            SlideEdit::Insert { index, slide } => {
                if *index > n {
                    return Err(bad(*index));
                }
                d.slides.insert(*index, slide.clone());
            }
            SlideEdit::Replace { index, slide } => {
                *d.slides.get_mut(*index).ok_or_else(|| bad(*index))? = slide.clone();
            }
            SlideEdit::Delete { index } => {
                if *index >= n {
                    return Err(bad(*index));
                }
                d.slides.remove(*index);
            }
            SlideEdit::Move { from, to } => {
                if *from >= n {
                    return Err(bad(*from));
                }
                if *to >= n {
                    return Err(bad(*to));
                }
                let s = d.slides.remove(*from);
                d.slides.insert(*to, s);
            }
        }
        self.set_content(id, Artifact::Deck(d), None);
        self.sync_refs(id, &old_refs)?;
        self.recompute(id, None, false)?;
        Ok(())
    }

    fn link(&mut self, source: &Ref, dependent: &Ref, kind: LinkKind) -> R<()> {
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
    fn run_import(&mut self, key: EdgeKey) -> R<()> {
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

    fn unlink(&mut self, source: &VPath, dependent: &VPath) -> R<()> {
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

    fn refresh(&mut self, path: &VPath) -> R<()> {
        let id = self.lookup(path)?;
        let mut did = false;
        let mut pull_manual_links = false;
        for (k, state) in self.st.in_edges(id) {
            match k.kind {
                EdgeKind::Field | EdgeKind::CellLink => {}
                EdgeKind::ManualCellLink => pull_manual_links = true,
                EdgeKind::Import => {
                    self.run_import(k)?;
                    did = true;
                }
                EdgeKind::BasedOn | EdgeKind::Inferred => {
                    let rev = self.st.rev_of(k.source);
                    if let Some(e) = self.st.edges.get_mut(&k) {
                        e.seen = rev;
                    }
                    self.st.update_behind(k);
                    did = true;
                }
                EdgeKind::Export => {
                    let src_path = self.path(k.source);
                    self.check_source_fresh(&src_path, k.source, path, Code::StaleSource)?;
                    let target = ExportTarget::from_extension(path.extension())
                        .ok_or_else(|| err(Code::InvalidArgument, "unknown export format"))?;
                    let art = derive::derive(
                        self.artifact_of(k.source),
                        target,
                        state.export_sheet.as_deref(),
                    )
                    .map_err(|e| err(Code::InvalidArgument, e))?;
                    self.set_content(id, art, None);
                    let rev = self.st.rev_of(k.source);
                    if let Some(e) = self.st.edges.get_mut(&k) {
                        e.seen = rev;
                    }
                    self.st.update_behind(k);
                    did = true;
                }
                EdgeKind::Copy => {
                    self.st.formulas.remove(&id);
                    let art = self.artifact_of(k.source).clone();
                    let old_refs = resolve::content_refs(self.artifact_of(id), path);
                    self.set_content(id, art, None);
                    self.sync_refs(id, &old_refs)?;
                    let rev = self.st.rev_of(k.source);
                    if let Some(e) = self.st.edges.get_mut(&k) {
                        e.seen = rev;
                    }
                    self.st.update_behind(k);
                    did = true;
                }
                EdgeKind::Attachment => {
                    if self.st.behind.contains(&k) {
                        self.warn(
                            Diagnostic::warning(
                                Code::StaleAttachment,
                                format!(
                                    "{path} was sent with {} as it was then; a sent email cannot be refreshed",
                                    self.path(k.source)
                                ),
                            )
                            .with_ref(path_ref(path))
                            .with_hint("send a new email with the current file attached"),
                        );
                    }
                }
            }
        }
        if pull_manual_links {
            self.recompute(id, None, true)?;
            did = true;
        }
        if !did {
            self.warn(Diagnostic::new(
                Code::StaleDependent,
                Severity::Info,
                format!("{path} has no imports, manual links, exports or copies to refresh"),
            ));
        }
        Ok(())
    }

    /// Diagnoses (or refuses, by policy) an export or attachment of a stale
    /// source, naming the whole chain.
    fn check_source_fresh(
        &mut self,
        src_path: &VPath,
        src: ArtifactId,
        target: &VPath,
        code: Code,
    ) -> R<()> {
        let chains = stale::chains_for(self.st, src);
        if chains.is_empty() {
            return Ok(());
        }
        let (verb, again) = if code == Code::StaleAttachment {
            ("attached", "attach")
        } else {
            ("exported", "export")
        };
        let mut d = Diagnostic::warning(
            code,
            format!(
                "{verb} {src_path} to {target} while it is stale: {}",
                chains
                    .iter()
                    .map(|c| c.describe(self.st))
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )
        .with_ref(path_ref(src_path));
        for c in &chains {
            for p in c.paths(self.st) {
                let r = path_ref(&p);
                if !d.refs.contains(&r) {
                    d.refs.push(r);
                }
            }
            d.hints
                .push(format!("refresh {} first", self.path(c.cause.dependent)));
        }
        d.hints.push(format!("then {again} {src_path} again"));
        if self.st.policy.stale_export == StaleExportPolicy::Refuse {
            d.severity = Severity::Error;
            return Err(d);
        }
        self.warn(d);
        Ok(())
    }

    fn export(&mut self, source: &VPath, target: &VPath, sheet: Option<&str>) -> R<()> {
        let src = self.lookup(source)?;
        let kind = ExportTarget::from_extension(target.extension()).ok_or_else(|| {
            err(
                Code::InvalidArgument,
                format!("cannot tell the export format from {target}: use .pdf, .csv, .md or .txt"),
            )
        })?;
        let art = derive::derive(self.artifact_of(src), kind, sheet).map_err(|e| {
            err(
                Code::InvalidArgument,
                format!("cannot export {source}: {e}"),
            )
            .with_ref(path_ref(source))
        })?;
        self.check_source_fresh(source, src, target, Code::StaleSource)?;
        let key_for = |dep| EdgeKey {
            source: src,
            dependent: dep,
            kind: EdgeKind::Export,
        };
        let state = EdgeState {
            seen: self.st.rev_of(src),
            export_sheet: sheet.map(str::to_owned),
            ..EdgeState::default()
        };
        match self.st.tree.get(target) {
            Some(Node::Artifact(existing)) => {
                let existing = *existing;
                let key = key_for(existing);
                if !self.st.edges.contains_key(&key) {
                    return Err(err(
                        Code::AlreadyExists,
                        format!("{target} exists and was not exported from {source}"),
                    )
                    .with_ref(path_ref(target))
                    .with_hint("export to a new name, or delete the old file first"));
                }
                self.set_content(existing, art, None);
                self.st.edges.insert(key, state);
                self.st.update_behind(key);
                Ok(())
            }
            _ => {
                let id = self.insert_artifact(target, art)?;
                self.add_edge_checked(key_for(id), state)
            }
        }
    }

    fn send_email(&mut self, path: &VPath, email: &Email) -> R<()> {
        if email.to.is_empty() && email.cc.is_empty() {
            return Err(err(
                Code::InvalidArgument,
                "an email needs at least one recipient",
            ));
        }
        for m in email.to.iter().chain(&email.cc).chain([&email.from]) {
            if !valid_address(&m.address) {
                return Err(err(
                    Code::InvalidArgument,
                    format!("invalid email address {:?}", m.address),
                ));
            }
        }
        let mut email = email.clone();
        if email.date == SimTime(0) {
            email.date = self.st.clock;
        }
        if email.message_id.is_empty() {
            email.message_id = format!("r{}.{}@simdesk.invalid", self.rev, self.st.next_id);
        }
        let mut atts = Vec::new();
        for a in &email.attachments {
            let id = self.lookup(a)?;
            atts.push((a.clone(), id));
        }
        for (a, id) in &atts {
            self.check_source_fresh(a, *id, path, Code::StaleAttachment)?;
        }
        let id = self.insert_artifact(path, Artifact::Email(email))?;
        for (_, src) in atts {
            let key = EdgeKey {
                source: src,
                dependent: id,
                kind: EdgeKind::Attachment,
            };
            if !self.st.edges.contains_key(&key) {
                self.add_edge_checked(
                    key,
                    EdgeState {
                        seen: self.st.rev_of(src),
                        ..EdgeState::default()
                    },
                )?;
            }
        }
        Ok(())
    }
}

fn valid_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && a.len() <= 254
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c))
}

fn apply_input(cell: &mut Cell, input: &CellInput) {
    if input.value.is_none() && input.formula.is_none() && input.link.is_none() {
        if input.format.is_some() {
            cell.format.clone_from(&input.format);
        } else {
            *cell = Cell::default();
        }
        return;
    }
    cell.formula = input
        .formula
        .as_ref()
        .map(|f| f.trim_start_matches('=').to_owned());
    cell.link.clone_from(&input.link);
    cell.value = input.value.clone().unwrap_or_default();
    if input.format.is_some() {
        cell.format.clone_from(&input.format);
    }
}

fn validate_input(path: &VPath, sheet: &str, e: &CellEdit) -> R<()> {
    let at = || format!("{path}#{}!{}", simdesk_model::quote_sheet(sheet), e.cell);
    let set = [
        e.input.value.is_some(),
        e.input.formula.is_some(),
        e.input.link.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if set > 1 {
        return Err(err(
            Code::InvalidArgument,
            format!("{}: give a value, a formula or a link, not several", at()),
        ));
    }
    if let Some(f) = &e.input.format
        && f.len() > 255
    {
        return Err(err(
            Code::LimitExceeded,
            format!("{}: number format longer than 255 characters", at()),
        ));
    }
    if let Some(CellValue::Text(t)) = &e.input.value
        && t.chars().count() > 32_767
    {
        return Err(err(
            Code::LimitExceeded,
            format!(
                "{}: text longer than 32767 characters (Excel's cell limit)",
                at()
            ),
        ));
    }
    if let Some(CellValue::Number(n) | CellValue::Date(n)) = &e.input.value
        && !n.is_finite()
    {
        return Err(err(
            Code::InvalidArgument,
            format!("{}: numbers must be finite", at()),
        ));
    }
    if let Some(l) = &e.input.link {
        if l.policy == Policy::Snapshot {
            return Err(err(
                Code::InvalidArgument,
                format!("{}: a cell link is live or manual, not snapshot", at()),
            ));
        }
        if !matches!(l.source.target, RefTarget::Cell { .. }) || l.source.path.is_none() {
            return Err(err(
                Code::InvalidArgument,
                format!(
                    "{}: a cell link points to one cell of another workbook, not {}",
                    at(),
                    l.source
                ),
            ));
        }
    }
    Ok(())
}

fn validate_block(path: &VPath, b: &simdesk_model::Block) -> R<()> {
    if let simdesk_model::Block::Heading { level, text } = b {
        if !(1..=3).contains(level) {
            return Err(err(
                Code::InvalidArgument,
                format!("{path}: heading level {level}, expected 1 to 3"),
            ));
        }
        if text.contains('\n') {
            return Err(err(
                Code::InvalidArgument,
                format!("{path}: a heading is one line"),
            ));
        }
    }
    Ok(())
}

/// Checks an artifact from outside before it enters the world.
pub(crate) fn validate_artifact(path: &VPath, a: &Artifact) -> R<()> {
    match a {
        Artifact::Workbook(w) => validate_workbook(path, w),
        Artifact::Document(d) => d.blocks.iter().try_for_each(|b| validate_block(path, b)),
        _ => Ok(()),
    }
}

fn validate_workbook(path: &VPath, w: &Workbook) -> R<()> {
    let mut names = BTreeSet::new();
    let mut cells = 0usize;
    for s in &w.sheets {
        check_sheet_name(&s.name).map_err(|r| {
            err(
                Code::InvalidArgument,
                format!("{path}: sheet name {:?}: {r}", s.name),
            )
        })?;
        if !names.insert(s.name.to_lowercase()) {
            return Err(err(
                Code::InvalidArgument,
                format!("{path}: two sheets named {:?}", s.name),
            ));
        }
        cells += s.cells.len();
        for (a, c) in &s.cells {
            validate_input(
                path,
                &s.name,
                &CellEdit {
                    cell: *a,
                    input: CellInput {
                        value: None,
                        formula: c.formula.clone(),
                        format: c.format.clone(),
                        link: c.link.clone(),
                    },
                },
            )?;
        }
    }
    if cells > MAX_CELLS_PER_WORKBOOK {
        return Err(err(
            Code::LimitExceeded,
            format!("{path}: {cells} cells, at most {MAX_CELLS_PER_WORKBOOK}"),
        ));
    }
    Ok(())
}

/// Rewrites refs (fields, cell links, attachments) from old to new paths.
fn rewrite_refs(a: &mut Artifact, renames: &BTreeMap<VPath, VPath>) {
    for f in a.fields_mut() {
        if let Some(p) = &f.source.path
            && let Some(q) = renames.get(p)
        {
            f.source.path = Some(q.clone());
        }
    }
    match a {
        Artifact::Workbook(w) => {
            for s in &mut w.sheets {
                for c in s.cells.values_mut() {
                    if let Some(l) = &mut c.link
                        && let Some(p) = &l.source.path
                        && let Some(q) = renames.get(p)
                    {
                        l.source.path = Some(q.clone());
                    }
                }
            }
        }
        Artifact::Email(e) => {
            for p in &mut e.attachments {
                if let Some(q) = renames.get(p) {
                    *p = q.clone();
                }
            }
        }
        _ => {}
    }
}
