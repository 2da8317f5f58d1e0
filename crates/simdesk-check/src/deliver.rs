//! Deliverables judged on their content: error values, agreement with a
//! fresh export of their source, text similarity for a file made
//! elsewhere, and the provenance that says whose material a file is.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_engine::{EdgeKind, Workspace, plain_text};
use simdesk_model::{Artifact, Confidential, NumberStyle, Op, VPath};

use crate::quote::scan_numbers;

/// Excel error values a deliverable must not show.
pub(crate) const ERROR_VALUES: [&str; 7] = [
    "#REF!", "#N/A", "#DIV/0!", "#VALUE!", "#NAME?", "#NUM!", "#NULL!",
];

/// The error values `text` shows, in [`ERROR_VALUES`] order.
pub(crate) fn error_values(text: &str) -> Vec<&'static str> {
    ERROR_VALUES
        .into_iter()
        .filter(|e| text.contains(e))
        .collect()
}

/// The text an export of `source` to a file with `target`'s extension
/// would hold in `ws` now (made on a fork; `ws` does not change).
pub(crate) fn export_text(
    ws: &Workspace,
    source: &VPath,
    target: &VPath,
    sheet: Option<String>,
) -> Option<String> {
    let ext = target.as_str().rsplit_once('.').map_or("pdf", |(_, e)| e);
    let probe: VPath = format!("/simdesk-score-probe/probe.{ext}").parse().ok()?;
    let mut fork = ws.fork();
    let out = fork.apply_as(
        "checker",
        Op::Export {
            source: source.clone(),
            target: probe.clone(),
            sheet,
        },
    );
    if !out.is_applied() {
        return None;
    }
    fork.artifact(&probe).map(plain_text)
}

/// Why the deliverable at `path` is not clean in `ws`, or `None` when it
/// is: no error values; not stale; an export shows what a fresh export
/// of its source shows (it was not edited by hand); a copy's original is
/// clean too.
pub(crate) fn unclean(ws: &Workspace, path: &VPath) -> Option<String> {
    unclean_depth(ws, path, 0)
}

fn unclean_depth(ws: &Workspace, path: &VPath, depth: usize) -> Option<String> {
    let Some(a) = ws.artifact(path) else {
        return Some(format!("nothing at {path}"));
    };
    let text = plain_text(a);
    let errors = error_values(&text);
    if !errors.is_empty() {
        return Some(format!("{path} shows {}", errors.join(", ")));
    }
    if let Some(s) = ws.staleness(path) {
        let why: Vec<&str> = s.causes.iter().map(|c| c.message.as_str()).collect();
        return Some(format!("{path} is stale: {}", why.join("; ")));
    }
    for e in ws.edges_into(path) {
        match e.kind {
            EdgeKind::Export => {
                let sheet = export_sheet(ws, path);
                let fresh = export_text(ws, &e.source, path, sheet);
                if fresh.as_deref() != Some(text.as_str()) {
                    return Some(format!(
                        "{path} differs from an export of {} (edited after it was exported)",
                        e.source
                    ));
                }
            }
            EdgeKind::Copy if depth < 8 => {
                if let Some(why) = unclean_depth(ws, &e.source, depth + 1) {
                    return Some(format!("{path} is a copy of {}: {why}", e.source));
                }
            }
            _ => {}
        }
    }
    None
}

/// The sheet a workbook → csv export was made from (the last export op
/// to `target` in the trajectory says).
fn export_sheet(ws: &Workspace, target: &VPath) -> Option<String> {
    ws.trajectory()
        .filter_map(|e| match &e.op {
            Op::Export {
                target: t, sheet, ..
            } if t == target => Some(sheet.clone()),
            _ => None,
        })
        .last()
        .flatten()
}

/// A file's text without the lines other tools add to every page: page
/// numbers alone (`3`, `- 3 -`) or as `Page 3`, `Page 3 of 7`, `3 / 7`.
fn without_page_furniture(text: &str) -> String {
    fn num(p: &str) -> bool {
        !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
    }
    fn furniture(line: &str) -> bool {
        let l = line.trim().trim_matches('-').trim().to_ascii_lowercase();
        let l = l.strip_prefix("page").map_or(l.as_str(), str::trim_start);
        match l.split_whitespace().collect::<Vec<_>>().as_slice() {
            [n] => num(n) || n.split_once('/').is_some_and(|(a, b)| num(a) && num(b)),
            [a, "of" | "/", b] => num(a) && num(b),
            _ => false,
        }
    }
    text.lines()
        .filter(|l| !furniture(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// How alike a file's text is to the text it should show (page numbers
/// another tool added left out), numbers read in the world's `style`: the Dice
/// coefficient of their word multisets, in [0, 1], and whether the file
/// quotes every number the expected text quotes (as a multiset; numbers
/// of its own, such as page numbers, may come on top).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Similarity {
    pub words: f64,
    pub numbers_agree: bool,
}

pub(crate) fn similarity(file: &str, expected: &str, style: &NumberStyle) -> Similarity {
    let file = &without_page_furniture(file);
    fn bag(s: &str) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for w in s.split_whitespace() {
            *m.entry(w.to_lowercase()).or_insert(0) += 1;
        }
        m
    }
    let numbers = |s: &str| -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for t in scan_numbers(s, style) {
            *m.entry(format!("{}", t.value)).or_insert(0) += 1;
        }
        m
    };
    let (ba, bb) = (bag(file), bag(expected));
    let total: usize = ba.values().sum::<usize>() + bb.values().sum::<usize>();
    let common: usize = ba
        .iter()
        .map(|(w, n)| (*n).min(bb.get(w).copied().unwrap_or(0)))
        .sum();
    let words = if total == 0 {
        1.0
    } else {
        2.0 * common as f64 / total as f64
    };
    Similarity {
        words,
        numbers_agree: {
            let have = numbers(file);
            numbers(expected)
                .iter()
                .all(|(n, k)| have.get(n).is_some_and(|h| h >= k))
        },
    }
}

/// `path` and everything it was made from (every edge followed upstream),
/// in `ws`.
pub(crate) fn provenance(ws: &Workspace, path: &VPath) -> BTreeSet<VPath> {
    let mut out = BTreeSet::new();
    let mut todo = vec![path.clone()];
    while let Some(p) = todo.pop() {
        if out.insert(p.clone()) {
            todo.extend(ws.edges_into(&p).into_iter().map(|e| e.source));
        }
    }
    out
}

/// The confidentiality rules of every objective recorded in `ws`.
pub(crate) fn rules(ws: &Workspace) -> Vec<&Confidential> {
    ws.objectives().flat_map(|o| &o.confidential).collect()
}

/// Whose material `path` is (owners of rules covering it or anything it
/// was made from), given its provenance.
pub(crate) fn owners<'r>(
    rules: &[&'r Confidential],
    made_from: &BTreeSet<VPath>,
) -> Vec<&'r Confidential> {
    rules
        .iter()
        .copied()
        .filter(|r| made_from.iter().any(|p| r.covers(p)))
        .collect()
}

/// Whether `a` is a workbook, a document or a deck: files a person edits
/// (as opposed to exports, mail and notes).
pub(crate) fn is_office(a: &Artifact) -> bool {
    matches!(
        a,
        Artifact::Workbook(_) | Artifact::Document(_) | Artifact::Deck(_)
    )
}
