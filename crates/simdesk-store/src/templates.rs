//! Template folders on disk: one folder per template holding a
//! `pack.toml` and its `*.j2` prose, plus an optional `_common/` that
//! overrides the shipped shared data. The generator reads the files as
//! (path, text) pairs (`simdesk_gen::templates_from_files`); this module
//! finds them.

use std::path::Path;

use simdesk_gen::Template;

use crate::error::{StoreError, io};
use crate::fsio::read_text;

/// The most bytes one template file may hold (a shipped `pack.toml` is a
/// few tens of kilobytes); a bigger file is refused before it is read
/// ([`StoreError::TooLarge`]).
pub const MAX_TEMPLATE_FILE_BYTES: u64 = 8 << 20;

/// Loads every template under `dir`: each sub-folder's regular files (one
/// level deep, in name order), read as UTF-8 (a leading byte-order mark is
/// dropped), each at most [`MAX_TEMPLATE_FILE_BYTES`].
pub fn load_templates_dir(dir: &Path) -> Result<Vec<Template>, StoreError> {
    let mut files = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io("list", dir))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let sub = e.path();
        if !sub.is_dir() {
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        let mut inner: Vec<_> = std::fs::read_dir(&sub)
            .map_err(io("list", &sub))?
            .flatten()
            .collect();
        inner.sort_by_key(|e| e.file_name());
        for f in inner {
            let p = f.path();
            if p.is_file() {
                let text = read_text(&p, MAX_TEMPLATE_FILE_BYTES)?;
                files.push((format!("{name}/{}", f.file_name().to_string_lossy()), text));
            }
        }
    }
    Ok(simdesk_gen::templates_from_files(
        files,
        &dir.display().to_string(),
    )?)
}

/// The shipped templates, with those under `extra` (when given) added or
/// replacing shipped ones of the same id; sorted by id.
pub fn templates(extra: Option<&Path>) -> Result<Vec<Template>, StoreError> {
    let mut ts = simdesk_gen::builtin_templates()?;
    if let Some(dir) = extra {
        for t in load_templates_dir(dir)? {
            ts.retain(|x| x.id != t.id);
            ts.push(t);
        }
    }
    ts.sort_by(|a, b| a.id.cmp(&b.id));
    simdesk_gen::check_name_pools(&ts)?;
    Ok(ts)
}
