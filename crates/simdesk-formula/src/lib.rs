//! Formula evaluation with Excel semantics, and reference analysis.
//!
//! INTERFACE CONTRACT (used by simdesk-engine; keep these signatures):
//! - [`recalc_all`] recomputes every formula cell of a workbook.
//! - [`recalc_dirty`] recomputes only formulas that depend on changed cells.
//! - [`references`] lists what a formula reads.
//!
//! The bodies below are placeholders until the evaluator lands.

use simdesk_model::{CellAddr, Diagnostic, SimTime, Workbook};

/// What evaluation may read from the world besides the workbook itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvalContext {
    /// The world's simulated "now" (TODAY(), NOW()).
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
pub fn recalc_all(_workbook: &mut Workbook, _ctx: &EvalContext) -> RecalcReport {
    RecalcReport::default()
}

/// Recomputes the formulas that depend, directly or transitively, on the
/// `changed` cells, in dependency order, with early cutoff.
pub fn recalc_dirty(
    _workbook: &mut Workbook,
    _changed: &[CellKey],
    _ctx: &EvalContext,
) -> RecalcReport {
    RecalcReport::default()
}
