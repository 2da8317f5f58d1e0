//! Reading and writing world files on the real filesystem: atomic writes
//! through a temporary sibling, size limits before reading.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use simdesk_engine::Workspace;

use crate::disk::Durability;

/// Largest file read as a world or an op stream.
pub const MAX_INPUT_BYTES: u64 = 4 << 30;

/// Reads a whole file, refusing more than `max` bytes before allocating.
pub fn read_limited(path: &Path, max: u64) -> Result<Vec<u8>> {
    let f = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > max {
        bail!(
            "{} is {len} bytes, more than the {max}-byte limit",
            path.display()
        );
    }
    let mut buf = Vec::with_capacity(len as usize);
    f.take(max + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read {}", path.display()))?;
    if buf.len() as u64 > max {
        bail!(
            "{} grew past the {max}-byte limit while reading",
            path.display()
        );
    }
    Ok(buf)
}

/// Loads a world snapshot file.
pub fn load_world(path: &Path) -> Result<Workspace> {
    let bytes = read_limited(path, MAX_INPUT_BYTES)?;
    Workspace::load(&bytes).with_context(|| format!("cannot load world {}", path.display()))
}

/// Saves a world snapshot atomically.
pub fn save_snapshot(ws: &Workspace, path: &Path) -> Result<()> {
    write_atomic(path, &ws.save()?)
}

/// Writes `bytes` to a temporary sibling of `path`, syncs it, and renames
/// it into place, so an interrupted write leaves the old file whole.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, bytes, Durability::Sync)
}

/// [`write_atomic`], syncing the file only when `durability` asks for it
/// (the rename still keeps a half-written file out of sight).
pub fn write_atomic_with(path: &Path, bytes: &[u8], durability: Durability) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} has no file name", path.display()))?
        .to_string_lossy()
        .into_owned();
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
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", tmp.display())),
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
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}
