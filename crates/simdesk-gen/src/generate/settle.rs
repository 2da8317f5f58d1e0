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
        self.settle_month(&start)
    }

    /// Plays the reference month through a session (requests arriving on
    /// schedule, questions answered, reviews), then settles every
    /// objective's goals on what that run left: a value goal takes the
    /// end state's value; a goal that held when its objective was done
    /// but that later work of the month undid (a later refresh of the same
    /// workbook, a total many objectives feed) is dropped, so each
    /// objective asks only what still holds at the month's end.
    fn settle_month(&mut self, start: &Workspace) -> Result<(), GenError> {
        let Some(scenario) = self.spec.scenario.clone() else {
            return Ok(());
        };
        let mut session = simdesk_sim::Session::new(start.fork(), std::sync::Arc::new(scenario))
            .map_err(|e| self.e(format!("scenario: {e}")))?;
        let run = simdesk_sim::play_reference(&mut session)
            .map_err(|e| self.e(format!("reference month: {e}")))?;
        let end = session.world();
        let done: BTreeMap<&str, &Workspace> = run
            .completed
            .iter()
            .map(|(id, w)| (id.as_str(), w))
            .collect();
        let mut objectives: Vec<&mut Objective> = self
            .spec
            .objectives
            .iter_mut()
            .map(|o| &mut o.objective)
            .collect();
        if let Some(sc) = self.spec.scenario.as_mut() {
            objectives.extend(sc.schedule.iter_mut().filter_map(|s| s.objective.as_mut()));
        }
        let report = simdesk_check::score_since(end, start, None);
        let mut superseded = Vec::new();
        for o in objectives {
            let id = o.id.clone();
            let Some(at_done) = done.get(id.as_str()) else {
                return Err(gerr(
                    self.t,
                    format!("objective {id}: the reference month never worked it"),
                ));
            };
            // Goals that held when the work was done and fail at the end
            // (a goal a planted fault keeps from holding at all stays).
            let then = simdesk_check::score_since(at_done, start, Some(&id));
            let held_then = |g: &Goal| {
                then.objectives
                    .iter()
                    .flat_map(|s| s.goals.iter())
                    .any(|r| r.passed && &r.goal == g)
            };
            let failed_at_end: Vec<&Goal> = report
                .objectives
                .iter()
                .filter(|s| s.id == id)
                .flat_map(|s| s.goals.iter())
                .filter(|g| !g.passed && !matches!(g.goal, Goal::CellEquals { .. }))
                .map(|g| &g.goal)
                .filter(|g| held_then(g))
                .collect();
            let mut keep = Vec::new();
            for mut g in std::mem::take(&mut o.goals) {
                if failed_at_end.contains(&&g) {
                    continue;
                }
                if let Goal::CellEquals {
                    cell,
                    expected,
                    tolerance,
                } = &mut g
                {
                    let Some(v) = cell_number(end, cell) else {
                        return Err(gerr(
                            self.t,
                            format!(
                                "objective {id}: {cell} holds no number after the reference run"
                            ),
                        ));
                    };
                    let then = cell_number(at_done, cell);
                    if then.is_none_or(|t| (t - v).abs() > *tolerance) {
                        // Later work moved it: not this objective's to ask.
                        continue;
                    }
                    // The untouched world must fail the goal: the end
                    // state differs from the start by well beyond the
                    // goal's tolerance.
                    // (The month can bring a figure back to where it
                    // started — a second change on the same entity —:
                    // then the goal tells nothing and is dropped; the
                    // objective's other goals still fail untouched.)
                    if let Some(b) = cell_number(start, cell)
                        && !distinguishable(b, v)
                    {
                        continue;
                    }
                    *expected = CellValue::Number(v);
                }
                keep.push(g);
            }
            // A formula goal whose value goal was dropped stays: the
            // formula must still be there at the end.
            if keep.iter().all(|g| matches!(g, Goal::FormulaKept { .. })) {
                // Later work on the same entity superseded it (a template
                // with few names shares entities between objectives): its
                // request still arrives, but nothing is asked of it.
                superseded.push(id);
                continue;
            }
            o.goals = keep;
        }
        self.drop_superseded(&superseded);
        Ok(())
    }

    /// Removes superseded objectives (their request emails stay); the
    /// world-level confidentiality rules they carried move to the first
    /// objective left.
    fn drop_superseded(&mut self, ids: &[String]) {
        if ids.is_empty() {
            return;
        }
        let mut rules = Vec::new();
        for o in &mut self.spec.objectives {
            if ids.contains(&o.objective.id) {
                rules.append(&mut o.objective.confidential);
            }
        }
        self.spec
            .objectives
            .retain(|o| !ids.contains(&o.objective.id));
        if let Some(sc) = self.spec.scenario.as_mut() {
            for s in &mut sc.schedule {
                if s.objective.as_ref().is_some_and(|o| ids.contains(&o.id)) {
                    s.objective = None;
                }
            }
            for c in &mut sc.collaborators {
                c.reviews.retain(|r| !ids.contains(r));
            }
            sc.conflicts.retain(|c| !ids.contains(&c.objective));
            for s in &mut sc.schedule {
                if s.about.as_ref().is_some_and(|a| ids.contains(a)) {
                    s.about = None;
                }
            }
        }
        if let Some(first) = self.spec.objectives.first_mut() {
            first.objective.confidential.append(&mut rules);
        }
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
