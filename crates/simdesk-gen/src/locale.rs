//! Locales: how the persona's country writes money and dates, and the
//! words its institutions use (`templates/_common/locales.toml`).
//!
//! A persona's country picks one [`Locale`]. The generator rewrites every
//! number format of the pack for it ([`Locale::localize_format`]: the
//! currency symbol and a locale tag where the separators or the grouping
//! differ, `[$-407]`, `[$-4009]`), scales the money
//! it draws to the country ([`Locale::money_scale`], applied by
//! [`Pack::localized`](crate::Pack::localized)), writes dates in prose in
//! its formats and gives prose its terms as `locale.DOMAIN.KEY`; data
//! strings of the pack (vocab, table text, roles) get the terms filled in
//! once per locale ([`fill_pack_terms`]), and a pack's `[country_tables]`
//! replace its base tables for personas in that country.
//! [`check_pack_locales`] refuses, when templates load, a pack that
//! operates in a country no locale serves or whose prose uses a term that
//! country's locale lacks; [`check_pack_data`] one whose country tables or
//! data strings do not fit.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use simdesk_model::{CellValue, Grouping, NumberStyle, SimTime, format_value};

/// Where the currency symbol stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Placement {
    /// `£1,200`.
    #[default]
    Before,
    /// `1,200 €`.
    After,
}

/// One country's (or country group's) conventions.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Locale {
    /// Countries it serves, spelled as `locations` spell them.
    pub countries: Vec<String>,
    /// ISO 4217 currency code (`SGD`).
    pub currency: String,
    /// Symbol written with amounts (`S$`, `£`, `AED `).
    pub symbol: String,
    /// Where the symbol stands.
    #[serde(default)]
    pub placement: Placement,
    /// Decimal separator in prose.
    pub decimal: char,
    /// Thousands separator in prose.
    pub thousands: char,
    /// How digits are grouped: `western` (`1,234,567`) or `indian`
    /// (`12,34,567`; cells show it through the locale tag, `[$-4009]`).
    #[serde(default)]
    pub grouping: Grouping,
    /// The Windows locale id every number format is tagged with
    /// (`407`, hex, for `[$-407]`; `4009` for India) so a spreadsheet
    /// shows the country's separators and grouping; required where they
    /// are not `.`, `,` and groups of three.
    #[serde(default)]
    pub lcid: Option<String>,
    /// How many units of the currency a drawn amount of one US dollar is
    /// worth here: the amounts a pack draws (salaries, fees, budgets) are
    /// stated for the US and multiplied by this. Not an exchange rate: what
    /// a professional is paid and charges, so India's is nearer the
    /// purchasing-power rate than the market rate. Amounts from data tables
    /// (prices of securities) are already in local currency and are not
    /// scaled.
    #[serde(default = "one")]
    pub money_scale: f64,
    /// A date in prose, as an Excel date code (`d mmmm yyyy`).
    pub date_long: String,
    /// A date in tables, as an Excel date code (`dd/mm/yyyy`).
    pub date_short: String,
    /// Terms by domain and key (`terms.legal.court`).
    #[serde(default)]
    pub terms: BTreeMap<String, BTreeMap<String, String>>,
    /// Per-city overrides of terms (`cities.Chicago.legal.court`).
    #[serde(default)]
    pub cities: BTreeMap<String, BTreeMap<String, BTreeMap<String, String>>>,
}

fn one() -> f64 {
    1.0
}

