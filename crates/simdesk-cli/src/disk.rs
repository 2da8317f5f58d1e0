//! Worlds on disk: `simdesk export` writes a world as a tree of real files
//! plus a manifest of its graph, and `simdesk import` reads such a tree (or
//! any folder of office files) back into a world.
//!
//! # Layout of an export
//!
//! ```text
//! DIR/<world path>              every artifact as a real file
//! DIR/.simdesk/manifest.json    persona, clocks, artifacts, edges (readable)
//! DIR/.simdesk/world.snapshot   the whole world (Workspace::save)
//! ```
//!
//! **The format follows the kind, never the extension.** A workbook is
//! written as xlsx, a document as docx, a deck as pptx, a PDF as pdf, an
//! email as eml (each attachment as a real MIME part holding the bytes the
//! attached artifact was written with), text and binaries as they are. A
//! workbook stored under a `.csv` name therefore holds xlsx bytes: the world
//! says it is a workbook, and writing csv would drop every sheet but one and
//! every formula. The manifest records the format of every file, and an
//! import with the manifest reads a changed file back in that format.
//!
//! Every volatile value comes from the world: creation time is the world's
//! start, modification time the artifact's `modified_at` (also the file's
//! mtime; folders and `.simdesk` files get the world's clock), author the
//! persona, and the document id a hash of the path. The same world gives a
//! byte-identical tree, manifest included.
//!
//! # Safety
//!
//! The tree is written into a fresh hidden sibling of DIR and renamed into
//! place, so an interrupted export leaves the old DIR whole (with `--force`
//! the old tree is renamed aside, the new one renamed in, then the old one
//! deleted; between the two renames the old tree is whole under its aside
//! name). Every target path is the temporary root joined with the
//! components of a [`VPath`], which has no `..`, absolute or reserved
//! component, and files are created with `create_new`, so nothing is
//! written outside DIR and no symlink is followed. A non-empty DIR is
//! refused without `--force`; a DIR that is a symlink or not a directory
//! is always refused.
//!
//! # Import
//!
//! With `.simdesk/manifest.json`, the snapshot is loaded (its checksum must
//! match the manifest) and reconciled with the disk: a file whose blake3
//! matches the manifest keeps the world's artifact, a changed file is read
//! back and applied as [`Op::Write`], a new file as [`Op::Create`], a
//! missing one as [`Op::Delete`], all as actor `import`. An unchanged tree
//! gives the exported world's state hash. A move on disk is a delete and a
//! create: the graph edges of the moved artifact are not carried over.
//!
//! Without a manifest, every regular file becomes an artifact through
//! [`Op::Create`], read by extension (xlsx/xlsm/xls/ods, docx, pptx, pdf,
//! eml, csv, md, txt, json; an mbox or anything else is kept byte-exact as a
//! binary); when the extension's reader refuses a file that is plainly a
//! zip package or a PDF, the office readers are tried by content. Attachments of an email that carry bytes and whose path is not a
//! file of the tree are created too.
//!
//! Symlinks and special files are never followed or read; names that
//! cannot be world paths, and files the readers refuse (with the typed
//! error), are reported and skipped, or with `--keep-unreadable` kept as
//! binaries. File count and total size are checked before anything is read.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File, Metadata};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use simdesk_engine::{EdgeView, Workspace};
use simdesk_formats::{ExportOptions, Format, FormatError, Limits, eml};
use simdesk_model::{Artifact, ArtifactKind, Op, Persona, SimTime, TextFormat, VPath};

use crate::world_io;

/// The folder of an export that holds the manifest and the snapshot.
pub const META_DIR: &str = ".simdesk";
/// The manifest's file name inside [`META_DIR`].
pub const MANIFEST_FILE: &str = "manifest.json";
/// The snapshot's file name inside [`META_DIR`].
pub const SNAPSHOT_FILE: &str = "world.snapshot";
/// The manifest version this build writes and reads.
pub const MANIFEST_VERSION: u32 = 1;
/// The actor recorded for every op an import applies.
pub const IMPORT_ACTOR: &str = "import";
/// The `format` tag at the top of a manifest.
const MANIFEST_TAG: &str = "simdesk-manifest";
/// Largest manifest read.
const MAX_MANIFEST_BYTES: u64 = 256 << 20;

// ------------------------------------------------------------------ manifest

/// One artifact as written: where, what, how, and a digest of the bytes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestArtifact {
    /// The world path (the file is at the same path under DIR).
    pub path: VPath,
    /// The artifact's kind.
    pub kind: ArtifactKind,
    /// The format the file was written in (see [`format_name`]).
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
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SnapshotEntry {
    /// Path relative to DIR.
    pub path: String,
    /// Size of the file.
    pub bytes: u64,
    /// blake3 of the file, hex.
    pub blake3: String,
}

