//! Domain invariants as data: the rules a template's world must satisfy
//! (`[[invariants]]` in `pack.toml`), and their evaluation.
//!
//! A rule is typed data with a `kind`: a value in a band that depends on
//! an attribute or a row's key (`range`), a column as a ratio of others
//! (`ratio`), the share of matching rows (`share`), values ordered by rank
//! (`monotonic`), one value per key in a file or in the whole world with
//! plausible moves between dates (`one_value`), a column that never falls
//! from one data file to the next (`grows`), and an assumption that follows
//! a tiered schedule (`tiered`). The generator draws values that satisfy
//! them (`generate/draws.rs`); [`check_invariants`] reads a generated
//! [`WorldSpec`](crate::WorldSpec) back, independently of how it was made,
//! and reports every rule a world breaks.

mod facts;

use std::collections::BTreeMap;

use serde::Deserialize;

pub use facts::check_invariants;

use crate::expr::Val;
use crate::pack::Pack;

/// What a rule talks about: `column:KEY` (a data column, per row),
/// `assumption:KEY`, `kpi:KEY` (a key figure) or `attribute:KEY` (an
/// entity attribute the tracker shows).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub enum Subject {
    /// A data column, per row.
    Column(String),
    /// An assumption of the entity's workbook.
    Assumption(String),
    /// A key figure of the entity's workbook.
    Kpi(String),
    /// An entity attribute.
    Attribute(String),
}

impl TryFrom<String> for Subject {
    type Error = String;
    fn try_from(s: String) -> Result<Subject, String> {
        let (kind, key) = s
            .split_once(':')
            .ok_or_else(|| format!("{s:?}: expected column:, assumption:, kpi: or attribute:"))?;
        let key = key.to_owned();
        match kind {
            "column" => Ok(Subject::Column(key)),
            "assumption" => Ok(Subject::Assumption(key)),
            "kpi" => Ok(Subject::Kpi(key)),
            "attribute" => Ok(Subject::Attribute(key)),
            _ => Err(format!(
                "{s:?}: expected column:, assumption:, kpi: or attribute:"
            )),
        }
    }
}

impl std::fmt::Display for Subject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Subject::Column(k) => write!(f, "column:{k}"),
            Subject::Assumption(k) => write!(f, "assumption:{k}"),
            Subject::Kpi(k) => write!(f, "kpi:{k}"),
            Subject::Attribute(k) => write!(f, "attribute:{k}"),
        }
    }
}

/// One rule a template's world satisfies, tagged by `kind`.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Invariant {
    /// A value lies in a band.
    Range(RangeRule),
    /// A data column is a ratio of the sum of other columns, in a band.
    Ratio(RatioRule),
    /// The value share of the rows matching a filter lies in a band.
    Share(ShareRule),
    /// A column's values never decrease along a ranking of a key column.
    Monotonic(MonotonicRule),
    /// One value per key (per file or across the world and dates).
    OneValue(OneValueRule),
    /// A column never falls from one data file to the next.
    Grows(GrowsRule),
    /// An assumption is the blended rate of a tiered schedule.
    Tiered(TieredRule),
    /// A text column takes only the values its key allows (a job title
    /// its level allows).
    Allowed(AllowedRule),
}

/// The band for this key: the key's band, else the single `range`.
pub(crate) fn band_of(
    bands: &BTreeMap<String, [f64; 2]>,
    range: Option<[f64; 2]>,
    key: Option<&str>,
) -> Option<[f64; 2]> {
    key.and_then(|k| bands.get(k).copied()).or(range)
}

/// `kind = "range"`: `value` lies in the band of its `by` key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RangeRule {
    /// The value: a column (per row), an assumption or a key figure.
    pub value: Subject,
    /// What picks the band: an attribute, or a column of the same row.
    #[serde(default)]
    pub by: Option<Subject>,
    /// Band per key of `by` (an attribute value or a row's key).
    #[serde(default)]
    pub bands: BTreeMap<String, [f64; 2]>,
    /// The band when there is no `by`.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
}

