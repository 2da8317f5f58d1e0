//! Golden pptx parts: the review deck's package, unzipped, each XML part
//! pretty-printed (relationships and content types sorted), compared with
//! `golden/formats/office_b/review_deck/`. `UPDATE_GOLDEN=1` rewrites the
//! references; the live output of the last run is left under
//! `$CARGO_TARGET_TMPDIR/golden-live/` for diffing by hand.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use simdesk_formats::pptx::export_pptx;
use simdesk_model::Artifact;

use super::samples;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../golden/formats/office_b/review_deck")
}

/// XML re-indented, one element per line.
fn pretty(xml: &str) -> String {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut writer = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
    loop {
        match reader.read_event().expect("well-formed xml") {
            Event::Eof => break,
            // Indentation between elements only; text keeps its spaces.
            Event::Text(t) if t.xml10_content().trim().is_empty() => {}
            e => writer.write_event(e).expect("writes"),
        }
    }
    String::from_utf8(writer.into_inner()).expect("utf-8") + "\n"
}

/// Lines between the root's first and last line, sorted (for parts whose
/// children are an unordered set).
fn sort_children(s: &str) -> String {
    let lines: Vec<&str> = s.lines().collect();
    if lines.len() < 4 {
        return s.to_owned();
    }
    let (head, rest) = lines.split_at(2);
    let (body, tail) = rest.split_at(rest.len() - 1);
    let mut body = body.to_vec();
    body.sort_unstable();
    [head, &body, tail].concat().join("\n") + "\n"
}

fn normalised_parts(bytes: &[u8]) -> BTreeMap<String, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut out = BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).expect("entry");
        let name = f.name().expect("utf-8 entry name").into_owned();
        let mut text = String::new();
        f.read_to_string(&mut text).expect("utf-8 part");
        let mut p = pretty(&text);
        if name.ends_with(".rels") || name == "[Content_Types].xml" {
            p = sort_children(&p);
        }
        out.insert(name, p);
    }
    out
}

fn read_tree(dir: &Path, prefix: &str, out: &mut BTreeMap<String, String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        if e.path().is_dir() {
            read_tree(&e.path(), &format!("{name}/"), out);
        } else {
            out.insert(
                name,
                std::fs::read_to_string(e.path()).expect("golden file"),
            );
        }
    }
}

fn write_tree(dir: &Path, parts: &BTreeMap<String, String>) {
    let _ = std::fs::remove_dir_all(dir);
    for (name, text) in parts {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

/// The first differing lines of two texts, with a little context.
fn diff(expected: &str, actual: &str) -> String {
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = first.saturating_sub(2);
    let mut s = format!("first difference at line {}\n", first + 1);
    for l in &e[from..(first + 4).min(e.len())] {
        s.push_str(&format!("- {l}\n"));
    }
    for l in &a[from..(first + 4).min(a.len())] {
        s.push_str(&format!("+ {l}\n"));
    }
    s
}

#[test]
fn review_deck_parts_match_golden() {
    let bytes = export_pptx(&Artifact::Deck(samples::review_deck()), &samples::opts()).unwrap();
    let actual = normalised_parts(&bytes);
    write_tree(
        &Path::new(env!("CARGO_TARGET_TMPDIR")).join("golden-live/review_deck"),
        &actual,
    );
    let dir = golden_dir();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        write_tree(&dir, &actual);
        return;
    }
    let mut expected = BTreeMap::new();
    read_tree(&dir, "", &mut expected);
    assert!(
        !expected.is_empty(),
        "no golden files in {}; run with UPDATE_GOLDEN=1",
        dir.display()
    );
    let mut problems = Vec::new();
    for name in expected.keys().filter(|k| !actual.contains_key(*k)) {
        problems.push(format!("part {name} is missing from the export"));
    }
    for name in actual.keys().filter(|k| !expected.contains_key(*k)) {
        problems.push(format!("part {name} is new (not in golden)"));
    }
    for (name, e) in &expected {
        if let Some(a) = actual.get(name)
            && a != e
        {
            problems.push(format!("part {name} differs:\n{}", diff(e, a)));
        }
    }
    assert!(
        problems.is_empty(),
        "pptx golden mismatch (UPDATE_GOLDEN=1 to accept):\n{}",
        problems.join("\n")
    );
}