/// What is wrong with the locale table or a pack's use of it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocaleError {
    /// Two locales claim one country.
    #[error("locales {first} and {second} both serve {country}")]
    DuplicateCountry {
        /// The country.
        country: String,
        /// The locale listed first.
        first: String,
        /// The other locale.
        second: String,
    },
    /// A locale's field cannot be used.
    #[error("locale {locale}: {field} {value:?} {reason}")]
    BadField {
        /// Locale id.
        locale: String,
        /// The field (`decimal`, `date_long` …).
        field: &'static str,
        /// Its value.
        value: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// A pack operates in a country no locale serves.
    #[error("template {template}: no locale serves {country}")]
    NoLocale {
        /// Template id.
        template: String,
        /// The country.
        country: String,
    },
    /// A pack operates in a country no location is in.
    #[error("template {template}: no location in {country} to draw a persona from")]
    NoLocation {
        /// Template id.
        template: String,
        /// The country.
        country: String,
    },
    /// A pack's prose uses a term a country's locale lacks.
    #[error("template {template}: operates in {country} but locale {locale} has no term {term}")]
    MissingTerm {
        /// Template id.
        template: String,
        /// The country.
        country: String,
        /// Locale id.
        locale: String,
        /// `DOMAIN.KEY`.
        term: String,
    },
    /// `[country_tables]` names a country the pack does not operate in.
    #[error(
        "template {template}: country_tables.{country:?}: the pack does not operate in {country} (meta.countries)"
    )]
    TableCountry {
        /// Template id.
        template: String,
        /// The country.
        country: String,
    },
    /// Two countries one locale serves both have their own tables: the
    /// pack in that locale's currency could hold only one of them.
    #[error(
        "template {template}: country_tables for both {first} and {second}, which locale {locale} serves together"
    )]
    TableLocale {
        /// Template id.
        template: String,
        /// Locale id.
        locale: String,
        /// The country listed first.
        first: String,
        /// The other country.
        second: String,
    },
    /// A data column shows money taken from a table (`field`), and a
    /// country the pack operates in, whose currency is not the table's,
    /// has no country table for it: its prices would be US-dollar figures
    /// under another currency's symbol (money a pack draws is scaled; a
    /// table's is not).
    #[error(
        "template {template}: operates in {country} ({currency}) but dataset column {column} takes money from table {table}, which has no country_tables.{country:?}.{table}"
    )]
    TableMoney {
        /// Template id.
        template: String,
        /// The country.
        country: String,
        /// Its currency.
        currency: String,
        /// The data column.
        column: String,
        /// The table it reads.
        table: String,
    },
    /// A country table has no `[tables]` table of its name to replace.
    #[error(
        "template {template}: country_tables.{country:?}.{table}: no table {table} in [tables] to replace"
    )]
    TableUnknown {
        /// Template id.
        template: String,
        /// The country.
        country: String,
        /// The table.
        table: String,
    },
    /// A country table's record does not have the base table's columns,
    /// or a column holds another kind of value (text for a number).
    #[error("template {template}: country_tables.{country:?}.{table} record {record}: {problem}")]
    TableRecord {
        /// Template id.
        template: String,
        /// The country.
        country: String,
        /// The table.
        table: String,
        /// The record's position (1-based; 0 when the table is empty).
        record: usize,
        /// What is wrong (`column yield missing`, `column price is text,
        /// the base table's is a number`).
        problem: String,
    },
    /// A data string (vocab, table value, role, employer, expression)
    /// holds `{{ … }}` that is not a term (`{{ locale.DOMAIN.KEY }}`,
    /// optionally `| capitalize`, `| upper` or `| lower`): data is not a
    /// template, only terms are filled in.
    #[error("template {template}: {place}: {text:?} {problem}")]
    DataText {
        /// Template id.
        template: String,
        /// Where the string is (`vocab.stage`, `tables.securities`).
        place: String,
        /// The string.
        text: String,
        /// What is wrong.
        problem: String,
    },
}

