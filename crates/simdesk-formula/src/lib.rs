//! Formula evaluation with Excel semantics, and reference analysis.
//!
//! Formulas are evaluated by [ironcalc](https://www.ironcalc.com) (an
//! Excel-compatible engine: 15 significant digits, `ROUND(2.675,2)` is
//! 2.68, text-to-number coercion, Excel's error values), kept behind this
//! crate's small interface; no ironcalc type appears in it. This crate adds
//! what a world of living workbooks needs around it:
//!
//! - [`references`]: what a formula reads, from a lexer of its own that
//!   enforces [`MAX_FORMULA_CHARS`], [`MAX_NESTING`] and [`MAX_CHAIN`]
//!   before any text reaches the evaluator, so hostile text is refused with
//!   an error value and a diagnostic, never a panic or a stack overflow;
//! - [`FormulaGraph`]: the cell-level dependency graph, which decides what
//!   an edit recomputes and in which order, with early cutoff;
//! - [`recalc_all`] and [`recalc_dirty`]: the entry points the engine calls.
//!
//! ```
//! use simdesk_formula::{EvalContext, recalc_all, recalc_dirty};
//! use simdesk_model::{Cell, CellAddr, CellValue, SimTime, Sheet, Workbook};
//!
//! let a = |s: &str| s.parse::<CellAddr>().unwrap();
//! let mut data = Sheet::new("Data");
//! data.cells.insert(a("A1"), Cell::value(1.2));
//! data.cells.insert(a("A2"), Cell::value(0.1));
//! let mut summary = Sheet::new("Summary");
//! summary.cells.insert(a("A1"), Cell::formula("=ROUND(Data!A1,0)"));
//! summary.cells.insert(a("B1"), Cell::formula("A1*100"));
//! summary.cells.insert(a("C1"), Cell::formula("Data!A2+0.2=0.3"));
//! summary.cells.insert(a("D1"), Cell::formula("TODAY()").with_format("yyyy-mm-dd"));
//! let mut wb = Workbook { sheets: vec![data, summary] };
//! let ctx = EvalContext { now: SimTime::parse("2026-01-05T09:00:00Z").unwrap() };
//!
//! let report = recalc_all(&mut wb, &ctx);
//! assert!(report.diagnostics.is_empty());
//! let s = &wb.sheets[1];
//! assert_eq!(s.value(a("B1")), &CellValue::Number(100.0));
//! assert_eq!(s.value(a("C1")), &CellValue::Bool(true));
//! assert_eq!(s.value(a("D1")), &CellValue::Date(46_027.0)); // the world's today
//!
//! // 1.2 -> 1.3: ROUND still gives 1, so B1 is not woken (early cutoff).
//! wb.sheets[0].cells.insert(a("A1"), Cell::value(1.3));
//! let report = recalc_dirty(&mut wb, &[("Data".into(), a("A1"))], &ctx);
//! assert_eq!(report.recomputed, [("Summary".to_string(), a("A1"))]);
//! assert!(report.changed.is_empty());
//! ```
//!
//! # Semantics the caller should know
//!
//! - **Clock.** `TODAY()` and `NOW()` read [`EvalContext::now`] in UTC,
//!   never the machine clock. `RAND`, `RANDBETWEEN` and `RANDARRAY` are
//!   refused (`#NAME?` and a diagnostic): they would break determinism.
//! - **Dates.** The evaluator returns numbers. A formula result is stored
//!   as [`CellValue::Date`](simdesk_model::CellValue::Date) when the formula cell's number format is a date
//!   or time format ([`is_date_format`]), otherwise as a number: `=DATE(…)`
//!   in a cell without a format is `Number(46027.0)`. Dates read by
//!   formulas are their serial numbers.
//! - **Arrays.** Each cell holds one value and nothing spills: a formula
//!   whose result is an array (`=A1:A3*2`, `=SEQUENCE(3)`) gives `#VALUE!`.
//!   Array arithmetic inside a function (`SUMPRODUCT`, `SUM(A1:A3*B1:B3)`)
//!   works.
//! - **Errors.** Structural problems (syntax, limits, unknown function,
//!   missing sheet, non-deterministic function) and errors that start in a
//!   formula come back as [`Diagnostic`]s of severity warning, code
//!   [`Code::FormulaError`](simdesk_model::Code::FormulaError) (limits:
//!   [`Code::LimitExceeded`](simdesk_model::Code::LimitExceeded)), naming
//!   the cell. Errors merely passed on from another cell are not repeated.
//!   Text not understood gives `#NAME?`, exceeded limits `#VALUE!`, a
//!   missing sheet or an unsupported reference (other workbooks, tables,
//!   3D references) `#REF!`.
//! - **Cycles.** The cells of a cycle hold `#CIRC!` ([`CellError::Circ`]),
//!   and so does every formula reading them. Each cycle is reported once
//!   with [`Code::CircularReference`](simdesk_model::Code::CircularReference)
//!   and its path, `Sheet1!A1 -> Sheet1!B1 -> Sheet1!A1`, each cell reading
//!   the next.
//! - **Sheet names** in formulas match without regard to case, as in Excel.
//! - **`TEXT` and `FIXED`** round halves away from zero, as Excel does
//!   (`TEXT(2.5,"0")` is the text `3`): ironcalc rounds them to even, so
//!   the number is rounded with `ROUND` first (`halves.rs`).
//!
//! # Incremental use
//!
//! [`recalc_dirty`] as a free function rebuilds the dependency graph, which
//! costs in proportion to the workbook's formulas. To pay only for what an
//! edit touches, keep a [`FormulaGraph`] per workbook and call
//! [`FormulaGraph::recalc_dirty`]; it follows formula edits passed in
//! `changed` and rebuilds itself when sheets are added, removed, renamed or
//! reordered.

