//! `Workspace`: the synthetic computer, and its one mutation path.

use std::sync::Arc;

use imbl::Vector;
use serde::Serialize;
use simdesk_model::{
    Actor, Artifact, ArtifactKind, CellAddr, Diagnostic, Event, Objective, Op, OutcomeKind,
    Persona, Policy, SimTime, VPath,
};

use crate::snapshot::{SnapshotError, serialize_error};
use crate::stale::{self, Staleness};
use crate::state::{ArtifactId, EdgeKind, Node, State, WorkspacePolicy};
use crate::tx::Tx;

/// The actor recorded when none is given: the agent.
pub const DEFAULT_ACTOR: Actor = Actor::Agent;

/// A world: folders and typed artifacts, a dependency graph, one revision
/// clock, a simulated wall clock, the persona, objectives and the
/// trajectory of every op applied or refused.
///
/// Cloning (see [`Workspace::fork`]) is O(1): the state lives in persistent
/// collections that share unchanged parts.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub(crate) st: State,
    pub(crate) trajectory: Vector<Event>,
}

/// What [`Workspace::apply`] did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Applied or rejected.
    pub kind: OutcomeKind,
    /// The event's sequence number in the trajectory.
    pub seq: u64,
    /// The world revision after the op.
    pub revision: u64,
    /// Diagnostics raised (an error one when rejected).
    pub diagnostics: Vec<Diagnostic>,
    /// Artifacts recomputed by propagation, in order.
    pub recomputed: Vec<VPath>,
    /// Formula cells evaluated, as `path#Sheet!A1` strings, in order.
    pub recomputed_cells: Vec<String>,
}

impl Outcome {
    /// True when the op was applied.
    pub fn is_applied(&self) -> bool {
        self.kind == OutcomeKind::Applied
    }
}

/// One entry of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// Path.
    pub path: VPath,
    /// `None` for folders.
    pub kind: Option<ArtifactKind>,
    /// Revision of the last content change (artifacts).
    pub rev: u64,
    /// Simulated time of the last content change (artifacts).
    pub modified_at: Option<SimTime>,
}

/// A dependency edge as paths, for reports and manifests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EdgeView {
    /// The artifact depended on.
    pub source: VPath,
    /// The artifact that depends.
    pub dependent: VPath,
    /// Kind of dependency.
    pub kind: EdgeKind,
    /// Policy of the kind.
    pub policy: Policy,
    /// The source revision the dependent last took in.
    pub seen: u64,
    /// The source's current revision.
    pub source_rev: u64,
    /// The edge is behind its source.
    pub behind: bool,
    /// Imports: the sheets filled.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
}

impl Workspace {
    /// An empty world starting at `start` for `persona`.
    pub fn new(start: SimTime, persona: Persona) -> Workspace {
        Workspace {
            st: State::new(start, persona),
            trajectory: Vector::new(),
        }
    }

    /// The same world with a different workspace policy.
    pub fn with_policy(mut self, policy: WorkspacePolicy) -> Workspace {
        self.st.policy = policy;
        self
    }

    /// Applies an op as the default actor. See [`Workspace::apply_as`].
    pub fn apply(&mut self, op: Op) -> Outcome {
        self.apply_as(DEFAULT_ACTOR, op)
    }

    /// The one mutation path: validates the op, applies it, propagates live
    /// changes, and records an event. A refused op changes nothing but the
    /// trajectory (which records the refusal). `actor` is an [`Actor`] or
    /// its name (`"agent"`, `"generator"`, a collaborator's address …).
    pub fn apply_as(&mut self, actor: impl Into<Actor>, op: Op) -> Outcome {
        let actor: Actor = actor.into();
        let mut next = self.st.clone();
        let mut tx = Tx::new(&mut next, &actor);
        let result = tx.apply(&op).and_then(|()| tx.propagate());
        let mut diagnostics = std::mem::take(&mut tx.diags);
        let recomputed_ids = std::mem::take(&mut tx.recomputed);
        let cells = std::mem::take(&mut tx.recomputed_cells);
        drop(tx);
        let kind = match result {
            Ok(()) => {
                // `Tx::apply` refused an op at the last revision.
                next.revision = next.revision.saturating_add(1);
                self.st = next;
                OutcomeKind::Applied
            }
            Err(d) => {
                diagnostics.insert(0, d);
                OutcomeKind::Rejected
            }
        };
        let path_of = |id: ArtifactId| self.st.path_of(id).cloned();
        let recomputed: Vec<VPath> = if kind == OutcomeKind::Applied {
            let mut seen = std::collections::BTreeSet::new();
            recomputed_ids
                .into_iter()
                .filter(|id| seen.insert(*id))
                .filter_map(path_of)
                .collect()
        } else {
            Vec::new()
        };
        let recomputed_cells = if kind == OutcomeKind::Applied {
            cells
                .into_iter()
                .filter_map(|(id, (sheet, cell))| {
                    path_of(id)
                        .map(|p| format!("{p}#{}!{cell}", simdesk_model::quote_sheet(&sheet)))
                })
                .collect()
        } else {
            Vec::new()
        };
        let seq = self.trajectory.len() as u64 + 1;
        self.trajectory.push_back(Event {
            seq,
            time: self.st.clock,
            actor,
            op,
            outcome: kind,
            revision: self.st.revision,
            diagnostics: diagnostics.clone(),
        });
        Outcome {
            kind,
            seq,
            revision: self.st.revision,
            diagnostics,
            recomputed,
            recomputed_cells,
        }
    }

