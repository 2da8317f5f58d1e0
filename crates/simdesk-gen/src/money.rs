//! Money a pack draws, scaled to the persona's country.
//!
//! A pack states the amounts it draws in US terms (a salary band of
//! $62,000–$88,000, a partner's rate of $650–$900 an hour). For a country
//! whose [`Locale::money_scale`](crate::Locale::money_scale) is not 1, the
//! localized pack ([`Pack::localized`]) multiplies exactly these, so an
//! Indian salary reads as rupees of an Indian salary and every rule the
//! world keeps still holds:
//!
//! - data columns **drawn** as numbers (`num`, `int`) whose format is money
//!   (a bare `$` or `money`): their range and their `round_to` step (to a
//!   round step: 1, 2 or 5 × 10ⁿ);
//! - assumptions whose format is money, and the `new_value` range of an
//!   objective that changes one;
//! - the bands of `range` rules on such a column or assumption, or on a key
//!   figure whose format is money; the bands of `ratio` rules by the units
//!   of the ratio (impressions per unit of spend scale by `1 / scale`,
//!   invoiced over budget not at all); the tier bounds of `tiered` rules;
//! - amounts prose states with the `money` filter (`{{ 500 | money }}`).
//!
//! Not scaled: a column taken from a data table (`field`, such as the price
//! of a security, which a country's table already gives in its currency),
//! percentages, counts and every value computed from the data.

use crate::invariant::{Invariant, Subject};
use crate::pack::{ColumnRecipe, Pack};

/// The characters of a number format, each with whether it is bare:
/// outside quotes, `[…]` tags and `\` escapes, and not one of those
/// delimiters itself (a bare `$` is a currency sign, a bare `;` ends a
/// section).
pub(crate) fn format_chars(fmt: &str) -> impl Iterator<Item = (char, bool)> + '_ {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    fmt.chars().map(move |c| {
        if escaped {
            escaped = false;
            return (c, false);
        }
        let syntax = match c {
            '"' if !bracket => {
                quoted = !quoted;
                true
            }
            '\\' if !quoted && !bracket => {
                escaped = true;
                true
            }
            '[' if !quoted => {
                bracket = true;
                true
            }
            ']' if !quoted && bracket => {
                bracket = false;
                true
            }
            _ => false,
        };
        (c, !syntax && !quoted && !bracket)
    })
}

/// True when a number format shows money: `money` (the pack's money
/// format) or a `$` outside quotes, escapes and `[…]` tags.
pub(crate) fn is_money_format(fmt: &str) -> bool {
    fmt == "money" || format_chars(fmt).any(|(c, bare)| bare && c == '$')
}

/// Whether a data column is money the pack draws (not a table's).
fn drawn_money(c: &ColumnRecipe) -> bool {
    c.field.is_none()
        && (c.num.is_some() || c.int.is_some())
        && c.format.as_deref().is_some_and(is_money_format)
}

/// The round step nearest `x` (on a log scale) among 1, 2 and 5 × 10ⁿ.
fn round_step(x: f64) -> f64 {
    if !(x.is_finite() && x > 0.0) {
        return x;
    }
    let base = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * base)
        .min_by(|a, b| (a / x).ln().abs().total_cmp(&(b / x).ln().abs()))
        .unwrap_or(x)
}

