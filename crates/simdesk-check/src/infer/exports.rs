//! Exports: a PDF or CSV whose text matches what a document, deck or
//! workbook renders to is its export; stale when they now differ.
//!
//! A candidate source is a document, deck or workbook of the same folder
//! with the same base name (dates and version marks aside; a CSV may add
//! words: `Book of Business export.csv` from `Book of Business.xlsx`), or,
//! for a PDF with no such source, any one whose words mostly agree. The
//! source is rendered exactly as the engine exports it (on a fork of the
//! world, through `export`) and compared word by word. Same name: a link
//! when at least half the words agree, a stale export (error) when any
//! differ. Other names: a link only when nine words in ten agree, and a
//! difference is a warning (the files may merely look alike).

use std::collections::BTreeMap;

use simdesk_engine::Workspace;
use simdesk_model::{Artifact, Code, Diagnostic, Op, TextFormat, VPath};

use super::text::{csv_rows, differences, name_key, similarity, words};
use super::{Inference, InferredLink, Relation, confidence};
use crate::rules::whole;

/// Most CSV fields read from one file for comparing.
pub(super) const MAX_CSV_CELLS: usize = 200_000;

/// Renders sources as the engine exports them, on a fork of the world.
pub(super) struct Renderer {
    fork: Workspace,
    made: usize,
    cache: BTreeMap<(VPath, &'static str, Option<String>), Option<Artifact>>,
}

impl Renderer {
    pub fn new(ws: &Workspace) -> Renderer {
        Renderer {
            fork: ws.fork(),
            made: 0,
            cache: BTreeMap::new(),
        }
    }

    /// What exporting `source` to `ext` (`pdf`, `csv`) makes, for a csv
    /// from `sheet`; `None` when the engine cannot export it so.
    pub fn render(
        &mut self,
        source: &VPath,
        ext: &'static str,
        sheet: Option<&str>,
    ) -> Option<&Artifact> {
        let key = (source.clone(), ext, sheet.map(str::to_owned));
        if !self.cache.contains_key(&key) {
            let made = self.make(source, ext, sheet);
            self.cache.insert(key.clone(), made);
        }
        self.cache.get(&key).and_then(Option::as_ref)
    }

