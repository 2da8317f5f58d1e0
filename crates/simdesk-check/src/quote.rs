//! Quoted value mismatch: numbers a document, deck or note shows that
//! disagree with the workbook they come from.
//!
//! Two parts:
//!
//! 1. **Fields** (error): a field's shown text must equal its source cell's
//!    current value formatted with the field's (else the cell's) number
//!    format. The engine keeps fields live, so a mismatch means content
//!    that came from outside (an import, a hand-edited snapshot).
//! 2. **Typed numbers** (warning), a heuristic tuned for few false alarms.
//!    A *label* is the first cell of a workbook row, a text, followed
//!    within three cells to its right by a number (`Total | 22,727`). Only
//!    workbooks the text is connected to count: those linked to it by any
//!    edge, and those in its own folder. A number typed in a paragraph,
//!    list item, table row, bullet or line of a note is compared with a
//!    label when every content word of the label (stop words dropped)
//!    occurs among the nearest words before the number in the same
//!    sentence (no further than the label's length plus four words back:
//!    `Total portfolio value: $22,192.00` and `total portfolio value now
//!    stands at $22,192` match the label `Total portfolio value`; `Total`
//!    matches the first too). Labels holding digits are identifiers
//!    (`Week 4`) and never count. A bare number (no currency sign,
//!    thousands separator, decimals or percent sign) is judged only
//!    against a count: a label with a whole-number value (`headcount now
//!    stands at 9`, but not `… next deadline in 24 days` against 46.4).
//!    Only prose is
//!    read: documents, decks, plain and markdown text (csv and json are
//!    data).
//!    Linked workbooks are asked first; workbooks of the folder only when
//!    no linked label matches (an older version beside the quoted
//!    workbook must not make the quote ambiguous).
//!    Only the labels with the most matched words are candidates. The
//!    number agrees when it equals a candidate at the precision it is
//!    written with (`$22,727` agrees with 22,727.40). It is reported only
//!    when no candidate agrees, the number and the candidate are both
//!    percentages or both not, exactly one candidate value lies within a
//!    factor of two of it (a wrong or outdated quote, not a different
//!    quantity), and the number is not a year, a date part or glued to a
//!    word (`Q4`, `v2`). Emails are left out (a sent message quotes the
//!    value of its day) and so are pdfs (exports: see stale-export).

use std::collections::{BTreeMap, BTreeSet};

use simdesk_model::{
    Artifact, Block, CellAddr, CellValue, Code, Diagnostic, Grouping, Inline, NumberStyle, Ref,
    RefTarget, TextFormat, VPath, format_value,
};

use crate::CheckOptions;
use crate::rules::{Ctx, whole};

pub(crate) fn quoted_values(cx: &Ctx<'_>, opts: &CheckOptions, out: &mut Vec<Diagnostic>) {
    fields(cx, out);
    if opts.typed_quotes {
        typed(cx, out);
    }
}

// ------------------------------------------------------------ fields

fn fields(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for (path, a) in cx.ws.artifacts() {
        for f in a.fields() {
            let RefTarget::Cell { sheet, cell } = &f.source.target else {
                continue;
            };
            let src = f.source.path.as_ref().unwrap_or(path);
            let Some(Artifact::Workbook(w)) = cx.ws.artifact(src) else {
                continue; // missing: a broken reference
            };
            let Some(s) = w.sheet(sheet) else { continue };
            let c = s.cells.get(cell);
            let value = c.map(|c| c.value.clone()).unwrap_or_default();
            let fmt = f
                .format
                .as_deref()
                .or_else(|| c.and_then(|c| c.format.as_deref()));
            let expected = format_value(&value, fmt);
            if expected != f.display {
                let target = f.source.resolve(path);
                out.push(
                    Diagnostic::error(
                        Code::QuotedValueMismatch,
                        format!(
                            "{path} shows {:?} for {target}, whose current value is {expected:?}",
                            f.display
                        ),
                    )
                    .with_ref(whole(path))
                    .with_ref(target)
                    .with_hint(format!("refresh the field so it shows {expected}")),
                );
            }
        }
    }
}

// ------------------------------------------------------------ typed numbers