impl Pack {
    /// Multiplies the money this pack draws by `scale` (see the module
    /// documentation for exactly what that is). Formats are read before
    /// they are localized: call this on the pack as written.
    pub(crate) fn scale_money(&mut self, scale: f64) {
        if scale == 1.0 {
            return;
        }
        let money_col = |p: &Pack, k: &str| {
            p.dataset
                .columns
                .iter()
                .find(|c| c.key == k)
                .is_some_and(drawn_money)
        };
        let money_asm = |p: &Pack, k: &str| {
            p.workbook
                .assumptions
                .iter()
                .find(|a| a.key == k)
                .is_some_and(|a| a.format.as_deref().is_some_and(is_money_format))
        };
        let money_kpi = |p: &Pack, k: &str| {
            p.workbook
                .kpis
                .iter()
                .find(|a| a.key == k)
                .is_some_and(|a| a.format.as_deref().is_some_and(is_money_format))
        };
        // Rules first: they ask the recipes (unchanged yet) what is money.
        let mut invariants = std::mem::take(&mut self.invariants);
        for rule in &mut invariants {
            match rule {
                Invariant::Range(r) => {
                    let money = match &r.value {
                        Subject::Column(k) => money_col(self, k),
                        Subject::Assumption(k) => money_asm(self, k),
                        Subject::Kpi(k) => money_kpi(self, k),
                        Subject::Attribute(_) => false,
                    };
                    if money {
                        scale_bands(&mut r.bands, &mut r.range, scale);
                    }
                }
                Invariant::Ratio(r) => {
                    let top = money_col(self, &r.column);
                    let bottom: Vec<bool> = r.of.iter().map(|o| money_col(self, o)).collect();
                    // A base that mixes money and counts has no unit: its
                    // bands stay as written.
                    let factor = match (top, bottom.iter().all(|b| *b), bottom.iter().any(|b| *b)) {
                        (true, false, false) => Some(scale),
                        (false, true, _) => Some(1.0 / scale),
                        _ => None,
                    };
                    if let Some(f) = factor {
                        scale_bands(&mut r.bands, &mut r.range, f);
                    }
                }
                Invariant::Tiered(r) => {
                    for t in &mut r.tiers {
                        t[0] *= scale;
                    }
                }
                Invariant::Share(_)
                | Invariant::Allowed(_)
                | Invariant::Monotonic(_)
                | Invariant::OneValue(_)
                | Invariant::Grows(_) => {}
            }
        }
        self.invariants = invariants;
        let money_assumptions: Vec<String> = self
            .workbook
            .assumptions
            .iter()
            .filter(|a| money_asm(self, &a.key))
            .map(|a| a.key.clone())
            .collect();
        for o in &mut self.objectives {
            if let (Some(a), Some(v)) = (&o.assumption, o.new_value.as_mut())
                && money_assumptions.contains(a)
            {
                v[0] *= scale;
                v[1] *= scale;
            }
        }
        for a in &mut self.workbook.assumptions {
            if money_assumptions.contains(&a.key) {
                a.value[0] *= scale;
                a.value[1] *= scale;
            }
        }
        for c in &mut self.dataset.columns {
            if !drawn_money(c) {
                continue;
            }
            if let Some(r) = c.num.as_mut() {
                r[0] *= scale;
                r[1] *= scale;
            }
            if let Some(r) = c.int.as_mut() {
                r[0] = (r[0] as f64 * scale).round() as i64;
                r[1] = (r[1] as f64 * scale).round() as i64;
            }
            if let Some(step) = c.round_to.as_mut() {
                *step = round_step(*step * scale);
            }
        }
    }
}

fn scale_bands(
    bands: &mut std::collections::BTreeMap<String, [f64; 2]>,
    range: &mut Option<[f64; 2]>,
    f: f64,
) {
    for b in bands.values_mut().chain(range.iter_mut()) {
        b[0] *= f;
        b[1] *= f;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_formats_are_told_from_others() {
        for (f, want) in [
            ("$#,##0", true),
            ("money", true),
            ("$#,##0;($#,##0)", true),
            ("#,##0", false),
            ("0.0%", false),
            ("\"$\"0", false),
            ("[$€-407]0", false),
            ("\\$0", false),
        ] {
            assert_eq!(is_money_format(f), want, "{f}");
        }
    }

    #[test]
    fn steps_stay_round() {
        for (x, want) in [
            (150.0, 200.0),
            (4.5, 5.0),
            (15_000.0, 20_000.0),
            (375.0, 500.0),
            (3.0, 2.0),
            (7.5, 10.0),
            (1.0, 1.0),
        ] {
            assert_eq!(round_step(x), want, "{x}");
        }
    }
}
