//! Imports: a CSV whose columns and keys match a workbook sheet feeds it;
//! a newer CSV of the same stem with different values means the sheet
//! waits for a refresh.
//!
//! A CSV matches a sheet when its header row equals the sheet's first row
//! (case and surrounding blanks aside) and at least four in five of the
//! keys (first column) of the smaller of the two are in both. Among the
//! CSVs matching a sheet, the one whose every value the sheet holds is
//! what it was filled from. A newer CSV — same name stem, a later date in
//! its name — whose values differ makes the sheet stale (a warning, as
//! stale-dependent is for a recorded import); so does the only matching
//! CSV when its values differ.

use std::collections::BTreeMap;

use simdesk_engine::Workspace;
use simdesk_model::{Artifact, CellAddr, CellValue, Code, Diagnostic, SimTime, TextFormat, VPath};

use super::exports::MAX_CSV_CELLS;
use super::text::{csv_rows, name_key};
use super::{Inference, InferredLink, Relation, confidence, sheet_ref};
use crate::rules::whole;

/// A CSV matching a sheet, and the values the sheet does not hold.
struct Match {
    csv: VPath,
    key_share: f64,
    keys: usize,
    differ: Vec<String>,
    date: Option<String>,
    stem: String,
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// Whether a CSV field shows the cell's value.
fn same(field: &str, v: &CellValue) -> bool {
    let f = field.trim();
    match v {
        CellValue::Empty => f.is_empty(),
        CellValue::Text(t) => t.trim() == f,
        CellValue::Bool(b) => f.eq_ignore_ascii_case(if *b { "true" } else { "false" }),
        CellValue::Error(e) => f == e.as_str(),
        CellValue::Number(n) => {
            let (num, scale) = match f.strip_suffix('%') {
                Some(p) => (p, 0.01),
                None => (f, 1.0),
            };
            num.trim_start_matches('$')
                .replace(',', "")
                .parse::<f64>()
                .is_ok_and(|x| (x * scale - n).abs() <= 1e-9 * n.abs().max(1.0))
        }
        CellValue::Date(d) => SimTime::parse(f).is_ok_and(|t| (t.excel_serial() - d).abs() < 1e-6),
    }
}

fn shown(v: &CellValue) -> String {
    simdesk_model::format_value(v, None)
}

/// How `rows` (a CSV with its header) matches `sheet`, if it does.
fn compare(csv: &VPath, rows: &[Vec<String>], sheet: &simdesk_model::Sheet) -> Option<Match> {
    let header = rows.first()?;
    if header.len() < 2 || rows.len() < 2 {
        return None;
    }
    let width = header.len() as u32;
    for (c, h) in header.iter().enumerate() {
        match sheet.value(CellAddr::new(0, c as u32)) {
            CellValue::Text(t) if norm(t) == norm(h) => {}
            _ => return None,
        }
    }
    if !matches!(sheet.value(CellAddr::new(0, width)), CellValue::Empty) {
        return None;
    }
    let (last_row, _) = sheet.extent();
    let mut sheet_keys: BTreeMap<String, u32> = BTreeMap::new();
    for r in 1..last_row {
        let k = match sheet.value(CellAddr::new(r, 0)) {
            CellValue::Empty => continue,
            v => norm(&shown(v)),
        };
        sheet_keys.entry(k).or_insert(r);
    }
    let data = &rows[1..];
    let common = data
        .iter()
        .filter(|r| r.first().is_some_and(|k| sheet_keys.contains_key(&norm(k))))
        .count();
    let smaller = data.len().min(sheet_keys.len()).max(1);
    let key_share = common as f64 / smaller as f64;
    if common == 0 || key_share < 0.8 {
        return None;
    }
    let mut differ = Vec::new();
    if data.len() != sheet_keys.len() {
        differ.push(format!(
            "the csv has {} rows, the sheet {}",
            data.len(),
            sheet_keys.len()
        ));
    }
    for r in data {
        let Some(&row) = r.first().and_then(|k| sheet_keys.get(&norm(k))) else {
            continue;
        };
        for (c, f) in r.iter().enumerate().skip(1) {
            let v = sheet.value(CellAddr::new(row, c as u32));
            if !same(f, v) {
                differ.push(format!(
                    "{} of {}: {} in the csv, {} in the sheet",
                    header[c].trim(),
                    r[0].trim(),
                    f.trim(),
                    shown(v)
                ));
            }
        }
    }
    let (stem, date) = name_key(csv);
    Some(Match {
        csv: csv.clone(),
        key_share,
        keys: common,
        differ,
        date,
        stem,
    })
}

fn listed(differ: &[String]) -> String {
    let mut s = differ
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join("; ");
    if differ.len() > 3 {
        s.push_str(&format!(" (and {} more)", differ.len() - 3));
    }
    s
}

pub(super) fn infer_imports(
    ws: &Workspace,
    exported: &BTreeMap<VPath, VPath>,
    inf: &mut Inference,
) {
    let csvs: Vec<(&VPath, Vec<Vec<String>>)> = ws
        .artifacts()
        .filter(|(p, _)| !exported.contains_key(*p))
        .filter_map(|(p, a)| match a {
            Artifact::Text(t) if t.format == TextFormat::Csv => {
                csv_rows(&t.content, MAX_CSV_CELLS).map(|rows| (p, rows))
            }
            _ => None,
        })
        .collect();
    if csvs.is_empty() {
        return;
    }
    for (bp, a) in ws.artifacts() {
        let Artifact::Workbook(w) = a else { continue };
        for s in &w.sheets {
            let mut matches: Vec<Match> = csvs
                .iter()
                .filter_map(|(cp, rows)| compare(cp, rows, s))
                .collect();
            if matches.is_empty() {
                continue;
            }
            // Newest first: by the date in the name, then by name.
            matches.sort_by(|x, y| (&y.date, &y.csv).cmp(&(&x.date, &x.csv)));
            let fed = matches.iter().find(|m| m.differ.is_empty());
            let dependent = sheet_ref(bp, &s.name);
            let newest = match fed {
                Some(f) => matches.iter().find(|m| m.stem == f.stem).unwrap_or(f),
                None => &matches[0],
            };
            let from = fed.unwrap_or(newest);
            inf.link(InferredLink {
                relation: Relation::Import,
                source: whole(&from.csv),
                dependent: dependent.clone(),
                confidence: confidence(if from.differ.is_empty() {
                    0.95
                } else {
                    0.5 + 0.3 * from.key_share
                }),
                evidence: format!(
                    "the csv's header row is the sheet's, {} keys are in both{}",
                    from.keys,
                    if from.differ.is_empty() {
                        ", and the sheet holds every value".to_owned()
                    } else {
                        format!(", {} values differ", from.differ.len())
                    }
                ),
            });
            if newest.differ.is_empty() {
                continue;
            }
            let message = match fed {
                Some(f) => format!(
                    "{bp}#{} holds the values of {}, but the newer {} has different ones: {}",
                    s.name,
                    f.csv,
                    newest.csv,
                    listed(&newest.differ)
                ),
                None => format!(
                    "{bp}#{} matches the columns and keys of {} but not its values: {}",
                    s.name,
                    newest.csv,
                    listed(&newest.differ)
                ),
            };
            inf.findings.push(
                Diagnostic::warning(Code::StaleDependent, message)
                    .with_ref(whole(bp))
                    .with_ref(whole(&newest.csv))
                    .with_hint(format!("refresh {bp}#{} from {}", s.name, newest.csv)),
            );
        }
    }
}
