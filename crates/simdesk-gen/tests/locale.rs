//! Locale follows the persona (issue 16), on every template × several
//! seeds: the persona's country decides the currency amounts show in prose
//! and mail and the money formats of workbook cells, how prose writes
//! dates, and the words institutions go by; nothing American leaks into a
//! world elsewhere.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_gen::{Locale, Template, WorldSpec};
use simdesk_model::Artifact;

use crate::common::{DateStyle, dates_in, make, short_date_code, templates};

const SEEDS: std::ops::Range<u64> = 0..10;

/// Symbols an amount may carry, longest first so `S$` wins over `$`.
const SYMBOLS: [&str; 7] = ["HK$", "AED ", "S$", "$", "£", "€", "₹"];

/// Words only a US world uses, and a term each template must take from
/// its locale.
const US_ONLY: [&str; 8] = [
    " IRA",
    "401(k)",
    "Roth ",
    "SUPERIOR COURT",
    "PRAYER FOR RELIEF",
    "(PTO)",
    "6 feet",
    "supervised persons",
];

fn locale_of<'t>(t: &'t Template, spec: &WorldSpec) -> (&'t Locale, String) {
    let loc = spec.persona.profile.get("location").expect("location");
    let country = loc["country"].as_str().expect("country");
    let city = loc["city"].as_str().expect("city").to_owned();
    let l = t
        .common
        .locales
        .values()
        .find(|l| l.countries.iter().any(|c| c == country))
        .unwrap_or_else(|| panic!("{}: no locale for {country}", t.id));
    (l, city)
}

/// The symbols amounts in `text` carry (a symbol directly before a digit).
fn amount_symbols(text: &str) -> BTreeMap<&'static str, usize> {
    let mut out = BTreeMap::new();
    for (i, c) in text.char_indices() {
        if !c.is_ascii_digit() {
            continue;
        }
        let before = &text[..i];
        if before.ends_with(|c: char| c.is_ascii_digit() || c == ',' || c == '.') {
            continue;
        }
        if let Some(s) = SYMBOLS.iter().find(|s| before.ends_with(**s)) {
            *out.entry(*s).or_default() += 1;
        }
    }
    out
}

/// `$` outside quotes and currency tags: a dollar money format.
fn bare_dollar(fmt: &str) -> bool {
    let (mut quoted, mut bracket) = (false, false);
    fmt.chars().any(|c| {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '$' if !quoted && !bracket => return true,
            _ => {}
        }
        false
    })
}

