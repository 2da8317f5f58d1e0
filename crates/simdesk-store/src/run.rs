//! Run folders: the one on-disk form of a session an agent lived through,
//! written by every door (`simdesk run`, the MCP server's saved sessions,
//! the Python package) and read by everything that learns from runs
//! (`simdesk dataset`, `simdesk skills`, `simdesk score`).
//!
//! # Layout of a run folder
//!
//! ```text
//! DIR/run.json          what this is: format tag and version, where the run
//!                       came from (door, template, seed, index, label), its
//!                       step count, finish, simulated end time and reward,
//!                       and the blake3 digest of every other file
//! DIR/scenario.json     the scenario (collaborators, schedule, brief, costs,
//!                       prose): the system brief and replay need it
//! DIR/start.simdesk     the world as the session began (Workspace::save)
//! DIR/world.simdesk     the world at the end, its clock at the session's time
//! DIR/trajectory.jsonl  the recorded steps (simdesk_sim::Step), one per line
//! DIR/score.json        simdesk_check::score of the final world
//! ```
//!
//! `Session::replay(start, scenario, steps)` re-derives every recorded
//! result and the final world from these files alone: no responder, no
//! generator and no template is needed.
//!
//! The folder is written into a hidden sibling (`.DIR.simdesk-run-PID-N`),
//! synced, and renamed into place; an earlier run folder at DIR is replaced
//! (swapped in one step on Linux), anything else at DIR is refused.
//! [`read_run`] checks every size before reading, every line of the
//! trajectory before parsing it, and every digest against `run.json`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use simdesk_engine::Workspace;
use simdesk_model::SimTime;
use simdesk_sim::{Scenario, Session, Step};

use crate::computer::pretty;
use crate::error::{StoreError, io};
use crate::export::{install, remove_leftovers};
use crate::fsio::{
    Durability, MAX_INPUT_BYTES, RUN_TMP_TAG, Target, fresh_sibling, inspect_target, read_limited,
    read_text, split_target, system_time, write_new,
};

/// The `format` tag of `run.json`.
pub const RUN_TAG: &str = "simdesk-run";
/// The newest run folder version this build writes and reads.
pub const RUN_VERSION: u32 = 1;
/// What a run folder is, its origin and the digests of its files.
pub const RUN_FILE: &str = "run.json";
/// The scenario as JSON.
pub const RUN_SCENARIO_FILE: &str = "scenario.json";
/// The world as the session began.
pub const RUN_START_FILE: &str = "start.simdesk";
/// The world at the end of the session.
pub const RUN_WORLD_FILE: &str = "world.simdesk";
/// The recorded steps as JSON Lines.
pub const RUN_STEPS_FILE: &str = "trajectory.jsonl";
/// The score of the final world as JSON.
pub const RUN_SCORE_FILE: &str = "score.json";

/// Where a run came from, as the door that ran it knows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunOrigin {
    /// The door: `run`, `serve`, `python`, or a caller's own name.
    pub door: String,
    /// The template of a generated computer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    /// The seed of a generated computer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// The index of a generated computer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<u64>,
    /// A caller's label (the agent's name, a policy, an experiment).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

/// The contents of `run.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunMeta {
    /// Always [`RUN_TAG`].
    pub format: String,
    /// The folder's version ([`RUN_VERSION`] when written by this build).
    pub version: u32,
    /// Where the run came from.
    pub origin: RunOrigin,
    /// Number of recorded steps.
    pub steps: u64,
    /// The agent called `finish`.
    pub finished: bool,
    /// The session's simulated time at the end.
    pub time: SimTime,
    /// The final world's reward (as in `score.json`).
    pub reward: f64,
    /// File name → blake3 digest (hex) of every other file of the folder.
    pub files: BTreeMap<String, String>,
}

/// The part of `score.json` a reader of runs needs (the file holds the
/// whole `simdesk_check::ScoreReport`; other fields are ignored).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunScore {
    /// Reward in [0, 1].
    pub reward: f64,
    /// Each objective's outcome.
    #[serde(default)]
    pub objectives: Vec<RunObjective>,
    /// Goals met.
    #[serde(default)]
    pub goals_passed: usize,
    /// Goals judged.
    #[serde(default)]
    pub goals_total: usize,
}

/// One objective's outcome in `score.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunObjective {
    /// The objective's id.
    pub id: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// Every goal was met.
    pub met: bool,
    /// Share of goals met, after late and privacy penalties.
    pub score: f64,
    /// Lateness in seconds (0 when on time).
    #[serde(default)]
    pub late_secs: i64,
    /// Material went to someone who may not see it.
    #[serde(default)]
    pub privacy_violation: bool,
}

