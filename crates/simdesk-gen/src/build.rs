//! Building a world: apply a spec's lowered ops to a fresh engine
//! workspace. Everything that needs the engine lives here.

use simdesk_engine::Workspace;
use simdesk_model::{CellValue, Diagnostic, Goal, Op, RefTarget};

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

/// Whether a goal holds in a built world. A small evaluator for the goals
/// the generator emits (the checker crate owns full scoring).
pub fn goal_met(ws: &Workspace, g: &Goal) -> bool {
    match g {
        Goal::CellEquals {
            cell,
            expected,
            tolerance,
        } => {
            let (Some(path), RefTarget::Cell { sheet, cell }) = (&cell.path, &cell.target) else {
                return false;
            };
            match (ws.cell(path, sheet, *cell).map(|c| &c.value), expected) {
                (Some(CellValue::Number(a)), CellValue::Number(b)) => (a - b).abs() <= *tolerance,
                (Some(v), e) => v == e,
                (None, _) => false,
            }
        }
        Goal::Exists { path, kind } => ws
            .artifact(path)
            .is_some_and(|a| kind.is_none_or(|k| a.kind() == k)),
        Goal::ExportedFresh { path, source } => {
            ws.artifact(path).is_some()
                && !ws.is_stale(path)
                && ws.edges_into(path).iter().any(|e| &e.source == source)
        }
        Goal::EmailSent {
            to,
            subject_contains,
            attachment,
        } => ws.artifacts().any(|(_, a)| {
            let simdesk_model::Artifact::Email(m) = a else {
                return false;
            };
            m.from.address == ws.persona().email
                && m.to
                    .iter()
                    .chain(&m.cc)
                    .any(|t| t.address.eq_ignore_ascii_case(to))
                && subject_contains
                    .as_ref()
                    .is_none_or(|s| m.subject.to_lowercase().contains(&s.to_lowercase()))
                && attachment
                    .as_ref()
                    .is_none_or(|p| m.attachments.contains(p))
        }),
        Goal::Contains { path, needle } => ws.artifact(path).is_some_and(|a| {
            let mut text = String::new();
            a.visit_inlines(&mut |i| text.push_str(i.display()));
            if let simdesk_model::Artifact::Text(t) = a {
                text.push_str(&t.content);
            }
            text.contains(needle.as_str())
        }),
    }
}
