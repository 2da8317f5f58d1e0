//! Housekeeping rules: version clutter, duplicate content, orphans (all
//! information), and names that cannot exist on Windows or macOS or that
//! collide by case.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_model::{
    Artifact, Code, Diagnostic, MAX_PATH_BYTES, Ref, Severity, VPath, check_component, fold,
};

use crate::CheckOptions;
use crate::rules::{Ctx, whole};

/// Words that mark a version of a file rather than a different file.
const VERSION_WORDS: &[&str] = &[
    "final", "real", "new", "old", "latest", "copy", "draft", "edited", "updated", "fixed",
    "revised", "backup", "bak", "orig", "original", "current", "clean", "use", "this", "one",
];

/// The stem without its trailing version markers (`Q4 report_final_v2_REAL`
/// → `q4 report`), and whether anything was removed.
pub(crate) fn base_stem(stem: &str) -> (String, bool) {
    let mut s = stem.to_lowercase();
    let mut stripped = false;
    loop {
        let trimmed = s.trim_end_matches(['_', '-', ' ', '.']).to_owned();
        if let Some(head) = strip_date(&trimmed) {
            s = head;
            stripped = true;
            continue;
        }
        let cut = trimmed
            .rfind(['_', '-', ' ', '.', '('])
            .map_or(0, |i| i + 1);
        let (head, tail) = trimmed.split_at(cut);
        let tail_core = tail.trim_end_matches(')');
        let is_marker = !head.trim().is_empty()
            && (VERSION_WORDS.contains(&tail_core)
                || is_numbered(tail_core, "v")
                || is_numbered(tail_core, "rev")
                || is_numbered(tail_core, "version")
                || (tail.ends_with(')')
                    && tail_core.chars().all(|c| c.is_ascii_digit())
                    && !tail_core.is_empty())
                || is_date(tail_core));
        if !is_marker {
            s = trimmed;
            break;
        }
        s = head.trim_end_matches(['_', '-', ' ', '.', '(']).to_owned();
        stripped = true;
    }
    (s, stripped)
}

fn is_numbered(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix)
        .is_some_and(|n| !n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()))
}

/// `memo-2026-01-05` → `memo`, `memo_20260105` → `memo`.
fn strip_date(s: &str) -> Option<String> {
    for len in [10, 8] {
        if s.len() <= len || !s.is_char_boundary(s.len() - len) {
            continue;
        }
        let (head, tail) = s.split_at(s.len() - len);
        let sep = head.ends_with(['_', '-', ' ', '.']);
        if sep && is_date(tail) && (len == 8 || tail.as_bytes()[4] == b'-') {
            let head = head.trim_end_matches(['_', '-', ' ', '.']);
            if !head.is_empty() {
                return Some(head.to_owned());
            }
        }
    }
    None
}

fn is_date(s: &str) -> bool {
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    digits.len() == 8
        && s.chars().all(|c| c.is_ascii_digit() || c == '-')
        && (digits.starts_with("19") || digits.starts_with("20"))
}

pub(crate) fn version_clutter(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let mut groups: BTreeMap<(VPath, String, String), Vec<(VPath, bool)>> = BTreeMap::new();
    for (path, _) in cx.ws.artifacts() {
        let (Some(dir), Some(stem)) = (path.parent(), path.file_stem()) else {
            continue;
        };
        let ext = path.extension().unwrap_or_default().to_lowercase();
        let (base, stripped) = base_stem(stem);
        groups
            .entry((dir, base, ext))
            .or_default()
            .push((path.clone(), stripped));
    }
    for ((dir, base, ext), members) in groups {
        if members.len() < 2 || !members.iter().any(|(_, s)| *s) {
            continue;
        }
        let names: Vec<&str> = members.iter().filter_map(|(p, _)| p.file_name()).collect();
        let dot = if ext.is_empty() { "" } else { "." };
        let mut d = Diagnostic::new(
            Code::VersionClutter,
            Severity::Info,
            format!(
                "{} versions of {base}{dot}{ext} lie side by side in {dir}: {}",
                members.len(),
                names.join(", ")
            ),
        )
        .with_hint("keep the current version under the plain name and move the others to an archive folder");
        for (p, _) in &members {
            d.refs.push(whole(p));
        }
        out.push(d);
    }
}

/// The blake3 hash of a value's JSON, streamed into the hasher (no copy of
/// the JSON is made); `None` when the value cannot be serialised.
fn content_hash<T: serde::Serialize>(v: &T) -> Option<[u8; 32]> {
    let mut hasher = blake3::Hasher::new();
    serde_json::to_writer(&mut hasher, v).ok()?;
    Some(*hasher.finalize().as_bytes())
}

