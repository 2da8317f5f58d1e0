//! One generated computer on disk: what the agent sees, and beside it
//! (never in it) the answer key.
//!
//! ```text
//! DIR/files/                   the world as real files, nothing else
//! DIR/grading/world.simdesk    the snapshot (state, objectives, trajectory)
//! DIR/grading/spec.json        the declarative world description
//! DIR/grading/manifest.json    the manifest of files/ (digests, edges)
//! DIR/grading/goals.json       the objectives with their goals (those
//!                              in the inbox at the start, then those
//!                              the month's schedule brings)
//! DIR/grading/scenario.json    the month: schedule, collaborators, brief
//! DIR/grading/faults.json      the planted faults
//! DIR/grading/reference.jsonl  the reference trajectory, when there is one
//! ```

use std::path::{Path, PathBuf};

use simdesk_engine::Workspace;
use simdesk_gen::WorldSpec;
use simdesk_model::Objective;

use crate::error::{StoreError, io};
use crate::export::{ExportSettings, ManifestPlace, export_world_with};
use crate::fsio::{Durability, write_atomic_with};
use crate::manifest::MANIFEST_FILE;

/// The folder of what the agent sees, in a computer's folder.
pub const FILES_DIR: &str = "files";
/// The folder of the answer key, in a computer's folder.
pub const GRADING_DIR: &str = "grading";
/// The world file's name in `grading/`.
pub const WORLD_FILE: &str = "world.simdesk";
/// The spec's file name in `grading/`.
pub const SPEC_FILE: &str = "spec.json";
/// The objectives' file name in `grading/`.
pub const GOALS_FILE: &str = "goals.json";
/// The scenario's file name in `grading/` (the month a session lives).
pub const SCENARIO_FILE: &str = "scenario.json";
/// The planted faults' file name in `grading/`.
pub const FAULTS_FILE: &str = "faults.json";
/// The reference trajectory's file name in `grading/` (JSON Lines, one op
/// a line).
pub const REFERENCE_FILE: &str = "reference.jsonl";

/// The places of a computer's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComputerPaths {
    /// The computer's folder.
    pub dir: PathBuf,
}

impl ComputerPaths {
    /// The places under `dir`.
    pub fn new(dir: &Path) -> ComputerPaths {
        ComputerPaths {
            dir: dir.to_path_buf(),
        }
    }

    /// `files/`: what the agent sees.
    pub fn files(&self) -> PathBuf {
        self.dir.join(FILES_DIR)
    }

    /// `grading/`: the answer key.
    pub fn grading(&self) -> PathBuf {
        self.dir.join(GRADING_DIR)
    }

    /// `grading/world.simdesk`.
    pub fn world(&self) -> PathBuf {
        self.grading().join(WORLD_FILE)
    }

    /// `grading/scenario.json`.
    pub fn scenario(&self) -> PathBuf {
        self.grading().join(SCENARIO_FILE)
    }

    /// `grading/manifest.json`.
    pub fn manifest(&self) -> PathBuf {
        self.grading().join(MANIFEST_FILE)
    }

    /// Whether `dir` looks like a computer's folder (it has
    /// `grading/world.simdesk`).
    pub fn is_computer(dir: &Path) -> bool {
        std::fs::symlink_metadata(ComputerPaths::new(dir).world())
            .is_ok_and(|m| m.file_type().is_file())
    }
}

/// Where the snapshot is, as the manifest of `files/` names it (relative
/// to `files/`).
pub(crate) fn snapshot_from_files() -> String {
    format!("../{GRADING_DIR}/{WORLD_FILE}")
}

/// The reference trajectory: every objective's reference ops, objectives
/// in the order their requests arrive (those there from the start first,
/// then by arrival, ties in recorded order), one op a JSON line. Empty
/// when no objective has a reference.
pub fn reference_jsonl(ws: &Workspace) -> Result<String, StoreError> {
    let mut objectives: Vec<&Objective> = ws.objectives().collect();
    objectives.sort_by_key(|o| o.assigned);
    let mut out = String::new();
    for op in objectives.iter().flat_map(|o| &o.reference) {
        let line = serde_json::to_string(op).map_err(|source| StoreError::Serialise {
            what: "the reference trajectory",
            source,
        })?;
        out.push_str(&line);
        out.push('\n');
    }
    Ok(out)
}

/// Builds a spec and writes the computer under `dir` (see the module
/// docs): `files/` holds exactly what the agent sees, `grading/` the
/// snapshot, spec, manifest, goals, faults and reference trajectory.
///
/// A computer is a pure function of its spec: a crash means generating it
/// again, so nothing is synced file by file (each file and the tree are
/// still renamed into place whole).
pub fn write_computer(spec: &WorldSpec, dir: &Path, force: bool) -> Result<(), StoreError> {
    let ws = simdesk_gen::build(spec).map_err(|source| StoreError::Build {
        path: dir.to_path_buf(),
        source,
    })?;
    let paths = ComputerPaths::new(dir);
    let grading = paths.grading();
    std::fs::create_dir_all(&grading).map_err(io("create", &grading))?;
    let (snapshot, state_hash) = ws
        .save_with_state_hash()
        .map_err(|source| StoreError::Save {
            path: dir.to_path_buf(),
            source,
        })?;
    let report = export_world_with(
        &ws,
        &paths.files(),
        &ExportSettings {
            force,
            durability: Durability::NoSync,
            snapshot: Some((&snapshot, &state_hash)),
            manifest: ManifestPlace::Returned {
                snapshot_path: snapshot_from_files(),
            },
            protect: None,
            originals: None,
        },
    )?;
    let mut objectives: Vec<&Objective> = ws.objectives().collect();
    if let Some(sc) = &spec.scenario {
        objectives.extend(sc.schedule.iter().filter_map(|s| s.objective.as_ref()));
    }
    let reference = reference_jsonl(&ws)?;
    let mut files: Vec<(&str, Vec<u8>)> = vec![
        (WORLD_FILE, snapshot),
        (SPEC_FILE, pretty("the spec", spec)?),
        (GOALS_FILE, pretty("the objectives", &objectives)?),
        (FAULTS_FILE, pretty("the planted faults", &spec.faults)?),
    ];
    if let Some(sc) = &spec.scenario {
        files.push((SCENARIO_FILE, pretty("the scenario", sc)?));
    }
    if let Some(manifest) = report.manifest {
        files.push((MANIFEST_FILE, manifest));
    }
    if !reference.is_empty() {
        files.push((REFERENCE_FILE, reference.into_bytes()));
    }
    for (name, bytes) in files {
        write_atomic_with(&grading.join(name), &bytes, Durability::NoSync)?;
    }
    Ok(())
}

/// Pretty JSON of a value, naming it in the error.
pub(crate) fn pretty<T: serde::Serialize + ?Sized>(
    what: &'static str,
    value: &T,
) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec_pretty(value).map_err(|source| StoreError::Serialise { what, source })
}