/// `kind = "ratio"`: per row, `column / (sum of of)` lies in a band.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatioRule {
    /// The data column drawn as the ratio times the base.
    pub column: String,
    /// Data columns summed into the base.
    pub of: Vec<String>,
    /// What picks the band: an attribute or a column of the same row.
    #[serde(default)]
    pub by: Option<Subject>,
    /// A second key, a column of the same row: a band keyed
    /// `FIRST/SECOND` (`Structure/Sitework`: a trade's share billed in a
    /// phase) is used before the band of `FIRST` alone.
    #[serde(default)]
    pub then_by: Option<Subject>,
    /// Band per key of `by` (an attribute value or a row's key), or per
    /// `by/then_by` pair.
    #[serde(default)]
    pub bands: BTreeMap<String, [f64; 2]>,
    /// The band when there is no `by`.
    #[serde(default)]
    pub range: Option<[f64; 2]>,
}

impl RatioRule {
    /// The band for a row whose keys are `first` (of `by`) and `second`
    /// (of `then_by`): the pair's band, else `first`'s, else `range`.
    pub fn band(&self, first: Option<&str>, second: Option<&str>) -> Option<[f64; 2]> {
        first
            .zip(second)
            .and_then(|(a, b)| self.bands.get(&format!("{a}/{b}")).copied())
            .or_else(|| band_of(&self.bands, self.range, first))
    }
}

/// `kind = "share"`: `sum(quantity * price)` over rows whose
/// `filter_column` equals `equals`, over the same sum on all rows, lies in
/// the band of attribute `by`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ShareRule {
    /// Column compared with `equals`.
    pub filter_column: String,
    /// The value that selects rows.
    pub equals: String,
    /// Quantity column (the generator scales it).
    pub quantity: String,
    /// Price column.
    pub price: String,
    /// The attribute whose value picks the band.
    pub by: String,
    /// Band per attribute value.
    pub bands: BTreeMap<String, [f64; 2]>,
}

/// `kind = "monotonic"`: every value of `column` on a row whose `key` ranks
/// higher in `order` (lowest first) is at least every value on a lower one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MonotonicRule {
    /// The ranking column.
    pub key: String,
    /// The value column.
    pub column: String,
    /// Keys from the lowest rank to the highest.
    pub order: Vec<String>,
}

/// `kind = "allowed"`: on every row, `column` is one of the values
/// `values` lists for the row's `key` (a job title the row's level
/// allows: no "Staff Engineer" at L2, no "Analyst" at L6). A key the table
/// does not list allows nothing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowedRule {
    /// The key column (a level).
    pub key: String,
    /// The text column it constrains (a job title).
    pub column: String,
    /// The values allowed per key.
    pub values: BTreeMap<String, Vec<String>>,
}

/// Where a `one_value` rule holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ValueScope {
    /// Within each data file.
    File,
    /// Across every data file of the world dated the same day.
    World,
}

/// `kind = "one_value"`: rows with the same `key` have the same `column`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OneValueRule {
    /// The key column (a ticker, a timekeeper).
    pub key: String,
    /// The value column (a price, a rate).
    pub column: String,
    /// Within a file or across the world.
    pub scope: ValueScope,
    /// World scope: a later file's value differs from the start's by at
    /// most `daily * sqrt(days)` (relative).
    #[serde(default)]
    pub daily: Option<f64>,
}

/// `kind = "grows"`: a data file that replaces an earlier one never has a
/// lower value of `column` on the same row (counts to date).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GrowsRule {
    /// The column.
    pub column: String,
}

/// `kind = "tiered"`: `assumption` equals the blended rate of the schedule
/// on the key figure `base` (rounded to the assumption's decimals).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TieredRule {
    /// The assumption (a fee rate).
    pub assumption: String,
    /// The key figure the schedule applies to (total value).
    pub base: String,
    /// `[upper bound, rate]` per tier, ascending bounds.
    pub tiers: Vec<[f64; 2]>,
    /// The rate above the last bound.
    pub above: f64,
}

