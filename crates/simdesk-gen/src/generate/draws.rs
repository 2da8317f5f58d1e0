//! Draws that keep the template's domain rules (`[[invariants]]`): values
//! are drawn inside their bands rather than drawn anywhere and filtered.
//! The evaluator that judges a finished world is `crate::invariant`.

use super::*;
use crate::invariant::{Invariant, Subject, ValueScope, band_of};

/// Values one world's files share: a key's value at the start, and on a
/// later day (`one_value` rules across the world).
#[derive(Debug, Default)]
pub(super) struct WorldValues {
    /// (rule, key) → value at the start.
    start: BTreeMap<(usize, String), f64>,
    /// (rule, day, key) → value that day.
    day: BTreeMap<(usize, String, String), f64>,
}

fn key_text(v: Option<&Val>) -> Option<String> {
    match v {
        Some(Val::Text(t)) => Some(t.clone()),
        Some(Val::Num(n)) => Some(format!("{n}")),
        None => None,
    }
}

fn num(v: Option<&Val>) -> Option<f64> {
    match v {
        Some(Val::Num(n)) => Some(*n),
        _ => None,
    }
}

/// The step a column's values are written in: its `round_to`, else one
/// unit of its last decimal.
fn step_of(c: &ColumnRecipe) -> f64 {
    c.round_to.unwrap_or_else(|| {
        let d = c.decimals.unwrap_or(if c.int.is_some() { 0 } else { 2 });
        10f64.powi(-(d as i32))
    })
}

/// `v` written as the column writes it, and inside `band` (a step inwards
/// when rounding left it).
fn snap(c: &ColumnRecipe, v: f64, band: Option<[f64; 2]>) -> f64 {
    let step = step_of(c);
    let d = c.decimals.unwrap_or(if c.int.is_some() { 0 } else { 2 });
    let mut k = (v / step).round();
    if let Some([lo, hi]) = band {
        if k * step > hi + 1e-9 {
            k = (hi / step).floor();
        }
        if k * step < lo - 1e-9 {
            k = (lo / step).ceil();
        }
    }
    round_to(k * step, d)
}

