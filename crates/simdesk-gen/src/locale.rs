//! Locales: how the persona's country writes money and dates, and the
//! words its institutions use (`templates/_common/locales.toml`).
//!
//! A persona's country picks one [`Locale`]. The generator rewrites every
//! money format of the pack for it ([`Locale::localize_format`]), writes
//! dates in prose in its formats and gives prose its terms as
//! `locale.DOMAIN.KEY`. [`check_pack_locales`] refuses, when templates
//! load, a pack that operates in a country no locale serves or whose prose
//! uses a term that country's locale lacks.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use simdesk_model::{CellValue, SimTime, format_value};

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

/// A number as a format code shows it (`1,234.50`) with other separators.
pub(crate) fn with_separators(text: &str, decimal: char, thousands: char) -> String {
    if (decimal, thousands) == ('.', ',') {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '.' => decimal,
            ',' => thousands,
            c => c,
        })
        .collect()
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

    /// A number format with its dollar signs replaced by this locale's
    /// symbol, before or after the number (`$#,##0;($#,##0)` →
    /// `"£"#,##0;("£"#,##0)`). `$` inside quotes, after `\` or inside `[…]`
    /// (a currency tag) is left alone; formats without money are returned
    /// unchanged.
    pub fn localize_format(&self, fmt: &str) -> String {
        if self.symbol == "$" && self.placement == Placement::Before {
            return fmt.to_owned();
        }
        let sym = self.format_symbol();
        let mut out = String::with_capacity(fmt.len() + 8);
        let mut section = String::new();
        let mut had_money = false;
        let (mut quoted, mut bracket, mut escaped) = (false, false, false);
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
        for c in fmt.chars() {
            if escaped {
                escaped = false;
                section.push(c);
                continue;
            }
            match c {
                '"' if !bracket => quoted = !quoted,
                '\\' if !quoted && !bracket => escaped = true,
                '[' if !quoted => bracket = true,
                ']' if !quoted => bracket = false,
                '$' if !quoted && !bracket => {
                    had_money = true;
                    if self.placement == Placement::Before {
                        section.push_str(&sym);
                    }
                    continue;
                }
                ';' if !quoted && !bracket => {
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

    /// Text a number format shows, with this locale's separators (a format
    /// code always writes `,` for thousands and `.` for decimals).
    pub fn show(&self, value: &CellValue, format: Option<&str>) -> String {
        let text = format_value(value, format);
        if !matches!(value, CellValue::Number(_)) {
            return text;
        }
        with_separators(&text, self.decimal, self.thousands)
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
            decimal: ',',
            thousands: '.',
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
        let de = loc("€", Placement::After);
        assert_eq!(de.localize_format("$#,##0.00"), "#,##0.00\" €\"");
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
    fn dates_follow_the_locale() {
        let t = SimTime::from_ymd(2026, 3, 4).expect("date");
        let ie = loc("€", Placement::Before);
        assert_eq!(ie.long_date(t), "4 March 2026");
        assert_eq!(ie.short_date(t), "04/03/2026");
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
