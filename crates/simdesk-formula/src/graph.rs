//! The cell-level dependency graph and the two recalculation drivers.
//!
//! [`FormulaGraph`] indexes, for every formula cell, what it reads, and in
//! reverse, which formulas read a given cell: single cells in a map, ranges
//! in buckets of 256 rows of one column (ranges too large for that in one
//! list per sheet). [`FormulaGraph::recalc_dirty`] walks the reverse index
//! from the changed cells, orders what it finds in waves (every formula of a
//! wave reads only cells settled before it), and evaluates, wave by wave,
//! only the formulas one of whose inputs really changed: early cutoff.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_model::{
    CellAddr, CellError, CellRange, CellValue, Code, Diagnostic, Ref, RefTarget, Workbook,
    quote_sheet,
};

use crate::error::FormulaError;
use crate::eval::{Evaluator, Outcome};
use crate::refs::{analyze, same_sheet};
use crate::{CellKey, EvalContext, RecalcReport};

/// A cell inside the graph: sheet position in the workbook, and address.
type Key = (usize, CellAddr);

/// Rows per range bucket.
const BLOCK_ROWS: u32 = 256;
/// Ranges covering more buckets than this go to the per-sheet wide list.
const MAX_BUCKETS: u64 = 64;
/// Hops of a cycle printed in its diagnostic before the rest is elided.
const MAX_CYCLE_HOPS: usize = 20;

/// Functions that compute references at run time: they may read anything,
/// and only a model of the whole workbook can evaluate them.
const DYNAMIC: &[&str] = &["INDIRECT", "OFFSET"];
/// Functions that look at more than the values of the cells they read
/// (formulas, formats): evaluated against the whole workbook.
const WHOLE_MODEL: &[&str] = &["ISFORMULA", "FORMULATEXT", "CELL", "INFO"];
/// Functions that read the clock.
const VOLATILE: &[&str] = &["TODAY", "NOW"];
/// Functions whose results are random: refused.
const RANDOM: &[&str] = &["RAND", "RANDBETWEEN", "RANDARRAY"];

#[derive(Debug, Clone)]
enum State {
    /// Evaluable; reads these areas (sheet positions resolved).
    Ok {
        reads: Vec<(usize, CellRange)>,
        whole_model: bool,
        /// The text with sheet names spelled as the workbook spells them,
        /// when the formula spelled one differently (`sheet2!A1`).
        canonical: Option<String>,
    },
    /// Refused before evaluation.
    Refused(FormulaError),
    /// Reads a sheet the workbook does not have.
    MissingSheet(String),
}

#[derive(Debug, Clone)]
struct Node {
    text: String,
    state: State,
}

/// The dependency graph of one workbook's formulas, kept between edits so
/// that an edit costs in proportion to what depends on it.
///
/// Build it once with [`FormulaGraph::new`], then pass every edit to
/// [`FormulaGraph::recalc_dirty`]. The graph notices by itself when a
/// changed cell's formula text differs from what it indexed, and rebuilds
/// itself when the workbook's sheet names or order changed. Edits must reach
/// it through `recalc_dirty` (or a rebuild): a formula changed behind its
/// back is not seen.
///
/// ```
/// use simdesk_formula::{EvalContext, FormulaGraph};
/// use simdesk_model::{Cell, CellAddr, CellValue, Sheet, Workbook};
///
/// let a = |s: &str| s.parse::<CellAddr>().unwrap();
/// let mut sheet = Sheet::new("S");
/// sheet.cells.insert(a("A1"), Cell::value(2.0));
/// sheet.cells.insert(a("B1"), Cell::formula("A1*10"));
/// let mut wb = Workbook { sheets: vec![sheet] };
/// let ctx = EvalContext::default();
///
/// let mut graph = FormulaGraph::new(&wb);
/// graph.recalc_all(&mut wb, &ctx);
/// wb.sheets[0].cells.insert(a("A1"), Cell::value(3.0));
/// let report = graph.recalc_dirty(&mut wb, &[("S".into(), a("A1"))], &ctx);
/// assert_eq!(report.recomputed, [("S".to_string(), a("B1"))]);
/// assert_eq!(wb.sheets[0].value(a("B1")), &CellValue::Number(30.0));
/// ```
#[derive(Debug, Clone, Default)]
pub struct FormulaGraph {
    sheets: Vec<String>,
    nodes: BTreeMap<Key, Node>,
    cell_readers: BTreeMap<Key, Vec<Key>>,
    buckets: BTreeMap<(usize, u32, u32), Vec<(CellRange, Key)>>,
    wide: BTreeMap<usize, Vec<(CellRange, Key)>>,
    dynamic: BTreeSet<Key>,
    volatile: BTreeSet<Key>,
}