/// Checks the table itself: one locale per country, separators that are
/// separators, date codes that show a day, a month and a year.
pub(crate) fn check_table(locales: &BTreeMap<String, Locale>) -> Result<(), LocaleError> {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, l) in locales {
        for c in &l.countries {
            if let Some(first) = owner.insert(c, id) {
                return Err(LocaleError::DuplicateCountry {
                    country: c.clone(),
                    first: first.to_owned(),
                    second: id.clone(),
                });
            }
        }
        let bad = |field, value: String, reason| LocaleError::BadField {
            locale: id.clone(),
            field,
            value,
            reason,
        };
        for (field, c) in [("decimal", l.decimal), ("thousands", l.thousands)] {
            if !matches!(c, '.' | ',' | ' ' | '\u{a0}' | '\'') {
                return Err(bad(field, c.to_string(), "is not a number separator"));
            }
        }
        if l.decimal == l.thousands {
            return Err(bad(
                "thousands",
                l.thousands.to_string(),
                "is also the decimal separator",
            ));
        }
        if l.symbol.trim().is_empty() || l.symbol.contains('"') {
            return Err(bad(
                "symbol",
                l.symbol.clone(),
                "must be text without quotes",
            ));
        }
        if l.currency.len() != 3 || !l.currency.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(bad(
                "currency",
                l.currency.clone(),
                "is not an ISO 4217 code",
            ));
        }
        if !(l.money_scale.is_finite() && l.money_scale > 0.0) {
            return Err(bad(
                "money_scale",
                l.money_scale.to_string(),
                "is not a positive number",
            ));
        }
        if let Some(id) = &l.lcid
            && u32::from_str_radix(id, 16).is_err()
        {
            return Err(bad("lcid", id.clone(), "is not a hexadecimal locale id"));
        }
        // The locale's money format shows what its separators say:
        // 1234567.5 as `1.234.567,50` for `,` and `.`.
        let style = l.number_style();
        let want = format!("{}{}50", style.group("1234567"), l.decimal);
        let shown = format_value(
            &CellValue::Number(1_234_567.5),
            Some(&l.localize_format("#,##0.00")),
        );
        if shown != want {
            return Err(bad(
                "lcid",
                l.lcid.clone().unwrap_or_default(),
                "does not make formats show the locale's separators and grouping",
            ));
        }
        for (field, code) in [("date_long", &l.date_long), ("date_short", &l.date_short)] {
            // 2026-03-04 must show its day, month and year.
            let shown = format_value(&CellValue::Date(46_085.0), Some(code));
            let has_month = shown.contains("03") || shown.contains("Mar");
            if !(shown.contains("2026") && shown.contains('4') && has_month) {
                return Err(bad(
                    field,
                    code.clone(),
                    "does not show day, month and year",
                ));
            }
        }
    }
    Ok(())
}

/// The `DOMAIN.KEY` terms a text uses as `locale.DOMAIN.KEY`.
pub(crate) fn used_terms(text: &str, out: &mut BTreeSet<String>) {
    let ident = |s: &str| {
        let n = s
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(s.len());
        s[..n].to_owned()
    };
    let mut rest = text;
    while let Some(i) = rest.find("locale.") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "locale.".len()..];
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
            continue;
        }
        let domain = ident(rest);
        let after = &rest[domain.len()..];
        if let Some(tail) = after.strip_prefix('.') {
            let key = ident(tail);
            if !key.is_empty() && !domain.is_empty() {
                out.insert(format!("{domain}.{key}"));
            }
        }
    }
}