/// A run folder read back.
#[derive(Debug, Clone)]
pub struct Run {
    /// The folder's name: the run's id in datasets and evidence.
    pub id: String,
    /// `run.json`.
    pub meta: RunMeta,
    /// The scenario the session followed.
    pub scenario: Arc<Scenario>,
    /// The world as the session began.
    pub start: Workspace,
    /// The world at the end.
    pub world: Workspace,
    /// The recorded steps, in order.
    pub steps: Vec<Step>,
    /// The final world's score.
    pub score: RunScore,
}

/// Limits checked before anything of a run folder is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunLimits {
    /// Largest world file (start or final).
    pub world_bytes: u64,
    /// Largest `run.json`, `scenario.json` or `score.json`.
    pub json_bytes: u64,
    /// Largest trajectory file.
    pub steps_bytes: u64,
    /// Longest line of the trajectory.
    pub step_line: usize,
    /// Most steps.
    pub steps: usize,
}

impl Default for RunLimits {
    fn default() -> Self {
        RunLimits {
            world_bytes: MAX_INPUT_BYTES,
            json_bytes: 256 << 20,
            steps_bytes: 1 << 30,
            step_line: 16 << 20,
            steps: 1_000_000,
        }
    }
}

/// Whether `dir` looks like a run folder (it holds a `run.json`).
pub fn is_run(dir: &Path) -> bool {
    dir.join(RUN_FILE).is_file()
}

/// Writes `session` as a run folder at `dir` (see the module docs for the
/// layout): its start and final worlds, scenario, steps and score, with
/// `origin` in `run.json`. The folder appears whole or not at all; an
/// earlier run folder (or a session saved by an older server, which holds
/// `trajectory.jsonl`) at `dir` is replaced, any other non-empty folder is
/// refused with [`StoreError::NotEmpty`].
pub fn write_run(dir: &Path, session: &Session, origin: &RunOrigin) -> Result<RunMeta, StoreError> {
    let (parent, name) = split_target(dir)?;
    fs::create_dir_all(&parent).map_err(io("create", &parent))?;
    let force = match inspect_target(dir)? {
        Target::Missing | Target::EmptyDir => false,
        Target::FullDir if dir.join(RUN_FILE).exists() || dir.join(RUN_STEPS_FILE).exists() => true,
        Target::FullDir => {
            return Err(StoreError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
    };
    let save = |ws: &Workspace| {
        ws.save().map_err(|source| StoreError::Save {
            path: dir.to_path_buf(),
            source,
        })
    };
    let world = session.fork().into_world();
    let score = simdesk_check::score(&world, None);
    let steps = session
        .steps_jsonl()
        .map_err(|source| StoreError::Serialise {
            what: "the steps",
            source,
        })?;
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            RUN_SCENARIO_FILE,
            pretty("the scenario", session.scenario())?,
        ),
        (RUN_START_FILE, save(session.start_world())?),
        (RUN_WORLD_FILE, save(&world)?),
        (RUN_STEPS_FILE, steps.into_bytes()),
        (RUN_SCORE_FILE, pretty("the score", &score)?),
    ];
    let meta = RunMeta {
        format: RUN_TAG.to_owned(),
        version: RUN_VERSION,
        origin: origin.clone(),
        steps: session.step_count() as u64,
        finished: session.is_finished(),
        time: session.now(),
        reward: score.reward,
        files: files
            .iter()
            .map(|(n, b)| ((*n).to_owned(), blake3::hash(b).to_hex().to_string()))
            .collect(),
    };
    let meta_bytes = pretty("the run's description", &meta)?;
    remove_leftovers(&parent, &name);
    let tmp = fresh_sibling(&parent, &name, RUN_TMP_TAG)?;
    let mtime = system_time(session.now());
    let result = files
        .iter()
        .map(|(n, b)| (*n, b.as_slice()))
        .chain([(RUN_FILE, meta_bytes.as_slice())])
        .try_for_each(|(n, b)| write_new(&tmp.join(n), b, mtime, Durability::Sync))
        .and_then(|()| install(&tmp, dir, &parent, &name, force));
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result.map(|()| meta)
}

/// Reads the run folder `dir` with the default [`RunLimits`].
pub fn read_run(dir: &Path) -> Result<Run, StoreError> {
    read_run_with(dir, &RunLimits::default())
}

