//! Deciding what an import does, without a disk: [`reconcile`] compares a
//! world and its manifest with a listing of a tree and returns a [`Plan`]
//! of ops; [`plan_plain`] plans a new world from a tree without a
//! manifest. Files are read through a [`FileSource`] (a real folder in
//! [`crate::walk`], a map of bytes in tests), and [`Plan::apply`] runs the
//! ops through `Workspace::apply_as`, so every change an import makes is
//! an event of the trajectory like any other.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_engine::Workspace;
use simdesk_formats::{Format, Limits, Unmodelled, eml, import_as_written, import_auto};
use simdesk_model::{Artifact, Binary, Op, VPath};

use crate::error::{StoreError, chain};
use crate::manifest::{Manifest, ManifestArtifact};
use crate::originals::{Original, Originals, artifact_digest};

/// The actor recorded for every op an import applies.
pub const IMPORT_ACTOR: &str = "import";

/// A file or folder left out, or imported differently, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// The path relative to the imported folder.
    pub path: String,
    /// What was wrong.
    pub reason: String,
}

/// The folders and regular files of a tree, in path order, and what the
/// walk left out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Listing {
    /// Folders.
    pub dirs: Vec<VPath>,
    /// Regular files.
    pub files: Vec<VPath>,
    /// Entries left out (symlinks, special files, names that cannot be
    /// world paths).
    pub skipped: Vec<Skipped>,
}

/// Where an import reads the bytes of a listed file.
pub trait FileSource {
    /// The bytes of the file at `path`, refusing more than `max`.
    fn read(&mut self, path: &VPath, max: u64) -> Result<Vec<u8>, StoreError>;
}

/// An in-memory tree: world path to bytes.
impl FileSource for BTreeMap<VPath, Vec<u8>> {
    fn read(&mut self, path: &VPath, max: u64) -> Result<Vec<u8>, StoreError> {
        let missing = || StoreError::NotAFile {
            path: path.as_str().into(),
        };
        let bytes = self.get(path).ok_or_else(missing)?;
        if bytes.len() as u64 > max {
            return Err(StoreError::TooLarge {
                path: path.as_str().into(),
                size: bytes.len() as u64,
                limit: max,
            });
        }
        Ok(bytes.clone())
    }
}

/// Knobs of reading files that no manifest describes.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Limits handed to every reader.
    pub limits: Limits,
    /// Keep files the readers refuse as binaries instead of skipping them.
    pub keep_unreadable: bool,
}

/// What a planned op counts as when it is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// A new artifact.
    Created,
    /// A changed artifact written over.
    Written,
    /// An artifact or folder removed.
    Deleted,
    /// A new folder.
    Folder,
}

/// One op of a plan, with the path it is shown under.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// The op.
    pub op: Op,
    /// The path relative to the tree (or a longer note) for messages.
    pub shown: String,
    /// What the op counts as.
    pub count: Count,
}

/// What an import will do: ops in order, plus what it keeps and skips.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The ops, in the order they are applied.
    pub steps: Vec<Step>,
    /// Files unchanged since the export (the world's artifact is kept).
    pub kept: usize,
    /// Files and folders left out, and why.
    pub skipped: Vec<Skipped>,
    /// Files imported in a way worth telling (kept as binaries).
    pub notes: Vec<Skipped>,
    /// Without a manifest: the copies the emails carry, for inferring
    /// which files they attach and whether those changed since.
    pub attached: Vec<simdesk_check::Attached>,
    /// The bytes of every file read into an artifact that does not hold
    /// them whole (workbooks, documents, decks, PDFs, emails), with what
    /// the model drops of each; [`Plan::apply`] pairs them with the
    /// artifacts' digests.
    pub originals: BTreeMap<VPath, (Vec<u8>, Unmodelled)>,
}

/// What applying a plan did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Artifacts created.
    pub created: usize,
    /// Artifacts written over.
    pub written: usize,
    /// Artifacts and folders deleted.
    pub deleted: usize,
    /// Folders created.
    pub folders: usize,
}

impl Plan {
    fn push(&mut self, op: Op, shown: String, count: Count) {
        self.steps.push(Step { op, shown, count });
    }

    /// Applies the steps to `ws` as [`IMPORT_ACTOR`]; a refused op becomes
    /// a skip with the engine's diagnostic. Skips end up in path order.
    pub fn apply(mut self, ws: &mut Workspace) -> Applied {
        let mut counts = Counts::default();
        for step in self.steps {
            let out = ws.apply_as(IMPORT_ACTOR, step.op);
            if !out.is_applied() {
                let reason = out
                    .diagnostics
                    .first()
                    .map_or_else(|| "refused".to_owned(), |d| format!("refused: {d}"));
                self.skipped.push(Skipped {
                    path: step.shown,
                    reason,
                });
                continue;
            }
            match step.count {
                Count::Created => counts.created += 1,
                Count::Written => counts.written += 1,
                Count::Deleted => counts.deleted += 1,
                Count::Folder => counts.folders += 1,
            }
        }
        let mut originals = Originals::default();
        for (path, (bytes, unmodelled)) in self.originals {
            let Some(artifact) = ws.artifact(&path) else {
                continue;
            };
            match artifact_digest(artifact) {
                Ok(digest) => originals.insert(
                    path,
                    Original {
                        digest,
                        bytes,
                        unmodelled,
                    },
                ),
                Err(e) => self.notes.push(Skipped {
                    path: rel(&path),
                    reason: format!("original bytes not kept: {}", chain(&e)),
                }),
            }
        }
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        Applied {
            counts,
            skipped: self.skipped,
            notes: self.notes,
            attached: self.attached,
            originals,
        }
    }
}

