//! One generated computer on disk: the spec, the snapshot, the exported
//! tree with its manifest, and the planted faults as ground truth.

use std::path::Path;

use simdesk_gen::WorldSpec;

use crate::error::{StoreError, io};
use crate::export::{ExportSettings, export_world_with};
use crate::fsio::{Durability, write_atomic_with};

/// The spec's file name in a computer's folder.
pub const SPEC_FILE: &str = "spec.json";
/// The world file's name in a computer's folder.
pub const WORLD_FILE: &str = "world.simdesk";
/// The exported tree's folder name in a computer's folder.
pub const FILES_DIR: &str = "files";
/// The planted faults' file name.
pub const FAULTS_FILE: &str = "faults.json";

/// Builds a spec and writes the computer under `dir`: the spec, the
/// snapshot, the exported tree and its manifest, with the planted faults
/// beside the manifest as ground truth for checkers.
///
/// A computer is a pure function of its spec: a crash means generating it
/// again, so nothing is synced file by file (each file and the tree are
/// still renamed into place whole).
pub fn write_computer(spec: &WorldSpec, dir: &Path, force: bool) -> Result<(), StoreError> {
    let ws = simdesk_gen::build(spec).map_err(|source| StoreError::Build {
        path: dir.to_path_buf(),
        source,
    })?;
    std::fs::create_dir_all(dir).map_err(io("create", dir))?;
    let (snapshot, state_hash) = ws.save_with_state_hash();
    let faults = pretty("the planted faults", &spec.faults)?;
    write_atomic_with(
        &dir.join(SPEC_FILE),
        &pretty("the spec", spec)?,
        Durability::NoSync,
    )?;
    write_atomic_with(&dir.join(WORLD_FILE), &snapshot, Durability::NoSync)?;
    export_world_with(
        &ws,
        &dir.join(FILES_DIR),
        &ExportSettings {
            force,
            durability: Durability::NoSync,
            snapshot: Some((&snapshot, &state_hash)),
            extra_meta: vec![(FAULTS_FILE, &faults)],
        },
    )?;
    Ok(())
}

/// Pretty JSON of a value, naming it in the error.
pub(crate) fn pretty<T: serde::Serialize + ?Sized>(
    what: &'static str,
    value: &T,
) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec_pretty(value).map_err(|source| StoreError::Serialise { what, source })
}