/// `text` with every `{{ locale.DOMAIN.KEY }}` (optionally followed by
/// `| capitalize`, `| upper` or `| lower`) replaced by the term `terms`
/// hold, and what could not be filled in: a `{{ … }}` that is not a term,
/// a term `terms` lack or an unclosed `{{`. What cannot be filled in is
/// left as written.
pub(crate) fn fill_terms(
    text: &str,
    terms: &BTreeMap<String, BTreeMap<String, String>>,
) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut problems = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            problems.push("has a {{ without }}".to_owned());
            out.push_str(&rest[open..]);
            return (out, problems);
        };
        let inner = after[..close].trim();
        let whole = &rest[open..open + 2 + close + 2];
        rest = &after[close + 2..];
        let (name, filter) = match inner.split_once('|') {
            Some((n, f)) => (n.trim(), Some(f.trim())),
            None => (inner, None),
        };
        let term = name
            .strip_prefix("locale.")
            .and_then(|t| t.split_once('.'))
            .filter(|(d, k)| {
                let ident = |s: &str| {
                    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                };
                ident(d) && ident(k)
            });
        let Some((domain, key)) = term else {
            problems.push(format!(
                "holds {whole}, which is not a term (data strings take only {{{{ locale.DOMAIN.KEY }}}})"
            ));
            out.push_str(whole);
            continue;
        };
        let Some(value) = terms.get(domain).and_then(|d| d.get(key)) else {
            problems.push(format!("uses term {domain}.{key}, which the locale lacks"));
            out.push_str(whole);
            continue;
        };
        match filter {
            None => out.push_str(value),
            Some("upper") => out.push_str(&value.to_uppercase()),
            Some("lower") => out.push_str(&value.to_lowercase()),
            // As minijinja's `capitalize`: the first letter upper case,
            // the rest lower.
            Some("capitalize") => {
                let mut cs = value.chars();
                if let Some(first) = cs.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(&cs.as_str().to_lowercase());
                }
            }
            Some(f) => {
                problems.push(format!(
                    "filters a term with {f:?} (data strings know capitalize, upper and lower)"
                ));
                out.push_str(whole);
            }
        }
    }
    out.push_str(rest);
    (out, problems)
}

/// The locale serving `country`, with its id.
pub(crate) fn for_country<'l>(
    locales: &'l BTreeMap<String, Locale>,
    country: &str,
) -> Option<(&'l str, &'l Locale)> {
    locales
        .iter()
        .find(|(_, l)| l.countries.iter().any(|c| c == country))
        .map(|(id, l)| (id.as_str(), l))
}