/// What [`Plan::apply`] did and what it leaves to report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// What the applied ops counted as.
    pub counts: Counts,
    /// Files and folders left out (including refused ops), in path order.
    pub skipped: Vec<Skipped>,
    /// Files imported in a way worth telling.
    pub notes: Vec<Skipped>,
    /// The copies emails carry (see [`Plan::attached`]).
    pub attached: Vec<simdesk_check::Attached>,
    /// The original bytes of the files applied, with their artifacts'
    /// digests as the plan left them.
    pub originals: Originals,
}

/// A world path relative to the tree's root, as messages show it.
pub fn rel(v: &VPath) -> String {
    v.as_str().trim_start_matches('/').to_owned()
}

/// Reads a file no manifest describes, by its name and content
/// ([`import_auto`]); a file the readers refuse is skipped (or kept as a
/// binary), and so is one that cannot be read.
fn read_outside(
    path: &VPath,
    source: &mut dyn FileSource,
    opts: &ReadOptions,
    plan: &mut Plan,
) -> Option<(Artifact, Vec<eml::ImportedAttachment>)> {
    let shown = rel(path);
    let bytes = match source.read(path, opts.limits.max_input_bytes) {
        Ok(b) => b,
        Err(e) => {
            plan.skipped.push(Skipped {
                path: shown,
                reason: chain(&e),
            });
            return None;
        }
    };
    let ext = path.extension().unwrap_or("");
    match import_auto(ext, &bytes, &opts.limits) {
        Ok(a) => {
            keep_original(path, ext, bytes, &a.0, opts, plan);
            Some(a)
        }
        Err(e) if opts.keep_unreadable => {
            plan.notes.push(Skipped {
                path: shown,
                reason: format!("kept as binary: {}", chain(&e)),
            });
            Some((Artifact::Binary(Binary { bytes }), Vec::new()))
        }
        Err(e) => {
            plan.skipped.push(Skipped {
                path: shown,
                reason: chain(&e),
            });
            None
        }
    }
}

/// Keeps the bytes of a file read into an artifact that does not hold
/// them whole, with what the model drops of it (see [`Plan::originals`]).
/// Text and binaries are their bytes already.
fn keep_original(
    path: &VPath,
    ext: &str,
    bytes: Vec<u8>,
    artifact: &Artifact,
    opts: &ReadOptions,
    plan: &mut Plan,
) {
    if matches!(artifact, Artifact::Text(_) | Artifact::Binary(_)) {
        return;
    }
    let unmodelled = match simdesk_formats::unmodelled(ext, &bytes, &opts.limits) {
        Ok(u) => u,
        Err(e) => {
            plan.notes.push(Skipped {
                path: rel(path),
                reason: format!("could not count what the model drops: {}", chain(&e)),
            });
            Unmodelled::default()
        }
    };
    plan.originals.insert(path.clone(), (bytes, unmodelled));
}

/// Plans a new world from a tree without a manifest: every folder, every
/// file the readers take, and the attachments an email carries whose path
/// is not a file of the tree (emails come last, each after what it
/// brings).
pub fn plan_plain(listing: &Listing, source: &mut dyn FileSource, opts: &ReadOptions) -> Plan {
    let mut plan = Plan {
        skipped: listing.skipped.clone(),
        ..Plan::default()
    };
    for d in &listing.dirs {
        plan.push(Op::Mkdir { path: d.clone() }, rel(d), Count::Folder);
    }
    let on_disk: BTreeSet<&VPath> = listing.files.iter().collect();
    let mut emails = Vec::new();
    for f in &listing.files {
        match read_outside(f, source, opts, &mut plan) {
            None => {}
            Some((Artifact::Email(e), atts)) => emails.push((f, e, atts)),
            Some((artifact, _)) => plan.push(
                Op::Create {
                    path: f.clone(),
                    artifact: artifact.into(),
                },
                rel(f),
                Count::Created,
            ),
        }
    }
    let mut brought: BTreeSet<VPath> = BTreeSet::new();
    for (path, email, atts) in emails {
        for att in atts {
            if !att.has_bytes {
                continue;
            }
            let ext = att.path.extension().unwrap_or("");
            if on_disk.contains(&att.path) || brought.contains(&att.path) {
                // A copy of a file the tree has: kept aside, to compare.
                if let Ok((artifact, _)) = import_auto(ext, &att.bytes, &opts.limits) {
                    plan.attached.push(simdesk_check::Attached {
                        email: path.clone(),
                        path: att.path.clone(),
                        artifact,
                    });
                }
                continue;
            }
            let shown = format!("{} (attached to {})", rel(&att.path), rel(path));
            match import_auto(ext, &att.bytes, &opts.limits) {
                Ok((artifact, _)) => {
                    brought.insert(att.path.clone());
                    plan.attached.push(simdesk_check::Attached {
                        email: path.clone(),
                        path: att.path.clone(),
                        artifact: artifact.clone(),
                    });
                    plan.push(
                        Op::Create {
                            path: att.path,
                            artifact: artifact.into(),
                        },
                        shown,
                        Count::Created,
                    );
                }
                Err(e) => plan.skipped.push(Skipped {
                    path: shown,
                    reason: chain(&e),
                }),
            }
        }
        plan.push(
            Op::Create {
                path: path.clone(),
                artifact: Artifact::Email(email).into(),
            },
            rel(path),
            Count::Created,
        );
    }
    plan
}

