//! The reference run: the world is built, every objective's reference is
//! applied in the order the requests arrive, and the end state of that
//! whole run decides the expected values, so objectives that share sources
//! (an entity's figure and the tracker total over it) agree.

use simdesk_engine::Workspace;

use super::objectives::distinguishable;
use super::*;
use crate::build::build;
use crate::solve::{SolveError, apply_step, arrival_order};

impl Gen<'_> {
    /// Runs the reference trajectory on the built world. A deliverable an
    /// earlier objective sent that a later objective's changes made stale
    /// is exported again by the later objective's reference (the file in
    /// the folder stays current). Then every value goal takes the value of
    /// the end state, which must differ from the start so that the
    /// untouched world meets no objective.
    pub(super) fn settle(&mut self) -> Result<(), GenError> {
        let start = build(&self.spec).map_err(|e| self.e(format!("reference run: {e}")))?;
        let mut ws = start.fork();
        let mut exports: Vec<Op> = Vec::new();
        for o in arrival_order(&start) {
            let Some(k) = self
                .spec
                .objectives
                .iter()
                .position(|s| s.objective.id == o.id)
            else {
                continue;
            };
            let mut done = o.clone();
            done.reference.clear();
            let mut own = Vec::new();
            for op in o.reference {
                if matches!(op, Op::Export { .. }) {
                    own.push(op.clone());
                }
                apply_step(&mut ws, &mut done, op).map_err(|e| self.solve_error(e))?;
            }
            for ex in &exports {
                if let Op::Export { target, .. } = ex
                    && ws.is_stale(target)
                {
                    apply_step(&mut ws, &mut done, ex.clone()).map_err(|e| self.solve_error(e))?;
                }
            }
            exports.extend(own);
            self.spec.objectives[k].objective.reference = done.reference;
        }
        for s in &mut self.spec.objectives {
            let id = s.objective.id.clone();
            for g in &mut s.objective.goals {
                let Goal::CellEquals { cell, expected, .. } = g else {
                    continue;
                };
                let end = cell_number(&ws, cell);
                let before = cell_number(&start, cell);
                let Some(end) = end else {
                    return Err(gerr(
                        self.t,
                        format!("objective {id}: {cell} holds no number after the reference run"),
                    ));
                };
                // The untouched world must fail the goal: the end state
                // differs from the start by well beyond the goal's
                // tolerance. Draws ask `moved` for a wider margin; a total
                // many inputs feed can move by less than it and still be a
                // meaningful goal.
                if let Some(b) = before
                    && !distinguishable(b, end)
                {
                    return Err(gerr(
                        self.t,
                        format!(
                            "objective {id}: the reference run leaves {cell} as it was ({b} before, {end} after)"
                        ),
                    ));
                }
                *expected = CellValue::Number(end);
                // The tolerance stays the one of the generator's own value:
                // the two differ by rounding at most.
            }
        }
        Ok(())
    }

    fn solve_error(&self, e: SolveError) -> GenError {
        self.e(format!("reference run: {e}"))
    }
}

/// The number a cell holds in `ws`, if it is one.
fn cell_number(ws: &Workspace, cell: &Ref) -> Option<f64> {
    let (Some(path), RefTarget::Cell { sheet, cell }) = (&cell.path, &cell.target) else {
        return None;
    };
    match ws.cell(path, sheet, *cell).map(|c| &c.value) {
        Some(CellValue::Number(n)) => Some(*n),
        _ => None,
    }
}