/// Refuses a pack that operates in a country without a location, without
/// a locale, or whose locale lacks a term `texts` use.
pub(crate) fn check_pack_locales<'a>(
    template: &str,
    countries: &[String],
    locations: &[crate::pack::Location],
    locales: &BTreeMap<String, Locale>,
    texts: impl IntoIterator<Item = &'a str>,
) -> Result<(), LocaleError> {
    let mut terms = BTreeSet::new();
    for t in texts {
        used_terms(t, &mut terms);
    }
    for country in countries {
        if !locations.iter().any(|l| &l.country == country) {
            return Err(LocaleError::NoLocation {
                template: template.to_owned(),
                country: country.clone(),
            });
        }
        let (id, loc) = for_country(locales, country).ok_or_else(|| LocaleError::NoLocale {
            template: template.to_owned(),
            country: country.clone(),
        })?;
        for term in &terms {
            let (domain, key) = term.split_once('.').unwrap_or((term, ""));
            if !loc.terms.get(domain).is_some_and(|d| d.contains_key(key)) {
                return Err(LocaleError::MissingTerm {
                    template: template.to_owned(),
                    country: country.clone(),
                    locale: id.to_owned(),
                    term: term.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Refuses a pack whose `[country_tables]` name a country it does not
/// operate in (or two countries one locale serves), replace no
/// `[tables]` table, or hold records without the base table's columns
/// and kinds of value; and a pack whose data strings (see
/// [`Pack::localized`](crate::pack::Pack::localized)) hold a `{{ … }}`
/// that is not a term of each country it operates in.
pub(crate) fn check_pack_data(
    template: &str,
    pack: &crate::pack::Pack,
    locales: &BTreeMap<String, Locale>,
) -> Result<(), LocaleError> {
    let countries = &pack.meta.countries;
    for (country, tables) in &pack.country_tables {
        let operates = if countries.is_empty() {
            for_country(locales, country).is_some()
        } else {
            countries.contains(country)
        };
        if !operates {
            return Err(LocaleError::TableCountry {
                template: template.to_owned(),
                country: country.clone(),
            });
        }
        for (name, records) in tables {
            let base = pack
                .tables
                .get(name)
                .ok_or_else(|| LocaleError::TableUnknown {
                    template: template.to_owned(),
                    country: country.clone(),
                    table: name.clone(),
                })?;
            let bad = |record: usize, problem: String| LocaleError::TableRecord {
                template: template.to_owned(),
                country: country.clone(),
                table: name.clone(),
                record,
                problem,
            };
            if records.is_empty() {
                return Err(bad(0, "the table is empty".into()));
            }
            let Some(first) = base.first() else {
                return Err(bad(
                    0,
                    "the base table is empty: it has no columns to match".into(),
                ));
            };
            for (i, r) in records.iter().enumerate() {
                for (column, want) in first {
                    let Some(v) = r.get(column) else {
                        return Err(bad(i + 1, format!("column {column} missing")));
                    };
                    if value_kind(v) != value_kind(want) {
                        return Err(bad(
                            i + 1,
                            format!(
                                "column {column} is {}, the base table's is {}",
                                value_kind(v),
                                value_kind(want)
                            ),
                        ));
                    }
                }
                if let Some(extra) = r.keys().find(|k| !first.contains_key(*k)) {
                    return Err(bad(
                        i + 1,
                        format!("column {extra} is not in the base table"),
                    ));
                }
            }
        }
    }
    for (id, l) in locales {
        let mut served = pack
            .country_tables
            .keys()
            .filter(|c| l.countries.contains(c));
        if let (Some(first), Some(second)) = (served.next(), served.next()) {
            return Err(LocaleError::TableLocale {
                template: template.to_owned(),
                locale: id.clone(),
                first: first.clone(),
                second: second.clone(),
            });
        }
    }
    // Money a table holds is in US dollars unless a country replaces it.
    let table_money = pack.dataset.records.as_ref().and_then(|table| {
        pack.dataset
            .columns
            .iter()
            .find(|c| {
                c.field.is_some()
                    && c.format
                        .as_deref()
                        .is_some_and(crate::money::is_money_format)
            })
            .map(|c| (table, c))
    });
    if let Some((table, column)) = table_money {
        for country in countries {
            let Some((_, l)) = for_country(locales, country) else {
                continue;
            };
            let local = pack
                .country_tables
                .get(country)
                .is_some_and(|t| t.contains_key(table));
            if l.currency != "USD" && !local {
                return Err(LocaleError::TableMoney {
                    template: template.to_owned(),
                    country: country.clone(),
                    currency: l.currency.clone(),
                    column: column.key.clone(),
                    table: table.clone(),
                });
            }
        }
    }
    for country in countries {
        let Some((_, l)) = for_country(locales, country) else {
            continue;
        };
        let mut p = pack.clone();
        if let Some((place, text, problem)) = fill_pack_terms(&mut p, &l.terms).into_iter().next() {
            return Err(LocaleError::DataText {
                template: template.to_owned(),
                place,
                text,
                problem: format!("(for {country}): {problem}"),
            });
        }
    }
    Ok(())
}

/// Fills `{{ locale.DOMAIN.KEY }}` (optionally `| capitalize`, `| upper`
/// or `| lower`) in the pack's data strings with `terms`: vocab words,
/// text values of tables, job titles and earlier roles, employer
/// names, collaborator roles, the entity's contact role and string
/// literals of expressions (`countif(stage, "{{ locale.legal.x }}")`
/// counts the word the vocab now holds). Returns what could not be
/// filled, as (where, string, problem); those strings stay as written.
///
/// Sheet names, column headers and labels stay as the pack writes them
/// (the invariant checker finds a workbook's figures by label), and so
/// do values an invariant names (band keys, `equals`): write those in
/// words every country uses. Strings that are minijinja templates
/// (names, stems, subjects, bodies) see the terms as `locale` when
/// they render.
pub(crate) fn fill_pack_terms(
    p: &mut crate::pack::Pack,
    terms: &BTreeMap<String, BTreeMap<String, String>>,
) -> Vec<(String, String, String)> {
    let mut problems = Vec::new();
    let mut fill = |place: String, s: &mut String| {
        if !s.contains("{{") {
            return;
        }
        let (filled, found) = crate::locale::fill_terms(s, terms);
        problems.extend(found.into_iter().map(|p| (place.clone(), s.clone(), p)));
        *s = filled;
    };
    for (i, r) in p.meta.roles.iter_mut().enumerate() {
        fill(format!("meta.roles[{i}]"), r);
    }
    for (i, r) in p.meta.earlier_roles.iter_mut().enumerate() {
        fill(format!("meta.earlier_roles[{i}]"), r);
    }
    for (i, e) in p.meta.employers.iter_mut().enumerate() {
        fill(format!("meta.employers[{i}].name"), &mut e.name);
    }
    for (name, words) in &mut p.vocab {
        for w in words {
            fill(format!("vocab.{name}"), w);
        }
    }
    for (name, records) in &mut p.tables {
        for r in records {
            for (column, v) in r.iter_mut() {
                if let toml::Value::String(s) = v {
                    fill(format!("tables.{name}.{column}"), s);
                }
            }
        }
    }
    for c in &mut p.collaborators {
        fill(format!("collaborators.{}.role", c.key), &mut c.role);
    }
    fill("entity.contact_role".to_owned(), &mut p.entity.contact_role);
    for m in &mut p.workbook.model {
        fill(format!("workbook.model.{}.expr", m.key), &mut m.expr);
    }
    for k in &mut p.workbook.kpis {
        fill(format!("workbook.kpis.{}.expr", k.key), &mut k.expr);
    }
    for k in &mut p.tracker.kpis {
        fill(format!("tracker.kpis.{}.expr", k.key), &mut k.expr);
    }
    problems
}

/// What kind of value a table cell holds (integers and floats are both
/// numbers).
fn value_kind(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "text",
        toml::Value::Integer(_) | toml::Value::Float(_) => "a number",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "a list",
        toml::Value::Table(_) => "a table",
    }
}

impl Locale {
    /// The symbol as a quoted literal of a number format (`"S$"`); `$`
    /// stays bare, as Excel writes it.
    fn format_symbol(&self) -> String {
        if self.symbol == "$" {
            "$".to_owned()
        } else {
            format!("\"{}\"", self.symbol)
        }
    }

    /// How this locale writes numbers (what the world records for whoever
    /// reads its figures back).
    pub fn number_style(&self) -> NumberStyle {
        NumberStyle {
            decimal: self.decimal,
            thousands: self.thousands,
            grouping: self.grouping,
        }
    }

    /// A number format for this locale: dollar signs replaced by its
    /// symbol, before or after the number (`$#,##0;($#,##0)` →
    /// `"£"#,##0;("£"#,##0)`; `$` inside quotes, after `\` or inside `[…]`
    /// is left alone), tagged with the locale id (`[$-407]`, `[$-4009]`)
    /// where the locale has one: the tag is what makes a spreadsheet (and
    /// [`format_value`]) write German separators or India's lakh and crore
    /// grouping, negatives and crores included. Rewriting a rewritten
    /// format changes nothing.
    pub fn localize_format(&self, fmt: &str) -> String {
        // The pack's alias for its money format: it names
        // `meta.money_format`, which is localized itself.
        if fmt == "money" {
            return fmt.to_owned();
        }
        let with_symbol = self.with_symbol(fmt);
        match &self.lcid {
            Some(id) if !with_symbol.contains("[$-") => format!("[$-{id}]{with_symbol}"),
            _ => with_symbol,
        }
    }

    /// `fmt` with its dollar signs in this locale's currency.
    fn with_symbol(&self, fmt: &str) -> String {
        if self.symbol == "$" && self.placement == Placement::Before {
            return fmt.to_owned();
        }
        let sym = self.format_symbol();
        let mut out = String::with_capacity(fmt.len() + 8);
        let mut section = String::new();
        let mut had_money = false;
        let flush = |section: &mut String, had_money: &mut bool, out: &mut String| {
            if *had_money && self.placement == Placement::After {
                let at = section
                    .rfind(['0', '#', '?'])
                    .map_or(section.len(), |i| i + 1);
                section.insert_str(at, &format!("\" {}\"", self.symbol.trim()));
            }
            out.push_str(section);
            section.clear();
            *had_money = false;
        };
        for (c, bare) in crate::money::format_chars(fmt) {
            match c {
                '$' if bare => {
                    had_money = true;
                    if self.placement == Placement::Before {
                        section.push_str(&sym);
                    }
                    continue;
                }
                ';' if bare => {
                    flush(&mut section, &mut had_money, &mut out);
                    out.push(';');
                    continue;
                }
                _ => {}
            }
            section.push(c);
        }
        flush(&mut section, &mut had_money, &mut out);
        out
    }

    /// Text a number format shows. The format carries the locale (see
    /// [`Locale::localize_format`]), so this is what a spreadsheet and the
    /// engine show for the same cell.
    pub fn show(&self, value: &CellValue, format: Option<&str>) -> String {
        format_value(value, format)
    }

    /// A date in prose (`4 March 2026`).
    pub fn long_date(&self, t: SimTime) -> String {
        format_value(
            &CellValue::Date(t.excel_serial().floor()),
            Some(&self.date_long),
        )
    }

    /// A date in a table (`04/03/2026`).
    pub fn short_date(&self, t: SimTime) -> String {
        format_value(
            &CellValue::Date(t.excel_serial().floor()),
            Some(&self.date_short),
        )
    }

    /// The terms prose sees as `locale.DOMAIN.KEY`, with `city`'s
    /// overrides applied.
    pub fn terms_for(&self, city: &str) -> BTreeMap<String, BTreeMap<String, String>> {
        let mut terms = self.terms.clone();
        if let Some(over) = self.cities.get(city) {
            for (domain, kv) in over {
                let d = terms.entry(domain.clone()).or_default();
                for (k, v) in kv {
                    d.insert(k.clone(), v.clone());
                }
            }
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(symbol: &str, placement: Placement) -> Locale {
        Locale {
            countries: vec![],
            currency: "EUR".into(),
            symbol: symbol.into(),
            placement,
            decimal: '.',
            thousands: ',',
            grouping: Grouping::Western,
            lcid: None,
            money_scale: 1.0,
            date_long: "d mmmm yyyy".into(),
            date_short: "dd/mm/yyyy".into(),
            terms: BTreeMap::new(),
            cities: BTreeMap::new(),
        }
    }

    #[test]
    fn money_formats_take_the_locale_symbol() {
        let gb = loc("£", Placement::Before);
        assert_eq!(
            gb.localize_format("$#,##0;($#,##0)"),
            "\"£\"#,##0;(\"£\"#,##0)"
        );
        assert_eq!(gb.localize_format("0.0%"), "0.0%");
        assert_eq!(gb.localize_format("\"$\"0 [$€-407]0"), "\"$\"0 [$€-407]0");
        let de = Locale {
            decimal: ',',
            thousands: '.',
            lcid: Some("407".into()),
            ..loc("€", Placement::After)
        };
        assert_eq!(de.localize_format("$#,##0.00"), "[$-407]#,##0.00\" €\"");
        assert_eq!(
            de.show(
                &CellValue::Number(-1234.5),
                Some(&de.localize_format("$#,##0.00"))
            ),
            "-1.234,50 €"
        );
        let sg = loc("S$", Placement::Before);
        assert_eq!(
            format_value(
                &CellValue::Number(1500.0),
                Some(&sg.localize_format("$#,##0"))
            ),
            "S$1,500"
        );
    }

    #[test]
    fn indian_grouping_comes_from_the_locale_tag() {
        let inr = Locale {
            grouping: Grouping::Indian,
            lcid: Some("4009".into()),
            ..loc("₹", Placement::Before)
        };
        let f = inr.localize_format("$#,##0.00");
        assert_eq!(f, "[$-4009]\"₹\"#,##0.00");
        assert_eq!(inr.localize_format(&f), f, "rewriting is idempotent");
        let signed = inr.localize_format("$#,##0;($#,##0)");
        for (v, want) in [
            (500.0, "₹500"),
            (75_000.0, "₹75,000"),
            (1_234_567.0, "₹12,34,567"),
            (30_000_000.0, "₹3,00,00,000"),
            (-1_628_000.0, "(₹16,28,000)"),
            (-5_000.0, "(₹5,000)"),
        ] {
            assert_eq!(inr.show(&CellValue::Number(v), Some(&signed)), want, "{v}");
        }
        assert_eq!(
            inr.show(&CellValue::Number(1_234_567.891), Some(&f)),
            "₹12,34,567.89"
        );
        assert_eq!(inr.localize_format("money"), "money", "the pack's alias");
    }

    #[test]
    fn a_locale_whose_formats_miss_its_separators_is_refused() {
        let mut de = Locale {
            decimal: ',',
            thousands: '.',
            countries: vec!["Germany".into()],
            ..loc("€", Placement::After)
        };
        let table = |l: &Locale| BTreeMap::from([("de".to_owned(), l.clone())]);
        let err = check_table(&table(&de)).expect_err("no lcid");
        assert!(err.to_string().contains("lcid"), "{err}");
        de.lcid = Some("407".into());
        check_table(&table(&de)).expect("German separators");
        de.money_scale = 0.0;
        assert!(check_table(&table(&de)).is_err());
        let mut inr = Locale {
            grouping: Grouping::Indian,
            countries: vec!["India".into()],
            ..loc("₹", Placement::Before)
        };
        let err = check_table(&table(&inr)).expect_err("lakh without a tag");
        assert!(err.to_string().contains("lcid"), "{err}");
        inr.lcid = Some("4009".into());
        check_table(&table(&inr)).expect("lakh and crore");
    }

    #[test]
    fn dates_follow_the_locale() {
        let t = SimTime::from_ymd(2026, 3, 4).expect("date");
        let ie = loc("€", Placement::Before);
        assert_eq!(ie.long_date(t), "4 March 2026");
        assert_eq!(ie.short_date(t), "04/03/2026");
    }

    #[test]
    fn data_strings_take_terms_and_nothing_else() {
        let terms = BTreeMap::from([(
            "construction".to_owned(),
            BTreeMap::from([("retention".to_owned(), "retention".to_owned())]),
        )]);
        let fill = |s: &str| fill_terms(s, &terms);
        assert_eq!(
            fill(
                "{{ locale.construction.retention | capitalize }} held, {{locale.construction.retention}}"
            ),
            ("Retention held, retention".to_owned(), vec![])
        );
        assert_eq!(fill("no terms"), ("no terms".to_owned(), vec![]));
        for (text, problem) in [
            ("{{ locale.construction.punch_list }}", "lacks"),
            ("{{ one.place }}", "not a term"),
            ("{{ locale.construction }}", "not a term"),
            ("{{ locale.construction.retention | title }}", "filters"),
            ("open {{ locale.construction.retention", "without"),
        ] {
            let (out, found) = fill(text);
            assert_eq!(out, text, "{text}: left as written");
            assert!(
                found.len() == 1 && found[0].contains(problem),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn terms_used_by_prose_are_found() {
        let mut out = BTreeSet::new();
        used_terms(
            "{{ locale.legal.court }} {{locale.hr.leave_policy|upper}} {{ locale.currency }} mylocale.x.y",
            &mut out,
        );
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            ["hr.leave_policy", "legal.court"]
        );
    }
}