/// A labelled number of a workbook.
#[derive(Debug, Clone)]
pub(crate) struct Label {
    /// The label as the workbook writes it.
    pub text: String,
    words: BTreeSet<String>,
    value: f64,
    percent: bool,
    /// The value as the workbook shows it.
    pub shown: String,
    /// The cell holding the value.
    pub at: Ref,
}

const STOP: &[&str] = &[
    "a", "an", "and", "the", "of", "to", "in", "on", "for", "per", "by", "at", "vs", "is", "as",
    "with", "from", "or", "our", "your", "its", "this", "that",
];

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn content_words(s: &str) -> BTreeSet<String> {
    words(s)
        .into_iter()
        .filter(|w| !STOP.contains(&w.as_str()) && w.chars().any(char::is_alphabetic))
        .collect()
}

impl Label {
    /// How many content words the label has.
    pub(crate) fn weight(&self) -> usize {
        self.words.len()
    }
}

pub(crate) fn labels_of(path: &VPath, a: &Artifact) -> Vec<Label> {
    let Artifact::Workbook(w) = a else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for s in &w.sheets {
        let mut rows: BTreeMap<u32, Vec<(u32, &simdesk_model::Cell)>> = BTreeMap::new();
        for (addr, c) in &s.cells {
            rows.entry(addr.row).or_default().push((addr.col, c));
        }
        for (row, cells) in rows {
            // Only the row's first cell labels it: a text in the middle of
            // a data row (`Trial preparation` as a status) is not a label.
            for (i, (col, c)) in cells.iter().enumerate().take(1) {
                let CellValue::Text(t) = &c.value else {
                    continue;
                };
                // Labels with digits are identifiers (`Week 4`, `Q3 2025`).
                let ws = content_words(t);
                if ws.is_empty() || ws.len() > 8 || t.chars().any(|c| c.is_ascii_digit()) {
                    continue;
                }
                let next = cells[i + 1..]
                    .iter()
                    .take_while(|(c2, _)| *c2 <= col + 3)
                    .find(|(_, c2)| !matches!(c2.value, CellValue::Empty));
                let Some((vcol, vc)) = next else { continue };
                let CellValue::Number(v) = vc.value else {
                    continue;
                };
                out.push(Label {
                    text: t.clone(),
                    words: ws,
                    value: v,
                    percent: vc.format.as_deref().is_some_and(|f| f.contains('%')),
                    shown: format_value(&vc.value, vc.format.as_deref()),
                    at: Ref::cell(path.clone(), &s.name, CellAddr::new(row, *vcol)),
                });
            }
        }
    }
    out
}

/// A number as typed in text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Typed {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    /// Half a unit of the last digit written, in the value's scale.
    pub tolerance: f64,
    pub percent: bool,
    pub text: String,
    /// Written with a currency sign, a thousands separator, decimals or %.
    pub decorated: bool,
}

/// How a world writes numbers: the persona's locale when the profile
/// records one ([`Persona::number_style`](simdesk_model::Persona::number_style));
/// else what the locale tags of its workbooks' number formats say
/// (`[$-407]` German, `[$-4009]` India): a folder read from disk has no
/// profile, yet its formats carry the country. `1,234.5` when neither
/// tells (untagged formats, or tags of as many countries as not).
pub(crate) fn world_style(ws: &simdesk_engine::Workspace) -> NumberStyle {
    let persona = ws.persona();
    if persona.profile.contains_key("locale") {
        return persona.number_style();
    }
    // Formats are few and repeated: the first 4096 tagged cells decide.
    let mut votes: Vec<(NumberStyle, usize)> = Vec::new();
    let (mut tagged, mut plain) = (0usize, 0usize);
    'books: for (_, a) in ws.artifacts() {
        let Artifact::Workbook(w) = a else { continue };
        for sheet in &w.sheets {
            for c in sheet.cells.values() {
                let Some(f) = c.format.as_deref() else {
                    continue;
                };
                if !f.contains(['0', '#']) {
                    continue;
                }
                match format_style(f) {
                    Some(st) => {
                        tagged += 1;
                        match votes.iter_mut().find(|(v, _)| *v == st) {
                            Some((_, n)) => *n += 1,
                            None => votes.push((st, 1)),
                        }
                    }
                    None => plain += 1,
                }
                if tagged + plain >= 4096 {
                    break 'books;
                }
            }
        }
    }
    votes
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n > plain)
        .map_or(NumberStyle::WESTERN, |(st, _)| st)
}

