//! Reading a generated world back into the facts the rules judge: each
//! entity's workbook (data sheet, assumptions, key figures), its
//! attributes as the tracker shows them, and the data files the month
//! brings for it, dated.

use std::collections::BTreeMap;

use simdesk_model::{Artifact, CellValue, Op, Sheet, SimTime, TextFormat};

use super::{Facts, Invariant, OneValueRule, ValueScope, Violation, check_entity};
use crate::expr::Val;
use crate::pack::{Pack, Template};
use crate::spec::WorldSpec;

/// Per world `one_value` rule: (day, key) → value and the file it came from.
type DayValues = BTreeMap<(String, String), (f64, String)>;

/// A later data file of an entity: when it arrives (`None`: with the
/// first requests, in the inbox), its path and rows.
struct NewFile {
    at: Option<SimTime>,
    path: String,
    rows: Vec<Vec<Option<Val>>>,
}

/// Every rule of `template` that `spec` breaks, in rule order. A world the
/// generator made from the template breaks none; a spec from elsewhere
/// (or a template whose rules its draws do not follow) may.
///
/// Rules on rows (`range` on a column, `ratio`, `monotonic`, `one_value`
/// per file) hold on every data file, the start's and the month's;
/// rules on the entity as a whole (assumptions, key figures, `share`,
/// `tiered`) on the start world; `one_value` across the world compares
/// files of the same day and a later file with the start; `grows`
/// compares each data file with the one it replaces.
///
/// The rules are the template's as localized for the world's country
/// (the persona's `locale.id`): money bands scaled as the draws were.
pub fn check_invariants(template: &Template, spec: &WorldSpec) -> Vec<Violation> {
    let pack = spec
        .persona
        .profile
        .get("locale")
        .and_then(|l| l.get("id"))
        .and_then(serde_json::Value::as_str)
        .and_then(|id| crate::generate::localized_pack(template, id).ok())
        .unwrap_or(&template.pack);
    if pack.invariants.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut push = |rule: usize, at: &str, message: String| {
        out.push(Violation {
            rule,
            kind: pack.invariants.get(rule).map_or("?", Invariant::kind),
            at: at.to_owned(),
            message,
        });
    };
    let entities = entity_facts(pack, spec);
    if entities.is_empty() {
        push(0, "world", "no entity workbook found".into());
    }
    let news = new_files(pack, spec);
    // The month's first requests arrive before the first scheduled one.
    let inbox_day = spec
        .scenario
        .as_ref()
        .and_then(|s| s.schedule.iter().map(|x| x.at).min())
        .unwrap_or(spec.start.plus_secs(30 * 86_400));
    // World prices: key → start value; (day, key) → value.
    let mut world_start: Vec<BTreeMap<String, (f64, String)>> =
        vec![BTreeMap::new(); pack.invariants.len()];
    let mut world_day: Vec<DayValues> = vec![BTreeMap::new(); pack.invariants.len()];
    for (path, (f, live)) in &entities {
        // An older version (not the tracker's) keeps the row rules; its
        // day is not stated, so it has no world values to compare.
        for (i, m) in check_entity(pack, f, *live) {
            push(i, path, m);
        }
        if !*live {
            continue;
        }
        world_values(pack, &f.rows, path, &mut world_start, &mut push);
        let mut prev = f.rows.clone();
        let mut files: Vec<&NewFile> = news
            .get(path)
            .map(|v| v.iter().collect())
            .unwrap_or_default();
        files.sort_by_key(|n| n.at.unwrap_or(spec.start));
        for n in files {
            let g = Facts {
                rows: n.rows.clone(),
                ..f.clone()
            };
            for (i, m) in check_entity(pack, &g, false) {
                push(i, &n.path, m);
            }
            grows(pack, &prev, &n.rows, &n.path, &mut push);
            let day =
                n.at.map_or_else(|| "inbox".to_owned(), SimTime::date_string);
            let days = (n.at.unwrap_or(inbox_day).secs() - spec.start.secs()) as f64 / 86_400.0;
            world_moves(
                pack,
                &n.rows,
                &n.path,
                &day,
                days,
                &world_start,
                &mut world_day,
                &mut push,
            );
            prev = n.rows.clone();
        }
    }
    out
}

