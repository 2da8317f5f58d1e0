//! Attachments: the copy an email carries, compared with the file of that
//! name now in the folder (at the copy's path, or the one file of that
//! name elsewhere: a message from elsewhere lands under `/Attachments`). The same content is a link; different content
//! means the email was sent before the file changed (a warning, as
//! stale-attachment is for a recorded attachment that changed since).

use simdesk_engine::{Workspace, plain_text};

use super::text::{differences, similarity, words};
use super::{Attached, Inference, InferredLink, Relation, confidence};
use crate::rules::whole;
use simdesk_model::{Code, Diagnostic, VPath};

/// The file a carried copy is a copy of: the one file of that name
/// elsewhere in the folder (a message from elsewhere puts its attachments
/// under `/Attachments`), else the file at the copy's own path.
pub(super) fn file_of(ws: &Workspace, c: &Attached) -> Option<VPath> {
    let name = c.path.file_name()?;
    let mut same: Vec<&VPath> = ws
        .artifacts()
        .filter(|(p, a)| {
            *p != &c.path
                && p.file_name() == Some(name)
                && !matches!(a, simdesk_model::Artifact::Email(_))
        })
        .map(|(p, _)| p)
        .collect();
    if same.len() == 1 {
        return same.pop().cloned();
    }
    ws.artifact(&c.path).map(|_| c.path.clone())
}

pub(super) fn infer_attachments(ws: &Workspace, attached: &[Attached], inf: &mut Inference) {
    for c in attached {
        // A missing file is a broken reference, reported by the rules.
        let Some(file) = file_of(ws, c) else {
            continue;
        };
        let Some(now) = ws.artifact(&file) else {
            continue;
        };
        if ws.artifact(&c.email).is_none() {
            continue;
        }
        let (sent, current) = (words(&plain_text(&c.artifact)), words(&plain_text(now)));
        let same = c.artifact == *now;
        let sim = similarity(&sent, &current);
        inf.link(InferredLink {
            relation: Relation::Attachment,
            source: whole(&file),
            dependent: whole(&c.email),
            confidence: confidence(if same { 0.99 } else { 0.6 + 0.3 * sim }),
            evidence: if same {
                "the attached copy has the same name and content as the file".to_owned()
            } else {
                format!(
                    "the attached copy has the file's name; {:.0}% of their words agree",
                    sim * 100.0
                )
            },
        });
        if same {
            continue;
        }
        let what = if sent == current {
            "their text is the same, their content is not (formatting, formulas or layout)"
                .to_owned()
        } else {
            differences(&sent, &current, "the attached copy", "the file")
        };
        inf.findings.push(
            Diagnostic::warning(
                Code::StaleAttachment,
                format!(
                    "{} was sent with a copy of {file} that differs from the file now: {what}",
                    c.email
                ),
            )
            .with_ref(whole(&c.email))
            .with_ref(whole(&file))
            .with_hint(format!(
                "if the recipients need the current {file}, send it again"
            )),
        );
    }
}
