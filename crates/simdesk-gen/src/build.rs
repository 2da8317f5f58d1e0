//! Building a world: apply a spec's lowered ops to a fresh engine
//! workspace. Everything that needs the engine lives here.

use simdesk_engine::Workspace;
use simdesk_model::{Diagnostic, Op};

use crate::lower::lower;
use crate::spec::WorldSpec;
use crate::validate::SpecError;

/// Why a spec could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BuildError {
    /// The spec has problems (each with its JSON pointer).
    #[error("invalid spec: {} problem(s), first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Spec(Vec<SpecError>),
    /// The engine refused an op; nothing after it was applied.
    #[error("op {index} ({name}) was rejected: {}", diagnostics.iter().map(|d| d.message.as_str()).collect::<Vec<_>>().join("; "))]
    Rejected {
        /// Index of the op in the lowered list.
        index: usize,
        /// The op's name (`create`, `export` …).
        name: &'static str,
        /// The op itself.
        op: Box<Op>,
        /// What the engine said.
        diagnostics: Vec<Diagnostic>,
    },
}

/// Builds the world a spec describes: lowers it and applies every op,
/// failing on the first op the engine rejects.
pub fn build(spec: &WorldSpec) -> Result<Workspace, BuildError> {
    let ops = lower(spec).map_err(BuildError::Spec)?;
    let mut ws = Workspace::new(spec.start, spec.persona.clone());
    for (index, (actor, op)) in ops.into_iter().enumerate() {
        let name = op.name();
        let out = ws.apply_as(&actor, op);
        if !out.is_applied() {
            // The trajectory's last event is the refused op: no need to
            // keep a copy of every op (and artifact) for the one that may
            // fail.
            let op = ws
                .trajectory()
                .last()
                .map_or(Op::AdvanceClock { seconds: 0 }, |e| e.op.clone());
            return Err(BuildError::Rejected {
                index,
                name,
                op: Box::new(op),
                diagnostics: out.diagnostics,
            });
        }
    }
    Ok(ws)
}