impl Gen<'_> {
    fn col_of(&self, key: &str) -> Option<usize> {
        self.pack.dataset.columns.iter().position(|c| c.key == key)
    }

    /// The key that picks a row's band: an attribute, a column of the row,
    /// or none (`Some(None)`); `None` when the key is missing.
    fn band_key(
        &self,
        by: Option<&Subject>,
        row: &[Val],
        attrs: &BTreeMap<String, String>,
    ) -> Option<Option<String>> {
        match by {
            None => Some(None),
            Some(Subject::Attribute(a)) => attrs.get(a).cloned().map(Some),
            Some(Subject::Column(c)) => self.col_of(c).and_then(|i| key_text(row.get(i))).map(Some),
            Some(_) => None,
        }
    }

    /// Rows as first drawn, made to keep the row rules: values in their
    /// bands, ratios, one value per key (world and file), ranks in order.
    /// `fresh`: a new draw (values are drawn in their bands); otherwise a
    /// changed file (values out of band are moved back, or their key
    /// follows them).
    pub(super) fn keep_row_rules(
        &mut self,
        rows: &mut [Vec<Val>],
        attrs: &BTreeMap<String, String>,
        fresh: bool,
    ) {
        let pack = self.pack;
        for (i, rule) in pack.invariants.iter().enumerate() {
            if let Invariant::OneValue(r) = rule
                && r.scope == ValueScope::World
                && fresh
            {
                let (Some(kc), Some(vc)) = (self.col_of(&r.key), self.col_of(&r.column)) else {
                    continue;
                };
                for row in rows.iter_mut() {
                    let (Some(k), Some(v)) = (key_text(row.get(kc)), num(row.get(vc))) else {
                        continue;
                    };
                    let v = *self.world.start.entry((i, k)).or_insert(v);
                    row[vc] = Val::Num(v);
                }
            }
        }
        for rule in &pack.invariants {
            match rule {
                Invariant::Range(r) => {
                    let Subject::Column(c) = &r.value else {
                        continue;
                    };
                    let Some(vc) = self.col_of(c) else { continue };
                    let cr = &pack.dataset.columns[vc];
                    for row in rows.iter_mut() {
                        let Some(key) = self.band_key(r.by.as_ref(), row, attrs) else {
                            continue;
                        };
                        let Some(band) = band_of(&r.bands, r.range, key.as_deref()) else {
                            continue;
                        };
                        if fresh {
                            let v = if cr.int.is_some() {
                                self.rng.int(band[0].ceil() as i64, band[1].floor() as i64) as f64
                            } else {
                                self.rng.num(band[0], band[1])
                            };
                            row[vc] = Val::Num(snap(cr, v, Some(band)));
                            continue;
                        }
                        let Some(v) = num(row.get(vc)) else { continue };
                        if v >= band[0] - 1e-9 && v <= band[1] + 1e-9 {
                            continue;
                        }
                        // The key follows the value when the key is a
                        // column (a subject's visit follows its count).
                        if let Some(Subject::Column(kcol)) = &r.by
                            && let Some(kc) = self.col_of(kcol)
                            && let Some((k, _)) = r
                                .bands
                                .iter()
                                .find(|(_, b)| v >= b[0] - 1e-9 && v <= b[1] + 1e-9)
                        {
                            row[kc] = Val::Text(k.clone());
                            continue;
                        }
                        row[vc] = Val::Num(snap(cr, v.clamp(band[0], band[1]), Some(band)));
                    }
                }
                Invariant::Ratio(r) => {
                    let Some(vc) = self.col_of(&r.column) else {
                        continue;
                    };
                    let Some(of) =
                        r.of.iter()
                            .map(|o| self.col_of(o))
                            .collect::<Option<Vec<_>>>()
                    else {
                        continue;
                    };
                    let cr = &pack.dataset.columns[vc];
                    for row in rows.iter_mut() {
                        let Some(base) = of.iter().map(|o| num(row.get(*o))).sum::<Option<f64>>()
                        else {
                            continue;
                        };
                        let (Some(key), Some(key2)) = (
                            self.band_key(r.by.as_ref(), row, attrs),
                            self.band_key(r.then_by.as_ref(), row, attrs),
                        ) else {
                            continue;
                        };
                        let Some([lo, hi]) = r.band(key.as_deref(), key2.as_deref()) else {
                            continue;
                        };
                        let band = Some([lo * base, hi * base]);
                        let v = if fresh {
                            self.rng.num(lo, hi) * base
                        } else {
                            let v = num(row.get(vc)).unwrap_or(0.0);
                            v.clamp(lo * base, hi * base)
                        };
                        row[vc] = Val::Num(snap(cr, v, band));
                    }
                }
                _ => {}
            }
        }
        for rule in &pack.invariants {
            if let Invariant::OneValue(r) = rule
                && r.scope == ValueScope::File
            {
                let (Some(kc), Some(vc)) = (self.col_of(&r.key), self.col_of(&r.column)) else {
                    continue;
                };
                let mut first: BTreeMap<String, Val> = BTreeMap::new();
                for row in rows.iter_mut() {
                    let Some(k) = key_text(row.get(kc)) else {
                        continue;
                    };
                    let v = first.entry(k).or_insert_with(|| row[vc].clone()).clone();
                    row[vc] = v;
                }
            }
        }
        for rule in &pack.invariants {
            if let Invariant::Monotonic(r) = rule {
                self.rank_order(rows, &r.key, &r.column, &r.order);
            }
        }
        for rule in &pack.invariants {
            // Last, as the rules above may move a key (a level follows its
            // salary): a value its key does not allow is drawn again from
            // those it does (a job title from the row's level's titles).
            if let Invariant::Allowed(r) = rule {
                let (Some(kc), Some(vc)) = (self.col_of(&r.key), self.col_of(&r.column)) else {
                    continue;
                };
                for row in rows.iter_mut() {
                    let Some(allowed) = key_text(row.get(kc)).and_then(|k| r.values.get(&k)) else {
                        continue;
                    };
                    let ok = matches!(row.get(vc), Some(Val::Text(v)) if allowed.contains(v));
                    if !ok && !allowed.is_empty() {
                        row[vc] = Val::Text(self.rng.pick(allowed).clone());
                    }
                }
            }
        }
    }

    /// Reassigns a column's values so that a higher rank never has less:
    /// one value per key when every key has one, else row by row; rows of
    /// one key keep their order.
    fn rank_order(&self, rows: &mut [Vec<Val>], key: &str, column: &str, order: &[String]) {
        let (Some(kc), Some(vc)) = (self.col_of(key), self.col_of(column)) else {
            return;
        };
        let rank =
            |row: &[Val]| key_text(row.get(kc)).and_then(|k| order.iter().position(|o| *o == k));
        let mut per_key: BTreeMap<usize, Vec<f64>> = BTreeMap::new();
        for row in rows.iter() {
            if let (Some(r), Some(v)) = (rank(row), num(row.get(vc))) {
                per_key.entry(r).or_default().push(v);
            }
        }
        let one_each = per_key.values().all(|v| v.windows(2).all(|w| w[0] == w[1]));
        if one_each {
            let mut vals: Vec<f64> = per_key.values().map(|v| v[0]).collect();
            vals.sort_by(f64::total_cmp);
            let by_rank: BTreeMap<usize, f64> = per_key.keys().copied().zip(vals).collect();
            for row in rows.iter_mut() {
                if let Some(v) = rank(row).and_then(|r| by_rank.get(&r)) {
                    row[vc] = Val::Num(*v);
                }
            }
            return;
        }
        let mut vals: Vec<f64> = per_key.values().flatten().copied().collect();
        vals.sort_by(f64::total_cmp);
        let mut idx: Vec<(usize, usize)> = rows
            .iter()
            .enumerate()
            .filter_map(|(i, row)| num(row.get(vc)).and(rank(row)).map(|r| (r, i)))
            .collect();
        idx.sort();
        for ((_, i), v) in idx.into_iter().zip(vals) {
            rows[i][vc] = Val::Num(v);
        }
    }

    /// The entity rules on freshly drawn rows: the value share of matching
    /// rows scaled into the attribute's band. `false` when the rows cannot
    /// hold it (no matching or only matching rows): draw again.
    pub(super) fn keep_share_rules(
        &mut self,
        rows: &mut [Vec<Val>],
        attrs: &BTreeMap<String, String>,
    ) -> bool {
        let pack = self.pack;
        for rule in &pack.invariants {
            let Invariant::Share(r) = rule else { continue };
            let (Some(fc), Some(qc), Some(pc)) = (
                self.col_of(&r.filter_column),
                self.col_of(&r.quantity),
                self.col_of(&r.price),
            ) else {
                continue;
            };
            let Some([lo, hi]) = attrs.get(&r.by).and_then(|k| r.bands.get(k)).copied() else {
                continue;
            };
            let value =
                |row: &[Val]| num(row.get(qc)).unwrap_or(0.0) * num(row.get(pc)).unwrap_or(0.0);
            let matches = |row: &[Val]| key_text(row.get(fc)).as_deref() == Some(r.equals.as_str());
            let part: f64 = rows.iter().filter(|x| matches(x)).map(|x| value(x)).sum();
            let rest: f64 = rows.iter().filter(|x| !matches(x)).map(|x| value(x)).sum();
            if part <= 0.0 || rest <= 0.0 {
                return false;
            }
            let pad = ((hi - lo) * 0.1).min(0.01);
            let target = self.rng.num(lo + pad, hi - pad);
            let f = target * rest / ((1.0 - target) * part);
            let cr = &pack.dataset.columns[qc];
            for row in rows.iter_mut().filter(|x| matches(x)) {
                if let Some(q) = num(row.get(qc)) {
                    row[qc] = Val::Num(snap(cr, q * f, None).max(step_of(cr)));
                }
            }
            let part: f64 = rows.iter().filter(|x| matches(x)).map(|x| value(x)).sum();
            let share = part / (part + rest);
            if !(lo..=hi).contains(&share) {
                return false;
            }
        }
        true
    }

    /// Assumptions with a band by attribute, drawn inside it (and inside
    /// the assumption's own range where the two meet).
    pub(super) fn keep_assumption_rules(
        &mut self,
        asm: &mut [f64],
        attrs: &BTreeMap<String, String>,
    ) {
        let pack = self.pack;
        for rule in &pack.invariants {
            let Invariant::Range(r) = rule else { continue };
            let Subject::Assumption(a) = &r.value else {
                continue;
            };
            let Some(i) = pack.workbook.assumptions.iter().position(|x| &x.key == a) else {
                continue;
            };
            let Some(key) = self.band_key(r.by.as_ref(), &[], attrs) else {
                continue;
            };
            let Some([lo, hi]) = band_of(&r.bands, r.range, key.as_deref()) else {
                continue;
            };
            let spec = &pack.workbook.assumptions[i];
            let (a, b) = (lo.max(spec.value[0]), hi.min(spec.value[1]));
            let (a, b) = if a <= b { (a, b) } else { (lo, hi) };
            let step = 10f64.powi(-(spec.decimals as i32));
            let v = round_to(self.rng.num(a, b), spec.decimals);
            asm[i] = v.clamp((lo / step).ceil() * step, (hi / step).floor() * step);
            asm[i] = round_to(asm[i], spec.decimals);
        }
    }

    /// Rules on the computed workbook: tiered assumptions set from their
    /// schedule (the book recomputed), then attributes whose band a key
    /// figure misses picked again among those whose band holds it.
    pub(super) fn keep_book_rules(
        &mut self,
        rows: &[Vec<Val>],
        asm: &mut [f64],
        book: &mut Book,
        attrs: &mut BTreeMap<String, String>,
    ) -> Result<(), GenError> {
        let pack = self.pack;
        let mut changed = false;
        for rule in &pack.invariants {
            let Invariant::Tiered(r) = rule else { continue };
            let Some(i) = pack
                .workbook
                .assumptions
                .iter()
                .position(|x| x.key == r.assumption)
            else {
                continue;
            };
            let Some((_, _, base)) = book.kpi.get(&r.base) else {
                continue;
            };
            asm[i] = round_to(r.blended(*base), pack.workbook.assumptions[i].decimals);
            changed = true;
        }
        if changed {
            *book = compute_book(pack, rows, asm).map_err(|e| self.e(e))?;
        }
        for rule in &pack.invariants {
            let Invariant::Range(r) = rule else { continue };
            let (Subject::Kpi(k), Some(Subject::Attribute(a))) = (&r.value, &r.by) else {
                continue;
            };
            let Some((_, _, v)) = book.kpi.get(k) else {
                continue;
            };
            let fits = |key: &str| {
                band_of(&r.bands, r.range, Some(key))
                    .is_some_and(|[lo, hi]| *v >= lo - 1e-9 && *v <= hi + 1e-9)
            };
            if attrs.get(a).is_some_and(|x| fits(x)) {
                continue;
            }
            let list = pack
                .entity
                .attributes
                .get(a)
                .and_then(|l| pack.vocab.get(l));
            let ok: Vec<&String> = list.into_iter().flatten().filter(|x| fits(x)).collect();
            if ok.is_empty() {
                return Err(self.e(format!("no value of attribute {a} fits {k} = {v}")));
            }
            let pick = (*self.rng.pick(&ok)).clone();
            attrs.insert(a.clone(), pick);
        }
        Ok(())
    }

    /// A changed data file of the month (`old` rows → `rows`, arriving
    /// now), made to keep the rules: world values of the day (moving from
    /// the start by plausible daily steps), counts that never fall, then
    /// the row rules.
    pub(super) fn keep_rules_on_change(
        &mut self,
        old: &[Vec<Val>],
        rows: &mut [Vec<Val>],
        attrs: &BTreeMap<String, String>,
    ) {
        self.world_values_on(rows, self.arrive);
        for rule in &self.pack.invariants {
            let Invariant::Grows(r) = rule else { continue };
            let Some(c) = self.col_of(&r.column) else {
                continue;
            };
            for (row, before) in rows.iter_mut().zip(old) {
                if let (Some(a), Some(b)) = (num(row.get(c)), num(before.get(c)))
                    && a < b
                {
                    row[c] = Val::Num(b + (b - a));
                }
            }
        }
        self.keep_row_rules(rows, attrs, false);
    }

    /// The world's values (`one_value` across the world) of the day `at`
    /// in `rows`: one per key and day, moved from the start's by at most
    /// `daily * sqrt(days)`.
    pub(super) fn world_values_on(&mut self, rows: &mut [Vec<Val>], at: SimTime) {
        let pack = self.pack;
        let day = at.date_string();
        let days = ((at.secs() - self.start.secs()).abs() as f64 / 86_400.0).max(1.0);
        for (i, rule) in pack.invariants.iter().enumerate() {
            let Invariant::OneValue(r) = rule else {
                continue;
            };
            if r.scope != ValueScope::World {
                continue;
            }
            let (Some(kc), Some(vc)) = (self.col_of(&r.key), self.col_of(&r.column)) else {
                continue;
            };
            let cr = &pack.dataset.columns[vc];
            let m = r.daily.unwrap_or(0.0) * days.sqrt();
            for row in rows.iter_mut() {
                let Some(k) = key_text(row.get(kc)) else {
                    continue;
                };
                let Some(v0) = self.world.start.get(&(i, k.clone())).copied() else {
                    continue;
                };
                let v = match self.world.day.get(&(i, day.clone(), k.clone())) {
                    Some(v) => *v,
                    None => {
                        let v = snap(cr, v0 * (1.0 + self.rng.num(-m, m)), None);
                        self.world.day.insert((i, day.clone(), k), v);
                        v
                    }
                };
                row[vc] = Val::Num(v);
            }
        }
    }
}
