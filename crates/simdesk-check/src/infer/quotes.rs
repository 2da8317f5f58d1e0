//! Quotes: a number typed next to the words of a workbook's row label is a
//! quote of that label's cell.
//!
//! The judgement is quoted-value-mismatch's typed-number heuristic (see
//! `quote.rs`: label words before the number in the same sentence, number
//! formats `$1.2M`, `1,204,331`, `12.4%` read at the precision written,
//! a mismatch only when exactly one candidate lies within a factor of
//! two). Here it reads more kinds of text — documents, decks, notes,
//! emails and PDFs that are no export — and records every agreeing number
//! as a link. Workbooks asked: those an email attaches (and their
//! folders), those of the text's own folder, and those whose names share a
//! distinctive word with the text's name (a client, a project: a word at
//! most a tenth of the file names carry). Those most of the text's numbers
//! agree with are asked first — what a recorded link would say —, the
//! others only when those have no matching label, so an older version
//! lying beside the quoted workbook does not make a quote ambiguous.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_engine::Workspace;
use simdesk_model::{Artifact, ArtifactKind, TextFormat, VPath};

use super::text::name_key;
use super::{Attached, Inference, InferredLink, Relation, confidence};
use crate::quote::{
    Label, Verdict, excerpt, judge_number, labels_of, mismatch, scan_numbers, units, window,
};
use crate::rules::whole;

fn quoting(a: &Artifact) -> bool {
    match a {
        Artifact::Document(_) | Artifact::Deck(_) | Artifact::Email(_) | Artifact::Pdf(_) => true,
        Artifact::Text(t) => matches!(t.format, TextFormat::Plain | TextFormat::Markdown),
        _ => false,
    }
}

fn books_in(ws: &Workspace, dir: Option<VPath>, out: &mut BTreeSet<VPath>) {
    if let Some(dir) = dir {
        for e in ws.list(&dir) {
            if e.kind == Some(ArtifactKind::Workbook) {
                out.insert(e.path);
            }
        }
    }
}

/// Words of file names that name few files (a client, a project), by
/// how many files' names carry them.
fn name_words(ws: &Workspace) -> BTreeMap<String, usize> {
    let mut df: BTreeMap<String, usize> = BTreeMap::new();
    for (p, _) in ws.artifacts() {
        let words: BTreeSet<String> = name_key(p).0.split(' ').map(str::to_owned).collect();
        for w in words {
            *df.entry(w).or_default() += 1;
        }
    }
    df
}

/// The distinctive words of a file's name: letters, three or more, carried
/// by at most `max_df` file names.
fn distinctive(p: &VPath, df: &BTreeMap<String, usize>, max_df: usize) -> BTreeSet<String> {
    name_key(p)
        .0
        .split(' ')
        .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        .filter(|w| df.get(*w).is_some_and(|n| *n <= max_df))
        .map(str::to_owned)
        .collect()
}

