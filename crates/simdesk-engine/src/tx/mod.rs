//! One transaction: validate and apply an op on a copy of the state,
//! propagate live changes, and hand back the new state or a refusal.
//!
//! The copy is cheap (persistent collections), so a refused op simply drops
//! it: the world stays exactly as it was.
//!
//! The transaction's steps live in submodules along their seams: `recalc`
//! (formulas and propagation), `edges` (content edges, links, imports),
//! `tree` (create, delete, move, copy), `edit` (cells, blocks, slides) and
//! `deliver` (refresh, export, send). What can be checked without a world
//! is in [`crate::validate`].

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use simdesk_formula::{CellKey, EvalContext};
use simdesk_model::{Actor, Artifact, ArtifactKind, Code, Diagnostic, Op, Ref, VPath};

use crate::state::{ArtifactId, EdgeKey, Node, State};
use crate::validate;

mod deliver;
mod edges;
mod edit;
mod recalc;
mod tree;

/// What a step of a transaction gives back: a value, or the diagnostic that
/// refuses the whole op.
pub(crate) type TxResult<T> = Result<T, Diagnostic>;

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
    /// Who applies the op.
    actor: &'a Actor,
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
    pub fn new(st: &'a mut State, actor: &'a Actor) -> Self {
        // A revision counter at its end is refused in `apply` (see
        // `Tx::check_counters`); saturating keeps `new` itself total.
        let rev = st.revision.saturating_add(1);
        Tx {
            st,
            actor,
            rev,
            diags: Vec::new(),
            changed: BTreeMap::new(),
            recomputed: Vec::new(),
            recomputed_cells: Vec::new(),
            new_edges: BTreeSet::new(),
        }
    }

    /// Refuses an op when the world's revision counter cannot advance (a
    /// crafted or exhausted world): it never wraps.
    fn check_counters(&self) -> TxResult<()> {
        if self.st.revision == u64::MAX {
            return Err(err(
                Code::LimitExceeded,
                format!(
                    "the world is at revision {}, the last one: no op can be applied",
                    u64::MAX
                ),
            ));
        }
        Ok(())
    }

    fn warn(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn ctx(&self) -> EvalContext {
        EvalContext { now: self.st.clock }
    }

    fn lookup(&self, path: &VPath) -> TxResult<ArtifactId> {
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

    fn expect_kind(&self, path: &VPath, id: ArtifactId, kind: ArtifactKind) -> TxResult<()> {
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

    fn path(&self, id: ArtifactId) -> VPath {
        self.st.path_of(id).cloned().unwrap_or_else(VPath::root)
    }

    /// Stores new content if it differs (early cutoff), bumping the
    /// artifact's revision and marking snapshot/manual out-edges behind.
    fn set_content(
        &mut self,
        id: ArtifactId,
        new: impl Into<Arc<Artifact>>,
        cells: CellChanges,
    ) -> bool {
        let new: Arc<Artifact> = new.into();
        let Some(slot) = self.st.slots.get(&id) else {
            return false;
        };
        if Arc::ptr_eq(&slot.artifact, &new) || *slot.artifact == *new {
            return false;
        }
        let mut s = (**slot).clone();
        s.artifact = new;
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

    pub fn apply(&mut self, op: &Op) -> TxResult<()> {
        self.check_counters()?;
        match op {
            Op::Mkdir { path } => self.mkdir(path),
            Op::Create { path, artifact } => {
                validate::artifact(path, artifact)?;
                self.insert_artifact(path, Arc::clone(artifact)).map(|_| ())
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
            } => self.set_range(path, sheet, *start, rows),
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
                validate::clock_step(*seconds)?;
                self.st.clock = self.st.clock.plus_secs(*seconds);
                self.recalc_volatile();
                Ok(())
            }
            Op::AddObjective { objective } => {
                validate::objective_id(&objective.id)?;
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
}