/// The separators a number format's locale tag asks for (`[$-407]`,
/// `[$€-407]`), if it has one that changes them.
fn format_style(fmt: &str) -> Option<NumberStyle> {
    let mut rest = fmt;
    while let Some(open) = rest.find("[$") {
        let close = rest[open..].find(']')? + open;
        if let Some((_, id)) = rest[open + 2..close].rsplit_once('-')
            && let Ok(lcid) = u32::from_str_radix(id, 16)
        {
            return NumberStyle::from_lcid(lcid);
        }
        rest = &rest[close + 1..];
    }
    None
}

/// Finds the numbers typed in `s`, read the way the world writes numbers
/// (`style`, the persona's: `1.234,56` is 1234.56 in a German world and
/// `12,34,567` is 1234567 in an Indian one). A currency sign may stand
/// before the digits (`$`, `S$`, `AED `) or after them (`1.234 €`).
pub(crate) fn scan_numbers(s: &str, style: &NumberStyle) -> Vec<Typed> {
    let b = s.as_bytes();
    let (ts, ds) = (style.thousands, style.decimal);
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        // Glued to a word or part of a date/version/time: skip the token.
        let prev = s[..i].chars().next_back();
        let prev2 = s[..i].chars().rev().nth(1);
        let glued_before = prev.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '/')
            || (prev.is_some_and(|c| matches!(c, '-' | ':' | '.') || c == ds)
                && prev2.is_some_and(|c| c.is_ascii_digit()));
        let mut j = i;
        let mut int_digits = String::new();
        // Where the first group separator stood, and the digits before it,
        // to fall back to when the groups do not end in three digits.
        let mut first_sep: Option<(usize, usize)> = None;
        let mut last_group = 0usize;
        loop {
            if j < b.len() && b[j].is_ascii_digit() {
                int_digits.push(b[j] as char);
                last_group += 1;
                j += 1;
            } else if s[j..].starts_with(ts) && group_follows(s, j + ts.len_utf8(), style) {
                first_sep.get_or_insert((j, int_digits.len()));
                last_group = 0;
                j += ts.len_utf8();
            } else {
                break;
            }
        }
        if let Some((at, n)) = first_sep
            && last_group != 3
        {
            j = at;
            int_digits.truncate(n);
        }
        let had_sep = first_sep.is_some_and(|(at, _)| at < j);
        let mut decimals = 0u32;
        let mut frac = String::new();
        if s[j..].starts_with(ds) && b.get(j + ds.len_utf8()).is_some_and(u8::is_ascii_digit) {
            j += ds.len_utf8();
            while j < b.len() && b[j].is_ascii_digit() {
                frac.push(b[j] as char);
                decimals += 1;
                j += 1;
            }
        }
        let mut scale = 1.0;
        let mut percent = false;
        let mut currency = false;
        let mut k = j;
        // `12,3 %` and `1.234 €`: a sign after the digits, perhaps after a
        // space (the euro is the currency written after the amount).
        let after_sign = {
            let rest = &s[k..];
            let r = rest.strip_prefix([' ', '\u{a0}']).unwrap_or(rest);
            match r.chars().next() {
                Some(c @ ('%' | '€'))
                    if c == '%' || !r[c.len_utf8()..].starts_with(|d: char| d.is_ascii_digit()) =>
                {
                    Some((s.len() - r.len() + c.len_utf8(), c))
                }
                _ => None,
            }
        };
        if k < b.len() && b[k] == b'%' {
            percent = true;
            k += 1;
        } else if let Some((end, c)) = after_sign {
            if c == '%' {
                percent = true;
            } else {
                currency = true;
            }
            k = end;
        } else if k < b.len() && matches!(b[k], b'k' | b'K' | b'm' | b'M' | b'b' | b'B') {
            let after = s[k + 1..].chars().next();
            if !after.is_some_and(char::is_alphanumeric) {
                scale = match b[k] {
                    b'k' | b'K' => 1e3,
                    b'm' | b'M' => 1e6,
                    _ => 1e9,
                };
                k += 1;
            }
        }
        let next = s[k..].chars().next();
        let next2 = s[k..].chars().nth(1);
        let glued_after = next.is_some_and(|c| c.is_alphanumeric() || c == '_')
            || (next.is_some_and(|c| matches!(c, '-' | '/' | ':' | '.') || c == ds)
                && next2.is_some_and(|c| c.is_ascii_digit()));
        if glued_before || glued_after {
            i = k.max(i + 1);
            continue;
        }
        let Ok(mut value) =
            format!("{int_digits}.{}", if frac.is_empty() { "0" } else { &frac }).parse::<f64>()
        else {
            i = k.max(i + 1);
            continue;
        };
        // Sign and currency written before the digits.
        let mut start = i;
        let before = &s[..i];
        let mut trimmed = before;
        if let Some(c) = trimmed.chars().next_back()
            && matches!(c, '$' | '€' | '£' | '¥' | '₹')
        {
            currency = true;
            trimmed = &trimmed[..trimmed.len() - c.len_utf8()];
            start = trimmed.len();
        } else if let Some(code) = trimmed.strip_suffix(' ')
            && code.len() >= 3
            && code.is_char_boundary(code.len() - 3)
            && code[code.len() - 3..]
                .bytes()
                .all(|b| b.is_ascii_uppercase())
            && !code[..code.len() - 3]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            // An ISO currency code before the amount (`AED 1,200`).
            currency = true;
            trimmed = &code[..code.len() - 3];
            start = trimmed.len();
        }
        if let Some(c) = trimmed.chars().next_back()
            && matches!(c, '-' | '−' | '(')
            && !trimmed[..trimmed.len() - c.len_utf8()]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        {
            value = -value;
            start = trimmed.len() - c.len_utf8();
        }
        let decorated = currency || had_sep || decimals > 0 || percent || scale != 1.0;
        let year_like = !decorated && (1900.0..=2100.0).contains(&value) && frac.is_empty();
        if !year_like {
            let unit = 0.5 * 10f64.powi(-(decimals as i32)) * scale;
            let (value, tolerance) = if percent {
                (value * scale / 100.0, unit / 100.0)
            } else {
                (value * scale, unit)
            };
            out.push(Typed {
                start,
                end: k,
                value,
                tolerance,
                percent,
                text: s[start..k].to_owned(),
                decorated,
            });
        }
        i = k.max(i + 1);
    }
    out
}

