//! Reference solving: the ops a careful professional applies for every
//! objective of a world, as the agent, in the order the requests arrive.
//!
//! Each generated objective carries its reference ([`Objective::reference`]);
//! the world's reference trajectory is those references in arrival order.
//! The generator computes every expected value on the end state of this
//! whole run, so objectives that share sources agree, and a solved world
//! scores full marks.

use simdesk_engine::{DEFAULT_ACTOR, Workspace};
use simdesk_model::{Artifact, Diagnostic, Objective, Op, SimTime};

/// Why a world could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SolveError {
    /// The engine refused one op of an objective's reference (the world
    /// given to [`solve`] is unchanged: the reference runs on a fork).
    #[error("objective {objective}: reference op {index} ({name}) was rejected: {}", diagnostics.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))]
    Rejected {
        /// The objective's id.
        objective: String,
        /// Index of the op in the objective's reference.
        index: usize,
        /// The op's name (`export`, `send_email` …).
        name: &'static str,
        /// What the engine said.
        diagnostics: Vec<Diagnostic>,
    },
}

/// Applies every objective's reference to a fork of `ws` through
/// [`Workspace::apply_as`] with the agent's actor, in the order the
/// requests arrive (see [`arrival_order`]), and returns the solved world.
///
/// ```
/// use simdesk_gen::{GenOptions, build, builtin_template, generate, solve};
///
/// let t = builtin_template("financial-advisor").unwrap();
/// let world = build(&generate(&t, 7, 0, &GenOptions::default()).unwrap()).unwrap();
/// let solved = solve(&world).unwrap();
/// assert!(solved.trajectory_len() > world.trajectory_len());
/// ```
pub fn solve(ws: &Workspace) -> Result<Workspace, SolveError> {
    let mut out = ws.fork();
    for o in arrival_order(ws) {
        apply_reference(&mut out, &o)?;
    }
    Ok(out)
}

/// The world's objectives in the order their requests arrive: by
/// [`Objective::assigned`], else by the date of the request email (found by
/// its Message-ID), else at the start; ties keep the recorded order.
pub fn arrival_order(ws: &Workspace) -> Vec<Objective> {
    let mut dated: Vec<(SimTime, usize, Objective)> = ws
        .objectives()
        .enumerate()
        .map(|(i, o)| (arrival(ws, o), i, o.clone()))
        .collect();
    dated.sort_by_key(|(t, i, _)| (*t, *i));
    dated.into_iter().map(|(_, _, o)| o).collect()
}

/// When the request for `o` arrives.
fn arrival(ws: &Workspace, o: &Objective) -> SimTime {
    if let Some(t) = o.assigned {
        return t;
    }
    let Some(id) = o.message_id.as_deref() else {
        return ws.start();
    };
    ws.artifacts()
        .find_map(|(_, a)| match a {
            Artifact::Email(m) if m.message_id == id => Some(m.date),
            _ => None,
        })
        .unwrap_or_else(|| ws.start())
}

/// Applies one objective's reference as the agent; on a refusal the world
/// keeps the ops applied before it.
pub(crate) fn apply_reference(ws: &mut Workspace, o: &Objective) -> Result<(), SolveError> {
    for (index, op) in o.reference.iter().enumerate() {
        let name = op.name();
        let out = ws.apply_as(DEFAULT_ACTOR, op.clone());
        if !out.is_applied() {
            return Err(SolveError::Rejected {
                objective: o.id.clone(),
                index,
                name,
                diagnostics: out.diagnostics,
            });
        }
    }
    Ok(())
}

/// Appends `op` to a reference being built and applies it, as the agent.
pub(crate) fn apply_step(ws: &mut Workspace, o: &mut Objective, op: Op) -> Result<(), SolveError> {
    let index = o.reference.len();
    let name = op.name();
    let out = ws.apply_as(DEFAULT_ACTOR, op.clone());
    if !out.is_applied() {
        return Err(SolveError::Rejected {
            objective: o.id.clone(),
            index,
            name,
            diagnostics: out.diagnostics,
        });
    }
    o.reference.push(op);
    Ok(())
}