#[derive(Serialize)]
struct ManifestOut<'a> {
    format: &'static str,
    version: u32,
    persona: &'a Persona,
    start: SimTime,
    now: SimTime,
    revision: u64,
    state_hash: String,
    snapshot: SnapshotEntry,
    folders: Vec<VPath>,
    artifacts: Vec<ManifestArtifact>,
    edges: Vec<EdgeView>,
}

/// What import needs from a manifest (the rest is for people and tools).
#[derive(Deserialize)]
struct ManifestIn {
    format: String,
    version: u32,
    state_hash: String,
    snapshot: SnapshotEntry,
    artifacts: Vec<ManifestArtifact>,
}

/// The name a format is recorded under in the manifest.
pub fn format_name(f: Format) -> &'static str {
    match f {
        Format::Xlsx => "xlsx",
        Format::Csv => "csv",
        Format::Docx => "docx",
        Format::Markdown => "markdown",
        Format::Pptx => "pptx",
        Format::Pdf => "pdf",
        Format::Eml => "eml",
        Format::Mbox => "mbox",
        Format::Text => "text",
        Format::Binary => "binary",
    }
}

fn parse_format(s: &str) -> Option<Format> {
    [
        Format::Xlsx,
        Format::Csv,
        Format::Docx,
        Format::Markdown,
        Format::Pptx,
        Format::Pdf,
        Format::Eml,
        Format::Mbox,
        Format::Text,
        Format::Binary,
    ]
    .into_iter()
    .find(|f| format_name(*f) == s)
}

/// The MIME type of a file written in `format` at `path`.
fn mime_of(format: Format, path: &VPath) -> &'static str {
    match format {
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Format::Pptx => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Format::Pdf => "application/pdf",
        Format::Csv => "text/csv",
        Format::Markdown => "text/markdown",
        Format::Text => match path.extension().map(str::to_ascii_lowercase).as_deref() {
            Some("csv") => "text/csv",
            Some("md" | "markdown") => "text/markdown",
            Some("json") => "application/json",
            _ => "text/plain",
        },
        // An attached message travels as opaque bytes: message/rfc822 parts
        // may not be base64-encoded, and the bytes must come back exact.
        Format::Eml | Format::Mbox | Format::Binary => "application/octet-stream",
    }
}

// ------------------------------------------------------------------ helpers

/// A simulated time as a filesystem time.
fn system_time(t: SimTime) -> SystemTime {
    let secs = t.secs();
    if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
    } else {
        SystemTime::UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// The stable document id of the file at `path`.
fn ident(path: &VPath) -> String {
    let h = blake3::hash(path.as_str().as_bytes()).to_hex();
    h[..32].to_owned()
}

/// `root` joined with the components of a world path, each checked to be a
/// plain name (VPath guarantees it; this is the last line of defence).
fn real_path(root: &Path, p: &VPath) -> Result<PathBuf> {
    let mut out = root.to_path_buf();
    for c in p.components() {
        if !plain_name(c) {
            bail!("world path {p} has a component {c:?} that is not a plain file name");
        }
        out.push(c);
    }
    Ok(out)
}

/// Whether `name` is one ordinary file name on this system: not empty, no
/// separator, not `.`, `..` or a root or prefix.
fn plain_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(Component::Normal(n)), None) if n == name
    )
}

/// Whether an export syncs every file and folder to stable storage before
/// renaming the tree into place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// Sync everything (the default for `simdesk export`): after a crash
    /// the tree is either the old one or the complete new one.
    Sync,
    /// Leave flushing to the OS. For datasets that are a pure function of
    /// their seed (`simdesk generate`), where a crash means regenerating;
    /// the rename still keeps half-written trees out of sight.
    NoSync,
}

/// Creates a file that must not exist yet (never through a symlink), writes
/// it, stamps its mtime and, when durable, syncs it.
fn write_new(path: &Path, bytes: &[u8], mtime: SystemTime, durability: Durability) -> Result<()> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    f.write_all(bytes)
        .and_then(|()| f.set_modified(mtime))
        .and_then(|()| {
            if durability == Durability::Sync {
                f.sync_all()
            } else {
                Ok(())
            }
        })
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The parent folder of `dir` and `dir`'s own name.
fn split_target(dir: &Path) -> Result<(PathBuf, String)> {
    let name = dir
        .file_name()
        .with_context(|| format!("{} has no folder name", dir.display()))?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Makes a new hidden sibling folder `.<name>.<tag>-<pid>-<n>`.
fn fresh_sibling(parent: &Path, name: &str, tag: &str) -> Result<PathBuf> {
    for n in 0..1000u32 {
        let p = parent.join(format!(".{name}.{tag}-{}-{n}", std::process::id()));
        match fs::create_dir(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", p.display())),
        }
    }
    bail!(
        "cannot find a free temporary name next to {}",
        parent.join(name).display()
    )
}

/// A name for moving `dir` aside that nothing uses yet.
fn aside_name(parent: &Path, name: &str) -> Result<PathBuf> {
    for n in 0..1000u32 {
        let p = parent.join(format!(".{name}.simdesk-old-{}-{n}", std::process::id()));
        if fs::symlink_metadata(&p).is_err() {
            return Ok(p);
        }
    }
    bail!(
        "cannot find a free name to move {} aside",
        parent.join(name).display()
    )
}

/// What is at the export target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Missing,
    EmptyDir,
    FullDir,
}