/// Whether a group of digits follows a thousands separator at byte `k`:
/// three digits, or in Indian grouping two digits and another separator
/// (`12,34,567`). Whether the groups end in three digits is the caller's
/// to check.
fn group_follows(s: &str, k: usize, style: &NumberStyle) -> bool {
    let b = s.as_bytes();
    let run = b
        .get(k..)
        .map_or(0, |r| r.iter().take_while(|c| c.is_ascii_digit()).count());
    match run {
        3 => true,
        2 if style.grouping == Grouping::Indian => s[k + 2..]
            .strip_prefix(style.thousands)
            .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())),
        _ => false,
    }
}

/// The words of the same sentence before `at`, nearest first, at most ten.
pub(crate) fn window(s: &str, at: usize, floor: usize) -> Vec<String> {
    let before = &s[floor..at];
    let cut = before
        .char_indices()
        .filter(|(i, c)| {
            matches!(c, '!' | '?' | ';' | '\n' | '\u{1}')
                || (*c == '.'
                    && before[i + 1..]
                        .chars()
                        .next()
                        .is_some_and(char::is_whitespace))
        })
        .map(|(i, c)| i + c.len_utf8())
        .next_back()
        .unwrap_or(0);
    let w = words(&before[cut..]);
    w.into_iter().rev().take(10).collect()
}

