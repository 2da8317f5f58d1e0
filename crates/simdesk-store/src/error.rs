//! [`StoreError`]: everything the IO edge can refuse, naming the path.

use std::path::PathBuf;

use simdesk_engine::SnapshotError;
use simdesk_formats::FormatError;
use simdesk_gen::{BuildError, GenError};
use simdesk_model::{PathError, VPath};

/// Why reading or writing on the real filesystem failed. Every variant
/// names the file or folder; causes are kept as `source()`.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// An operating-system call failed (`action` says which: "open",
    /// "create", "write", "list", "read", …).
    #[error("cannot {action} {}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A rename failed.
    #[error("cannot move {} to {}", from.display(), to.display())]
    Rename {
        /// What was moved.
        from: PathBuf,
        /// Where to.
        to: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A file is larger than the limit (checked before reading it).
    #[error("{} is {size} bytes, more than the {limit}-byte limit", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A file grew past the limit while it was read.
    #[error("{} grew past the {limit}-byte limit while reading", path.display())]
    Grew {
        /// The file.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// A text file is not UTF-8.
    #[error("{} is not UTF-8", path.display())]
    NotUtf8 {
        /// The file.
        path: PathBuf,
        /// Where the bytes stop being UTF-8.
        #[source]
        source: std::str::Utf8Error,
    },
    /// An export would delete or overwrite the world file it was made
    /// from (the file is inside the folder it would replace).
    #[error("{} is inside {}, which the export would replace; export somewhere else", source_file.display(), dir.display())]
    SourceInside {
        /// The world file.
        source_file: PathBuf,
        /// The export's target.
        dir: PathBuf,
    },
    /// A line of a dataset index is not an index line.
    #[error("{} line {line}: not a dataset index line", path.display())]
    IndexLine {
        /// The index file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A line of a dataset index names a folder outside the output.
    #[error("{} line {line}: dir {dir:?} is not one folder name", path.display())]
    IndexDir {
        /// The index file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The folder named.
        dir: String,
    },
    /// A path holds many worlds (a generation output) where one is needed.
    #[error("{} is a generation output of {count} computers; name one of their folders", path.display())]
    ManyWorlds {
        /// The output folder.
        path: PathBuf,
        /// How many computers it lists.
        count: usize,
    },
    /// A file was swapped (for a symlink or another file) between the walk
    /// and the read.
    #[error("{} changed while importing", path.display())]
    Changed {
        /// The file.
        path: PathBuf,
    },
    /// A target that must be new or empty is not (the doors offer a
    /// `--force` to replace it).
    #[error("{} is not empty; pass --force to replace it", path.display())]
    NotEmpty {
        /// The folder.
        path: PathBuf,
    },
    /// A file that must not be overwritten exists.
    #[error("{} exists; pass --force to overwrite it", path.display())]
    Exists {
        /// The file or folder.
        path: PathBuf,
    },
    /// A target is a symbolic link; the store never writes through one.
    #[error("{} is a symbolic link; refusing to export through it", path.display())]
    Symlink {
        /// The link.
        path: PathBuf,
    },
    /// Something that must be a folder is not.
    #[error("{} is not a folder", path.display())]
    NotAFolder {
        /// The path.
        path: PathBuf,
    },
    /// Something that must be a regular file is not.
    #[error("{} is not a regular file", path.display())]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// The folder a target would go into does not exist.
    #[error("the parent folder {} does not exist", path.display())]
    NoParent {
        /// The missing parent.
        path: PathBuf,
    },
    /// A target path has no final name (`/`, `..`).
    #[error("{} has no file or folder name", path.display())]
    NoName {
        /// The path.
        path: PathBuf,
    },
    /// No free temporary name was found next to a target.
    #[error("cannot find a free temporary name next to {}", path.display())]
    NoFreeName {
        /// The target.
        path: PathBuf,
    },
    /// A world path has a component that is not one plain file name on
    /// this system (the last line of defence behind [`VPath`]).
    #[error("world path {path} has a component {component:?} that is not a plain file name")]
    NotPlain {
        /// The world path.
        path: VPath,
        /// The component.
        component: String,
    },
    /// The world holds the folder an export reserves for its manifest.
    #[error("the world holds {path}, which an export reserves for its manifest")]
    Reserved {
        /// The reserved path.
        path: VPath,
    },
    /// An artifact could not be written in its format.
    #[error("cannot export {path}")]
    Export {
        /// The artifact.
        path: VPath,
        /// The exporter's error.
        #[source]
        source: FormatError,
    },
    /// A world's originals file (the bytes of imported files, beside the
    /// world file) is damaged or of another version.
    #[error("{} is not a usable originals file: {reason}", path.display())]
    Originals {
        /// The originals file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A changed workbook at a `.xls`, `.ods` or `.xlsm` path is written
    /// as `.xlsx` under a new name, and every such name is taken.
    #[error("cannot write {path} as xlsx: {tried} is taken by another artifact")]
    NoXlsxName {
        /// The workbook.
        path: VPath,
        /// The last name tried.
        tried: VPath,
    },
    /// A value could not be serialised to JSON.
    #[error("cannot serialise {what}")]
    Serialise {
        /// What was serialised.
        what: &'static str,
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A manifest is not JSON of the manifest's shape.
    #[error("{} is not a simdesk manifest", path.display())]
    Manifest {
        /// The manifest file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A manifest's `format` tag is not simdesk's.
    #[error("{} is not a simdesk manifest (format {tag:?})", path.display())]
    ManifestTag {
        /// The manifest file.
        path: PathBuf,
        /// The tag found.
        tag: String,
    },
    /// A manifest is newer than this build reads.
    #[error("{} is manifest version {version}, newer than this build reads ({supported})", path.display())]
    ManifestVersion {
        /// The manifest file.
        path: PathBuf,
        /// Its version.
        version: u32,
        /// The newest version read.
        supported: u32,
    },
    /// A manifest names its snapshot somewhere else than the one place
    /// that is read.
    #[error("{} names the snapshot {named:?}; only {expected} is read", path.display())]
    SnapshotPath {
        /// The manifest file.
        path: PathBuf,
        /// The path it names.
        named: String,
        /// The path read.
        expected: String,
    },
    /// A snapshot's digest differs from the manifest's.
    #[error("{} does not match the manifest (edited or corrupted); remove {} to import the files without it", path.display(), manifest.display())]
    SnapshotMismatch {
        /// The snapshot file.
        path: PathBuf,
        /// The manifest.
        manifest: PathBuf,
    },
    /// A snapshot's world is not the one the manifest describes.
    #[error("{} holds a different world than the manifest describes", path.display())]
    StateMismatch {
        /// The snapshot file.
        path: PathBuf,
    },
    /// A manifest lists other artifacts than its snapshot holds.
    #[error("{} lists other artifacts than the snapshot holds", path.display())]
    ArtifactsMismatch {
        /// The manifest file.
        path: PathBuf,
    },
    /// A world could not be serialised to be written at `path`.
    #[error("cannot serialise the world for {}", path.display())]
    Save {
        /// Where it was to be written.
        path: PathBuf,
        /// Why.
        #[source]
        source: SnapshotError,
    },
    /// A world file could not be loaded.
    #[error("cannot load world {}", path.display())]
    Load {
        /// The world file.
        path: PathBuf,
        /// Why.
        #[source]
        source: SnapshotError,
    },
    /// A tree holds more files and folders than allowed.
    #[error("{} holds more than {limit} files and folders; raise --max-files to import it", path.display())]
    TooManyFiles {
        /// The tree's root.
        path: PathBuf,
        /// The limit.
        limit: usize,
    },
    /// A tree's files add up to more bytes than allowed.
    #[error("the files of {} add up to more than {limit} bytes; raise --max-bytes to import them", path.display())]
    TooManyBytes {
        /// The tree's root.
        path: PathBuf,
        /// The limit.
        limit: u64,
    },
    /// A file of a run folder is not JSON of the expected shape.
    #[error("{}{}: not what a run folder holds there", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    RunJson {
        /// The file.
        path: PathBuf,
        /// 1-based line number, for the trajectory.
        line: Option<usize>,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A `run.json`'s `format` tag is not a run folder's.
    #[error("{} is not a simdesk run (format {tag:?})", path.display())]
    RunTag {
        /// The `run.json`.
        path: PathBuf,
        /// The tag found.
        tag: String,
    },
    /// A run folder is newer than this build reads.
    #[error("{} is run version {version}, newer than this build reads ({supported})", path.display())]
    RunVersion {
        /// The `run.json`.
        path: PathBuf,
        /// Its version.
        version: u32,
        /// The newest version read.
        supported: u32,
    },
    /// A file of a run folder differs from the digest `run.json` records.
    #[error("{} does not match its digest in {} (edited or corrupted)", path.display(), run.display())]
    RunDigest {
        /// The file.
        path: PathBuf,
        /// The `run.json`.
        run: PathBuf,
    },
    /// A file a run folder needs is not listed in its `run.json`.
    #[error("{} is not listed in {}", path.display(), run.display())]
    RunUnlisted {
        /// The file.
        path: PathBuf,
        /// The `run.json`.
        run: PathBuf,
    },
    /// A trajectory line is longer than the limit (checked before parsing).
    #[error("{} line {line}: longer than {limit} bytes", path.display())]
    RunLineTooLong {
        /// The trajectory.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The limit.
        limit: usize,
    },
    /// A trajectory holds more steps than the limit.
    #[error("{} holds more than {limit} steps", path.display())]
    RunTooManySteps {
        /// The trajectory.
        path: PathBuf,
        /// The limit.
        limit: usize,
    },
    /// A trajectory's steps are not numbered 1, 2, 3 … in order.
    #[error("{} line {line}: step numbered {index}, out of order", path.display())]
    RunStepIndex {
        /// The trajectory.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The number found.
        index: u64,
    },
    /// A trajectory holds another number of steps than `run.json` says.
    #[error("{} holds {found} steps; run.json says {expected}", path.display())]
    RunStepCount {
        /// The trajectory.
        path: PathBuf,
        /// Steps found.
        found: u64,
        /// Steps recorded in `run.json`.
        expected: u64,
    },
    /// A folder holds more runs than the limit.
    #[error("{} holds more than {limit} runs", path.display())]
    TooManyRuns {
        /// The folder.
        path: PathBuf,
        /// The limit.
        limit: usize,
    },
    /// A line of an op stream is longer than the limit (checked before
    /// any JSON value is built).
    #[error("line {line}: longer than {limit} bytes")]
    OpLineTooLong {
        /// 1-based line number.
        line: usize,
        /// The limit.
        limit: usize,
    },
    /// A cell-editing op line holds more JSON values than the most cells
    /// one op may edit could need (counted before any value is built).
    #[error("line {line}: {op} holds more than {limit} JSON values")]
    OpTooManyValues {
        /// 1-based line number.
        line: usize,
        /// The op's name.
        op: String,
        /// The limit.
        limit: u64,
    },
    /// A line of an op stream is not an op.
    #[error("line {line}: not an op")]
    NotAnOp {
        /// 1-based line number.
        line: usize,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A line of an op stream is not UTF-8.
    #[error("line {line}: not UTF-8")]
    OpNotUtf8 {
        /// 1-based line number.
        line: usize,
    },
    /// Reading an op stream failed.
    #[error("cannot read the op stream")]
    OpStream {
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// A world could not be built from its spec.
    #[error("cannot build the world for {}", path.display())]
    Build {
        /// Where the computer was to be written.
        path: PathBuf,
        /// Why.
        #[source]
        source: BuildError,
    },
    /// A template folder could not be read as templates, or generating
    /// from a template failed.
    #[error(transparent)]
    Gen(#[from] GenError),
    /// A name is not a valid world path.
    #[error("{name:?} cannot be a world path")]
    Path {
        /// The name.
        name: String,
        /// Why.
        #[source]
        source: PathError,
    },
    /// A shard holds none of the computers asked for.
    #[error("shard {shard}/{shards} holds none of the {count} computers")]
    EmptyShard {
        /// The shard asked for.
        shard: u64,
        /// How many shards.
        shards: u64,
        /// How many computers.
        count: u64,
    },
    /// Some computers of a dataset could not be generated (each error was
    /// reported to the caller's progress callback).
    #[error("{failed} of {total} computers failed")]
    Dataset {
        /// How many failed.
        failed: usize,
        /// How many were asked for.
        total: usize,
    },
}

/// A shorthand for IO errors with the action and the path.
pub(crate) fn io(
    action: &'static str,
    path: &std::path::Path,
) -> impl FnOnce(std::io::Error) -> StoreError {
    let path = path.to_path_buf();
    move |source| StoreError::Io {
        action,
        path,
        source,
    }
}

/// An error and its causes on one line, joined by ": " (as `{:#}` of
/// anyhow prints them), for reasons shown beside a skipped file. A cause
/// whose message the line already ends with (quick-xml's errors repeat
/// their source in their own message) is not said twice.
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let said = c.to_string();
        if !s.ends_with(&said) {
            s.push_str(": ");
            s.push_str(&said);
        }
        cur = c.source();
    }
    s
}