/// Looks at DIR without following a symlink there.
fn inspect_target(dir: &Path) -> Result<Target> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Missing),
        Err(e) => return Err(e).with_context(|| format!("cannot inspect {}", dir.display())),
    };
    if meta.file_type().is_symlink() {
        bail!(
            "{} is a symbolic link; refusing to export through it",
            dir.display()
        );
    }
    if !meta.is_dir() {
        bail!("{} exists and is not a folder", dir.display());
    }
    let mut entries =
        fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    Ok(if entries.next().is_none() {
        Target::EmptyDir
    } else {
        Target::FullDir
    })
}

fn sync_dir(path: &Path) {
    // Best effort: a folder sync makes the rename durable on Linux; other
    // systems may refuse to open folders for it.
    if let Ok(f) = File::open(path) {
        let _ = f.sync_all();
    }
}

// ------------------------------------------------------------------ export

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

/// Renders one artifact in its kind's format.
fn render(
    ws: &Workspace,
    path: &VPath,
    artifact: &Artifact,
    attached: &BTreeMap<VPath, (Format, Vec<u8>)>,
) -> Result<(Format, Vec<u8>), FormatError> {
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
                        mime: mime_of(*f, p),
                        bytes: b,
                    })
                })
                .collect();
            eml::export_eml_with(e, &data, &opts)?
        }
        a => simdesk_formats::export(a, format, &opts)?,
    };
    Ok((format, bytes))
}

