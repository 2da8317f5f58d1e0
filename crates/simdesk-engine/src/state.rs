//! The world's state: tree, artifacts, edges and clocks, in persistent
//! (structurally shared) collections so a fork costs O(1).

use std::sync::Arc;

use imbl::{OrdMap, OrdSet, Vector};
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use serde::{Deserialize, Serialize};
use simdesk_formula::FormulaGraph;
use simdesk_model::{Artifact, Objective, Persona, Policy, SimTime, VPath};

/// An artifact's identity inside the engine. Paths are resolved to ids once,
/// at the door; ids never change when an artifact moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ArtifactId(pub u32);

/// The kind of a dependency edge; the kind fixes the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EdgeKind {
    /// A document, slide or email field quotes the source (live).
    Field,
    /// Workbook cells take values from the source workbook, live.
    CellLink,
    /// Workbook cells take values from the source workbook, on refresh.
    ManualCellLink,
    /// A sheet is filled from the source (a CSV or a sheet) on refresh.
    Import,
    /// The dependent was made by hand from the source ("based on").
    BasedOn,
    /// The dependent was exported from the source.
    Export,
    /// The dependent (an email) carries the source as an attachment.
    Attachment,
    /// The dependent is a copy of the source.
    Copy,
    /// Found by content, not recorded by an op: an export, quote, import
    /// or attachment inferred when a folder without a manifest was
    /// imported. Manual, like "based on": refresh marks it seen.
    Inferred,
}

impl EdgeKind {
    /// The policy this kind of edge follows.
    pub fn policy(self) -> Policy {
        match self {
            EdgeKind::Field | EdgeKind::CellLink => Policy::Live,
            EdgeKind::ManualCellLink
            | EdgeKind::Import
            | EdgeKind::BasedOn
            | EdgeKind::Inferred => Policy::Manual,
            EdgeKind::Export | EdgeKind::Attachment | EdgeKind::Copy => Policy::Snapshot,
        }
    }

    /// True for kinds derived from the dependent's content (fields, cell
    /// links) rather than recorded by an op.
    pub fn from_content(self) -> bool {
        matches!(
            self,
            EdgeKind::Field | EdgeKind::CellLink | EdgeKind::ManualCellLink
        )
    }

    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Field => "field",
            EdgeKind::CellLink => "cell_link",
            EdgeKind::ManualCellLink => "manual_cell_link",
            EdgeKind::Import => "import",
            EdgeKind::BasedOn => "based_on",
            EdgeKind::Export => "export",
            EdgeKind::Attachment => "attachment",
            EdgeKind::Copy => "copy",
            EdgeKind::Inferred => "inferred",
        }
    }
}

/// Identifies one edge: there is at most one edge of a kind between two
/// artifacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct EdgeKey {
    /// The artifact depended on.
    pub source: ArtifactId,
    /// The artifact that depends.
    pub dependent: ArtifactId,
    /// What kind of dependency.
    pub kind: EdgeKind,
}

/// What an edge remembers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EdgeState {
    /// The source revision the dependent last took in.
    pub seen: u64,
    /// For imports: the source sheet (a workbook source), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_sheet: Option<String>,
    /// For imports: the dependent sheets filled from the source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sheets: Vec<String>,
    /// For exports: the sheet exported (workbook → csv).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_sheet: Option<String>,
}

/// One artifact with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Slot {
    /// Where it lives now.
    pub path: VPath,
    /// The content.
    pub artifact: Arc<Artifact>,
    /// Revision of its last real content change.
    pub rev: u64,
    /// Revision at which it was created.
    pub created: u64,
    /// Simulated time of its last real content change.
    pub modified_at: SimTime,
}

/// A tree entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// A folder.
    Folder,
    /// An artifact.
    Artifact(ArtifactId),
}

/// What the workspace does when an export's source is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaleExportPolicy {
    /// Export and record a `stale-source` warning.
    #[default]
    Warn,
    /// Refuse the export with a `stale-source` error.
    Refuse,
}

/// Workspace-wide settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct WorkspacePolicy {
    /// Exports (and attachments) of stale sources.
    #[serde(default)]
    pub stale_export: StaleExportPolicy,
}

/// The complete state of a world (everything but the trajectory).
#[derive(Debug, Clone)]
pub(crate) struct State {
    pub tree: OrdMap<VPath, Node>,
    /// Fold key (case and normalisation insensitive) → the path that has it.
    pub folded: OrdMap<String, VPath>,
    pub slots: OrdMap<ArtifactId, Arc<Slot>>,
    pub edges: OrdMap<EdgeKey, EdgeState>,
    /// Edges whose source moved on past what the dependent took in.
    pub behind: OrdSet<EdgeKey>,
    pub graph: Arc<StableDiGraph<ArtifactId, EdgeKind>>,
    pub nodes: OrdMap<ArtifactId, NodeIndex>,
    /// Paths referred to by content but missing → the artifacts that refer.
    pub dangling: OrdMap<VPath, OrdSet<ArtifactId>>,
    pub next_id: u32,
    pub revision: u64,
    pub start: SimTime,
    pub clock: SimTime,
    pub persona: Arc<Persona>,
    pub objectives: Vector<Objective>,
    pub policy: WorkspacePolicy,
    /// Kept formula dependency graphs of workbooks (a cache: rebuilt when
    /// missing, never saved).
    pub formulas: OrdMap<ArtifactId, Arc<FormulaGraph>>,
}