/// Text units of an artifact that may quote numbers: paragraphs, list
/// items, table rows, bullets, lines (of text files and pdf pages), email
/// paragraphs. Fields become a barrier character.
pub(crate) fn units(a: &Artifact) -> Vec<String> {
    fn runs(inl: &[Inline]) -> String {
        inl.iter()
            .map(|i| match i {
                Inline::Text { text, .. } => text.as_str(),
                Inline::Field(_) => "\u{1}",
            })
            .collect()
    }
    fn table(t: &simdesk_model::Table, out: &mut Vec<String>) {
        for row in &t.rows {
            out.push(row.iter().map(|c| runs(c)).collect::<Vec<_>>().join(" | "));
        }
    }
    let mut out = Vec::new();
    match a {
        Artifact::Document(d) => {
            for b in &d.blocks {
                match b {
                    Block::Paragraph { inlines } => out.push(runs(inlines)),
                    Block::List { items, .. } => out.extend(items.iter().map(|i| runs(&i.inlines))),
                    Block::Table(t) => table(t, &mut out),
                    Block::Heading { .. } | Block::PageBreak => {}
                }
            }
        }
        Artifact::Deck(d) => {
            for s in &d.slides {
                out.extend(s.bullets.iter().map(|b| runs(&b.inlines)));
                if let Some(t) = &s.table {
                    table(t, &mut out);
                }
            }
        }
        Artifact::Text(t) => out.extend(t.content.lines().map(str::to_owned)),
        Artifact::Pdf(p) => {
            for page in &p.pages {
                out.extend(page.text.lines().map(str::to_owned));
            }
        }
        Artifact::Email(m) => out.extend(m.body.iter().map(|p| runs(&p.inlines))),
        Artifact::Workbook(_) | Artifact::Binary(_) => {}
    }
    out
}

fn typed(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mut cache: BTreeMap<VPath, Vec<Label>> = BTreeMap::new();
    let ws = cx.ws;
    let style = world_style(ws);
    for (path, a) in ws.artifacts() {
        let prose = match a {
            Artifact::Document(_) | Artifact::Deck(_) => true,
            Artifact::Text(t) => matches!(t.format, TextFormat::Plain | TextFormat::Markdown),
            _ => false,
        };
        if !prose {
            continue;
        }
        // Exports and copies mirror their source; stale-export covers them.
        if cx.edges_into(path).any(|e| {
            matches!(
                e.kind,
                simdesk_engine::EdgeKind::Export | simdesk_engine::EdgeKind::Copy
            )
        }) {
            continue;
        }
        let texts = units(a);
        if !texts.iter().any(|t| t.bytes().any(|b| b.is_ascii_digit())) {
            continue;
        }
        // Workbooks this text is connected to: first those linked to it by
        // an edge, then (only when those have no matching label) those in
        // its folder, so an older version lying beside the workbook it
        // quotes does not make the quote ambiguous.
        let mut linked: BTreeSet<VPath> = BTreeSet::new();
        for e in cx.edges_into(path).chain(cx.edges_from(path)) {
            for p in [&e.source, &e.dependent] {
                if p != path && matches!(ws.artifact(p), Some(Artifact::Workbook(_))) {
                    linked.insert(p.clone());
                }
            }
        }
        let mut near: BTreeSet<VPath> = BTreeSet::new();
        if let Some(dir) = path.parent() {
            for e in ws.list(&dir) {
                if e.kind == Some(simdesk_model::ArtifactKind::Workbook)
                    && !linked.contains(&e.path)
                {
                    near.insert(e.path);
                }
            }
        }
        if linked.is_empty() && near.is_empty() {
            continue;
        }
        let mut tier = |books: &BTreeSet<VPath>| -> Vec<Label> {
            books
                .iter()
                .flat_map(|b| {
                    cache
                        .entry(b.clone())
                        .or_insert_with(|| {
                            ws.artifact(b).map_or_else(Vec::new, |a| labels_of(b, a))
                        })
                        .clone()
                })
                .collect()
        };
        let tiers = [tier(&linked), tier(&near)];
        let mut seen = BTreeSet::new();
        for t in &texts {
            let mut floor = 0;
            for n in scan_numbers(t, &style) {
                let win = window(t, n.start, floor);
                floor = n.end;
                let verdict = tiers
                    .iter()
                    .find_map(|labels| judge(path, t, &n, &win, labels));
                if let Some(Some(d)) = verdict
                    && seen.insert(d.message.clone())
                {
                    out.push(d);
                }
            }
        }
    }
}