    /// A fork: an independent world sharing all unchanged state with this
    /// one. O(1); changes in either never show in the other.
    pub fn fork(&self) -> Workspace {
        self.clone()
    }

    // ------------------------------------------------------------ queries

    /// The artifact at `path`.
    pub fn artifact(&self, path: &VPath) -> Option<&Artifact> {
        self.st.id_at(path).and_then(|id| self.st.artifact(id))
    }

    /// The artifact at `path`, shared.
    pub fn artifact_arc(&self, path: &VPath) -> Option<Arc<Artifact>> {
        self.st
            .id_at(path)
            .and_then(|id| self.st.slot(id))
            .map(|s| s.artifact.clone())
    }

    /// True when a folder exists at `path`.
    pub fn is_folder(&self, path: &VPath) -> bool {
        matches!(self.st.tree.get(path), Some(Node::Folder))
    }

    /// The revision of the artifact's last real content change.
    pub fn revision_of(&self, path: &VPath) -> Option<u64> {
        self.st.id_at(path).map(|id| self.st.rev_of(id))
    }

    /// Simulated time of the artifact's last content change.
    pub fn modified_at(&self, path: &VPath) -> Option<SimTime> {
        self.st
            .id_at(path)
            .and_then(|id| self.st.slot(id))
            .map(|s| s.modified_at)
    }

    /// The entries directly inside a folder, in path order.
    pub fn list(&self, folder: &VPath) -> Vec<Entry> {
        self.st
            .tree
            .range(folder.clone()..)
            .skip(1)
            .take_while(|(p, _)| p.starts_with(folder))
            .filter(|(p, _)| p.parent().as_ref() == Some(folder))
            .map(|(p, n)| self.entry(p, *n))
            .collect()
    }

    /// Every folder and artifact, in path order (the root excluded).
    pub fn walk(&self) -> Vec<Entry> {
        self.st
            .tree
            .iter()
            .skip(1)
            .map(|(p, n)| self.entry(p, *n))
            .collect()
    }

    fn entry(&self, p: &VPath, n: Node) -> Entry {
        match n {
            Node::Folder => Entry {
                path: p.clone(),
                kind: None,
                rev: 0,
                modified_at: None,
            },
            Node::Artifact(id) => {
                let slot = self.st.slot(id);
                Entry {
                    path: p.clone(),
                    kind: slot.map(|s| s.artifact.kind()),
                    rev: slot.map_or(0, |s| s.rev),
                    modified_at: slot.map(|s| s.modified_at),
                }
            }
        }
    }

    /// Every artifact path with its content, in path order.
    pub fn artifacts(&self) -> impl Iterator<Item = (&VPath, &Artifact)> {
        self.st.tree.iter().filter_map(|(p, n)| match n {
            Node::Artifact(id) => self.st.artifact(*id).map(|a| (p, a)),
            Node::Folder => None,
        })
    }

    /// Number of artifacts.
    pub fn artifact_count(&self) -> usize {
        self.st.slots.len()
    }

    /// Every dependency edge, in (source, dependent, kind) id order.
    pub fn edges(&self) -> Vec<EdgeView> {
        self.st
            .edges
            .iter()
            .filter_map(|(k, e)| {
                Some(EdgeView {
                    source: self.st.path_of(k.source)?.clone(),
                    dependent: self.st.path_of(k.dependent)?.clone(),
                    kind: k.kind,
                    policy: k.kind.policy(),
                    seen: e.seen,
                    source_rev: self.st.rev_of(k.source),
                    behind: self.st.behind.contains(k),
                    sheets: e.sheets.clone(),
                })
            })
            .collect()
    }

