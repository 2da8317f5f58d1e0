//! Walking a real folder: regular files and folders in path order, never
//! following a symlink, with the file-count and total-size limits checked
//! before anything is read; and reading a walked file back, refusing one
//! that was swapped since.

use std::collections::BTreeMap;
use std::fs::{self, File, Metadata};
use std::io::Read;
use std::path::{Path, PathBuf};

use simdesk_model::VPath;

use crate::error::{StoreError, io};
use crate::manifest::META_DIR;
use crate::reconcile::{FileSource, Listing, Skipped, rel};

/// One regular file found by the walk.
#[derive(Debug)]
struct DiskFile {
    real: PathBuf,
    meta: Metadata,
}

/// The files a walk found, read on demand ([`FileSource`] over a disk).
#[derive(Debug, Default)]
pub struct DiskSource {
    files: BTreeMap<VPath, DiskFile>,
}

impl FileSource for DiskSource {
    fn read(&mut self, path: &VPath, max: u64) -> Result<Vec<u8>, StoreError> {
        match self.files.get(path) {
            Some(f) => read_walked(f, max),
            None => Err(StoreError::NotAFile {
                path: PathBuf::from(path.as_str()),
            }),
        }
    }
}

/// Limits of a walk.
#[derive(Debug, Clone, Copy)]
pub struct WalkLimits {
    /// Most files and folders.
    pub max_files: usize,
    /// Most bytes of all files together.
    pub max_total_bytes: u64,
}

/// What a walk found: the listing, a source that reads its files, and
/// whether the root holds a `.simdesk` entry (which is not listed).
#[derive(Debug)]
pub struct Walked {
    /// Folders, files and skipped entries, in path order.
    pub listing: Listing,
    /// Reads the listed files.
    pub source: DiskSource,
    /// True when the root holds a `.simdesk` entry.
    pub has_meta: bool,
}

/// Walks `root` without following symlinks, checking the limits before
/// anything is read.
pub fn walk(root: &Path, limits: WalkLimits) -> Result<Walked, StoreError> {
    let mut w = Walked {
        listing: Listing::default(),
        source: DiskSource::default(),
        has_meta: false,
    };
    let mut total = 0u64;
    let mut seen = 0usize;
    let mut stack = vec![(root.to_path_buf(), VPath::root())];
    while let Some((real, vp)) = stack.pop() {
        let mut names = Vec::new();
        for entry in fs::read_dir(&real).map_err(io("list", &real))? {
            let entry = entry.map_err(io("list", &real))?;
            seen += 1;
            if seen > limits.max_files {
                return Err(StoreError::TooManyFiles {
                    path: root.to_path_buf(),
                    limit: limits.max_files,
                });
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
                w.has_meta = true;
                continue;
            }
            let mut skip = |reason: String| {
                w.listing.skipped.push(Skipped {
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
                w.listing.dirs.push(cvp.clone());
                stack.push((child, cvp));
            } else {
                total = total.saturating_add(meta.len());
                if total > limits.max_total_bytes {
                    return Err(StoreError::TooManyBytes {
                        path: root.to_path_buf(),
                        limit: limits.max_total_bytes,
                    });
                }
                w.listing.files.push(cvp.clone());
                w.source.files.insert(cvp, DiskFile { real: child, meta });
            }
        }
    }
    w.listing.dirs.sort();
    w.listing.files.sort();
    Ok(w)
}

/// Reads a file found by the walk, refusing it when it was swapped (for a
/// symlink or another file) since, or grew past `max` bytes.
fn read_walked(f: &DiskFile, max: u64) -> Result<Vec<u8>, StoreError> {
    let file = File::open(&f.real).map_err(io("open", &f.real))?;
    let now = file.metadata().map_err(io("inspect", &f.real))?;
    if !now.is_file() || !same_file(&now, &f.meta) {
        return Err(StoreError::Changed {
            path: f.real.clone(),
        });
    }
    if now.len() > max {
        return Err(StoreError::TooLarge {
            path: f.real.clone(),
            size: now.len(),
            limit: max,
        });
    }
    let mut buf = Vec::with_capacity(now.len() as usize);
    file.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(io("read", &f.real))?;
    if buf.len() as u64 > max {
        return Err(StoreError::Grew {
            path: f.real.clone(),
            limit: max,
        });
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
