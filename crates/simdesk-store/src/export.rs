//! A world as a tree of real files: every artifact in its kind's format,
//! the manifest and the snapshot, written into a fresh hidden sibling of
//! the target and renamed into place (see the crate docs' *Safety*).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::path::{Path, PathBuf};

use simdesk_engine::Workspace;
use simdesk_formats::{ExportOptions, Format, FormatError, PaperSize, eml};
use simdesk_model::{Artifact, ArtifactKind, TimeZone, VPath};

use crate::error::{StoreError, io};
use crate::fsio::{
    Durability, OLD_TAG, RUN_TMP_TAG, Target, aside_name, fresh_sibling, inspect_target, real_path,
    split_target, sync_dir, system_time, write_new,
};
use crate::manifest::{
    MANIFEST_FILE, MANIFEST_TAG, MANIFEST_VERSION, META_DIR, ManifestArtifact, ManifestOut,
    ORIGINALS_FILE, SNAPSHOT_FILE, SnapshotEntry,
};
use crate::originals::Originals;

/// Where an export puts its manifest and snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestPlace {
    /// In the tree, under `.simdesk/` (what `simdesk export` writes, and
    /// what `simdesk import` of the folder reads back).
    InTree,
    /// Nowhere: the tree holds the world's files and nothing else (an
    /// agent-facing export, `simdesk export --agent`).
    Omit,
    /// Not in the tree: the manifest's bytes come back in
    /// [`ExportReport::manifest`], naming the snapshot at `snapshot_path`
    /// (relative to the tree's root), for the caller to write elsewhere (a
    /// generated computer's `grading/`).
    Returned {
        /// Where the snapshot will be, relative to the tree's root.
        snapshot_path: String,
    },
}

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
    /// The manifest's bytes, with [`ManifestPlace::Returned`].
    pub manifest: Option<Vec<u8>>,
    /// Files written with less than their original held, or under another
    /// name, in path order (see [`ExportSettings::originals`]).
    pub warnings: Vec<ExportWarning>,
}

/// A file an export wrote with a loss or a change worth telling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportWarning {
    /// The artifact.
    pub path: VPath,
    /// What happened (`changed since import; written without 2 charts`).
    pub message: String,
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
    /// Where the manifest and snapshot go.
    pub manifest: ManifestPlace,
    /// A file the export must never delete or overwrite: the world file
    /// it was loaded from. An export into a folder that holds it is
    /// refused before anything is written.
    pub protect: Option<&'a Path>,
    /// The bytes of imported files ([`crate::load_originals`]): an
    /// artifact unchanged since its import is written as those bytes,
    /// byte for byte; a changed one is written from the model, with an
    /// [`ExportWarning`] naming what its original carried that the model
    /// drops.
    pub originals: Option<&'a Originals>,
}

impl Default for ExportSettings<'_> {
    fn default() -> Self {
        ExportSettings {
            force: false,
            durability: Durability::Sync,
            snapshot: None,
            manifest: ManifestPlace::InTree,
            protect: None,
            originals: None,
        }
    }
}

/// The stable document id of the file at `path`.
fn ident(path: &VPath) -> String {
    let h = blake3::hash(path.as_str().as_bytes()).to_hex();
    h[..32].to_owned()
}