impl TieredRule {
    /// The blended rate of the schedule on `amount`.
    pub fn blended(&self, amount: f64) -> f64 {
        if amount <= 0.0 {
            return self.tiers.first().map_or(self.above, |t| t[1]);
        }
        let mut fee = 0.0;
        let mut low = 0.0;
        for [high, rate] in &self.tiers {
            if amount <= low {
                break;
            }
            fee += (amount.min(*high) - low).max(0.0) * rate;
            low = *high;
        }
        if amount > low {
            fee += (amount - low) * self.above;
        }
        fee / amount
    }
}

impl Invariant {
    /// The rule's kind as written in `pack.toml`.
    pub fn kind(&self) -> &'static str {
        match self {
            Invariant::Range(_) => "range",
            Invariant::Ratio(_) => "ratio",
            Invariant::Share(_) => "share",
            Invariant::Monotonic(_) => "monotonic",
            Invariant::OneValue(_) => "one_value",
            Invariant::Grows(_) => "grows",
            Invariant::Tiered(_) => "tiered",
            Invariant::Allowed(_) => "allowed",
        }
    }
}

/// One broken rule in one generated world.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// Index of the rule in the template's `[[invariants]]`.
    pub rule: usize,
    /// The rule's kind.
    pub kind: &'static str,
    /// Where: the workbook or data file concerned.
    pub at: String,
    /// What is wrong, with the values.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "rule {} ({}) at {}: {}",
            self.rule, self.kind, self.at, self.message
        )
    }
}

