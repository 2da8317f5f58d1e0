//! Helpers shared by the test modules.

use simdesk_gen::{GenOptions, Template, WorldSpec, builtin_templates, generate};
use simdesk_model::{Artifact, CellValue, Goal, RefTarget};

pub fn templates() -> Vec<Template> {
    builtin_templates().expect("shipped templates load")
}

pub fn make(t: &Template, seed: u64) -> WorldSpec {
    generate(t, seed, 0, &GenOptions::default())
        .unwrap_or_else(|e| panic!("{} seed {seed}: {e}", t.id))
}

/// The value a cell holds in the spec as generated.
pub fn spec_cell(spec: &WorldSpec, r: &simdesk_model::Ref) -> Option<CellValue> {
    let path = r.path.as_ref()?;
    let a = spec.artifacts.iter().find(|a| &a.path == path)?;
    let Artifact::Workbook(w) = &a.artifact else {
        return None;
    };
    let RefTarget::Cell { sheet, cell } = &r.target else {
        return None;
    };
    Some(w.sheet(sheet)?.value(*cell).clone())
}

/// A goal that the spec, as generated, already meets (it must not).
pub fn goal_met_in_spec(spec: &WorldSpec, g: &Goal) -> bool {
    let files = spec.file_set();
    match g {
        Goal::CellEquals {
            cell,
            expected,
            tolerance,
        } => match (spec_cell(spec, cell), expected) {
            (Some(CellValue::Number(a)), CellValue::Number(b)) => (a - b).abs() <= *tolerance,
            (Some(v), e) => &v == e,
            (None, _) => false,
        },
        Goal::Exists { path, .. } | Goal::ExportedFresh { path, .. } => {
            files.iter().any(|f| f == path.as_str())
        }
        Goal::EmailSent { to, attachment, .. } => spec.emails.iter().any(|m| {
            m.actor == "persona"
                && m.email.to.iter().any(|t| &t.address == to)
                && attachment
                    .as_ref()
                    .is_none_or(|a| m.email.attachments.contains(a))
        }),
        // Not judged on a spec: how goals and provenance goals hold is the
        // checker's to say, on a built world.
        Goal::Contains { .. }
        | Goal::FormulaKept { .. }
        | Goal::RefreshedFrom { .. }
        | Goal::CleanDeliverable { .. }
        | Goal::Deliverable { .. }
        | Goal::DeliveredTo { .. } => false,
    }
}