pub(crate) fn duplicates(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let mut by_hash: BTreeMap<[u8; 32], Vec<VPath>> = BTreeMap::new();
    for (path, a) in cx.ws.artifacts() {
        let empty = match a {
            Artifact::Email(_) => true,
            Artifact::Text(t) => t.content.trim().is_empty(),
            Artifact::Binary(b) => b.bytes.is_empty(),
            Artifact::Workbook(w) => w.sheets.iter().all(|s| s.cells.is_empty()),
            Artifact::Document(d) => d.blocks.is_empty(),
            Artifact::Deck(d) => d.slides.is_empty(),
            Artifact::Pdf(p) => p.pages.iter().all(|p| p.text.trim().is_empty()),
        };
        if empty {
            continue;
        }
        // An artifact whose content cannot be hashed is left out: hashing
        // nothing would make every such artifact a false duplicate.
        let Some(hash) = content_hash(a) else {
            continue;
        };
        by_hash.entry(hash).or_default().push(path.clone());
    }
    for (_, mut paths) in by_hash {
        if paths.len() < 2 {
            continue;
        }
        paths.sort();
        let mut d = Diagnostic::new(
            Code::DuplicateContent,
            Severity::Info,
            format!(
                "{} files have identical content: {}",
                paths.len(),
                paths
                    .iter()
                    .map(VPath::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with_hint("keep one and refer to it, or delete the extra copies");
        d.refs = paths.iter().map(whole).collect();
        out.push(d);
    }
}

pub(crate) fn orphans(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    for (path, a) in cx.ws.artifacts() {
        if !matches!(
            a,
            Artifact::Workbook(_) | Artifact::Document(_) | Artifact::Deck(_) | Artifact::Pdf(_)
        ) {
            continue;
        }
        if cx.into.contains_key(path) || cx.from.contains_key(path) {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::Orphan,
                Severity::Info,
                format!("{path} is linked to nothing and nothing links to it"),
            )
            .with_ref(whole(path))
            .with_hint("link it where it is used, or archive it"),
        );
    }
}

pub(crate) fn names(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let paths: Vec<String> = cx
        .ws
        .walk()
        .into_iter()
        .map(|e| e.path.as_str().trim_start_matches('/').to_owned())
        .collect();
    out.extend(portable_name_diagnostics(&paths));
}

/// Findings for names that cannot exist on Windows or macOS, and for
/// siblings whose names differ only by case or Unicode normalisation.
/// `paths` are '/'-separated and relative (as found in a folder on disk);
/// used for imported folders, whose names were never validated.
///
/// ```
/// use simdesk_check::portable_name_diagnostics;
/// let found = portable_name_diagnostics(&["Reports/aux.txt".into(), "Reports/Q4.docx".into(), "Reports/q4.DOCX".into()]);
/// assert_eq!(found.len(), 2);
/// ```
pub fn portable_name_diagnostics(paths: &[String]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut siblings: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    for p in paths {
        let comps: Vec<&str> = p.split('/').filter(|c| !c.is_empty()).collect();
        for (i, c) in comps.iter().enumerate() {
            let parent = comps[..i].join("/");
            let here = if parent.is_empty() {
                (*c).to_owned()
            } else {
                format!("{parent}/{c}")
            };
            siblings
                .entry((parent, fold(c)))
                .or_default()
                .insert(here.clone());
            if let Err(rule) = check_component(c)
                && reported.insert(here.clone())
            {
                out.push(name_diag(
                    &here,
                    format!("/{here}: the name {c:?} {}", rule.describe()),
                ));
            }
        }
        if p.len() + 1 > MAX_PATH_BYTES && reported.insert(p.clone()) {
            out.push(name_diag(
                p,
                format!("/{p}: the path is longer than {MAX_PATH_BYTES} bytes"),
            ));
        }
    }
    for ((parent, _), names) in siblings {
        if names.len() < 2 {
            continue;
        }
        let list: Vec<String> = names.iter().map(|n| format!("/{n}")).collect();
        let first = names.iter().next().cloned().unwrap_or_default();
        let mut d = name_diag(
            &first,
            format!(
                "{} names in /{parent} differ only by case or Unicode normalisation: {}",
                names.len(),
                list.join(", ")
            ),
        );
        for n in names.iter().skip(1) {
            if let Ok(v) = VPath::parse(&format!("/{n}")) {
                d.refs.push(Ref::whole(v));
            }
        }
        d.hints = vec!["rename all but one: Windows and macOS keep only one of them".to_owned()];
        out.push(d);
    }
    out
}

fn name_diag(path: &str, message: String) -> Diagnostic {
    let mut d = Diagnostic::warning(Code::NonPortableName, message).with_hint(
        "rename it: no <>:\"\\|?*, no trailing dot or space, no CON/PRN/AUX/NUL/COM1-9/LPT1-9",
    );
    if let Ok(v) = VPath::parse(&format!("/{path}")) {
        d.refs.push(Ref::whole(v));
    }
    d
}

#[cfg(test)]
mod tests {
    use super::base_stem;

    #[test]
    fn strips_version_markers() {
        for (stem, base, stripped) in [
            ("Q4 report_final_v2_REAL", "q4 report", true),
            ("budget (1)", "budget", true),
            ("memo-2026-01-05", "memo", true),
            ("plan v3", "plan", true),
            ("final", "final", false),
            ("Portfolio", "portfolio", false),
            ("report2026", "report2026", false),
        ] {
            assert_eq!(base_stem(stem), (base.to_owned(), stripped), "{stem}");
        }
    }
}

#[cfg(test)]
mod content_hash_tests {
    use super::*;

    /// A value that cannot be serialised has no hash (it used to hash as
    /// empty bytes, so any two such artifacts were reported as duplicates).
    #[test]
    fn content_hash_skips_what_cannot_be_serialised() {
        // JSON object keys must be strings: a tuple key fails.
        let unserialisable: BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        assert_eq!(content_hash(&unserialisable), None);
        let a = content_hash(&"same").unwrap();
        assert_eq!(Some(a), content_hash(&"same"));
        assert_ne!(Some(a), content_hash(&"other"));
        assert_eq!(
            a,
            *blake3::hash(&serde_json::to_vec(&"same").unwrap()).as_bytes()
        );
    }
}