/// The paper the persona's country uses (`persona.profile.location.country`,
/// as the generator records it); A4 when the world names no country.
fn paper(ws: &Workspace) -> PaperSize {
    let country = ws
        .persona()
        .profile
        .get("location")
        .and_then(|l| l.get("country"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default();
    PaperSize::for_country(country)
}

/// The persona's time zone (`persona.profile.location.timezone`, as the
/// generator records it); none when the world names none or a zone
/// simdesk does not know (mail is then dated in UTC).
fn timezone(ws: &Workspace) -> Option<TimeZone> {
    ws.persona()
        .profile
        .get("location")
        .and_then(|l| l.get("timezone"))
        .and_then(serde_json::Value::as_str)
        .and_then(|name| TimeZone::named(name).ok())
}

/// The options an export of `ws` writes the file at `path` with: its
/// times from the simulated clock, the persona as author, an ident from
/// the path, the paper of the persona's country and their time zone.
pub fn export_options(ws: &Workspace, path: &VPath) -> ExportOptions {
    let modified = ws.modified_at(path).unwrap_or_else(|| ws.now());
    let author = &ws.persona().name;
    ExportOptions {
        created: ws.start().min(modified),
        modified,
        author: if author.is_empty() {
            ExportOptions::default().author
        } else {
            author.clone()
        },
        ident: ident(path),
        paper: paper(ws),
        timezone: timezone(ws),
    }
}

/// Renders one artifact in its kind's format.
fn render(
    ws: &Workspace,
    path: &VPath,
    artifact: &Artifact,
    attached: &BTreeMap<VPath, (Format, Vec<u8>)>,
) -> Result<(Format, Vec<u8>), StoreError> {
    let opts = export_options(ws, path);
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

/// What one artifact is written as: its original bytes while it is
/// unchanged since import, else its kind's format; and where, relative to
/// the tree: a workbook written from the model at a `.xls`, `.ods` or
/// `.xlsm` path goes to a `.xlsx` name (OOXML under the old extension
/// would lie about its format, and a `.xlsm` without its macros is not
/// one). Warnings say what was dropped and what was renamed.
struct Written<'o> {
    format: Format,
    bytes: Cow<'o, [u8]>,
    at: VPath,
}

/// What an export's choices add up to.
#[derive(Default)]
struct Tally {
    /// Names given to renamed workbooks.
    renamed: BTreeSet<VPath>,
    /// Warnings so far.
    warnings: Vec<ExportWarning>,
    /// The originals written unchanged.
    used: Originals,
}

/// Decides [`Written`] for the artifact at `path`.
fn written<'o>(
    ws: &Workspace,
    path: &VPath,
    artifact: &Artifact,
    attached: &BTreeMap<VPath, (Format, Vec<u8>)>,
    originals: Option<&'o Originals>,
    tally: &mut Tally,
) -> Result<Written<'o>, StoreError> {
    let format = simdesk_formats::default_format(artifact.kind());
    if let Some(o) = originals {
        if let Some(orig) = o.unchanged(path, artifact)? {
            tally.used.insert(path.clone(), orig.clone());
            return Ok(Written {
                format,
                bytes: Cow::Borrowed(&orig.bytes),
                at: path.clone(),
            });
        }
        if let Some(orig) = o.get(path)
            && !orig.unmodelled.is_empty()
        {
            tally.warnings.push(ExportWarning {
                path: path.clone(),
                message: format!("changed since import; written without {}", orig.unmodelled),
            });
        }
    }
    let (format, bytes) = render(ws, path, artifact, attached)?;
    let ext = path.extension().unwrap_or("").to_ascii_lowercase();
    let at = if matches!(artifact, Artifact::Workbook(_))
        && matches!(ext.as_str(), "xls" | "ods" | "xlsm")
    {
        let at = xlsx_name(ws, path, &mut tally.renamed)?;
        tally.warnings.push(ExportWarning {
            path: path.clone(),
            message: format!(
                "written from the model, which writes no .{ext}: written as xlsx at {at}"
            ),
        });
        at
    } else {
        path.clone()
    };
    Ok(Written {
        format,
        bytes: Cow::Owned(bytes),
        at,
    })
}