/// How a typed number compares with the labels whose words precede it.
pub(crate) enum Verdict<'l> {
    /// A candidate label holds the number (at the precision written).
    Agrees(&'l Label),
    /// No candidate agrees and exactly one lies within a factor of two:
    /// a wrong or outdated quote of that label.
    Disagrees(&'l Label),
    /// Candidates exist, but none is clearly the one quoted.
    Unclear,
}

/// Compares one typed number with the labels whose words precede it:
/// `None` when no label is a candidate.
pub(crate) fn judge_number<'l>(
    n: &Typed,
    win: &[String],
    labels: &'l [Label],
) -> Option<Verdict<'l>> {
    // A bare number (`9`) is judged only against a count: a label whose
    // value is a whole number.
    let eligible = |l: &Label| n.decorated || l.value.fract() == 0.0;
    // Every label word among the label's length plus four nearest words.
    let matched: Vec<&Label> = labels
        .iter()
        .filter(|l| eligible(l))
        .filter(|l| {
            let near = &win[..win.len().min(l.words.len() + 4)];
            l.words.iter().all(|w| near.contains(w))
        })
        .collect();
    let best = matched.iter().map(|l| l.words.len()).max()?;
    let cands: Vec<&Label> = matched
        .into_iter()
        .filter(|l| l.words.len() == best && l.percent == n.percent)
        .collect();
    if cands.is_empty() {
        return None;
    }
    let agrees = |l: &Label| (l.value - n.value).abs() <= n.tolerance + 1e-9 * l.value.abs();
    if let Some(l) = cands.iter().find(|l| agrees(l)) {
        return Some(Verdict::Agrees(l));
    }
    let near: BTreeMap<String, &Label> = cands
        .iter()
        .filter(|l| {
            l.value != 0.0 && {
                let r = n.value / l.value;
                (0.5..=2.0).contains(&r)
            }
        })
        .map(|l| (l.shown.clone(), *l))
        .collect();
    let near_len = near.len();
    Some(match near.into_iter().next().filter(|_| near_len == 1) {
        Some((_, l)) => Verdict::Disagrees(l),
        None => Verdict::Unclear,
    })
}

/// The text around a typed number, shortened, fields shown as `…`.
pub(crate) fn excerpt(text: &str) -> String {
    let s = text.replace('\u{1}', "…");
    let chars: Vec<char> = s.chars().collect();
    if chars.len() > 120 {
        format!("{}…", chars[..120].iter().collect::<String>())
    } else {
        s
    }
}

/// The finding for a typed number that disagrees with label `l`.
pub(crate) fn mismatch(path: &VPath, text: &str, n: &Typed, l: &Label) -> Diagnostic {
    Diagnostic::warning(
        Code::QuotedValueMismatch,
        format!(
            "{path} says {} for {:?}, but {} shows {} (in: {:?})",
            n.text,
            l.text,
            l.at,
            l.shown,
            excerpt(text)
        ),
    )
    .with_ref(whole(path))
    .with_ref(l.at.clone())
    .with_hint(format!(
        "type {} or, better, quote {} through a field so it stays current",
        l.shown, l.at
    ))
}

