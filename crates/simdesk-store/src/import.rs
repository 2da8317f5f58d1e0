//! Reading a tree of files into a world: with `.simdesk/manifest.json`,
//! the snapshot reconciled with the disk; without, a new world of the
//! files (see the crate docs' *Import*).

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use simdesk_engine::Workspace;
use simdesk_formats::Limits;
use simdesk_model::{Persona, SimTime, VPath};

use crate::computer::{ComputerPaths, snapshot_from_files};
use crate::error::{StoreError, io};
use crate::fsio::{MAX_INPUT_BYTES, read_limited};
use crate::manifest::{
    MANIFEST_FILE, MAX_MANIFEST_BYTES, META_DIR, Manifest, ORIGINALS_FILE, SNAPSHOT_FILE,
};
use crate::originals::{Originals, artifact_digest};
use crate::reconcile::{Applied, ReadOptions, Skipped, plan_plain, reconcile};
use crate::walk::{WalkLimits, walk};

/// Knobs of an import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Start of the simulated clock (without a manifest).
    pub start: SimTime,
    /// The persona's name (without a manifest).
    pub name: String,
    /// Keep files the readers refuse as binaries instead of skipping them.
    pub keep_unreadable: bool,
    /// Limits handed to every reader.
    pub limits: Limits,
    /// Most files (and folders) in the tree.
    pub max_files: usize,
    /// Most bytes of all files together.
    pub max_total_bytes: u64,
}

impl Default for ImportOptions {
    fn default() -> Self {
        ImportOptions {
            start: SimTime::parse("2026-01-05T09:00:00Z").unwrap_or_default(),
            name: String::new(),
            keep_unreadable: false,
            limits: Limits::default(),
            max_files: 100_000,
            max_total_bytes: 4 << 30,
        }
    }
}

/// What an import did.
#[derive(Debug)]
pub struct ImportReport {
    /// The world built.
    pub world: Workspace,
    /// True when the tree had a manifest and snapshot.
    pub with_manifest: bool,
    /// Artifacts kept as the snapshot had them (unchanged files).
    pub kept: usize,
    /// Artifacts created.
    pub created: usize,
    /// Artifacts written over (changed files).
    pub written: usize,
    /// Artifacts and folders deleted (missing on disk).
    pub deleted: usize,
    /// Folders created.
    pub folders: usize,
    /// Files and folders left out, in path order.
    pub skipped: Vec<Skipped>,
    /// Files imported in a way worth telling (kept as binaries).
    pub notes: Vec<Skipped>,
    /// Without a manifest: the copies the emails carry, for inferring
    /// which files they attach and whether those changed since
    /// ([`simdesk_check::infer`]).
    pub attached: Vec<simdesk_check::Attached>,
    /// The bytes of the files read into workbooks, documents, decks, PDFs
    /// and emails, to write back while they are unchanged (save them
    /// beside the world with [`crate::save_originals`]).
    pub originals: crate::Originals,
}

/// Where a tree's manifest and snapshot are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Described {
    /// The tree of files.
    pub tree: PathBuf,
    /// Its manifest.
    pub manifest: PathBuf,
    /// The snapshot's path as the manifest must name it (relative to the
    /// tree).
    pub snapshot: String,
}

impl Described {
    /// An export: `DIR/.simdesk/manifest.json` and `DIR/.simdesk/world.snapshot`.
    pub fn export(dir: &Path) -> Described {
        Described {
            tree: dir.to_path_buf(),
            manifest: dir.join(META_DIR).join(MANIFEST_FILE),
            snapshot: format!("{META_DIR}/{SNAPSHOT_FILE}"),
        }
    }

    /// A generated computer: `DIR/files/` described by
    /// `DIR/grading/manifest.json` and `DIR/grading/world.simdesk`.
    pub fn computer(dir: &Path) -> Described {
        let paths = ComputerPaths::new(dir);
        Described {
            tree: paths.files(),
            manifest: paths.manifest(),
            snapshot: snapshot_from_files(),
        }
    }