/// Checks the rules' names against the pack: columns, assumptions, key
/// figures and attributes exist, attributes are shown by the tracker,
/// bands are ordered and meet the assumption's range.
pub(crate) fn check_rules(p: &Pack) -> Result<(), String> {
    let col = |k: &str| {
        if p.dataset.columns.iter().any(|c| c.key == k) {
            Ok(())
        } else {
            Err(format!("no data column {k}"))
        }
    };
    let attr = |k: &str| {
        if !p.entity.attributes.contains_key(k) {
            Err(format!("no entity attribute {k}"))
        } else if !p.tracker.attributes.iter().any(|a| a[1] == k) {
            Err(format!("attribute {k} is not shown by the tracker"))
        } else {
            Ok(())
        }
    };
    let subject = |s: &Subject| match s {
        Subject::Column(k) => col(k),
        Subject::Assumption(k) => p
            .workbook
            .assumptions
            .iter()
            .any(|a| &a.key == k)
            .then_some(())
            .ok_or_else(|| format!("no assumption {k}")),
        Subject::Kpi(k) => p
            .workbook
            .kpis
            .iter()
            .any(|a| &a.key == k)
            .then_some(())
            .ok_or_else(|| format!("no key figure {k}")),
        Subject::Attribute(k) => attr(k),
    };
    let bands = |bands: &BTreeMap<String, [f64; 2]>,
                 range: Option<[f64; 2]>,
                 by: &Option<Subject>|
     -> Result<(), String> {
        for (k, [lo, hi]) in bands
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .chain(range.map(|r| ("range", r)))
        {
            if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
                return Err(format!("band {k} is not [low, high]"));
            }
        }
        match by {
            Some(Subject::Column(_) | Subject::Attribute(_)) if !bands.is_empty() => Ok(()),
            Some(s) => Err(format!("by = {s}: needs a column or attribute and bands")),
            None if range.is_some() && bands.is_empty() => Ok(()),
            None => Err("without by, give range (and no bands)".into()),
        }
    };
    for (i, r) in p.invariants.iter().enumerate() {
        let res = match r {
            Invariant::Range(r) => {
                subject(&r.value)?;
                if let Some(b) = &r.by {
                    subject(b)?;
                    if matches!(b, Subject::Column(_)) && !matches!(r.value, Subject::Column(_)) {
                        return Err(format!("invariant {i}: by a column needs a column value"));
                    }
                }
                if matches!(r.value, Subject::Attribute(_)) {
                    return Err(format!("invariant {i}: an attribute is not a number"));
                }
                if matches!(r.value, Subject::Kpi(_))
                    && !matches!(r.by, Some(Subject::Attribute(_)))
                {
                    return Err(format!(
                        "invariant {i}: a key figure's band needs by = attribute:…"
                    ));
                }
                if let Subject::Assumption(k) = &r.value
                    && let Some(a) = p.workbook.assumptions.iter().find(|a| &a.key == k)
                {
                    for (key, [lo, hi]) in &r.bands {
                        if *hi < a.value[0] || *lo > a.value[1] {
                            return Err(format!(
                                "invariant {i}: band {key} misses assumption {k}'s range"
                            ));
                        }
                    }
                }
                bands(&r.bands, r.range, &r.by)
            }
            Invariant::Ratio(r) => {
                col(&r.column)?;
                for o in &r.of {
                    col(o)?;
                }
                if let Some(b) = &r.by {
                    subject(b)?;
                }
                match (&r.by, &r.then_by) {
                    (_, None) => {}
                    (Some(_), Some(t @ Subject::Column(_))) => subject(t)?,
                    (None, Some(_)) => return Err(format!("invariant {i}: then_by needs by")),
                    (_, Some(t)) => {
                        return Err(format!("invariant {i}: then_by = {t} needs a column"));
                    }
                }
                bands(&r.bands, r.range, &r.by)
            }
            Invariant::Share(r) => {
                col(&r.filter_column)?;
                col(&r.quantity)?;
                col(&r.price)?;
                attr(&r.by)?;
                bands(&r.bands, None, &Some(Subject::Attribute(r.by.clone())))
            }
            Invariant::Monotonic(r) => {
                col(&r.key)?;
                col(&r.column)?;
                if r.order.len() < 2 {
                    Err("order needs two keys or more".into())
                } else {
                    Ok(())
                }
            }
            Invariant::OneValue(r) => {
                col(&r.key)?;
                col(&r.column)
            }
            Invariant::Grows(r) => col(&r.column),
            Invariant::Allowed(r) => {
                col(&r.key)?;
                col(&r.column)?;
                if r.key == r.column {
                    Err("key and column are the same column".into())
                } else if r.values.is_empty() {
                    Err("values lists no key".into())
                } else if let Some((k, _)) = r.values.iter().find(|(_, v)| v.is_empty()) {
                    Err(format!("values.{k} allows nothing"))
                } else {
                    Ok(())
                }
            }
            Invariant::Tiered(r) => {
                subject(&Subject::Assumption(r.assumption.clone()))?;
                subject(&Subject::Kpi(r.base.clone()))?;
                if r.tiers.is_empty() || r.tiers.windows(2).any(|w| w[0][0] >= w[1][0]) {
                    Err("tiers need ascending bounds".into())
                } else {
                    Ok(())
                }
            }
        };
        res.map_err(|e| format!("invariant {i} ({}): {e}", r.kind()))?;
    }
    Ok(())
}

/// One entity's data as a world states it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facts {
    /// Data rows, values in dataset column order (`None`: empty cell).
    pub rows: Vec<Vec<Option<Val>>>,
    /// Assumptions by key.
    pub asm: BTreeMap<String, f64>,
    /// Key figures by key.
    pub kpi: BTreeMap<String, f64>,
    /// Attributes by key.
    pub attrs: BTreeMap<String, String>,
}

/// Slack for values written with rounding.
const EPS: f64 = 1e-9;

fn num(v: Option<&Option<Val>>) -> Option<f64> {
    match v {
        Some(Some(Val::Num(n))) => Some(*n),
        _ => None,
    }
}

fn text(v: Option<&Option<Val>>) -> Option<String> {
    match v {
        Some(Some(Val::Text(t))) => Some(t.clone()),
        Some(Some(Val::Num(n))) => Some(format!("{n}")),
        _ => None,
    }
}