/// What is wrong with one world's locale, as lines.
fn problems(t: &Template, spec: &WorldSpec) -> Vec<String> {
    let (l, city) = locale_of(t, spec);
    let us = l.currency == "USD";
    let mut bad = Vec::new();
    let ws = simdesk_gen::build(spec).expect("builds");
    let mut prose = String::new();
    let mut symbols: BTreeMap<&str, usize> = BTreeMap::new();
    let mut formats = BTreeSet::new();
    let short = short_date_code(spec);
    let mut long_dates = 0;
    for (p, a) in ws.artifacts() {
        if let Artifact::Workbook(w) = a {
            for s in &w.sheets {
                for c in s.cells.values() {
                    if let Some(f) = &c.format {
                        formats.insert(f.clone());
                    }
                }
            }
            continue;
        }
        if matches!(p.extension(), Some("csv")) {
            continue;
        }
        let text = simdesk_engine::plain_text(a);
        for (s, n) in amount_symbols(&text) {
            *symbols.entry(s).or_default() += n;
        }
        let document = !matches!(a, Artifact::Email(_));
        for (d, style) in dates_in(&text, &short) {
            let want = if l.date_long.starts_with('m') {
                DateStyle::MonthDay
            } else {
                DateStyle::DayMonth
            };
            match style {
                DateStyle::DayMonth | DateStyle::MonthDay if style != want => {
                    bad.push(format!(
                        "{p}: date {d} written {style:?}, locale writes {want:?}"
                    ));
                }
                DateStyle::DayMonth | DateStyle::MonthDay => long_dates += 1,
                // A document's own prose writes no ISO dates (file names in
                // mail may).
                DateStyle::Iso if document && short != "yyyy-mm-dd" => {
                    bad.push(format!("{p}: ISO date {d} in prose"));
                }
                _ => {}
            }
        }
        prose.push_str(&text);
        prose.push('\n');
    }
    if long_dates == 0 {
        bad.push("no date in prose at all".into());
    }
    let symbol = l.symbol.as_str();
    for (s, n) in &symbols {
        if *s != symbol {
            bad.push(format!(
                "{n} amounts in {s}, locale {} uses {symbol}",
                l.currency
            ));
        }
    }
    if !symbols.contains_key(symbol) && SYMBOLS.contains(&symbol) {
        bad.push(format!("no amount in {symbol} in prose"));
    }
    let money: Vec<&String> = formats
        .iter()
        .filter(|f| bare_dollar(f) || f.contains(&format!("\"{symbol}\"")))
        .collect();
    if money.is_empty() {
        bad.push(format!("no cell format in {symbol}"));
    }
    for f in money {
        if bare_dollar(f) != (symbol == "$") {
            bad.push(format!("cell format {f:?} in a {} world", l.currency));
        }
    }
    if !us {
        for w in US_ONLY {
            if prose.contains(w) {
                bad.push(format!("US-only {w:?} in a {} world", l.currency));
            }
        }
    }
    // The term each template takes from its locale is there.
    let terms = l.terms_for(&city);
    let want: &[(&str, &str)] = match t.id.as_str() {
        "financial-advisor" => &[("finance", "retirement_account"), ("finance", "regulator")],
        "paralegal" => &[("legal", "court"), ("legal", "claimant")],
        "hr-business-partner" => &[("hr", "leave_policy")],
        "construction-pm" => &[("construction", "fall_height")],
        "clinical-research-coordinator" => &[("clinical", "ethics_board")],
        _ => &[],
    };
    for (domain, key) in want {
        let term = &terms[*domain][*key];
        if !prose.contains(term.as_str()) {
            bad.push(format!("{domain}.{key} {term:?} appears nowhere"));
        }
    }
    bad
}

#[test]
fn money_dates_and_terms_follow_the_personas_country() {
    let mut all = Vec::new();
    for t in templates() {
        let mut countries = BTreeSet::new();
        for seed in SEEDS {
            let spec = make(&t, seed);
            let country = spec.persona.profile["location"]["country"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            for p in problems(&t, &spec) {
                all.push(format!("{} seed {seed} ({country}): {p}", t.id));
            }
            countries.insert(country);
        }
        if countries.len() < 3 || !countries.iter().any(|c| c != "United States") {
            all.push(format!("{}: personas only in {countries:?}", t.id));
        }
    }
    assert!(
        all.is_empty(),
        "{} problems:\n{}",
        all.len(),
        all.join("\n")
    );
}

/// The check itself catches a world whose locale is not applied: a
/// Singapore persona in a world written in dollars.
#[test]
fn a_world_in_the_wrong_currency_is_caught() {
    let t = templates()
        .into_iter()
        .find(|t| t.id == "paralegal")
        .expect("paralegal");
    let spec = (0..40)
        .map(|s| make(&t, s))
        .find(|s| s.persona.profile["location"]["country"] == "Singapore")
        .expect("a Singapore persona in 40 seeds");
    assert!(problems(&t, &spec).is_empty());
    let mut us = spec.clone();
    us.persona.profile.insert(
        "location".into(),
        serde_json::json!({"city": "Boston", "country": "United States", "timezone": "America/New_York"}),
    );
    let found = problems(&t, &us);
    assert!(
        found.iter().any(|p| p.contains("amounts in S$")),
        "{found:#?}"
    );
    assert!(
        found.iter().any(|p| p.contains("legal.court")),
        "{found:#?}"
    );
}

#[test]
fn amounts_are_read_with_their_symbol() {
    let found = amount_symbols("S$1,200 and $3 and HK$4.5, £7, 12,345 and AED 9 but not A1 or $$");
    assert_eq!(
        found.into_iter().collect::<Vec<_>>(),
        [("$", 1), ("AED ", 1), ("HK$", 1), ("S$", 1), ("£", 1)]
    );
}