fn col_index(pack: &Pack, key: &str) -> Option<usize> {
    pack.dataset.columns.iter().position(|c| c.key == key)
}

fn key_text(v: Option<&Option<Val>>) -> Option<String> {
    match v {
        Some(Some(Val::Text(t))) => Some(t.clone()),
        Some(Some(Val::Num(n))) => Some(format!("{n}")),
        _ => None,
    }
}

fn value(v: Option<&Option<Val>>) -> Option<f64> {
    match v {
        Some(Some(Val::Num(n))) => Some(*n),
        _ => None,
    }
}

/// World `one_value` rules at the start: one value per key across every
/// entity's data.
fn world_values(
    pack: &Pack,
    rows: &[Vec<Option<Val>>],
    path: &str,
    seen: &mut [BTreeMap<String, (f64, String)>],
    push: &mut impl FnMut(usize, &str, String),
) {
    for (i, r, k, v) in world_pairs(pack, rows) {
        let (first, at) = seen[i]
            .entry(k.clone())
            .or_insert((v, path.to_owned()))
            .clone();
        if (first - v).abs() > 1e-9 {
            push(
                i,
                path,
                format!("{k}: {} {v} here, {first} in {at}", r.column),
            );
        }
    }
}

/// Each world-scope `one_value` rule (by index) with every row's key and
/// value in a data file.
fn world_pairs<'a>(
    pack: &'a Pack,
    rows: &'a [Vec<Option<Val>>],
) -> impl Iterator<Item = (usize, &'a OneValueRule, String, f64)> + 'a {
    pack.invariants
        .iter()
        .enumerate()
        .filter_map(move |(i, rule)| match rule {
            Invariant::OneValue(r) if r.scope == ValueScope::World => {
                Some((i, r, col_index(pack, &r.key)?, col_index(pack, &r.column)?))
            }
            _ => None,
        })
        .flat_map(move |(i, r, kc, vc)| {
            rows.iter()
                .filter_map(move |row| Some((i, r, key_text(row.get(kc))?, value(row.get(vc))?)))
        })
}

/// World `one_value` rules on a later file: one value per key and day,
/// and a move from the start within `daily * sqrt(days)`.
#[allow(clippy::too_many_arguments)]
fn world_moves(
    pack: &Pack,
    rows: &[Vec<Option<Val>>],
    path: &str,
    day: &str,
    days: f64,
    start: &[BTreeMap<String, (f64, String)>],
    seen: &mut [DayValues],
    push: &mut impl FnMut(usize, &str, String),
) {
    for (i, r, k, v) in world_pairs(pack, rows) {
        let (first, at) = seen[i]
            .entry((day.to_owned(), k.clone()))
            .or_insert((v, path.to_owned()))
            .clone();
        if (first - v).abs() > 1e-9 {
            push(i, path, format!("{k} on {day}: {v} here, {first} in {at}"));
        }
        if let (Some(d), Some((v0, _))) = (r.daily, start[i].get(&k))
            && *v0 > 0.0
        {
            let limit = d * days.max(1.0).sqrt() + 0.01 / v0 + 1e-9;
            if (v / v0 - 1.0).abs() > limit {
                push(
                    i,
                    path,
                    format!("{k}: {v0} at the start, {v} {days:.1} days later"),
                );
            }
        }
    }
}

/// `grows` rules: a data file's column never below the file it replaces.
fn grows(
    pack: &Pack,
    before: &[Vec<Option<Val>>],
    after: &[Vec<Option<Val>>],
    path: &str,
    push: &mut impl FnMut(usize, &str, String),
) {
    for (i, rule) in pack.invariants.iter().enumerate() {
        let Invariant::Grows(r) = rule else { continue };
        let Some(c) = col_index(pack, &r.column) else {
            continue;
        };
        for (n, (a, b)) in before.iter().zip(after).enumerate() {
            if let (Some(x), Some(y)) = (value(a.get(c)), value(b.get(c)))
                && y + 1e-9 < x
            {
                push(
                    i,
                    path,
                    format!("row {}: {} fell from {x} to {y}", n + 1, r.column),
                );
            }
        }
    }
}

fn cell_val(v: &CellValue) -> Option<Val> {
    match v {
        CellValue::Number(n) => Some(Val::Num(*n)),
        CellValue::Text(t) => Some(Val::Text(t.clone())),
        _ => None,
    }
}

fn sheet<'a>(sheets: &'a [Sheet], name: &str) -> Option<&'a Sheet> {
    sheets.iter().find(|s| s.name == name)
}

