//! The IO edge of simdesk as a library, shared by every door (the CLI
//! today; an MCP server and a Python package next): worlds as trees of
//! real files, world files, generated computers and datasets, template
//! folders, and op streams. Everything else in simdesk is pure; this crate
//! is where bytes meet a real filesystem.
//!
//! A second door writes a computer, exports a tree, reads it back and
//! prints the same report the CLI prints, without copying any of it:
//!
//! ```
//! use simdesk_check::{CheckOptions, ReportFormat, check, render_check};
//! use simdesk_store::{ImportOptions, export_world, import_dir, load_world, write_computer};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let root = std::env::temp_dir().join(format!("simdesk-store-doc-{}", std::process::id()));
//! # let _ = std::fs::remove_dir_all(&root);
//! std::fs::create_dir_all(&root)?;
//! // One generated computer: files/ for the agent, grading/ for the grader.
//! let template = simdesk_gen::builtin_template("financial-advisor")?;
//! let spec = simdesk_gen::generate(&template, 7, 0, &Default::default())?;
//! write_computer(&spec, &root.join("computer"), false)?;
//!
//! // Its world, exported as a tree of real files and imported back.
//! let world = load_world(&root.join("computer").join("grading").join("world.simdesk"))?;
//! let written = export_world(&world, &root.join("tree"), false)?;
//! let back = import_dir(&root.join("tree"), &ImportOptions::default())?;
//! assert_eq!(back.world.state_hash()?, written.state_hash);
//! assert_eq!(back.kept, written.artifacts);
//!
//! // The report every door prints.
//! let found = check(&back.world, &CheckOptions::default());
//! let text = render_check(&found, ReportFormat::Text, false)?;
//! assert!(text.ends_with("no findings\n") || text.contains("finding(s)"));
//! # std::fs::remove_dir_all(&root)?;
//! # Ok(())
//! # }
//! ```
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
//! place, so an interrupted export leaves the old DIR whole (with `force`
//! the old tree is renamed aside, the new one renamed in, then the old one
//! deleted; between the two renames the old tree is whole under its aside
//! name). Every target path is the temporary root joined with the
//! components of a [`VPath`](simdesk_model::VPath), which has no `..`,
//! absolute or reserved component, and files are created with
//! `create_new`, so nothing is written outside DIR and no symlink is
//! followed. A non-empty DIR is refused without `force`; a DIR that is a
//! symlink or not a directory is always refused. Single files (world
//! files, specs, the dataset index) go through [`write_atomic`].
//!
//! # Import
//!
//! With `.simdesk/manifest.json`, the snapshot is loaded (its checksum must
//! match the manifest) and [`reconcile`]d with the disk: a file whose
//! blake3 matches the manifest keeps the world's artifact, a changed file
//! is read back and applied as `Op::Write`, a new file as `Op::Create`, a
//! missing one as `Op::Delete`, all as actor [`IMPORT_ACTOR`]. An
//! unchanged tree gives the exported world's state hash. A move on disk is
//! a delete and a create: the graph edges of the moved artifact are not
//! carried over. `reconcile` is pure: it reads through a [`FileSource`]
//! and returns a [`Plan`] of ops, so it is tested without a disk.
//!
//! Without a manifest, every regular file becomes an artifact through
//! `Op::Create`, read by extension ([`simdesk_formats::import_auto`]: a
//! refusal by the reader an office extension names is final; only a text
//! file that is plainly a zip package or a PDF is read by content); an
//! mbox or anything else is kept
//! byte-exact as a binary. Attachments of an email that carry bytes and
//! whose path is not a file of the tree are created too.
//!
//! Symlinks and special files are never followed or read; names that
//! cannot be world paths, and files the readers refuse (with the typed
//! error), are reported and skipped, or with `keep_unreadable` kept as
//! binaries. File count and total size are checked before anything is
//! read.
//!
//! Every file read into a workbook, document, deck, PDF or email keeps its
//! bytes ([`ImportReport::originals`], saved beside the world file with
//! [`save_originals`]); an export given them ([`ExportSettings::originals`])
//! writes an artifact unchanged since its import as those bytes, and a
//! changed one from the model with an [`ExportWarning`] naming what its
//! original carried that the model drops.
//!
//! # Runs
//!
//! [`write_run`] writes a session an agent lived through as one run folder
//! (start and final worlds, scenario, steps, score, `run.json` with the
//! digests), whichever door ran it; [`read_run`] reads it back as a typed
//! [`Run`], limits checked before reading. The layout is in the `run`
//! module's docs and in ARCHITECTURE.md.
//!
//! # Generated computers and datasets
//!
//! [`write_computer`] writes one computer (spec, world file, tree with
//! manifest and planted faults); [`generate_dataset`] runs a pool of
//! workers over the indexes of a template and seed (or one shard of them)
//! and writes the dataset index in index order.

mod computer;
mod dataset;
mod error;
mod export;
mod fsio;
mod import;
mod manifest;
mod ops;
mod originals;
mod pool;
mod reconcile;
mod run;
mod target;
mod templates;
mod walk;

pub use computer::{
    ComputerPaths, FAULTS_FILE, FILES_DIR, GOALS_FILE, GRADING_DIR, REFERENCE_FILE, SCENARIO_FILE,
    SPEC_FILE, WORLD_FILE, reference_jsonl, write_computer,
};
pub use dataset::{DatasetOptions, DatasetReport, IndexLine, generate_dataset, index_name};
pub use error::{StoreError, chain};
pub use export::{
    ExportReport, ExportSettings, ExportWarning, ManifestPlace, export_options, export_world,
    export_world_with,
};
pub use fsio::{
    Durability, MAX_INPUT_BYTES, load_world, read_limited, read_text, save_world, write_atomic,
    write_atomic_with,
};
pub use import::{Described, ImportOptions, ImportReport, import_dir};
pub use manifest::{
    MANIFEST_FILE, MANIFEST_TAG, MANIFEST_VERSION, META_DIR, Manifest, ManifestArtifact,
    ManifestOut, SNAPSHOT_FILE, SnapshotEntry,
};
pub use ops::{MAX_OP_LINE, OpStream};
pub use originals::{
    ORIGINALS_SUFFIX, ORIGINALS_VERSION, Original, Originals, artifact_digest, load_originals,
    originals_path, save_originals,
};
pub use pool::par_map;
pub use reconcile::{
    Applied, Count, Counts, FileSource, IMPORT_ACTOR, Listing, Plan, ReadOptions, Skipped, Step,
    plan_plain, reconcile, rel,
};
pub use run::{
    RUN_FILE, RUN_SCENARIO_FILE, RUN_SCORE_FILE, RUN_START_FILE, RUN_STEPS_FILE, RUN_TAG,
    RUN_VERSION, RUN_WORLD_FILE, Run, RunLimits, RunMeta, RunObjective, RunOrigin, RunScore,
    is_run, list_runs, read_run, read_run_with, write_run,
};
pub use target::{
    Checked, Dataset, DatasetComputer, Located, Opened, check_dataset, check_world, locate,
    open_world,
};
pub use templates::{MAX_TEMPLATE_FILE_BYTES, load_templates_dir, templates};
pub use walk::{DiskSource, WalkLimits, Walked, walk};