    /// Edges into the artifact at `path`.
    pub fn edges_into(&self, path: &VPath) -> Vec<EdgeView> {
        let Some(id) = self.st.id_at(path) else {
            return Vec::new();
        };
        self.st
            .in_edges(id)
            .into_iter()
            .filter_map(|(k, e)| {
                Some(EdgeView {
                    source: self.st.path_of(k.source)?.clone(),
                    dependent: path.clone(),
                    kind: k.kind,
                    policy: k.kind.policy(),
                    seen: e.seen,
                    source_rev: self.st.rev_of(k.source),
                    behind: self.st.behind.contains(&k),
                    sheets: e.sheets.clone(),
                })
            })
            .collect()
    }

    /// True when the artifact is stale (itself or anything upstream behind).
    pub fn is_stale(&self, path: &VPath) -> bool {
        self.st
            .id_at(path)
            .is_some_and(|id| !stale::chains_for(&self.st, id).is_empty())
    }

    /// Why the artifact is stale, with chains; `None` when fresh.
    pub fn staleness(&self, path: &VPath) -> Option<Staleness> {
        self.st
            .id_at(path)
            .and_then(|id| stale::report(&self.st, id))
    }

    /// Paths of every stale artifact, in path order. Walks only the stale
    /// region of the graph.
    pub fn stale_paths(&self) -> Vec<VPath> {
        let mut v: Vec<VPath> = stale::stale_set(&self.st)
            .into_iter()
            .filter_map(|id| self.st.path_of(id).cloned())
            .collect();
        v.sort();
        v
    }

    /// Every stale artifact with its chains, in path order.
    pub fn stale(&self) -> Vec<Staleness> {
        let mut v: Vec<Staleness> = stale::stale_set(&self.st)
            .into_iter()
            .filter_map(|id| stale::report(&self.st, id))
            .collect();
        v.sort_by(|a, b| a.path.cmp(&b.path));
        v
    }

    /// Refs in content that point to missing artifacts: (the referring
    /// artifact, the missing path), in path order.
    pub fn dangling(&self) -> Vec<(VPath, VPath)> {
        let mut out: Vec<(VPath, VPath)> = self
            .st
            .dangling
            .iter()
            .flat_map(|(missing, deps)| {
                deps.iter()
                    .filter_map(|d| self.st.path_of(*d).map(|p| (p.clone(), missing.clone())))
            })
            .collect();
        out.sort();
        out
    }

    /// The world revision (number of applied ops).
    pub fn revision(&self) -> u64 {
        self.st.revision
    }

    /// The simulated wall clock.
    pub fn now(&self) -> SimTime {
        self.st.clock
    }

    /// The simulated start time.
    pub fn start(&self) -> SimTime {
        self.st.start
    }

    /// The persona.
    pub fn persona(&self) -> &Persona {
        &self.st.persona
    }

    /// Objectives assigned so far.
    pub fn objectives(&self) -> impl Iterator<Item = &Objective> {
        self.st.objectives.iter()
    }

    /// The workspace policy.
    pub fn policy(&self) -> WorkspacePolicy {
        self.st.policy
    }

    /// Every event, applied or refused, in order.
    pub fn trajectory(&self) -> impl Iterator<Item = &Event> {
        self.trajectory.iter()
    }

    /// Number of events.
    pub fn trajectory_len(&self) -> usize {
        self.trajectory.len()
    }

    /// The trajectory as JSON Lines.
    pub fn trajectory_jsonl(&self) -> Result<String, SnapshotError> {
        events_to_jsonl(self.trajectory.iter())
    }

    /// The value of one cell (for goals and tools).
    pub fn cell(&self, path: &VPath, sheet: &str, cell: CellAddr) -> Option<&simdesk_model::Cell> {
        match self.artifact(path)? {
            Artifact::Workbook(w) => w.sheet(sheet)?.cells.get(&cell),
            _ => None,
        }
    }
}

/// Writes events as JSON Lines.
pub fn events_to_jsonl<'a>(
    events: impl Iterator<Item = &'a Event>,
) -> Result<String, SnapshotError> {
    let mut out = String::new();
    for e in events {
        out.push_str(&serde_json::to_string(e).map_err(serialize_error("event"))?);
        out.push('\n');
    }
    Ok(out)
}