/// The `.xlsx` name a workbook at `path` (`.xls`, `.ods`, `.xlsm`) is
/// written under: the extension replaced, else `.xlsx` appended; never a
/// name of the world or one given already.
fn xlsx_name(
    ws: &Workspace,
    path: &VPath,
    renamed: &mut BTreeSet<VPath>,
) -> Result<VPath, StoreError> {
    let s = path.as_str();
    let stem = s.rsplit_once('.').map_or(s, |(a, _)| a);
    let mut tried = path.clone();
    for name in [format!("{stem}.xlsx"), format!("{s}.xlsx")] {
        let Ok(candidate) = VPath::parse(&name) else {
            continue;
        };
        let free = ws.artifact(&candidate).is_none()
            && !ws.is_folder(&candidate)
            && !renamed.contains(&candidate);
        if free {
            renamed.insert(candidate.clone());
            return Ok(candidate);
        }
        tried = candidate;
    }
    Err(StoreError::NoXlsxName {
        path: path.clone(),
        tried,
    })
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
    if let Some(source) = settings.protect {
        refuse_source_inside(source, dir)?;
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
    remove_leftovers(&parent, &name);
    let tmp = fresh_sibling(&parent, &name, EXPORT_TAG)?;
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
    let originals = settings.originals;
    let mut tally = Tally::default();
    let mut write = |path: &VPath,
                     at: &VPath,
                     kind: ArtifactKind,
                     format: Format,
                     bytes: &[u8]|
     -> Result<ManifestArtifact, StoreError> {
        let modified_at = ws.modified_at(path).unwrap_or_else(|| ws.now());
        let real = real_path(root, at)?;
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
                let bytes = match originals.map(|o| o.unchanged(path, artifact)).transpose()? {
                    Some(Some(o)) => {
                        tally.used.insert(path.clone(), o.clone());
                        (Format::Eml, o.bytes.clone())
                    }
                    _ => render(ws, path, &Artifact::Email(e.clone()), &BTreeMap::new())?,
                };
                attached.insert(path.clone(), bytes);
            }
            continue;
        }
        let w = written(ws, path, artifact, &attached, originals, &mut tally)?;
        let m = write(path, &w.at, artifact.kind(), w.format, &w.bytes)?;
        entries.insert(path.clone(), m);
        if wanted.contains(path) {
            attached.insert(path.clone(), (w.format, w.bytes.into_owned()));
        }
    }
    for (path, artifact) in ws.artifacts() {
        if !matches!(artifact, Artifact::Email(_)) {
            continue;
        }
        let w = written(ws, path, artifact, &attached, originals, &mut tally)?;
        let m = write(path, &w.at, artifact.kind(), w.format, &w.bytes)?;
        entries.insert(path.clone(), m);
    }
    let Tally {
        mut warnings, used, ..
    } = tally;
    warnings.sort_by(|a, b| a.path.cmp(&b.path));

    // The snapshot and the manifest.
    let made;
    let (snapshot, state_hash): (&[u8], &str) = match settings.snapshot {
        Some(s) => s,
        None if settings.manifest == ManifestPlace::Omit => {
            let hash = ws.state_hash().map_err(|source| StoreError::Save {
                path: root.to_path_buf(),
                source,
            })?;
            made = (Vec::new(), hash);
            (&made.0, &made.1)
        }
        None => {
            made = ws
                .save_with_state_hash()
                .map_err(|source| StoreError::Save {
                    path: root.to_path_buf(),
                    source,
                })?;
            (&made.0, &made.1)
        }
    };
    let state_hash = state_hash.to_owned();
    let snapshot_path = match &settings.manifest {
        ManifestPlace::InTree => format!("{META_DIR}/{SNAPSHOT_FILE}"),
        ManifestPlace::Returned { snapshot_path } => snapshot_path.clone(),
        ManifestPlace::Omit => String::new(),
    };
    let manifest = ManifestOut {
        format: MANIFEST_TAG,
        version: MANIFEST_VERSION,
        persona: ws.persona(),
        start: ws.start(),
        now: ws.now(),
        revision: ws.revision(),
        state_hash: state_hash.clone(),
        snapshot: SnapshotEntry {
            path: snapshot_path,
            bytes: snapshot.len() as u64,
            blake3: blake3::hash(snapshot).to_hex().to_string(),
        },
        folders,
        artifacts: entries.into_values().collect(),
        edges: ws.edges(),
    };
    let artifacts = manifest.artifacts.len();
    let mut all: Vec<PathBuf> = dirs
        .iter()
        .map(|d| real_path(root, d))
        .collect::<Result<_, _>>()?;
    let mut returned = None;
    match &settings.manifest {
        ManifestPlace::InTree => {
            let meta = root.join(META_DIR);
            fs::create_dir(&meta).map_err(io("create", &meta))?;
            write_new(&meta.join(SNAPSHOT_FILE), snapshot, now, durability)?;
            let bytes = manifest.to_bytes()?;
            write_new(&meta.join(MANIFEST_FILE), &bytes, now, durability)?;
            if !used.is_empty() {
                let bytes = used.to_bytes()?;
                write_new(&meta.join(ORIGINALS_FILE), &bytes, now, durability)?;
            }
            all.push(meta);
        }
        ManifestPlace::Returned { .. } => returned = Some(manifest.to_bytes()?),
        ManifestPlace::Omit => {}
    }

    // Folder times last (creating entries touches them), deepest first.
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
        manifest: returned,
        warnings,
    })
}