/// Label (column A) → value (column B) of a two-column sheet.
fn labelled(s: &Sheet) -> BTreeMap<String, f64> {
    let mut labels = BTreeMap::new();
    let mut values = BTreeMap::new();
    for (a, c) in &s.cells {
        match (a.col, &c.value) {
            (0, CellValue::Text(t)) => {
                labels.insert(a.row, t.clone());
            }
            (1, CellValue::Number(n)) => {
                values.insert(a.row, *n);
            }
            _ => {}
        }
    }
    labels
        .into_iter()
        .filter_map(|(r, l)| values.get(&r).map(|v| (l, *v)))
        .collect()
}

/// Every entity workbook of the world (path → facts, and whether the
/// tracker links it: the current version), attributes from the tracker
/// row that links to it or, for an older version, to the current one in
/// the same folder.
fn entity_facts(pack: &Pack, spec: &WorldSpec) -> BTreeMap<String, (Facts, bool)> {
    let w = &pack.workbook;
    let ncols = pack.dataset.columns.len() as u32;
    let mut out = BTreeMap::new();
    for a in &spec.artifacts {
        let Artifact::Workbook(wb) = &a.artifact else {
            continue;
        };
        let (Some(data), Some(summary)) = (
            sheet(&wb.sheets, &w.data_sheet),
            sheet(&wb.sheets, &w.summary_sheet),
        ) else {
            continue;
        };
        let mut rows: BTreeMap<u32, Vec<Option<Val>>> = BTreeMap::new();
        for (addr, c) in &data.cells {
            if addr.row == 0 || addr.col >= ncols {
                continue;
            }
            rows.entry(addr.row)
                .or_insert_with(|| vec![None; ncols as usize])[addr.col as usize] =
                cell_val(&c.value);
        }
        let by_label = |s: Option<&Sheet>| s.map(labelled).unwrap_or_default();
        let asm_l = by_label(sheet(&wb.sheets, &w.assumptions_sheet));
        let kpi_l = by_label(Some(summary));
        let facts = Facts {
            rows: rows.into_values().collect(),
            asm: w
                .assumptions
                .iter()
                .filter_map(|x| asm_l.get(&x.label).map(|v| (x.key.clone(), *v)))
                .collect(),
            kpi: w
                .kpis
                .iter()
                .filter_map(|x| kpi_l.get(&x.label).map(|v| (x.key.clone(), *v)))
                .collect(),
            attrs: BTreeMap::new(),
        };
        out.insert(a.path.as_str().to_owned(), (facts, false));
    }
    // Attributes: the tracker's row whose linked cells read the workbook.
    let tr = &pack.tracker;
    for a in &spec.artifacts {
        let Artifact::Workbook(wb) = &a.artifact else {
            continue;
        };
        let Some(s) = sheet(&wb.sheets, &tr.sheet) else {
            continue;
        };
        let mut heads = BTreeMap::new();
        let mut row_wb: BTreeMap<u32, String> = BTreeMap::new();
        let mut texts: BTreeMap<(u32, u32), String> = BTreeMap::new();
        for (addr, c) in &s.cells {
            if addr.row == 0 {
                if let CellValue::Text(t) = &c.value {
                    heads.insert(t.clone(), addr.col);
                }
                continue;
            }
            if let Some(l) = &c.link
                && let Some(p) = &l.source.path
            {
                row_wb.insert(addr.row, p.as_str().to_owned());
            }
            if let CellValue::Text(t) = &c.value {
                texts.insert((addr.row, addr.col), t.clone());
            }
        }
        for (row, p) in row_wb {
            let Some((f, live)) = out.get_mut(&p) else {
                continue;
            };
            *live = true;
            for [head, key] in &tr.attributes {
                if let Some(t) = heads.get(head).and_then(|c| texts.get(&(row, *c))) {
                    f.attrs.insert(key.clone(), t.clone());
                }
            }
        }
    }
    let folder = |p: &str| p.rsplit_once('/').map_or(String::new(), |x| x.0.to_owned());
    let current: BTreeMap<String, BTreeMap<String, String>> = out
        .iter()
        .filter(|(_, (_, live))| *live)
        .map(|(p, (f, _))| (folder(p), f.attrs.clone()))
        .collect();
    for (p, (f, live)) in &mut out {
        if !*live && let Some(a) = current.get(&folder(p)) {
            f.attrs = a.clone();
        }
    }
    out
}