mod error;
mod eval;
mod graph;
mod halves;
mod parsed;
mod refs;

pub use error::FormulaError;
pub use graph::{FormulaGraph, is_date_format};
pub use refs::{
    Area, FormulaRef, MAX_CHAIN, MAX_FORMULA_CHARS, MAX_NESTING, references, rename_sheet,
};
#[doc(no_inline)]
pub use simdesk_model::CellError;
use simdesk_model::{CellAddr, Diagnostic, SimTime, Workbook};

/// What evaluation may read from the world besides the workbook itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalContext {
    /// The world's simulated "now" (TODAY(), NOW()), read in UTC.
    pub now: SimTime,
}

/// A cell of a workbook: sheet name and address.
pub type CellKey = (String, CellAddr);

/// What a recalculation did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecalcReport {
    /// Formula cells that were evaluated, in evaluation order.
    pub recomputed: Vec<CellKey>,
    /// Cells whose value changed (a subset of `recomputed`).
    pub changed: Vec<CellKey>,
    /// Formula errors and circular references found.
    pub diagnostics: Vec<Diagnostic>,
}

/// Recomputes every formula cell, storing results in `Cell::value`.
///
/// `recomputed` lists every formula cell, in sheet order then row-major
/// order.
pub fn recalc_all(workbook: &mut Workbook, ctx: &EvalContext) -> RecalcReport {
    FormulaGraph::default().recalc_all(workbook, ctx)
}

/// Recomputes the formulas that depend, directly or transitively, on the
/// `changed` cells, in dependency order, with early cutoff.
///
/// Builds the dependency graph first; see [`FormulaGraph::recalc_dirty`]
/// for the details and for the version that keeps the graph between edits.
pub fn recalc_dirty(
    workbook: &mut Workbook,
    changed: &[CellKey],
    ctx: &EvalContext,
) -> RecalcReport {
    FormulaGraph::new(workbook).recalc_dirty(workbook, changed, ctx)
}