/// The tag of the hidden sibling an export is written into.
const EXPORT_TAG: &str = "simdesk-export";

/// Refuses an export into a folder that holds `source` (replacing the
/// folder would delete it). Both are resolved through symlinks; a target
/// that does not exist yet holds nothing.
fn refuse_source_inside(source: &Path, dir: &Path) -> Result<(), StoreError> {
    let (Ok(source_real), Ok(dir_real)) = (fs::canonicalize(source), fs::canonicalize(dir)) else {
        return Ok(());
    };
    if source_real.starts_with(&dir_real) {
        return Err(StoreError::SourceInside {
            source_file: source.to_path_buf(),
            dir: dir.to_path_buf(),
        });
    }
    Ok(())
}

/// Removes what killed exports of `name` left next to it: hidden
/// `.NAME.simdesk-export-PID-N`, `.NAME.simdesk-run-PID-N` and
/// `.NAME.simdesk-old-PID-N` folders whose
/// process is gone (never this process's, never a running one's). Best
/// effort: a leftover that cannot be removed stays for the next run.
pub(crate) fn remove_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(entry) = file_name.to_str() else {
            continue;
        };
        let rest = [EXPORT_TAG, OLD_TAG, RUN_TMP_TAG]
            .iter()
            .find_map(|tag| entry.strip_prefix(&format!(".{name}.{tag}-")));
        let Some(pid) = rest
            .and_then(|r| r.split_once('-'))
            .and_then(|(pid, n)| n.parse::<u32>().ok().and(pid.parse::<u32>().ok()))
        else {
            continue;
        };
        if pid == std::process::id() || crate::fsio::may_be_running(pid) {
            continue;
        }
        let path = e.path();
        // Never follows a symlink: a link is removed as a file.
        let _ = match fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_dir() => fs::remove_dir_all(&path),
            Ok(_) => fs::remove_file(&path),
            Err(_) => Ok(()),
        };
    }
}

/// Swaps two folders in one step (Linux `renameat2(RENAME_EXCHANGE)`):
/// there is no moment without either. `Ok(false)` when the system or the
/// filesystem does not offer it.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool, StoreError> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOSYS => Ok(false),
        Err(e) => Err(StoreError::Rename {
            from: a.to_path_buf(),
            to: b.to_path_buf(),
            source: e.into(),
        }),
    }
}

/// Elsewhere there is no exchange: [`install`] falls back to two renames.
#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool, StoreError> {
    Ok(false)
}

/// Renames the finished tree `tmp` to `dir`, moving an old tree aside first
/// when `force` allows it.
pub(crate) fn install(
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
            // Where the system offers it, the new tree and the old one
            // swap places in one step, and the old one is deleted under
            // the temporary name.
            if exchange(tmp, dir)? {
                fs::remove_dir_all(tmp).map_err(io("delete the old tree swapped to", tmp))?;
                sync_dir(parent);
                return Ok(());
            }
            // Elsewhere, two renames: between them DIR is missing, and
            // the old tree is whole under its aside name.
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

    /// Where the system offers the exchange, two folders swap in one step;
    /// elsewhere `exchange` says so and `install` renames twice.
    #[test]
    fn exchange_swaps_two_folders_or_says_it_cannot() {
        let root = std::env::temp_dir().join(format!("simdesk-exchange-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let (a, b) = (root.join("a"), root.join("b"));
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        fs::write(a.join("new.txt"), "new").unwrap();
        fs::write(b.join("old.txt"), "old").unwrap();
        if exchange(&a, &b).unwrap() {
            assert!(b.join("new.txt").is_file() && a.join("old.txt").is_file());
            assert!(!b.join("old.txt").exists() && !a.join("new.txt").exists());
        } else {
            assert!(!cfg!(target_os = "linux") || a.join("new.txt").is_file());
        }
        fs::remove_dir_all(&root).unwrap();
    }
}