/// Plans how `ws` (the world a manifest's snapshot holds) becomes what the
/// tree now holds: a listed file missing on disk is deleted, then world
/// folders missing on disk (deepest first); folders new on disk are
/// made; a new file is read by name and content and created; a listed
/// file whose blake3 matches the manifest keeps the world's artifact, and
/// a changed one is read back in the format it was written in and written
/// over. A file that cannot be read keeps the world's version.
pub fn reconcile(
    ws: &Workspace,
    manifest: &Manifest,
    listing: &Listing,
    source: &mut dyn FileSource,
    opts: &ReadOptions,
) -> Plan {
    let mut plan = Plan {
        skipped: listing.skipped.clone(),
        ..Plan::default()
    };
    let listed: BTreeMap<&VPath, &ManifestArtifact> =
        manifest.artifacts.iter().map(|a| (&a.path, a)).collect();
    let on_disk: BTreeSet<&VPath> = listing.files.iter().collect();
    let disk_dirs: BTreeSet<&VPath> = listing.dirs.iter().collect();

    // Deletions first, so a file replaced by a folder (or the reverse) can
    // take its place: files, then folders deepest first.
    for p in listed.keys().filter(|p| !on_disk.contains(*p)) {
        let op = Op::Delete {
            path: (*p).clone(),
            recursive: false,
        };
        plan.push(op, rel(p), Count::Deleted);
    }
    let gone: Vec<VPath> = ws
        .walk()
        .into_iter()
        .filter(|e| e.kind.is_none() && !disk_dirs.contains(&e.path))
        .map(|e| e.path)
        .collect();
    for p in gone.into_iter().rev() {
        let shown = rel(&p);
        let op = Op::Delete {
            path: p,
            recursive: false,
        };
        plan.push(op, shown, Count::Deleted);
    }
    for d in &listing.dirs {
        if !ws.is_folder(d) {
            plan.push(Op::Mkdir { path: d.clone() }, rel(d), Count::Folder);
        }
    }
    // New files, then changed ones. The attachment bytes of a new email
    // are files of their own or already in the world; only the message is
    // taken.
    let (known, new): (Vec<&VPath>, Vec<&VPath>) =
        listing.files.iter().partition(|f| listed.contains_key(f));
    for f in new {
        if let Some((artifact, _)) = read_outside(f, source, opts, &mut plan) {
            let op = Op::Create {
                path: f.clone(),
                artifact: artifact.into(),
            };
            plan.push(op, rel(f), Count::Created);
        }
    }
    for f in known {
        let shown = rel(f);
        let entry = listed[f];
        let bytes = match source.read(f, opts.limits.max_input_bytes) {
            Ok(b) => b,
            Err(e) => {
                plan.skipped.push(Skipped {
                    path: shown,
                    reason: format!("{}; kept the world's version", chain(&e)),
                });
                continue;
            }
        };
        if blake3::hash(&bytes).to_hex().as_str() == entry.blake3 {
            plan.kept += 1;
            continue;
        }
        let Some(old) = ws.artifact(f) else {
            continue;
        };
        let format = entry.format.parse().unwrap_or(Format::Binary);
        match import_as_written(&bytes, format, old, &opts.limits) {
            Ok(artifact) => {
                keep_original(
                    f,
                    f.extension().unwrap_or(""),
                    bytes,
                    &artifact,
                    opts,
                    &mut plan,
                );
                let op = Op::Write {
                    path: f.clone(),
                    artifact: artifact.into(),
                };
                plan.push(op, shown, Count::Written);
            }
            Err(e) => plan.skipped.push(Skipped {
                path: shown,
                reason: format!("{e}; kept the world's version"),
            }),
        }
    }
    plan
}