fn inside(v: f64, [lo, hi]: [f64; 2], slack: f64) -> bool {
    v >= lo - slack && v <= hi + slack
}

/// Checks the rules that hold within one entity's data file (row-level
/// rules, and with `whole`, the entity-level ones: assumptions, key
/// figures, shares, schedules). Problems as messages.
pub(crate) fn check_entity(pack: &Pack, f: &Facts, whole: bool) -> Vec<(usize, String)> {
    let ci = |k: &str| pack.dataset.columns.iter().position(|c| c.key == k);
    let mut out = Vec::new();
    let key_of = |by: &Option<Subject>, row: &[Option<Val>]| -> Option<Option<String>> {
        match by {
            None => Some(None),
            Some(Subject::Attribute(a)) => f.attrs.get(a).cloned().map(Some),
            Some(Subject::Column(c)) => ci(c).and_then(|i| text(row.get(i))).map(Some),
            Some(_) => None,
        }
    };
    for (i, rule) in pack.invariants.iter().enumerate() {
        match rule {
            Invariant::Range(r) => match &r.value {
                Subject::Column(c) => {
                    let Some(c) = ci(c) else { continue };
                    for (n, row) in f.rows.iter().enumerate() {
                        let (Some(v), Some(k)) = (num(row.get(c)), key_of(&r.by, row)) else {
                            out.push((i, format!("row {}: value or key missing", n + 1)));
                            continue;
                        };
                        match band_of(&r.bands, r.range, k.as_deref()) {
                            Some(b) if inside(v, b, EPS) => {}
                            b => {
                                out.push((i, format!("row {}: {v} for {k:?} outside {b:?}", n + 1)))
                            }
                        }
                    }
                }
                Subject::Assumption(_) | Subject::Kpi(_) if whole => {
                    let v = match &r.value {
                        Subject::Assumption(a) => f.asm.get(a),
                        Subject::Kpi(k) => f.kpi.get(k),
                        _ => None,
                    };
                    let k = key_of(&r.by, &[]);
                    match (v, k) {
                        (Some(v), Some(k)) => match band_of(&r.bands, r.range, k.as_deref()) {
                            Some(b) if inside(*v, b, EPS) => {}
                            b => out.push((i, format!("{}: {v} for {k:?} outside {b:?}", r.value))),
                        },
                        _ => out.push((i, format!("{}: value or key missing", r.value))),
                    }
                }
                _ => {}
            },
            Invariant::Ratio(r) => {
                let (Some(c), Some(of)) = (
                    ci(&r.column),
                    r.of.iter().map(|o| ci(o)).collect::<Option<Vec<_>>>(),
                ) else {
                    continue;
                };
                for (n, row) in f.rows.iter().enumerate() {
                    let base: Option<f64> = of.iter().map(|o| num(row.get(*o))).sum();
                    let (Some(v), Some(base), Some(k), Some(k2)) = (
                        num(row.get(c)),
                        base,
                        key_of(&r.by, row),
                        key_of(&r.then_by, row),
                    ) else {
                        out.push((i, format!("row {}: value, base or key missing", n + 1)));
                        continue;
                    };
                    // The column is rounded; allow what rounding moves.
                    let slack = 1.0 / base.abs().max(1.0);
                    let ratio = if base == 0.0 { 0.0 } else { v / base };
                    match r.band(k.as_deref(), k2.as_deref()) {
                        Some(b) if inside(ratio, b, slack) => {}
                        b => out.push((
                            i,
                            format!(
                                "row {}: ratio {ratio:.4} for {k:?}/{k2:?} outside {b:?}",
                                n + 1
                            ),
                        )),
                    }
                }
            }
            Invariant::Share(r) if whole => {
                let (Some(fc), Some(q), Some(p)) =
                    (ci(&r.filter_column), ci(&r.quantity), ci(&r.price))
                else {
                    continue;
                };
                let (mut part, mut all) = (0.0, 0.0);
                for row in &f.rows {
                    let v = num(row.get(q)).unwrap_or(0.0) * num(row.get(p)).unwrap_or(0.0);
                    all += v;
                    if text(row.get(fc)).as_deref() == Some(r.equals.as_str()) {
                        part += v;
                    }
                }
                let share = if all > 0.0 { part / all } else { 0.0 };
                let band = f.attrs.get(&r.by).and_then(|k| r.bands.get(k)).copied();
                match band {
                    Some(b) if inside(share, b, 1e-6) => {}
                    b => out.push((
                        i,
                        format!(
                            "share {share:.4} for {:?} outside {b:?}",
                            f.attrs.get(&r.by)
                        ),
                    )),
                }
            }
            Invariant::Monotonic(r) => {
                let (Some(kc), Some(vc)) = (ci(&r.key), ci(&r.column)) else {
                    continue;
                };
                let mut by_rank: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
                for row in &f.rows {
                    let (Some(k), Some(v)) = (text(row.get(kc)), num(row.get(vc))) else {
                        continue;
                    };
                    let Some(rank) = r.order.iter().position(|o| *o == k) else {
                        out.push((i, format!("key {k:?} is not in the order")));
                        continue;
                    };
                    let e = by_rank.entry(rank).or_insert((v, v));
                    e.0 = e.0.min(v);
                    e.1 = e.1.max(v);
                }
                let ranks: Vec<_> = by_rank.iter().collect();
                for w in ranks.windows(2) {
                    let ((lr, (_, lmax)), (hr, (hmin, _))) = (w[0], w[1]);
                    if hmin + EPS < *lmax {
                        out.push((
                            i,
                            format!(
                                "{} at {} ({hmin}) below {} at {} ({lmax})",
                                r.column, r.order[*hr], r.column, r.order[*lr]
                            ),
                        ));
                    }
                }
            }
            Invariant::OneValue(r) if r.scope == ValueScope::File => {
                let (Some(kc), Some(vc)) = (ci(&r.key), ci(&r.column)) else {
                    continue;
                };
                let mut seen: BTreeMap<String, f64> = BTreeMap::new();
                for row in &f.rows {
                    let (Some(k), Some(v)) = (text(row.get(kc)), num(row.get(vc))) else {
                        continue;
                    };
                    let first = *seen.entry(k.clone()).or_insert(v);
                    if (first - v).abs() > EPS {
                        out.push((i, format!("{k}: {} is both {first} and {v}", r.column)));
                    }
                }
            }
            Invariant::Allowed(r) => {
                let (Some(kc), Some(vc)) = (ci(&r.key), ci(&r.column)) else {
                    continue;
                };
                for (n, row) in f.rows.iter().enumerate() {
                    let (Some(k), Some(v)) = (text(row.get(kc)), text(row.get(vc))) else {
                        continue;
                    };
                    if !r.values.get(&k).is_some_and(|a| a.contains(&v)) {
                        out.push((
                            i,
                            format!("row {}: {} {v:?} at {} {k:?}", n + 1, r.column, r.key),
                        ));
                    }
                }
            }
            Invariant::Tiered(r) if whole => {
                let decimals = pack
                    .workbook
                    .assumptions
                    .iter()
                    .find(|a| a.key == r.assumption)
                    .map_or(4, |a| a.decimals);
                match (f.asm.get(&r.assumption), f.kpi.get(&r.base)) {
                    (Some(a), Some(b)) => {
                        let want = r.blended(*b);
                        let slack = 0.5 * 10f64.powi(-(decimals as i32)) + EPS;
                        if (a - want).abs() > slack {
                            out.push((
                                i,
                                format!(
                                    "{} is {a} but the schedule gives {want:.6} on {b:.2}",
                                    r.assumption
                                ),
                            ));
                        }
                    }
                    _ => out.push((i, "assumption or base missing".into())),
                }
            }
            _ => {}
        }
    }
    out
}
