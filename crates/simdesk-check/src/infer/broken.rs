//! Error values shown as text: a document, deck, note, email or PDF that
//! shows `#REF!`, or a workbook cell holding `#REF!` without a formula, is
//! what a linked value looks like once the file or cell it came from is
//! gone (fields and cell links keep only their last text on disk).

use simdesk_engine::Workspace;
use simdesk_model::{Artifact, CellError, CellValue, Code, Diagnostic, Ref, quote_sheet};

use super::Inference;
use crate::quote::{excerpt, units};
use crate::rules::whole;

const SHOWN: &str = "#REF!";

pub(super) fn shown_errors(ws: &Workspace, inf: &mut Inference) {
    for (path, a) in ws.artifacts() {
        if let Artifact::Workbook(w) = a {
            let cells: Vec<Ref> = w
                .sheets
                .iter()
                .flat_map(|s| {
                    s.cells
                        .iter()
                        .filter(|(_, c)| {
                            c.formula.is_none() && c.value == CellValue::Error(CellError::Ref)
                        })
                        .map(|(addr, _)| Ref::cell(path.clone(), &s.name, *addr))
                })
                .collect();
            let Some(first) = cells.first() else { continue };
            let names: Vec<String> = cells
                .iter()
                .take(5)
                .map(|r| match &r.target {
                    simdesk_model::RefTarget::Cell { sheet, cell } => {
                        format!("{}!{cell}", quote_sheet(sheet))
                    }
                    _ => String::new(),
                })
                .collect();
            let more = if cells.len() > 5 {
                format!(" and {} more", cells.len() - 5)
            } else {
                String::new()
            };
            inf.findings.push(
                Diagnostic::error(
                    Code::BrokenReference,
                    format!(
                        "{path} holds #REF! without a formula in {}{more}: those cells were linked to a file or cell that is gone",
                        names.join(", ")
                    ),
                )
                .with_ref(whole(path))
                .with_ref(first.clone())
                .with_hint("restore what the cells were linked to, or link them to what replaced it"),
            );
            continue;
        }
        let Some(t) = units(a).into_iter().find(|t| t.contains(SHOWN)) else {
            continue;
        };
        inf.findings.push(
            Diagnostic::error(
                Code::BrokenReference,
                format!(
                    "{path} shows #REF! where it quoted a value (in: {:?}): the file or cell it quoted is gone",
                    excerpt(&t)
                ),
            )
            .with_ref(whole(path))
            .with_hint("restore the source it quoted, or quote what replaced it"),
        );
    }
}