    fn make(&mut self, source: &VPath, ext: &str, sheet: Option<&str>) -> Option<Artifact> {
        loop {
            self.made += 1;
            let target: VPath = format!("/simdesk-inferred-rendering-{}.{ext}", self.made)
                .parse()
                .ok()?;
            if self.fork.artifact(&target).is_some() || self.fork.is_folder(&target) {
                continue;
            }
            let out = self.fork.apply_as(
                "check",
                Op::Export {
                    source: source.clone(),
                    target: target.clone(),
                    sheet: sheet.map(str::to_owned),
                },
            );
            return out
                .is_applied()
                .then(|| self.fork.artifact(&target).cloned())
                .flatten();
        }
    }
}

/// The words an export target shows (a PDF's pages, a CSV's fields).
/// Words without a letter or digit of the Latin alphabet are left out of
/// the comparison: a PDF font may lack their glyphs (Hangul, Han), so a
/// reader gets them back from the source but not from the PDF.
pub(super) fn target_words(a: &Artifact) -> Option<Vec<String>> {
    let mut w = raw_words(a)?;
    w.retain(|w| w.chars().any(|c| c.is_ascii_alphanumeric()));
    Some(w)
}

fn raw_words(a: &Artifact) -> Option<Vec<String>> {
    match a {
        Artifact::Pdf(p) => Some(p.pages.iter().flat_map(|pg| words(&pg.text)).collect()),
        Artifact::Text(t) if t.format == TextFormat::Csv => Some(
            csv_rows(&t.content, MAX_CSV_CELLS)?
                .into_iter()
                .flatten()
                .flat_map(|f| words(&f))
                .collect(),
        ),
        _ => None,
    }
}

fn is_source(a: &Artifact) -> bool {
    matches!(
        a,
        Artifact::Document(_) | Artifact::Deck(_) | Artifact::Workbook(_)
    )
}

/// Words as a sorted multiset, for quick similarity between many pairs.
fn sorted(mut w: Vec<String>) -> Vec<String> {
    w.sort();
    w
}

fn sorted_similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// The rendering of `candidates` most like `tw`: (similarity, source,
/// sheet, words).
fn best_rendering(
    ws: &Workspace,
    renderer: &mut Renderer,
    tw: &[String],
    candidates: Vec<&VPath>,
    ext: &'static str,
) -> Option<(f64, VPath, Option<String>, Vec<String>)> {
    let mut best: Option<(f64, VPath, Option<String>, Vec<String>)> = None;
    for sp in candidates {
        let sheets: Vec<Option<String>> = match (ext, ws.artifact(sp)) {
            ("csv", Some(Artifact::Workbook(w))) => {
                w.sheets.iter().map(|s| Some(s.name.clone())).collect()
            }
            _ => vec![None],
        };
        for sheet in sheets {
            let Some(r) = renderer.render(sp, ext, sheet.as_deref()) else {
                continue;
            };
            let Some(rw) = target_words(r) else { continue };
            let sim = similarity(tw, &rw);
            if best.as_ref().is_none_or(|b| sim > b.0) {
                best = Some((sim, sp.clone(), sheet, rw));
            }
        }
    }
    best
}

/// Finds exports; returns every export target with its source.
pub(super) fn infer_exports(ws: &Workspace, inf: &mut Inference) -> BTreeMap<VPath, VPath> {
    let mut found = BTreeMap::new();
    let sources: Vec<(&VPath, &Artifact)> = ws.artifacts().filter(|(_, a)| is_source(a)).collect();
    if sources.is_empty() {
        return found;
    }
    let mut loose: Option<Vec<Vec<String>>> = None;
    let mut renderer = Renderer::new(ws);
    for (tp, ta) in ws.artifacts() {
        let ext: &'static str = match ta {
            Artifact::Pdf(_) => "pdf",
            Artifact::Text(t) if t.format == TextFormat::Csv => "csv",
            _ => continue,
        };
        let Some(tw) = target_words(ta) else { continue };
        if tw.is_empty() {
            continue;
        }
        let (tkey, _) = name_key(tp);
        let folder = tp.parent();
        let same_name: Vec<&VPath> = sources
            .iter()
            .filter(|(sp, sa)| {
                let (skey, _) = name_key(sp);
                sp.parent() == folder
                    && !skey.is_empty()
                    && match ext {
                        "pdf" => skey == tkey,
                        _ => matches!(sa, Artifact::Workbook(_)) && tkey.starts_with(&skey),
                    }
            })
            .map(|(p, _)| *p)
            .collect();
        let mut named = !same_name.is_empty();
        let mut best = best_rendering(ws, &mut renderer, &tw, same_name, ext);
        if best.as_ref().is_none_or(|b| b.0 < 0.5) {
            named = false;
            best = None;
            if ext == "pdf" {
                // No source of that name: any whose plain words mostly agree.
                let loose = loose.get_or_insert_with(|| {
                    sources
                        .iter()
                        .map(|(_, a)| sorted(words(&simdesk_engine::plain_text(a))))
                        .collect()
                });
                let st = sorted(tw.clone());
                let candidates = sources
                    .iter()
                    .zip(loose.iter())
                    .filter(|(_, w)| sorted_similarity(&st, w) >= 0.7)
                    .map(|((p, _), _)| *p)
                    .collect();
                best =
                    best_rendering(ws, &mut renderer, &tw, candidates, ext).filter(|b| b.0 >= 0.9);
            }
        }
        let Some((sim, sp, sheet, rw)) = best else {
            continue;
        };
        let why = if named {
            format!(
                "same base name in the same folder, {:.0}% of the words agree",
                sim * 100.0
            )
        } else {
            format!(
                "{:.0}% of the words agree with what it renders to",
                sim * 100.0
            )
        };
        let source = match &sheet {
            Some(s) => super::sheet_ref(&sp, s),
            None => whole(&sp),
        };
        inf.link(InferredLink {
            relation: Relation::Export,
            source,
            dependent: whole(tp),
            confidence: confidence(if named { 0.6 + 0.4 * sim } else { 0.9 * sim }),
            evidence: why.clone(),
        });
        found.insert(tp.clone(), sp.clone());
        if tw != rw {
            let what = differences(
                &tw,
                &rw,
                tp.file_name().unwrap_or_default(),
                sp.file_name().unwrap_or_default(),
            );
            let message = format!(
                "{tp} looks like an export of {sp} ({why}), but {sp} has changed since: {what}"
            );
            let d = if named {
                Diagnostic::error(Code::StaleExport, message)
            } else {
                Diagnostic::warning(Code::StaleExport, message)
            };
            inf.findings.push(
                d.with_ref(whole(tp))
                    .with_ref(whole(&sp))
                    .with_hint(format!("export {sp} again to {tp}")),
            );
        }
    }
    found
}
