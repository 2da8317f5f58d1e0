//! Files on the real filesystem: reads with a size limit checked before
//! allocating, atomic writes through a temporary sibling renamed into
//! place, world files, and the small helpers every writer shares.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime};

use simdesk_engine::Workspace;
use simdesk_model::{SimTime, VPath};

use crate::error::{StoreError, io};

/// Largest file read as a world or an op stream.
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

/// Whether a write syncs files and folders to stable storage before the
/// rename that makes it visible.
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

/// Reads a whole file, refusing more than `max` bytes before allocating.
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>, StoreError> {
    let f = File::open(path).map_err(io("open", path))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max {
        return Err(StoreError::TooLarge {
            path: path.to_path_buf(),
            size: len,
            limit: max,
        });
    }
    let mut buf = Vec::with_capacity(len as usize);
    f.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(io("read", path))?;
    if buf.len() as u64 > max {
        return Err(StoreError::Grew {
            path: path.to_path_buf(),
            limit: max,
        });
    }
    Ok(buf)
}

/// Reads a whole UTF-8 text file (a spec, a trajectory), refusing more
/// than `max` bytes before allocating; a leading UTF-8 byte-order mark,
/// which some editors write, is dropped.
pub fn read_text(path: &Path, max: u64) -> Result<String, StoreError> {
    let bytes = read_limited(path, max)?;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|source| StoreError::NotUtf8 {
            path: path.to_path_buf(),
            source,
        })
}

/// Loads a world file (a snapshot, see `Workspace::save`).
pub fn load_world(path: &Path) -> Result<Workspace, StoreError> {
    let bytes = read_limited(path, MAX_INPUT_BYTES)?;
    Workspace::load(&bytes).map_err(|source| StoreError::Load {
        path: path.to_path_buf(),
        source,
    })
}

/// Saves a world file atomically (synced, then renamed into place).
pub fn save_world(ws: &Workspace, path: &Path) -> Result<(), StoreError> {
    let bytes = ws.save().map_err(|source| StoreError::Save {
        path: path.to_path_buf(),
        source,
    })?;
    write_atomic(path, &bytes)
}

/// Writes `bytes` to a temporary sibling of `path`, syncs it, and renames
/// it into place, so an interrupted write leaves the old file whole. The
/// temporary siblings killed writes of `path` left are removed first.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    write_atomic_with(path, bytes, Durability::Sync)
}

/// [`write_atomic`], syncing the file only when `durability` asks for it
/// (the rename still keeps a half-written file out of sight).
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    durability: Durability,
) -> Result<(), StoreError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| StoreError::NoName {
            path: path.to_path_buf(),
        })?
        .to_string_lossy()
        .into_owned();
    remove_stale_temps(&dir, &name);
    let mut n = 0u32;
    let (tmp, mut f) = loop {
        let tmp = dir.join(format!(".{name}.tmp{}-{n}", std::process::id()));
        match fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(io("create", &tmp)(e)),
        }
    };
    let result = f
        .write_all(bytes)
        .and_then(|()| {
            if durability == Durability::Sync {
                f.sync_all()
            } else {
                Ok(())
            }
        })
        .and_then(|()| fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(io("write", path)(e));
    }
    Ok(())
}

/// Whether the process `pid` may still be running. On Linux `/proc` says;
/// where there is no `/proc` we cannot tell and answer yes, so leftovers
/// are only ever removed when their writer is known to be gone.
pub(crate) fn may_be_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Removes the temporary siblings `.NAME.tmpPID-N` that writes of `name`
/// in `dir` by processes since killed left behind (never this process's,
/// never a running one's, never a folder). Best effort: one that cannot be
/// removed stays for the next write.
fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.tmp");
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name.to_str().and_then(|f| f.strip_prefix(&prefix)) else {
            continue;
        };
        let Some(pid) = rest
            .split_once('-')
            .and_then(|(pid, n)| n.parse::<u32>().ok().and(pid.parse::<u32>().ok()))
        else {
            continue;
        };
        if pid == std::process::id() || may_be_running(pid) {
            continue;
        }
        // `file_type` does not follow links: a link is removed as itself.
        if e.file_type().is_ok_and(|t| !t.is_dir()) {
            let _ = fs::remove_file(e.path());
        }
    }
}