    /// How `dir` is described: a computer's folder (with
    /// `grading/manifest.json`), an export (with `.simdesk/manifest.json`,
    /// neither a symlink), or neither.
    pub fn find(dir: &Path) -> Option<Described> {
        let is_file = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_file());
        let is_dir = |p: &Path| fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_dir());
        let computer = Described::computer(dir);
        if is_file(&computer.manifest) && is_dir(&computer.tree) {
            return Some(computer);
        }
        let export = Described::export(dir);
        (is_dir(&dir.join(META_DIR)) && is_file(&export.manifest)).then_some(export)
    }

    /// Loads the world the manifest describes: the manifest, then the
    /// snapshot, whose digest, state hash and artifacts must all agree
    /// with it.
    pub fn load(&self) -> Result<(Workspace, Manifest), StoreError> {
        let text = read_limited(&self.manifest, MAX_MANIFEST_BYTES)?;
        let m = Manifest::parse(&text, &self.manifest, &self.snapshot)?;
        let snap_path = self.tree.join(&self.snapshot);
        let snap_meta = fs::symlink_metadata(&snap_path).map_err(io("open", &snap_path))?;
        if !snap_meta.file_type().is_file() {
            return Err(StoreError::NotAFile { path: snap_path });
        }
        let snap = read_limited(&snap_path, MAX_INPUT_BYTES)?;
        if blake3::hash(&snap).to_hex().as_str() != m.snapshot.blake3 {
            return Err(StoreError::SnapshotMismatch {
                path: snap_path,
                manifest: self.manifest.clone(),
            });
        }
        let ws = Workspace::load(&snap).map_err(|source| StoreError::Load {
            path: snap_path.clone(),
            source,
        })?;
        let hash = ws.state_hash().map_err(|source| StoreError::Save {
            path: snap_path.clone(),
            source,
        })?;
        if hash != m.state_hash {
            return Err(StoreError::StateMismatch { path: snap_path });
        }
        let listed: BTreeSet<&VPath> = m.artifacts.iter().map(|a| &a.path).collect();
        let in_world: BTreeSet<&VPath> = ws.artifacts().map(|(p, _)| p).collect();
        if listed.len() != m.artifacts.len() || listed != in_world {
            return Err(StoreError::ArtifactsMismatch {
                path: self.manifest.clone(),
            });
        }
        Ok((ws, m))
    }
}

/// Reads a tree into a world (see the crate docs): an export with its
/// manifest, a generated computer's folder (its `files/` reconciled with
/// `grading/`), or any folder of files.
pub fn import_dir(dir: &Path, opts: &ImportOptions) -> Result<ImportReport, StoreError> {
    let meta = fs::metadata(dir).map_err(io("open", dir))?;
    if !meta.is_dir() {
        return Err(StoreError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let described = Described::find(dir);
    let root = described.as_ref().map_or(dir, |d| d.tree.as_path());
    let mut tree = walk(
        root,
        WalkLimits {
            max_files: opts.max_files,
            max_total_bytes: opts.max_total_bytes,
        },
    )?;
    let read = ReadOptions {
        limits: opts.limits.clone(),
        keep_unreadable: opts.keep_unreadable,
    };
    let (mut world, plan) = if let Some(d) = &described {
        let (ws, m) = d.load()?;
        let plan = reconcile(&ws, &m, &tree.listing, &mut tree.source, &read);
        (ws, plan)
    } else {
        let persona = Persona {
            name: opts.name.clone(),
            ..Persona::default()
        };
        let mut plan = plan_plain(&tree.listing, &mut tree.source, &read);
        if tree.has_meta {
            plan.notes.push(Skipped {
                path: META_DIR.to_owned(),
                reason: format!("no {MANIFEST_FILE} in it; imported the files without a manifest"),
            });
        }
        (Workspace::new(opts.start, persona), plan)
    };
    let kept = plan.kept;
    let Applied {
        counts,
        skipped,
        notes,
        attached,
        originals,
    } = plan.apply(&mut world);
    let originals = match &described {
        Some(d) => carry_originals(d, &world, originals)?,
        None => originals,
    };
    Ok(ImportReport {
        world,
        with_manifest: described.is_some(),
        kept,
        created: counts.created,
        written: counts.written,
        deleted: counts.deleted,
        folders: counts.folders,
        skipped,
        notes,
        attached,
        originals,
    })
}

/// Adds to `originals` those an export left in `.simdesk/` whose artifacts
/// the import kept unchanged (a file changed on disk brought its own).
fn carry_originals(
    d: &Described,
    world: &Workspace,
    mut originals: Originals,
) -> Result<Originals, StoreError> {
    let path = d.tree.join(META_DIR).join(ORIGINALS_FILE);
    if !fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_file()) {
        return Ok(originals);
    }
    let left = Originals::from_bytes(&read_limited(&path, MAX_INPUT_BYTES)?, &path)?;
    for (p, o) in left.iter() {
        if originals.get(p).is_some() {
            continue;
        }
        if let Some(a) = world.artifact(p)
            && artifact_digest(a)? == o.digest
        {
            originals.insert(p.clone(), o.clone());
        }
    }
    Ok(originals)
}
