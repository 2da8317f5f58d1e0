//! The manifest of an export, `.simdesk/manifest.json`: persona, clocks,
//! every artifact with its format and digest, every edge, and the
//! snapshot's digest. Writing it is [`crate::export`]'s; this module holds
//! its shape and reads it back (a pure function of its bytes).

use std::path::Path;

use serde::{Deserialize, Serialize};
use simdesk_engine::EdgeView;
use simdesk_model::{ArtifactKind, Persona, SimTime, VPath};

use crate::error::StoreError;

/// The folder of an export that holds the manifest and the snapshot.
pub const META_DIR: &str = ".simdesk";
/// The manifest's file name inside [`META_DIR`].
pub const MANIFEST_FILE: &str = "manifest.json";
/// The snapshot's file name inside [`META_DIR`].
pub const SNAPSHOT_FILE: &str = "world.snapshot";
/// The original bytes of the imported files an export wrote unchanged,
/// in `.simdesk/` beside the snapshot (an originals file, see
/// [`crate::Originals`]), so importing the export keeps them.
pub const ORIGINALS_FILE: &str = "world.originals";
/// The manifest version this build writes and reads.
pub const MANIFEST_VERSION: u32 = 1;
/// The `format` tag at the top of a manifest.
pub const MANIFEST_TAG: &str = "simdesk-manifest";
/// Largest manifest read.
pub const MAX_MANIFEST_BYTES: u64 = 256 << 20;

/// One artifact as written: where, what, how, and a digest of the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestArtifact {
    /// The world path (the file is at the same path under DIR).
    pub path: VPath,
    /// The artifact's kind.
    pub kind: ArtifactKind,
    /// The format the file was written in ([`simdesk_formats::Format`]'s
    /// name).
    pub format: String,
    /// The revision of the artifact's last content change.
    pub revision: u64,
    /// Simulated time of the last content change (also the file's mtime).
    pub modified_at: SimTime,
    /// Size of the file.
    pub bytes: u64,
    /// blake3 of the file, hex.
    pub blake3: String,
}

/// The snapshot file, as the manifest names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotEntry {
    /// Path relative to DIR.
    pub path: String,
    /// Size of the file.
    pub bytes: u64,
    /// blake3 of the file, hex.
    pub blake3: String,
}

/// A manifest as written (borrowing the world's persona).
#[derive(Debug, Serialize)]
pub struct ManifestOut<'a> {
    /// Always [`MANIFEST_TAG`].
    pub format: &'static str,
    /// Always [`MANIFEST_VERSION`].
    pub version: u32,
    /// The world's persona.
    pub persona: &'a Persona,
    /// The world's simulated start.
    pub start: SimTime,
    /// The world's simulated clock.
    pub now: SimTime,
    /// The world's revision.
    pub revision: u64,
    /// The world's state hash.
    pub state_hash: String,
    /// The snapshot file.
    pub snapshot: SnapshotEntry,
    /// Every folder of the world.
    pub folders: Vec<VPath>,
    /// Every artifact, in path order.
    pub artifacts: Vec<ManifestArtifact>,
    /// Every edge of the graph.
    pub edges: Vec<EdgeView>,
}

impl ManifestOut<'_> {
    /// The manifest's bytes: pretty JSON and a final newline.
    pub fn to_bytes(&self) -> Result<Vec<u8>, StoreError> {
        let mut json = serde_json::to_vec_pretty(self).map_err(|source| StoreError::Serialise {
            what: "the manifest",
            source,
        })?;
        json.push(b'\n');
        Ok(json)
    }
}

/// What import needs from a manifest (the rest is for people and tools).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Manifest {
    /// The tag, checked to be [`MANIFEST_TAG`].
    pub format: String,
    /// The version, checked to be at most [`MANIFEST_VERSION`].
    pub version: u32,
    /// The state hash of the world the snapshot holds.
    pub state_hash: String,
    /// The snapshot file.
    pub snapshot: SnapshotEntry,
    /// Every artifact as written.
    pub artifacts: Vec<ManifestArtifact>,
}

impl Manifest {
    /// Reads a manifest's bytes; `path` is named in errors. Checks the tag,
    /// the version and that the snapshot is the one place read for the
    /// layout, `expected` (`.simdesk/world.snapshot` in an export,
    /// `../grading/world.simdesk` beside a computer's `files/`).
    pub fn parse(bytes: &[u8], path: &Path, expected: &str) -> Result<Manifest, StoreError> {
        let m: Manifest = serde_json::from_slice(bytes).map_err(|source| StoreError::Manifest {
            path: path.to_path_buf(),
            source,
        })?;
        if m.format != MANIFEST_TAG {
            return Err(StoreError::ManifestTag {
                path: path.to_path_buf(),
                tag: m.format,
            });
        }
        if m.version > MANIFEST_VERSION {
            return Err(StoreError::ManifestVersion {
                path: path.to_path_buf(),
                version: m.version,
                supported: MANIFEST_VERSION,
            });
        }
        if m.snapshot.path != expected {
            return Err(StoreError::SnapshotPath {
                path: path.to_path_buf(),
                named: m.snapshot.path,
                expected: expected.to_owned(),
            });
        }
        Ok(m)
    }
}
