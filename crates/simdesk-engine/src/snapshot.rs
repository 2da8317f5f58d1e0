//! Snapshots (one versioned file with a checksum), the state hash, and
//! trajectory replay.
//!
//! File layout: one header line `simdesk-snapshot <version> blake3:<hex>`
//! followed by the JSON body; the checksum covers the body. Loading checks
//! the header, the version, the checksum and every cross-reference before
//! building a world, so a truncated, corrupted or newer file gives a typed
//! error, never a panic.

use std::sync::Arc;

use imbl::{OrdMap, Vector};
use serde::{Deserialize, Serialize};
use simdesk_model::{Artifact, Event, Objective, OutcomeKind, Persona, SimTime, VPath};

use crate::state::{ArtifactId, EdgeKey, EdgeState, Node, Slot, State, WorkspacePolicy};
use crate::workspace::Workspace;

/// The snapshot format version this build writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;
/// Largest snapshot accepted by [`Workspace::load`].
pub const MAX_SNAPSHOT_BYTES: usize = 4 << 30;

const MAGIC: &str = "simdesk-snapshot";

/// Why a snapshot could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file does not start with the snapshot header.
    #[error("not a simdesk snapshot (missing '{MAGIC}' header)")]
    NotASnapshot,
    /// Written by a newer simdesk.
    #[error("snapshot version {found} is newer than this build supports ({SNAPSHOT_VERSION})")]
    NewerVersion {
        /// The version in the file.
        found: u32,
    },
    /// The header is malformed.
    #[error("malformed snapshot header: {0}")]
    BadHeader(String),
    /// The body does not match its checksum (truncated or corrupted).
    #[error(
        "snapshot checksum mismatch: the file is truncated or corrupted (expected {expected}, found {found})"
    )]
    Checksum {
        /// Checksum in the header.
        expected: String,
        /// Checksum of the body.
        found: String,
    },
    /// The file is larger than [`MAX_SNAPSHOT_BYTES`].
    #[error("snapshot of {0} bytes exceeds the limit of {MAX_SNAPSHOT_BYTES} bytes")]
    TooLarge(usize),
    /// The body is not valid JSON of the snapshot schema.
    #[error("malformed snapshot body at line {line}, column {column}")]
    Body {
        /// Line in the body.
        line: usize,
        /// Column in the body.
        column: usize,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
    /// The body parsed but is inconsistent.
    #[error("inconsistent snapshot: {0}")]
    Inconsistent(String),
    /// The snapshot holds what `apply` refuses (a reserved path, a kind its
    /// extension cannot hold, an invalid workbook …): the same diagnostic.
    #[error("snapshot holds what apply refuses: {}", diagnostic.message)]
    Refused {
        /// What `apply` would say.
        diagnostic: Box<simdesk_model::Diagnostic>,
    },
    /// Part of the world could not be serialised (a snapshot is never
    /// written without it).
    #[error("cannot serialise the {what} of the world")]
    Serialize {
        /// Which part: `state`, `trajectory` or `event`.
        what: &'static str,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
}

/// serde_json's error for `what`, as a [`SnapshotError::Serialize`].
pub(crate) fn serialize_error(what: &'static str) -> impl Fn(serde_json::Error) -> SnapshotError {
    move |source| SnapshotError::Serialize { what, source }
}

/// Why a replay did not reproduce the recorded trajectory.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// An event's outcome differed from the recording.
    #[error("event {seq} was {recorded:?} when recorded but {replayed:?} on replay")]
    Diverged {
        /// The event.
        seq: u64,
        /// Recorded outcome.
        recorded: OutcomeKind,
        /// Outcome on replay.
        replayed: OutcomeKind,
    },
    /// A line of the JSON Lines input is not an event.
    #[error("line {line}: not an event")]
    BadLine {
        /// 1-based line.
        line: usize,
        /// What serde_json reported.
        #[source]
        source: serde_json::Error,
    },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StateDto {
    start: SimTime,
    clock: SimTime,
    revision: u64,
    next_id: u32,
    #[serde(default)]
    policy: WorkspacePolicy,
    persona: Persona,
    folders: Vec<VPath>,
    artifacts: Vec<ArtifactDto>,
    edges: Vec<EdgeDto>,
    #[serde(default)]
    dangling: Vec<(VPath, Vec<ArtifactId>)>,
    #[serde(default)]
    objectives: Vec<Objective>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArtifactDto {
    id: ArtifactId,
    path: VPath,
    rev: u64,
    created: u64,
    modified_at: SimTime,
    artifact: Artifact,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EdgeDto {
    #[serde(flatten)]
    key: EdgeKey,
    #[serde(flatten)]
    state: EdgeState,
}

/// The snapshot document as read back; [`Workspace::save_with_state_hash`]
/// writes the same shape around the state's bytes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotDto {
    format: u32,
    state: StateDto,
    #[serde(default)]
    trajectory: Vec<Event>,
}

pub(crate) fn to_dto(st: &State) -> StateDto {
    StateDto {
        start: st.start,
        clock: st.clock,
        revision: st.revision,
        next_id: st.next_id,
        policy: st.policy,
        persona: (*st.persona).clone(),
        folders: st
            .tree
            .iter()
            .filter(|(p, n)| matches!(n, Node::Folder) && !p.is_root())
            .map(|(p, _)| p.clone())
            .collect(),
        artifacts: st
            .slots
            .iter()
            .map(|(id, s)| ArtifactDto {
                id: *id,
                path: s.path.clone(),
                rev: s.rev,
                created: s.created,
                modified_at: s.modified_at,
                artifact: (*s.artifact).clone(),
            })
            .collect(),
        edges: st
            .edges
            .iter()
            .map(|(k, e)| EdgeDto {
                key: *k,
                state: e.clone(),
            })
            .collect(),
        dangling: st
            .dangling
            .iter()
            .map(|(p, ids)| (p.clone(), ids.iter().copied().collect()))
            .collect(),
        objectives: st.objectives.iter().cloned().collect(),
    }
}

fn from_dto(d: StateDto) -> Result<State, SnapshotError> {
    let bad = |m: String| SnapshotError::Inconsistent(m);
    let mut st = State::new(d.start, d.persona);
    st.clock = d.clock;
    st.revision = d.revision;
    st.next_id = d.next_id;
    st.policy = d.policy;
    st.objectives = d.objectives.into_iter().collect();
    let add_path = |st: &mut State, p: &VPath, n: Node| -> Result<(), SnapshotError> {
        for a in p.ancestors() {
            match st.tree.get(&a) {
                Some(Node::Folder) => {}
                Some(Node::Artifact(_)) => {
                    return Err(bad(format!("{p} lies inside the file {a}")));
                }
                None => return Err(bad(format!("{p} is listed before its folder {a}"))),
            }
        }
        if st.tree.contains_key(p) {
            return Err(bad(format!("{p} is listed twice")));
        }
        if let Some(other) = st.folded.get(&p.fold_key()) {
            return Err(bad(format!("{p} collides with {other}")));
        }
        st.folded.insert(p.fold_key(), p.clone());
        st.tree.insert(p.clone(), n);
        Ok(())
    };
    let refused = |diagnostic| SnapshotError::Refused {
        diagnostic: Box::new(diagnostic),
    };
    for f in &d.folders {
        crate::validate::path_allowed(f).map_err(refused)?;
        add_path(&mut st, f, Node::Folder)?;
    }
    for a in d.artifacts {
        crate::validate::path_allowed(&a.path).map_err(refused)?;
        crate::validate::kind_fits(&a.path, &a.artifact).map_err(refused)?;
        crate::validate::artifact(&a.path, &a.artifact).map_err(refused)?;
        if a.id.0 >= st.next_id {
            return Err(bad(format!(
                "artifact id {} is not below next_id {}",
                a.id.0, st.next_id
            )));
        }
        if st.slots.contains_key(&a.id) {
            return Err(bad(format!("artifact id {} is used twice", a.id.0)));
        }
        if a.rev > st.revision || a.created > a.rev {
            return Err(bad(format!("{}: revisions out of order", a.path)));
        }
        add_path(&mut st, &a.path, Node::Artifact(a.id))?;
        st.slots.insert(
            a.id,
            Arc::new(Slot {
                path: a.path,
                artifact: Arc::new(a.artifact),
                rev: a.rev,
                created: a.created,
                modified_at: a.modified_at,
            }),
        );
        st.add_node(a.id);
    }
    for e in d.edges {
        for id in [e.key.source, e.key.dependent] {
            if !st.slots.contains_key(&id) {
                return Err(bad(format!(
                    "an edge refers to missing artifact id {}",
                    id.0
                )));
            }
        }
        if e.state.seen > st.revision {
            return Err(bad("an edge saw a revision from the future".to_owned()));
        }
        if st.edges.contains_key(&e.key) {
            return Err(bad("an edge is listed twice".to_owned()));
        }
        st.insert_edge(e.key, e.state);
    }
    if petgraph::algo::is_cyclic_directed(&*st.graph) {
        return Err(bad("the dependency graph has a cycle".to_owned()));
    }
    let mut dangling = OrdMap::new();
    for (p, ids) in d.dangling {
        for id in &ids {
            if !st.slots.contains_key(id) {
                return Err(bad(format!(
                    "a dangling ref names missing artifact id {}",
                    id.0
                )));
            }
        }
        dangling.insert(p, ids.into_iter().collect());
    }
    st.dangling = dangling;
    Ok(st)
}

impl Workspace {
    /// The world as one snapshot file (state and trajectory).
    pub fn save(&self) -> Result<Vec<u8>, SnapshotError> {
        Ok(self.save_with_state_hash()?.0)
    }

    /// [`Workspace::save`] and [`Workspace::state_hash`] at once, the
    /// state serialised a single time: the snapshot body is exactly
    /// `{"format":N,"state":STATE,"trajectory":[…]}` (what serialising
    /// the whole snapshot gives), and the state hash is the hash of STATE.
    pub fn save_with_state_hash(&self) -> Result<(Vec<u8>, String), SnapshotError> {
        let state = serde_json::to_vec(&to_dto(&self.st)).map_err(serialize_error("state"))?;
        let state_hash = blake3::hash(&state).to_hex().to_string();
        let trajectory: Vec<&Event> = self.trajectory.iter().collect();
        let trajectory = serde_json::to_vec(&trajectory).map_err(serialize_error("trajectory"))?;
        let mut body = Vec::with_capacity(state.len() + trajectory.len() + 48);
        body.extend_from_slice(format!("{{\"format\":{SNAPSHOT_VERSION},\"state\":").as_bytes());
        body.extend_from_slice(&state);
        body.extend_from_slice(b",\"trajectory\":");
        body.extend_from_slice(&trajectory);
        body.push(b'}');
        let sum = blake3::hash(&body).to_hex();
        let mut out = format!("{MAGIC} {SNAPSHOT_VERSION} blake3:{sum}\n").into_bytes();
        out.extend_from_slice(&body);
        Ok((out, state_hash))
    }

    /// Loads a snapshot written by [`Workspace::save`].
    pub fn load(bytes: &[u8]) -> Result<Workspace, SnapshotError> {
        if bytes.len() > MAX_SNAPSHOT_BYTES {
            return Err(SnapshotError::TooLarge(bytes.len()));
        }
        let nl = bytes
            .iter()
            .take(200)
            .position(|b| *b == b'\n')
            .ok_or(SnapshotError::NotASnapshot)?;
        let header = std::str::from_utf8(&bytes[..nl]).map_err(|_| SnapshotError::NotASnapshot)?;
        let mut parts = header.split(' ');
        if parts.next() != Some(MAGIC) {
            return Err(SnapshotError::NotASnapshot);
        }
        let version: u32 = parts
            .next()
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| SnapshotError::BadHeader("missing version".to_owned()))?;
        if version > SNAPSHOT_VERSION {
            return Err(SnapshotError::NewerVersion { found: version });
        }
        let expected = parts
            .next()
            .and_then(|s| s.strip_prefix("blake3:"))
            .ok_or_else(|| SnapshotError::BadHeader("missing checksum".to_owned()))?;
        let body = &bytes[nl + 1..];
        let found = blake3::hash(body).to_hex().to_string();
        if found != expected {
            return Err(SnapshotError::Checksum {
                expected: expected.to_owned(),
                found,
            });
        }
        let dto: SnapshotDto = serde_json::from_slice(body).map_err(|e| SnapshotError::Body {
            line: e.line(),
            column: e.column(),
            source: e,
        })?;
        if dto.format != version {
            return Err(SnapshotError::BadHeader(format!(
                "header says version {version}, body says {}",
                dto.format
            )));
        }
        Ok(Workspace {
            st: from_dto(dto.state)?,
            trajectory: dto.trajectory.into_iter().collect::<Vector<_>>(),
        })
    }

    /// A hash of the world's state (everything but the trajectory): two
    /// worlds with the same hash hold the same tree, content, graph,
    /// revisions, clock, persona and objectives.
    pub fn state_hash(&self) -> Result<String, SnapshotError> {
        let body = serde_json::to_vec(&to_dto(&self.st)).map_err(serialize_error("state"))?;
        Ok(blake3::hash(&body).to_hex().to_string())
    }

    /// The world's state as JSON (what [`Workspace::state_hash`] hashes).
    pub fn state_json(&self) -> Result<serde_json::Value, SnapshotError> {
        serde_json::to_value(to_dto(&self.st)).map_err(serialize_error("state"))
    }

    /// Replays events on this world, checking each outcome matches.
    pub fn replay<'a>(
        &mut self,
        events: impl IntoIterator<Item = &'a Event>,
    ) -> Result<(), ReplayError> {
        for e in events {
            let out = self.apply_as(&e.actor, e.op.clone());
            if out.kind != e.outcome {
                return Err(ReplayError::Diverged {
                    seq: e.seq,
                    recorded: e.outcome,
                    replayed: out.kind,
                });
            }
        }
        Ok(())
    }
}

/// Parses a JSON Lines trajectory. A UTF-8 byte-order mark at the start,
/// which some editors write, is skipped.
pub fn parse_jsonl(text: &str) -> Result<Vec<Event>, ReplayError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|source| ReplayError::BadLine {
                line: i + 1,
                source,
            })
        })
        .collect()
}