/// Writes `ws` as a tree of real files under `dir` (see the module docs).
pub fn export_world(ws: &Workspace, dir: &Path, force: bool) -> Result<ExportReport> {
    export_world_with(
        ws,
        dir,
        &ExportSettings {
            force,
            ..ExportSettings::default()
        },
    )
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

/// [`export_world`] with every setting.
pub fn export_world_with(
    ws: &Workspace,
    dir: &Path,
    settings: &ExportSettings<'_>,
) -> Result<ExportReport> {
    let meta_path: VPath = VPath::parse(&format!("/{META_DIR}"))?;
    if ws.walk().iter().any(|e| e.path.starts_with(&meta_path)) {
        bail!("the world holds {meta_path}, which an export reserves for its manifest");
    }
    for (name, _) in &settings.extra_meta {
        if !plain_name(name) || [MANIFEST_FILE, SNAPSHOT_FILE].contains(name) {
            bail!("{name:?} cannot be written into {META_DIR}: not a free plain file name");
        }
    }
    if inspect_target(dir)? == Target::FullDir && !settings.force {
        bail!("{} is not empty; pass --force to replace it", dir.display());
    }
    let (parent, name) = split_target(dir)?;
    if !parent.is_dir() {
        bail!("the parent folder {} does not exist", parent.display());
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

/// Builds a spec and writes the computer under `dir`: the spec, the
/// snapshot, the exported tree and its manifest, with the planted faults
/// beside the manifest as ground truth for checkers.
///
/// A computer is a pure function of its spec: a crash means generating it
/// again, so nothing is synced file by file (each file and the tree are
/// still renamed into place whole).
pub fn write_computer(spec: &simdesk_gen::WorldSpec, dir: &Path, force: bool) -> Result<()> {
    let ws = simdesk_gen::build(spec)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let (snapshot, state_hash) = ws.save_with_state_hash();
    let faults = serde_json::to_vec_pretty(&spec.faults)?;
    crate::world_io::write_atomic_with(
        &dir.join("spec.json"),
        &serde_json::to_vec_pretty(spec)?,
        Durability::NoSync,
    )?;
    crate::world_io::write_atomic_with(&dir.join("world.simdesk"), &snapshot, Durability::NoSync)?;
    export_world_with(
        &ws,
        &dir.join("files"),
        &ExportSettings {
            force,
            durability: Durability::NoSync,
            snapshot: Some((&snapshot, &state_hash)),
            extra_meta: vec![("faults.json", &faults)],
        },
    )?;
    Ok(())
}

/// Writes the whole tree into the fresh folder `root`.
fn write_tree(ws: &Workspace, root: &Path, settings: &ExportSettings<'_>) -> Result<ExportReport> {
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
        fs::create_dir(&real).with_context(|| format!("cannot create {}", real.display()))?;
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
    let mut write = |path: &VPath, format: Format, bytes: &[u8]| -> Result<ManifestArtifact> {
        let modified_at = ws.modified_at(path).unwrap_or_else(|| ws.now());
        let real = real_path(root, path)?;
        write_new(&real, bytes, system_time(modified_at), durability)?;
        total += bytes.len() as u64;
        Ok(ManifestArtifact {
            path: path.clone(),
            kind: ArtifactKind::Binary,
            format: format_name(format).to_owned(),
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
                let bytes = render(ws, path, &Artifact::Email(e.clone()), &BTreeMap::new())
                    .with_context(|| format!("cannot export {path}"))?;
                attached.insert(path.clone(), bytes);
            }
            continue;
        }
        let (format, bytes) = render(ws, path, artifact, &attached)
            .with_context(|| format!("cannot export {path}"))?;
        let mut m = write(path, format, &bytes)?;
        m.kind = artifact.kind();
        entries.insert(path.clone(), m);
        if wanted.contains(path) {
            attached.insert(path.clone(), (format, bytes));
        }
    }
    for (path, artifact) in ws.artifacts() {
        if !matches!(artifact, Artifact::Email(_)) {
            continue;
        }
        let (format, bytes) = render(ws, path, artifact, &attached)
            .with_context(|| format!("cannot export {path}"))?;
        let mut m = write(path, format, &bytes)?;
        m.kind = artifact.kind();
        entries.insert(path.clone(), m);
    }

    // The snapshot and the manifest.
    let meta = root.join(META_DIR);
    fs::create_dir(&meta).with_context(|| format!("cannot create {}", meta.display()))?;
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
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    write_new(&meta.join(MANIFEST_FILE), &json, now, durability)?;

    // Folder times last (creating entries touches them), deepest first.
    let mut all: Vec<PathBuf> = dirs
        .iter()
        .map(|d| real_path(root, d))
        .collect::<Result<_>>()?;
    all.push(meta);
    all.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    all.push(root.to_path_buf());
    for d in &all {
        let f = File::open(d).with_context(|| format!("cannot open {}", d.display()))?;
        f.set_modified(now)
            .with_context(|| format!("cannot set the time of {}", d.display()))?;
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
fn install(tmp: &Path, dir: &Path, parent: &Path, name: &str, force: bool) -> Result<()> {
    // Look again: the target may have changed while the tree was written.
    match inspect_target(dir)? {
        Target::Missing | Target::EmptyDir => {
            // rename(2) replaces an empty folder in one step.
            fs::rename(tmp, dir)
                .with_context(|| format!("cannot move {} to {}", tmp.display(), dir.display()))?;
        }
        Target::FullDir if !force => {
            bail!("{} is not empty; pass --force to replace it", dir.display())
        }
        Target::FullDir => {
            let old = aside_name(parent, name)?;
            // rename moves a symlink itself, never what it points to.
            fs::rename(dir, &old).with_context(|| {
                format!("cannot move {} aside to {}", dir.display(), old.display())
            })?;
            if let Err(e) = fs::rename(tmp, dir) {
                let _ = fs::rename(&old, dir);
                return Err(e).with_context(|| {
                    format!("cannot move {} to {}", tmp.display(), dir.display())
                });
            }
            // remove_dir_all never follows symlinks inside the old tree.
            fs::remove_dir_all(&old).with_context(|| {
                format!(
                    "exported, but cannot delete the old tree moved aside to {}",
                    old.display()
                )
            })?;
        }
    }
    sync_dir(parent);
    Ok(())
}

/// `simdesk export WORLD DIR`: loads, exports, prints a summary.
pub fn run_export(world: &Path, dir: &Path, force: bool) -> Result<ExitCode> {
    let ws = world_io::load_world(world)?;
    let r = export_world(&ws, dir, force)?;
    println!(
        "exported {} artifacts ({} bytes) in {} folders to {}",
        r.artifacts,
        r.bytes,
        r.folders,
        dir.display()
    );
    println!("state {}", r.state_hash);
    Ok(ExitCode::SUCCESS)
}

// ------------------------------------------------------------------ import

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

/// A file or folder left out, or imported differently, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path relative to the imported folder.
    pub path: String,
    /// What was wrong.
    pub reason: String,
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
    /// Files and folders left out.
    pub skipped: Vec<Skipped>,
    /// Files imported in a way worth telling (kept as binaries).
    pub notes: Vec<Skipped>,
    /// Without a manifest: the copies the emails carry, for inferring
    /// which files they attach and whether those changed since.
    pub attached: Vec<simdesk_check::Attached>,
}

/// One regular file found by the walk.
struct DiskFile {
    vpath: VPath,
    real: PathBuf,
    meta: Metadata,
}

/// The regular files and folders of a tree, in path order.
struct Tree {
    dirs: Vec<VPath>,
    files: Vec<DiskFile>,
    skipped: Vec<Skipped>,
    has_meta: bool,
}

fn rel(v: &VPath) -> String {
    v.as_str().trim_start_matches('/').to_owned()
}

/// Walks `root` without following symlinks, checking the limits before
/// anything is read.
fn walk(root: &Path, opts: &ImportOptions) -> Result<Tree> {
    let mut t = Tree {
        dirs: Vec::new(),
        files: Vec::new(),
        skipped: Vec::new(),
        has_meta: false,
    };
    let mut total = 0u64;
    let mut seen = 0usize;
    let mut stack = vec![(root.to_path_buf(), VPath::root())];
    while let Some((real, vp)) = stack.pop() {
        let mut names = Vec::new();
        for entry in
            fs::read_dir(&real).with_context(|| format!("cannot list {}", real.display()))?
        {
            let entry = entry.with_context(|| format!("cannot list {}", real.display()))?;
            seen += 1;
            if seen > opts.max_files {
                bail!(
                    "{} holds more than {} files and folders; raise --max-files to import it",
                    root.display(),
                    opts.max_files
                );
            }
            names.push(entry.file_name());
        }
        names.sort();
        for name in names {
            let child = real.join(&name);
            let shown = if vp.is_root() {
                name.to_string_lossy().into_owned()
            } else {
                format!("{}/{}", rel(&vp), name.to_string_lossy())
            };
            if vp.is_root() && name == META_DIR {
                t.has_meta = true;
                continue;
            }
            let mut skip = |reason: String| {
                t.skipped.push(Skipped {
                    path: shown.clone(),
                    reason,
                })
            };
            let Some(name_str) = name.to_str() else {
                skip("the name is not UTF-8".to_owned());
                continue;
            };
            let meta = match fs::symlink_metadata(&child) {
                Ok(m) => m,
                Err(e) => {
                    skip(format!("cannot inspect: {e}"));
                    continue;
                }
            };
            let ft = meta.file_type();
            if ft.is_symlink() {
                skip("a symbolic link (never followed)".to_owned());
                continue;
            }
            if !ft.is_dir() && !ft.is_file() {
                skip("not a regular file (fifo, socket or device)".to_owned());
                continue;
            }
            let cvp = match vp.join(name_str) {
                Ok(p) => p,
                Err(e) => {
                    skip(format!("cannot be a world path: {}", e.rule.describe()));
                    continue;
                }
            };
            if ft.is_dir() {
                t.dirs.push(cvp.clone());
                stack.push((child, cvp));
            } else {
                total = total.saturating_add(meta.len());
                if total > opts.max_total_bytes {
                    bail!(
                        "the files of {} add up to more than {} bytes; raise --max-bytes to import them",
                        root.display(),
                        opts.max_total_bytes
                    );
                }
                t.files.push(DiskFile {
                    vpath: cvp,
                    real: child,
                    meta,
                });
            }
        }
    }
    t.dirs.sort();
    t.files.sort_by(|a, b| a.vpath.cmp(&b.vpath));
    Ok(t)
}

/// Reads a file found by the walk, refusing it when it was swapped (for a
/// symlink or another file) since, or grew past `max` bytes.
fn read_walked(f: &DiskFile, max: u64) -> Result<Vec<u8>> {
    let file = File::open(&f.real).with_context(|| format!("cannot open {}", f.real.display()))?;
    let now = file
        .metadata()
        .with_context(|| format!("cannot inspect {}", f.real.display()))?;
    if !now.is_file() || !same_file(&now, &f.meta) {
        bail!("{} changed while importing", f.real.display());
    }
    if now.len() > max {
        bail!(
            "{} is {} bytes, more than the {max}-byte limit",
            f.real.display(),
            now.len()
        );
    }
    let mut buf = Vec::with_capacity(now.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {}", f.real.display()))?;
    if buf.len() as u64 > max {
        bail!("{} grew past the {max}-byte limit", f.real.display());
    }
    Ok(buf)
}

#[cfg(unix)]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &Metadata, b: &Metadata) -> bool {
    a.len() == b.len() && a.modified().ok() == b.modified().ok()
}

/// Reads a file from outside by its extension; when that fails and the
/// bytes are plainly a zip package or a PDF (a workbook exported under a
/// `.csv` name, say), by its content.
fn read_by_extension(
    path: &VPath,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Artifact, Vec<eml::ImportedAttachment>), FormatError> {
    let by_ext = read_by_extension_only(path, bytes, limits);
    let Err(err) = by_ext else {
        return by_ext;
    };
    let candidates: &[Format] = if bytes.starts_with(b"PK\x03\x04") {
        &[Format::Xlsx, Format::Docx, Format::Pptx]
    } else if bytes.starts_with(b"%PDF-") {
        &[Format::Pdf]
    } else {
        &[]
    };
    let by_ext_format = simdesk_formats::format_for_extension(path.extension().unwrap_or_default());
    candidates
        .iter()
        .filter(|f| **f != by_ext_format)
        .find_map(|f| simdesk_formats::import(bytes, *f, limits).ok())
        .map(|a| (a, Vec::new()))
        .ok_or(err)
}

fn read_by_extension_only(
    path: &VPath,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Artifact, Vec<eml::ImportedAttachment>), FormatError> {
    let ext = path.extension().unwrap_or("");
    let one = |a: Artifact| (a, Vec::new());
    match simdesk_formats::format_for_extension(ext) {
        Format::Eml => eml::import_eml_with(bytes, limits).map(|(e, a)| (Artifact::Email(e), a)),
        // One artifact is one message: an mbox is kept byte-exact.
        Format::Mbox | Format::Binary => {
            simdesk_formats::import(bytes, Format::Binary, limits).map(one)
        }
        Format::Text | Format::Csv | Format::Markdown => {
            simdesk_formats::import_text(bytes, TextFormat::from_extension(ext), limits).map(one)
        }
        f => simdesk_formats::import(bytes, f, limits).map(one),
    }
}

/// Reads a file changed since the export, in the format it was written in.
fn read_as_written(
    entry: &ManifestArtifact,
    old: &Artifact,
    bytes: &[u8],
    limits: &Limits,
) -> Result<Artifact, FormatError> {
    let format = parse_format(&entry.format).unwrap_or(Format::Binary);
    match (format, old) {
        (Format::Text, Artifact::Text(t)) => simdesk_formats::import_text(bytes, t.format, limits),
        (f, _) => simdesk_formats::import(bytes, f, limits),
    }
}

/// Applies one op as the importer; a refusal becomes a skip.
fn apply(ws: &mut Workspace, op: Op, shown: &str, skipped: &mut Vec<Skipped>) -> bool {
    let out = ws.apply_as(IMPORT_ACTOR, op);
    if !out.is_applied() {
        let reason = out
            .diagnostics
            .first()
            .map_or_else(|| "refused".to_owned(), |d| format!("refused: {d}"));
        skipped.push(Skipped {
            path: shown.to_owned(),
            reason,
        });
    }
    out.is_applied()
}

/// Reads the tree under `dir` into a world (see the module docs).
pub fn import_dir(dir: &Path, opts: &ImportOptions) -> Result<ImportReport> {
    let meta = fs::metadata(dir).with_context(|| format!("cannot open {}", dir.display()))?;
    if !meta.is_dir() {
        bail!("{} is not a folder", dir.display());
    }
    let tree = walk(dir, opts)?;
    let manifest_path = dir.join(META_DIR).join(MANIFEST_FILE);
    // Neither the folder nor the manifest may be a symlink.
    let has_manifest = tree.has_meta
        && fs::symlink_metadata(dir.join(META_DIR)).is_ok_and(|m| m.file_type().is_dir())
        && fs::symlink_metadata(&manifest_path).is_ok_and(|m| m.file_type().is_file());
    let mut report = if has_manifest {
        reconcile(dir, &manifest_path, tree, opts)?
    } else {
        let mut r = build_plain(tree.dirs, tree.files, opts)?;
        r.skipped.splice(0..0, tree.skipped);
        if tree.has_meta {
            r.notes.push(Skipped {
                path: META_DIR.to_owned(),
                reason: format!("no {MANIFEST_FILE} in it; imported the files without a manifest"),
            });
        }
        r
    };
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(report)
}

/// Without a manifest: every folder and file becomes part of a new world.
fn build_plain(
    dirs: Vec<VPath>,
    files: Vec<DiskFile>,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    let persona = Persona {
        name: opts.name.clone(),
        ..Persona::default()
    };
    let mut r = ImportReport {
        world: Workspace::new(opts.start, persona),
        with_manifest: false,
        kept: 0,
        created: 0,
        written: 0,
        deleted: 0,
        folders: 0,
        skipped: Vec::new(),
        notes: Vec::new(),
        attached: Vec::new(),
    };
    for d in dirs {
        if apply(
            &mut r.world,
            Op::Mkdir { path: d.clone() },
            &rel(&d),
            &mut r.skipped,
        ) {
            r.folders += 1;
        }
    }
    let on_disk: BTreeSet<VPath> = files.iter().map(|f| f.vpath.clone()).collect();
    let mut emails = Vec::new();
    for f in &files {
        let Some(artifact) = read_outside(f, opts, &mut r) else {
            continue;
        };
        match artifact {
            (Artifact::Email(e), atts) => emails.push((f.vpath.clone(), e, atts)),
            (a, _) => {
                let op = Op::Create {
                    path: f.vpath.clone(),
                    artifact: a,
                };
                if apply(&mut r.world, op, &rel(&f.vpath), &mut r.skipped) {
                    r.created += 1;
                }
            }
        }
    }
    // Emails after everything else, each after the attachments it brings
    // that are not files of the tree.
    for (path, email, atts) in emails {
        for att in atts {
            if !att.has_bytes {
                continue;
            }
            if on_disk.contains(&att.path) || r.world.artifact(&att.path).is_some() {
                if let Ok((artifact, _)) = read_by_extension(&att.path, &att.bytes, &opts.limits) {
                    r.attached.push(simdesk_check::Attached {
                        email: path.clone(),
                        path: att.path.clone(),
                        artifact,
                    });
                }
                continue;
            }
            let shown = format!("{} (attached to {})", rel(&att.path), rel(&path));
            match read_by_extension(&att.path, &att.bytes, &opts.limits) {
                Ok((a, _)) => {
                    r.attached.push(simdesk_check::Attached {
                        email: path.clone(),
                        path: att.path.clone(),
                        artifact: a.clone(),
                    });
                    let op = Op::Create {
                        path: att.path.clone(),
                        artifact: a,
                    };
                    if apply(&mut r.world, op, &shown, &mut r.skipped) {
                        r.created += 1;
                    }
                }
                Err(e) => r.skipped.push(Skipped {
                    path: shown,
                    reason: e.to_string(),
                }),
            }
        }
        let op = Op::Create {
            path: path.clone(),
            artifact: Artifact::Email(email),
        };
        if apply(&mut r.world, op, &rel(&path), &mut r.skipped) {
            r.created += 1;
        }
    }
    Ok(r)
}

/// Reads a file not described by a manifest; a file the readers refuse is
/// skipped (or kept as a binary). IO errors reading it are skips too.
fn read_outside(
    f: &DiskFile,
    opts: &ImportOptions,
    r: &mut ImportReport,
) -> Option<(Artifact, Vec<eml::ImportedAttachment>)> {
    let shown = rel(&f.vpath);
    let bytes = match read_walked(f, opts.limits.max_input_bytes) {
        Ok(b) => b,
        Err(e) => {
            r.skipped.push(Skipped {
                path: shown,
                reason: format!("{e:#}"),
            });
            return None;
        }
    };
    match read_by_extension(&f.vpath, &bytes, &opts.limits) {
        Ok(a) => Some(a),
        Err(e) if opts.keep_unreadable => {
            r.notes.push(Skipped {
                path: shown,
                reason: format!("kept as binary: {e}"),
            });
            Some((
                Artifact::Binary(simdesk_model::Binary { bytes }),
                Vec::new(),
            ))
        }
        Err(e) => {
            r.skipped.push(Skipped {
                path: shown,
                reason: e.to_string(),
            });
            None
        }
    }
}

/// With a manifest: the snapshot's world, reconciled with the disk.
fn reconcile(
    dir: &Path,
    manifest_path: &Path,
    tree: Tree,
    opts: &ImportOptions,
) -> Result<ImportReport> {
    let text = world_io::read_limited(manifest_path, MAX_MANIFEST_BYTES)?;
    let m: ManifestIn = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a simdesk manifest", manifest_path.display()))?;
    if m.format != MANIFEST_TAG {
        bail!(
            "{} is not a simdesk manifest (format {:?})",
            manifest_path.display(),
            m.format
        );
    }
    if m.version > MANIFEST_VERSION {
        bail!(
            "{} is manifest version {}, newer than this build reads ({MANIFEST_VERSION})",
            manifest_path.display(),
            m.version
        );
    }
    let snap_path = dir.join(META_DIR).join(SNAPSHOT_FILE);
    if m.snapshot.path != format!("{META_DIR}/{SNAPSHOT_FILE}") {
        bail!(
            "{} names the snapshot {:?}; only {META_DIR}/{SNAPSHOT_FILE} is read",
            manifest_path.display(),
            m.snapshot.path
        );
    }
    let snap_meta = fs::symlink_metadata(&snap_path)
        .with_context(|| format!("cannot open {}", snap_path.display()))?;
    if !snap_meta.file_type().is_file() {
        bail!("{} is not a regular file", snap_path.display());
    }
    let snap = world_io::read_limited(&snap_path, world_io::MAX_INPUT_BYTES)?;
    if blake3::hash(&snap).to_hex().as_str() != m.snapshot.blake3 {
        bail!(
            "{} does not match the manifest (edited or corrupted); remove {META_DIR} to import the files without it",
            snap_path.display()
        );
    }
    let ws = Workspace::load(&snap)
        .with_context(|| format!("cannot load world {}", snap_path.display()))?;
    if ws.state_hash() != m.state_hash {
        bail!(
            "{} holds a different world than the manifest describes",
            snap_path.display()
        );
    }
    let listed: BTreeMap<VPath, ManifestArtifact> = m
        .artifacts
        .into_iter()
        .map(|a| (a.path.clone(), a))
        .collect();
    let in_world: BTreeSet<&VPath> = ws.artifacts().map(|(p, _)| p).collect();
    if listed.len() != in_world.len() || listed.keys().any(|p| !in_world.contains(p)) {
        bail!(
            "{} lists other artifacts than the snapshot holds",
            manifest_path.display()
        );
    }
    drop(in_world);

    let mut r = ImportReport {
        world: ws,
        with_manifest: true,
        kept: 0,
        created: 0,
        written: 0,
        deleted: 0,
        folders: 0,
        skipped: tree.skipped,
        notes: Vec::new(),
        attached: Vec::new(),
    };
    let on_disk: BTreeSet<VPath> = tree.files.iter().map(|f| f.vpath.clone()).collect();
    let disk_dirs: BTreeSet<&VPath> = tree.dirs.iter().collect();

    // Deletions first, so a file replaced by a folder (or the reverse) can
    // take its place: files, then folders deepest first.
    for p in listed.keys().filter(|p| !on_disk.contains(*p)) {
        let op = Op::Delete {
            path: p.clone(),
            recursive: false,
        };
        if apply(&mut r.world, op, &rel(p), &mut r.skipped) {
            r.deleted += 1;
        }
    }
    let gone: Vec<VPath> = r
        .world
        .walk()
        .into_iter()
        .filter(|e| e.kind.is_none() && !disk_dirs.contains(&e.path))
        .map(|e| e.path)
        .collect();
    for p in gone.iter().rev() {
        let op = Op::Delete {
            path: p.clone(),
            recursive: false,
        };
        if apply(&mut r.world, op, &rel(p), &mut r.skipped) {
            r.deleted += 1;
        }
    }
    for d in &tree.dirs {
        if !r.world.is_folder(d)
            && apply(
                &mut r.world,
                Op::Mkdir { path: d.clone() },
                &rel(d),
                &mut r.skipped,
            )
        {
            r.folders += 1;
        }
    }
    // New files, then changed ones.
    let (known, new): (Vec<&DiskFile>, Vec<&DiskFile>) = tree
        .files
        .iter()
        .partition(|f| listed.contains_key(&f.vpath));
    for f in new {
        // The attachment bytes of a new email are files of their own or
        // already in the world; only the message is taken.
        let Some((artifact, _)) = read_outside(f, opts, &mut r) else {
            continue;
        };
        let op = Op::Create {
            path: f.vpath.clone(),
            artifact,
        };
        if apply(&mut r.world, op, &rel(&f.vpath), &mut r.skipped) {
            r.created += 1;
        }
    }
    for f in known {
        let shown = rel(&f.vpath);
        let entry = &listed[&f.vpath];
        let bytes = match read_walked(f, opts.limits.max_input_bytes) {
            Ok(b) => b,
            Err(e) => {
                r.skipped.push(Skipped {
                    path: shown,
                    reason: format!("{e:#}; kept the world's version"),
                });
                continue;
            }
        };
        if blake3::hash(&bytes).to_hex().as_str() == entry.blake3 {
            r.kept += 1;
            continue;
        }
        let Some(old) = r.world.artifact(&f.vpath) else {
            continue;
        };
        match read_as_written(entry, old, &bytes, &opts.limits) {
            Ok(artifact) => {
                let op = Op::Write {
                    path: f.vpath.clone(),
                    artifact,
                };
                if apply(&mut r.world, op, &shown, &mut r.skipped) {
                    r.written += 1;
                }
            }
            Err(e) => r.skipped.push(Skipped {
                path: shown,
                reason: format!("{e}; kept the world's version"),
            }),
        }
    }
    Ok(r)
}

/// `simdesk import DIR --out WORLD`: imports, saves, prints a summary.
/// Exits 1 when anything was skipped (the world is saved anyway).
pub fn run_import(dir: &Path, out: &Path, force: bool, opts: &ImportOptions) -> Result<ExitCode> {
    if fs::symlink_metadata(out).is_ok() && !force {
        bail!("{} exists; pass --force to overwrite it", out.display());
    }
    let mut r = import_dir(dir, opts)?;
    // Without a manifest nothing links the files: record the links their
    // content shows as `inferred` edges.
    let mut inferred = 0;
    if !r.with_manifest {
        for op in simdesk_check::infer(&r.world, &r.attached).link_ops() {
            inferred += usize::from(r.world.apply_as(IMPORT_ACTOR, op).is_applied());
        }
    }
    world_io::save_snapshot(&r.world, out)?;
    if r.with_manifest {
        println!(
            "imported {} with its manifest: {} artifacts ({} unchanged, {} written, {} created), {} deleted, {} folders created",
            dir.display(),
            r.world.artifact_count(),
            r.kept,
            r.written,
            r.created,
            r.deleted,
            r.folders
        );
    } else {
        println!(
            "imported {} without a manifest: {} artifacts in {} folders, {inferred} inferred links",
            dir.display(),
            r.created,
            r.folders
        );
    }
    for n in &r.notes {
        println!("  note {}: {}", n.path, n.reason);
    }
    println!("{} skipped", r.skipped.len());
    for s in &r.skipped {
        println!("  skipped {}: {}", s.path, s.reason);
    }
    println!("state {}", r.world.state_hash());
    println!("saved {}", out.display());
    Ok(if r.skipped.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_names_are_single_normal_components() {
        for ok in ["faults.json", "a b.txt", "..x"] {
            assert!(plain_name(ok), "{ok}");
        }
        for bad in ["", ".", "..", "a/b", "/abs", "../up"] {
            assert!(!plain_name(bad), "{bad}");
        }
    }

    /// Extra `.simdesk` files must be free plain names; a refused export
    /// writes nothing.
    #[test]
    fn extra_meta_names_are_checked_before_anything_is_written() {
        let ws = Workspace::new(
            SimTime::parse("2026-01-05T09:00:00Z").unwrap(),
            simdesk_model::Persona::default(),
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
            assert!(e.to_string().contains("cannot be written"), "{name}: {e}");
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