/// Compares one typed number with the labels whose words precede it:
/// `None` when no label is a candidate, `Some(None)` when the number
/// agrees or the comparison is ambiguous, `Some(Some(finding))` when it
/// disagrees.
fn judge(
    path: &VPath,
    text: &str,
    n: &Typed,
    win: &[String],
    labels: &[Label],
) -> Option<Option<Diagnostic>> {
    judge_number(n, win, labels).map(|v| match v {
        Verdict::Disagrees(l) => Some(mismatch(path, text, n, l)),
        Verdict::Agrees(_) | Verdict::Unclear => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A folder read from disk has no profile: its formats' locale tags
    /// tell how its prose writes numbers.
    #[test]
    fn a_folder_without_a_profile_is_read_by_its_formats_tags() {
        assert_eq!(
            format_style("[$-407]#,##0\" €\""),
            Some(NumberStyle::CONTINENTAL)
        );
        assert_eq!(
            format_style("[$-4009]\"₹\"#,##0;(\"₹\"#,##0)"),
            Some(NumberStyle::INDIAN)
        );
        assert_eq!(
            format_style("[$€-407]#,##0.00"),
            Some(NumberStyle::CONTINENTAL)
        );
        assert_eq!(format_style("[$$-409]#,##0"), None);
        assert_eq!(format_style("$#,##0"), None);
        let world = |fmt: &str| {
            use simdesk_model::{Cell, Op, Persona, Sheet, SimTime, Workbook};
            let start = SimTime::from_ymd(2026, 1, 5).expect("date");
            let mut ws = simdesk_engine::Workspace::new(start, Persona::default());
            let mut sheet = Sheet::new("Summary");
            for row in 0..3 {
                let mut c = Cell::value(1234.5);
                c.format = Some(fmt.to_owned());
                sheet.cells.insert(CellAddr::new(row, 1), c);
            }
            let path: VPath = "/w/Budget.xlsx".parse().expect("path");
            let artifact = Artifact::Workbook(Workbook {
                sheets: vec![sheet],
            });
            ws.apply(Op::Create {
                path,
                artifact: artifact.into(),
            });
            world_style(&ws)
        };
        assert_eq!(world("[$-407]#,##0\" €\""), NumberStyle::CONTINENTAL);
        assert_eq!(world("[$-4009]\"₹\"#,##0"), NumberStyle::INDIAN);
        assert_eq!(world("$#,##0"), NumberStyle::WESTERN);
    }

    fn nums(s: &str) -> Vec<(String, f64)> {
        nums_in(s, &NumberStyle::WESTERN)
    }

    fn nums_in(s: &str, style: &NumberStyle) -> Vec<(String, f64)> {
        scan_numbers(s, style)
            .into_iter()
            .map(|t| (t.text, t.value))
            .collect()
    }

    /// A German world writes `1.234,56`: read with its style, that is
    /// 1234.56; read as a US figure it would be 1.234 and 56.
    #[test]
    fn figures_of_a_german_world_read_with_its_separators() {
        let s = "Fees after discount: 1.234,56 € and a rate of 12,5 %; total 2.450.000 €, 3 items, 05.01.2026.";
        assert_eq!(
            nums_in(s, &NumberStyle::CONTINENTAL),
            vec![
                ("1.234,56 €".to_owned(), 1234.56),
                ("12,5 %".to_owned(), 0.125),
                ("2.450.000 €".to_owned(), 2_450_000.0),
                ("3".to_owned(), 3.0),
            ]
        );
        let us = nums_in(s, &NumberStyle::WESTERN);
        assert!(
            !us.iter().any(|(_, v)| (*v - 1234.56).abs() < 1e-9),
            "a US reading must not find 1234.56: {us:?}"
        );
        assert!(us.iter().any(|(_, v)| (*v - 1.234).abs() < 1e-9), "{us:?}");
    }

    /// An Indian world groups by lakh and crore: `₹12,34,567` is 1234567
    /// (and a Western grouping of the same amount reads the same).
    #[test]
    fn figures_of_an_indian_world_read_with_lakh_grouping() {
        let s = "Budget ₹12,34,567, spent ₹1,23,45,678.50 of -₹1,234,567; odd 1,23 and 12,34 stay apart.";
        assert_eq!(
            nums_in(s, &NumberStyle::INDIAN),
            vec![
                ("₹12,34,567".to_owned(), 1_234_567.0),
                ("₹1,23,45,678.50".to_owned(), 12_345_678.5),
                ("-₹1,234,567".to_owned(), -1_234_567.0),
                ("1".to_owned(), 1.0),
                ("23".to_owned(), 23.0),
                ("12".to_owned(), 12.0),
                ("34".to_owned(), 34.0),
            ]
        );
        let us = nums_in(s, &NumberStyle::WESTERN);
        assert_eq!(us[0], ("₹12".to_owned(), 12.0), "a US reading stops at 12");
    }

    #[test]
    fn scans_typed_numbers() {
        assert_eq!(
            nums("Total portfolio value: $22,192.00 as of Q4 2025 (v2), up 3.5% or -$1.2M."),
            vec![
                ("$22,192.00".to_owned(), 22192.0),
                ("3.5%".to_owned(), 0.035),
                ("-$1.2M".to_owned(), -1_200_000.0)
            ]
        );
        assert!(nums("due 2026-01-31 at 09:30, ref A1").is_empty());
        assert_eq!(nums("12 clients")[0].1, 12.0);
    }

    #[test]
    fn amounts_in_other_currencies_are_money_not_years() {
        assert_eq!(
            nums("Fees: AED 2000, ₹2025 and £1,200; in 2026 (FY 2025)."),
            vec![
                ("AED 2000".to_owned(), 2000.0),
                ("₹2025".to_owned(), 2025.0),
                ("£1,200".to_owned(), 1200.0),
            ]
        );
    }

    #[test]
    fn windows_stop_at_sentences() {
        let s = "Fees were low. Total value: 10";
        let w = window(s, s.len() - 2, 0);
        assert!(w.contains(&"total".to_owned()) && !w.contains(&"fees".to_owned()));
    }
}