/// Creates a file that must not exist yet (never through a symlink), writes
/// it, stamps its mtime and, when durable, syncs it.
pub(crate) fn write_new(
    path: &Path,
    bytes: &[u8],
    mtime: SystemTime,
    durability: Durability,
) -> Result<(), StoreError> {
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(io("create", path))?;
    f.write_all(bytes)
        .and_then(|()| f.set_modified(mtime))
        .and_then(|()| {
            if durability == Durability::Sync {
                f.sync_all()
            } else {
                Ok(())
            }
        })
        .map_err(io("write", path))
}

/// A simulated time as a filesystem time.
pub(crate) fn system_time(t: SimTime) -> SystemTime {
    let secs = t.secs();
    if secs >= 0 {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs.unsigned_abs())
    } else {
        SystemTime::UNIX_EPOCH
            .checked_sub(Duration::from_secs(secs.unsigned_abs()))
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }
}

/// Whether `name` is one ordinary file name on this system: not empty, no
/// separator, not `.`, `..` or a root or prefix.
pub(crate) fn plain_name(name: &str) -> bool {
    let mut parts = Path::new(name).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(Component::Normal(n)), None) if n == name
    )
}

/// `root` joined with the components of a world path, each checked to be a
/// plain name (VPath guarantees it; this is the last line of defence).
pub(crate) fn real_path(root: &Path, p: &VPath) -> Result<PathBuf, StoreError> {
    let mut out = root.to_path_buf();
    for c in p.components() {
        if !plain_name(c) {
            return Err(StoreError::NotPlain {
                path: p.clone(),
                component: c.to_owned(),
            });
        }
        out.push(c);
    }
    Ok(out)
}

/// The parent folder of `dir` and `dir`'s own name.
pub(crate) fn split_target(dir: &Path) -> Result<(PathBuf, String), StoreError> {
    let name = dir
        .file_name()
        .ok_or_else(|| StoreError::NoName {
            path: dir.to_path_buf(),
        })?
        .to_string_lossy()
        .into_owned();
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, name))
}

/// Makes a new hidden sibling folder `.<name>.<tag>-<pid>-<n>`.
pub(crate) fn fresh_sibling(parent: &Path, name: &str, tag: &str) -> Result<PathBuf, StoreError> {
    for n in 0..1000u32 {
        let p = parent.join(format!(".{name}.{tag}-{}-{n}", std::process::id()));
        match fs::create_dir(&p) {
            Ok(()) => return Ok(p),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io("create", &p)(e)),
        }
    }
    Err(StoreError::NoFreeName {
        path: parent.join(name),
    })
}

/// The tag of the hidden sibling an old tree is moved aside to.
pub(crate) const OLD_TAG: &str = "simdesk-old";

/// The tag of the hidden sibling a run folder is written into.
pub(crate) const RUN_TMP_TAG: &str = "simdesk-run";

/// A name for moving `dir` aside that nothing uses yet.
pub(crate) fn aside_name(parent: &Path, name: &str) -> Result<PathBuf, StoreError> {
    for n in 0..1000u32 {
        let p = parent.join(format!(".{name}.{OLD_TAG}-{}-{n}", std::process::id()));
        if fs::symlink_metadata(&p).is_err() {
            return Ok(p);
        }
    }
    Err(StoreError::NoFreeName {
        path: parent.join(name),
    })
}

/// What is at a target folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Missing,
    EmptyDir,
    FullDir,
}

/// Looks at a target folder without following a symlink there.
pub(crate) fn inspect_target(dir: &Path) -> Result<Target, StoreError> {
    let meta = match fs::symlink_metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Missing),
        Err(e) => return Err(io("inspect", dir)(e)),
    };
    if meta.file_type().is_symlink() {
        return Err(StoreError::Symlink {
            path: dir.to_path_buf(),
        });
    }
    if !meta.is_dir() {
        return Err(StoreError::NotAFolder {
            path: dir.to_path_buf(),
        });
    }
    let mut entries = fs::read_dir(dir).map_err(io("list", dir))?;
    Ok(if entries.next().is_none() {
        Target::EmptyDir
    } else {
        Target::FullDir
    })
}

/// Syncs a folder so a rename in it is durable (best effort: Linux allows
/// it; other systems may refuse to open folders for it).
pub(crate) fn sync_dir(path: &Path) {
    if let Ok(f) = File::open(path) {
        let _ = f.sync_all();
    }
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
}