impl State {
    pub fn new(start: SimTime, persona: Persona) -> State {
        let mut tree = OrdMap::new();
        tree.insert(VPath::root(), Node::Folder);
        let mut folded = OrdMap::new();
        folded.insert(VPath::root().fold_key(), VPath::root());
        State {
            tree,
            folded,
            slots: OrdMap::new(),
            edges: OrdMap::new(),
            behind: OrdSet::new(),
            graph: Arc::new(StableDiGraph::new()),
            nodes: OrdMap::new(),
            dangling: OrdMap::new(),
            next_id: 1,
            revision: 0,
            start,
            clock: start,
            persona: Arc::new(persona),
            objectives: Vector::new(),
            policy: WorkspacePolicy::default(),
            formulas: OrdMap::new(),
        }
    }

    pub fn slot(&self, id: ArtifactId) -> Option<&Slot> {
        self.slots.get(&id).map(|s| &**s)
    }

    pub fn id_at(&self, path: &VPath) -> Option<ArtifactId> {
        match self.tree.get(path) {
            Some(Node::Artifact(id)) => Some(*id),
            _ => None,
        }
    }

    pub fn path_of(&self, id: ArtifactId) -> Option<&VPath> {
        self.slot(id).map(|s| &s.path)
    }

    pub fn artifact(&self, id: ArtifactId) -> Option<&Artifact> {
        self.slot(id).map(|s| &*s.artifact)
    }

    pub fn rev_of(&self, id: ArtifactId) -> u64 {
        self.slot(id).map_or(0, |s| s.rev)
    }

    /// Edges into `id`, in key order.
    pub fn in_edges(&self, id: ArtifactId) -> Vec<(EdgeKey, EdgeState)> {
        self.edges_at(id, petgraph::Direction::Incoming)
    }

    /// Edges out of `id`, in key order.
    pub fn out_edges(&self, id: ArtifactId) -> Vec<(EdgeKey, EdgeState)> {
        self.edges_at(id, petgraph::Direction::Outgoing)
    }

    /// Edges at `id` in one direction, sorted by key so that nothing
    /// depends on petgraph's adjacency order.
    fn edges_at(&self, id: ArtifactId, dir: petgraph::Direction) -> Vec<(EdgeKey, EdgeState)> {
        use petgraph::visit::EdgeRef;
        let Some(&ix) = self.nodes.get(&id) else {
            return Vec::new();
        };
        let mut keys: Vec<EdgeKey> = self
            .graph
            .edges_directed(ix, dir)
            .map(|e| {
                let (source, dependent) = match dir {
                    petgraph::Direction::Incoming => (self.graph[e.source()], id),
                    petgraph::Direction::Outgoing => (id, self.graph[e.target()]),
                };
                EdgeKey {
                    source,
                    dependent,
                    kind: *e.weight(),
                }
            })
            .collect();
        keys.sort();
        keys.dedup();
        keys.into_iter()
            .filter_map(|k| self.edges.get(&k).map(|s| (k, s.clone())))
            .collect()
    }

    pub fn add_node(&mut self, id: ArtifactId) {
        if !self.nodes.contains_key(&id) {
            let ix = Arc::make_mut(&mut self.graph).add_node(id);
            self.nodes.insert(id, ix);
        }
    }

    /// Removes an artifact's node with every edge into or out of it.
    pub fn remove_node(&mut self, id: ArtifactId) {
        let incident: Vec<EdgeKey> = self
            .in_edges(id)
            .into_iter()
            .chain(self.out_edges(id))
            .map(|(k, _)| k)
            .collect();
        for k in incident {
            self.remove_edge(k);
        }
        if let Some(ix) = self.nodes.remove(&id) {
            Arc::make_mut(&mut self.graph).remove_node(ix);
        }
    }

    pub fn insert_edge(&mut self, key: EdgeKey, state: EdgeState) {
        if self.edges.insert(key, state).is_none() {
            let (Some(&a), Some(&b)) =
                (self.nodes.get(&key.source), self.nodes.get(&key.dependent))
            else {
                return;
            };
            Arc::make_mut(&mut self.graph).add_edge(a, b, key.kind);
        }
        self.update_behind(key);
    }

    pub fn remove_edge(&mut self, key: EdgeKey) {
        if self.edges.remove(&key).is_some() {
            self.behind.remove(&key);
            let (Some(&a), Some(&b)) =
                (self.nodes.get(&key.source), self.nodes.get(&key.dependent))
            else {
                return;
            };
            let g = Arc::make_mut(&mut self.graph);
            let found = g
                .edges_connecting(a, b)
                .find(|e| *e.weight() == key.kind)
                .map(|e| {
                    use petgraph::visit::EdgeRef;
                    e.id()
                });
            if let Some(e) = found {
                g.remove_edge(e);
            }
        }
    }

    /// Recomputes whether one edge is behind its source.
    pub fn update_behind(&mut self, key: EdgeKey) {
        let behind = key.kind.policy() != Policy::Live
            && self
                .edges
                .get(&key)
                .is_some_and(|e| self.rev_of(key.source) > e.seen);
        if behind {
            self.behind.insert(key);
        } else {
            self.behind.remove(&key);
        }
    }
}
