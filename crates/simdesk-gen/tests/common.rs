//! Helpers shared by the test modules.

use simdesk_gen::{GenOptions, Template, WorldSpec, builtin_templates, generate};
use simdesk_model::{Artifact, CellValue, Goal, RefTarget};

pub fn templates() -> Vec<Template> {
    builtin_templates().expect("shipped templates load")
}

/// The index of data column `key` in `t`'s dataset (its column in a data
/// sheet).
pub fn data_column(t: &Template, key: &str) -> u32 {
    t.pack
        .dataset
        .columns
        .iter()
        .position(|c| c.key == key)
        .unwrap_or_else(|| panic!("{}: no data column {key}", t.id)) as u32
}

pub fn make(t: &Template, seed: u64) -> WorldSpec {
    generate(t, seed, 0, &GenOptions::default())
        .unwrap_or_else(|e| panic!("{} seed {seed}: {e}", t.id))
}

/// The value a cell holds in the spec as generated.
pub fn spec_cell(spec: &WorldSpec, r: &simdesk_model::Ref) -> Option<CellValue> {
    let path = r.path.as_ref()?;
    let a = spec.artifacts.iter().find(|a| &a.path == path)?;
    let Artifact::Workbook(w) = &a.artifact else {
        return None;
    };
    let RefTarget::Cell { sheet, cell } = &r.target else {
        return None;
    };
    Some(w.sheet(sheet)?.value(*cell).clone())
}

/// A goal that the spec, as generated, already meets (it must not).
pub fn goal_met_in_spec(spec: &WorldSpec, g: &Goal) -> bool {
    let files = spec.file_set();
    match g {
        Goal::CellEquals {
            cell,
            expected,
            tolerance,
        } => match (spec_cell(spec, cell), expected) {
            (Some(CellValue::Number(a)), CellValue::Number(b)) => (a - b).abs() <= *tolerance,
            (Some(v), e) => &v == e,
            (None, _) => false,
        },
        Goal::Exists { path, .. } | Goal::ExportedFresh { path, .. } => {
            files.iter().any(|f| f == path.as_str())
        }
        Goal::EmailSent { to, attachment, .. } => spec.emails.iter().any(|m| {
            m.actor == "persona"
                && m.email.to.iter().any(|t| &t.address == to)
                && attachment
                    .as_ref()
                    .is_none_or(|a| m.email.attachments.contains(a))
        }),
        // Not judged on a spec: how goals and provenance goals hold is the
        // checker's to say, on a built world.
        Goal::Contains { .. }
        | Goal::FormulaKept { .. }
        | Goal::RefreshedFrom { .. }
        | Goal::CleanDeliverable { .. }
        | Goal::Deliverable { .. }
        | Goal::DeliveredTo { .. } => false,
    }
}

/// How a date was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    /// `2026-01-05`.
    Iso,
    /// `5 January 2026`.
    DayMonth,
    /// `January 5, 2026`.
    MonthDay,
    /// `05/01/2026`, `01/05/2026` or `2026/01/05`: as the persona's
    /// `date_short` orders it.
    Numeric,
}

/// The dates in a text, as ISO (`2026-01-05`) with how each was written:
/// ISO dates, dates in prose (`5 January 2026`, `January 5, 2026`) and
/// numeric dates read in the order `short` (an Excel date code such as
/// `dd/mm/yyyy`) gives.
pub fn dates_in(s: &str, short: &str) -> Vec<(String, DateStyle)> {
    let b = s.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let digits = |r: std::ops::Range<usize>| r.into_iter().all(digit);
    let mut out = Vec::new();
    // Numeric: nnnn-nn-nn, nn/nn/nnnn, nnnn/nn/nn.
    let mut i = 0;
    while i + 10 <= b.len() {
        let bounded = (i == 0 || !digit(i - 1)) && !digit(i + 10);
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        let found = if !bounded {
            None
        } else if digits(i..i + 4)
            && b[i + 4] == b'-'
            && digits(i + 5..i + 7)
            && b[i + 7] == b'-'
            && digits(i + 8..i + 10)
        {
            Some((s[i..i + 10].to_owned(), DateStyle::Iso))
        } else if digits(i..i + 4)
            && b[i + 4] == b'/'
            && digits(i + 5..i + 7)
            && b[i + 7] == b'/'
            && digits(i + 8..i + 10)
        {
            let (y, m, d) = (n(i..i + 4), n(i + 5..i + 7), n(i + 8..i + 10));
            Some((format!("{y:04}-{m:02}-{d:02}"), DateStyle::Numeric))
        } else if digits(i..i + 2)
            && b[i + 2] == b'/'
            && digits(i + 3..i + 5)
            && b[i + 5] == b'/'
            && digits(i + 6..i + 10)
        {
            let (a, c, y) = (n(i..i + 2), n(i + 3..i + 5), n(i + 6..i + 10));
            let (m, d) = if short.starts_with('m') {
                (a, c)
            } else {
                (c, a)
            };
            Some((format!("{y:04}-{m:02}-{d:02}"), DateStyle::Numeric))
        } else {
            None
        };
        if let Some(f) = found {
            out.push(f);
            i += 10;
        } else {
            i += 1;
        }
    }
    // In words: "5 January 2026" and "January 5, 2026".
    let words: Vec<&str> = s
        .split(|c: char| !c.is_alphanumeric() && c != ',')
        .filter(|w| !w.is_empty())
        .collect();
    let num = |w: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&w.len()) && w.bytes().all(|c| c.is_ascii_digit()))
            .then(|| w.parse::<u32>().ok())
            .flatten()
    };
    for (k, w) in words.iter().enumerate() {
        let Some(m) = simdesk_model::MONTH_NAMES.iter().position(|x| x == w) else {
            continue;
        };
        let m = m + 1;
        let prev = k.checked_sub(1).and_then(|p| num(words[p], 1..=2));
        let next = words.get(k + 1).copied().unwrap_or("");
        let after = words.get(k + 2).copied().unwrap_or("");
        if let (Some(d), Some(y)) = (prev, num(next.trim_end_matches(','), 4..=4)) {
            out.push((format!("{y:04}-{m:02}-{d:02}"), DateStyle::DayMonth));
        } else if let (Some(d), true, Some(y)) = (
            num(next.trim_end_matches(','), 1..=2),
            next.ends_with(','),
            num(after.trim_end_matches(','), 4..=4),
        ) {
            out.push((format!("{y:04}-{m:02}-{d:02}"), DateStyle::MonthDay));
        }
    }
    out
}

/// The `date_short` code the persona's locale uses (`dd/mm/yyyy`).
pub fn short_date_code(spec: &WorldSpec) -> String {
    spec.persona
        .profile
        .get("locale")
        .and_then(|l| l.get("date_short"))
        .and_then(serde_json::Value::as_str)
        .unwrap_or("yyyy-mm-dd")
        .to_owned()
}

#[test]
fn dates_are_read_in_every_style() {
    let found = dates_in(
        "Prepared 5 January 2026; due March 4, 2026. 2026-01-05, 04/03/2026, x12/13/2026x, 2026/02/01 and May 2026.",
        "dd/mm/yyyy",
    );
    assert_eq!(
        found,
        [
            ("2026-01-05".to_owned(), DateStyle::Iso),
            ("2026-03-04".to_owned(), DateStyle::Numeric),
            ("2026-13-12".to_owned(), DateStyle::Numeric),
            ("2026-02-01".to_owned(), DateStyle::Numeric),
            ("2026-01-05".to_owned(), DateStyle::DayMonth),
            ("2026-03-04".to_owned(), DateStyle::MonthDay),
        ]
    );
}