impl Node {
    /// The text handed to the evaluator.
    fn eval_text(&self) -> &str {
        match &self.state {
            State::Ok {
                canonical: Some(t), ..
            } => t,
            _ => &self.text,
        }
    }
}

fn sheet_names(wb: &Workbook) -> Vec<String> {
    wb.sheets.iter().map(|s| s.name.clone()).collect()
}

/// True when a number format shows dates or times (`yyyy-mm-dd`, `h:mm`):
/// it has a date or time letter outside quotes, brackets and escapes.
/// Formula results in cells with such a format are stored as
/// [`CellValue::Date`](simdesk_model::CellValue::Date).
pub fn is_date_format(format: &str) -> bool {
    let mut quoted = false;
    let mut bracket = false;
    let mut escaped = false;
    for c in format.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            '[' => bracket = true,
            ']' => bracket = false,
            _ if bracket => {}
            'y' | 'Y' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' | 'm' | 'M' => {
                return !format.eq_ignore_ascii_case("general");
            }
            _ => {}
        }
    }
    false
}

fn key_name(sheets: &[String], k: Key) -> String {
    format!("{}!{}", quote_sheet(&sheets[k.0]), k.1)
}

fn cell_ref(sheets: &[String], k: Key) -> Ref {
    Ref {
        path: None,
        target: RefTarget::Cell {
            sheet: sheets[k.0].clone(),
            cell: k.1,
        },
    }
}

