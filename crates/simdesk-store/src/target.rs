//! What a path given to a door is: a world file, a generated computer's
//! folder, a generation output (an index and one folder per computer), an
//! export with its manifest, or a plain folder of files; and the world
//! each holds.

use std::path::{Path, PathBuf};

use simdesk_engine::Workspace;

use crate::computer::ComputerPaths;
use crate::dataset::IndexLine;
use crate::error::{StoreError, io};
use crate::fsio::{MAX_INPUT_BYTES, load_world, plain_name, read_text};
use crate::import::{Described, ImportOptions, import_dir};
use crate::reconcile::Skipped;

/// What a path is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Located {
    /// A world file (a snapshot).
    World(PathBuf),
    /// A generated computer's folder (`files/` and `grading/`).
    Computer(PathBuf),
    /// A generation output: the computers its index files list.
    Dataset(Dataset),
    /// An export with its manifest (`.simdesk/manifest.json`).
    Export(PathBuf),
    /// Any other folder: its files, without a manifest.
    Plain(PathBuf),
}

/// The computers of a generation output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// The output folder.
    pub dir: PathBuf,
    /// Its computers, in the order of their index files (`index.jsonl`,
    /// then `index-K-of-N.jsonl` by name) and lines.
    pub computers: Vec<DatasetComputer>,
}

/// One computer of a generation output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetComputer {
    /// Its id.
    pub id: String,
    /// Its folder.
    pub dir: PathBuf,
}

/// The index files of a generation output folder, by name.
fn index_files(dir: &Path) -> Result<Vec<PathBuf>, StoreError> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).map_err(io("list", dir))? {
        let e = e.map_err(io("list", dir))?;
        let name = e.file_name();
        let Some(name) = name.to_str() else { continue };
        let is_index = name == "index.jsonl"
            || name
                .strip_prefix("index-")
                .and_then(|r| r.strip_suffix(".jsonl"))
                .and_then(|r| r.split_once("-of-"))
                .is_some_and(|(k, n)| k.parse::<u64>().is_ok() && n.parse::<u64>().is_ok());
        if is_index && e.file_type().is_ok_and(|t| t.is_file()) {
            out.push(e.path());
        }
    }
    out.sort();
    Ok(out)
}

/// Reads the computers an output folder's index files list. A line must
/// name its folder with one plain name (no path escapes the output).
fn read_dataset(dir: &Path, indexes: &[PathBuf]) -> Result<Dataset, StoreError> {
    let mut computers: Vec<DatasetComputer> = Vec::new();
    for index in indexes {
        let text = read_text(index, MAX_INPUT_BYTES)?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let l: IndexLine =
                serde_json::from_str(line).map_err(|source| StoreError::IndexLine {
                    path: index.clone(),
                    line: n + 1,
                    source,
                })?;
            if !plain_name(&l.dir) {
                return Err(StoreError::IndexDir {
                    path: index.clone(),
                    line: n + 1,
                    dir: l.dir,
                });
            }
            if !computers.iter().any(|c| c.id == l.id) {
                computers.push(DatasetComputer {
                    dir: dir.join(&l.dir),
                    id: l.id,
                });
            }
        }
    }
    Ok(Dataset {
        dir: dir.to_path_buf(),
        computers,
    })
}

/// Says what `path` is (see [`Located`]). A folder with index files is a
/// generation output; one with `grading/world.simdesk` a computer; one
/// with `.simdesk/manifest.json` an export; any other folder is plain,
/// and anything else is read as a world file.
pub fn locate(path: &Path) -> Result<Located, StoreError> {
    if !path.is_dir() {
        return Ok(Located::World(path.to_path_buf()));
    }
    let indexes = index_files(path)?;
    if !indexes.is_empty() {
        return Ok(Located::Dataset(read_dataset(path, &indexes)?));
    }
    if ComputerPaths::is_computer(path) {
        return Ok(Located::Computer(path.to_path_buf()));
    }
    Ok(match Described::find(path) {
        Some(_) => Located::Export(path.to_path_buf()),
        None => Located::Plain(path.to_path_buf()),
    })
}

/// A world opened from a path, with what reading it left out.
#[derive(Debug)]
pub struct Opened {
    /// The world.
    pub world: Workspace,
    /// Files and folders left out, and why.
    pub skipped: Vec<Skipped>,
    /// Files read in a way worth telling.
    pub notes: Vec<Skipped>,
    /// True when the world was made from files without a manifest (its
    /// names come from outside).
    pub from_outside: bool,
    /// Without a manifest: the copies the emails carry, for inferring
    /// links ([`simdesk_check::infer`]).
    pub attached: Vec<simdesk_check::Attached>,
}

/// Opens the world one path holds: a world file is loaded; a computer's
/// folder or an export is its snapshot reconciled with its files; a plain
/// folder is imported. A generation output holds many worlds: open its
/// computers one by one.
pub fn open_world(located: &Located, opts: &ImportOptions) -> Result<Opened, StoreError> {
    let dir = match located {
        Located::World(p) => {
            return Ok(Opened {
                world: load_world(p)?,
                skipped: Vec::new(),
                notes: Vec::new(),
                from_outside: false,
                attached: Vec::new(),
            });
        }
        Located::Dataset(d) => {
            return Err(StoreError::ManyWorlds {
                path: d.dir.clone(),
                count: d.computers.len(),
            });
        }
        Located::Computer(p) | Located::Export(p) | Located::Plain(p) => p,
    };
    let r = import_dir(dir, opts)?;
    Ok(Opened {
        world: r.world,
        skipped: r.skipped,
        notes: r.notes,
        from_outside: !r.with_manifest,
        attached: r.attached,
    })
}

/// The findings of one world opened from a path, with what reading it
/// left out.
#[derive(Debug)]
pub struct Checked {
    /// The findings ([`simdesk_check::world_findings`]).
    pub findings: Vec<simdesk_model::Diagnostic>,
    /// Files and folders left out, and why.
    pub skipped: Vec<Skipped>,
    /// Files read in a way worth telling.
    pub notes: Vec<Skipped>,
}

/// Opens the world `located` holds ([`open_world`]) and checks it: a
/// world made from files without a manifest with the links inferred from
/// content and the portability of its names, kept and refused.
pub fn check_world(
    located: &Located,
    opts: &simdesk_check::CheckOptions,
) -> Result<Checked, StoreError> {
    let opened = open_world(located, &ImportOptions::default())?;
    let refused: Vec<String> = opened.skipped.iter().map(|s| s.path.clone()).collect();
    let outside = opened
        .from_outside
        .then_some((refused.as_slice(), opened.attached.as_slice()));
    let findings = simdesk_check::world_findings(&opened.world, outside, opts);
    Ok(Checked {
        findings,
        skipped: opened.skipped,
        notes: opened.notes,
    })
}

/// Checks every computer of a generation output ([`check_world`] on its
/// folder) on `jobs` worker threads; results in the order of
/// `dataset.computers`, a computer that could not be read as its error.
pub fn check_dataset(
    dataset: &Dataset,
    jobs: usize,
    opts: &simdesk_check::CheckOptions,
) -> Vec<Result<Checked, StoreError>> {
    crate::pool::par_map(&dataset.computers, jobs, |_, c| {
        check_world(&Located::Computer(c.dir.clone()), opts)
    })
}
