//! A world as a tree of real files: every artifact in its kind's format,
//! the manifest and the snapshot, written into a fresh hidden sibling of
//! the target and renamed into place (see the crate docs' *Safety*).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use simdesk_engine::Workspace;
use simdesk_formats::{ExportOptions, Format, FormatError, eml};
use simdesk_model::{Artifact, ArtifactKind, VPath};

use crate::error::{StoreError, io};
use crate::fsio::{
    Durability, Target, aside_name, fresh_sibling, inspect_target, plain_name, real_path,
    split_target, sync_dir, system_time, write_new,
};
use crate::manifest::{
    MANIFEST_FILE, MANIFEST_TAG, MANIFEST_VERSION, META_DIR, ManifestArtifact, ManifestOut,
    SNAPSHOT_FILE, SnapshotEntry,
};

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportReport {
    /// Artifacts written as files.
    pub artifacts: usize,
    /// Folders created.
    pub folders: usize,
    /// Bytes of the artifact files.
    pub bytes: u64,
    /// The world's state hash.
    pub state_hash: String,
}

/// How [`export_world_with`] writes a tree.
#[derive(Debug, Clone)]
pub struct ExportSettings<'a> {
    /// Replace a non-empty target folder.
    pub force: bool,
    /// Whether every file and folder is synced before the rename.
    pub durability: Durability,
    /// The world's snapshot bytes and state hash
    /// (`Workspace::save_with_state_hash`), when the caller has them
    /// already; otherwise the export makes them.
    pub snapshot: Option<(&'a [u8], &'a str)>,
    /// More files for the `.simdesk` folder: a plain file name and its
    /// bytes (for example the ground truth of planted faults). They are
    /// written with the rest of the tree, before it is renamed into place.
    pub extra_meta: Vec<(&'a str, &'a [u8])>,
}

impl Default for ExportSettings<'_> {
    fn default() -> Self {
        ExportSettings {
            force: false,
            durability: Durability::Sync,
            snapshot: None,
            extra_meta: Vec::new(),
        }
    }
}

/// The stable document id of the file at `path`.
fn ident(path: &VPath) -> String {
    let h = blake3::hash(path.as_str().as_bytes()).to_hex();
    h[..32].to_owned()
}

/// Renders one artifact in its kind's format.
fn render(
    ws: &Workspace,
    path: &VPath,
    artifact: &Artifact,
    attached: &BTreeMap<VPath, (Format, Vec<u8>)>,
) -> Result<(Format, Vec<u8>), StoreError> {
    let modified = ws.modified_at(path).unwrap_or_else(|| ws.now());
    let author = &ws.persona().name;
    let opts = ExportOptions {
        created: ws.start().min(modified),
        modified,
        author: if author.is_empty() {
            ExportOptions::default().author
        } else {
            author.clone()
        },
        ident: ident(path),
    };
    let format = simdesk_formats::default_format(artifact.kind());
    let bytes = match artifact {
        Artifact::Email(e) => {
            let data: Vec<eml::AttachmentData<'_>> = e
                .attachments
                .iter()
                .filter_map(|p| {
                    attached.get(p).map(|(f, b)| eml::AttachmentData {
                        path: p,
                        mime: f.mime_at(p),
                        bytes: b,
                    })
                })
                .collect();
            eml::export_eml_with(e, &data, &opts)
        }
        a => simdesk_formats::export(a, format, &opts),
    };
    let bytes = bytes.map_err(|source: FormatError| StoreError::Export {
        path: path.clone(),
        source,
    })?;
    Ok((format, bytes))
}

/// Writes `ws` as a tree of real files under `dir` (see the crate docs).
/// A non-empty `dir` is refused unless `force`.
pub fn export_world(ws: &Workspace, dir: &Path, force: bool) -> Result<ExportReport, StoreError> {
    export_world_with(
        ws,
        dir,
        &ExportSettings {
            force,
            ..ExportSettings::default()
        },
    )
}