pub(super) fn infer_quotes(
    ws: &Workspace,
    exported: &BTreeMap<VPath, VPath>,
    attached: &[Attached],
    inf: &mut Inference,
) {
    let mut cache: BTreeMap<VPath, Vec<Label>> = BTreeMap::new();
    let mut seen = BTreeSet::new();
    let df = name_words(ws);
    let max_df = (ws.artifact_count() / 10).max(3);
    let style = crate::quote::world_style(ws);
    let books: Vec<(VPath, BTreeSet<String>)> = ws
        .artifacts()
        .filter(|(_, a)| matches!(a, Artifact::Workbook(_)))
        .map(|(p, _)| (p.clone(), distinctive(p, &df, max_df)))
        .collect();
    for (path, a) in ws.artifacts() {
        // An export mirrors its source; the export inference covers it.
        if !quoting(a) || exported.contains_key(path) {
            continue;
        }
        let texts = units(a);
        if !texts.iter().any(|t| t.bytes().any(|b| b.is_ascii_digit())) {
            continue;
        }
        // Workbooks it may quote: those its email carries, those of its
        // folder, and those whose names share a distinctive word with its
        // name (a client, a project).
        let mut cands: BTreeSet<VPath> = BTreeSet::new();
        if let Artifact::Email(m) = a {
            let carried: Vec<VPath> = m
                .attachments
                .iter()
                .cloned()
                .chain(
                    attached
                        .iter()
                        .filter(|c| &c.email == path)
                        .filter_map(|c| super::attachments::file_of(ws, c)),
                )
                .collect();
            for p in &carried {
                if matches!(ws.artifact(p), Some(Artifact::Workbook(_))) {
                    cands.insert(p.clone());
                }
                books_in(ws, p.parent(), &mut cands);
            }
        }
        books_in(ws, path.parent(), &mut cands);
        let mine = distinctive(path, &df, max_df);
        for (b, words) in &books {
            if !words.is_disjoint(&mine) {
                cands.insert(b.clone());
            }
        }
        if cands.is_empty() {
            continue;
        }
        let numbers: Vec<(usize, crate::quote::Typed, Vec<String>)> = texts
            .iter()
            .enumerate()
            .flat_map(|(i, t)| {
                let mut floor = 0;
                scan_numbers(t, &style)
                    .into_iter()
                    .map(|n| {
                        let win = window(t, n.start, floor);
                        floor = n.end;
                        (i, n, win)
                    })
                    .collect::<Vec<_>>()
            })
            .collect();
        // The workbooks most of its numbers agree with are the ones it
        // quotes (as a recorded link would say); the others only when
        // those have no matching label.
        let mut score: BTreeMap<VPath, usize> = BTreeMap::new();
        for b in &cands {
            let labels = cache
                .entry(b.clone())
                .or_insert_with(|| ws.artifact(b).map_or_else(Vec::new, |a| labels_of(b, a)));
            let agree = numbers
                .iter()
                .filter(|(_, n, win)| {
                    matches!(judge_number(n, win, labels), Some(Verdict::Agrees(_)))
                })
                .count();
            score.insert(b.clone(), agree);
        }
        let top = score.values().copied().max().unwrap_or(0);
        let (first, rest): (BTreeSet<VPath>, BTreeSet<VPath>) =
            cands.into_iter().partition(|b| top > 0 && score[b] == top);
        let tier = |books: &BTreeSet<VPath>| -> Vec<Label> {
            books.iter().flat_map(|b| cache[b].clone()).collect()
        };
        let tiers = [tier(&first), tier(&rest)];
        for (i, n, win) in &numbers {
            let t = &texts[*i];
            let Some(verdict) = tiers.iter().find_map(|labels| judge_number(n, win, labels)) else {
                continue;
            };
            let weight = |l: &Label| {
                0.5 + 0.08 * l.weight().min(4) as f64 + if n.decorated { 0.1 } else { 0.0 }
            };
            match verdict {
                Verdict::Agrees(l) => inf.link(InferredLink {
                    relation: Relation::Quote,
                    source: l.at.clone(),
                    dependent: whole(path),
                    confidence: confidence(weight(l)),
                    evidence: format!(
                        "{} follows the words of the label {:?}, and the cell holds {} (in: {:?})",
                        n.text,
                        l.text,
                        l.shown,
                        excerpt(t)
                    ),
                }),
                Verdict::Disagrees(l) => {
                    let d = mismatch(path, t, n, l);
                    if seen.insert(d.message.clone()) {
                        inf.findings.push(d);
                    }
                    inf.link(InferredLink {
                        relation: Relation::Quote,
                        source: l.at.clone(),
                        dependent: whole(path),
                        confidence: confidence(0.8 * weight(l)),
                        evidence: format!(
                            "{} follows the words of the label {:?}, but the cell holds {} (in: {:?})",
                            n.text,
                            l.text,
                            l.shown,
                            excerpt(t)
                        ),
                    });
                }
                Verdict::Unclear => {}
            }
        }
    }
}