/// Reads the run folder `dir`: `run.json` first (tag, version), then each
/// file with its size checked before it is read and its digest checked
/// against `run.json`, each trajectory line's length checked before it is
/// parsed, and the steps' numbering and count.
pub fn read_run_with(dir: &Path, limits: &RunLimits) -> Result<Run, StoreError> {
    let (_, id) = split_target(dir)?;
    let meta_path = dir.join(RUN_FILE);
    let meta: RunMeta = json(&meta_path, limits.json_bytes)?;
    if meta.format != RUN_TAG {
        return Err(StoreError::RunTag {
            path: meta_path,
            tag: meta.format,
        });
    }
    if meta.version > RUN_VERSION {
        return Err(StoreError::RunVersion {
            path: meta_path,
            version: meta.version,
            supported: RUN_VERSION,
        });
    }
    let checked = |name: &str, max: u64| -> Result<(PathBuf, Vec<u8>), StoreError> {
        let path = dir.join(name);
        let bytes = read_limited(&path, max)?;
        match meta.files.get(name) {
            Some(d) if *d == blake3::hash(&bytes).to_hex().as_str() => Ok((path, bytes)),
            Some(_) => Err(StoreError::RunDigest {
                path,
                run: meta_path.clone(),
            }),
            None => Err(StoreError::RunUnlisted {
                path,
                run: meta_path.clone(),
            }),
        }
    };
    let world = |name: &str| -> Result<Workspace, StoreError> {
        let (path, bytes) = checked(name, limits.world_bytes)?;
        Workspace::load(&bytes).map_err(|source| StoreError::Load { path, source })
    };
    let (path, bytes) = checked(RUN_SCENARIO_FILE, limits.json_bytes)?;
    let scenario: Scenario = from_json(&path, None, &bytes)?;
    let (path, bytes) = checked(RUN_SCORE_FILE, limits.json_bytes)?;
    let score: RunScore = from_json(&path, None, &bytes)?;
    let (path, bytes) = checked(RUN_STEPS_FILE, limits.steps_bytes)?;
    let steps = parse_steps(&path, &bytes, limits)?;
    if steps.len() as u64 != meta.steps {
        return Err(StoreError::RunStepCount {
            path,
            found: steps.len() as u64,
            expected: meta.steps,
        });
    }
    Ok(Run {
        id,
        scenario: Arc::new(scenario),
        start: world(RUN_START_FILE)?,
        world: world(RUN_WORLD_FILE)?,
        steps,
        score,
        meta,
    })
}

/// Parses a trajectory: one step per line, numbered from 1 in order.
fn parse_steps(path: &Path, bytes: &[u8], limits: &RunLimits) -> Result<Vec<Step>, StoreError> {
    let mut steps = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        let n = i + 1;
        if line.is_empty() {
            continue;
        }
        if line.len() > limits.step_line {
            return Err(StoreError::RunLineTooLong {
                path: path.to_path_buf(),
                line: n,
                limit: limits.step_line,
            });
        }
        if steps.len() >= limits.steps {
            return Err(StoreError::RunTooManySteps {
                path: path.to_path_buf(),
                limit: limits.steps,
            });
        }
        let step: Step = from_json(path, Some(n), line)?;
        if step.index != steps.len() as u64 + 1 {
            return Err(StoreError::RunStepIndex {
                path: path.to_path_buf(),
                line: n,
                index: step.index,
            });
        }
        steps.push(step);
    }
    Ok(steps)
}

/// Reads and parses a JSON file of at most `max` bytes.
fn json<T: serde::de::DeserializeOwned>(path: &Path, max: u64) -> Result<T, StoreError> {
    let text = read_text(path, max)?;
    from_json(path, None, text.as_bytes())
}

fn from_json<T: serde::de::DeserializeOwned>(
    path: &Path,
    line: Option<usize>,
    bytes: &[u8],
) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|source| StoreError::RunJson {
        path: path.to_path_buf(),
        line,
        source,
    })
}

/// The run folders directly inside `dir` (folders holding a `run.json`),
/// sorted by name, hidden ones (temporary siblings) skipped, never
/// following a symlink. At most `limit` are listed.
pub fn list_runs(dir: &Path, limit: usize) -> Result<Vec<PathBuf>, StoreError> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).map_err(io("list", dir))? {
        let e = e.map_err(io("list", dir))?;
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        if name.starts_with('.') {
            continue;
        }
        let ty = e.file_type().map_err(io("inspect", &e.path()))?;
        if ty.is_dir() && is_run(&e.path()) {
            if out.len() >= limit {
                return Err(StoreError::TooManyRuns {
                    path: dir.to_path_buf(),
                    limit,
                });
            }
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}