/// [`export_world`] with every setting.
pub fn export_world_with(
    ws: &Workspace,
    dir: &Path,
    settings: &ExportSettings<'_>,
) -> Result<ExportReport, StoreError> {
    let meta_path = VPath::parse(&format!("/{META_DIR}")).map_err(|source| StoreError::Path {
        name: META_DIR.to_owned(),
        source,
    })?;
    if ws.walk().iter().any(|e| e.path.starts_with(&meta_path)) {
        return Err(StoreError::Reserved { path: meta_path });
    }
    for (name, _) in &settings.extra_meta {
        if !plain_name(name) || [MANIFEST_FILE, SNAPSHOT_FILE].contains(name) {
            return Err(StoreError::MetaName {
                name: (*name).to_owned(),
                dir: META_DIR,
            });
        }
    }
    if inspect_target(dir)? == Target::FullDir && !settings.force {
        return Err(StoreError::NotEmpty {
            path: dir.to_path_buf(),
        });
    }
    let (parent, name) = split_target(dir)?;
    if !parent.is_dir() {
        return Err(StoreError::NoParent { path: parent });
    }
    let tmp = fresh_sibling(&parent, &name, "simdesk-export")?;
    let result = write_tree(ws, &tmp, settings).and_then(|report| {
        install(&tmp, dir, &parent, &name, settings.force)?;
        Ok(report)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// Writes the whole tree into the fresh folder `root`.
fn write_tree(
    ws: &Workspace,
    root: &Path,
    settings: &ExportSettings<'_>,
) -> Result<ExportReport, StoreError> {
    let durability = settings.durability;
    let now = system_time(ws.now());
    let mut dirs: BTreeSet<VPath> = BTreeSet::new();
    let mut folders = Vec::new();
    for e in ws.walk() {
        if e.kind.is_none() {
            folders.push(e.path.clone());
            dirs.insert(e.path);
        } else if let Some(p) = e.path.parent() {
            dirs.extend(p.ancestors().into_iter().filter(|a| !a.is_root()));
            if !p.is_root() {
                dirs.insert(p);
            }
        }
    }
    for d in &dirs {
        let real = real_path(root, d)?;
        fs::create_dir(&real).map_err(io("create", &real))?;
    }

    // Bytes of every attached artifact, for the emails that carry them.
    let wanted: BTreeSet<&VPath> = ws
        .artifacts()
        .filter_map(|(_, a)| match a {
            Artifact::Email(e) => Some(e.attachments.iter()),
            _ => None,
        })
        .flatten()
        .collect();
    let mut attached: BTreeMap<VPath, (Format, Vec<u8>)> = BTreeMap::new();
    let mut entries: BTreeMap<VPath, ManifestArtifact> = BTreeMap::new();
    let mut total = 0u64;
    let mut write = |path: &VPath,
                     kind: ArtifactKind,
                     format: Format,
                     bytes: &[u8]|
     -> Result<ManifestArtifact, StoreError> {
        let modified_at = ws.modified_at(path).unwrap_or_else(|| ws.now());
        let real = real_path(root, path)?;
        write_new(&real, bytes, system_time(modified_at), durability)?;
        total += bytes.len() as u64;
        Ok(ManifestArtifact {
            path: path.clone(),
            kind,
            format: format.name().to_owned(),
            revision: ws.revision_of(path).unwrap_or(0),
            modified_at,
            bytes: bytes.len() as u64,
            blake3: blake3::hash(bytes).to_hex().to_string(),
        })
    };
    // Emails last: they need the bytes of what they attach. An attached
    // email is carried as a plain export (without its own attachments).
    for (path, artifact) in ws.artifacts() {
        if let Artifact::Email(e) = artifact {
            if wanted.contains(path) {
                let bytes = render(ws, path, &Artifact::Email(e.clone()), &BTreeMap::new())?;
                attached.insert(path.clone(), bytes);
            }
            continue;
        }
        let (format, bytes) = render(ws, path, artifact, &attached)?;
        let m = write(path, artifact.kind(), format, &bytes)?;
        entries.insert(path.clone(), m);
        if wanted.contains(path) {
            attached.insert(path.clone(), (format, bytes));
        }
    }
    for (path, artifact) in ws.artifacts() {
        if !matches!(artifact, Artifact::Email(_)) {
            continue;
        }
        let (format, bytes) = render(ws, path, artifact, &attached)?;
        let m = write(path, artifact.kind(), format, &bytes)?;
        entries.insert(path.clone(), m);
    }

    // The snapshot and the manifest.
    let meta = root.join(META_DIR);
    fs::create_dir(&meta).map_err(io("create", &meta))?;
    let made;
    let (snapshot, state_hash): (&[u8], &str) = match settings.snapshot {
        Some(s) => s,
        None => {
            made = ws.save_with_state_hash();
            (&made.0, &made.1)
        }
    };
    write_new(&meta.join(SNAPSHOT_FILE), snapshot, now, durability)?;
    for (name, bytes) in &settings.extra_meta {
        write_new(&meta.join(name), bytes, now, durability)?;
    }
    let state_hash = state_hash.to_owned();
    let manifest = ManifestOut {
        format: MANIFEST_TAG,
        version: MANIFEST_VERSION,
        persona: ws.persona(),
        start: ws.start(),
        now: ws.now(),
        revision: ws.revision(),
        state_hash: state_hash.clone(),
        snapshot: SnapshotEntry {
            path: format!("{META_DIR}/{SNAPSHOT_FILE}"),
            bytes: snapshot.len() as u64,
            blake3: blake3::hash(snapshot).to_hex().to_string(),
        },
        folders,
        artifacts: entries.into_values().collect(),
        edges: ws.edges(),
    };
    let artifacts = manifest.artifacts.len();
    write_new(
        &meta.join(MANIFEST_FILE),
        &manifest.to_bytes()?,
        now,
        durability,
    )?;

    // Folder times last (creating entries touches them), deepest first.
    let mut all: Vec<PathBuf> = dirs
        .iter()
        .map(|d| real_path(root, d))
        .collect::<Result<_, _>>()?;
    all.push(meta);
    all.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    all.push(root.to_path_buf());
    for d in &all {
        let f = File::open(d).map_err(io("open", d))?;
        f.set_modified(now).map_err(io("set the time of", d))?;
        if durability == Durability::Sync {
            let _ = f.sync_all();
        }
    }
    Ok(ExportReport {
        artifacts,
        folders: dirs.len(),
        bytes: total,
        state_hash,
    })
}

/// Renames the finished tree `tmp` to `dir`, moving an old tree aside first
/// when `force` allows it.
fn install(
    tmp: &Path,
    dir: &Path,
    parent: &Path,
    name: &str,
    force: bool,
) -> Result<(), StoreError> {
    let rename = |from: &Path, to: &Path| {
        fs::rename(from, to).map_err(|source| StoreError::Rename {
            from: from.to_path_buf(),
            to: to.to_path_buf(),
            source,
        })
    };
    // Look again: the target may have changed while the tree was written.
    match inspect_target(dir)? {
        // rename(2) replaces an empty folder in one step.
        Target::Missing | Target::EmptyDir => rename(tmp, dir)?,
        Target::FullDir if !force => {
            return Err(StoreError::NotEmpty {
                path: dir.to_path_buf(),
            });
        }
        Target::FullDir => {
            let old = aside_name(parent, name)?;
            // rename moves a symlink itself, never what it points to.
            rename(dir, &old)?;
            if let Err(e) = rename(tmp, dir) {
                let _ = fs::rename(&old, dir);
                return Err(e);
            }
            // remove_dir_all never follows symlinks inside the old tree.
            fs::remove_dir_all(&old).map_err(io("delete the old tree moved aside to", &old))?;
        }
    }
    sync_dir(parent);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use simdesk_model::{Persona, SimTime};

    /// Extra `.simdesk` files must be free plain names; a refused export
    /// writes nothing.
    #[test]
    fn extra_meta_names_are_checked_before_anything_is_written() {
        let ws = Workspace::new(
            SimTime::parse("2026-01-05T09:00:00Z").unwrap(),
            Persona::default(),
        );
        let root = std::env::temp_dir().join(format!("simdesk-extra-meta-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        let dir = root.join("out");
        for name in ["../escape.json", MANIFEST_FILE, SNAPSHOT_FILE, "a/b"] {
            let settings = ExportSettings {
                extra_meta: vec![(name, b"{}".as_slice())],
                ..ExportSettings::default()
            };
            let e = export_world_with(&ws, &dir, &settings).unwrap_err();
            assert!(matches!(e, StoreError::MetaName { .. }), "{name}: {e}");
            assert_eq!(fs::read_dir(&root).unwrap().count(), 0, "{name}");
        }
        let settings = ExportSettings {
            extra_meta: vec![("faults.json", b"[]".as_slice())],
            ..ExportSettings::default()
        };
        export_world_with(&ws, &dir, &settings).unwrap();
        assert_eq!(
            fs::read(dir.join(META_DIR).join("faults.json")).unwrap(),
            b"[]"
        );
        fs::remove_dir_all(&root).unwrap();
    }
}