/// A diagnostic message for an error that started in a formula, from
/// ironcalc's explanation.
fn explain(message: &str) -> String {
    if let Some(name) = message.strip_prefix("Invalid function: ") {
        return format!("unknown function {name}");
    }
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl FormulaGraph {
    /// Indexes every formula of the workbook.
    pub fn new(wb: &Workbook) -> FormulaGraph {
        let mut g = FormulaGraph {
            sheets: sheet_names(wb),
            ..FormulaGraph::default()
        };
        for (si, sheet) in wb.sheets.iter().enumerate() {
            for (addr, cell) in &sheet.cells {
                if let Some(f) = &cell.formula {
                    g.add_node((si, *addr), f);
                }
            }
        }
        g
    }

    /// Number of formula cells indexed.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the workbook has no formula.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Formula cells that read the clock (`TODAY`, `NOW`): after the world's
    /// clock moves, pass them to [`FormulaGraph::recalc_dirty`].
    pub fn volatile_cells(&self) -> Vec<CellKey> {
        self.volatile.iter().map(|k| self.cell_key(*k)).collect()
    }

    /// The workbook's circular references, from what each formula reads:
    /// every set of formula cells that read each other in a circle (more
    /// than one cell, or one cell that reads itself), as a path from its
    /// smallest cell in which each cell reads the next.
    ///
    /// ```
    /// use simdesk_formula::FormulaGraph;
    /// use simdesk_model::{Cell, Sheet, Workbook};
    ///
    /// let mut s = Sheet::new("S");
    /// s.cells.insert("A1".parse().unwrap(), Cell::formula("B1+1"));
    /// s.cells.insert("B1".parse().unwrap(), Cell::formula("A1*2"));
    /// s.cells.insert("C1".parse().unwrap(), Cell::formula("C1"));
    /// s.cells.insert("D1".parse().unwrap(), Cell::formula("A1"));
    /// let g = FormulaGraph::new(&Workbook { sheets: vec![s] });
    /// let names: Vec<Vec<String>> = g.cycles().iter()
    ///     .map(|c| c.iter().map(|(s, a)| format!("{s}!{a}")).collect())
    ///     .collect();
    /// assert_eq!(names, [vec!["S!A1", "S!B1"], vec!["S!C1"]]);
    /// ```
    pub fn cycles(&self) -> Vec<Vec<CellKey>> {
        let all: BTreeSet<Key> = self.nodes.keys().copied().collect();
        self.cycles_among(&all)
            .into_iter()
            .map(|c| c.into_iter().map(|k| self.cell_key(k)).collect())
            .collect()
    }

    /// Formula cells that read `cell` directly (as a cell or inside a
    /// range), in sheet and row-major order.
    pub fn dependents(&self, cell: &CellKey) -> Vec<CellKey> {
        match self.resolve(cell) {
            Some(k) => self
                .readers_of(k)
                .into_iter()
                .map(|k| self.cell_key(k))
                .collect(),
            None => Vec::new(),
        }
    }

    fn cell_key(&self, k: Key) -> CellKey {
        (self.sheets[k.0].clone(), k.1)
    }

    fn resolve(&self, cell: &CellKey) -> Option<Key> {
        let exact = self.sheets.iter().position(|s| *s == cell.0);
        exact
            .or_else(|| self.sheets.iter().position(|s| same_sheet(s, &cell.0)))
            .map(|si| (si, cell.1))
    }

    fn sheet_index(&self, name: &str) -> Option<usize> {
        let exact = self.sheets.iter().position(|s| s == name);
        exact.or_else(|| self.sheets.iter().position(|s| same_sheet(s, name)))
    }

    fn add_node(&mut self, k: Key, text: &str) {
        let state = self.classify(k, text);
        if let State::Ok { reads, .. } = &state {
            for (s, range) in reads {
                if range.len() == 1 {
                    self.cell_readers
                        .entry((*s, range.start))
                        .or_default()
                        .push(k);
                    continue;
                }
                let (b0, b1) = (range.start.row / BLOCK_ROWS, range.end.row / BLOCK_ROWS);
                let cols = u64::from(range.end.col - range.start.col + 1);
                if cols * u64::from(b1 - b0 + 1) > MAX_BUCKETS {
                    self.wide.entry(*s).or_default().push((*range, k));
                    continue;
                }
                for col in range.start.col..=range.end.col {
                    for b in b0..=b1 {
                        self.buckets
                            .entry((*s, col, b))
                            .or_default()
                            .push((*range, k));
                    }
                }
            }
        }
        self.nodes.insert(
            k,
            Node {
                text: text.to_owned(),
                state,
            },
        );
    }

    fn classify(&mut self, k: Key, text: &str) -> State {
        let analysis = match analyze(text, &self.sheets[k.0]) {
            Ok(a) => a,
            Err(e) => return State::Refused(e),
        };
        let has = |list: &[&str]| {
            analysis
                .functions
                .iter()
                .find(|f| list.contains(&f.as_str()))
        };
        if let Some(name) = has(RANDOM) {
            return State::Refused(FormulaError::NonDeterministic { name: name.clone() });
        }
        let dynamic = has(DYNAMIC).is_some();
        if dynamic {
            self.dynamic.insert(k);
        }
        if has(VOLATILE).is_some() {
            self.volatile.insert(k);
        }
        let mut reads = Vec::with_capacity(analysis.refs.len());
        for r in &analysis.refs {
            match self.sheet_index(&r.sheet) {
                Some(s) => reads.push((s, r.area.range())),
                None => return State::MissingSheet(r.sheet.clone()),
            }
        }
        let mut canonical: Option<String> = None;
        for (start, end, name) in analysis.sheet_spans.iter().rev() {
            if let Some(s) = self.sheet_index(name)
                && self.sheets[s] != *name
            {
                let text = canonical.get_or_insert_with(|| text.to_owned());
                text.replace_range(*start..*end, &quote_sheet(&self.sheets[s]));
            }
        }
        State::Ok {
            reads,
            whole_model: dynamic || has(WHOLE_MODEL).is_some(),
            canonical,
        }
    }

    fn remove_node(&mut self, k: Key) {
        let Some(node) = self.nodes.remove(&k) else {
            return;
        };
        self.dynamic.remove(&k);
        self.volatile.remove(&k);
        if let State::Ok { reads, .. } = node.state {
            for (s, range) in reads {
                if range.len() == 1 {
                    if let Some(v) = self.cell_readers.get_mut(&(s, range.start)) {
                        v.retain(|r| *r != k);
                        if v.is_empty() {
                            self.cell_readers.remove(&(s, range.start));
                        }
                    }
                    continue;
                }
                if let Some(v) = self.wide.get_mut(&s) {
                    v.retain(|(_, r)| *r != k);
                }
                let (b0, b1) = (range.start.row / BLOCK_ROWS, range.end.row / BLOCK_ROWS);
                let cols = u64::from(range.end.col - range.start.col + 1);
                if cols * u64::from(b1 - b0 + 1) > MAX_BUCKETS {
                    continue;
                }
                for col in range.start.col..=range.end.col {
                    for b in b0..=b1 {
                        if let Some(v) = self.buckets.get_mut(&(s, col, b)) {
                            v.retain(|(_, r)| *r != k);
                        }
                    }
                }
            }
        }
    }

    /// Formulas that read cell `k`, sorted, without repeats.
    fn readers_of(&self, k: Key) -> Vec<Key> {
        let mut out: Vec<Key> = self.cell_readers.get(&k).cloned().unwrap_or_default();
        let contains = |(range, _): &&(CellRange, Key)| range.contains(k.1);
        if let Some(v) = self.buckets.get(&(k.0, k.1.col, k.1.row / BLOCK_ROWS)) {
            out.extend(v.iter().filter(contains).map(|(_, r)| *r));
        }
        if let Some(v) = self.wide.get(&k.0) {
            out.extend(v.iter().filter(contains).map(|(_, r)| *r));
        }
        out.extend(self.dynamic.iter().copied());
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Recomputes every formula cell with one model of the whole workbook,
    /// and rebuilds the graph. `recomputed` lists the formula cells in
    /// sheet order, then row-major order.
    pub fn recalc_all(&mut self, wb: &mut Workbook, ctx: &EvalContext) -> RecalcReport {
        *self = FormulaGraph::new(wb);
        if self.nodes.is_empty() {
            // No formula: nothing to evaluate, and the evaluator would only
            // hold a copy of every value cell.
            return RecalcReport::default();
        }
        let mut ev = Evaluator::new(&self.sheets, ctx.now);
        for (si, sheet) in wb.sheets.iter().enumerate() {
            for (addr, cell) in &sheet.cells {
                match self
                    .nodes
                    .get(&(si, *addr))
                    .map(|n| (&n.state, n.eval_text()))
                {
                    Some((State::Ok { .. }, text)) => ev.set_formula(si, *addr, text),
                    Some((state, _)) => {
                        ev.set_value(si, *addr, &CellValue::Error(fixed_error(state)))
                    }
                    None => ev.set_value(si, *addr, &cell.value),
                }
            }
        }
        ev.evaluate();
        let keys: Vec<Key> = self.nodes.keys().copied().collect();
        let mut outcomes: Vec<(Key, Outcome)> = keys
            .iter()
            .map(|k| (*k, self.outcome_of(wb, &ev, *k)))
            .collect();
        // ironcalc marks the cells of a cycle and everything reading them
        // with #CIRC!; find the cycles among those to report them.
        let circ: BTreeSet<Key> = outcomes
            .iter()
            .filter(|(_, o)| o.value == CellValue::Error(CellError::Circ))
            .map(|(k, _)| *k)
            .collect();
        let cycles = self.cycles_among(&circ);
        let mut report = RecalcReport::default();
        for (k, o) in &mut outcomes {
            if circ.contains(k) {
                o.message = None;
            }
        }
        self.report_cycles(&cycles, &mut report);
        for (k, o) in outcomes {
            self.store(wb, k, o, &mut report);
        }
        report
    }

    /// Recomputes the formulas that depend, directly or transitively, on
    /// the `changed` cells, in dependency order, with early cutoff: a
    /// formula whose value did not change does not wake its readers.
    ///
    /// A changed cell that holds a formula is itself recomputed (its text
    /// is re-read, so pass a cell whose formula was edited). Changed cells
    /// on sheets the workbook does not have are ignored. When the formulas
    /// to recompute include one that needs the whole workbook (`INDIRECT`,
    /// `OFFSET`, `ISFORMULA`, `FORMULATEXT`, `CELL`, `INFO`), the call falls
    /// back to [`FormulaGraph::recalc_all`].
    pub fn recalc_dirty(
        &mut self,
        wb: &mut Workbook,
        changed: &[CellKey],
        ctx: &EvalContext,
    ) -> RecalcReport {
        if self.sheets.len() != wb.sheets.len()
            || self
                .sheets
                .iter()
                .zip(&wb.sheets)
                .any(|(a, b)| *a != b.name)
        {
            *self = FormulaGraph::new(wb);
        }
        let mut seeds: Vec<Key> = changed.iter().filter_map(|c| self.resolve(c)).collect();
        seeds.sort_unstable();
        seeds.dedup();
        // Pick up formula edits.
        for &k in &seeds {
            let now = wb.sheets[k.0]
                .cells
                .get(&k.1)
                .and_then(|c| c.formula.as_deref());
            let before = self.nodes.get(&k).map(|n| n.text.as_str());
            if now != before {
                self.remove_node(k);
                if let Some(text) = now {
                    self.add_node(k, text);
                }
            }
        }
        // Everything downstream, with the edges found on the way.
        let mut nodes: BTreeSet<Key> = seeds
            .iter()
            .copied()
            .filter(|k| self.nodes.contains_key(k))
            .collect();
        let mut woken: BTreeSet<Key> = nodes.clone();
        let mut succ: BTreeMap<Key, Vec<Key>> = BTreeMap::new();
        let mut queue: Vec<Key> = seeds.clone();
        while let Some(x) = queue.pop() {
            if succ.contains_key(&x) {
                continue;
            }
            let readers = self.readers_of(x);
            for &r in &readers {
                if nodes.insert(r) {
                    queue.push(r);
                }
            }
            succ.insert(x, readers);
        }
        let whole = nodes.iter().any(|k| {
            matches!(
                self.nodes.get(k).map(|n| &n.state),
                Some(State::Ok {
                    whole_model: true,
                    ..
                })
            )
        });
        if whole {
            return self.recalc_all(wb, ctx);
        }
        for s in &seeds {
            if !self.nodes.contains_key(s) {
                woken.extend(succ.get(s).into_iter().flatten().copied());
            }
        }
        let mut indeg: BTreeMap<Key, usize> = nodes.iter().map(|k| (*k, 0)).collect();
        for x in &nodes {
            for r in succ.get(x).into_iter().flatten() {
                if let Some(d) = indeg.get_mut(r) {
                    *d += 1;
                }
            }
        }
        let mut ready: Vec<Key> = indeg
            .iter()
            .filter(|(_, d)| **d == 0)
            .map(|(k, _)| *k)
            .collect();
        let mut done: BTreeSet<Key> = BTreeSet::new();
        let mut report = RecalcReport::default();
        let mut ev: Option<(Evaluator, BTreeSet<Key>)> = None;
        loop {
            if ready.is_empty() {
                let rest: BTreeSet<Key> = nodes.difference(&done).copied().collect();
                if rest.is_empty() {
                    break;
                }
                let cycles = self.cycles_in(&rest, &succ);
                if cycles.is_empty() {
                    break; // cannot happen: what is left holds a cycle
                }
                self.report_cycles(&cycles, &mut report);
                let members: BTreeSet<Key> = cycles.iter().flatten().copied().collect();
                for &k in &members {
                    let o = Outcome {
                        value: CellValue::Error(CellError::Circ),
                        message: None,
                    };
                    if self.store(wb, k, o, &mut report) {
                        woken.extend(succ.get(&k).into_iter().flatten().copied());
                    }
                    if let Some((e, _)) = ev.as_mut() {
                        e.set_value(k.0, k.1, &CellValue::Error(CellError::Circ));
                    }
                    done.insert(k);
                }
                for &k in &members {
                    for r in succ.get(&k).into_iter().flatten() {
                        if done.contains(r) {
                            continue;
                        }
                        if let Some(d) = indeg.get_mut(r) {
                            *d -= 1;
                            if *d == 0 {
                                ready.push(*r);
                            }
                        }
                    }
                }
                continue;
            }
            let mut wave = std::mem::take(&mut ready);
            wave.sort_unstable();
            let to_eval: Vec<Key> = wave.iter().copied().filter(|k| woken.contains(k)).collect();
            let outcomes = self.eval_wave(wb, &to_eval, &mut ev, ctx);
            for (k, o) in outcomes {
                if self.store(wb, k, o, &mut report) {
                    woken.extend(succ.get(&k).into_iter().flatten().copied());
                }
            }
            for k in wave {
                done.insert(k);
                for r in succ.get(&k).into_iter().flatten() {
                    if let Some(d) = indeg.get_mut(r) {
                        *d -= 1;
                        if *d == 0 {
                            ready.push(*r);
                        }
                    }
                }
            }
        }
        report
    }

    /// Evaluates formulas that do not read each other, against a model
    /// holding only what they read.
    fn eval_wave(
        &self,
        wb: &Workbook,
        keys: &[Key],
        ev: &mut Option<(Evaluator, BTreeSet<Key>)>,
        ctx: &EvalContext,
    ) -> Vec<(Key, Outcome)> {
        let mut out = Vec::with_capacity(keys.len());
        let mut pending = Vec::new();
        for &k in keys {
            let Some(node) = self.nodes.get(&k) else {
                continue;
            };
            let State::Ok { reads, .. } = &node.state else {
                out.push((k, self.fixed_outcome(k, &node.state)));
                continue;
            };
            // A fresh model per wave: its size, and so the cost of its
            // evaluation, is what this wave reads, not what earlier waves did.
            if pending.is_empty() {
                *ev = Some((Evaluator::new(&self.sheets, ctx.now), BTreeSet::new()));
            }
            let Some((e, copied)) = ev.as_mut() else {
                continue;
            };
            for (s, range) in reads {
                let cells = &wb.sheets[*s].cells;
                let rows =
                    CellAddr::new(range.start.row, 0)..=CellAddr::new(range.end.row, u32::MAX);
                let mut put = |addr: &CellAddr, value: &CellValue| {
                    if copied.insert((*s, *addr)) {
                        e.set_value(*s, *addr, value);
                    }
                };
                if range.len() == 1 {
                    if let Some(c) = cells.get(&range.start) {
                        put(&range.start, &c.value);
                    }
                    continue;
                }
                for (addr, c) in cells.range(rows) {
                    if (range.start.col..=range.end.col).contains(&addr.col) {
                        put(addr, &c.value);
                    }
                }
            }
            e.set_formula(k.0, k.1, node.eval_text());
            copied.insert(k);
            pending.push(k);
        }
        if let Some((e, _)) = ev.as_mut()
            && !pending.is_empty()
        {
            e.evaluate();
            for k in pending {
                let o = self.outcome_of(wb, e, k);
                out.push((k, o));
            }
        }
        out
    }

    fn outcome_of(&self, wb: &Workbook, ev: &Evaluator, k: Key) -> Outcome {
        match self.nodes.get(&k).map(|n| &n.state) {
            Some(State::Ok { .. }) | None => {
                let date = wb.sheets[k.0]
                    .cells
                    .get(&k.1)
                    .and_then(|c| c.format.as_deref())
                    .is_some_and(is_date_format);
                ev.outcome(k.0, k.1, date)
            }
            Some(state) => self.fixed_outcome(k, state),
        }
    }

    fn fixed_outcome(&self, _k: Key, state: &State) -> Outcome {
        let message = match state {
            State::Ok { .. } => None,
            State::Refused(e) => Some(e.to_string()),
            State::MissingSheet(s) => Some(format!(
                "reads sheet {} which does not exist",
                quote_sheet(s)
            )),
        };
        Outcome {
            value: CellValue::Error(fixed_error(state)),
            message,
        }
    }

    /// Stores a result; records it; true when the value changed.
    fn store(&self, wb: &mut Workbook, k: Key, o: Outcome, report: &mut RecalcReport) -> bool {
        let ck = self.cell_key(k);
        if let Some(message) = &o.message {
            let code = match self.nodes.get(&k).map(|n| &n.state) {
                Some(State::Refused(e)) if e.is_limit() => Code::LimitExceeded,
                _ => Code::FormulaError,
            };
            let name = key_name(&self.sheets, k);
            let shown = match &o.value {
                CellValue::Error(e) => e.as_str(),
                _ => "an error",
            };
            report.diagnostics.push(
                Diagnostic::warning(
                    code,
                    format!("{name} evaluates to {shown}: {}", explain(message)),
                )
                .with_ref(cell_ref(&self.sheets, k)),
            );
        }
        report.recomputed.push(ck.clone());
        let Some(cell) = wb.sheets[k.0].cells.get_mut(&k.1) else {
            return false;
        };
        if cell.value == o.value {
            return false;
        }
        cell.value = o.value;
        report.changed.push(ck);
        true
    }

    fn report_cycles(&self, cycles: &[Vec<Key>], report: &mut RecalcReport) {
        for cycle in cycles {
            let mut hops: Vec<String> = cycle
                .iter()
                .take(MAX_CYCLE_HOPS)
                .map(|k| key_name(&self.sheets, *k))
                .collect();
            if cycle.len() > MAX_CYCLE_HOPS {
                hops.push(format!("… {} more", cycle.len() - MAX_CYCLE_HOPS));
            }
            hops.push(key_name(&self.sheets, cycle[0]));
            let mut d = Diagnostic::warning(
                Code::CircularReference,
                format!(
                    "circular reference: {} (each cell reads the next)",
                    hops.join(" -> ")
                ),
            )
            .with_hint("the cells of the cycle hold #CIRC!; break the cycle to get values");
            for k in cycle.iter().take(MAX_CYCLE_HOPS) {
                d = d.with_ref(cell_ref(&self.sheets, *k));
            }
            report.diagnostics.push(d);
        }
    }

    /// The formulas among `set` that `k` reads.
    fn precedents_in(&self, k: Key, set: &BTreeSet<Key>) -> Vec<Key> {
        let Some(State::Ok { reads, .. }) = self.nodes.get(&k).map(|n| &n.state) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (s, range) in reads {
            let lo = (*s, CellAddr::new(range.start.row, 0));
            let hi = (*s, CellAddr::new(range.end.row, u32::MAX));
            out.extend(set.range(lo..=hi).filter(|p| range.contains(p.1)).copied());
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Cycles among `set`, following what each formula reads.
    fn cycles_among(&self, set: &BTreeSet<Key>) -> Vec<Vec<Key>> {
        let edges: BTreeMap<Key, Vec<Key>> = set
            .iter()
            .map(|k| (*k, self.precedents_in(*k, set)))
            .collect();
        cycles(&edges)
    }

    /// Cycles among `set`, from edges source -> reader found by the walk.
    fn cycles_in(&self, set: &BTreeSet<Key>, succ: &BTreeMap<Key, Vec<Key>>) -> Vec<Vec<Key>> {
        // Reverse to reader -> source, so a printed cycle reads forwards.
        let mut edges: BTreeMap<Key, Vec<Key>> = set.iter().map(|k| (*k, Vec::new())).collect();
        for x in set {
            for r in succ.get(x).into_iter().flatten() {
                if let Some(v) = edges.get_mut(r) {
                    v.push(*x);
                }
            }
        }
        cycles(&edges)
    }
}

fn fixed_error(state: &State) -> CellError {
    match state {
        State::Ok { .. } => CellError::Value,
        State::Refused(e) => e.cell_error(),
        State::MissingSheet(_) => CellError::Ref,
    }
}

/// Strongly connected components with a cycle (more than one cell, or one
/// that reads itself), each as a path starting at its smallest cell that
/// follows the edges back to the start. Iterative Tarjan: no recursion.
fn cycles(edges: &BTreeMap<Key, Vec<Key>>) -> Vec<Vec<Key>> {
    let empty = Vec::new();
    let out_of = |k: &Key| edges.get(k).unwrap_or(&empty);
    let mut index: BTreeMap<Key, (usize, usize)> = BTreeMap::new(); // (index, lowlink)
    let mut on_stack: BTreeSet<Key> = BTreeSet::new();
    let mut stack: Vec<Key> = Vec::new();
    let mut sccs: Vec<Vec<Key>> = Vec::new();
    let mut next = 0usize;
    for &root in edges.keys() {
        if index.contains_key(&root) {
            continue;
        }
        let mut work: Vec<(Key, usize)> = vec![(root, 0)];
        index.insert(root, (next, next));
        next += 1;
        stack.push(root);
        on_stack.insert(root);
        while let Some(&mut (v, ref mut i)) = work.last_mut() {
            let outs = out_of(&v);
            if *i < outs.len() {
                let w = outs[*i];
                *i += 1;
                if !edges.contains_key(&w) {
                    continue;
                }
                match index.get(&w) {
                    None => {
                        index.insert(w, (next, next));
                        next += 1;
                        stack.push(w);
                        on_stack.insert(w);
                        work.push((w, 0));
                    }
                    Some(&(wi, _)) if on_stack.contains(&w) => {
                        if let Some(e) = index.get_mut(&v) {
                            e.1 = e.1.min(wi);
                        }
                    }
                    Some(_) => {}
                }
                continue;
            }
            work.pop();
            let (vi, vl) = index[&v];
            if let Some(&(parent, _)) = work.last()
                && let Some(e) = index.get_mut(&parent)
            {
                e.1 = e.1.min(vl);
            }
            if vi == vl {
                let mut scc = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack.remove(&w);
                    scc.push(w);
                    if w == v {
                        break;
                    }
                }
                let cyclic = scc.len() > 1 || out_of(&v).contains(&v);
                if cyclic {
                    scc.sort_unstable();
                    sccs.push(scc);
                }
            }
        }
    }
    sccs.iter().map(|scc| cycle_path(scc, edges)).collect()
}

/// A path through one component from its first cell back to it
/// (breadth-first, so the shortest).
fn cycle_path(scc: &[Key], edges: &BTreeMap<Key, Vec<Key>>) -> Vec<Key> {
    let start = scc[0];
    let members: BTreeSet<Key> = scc.iter().copied().collect();
    let mut parent: BTreeMap<Key, Key> = BTreeMap::new();
    let mut frontier = std::collections::VecDeque::from([start]);
    while let Some(v) = frontier.pop_front() {
        for &w in edges.get(&v).into_iter().flatten() {
            if w == start {
                let mut path = vec![v];
                let mut at = v;
                while at != start {
                    at = parent[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if members.contains(&w) && !parent.contains_key(&w) {
                parent.insert(w, v);
                frontier.push_back(w);
            }
        }
    }
    scc.to_vec()
}