/// The data files the month's requests bring, by the workbook that
/// imports them (the reference's `link` ops), with their arrival.
fn new_files(pack: &Pack, spec: &WorldSpec) -> BTreeMap<String, Vec<NewFile>> {
    let mut content: BTreeMap<String, String> = BTreeMap::new();
    for a in &spec.artifacts {
        if let Artifact::Text(t) = &a.artifact
            && t.format == TextFormat::Csv
        {
            content.insert(a.path.as_str().to_owned(), t.content.clone());
        }
    }
    let mut refs: Vec<(Option<SimTime>, &[Op])> = spec
        .objectives
        .iter()
        .map(|o| (None, o.objective.reference.as_slice()))
        .collect();
    if let Some(sc) = &spec.scenario {
        for s in &sc.schedule {
            for f in &s.files {
                if let Artifact::Text(t) = &f.artifact {
                    content.insert(f.path.as_str().to_owned(), t.content.clone());
                }
            }
            if let Some(o) = &s.objective {
                refs.push((Some(s.at), o.reference.as_slice()));
            }
        }
        for c in &sc.collaborators {
            for k in &c.knows {
                if let Some(f) = &k.file
                    && let Artifact::Text(t) = &f.artifact
                {
                    content.insert(f.path.as_str().to_owned(), t.content.clone());
                }
            }
        }
    }
    let mut out: BTreeMap<String, Vec<NewFile>> = BTreeMap::new();
    for (at, ops) in refs {
        for op in ops {
            let Op::Link {
                source, dependent, ..
            } = op
            else {
                continue;
            };
            let (Some(src), Some(dep)) = (&source.path, &dependent.path) else {
                continue;
            };
            let Some(text) = content.get(src.as_str()) else {
                continue;
            };
            out.entry(dep.as_str().to_owned())
                .or_default()
                .push(NewFile {
                    at,
                    path: src.as_str().to_owned(),
                    rows: csv_rows(pack, text),
                });
        }
    }
    out
}

/// A data CSV's rows as values: numbers where the column's text is one.
fn csv_rows(pack: &Pack, text: &str) -> Vec<Vec<Option<Val>>> {
    let Ok(table) = simdesk_model::csv::parse(text, 1_000_000) else {
        return Vec::new();
    };
    let n = pack.dataset.columns.len();
    table
        .into_iter()
        .skip(1)
        .map(|r| {
            (0..n)
                .map(|i| {
                    r.get(i).map(|s| match s.parse::<f64>() {
                        Ok(x) if x.is_finite() => Val::Num(x),
                        _ => Val::Text(s.clone()),
                    })
                })
                .collect()
        })
        .collect()
}
