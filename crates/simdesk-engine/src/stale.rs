//! Staleness, computed from revision numbers alone and transitive through
//! the graph.
//!
//! An edge is *behind* when it is manual or snapshot and its source's
//! revision is newer than the revision the dependent last took in. The
//! engine keeps the set of behind edges up to date as ops run, so a query
//! only walks the stale region (downstream of behind edges) or one
//! artifact's ancestry — never unrelated artifacts.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use serde::Serialize;
use simdesk_model::VPath;

use crate::state::{ArtifactId, EdgeKey, EdgeKind, State};

/// One reason an artifact is stale: a behind edge somewhere upstream, and
/// the path from it down to the artifact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chain {
    /// The behind edge.
    pub cause: EdgeKey,
    /// The source revision the dependent last took in.
    pub seen: u64,
    /// The source's current revision.
    pub source_rev: u64,
    /// Artifacts from the cause's dependent down to the stale artifact.
    pub below: Vec<ArtifactId>,
}

impl Chain {
    /// Every path in the chain, from the changed source down.
    pub fn paths(&self, st: &State) -> Vec<VPath> {
        std::iter::once(self.cause.source)
            .chain(self.below.iter().copied())
            .filter_map(|id| st.path_of(id).cloned())
            .collect()
    }

    /// The missing step, as an instruction.
    pub fn missing(&self, st: &State) -> String {
        let p = |id| st.path_of(id).map(VPath::to_string).unwrap_or_default();
        let (src, dep) = (p(self.cause.source), p(self.cause.dependent));
        match self.cause.kind {
            EdgeKind::Import
            | EdgeKind::ManualCellLink
            | EdgeKind::BasedOn
            | EdgeKind::Inferred => {
                format!("refresh {dep}")
            }
            EdgeKind::Export => format!("export {src} to {dep} again"),
            EdgeKind::Copy => format!("refresh the copy {dep}"),
            EdgeKind::Attachment => format!("send {src} again"),
            EdgeKind::Field | EdgeKind::CellLink => "nothing (live)".to_owned(),
        }
    }

    /// One line: what changed when, what is missing, and the chain.
    pub fn describe(&self, st: &State) -> String {
        let p = |id| st.path_of(id).map(VPath::to_string).unwrap_or_default();
        format!(
            "{} changed at revision {} but {} still holds its revision {} (missing: {}); chain: {}",
            p(self.cause.source),
            self.source_rev,
            p(self.cause.dependent),
            self.seen,
            self.missing(st),
            self.paths(st)
                .iter()
                .map(VPath::as_str)
                .collect::<Vec<_>>()
                .join(" -> ")
        )
    }
}

/// Why `id` is stale: every behind edge upstream of it (including its own
/// in-edges), each with the path down to `id`. Empty when fresh.
pub(crate) fn chains_for(st: &State, id: ArtifactId) -> Vec<Chain> {
    if st.behind.is_empty() {
        return Vec::new();
    }
    // Walk upstream, remembering for each ancestor the next step down.
    let mut down: BTreeMap<ArtifactId, ArtifactId> = BTreeMap::new();
    let mut seen = BTreeSet::from([id]);
    let mut queue = VecDeque::from([id]);
    let mut out = Vec::new();
    while let Some(n) = queue.pop_front() {
        for (k, e) in st.in_edges(n) {
            if st.behind.contains(&k) {
                let mut below = vec![n];
                let mut cur = n;
                while let Some(next) = down.get(&cur) {
                    below.push(*next);
                    cur = *next;
                }
                out.push(Chain {
                    cause: k,
                    seen: e.seen,
                    source_rev: st.rev_of(k.source),
                    below,
                });
            }
            if seen.insert(k.source) {
                down.insert(k.source, n);
                queue.push_back(k.source);
            }
        }
    }
    out.sort_by_key(|c| c.cause);
    out
}

/// Every stale artifact: dependents of behind edges and everything below
/// them.
pub(crate) fn stale_set(st: &State) -> BTreeSet<ArtifactId> {
    let mut out = BTreeSet::new();
    let mut queue: VecDeque<ArtifactId> = st.behind.iter().map(|k| k.dependent).collect();
    while let Some(n) = queue.pop_front() {
        if out.insert(n) {
            for (k, _) in st.out_edges(n) {
                if !out.contains(&k.dependent) {
                    queue.push_back(k.dependent);
                }
            }
        }
    }
    out
}

/// A stale artifact and why, for reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staleness {
    /// The stale artifact.
    pub path: VPath,
    /// Each reason.
    pub causes: Vec<StaleCause>,
}

/// One reason for staleness.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaleCause {
    /// The source that moved on.
    pub source: VPath,
    /// The artifact that has not taken the change in.
    pub dependent: VPath,
    /// The kind of the behind edge.
    pub kind: EdgeKind,
    /// The source's current revision.
    pub source_rev: u64,
    /// The revision the dependent last took in.
    pub seen: u64,
    /// What is missing, as an instruction (`refresh /Models/p.xlsx`).
    pub missing: String,
    /// The chain from the changed source down to the stale artifact.
    pub chain: Vec<VPath>,
    /// One line describing all of it.
    pub message: String,
}

pub(crate) fn report(st: &State, id: ArtifactId) -> Option<Staleness> {
    let chains = chains_for(st, id);
    if chains.is_empty() {
        return None;
    }
    let p = |id| st.path_of(id).cloned().unwrap_or_else(VPath::root);
    Some(Staleness {
        path: p(id),
        causes: chains
            .iter()
            .map(|c| StaleCause {
                source: p(c.cause.source),
                dependent: p(c.cause.dependent),
                kind: c.cause.kind,
                source_rev: c.source_rev,
                seen: c.seen,
                missing: c.missing(st),
                chain: c.paths(st),
                message: c.describe(st),
            })
            .collect(),
    })
}
