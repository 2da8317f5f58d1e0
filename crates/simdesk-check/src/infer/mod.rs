//! Inferred links: how the files of a folder without a manifest depend on
//! each other, judged by their content, each link with a confidence and
//! the evidence for it.
//!
//! A folder of real office files carries no dependency graph, so the rules
//! over edges find nothing in it. [`infer`] looks at the content instead:
//!
//! - **exports** ([`exports`]): a PDF (or CSV) whose text matches what a
//!   document, deck or workbook renders to, with the same base name or a
//!   high text similarity, is its export; when the source's content now
//!   differs, the export is stale and the finding says what differs;
//! - **quotes** ([`quotes`]): a number in a document, deck, note, email or
//!   PDF next to the words of a workbook's row label is a quote of that
//!   cell (the typed-number heuristic of quoted-value-mismatch, tolerant of
//!   `$1.2M`, `1,204,331`, `12.4%`); a disagreeing one is a
//!   `quoted-value-mismatch` naming both values and where each is;
//! - **imports** ([`imports`]): a CSV whose columns and keys match a
//!   workbook sheet feeds it; a newer CSV of the same stem with different
//!   values means the workbook waits for a refresh;
//! - **attachments** ([`attachments`]): a copy an email carries that
//!   differs from the file of that name now in the folder was sent before
//!   the file changed;
//! - and **error values shown as text** ([`broken`]): a document or a
//!   workbook cell without a formula showing `#REF!` quoted something that
//!   is gone.
//!
//! [`infer`] is pure: it reads a [`Workspace`] (built by importing the
//! folder) and never changes it; renderings are made on a fork. The
//! links become edges of the engine's `inferred` kind through
//! [`Inference::link_ops`] when a folder is imported, and info-level
//! `inferred-link` findings through [`Inference::diagnostics`] when it is
//! checked.

mod attachments;
mod broken;
mod exports;
mod imports;
mod quotes;
mod text;

use std::collections::BTreeMap;

use serde::Serialize;
use simdesk_engine::Workspace;
use simdesk_model::{Artifact, Code, Diagnostic, LinkKind, Op, Ref, VPath};

use crate::CheckOptions;
use crate::rules::sort_findings;

/// What an inferred link says the dependent is to its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The dependent (a PDF or CSV) was exported from the source.
    Export,
    /// The dependent shows a number of the source cell.
    Quote,
    /// The dependent workbook sheet was filled from the source CSV.
    Import,
    /// The dependent email carries a copy of the source.
    Attachment,
}

impl Relation {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Export => "export",
            Relation::Quote => "quote",
            Relation::Import => "import",
            Relation::Attachment => "attachment",
        }
    }
}

/// One link found by content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InferredLink {
    /// What the dependent is to the source.
    pub relation: Relation,
    /// What is depended on (a whole file, a sheet or a cell).
    pub source: Ref,
    /// What depends on it.
    pub dependent: Ref,
    /// How sure the inference is, in (0, 1], two decimals.
    pub confidence: f64,
    /// Why: what matched.
    pub evidence: String,
}

/// A copy of a file carried by an email, as the importer read it from the
/// message (the folder's file of that name may have changed since).
#[derive(Debug, Clone, PartialEq)]
pub struct Attached {
    /// The email carrying it.
    pub email: VPath,
    /// The path of the file it is a copy of.
    pub path: VPath,
    /// The copy's content.
    pub artifact: Artifact,
}

/// What [`infer`] found: links, and the problems they show.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Inference {
    /// Links, ordered by dependent, source and relation; at most one per
    /// (relation, source, dependent).
    pub links: Vec<InferredLink>,
    /// Problems the links show (stale exports and imports, quoted values
    /// that disagree, attachments changed since sent, `#REF!` shown).
    pub findings: Vec<Diagnostic>,
}

impl Inference {
    fn link(&mut self, l: InferredLink) {
        self.links.push(l);
    }

    /// The findings plus one info-level `inferred-link` finding per link
    /// (confidence and evidence in the message), sorted like [`check`](crate::check).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = self.findings.clone();
        for l in &self.links {
            out.push(
                Diagnostic::new(
                    Code::InferredLink,
                    simdesk_model::Severity::Info,
                    format!(
                        "{} is inferred to be {} {} (confidence {:.2}): {}",
                        l.dependent,
                        match l.relation {
                            Relation::Export => "an export of",
                            Relation::Quote => "quoting",
                            Relation::Import => "filled from",
                            Relation::Attachment => "carrying a copy of",
                        },
                        l.source,
                        l.confidence,
                        l.evidence
                    ),
                )
                .with_ref(l.dependent.clone())
                .with_ref(l.source.clone()),
            );
        }
        sort_findings(&mut out);
        out
    }

    /// The ops that record the links in a world as `inferred` edges: one
    /// `link` op per (source file, dependent file), in path order.
    pub fn link_ops(&self) -> Vec<Op> {
        let mut pairs: BTreeMap<(VPath, VPath), ()> = BTreeMap::new();
        for l in &self.links {
            if let (Some(s), Some(d)) = (&l.source.path, &l.dependent.path)
                && s != d
            {
                pairs.insert((s.clone(), d.clone()), ());
            }
        }
        pairs
            .into_keys()
            .map(|(s, d)| Op::Link {
                source: Ref::whole(s),
                dependent: Ref::whole(d),
                kind: LinkKind::Inferred,
            })
            .collect()
    }
}

/// Infers the links between the files of `ws` (a folder imported without
/// a manifest) by content; `attached` are the copies its emails carry.
pub fn infer(ws: &Workspace, attached: &[Attached]) -> Inference {
    let mut inf = Inference::default();
    let exported = exports::infer_exports(ws, &mut inf);
    imports::infer_imports(ws, &exported, &mut inf);
    quotes::infer_quotes(ws, &exported, attached, &mut inf);
    attachments::infer_attachments(ws, attached, &mut inf);
    broken::shown_errors(ws, &mut inf);
    // One link per (relation, source, dependent): the most confident.
    inf.links.sort_by(|a, b| {
        (&a.dependent, &a.source, a.relation)
            .cmp(&(&b.dependent, &b.source, b.relation))
            .then(b.confidence.total_cmp(&a.confidence))
            .then(a.evidence.cmp(&b.evidence))
    });
    inf.links.dedup_by(|a, b| {
        a.relation == b.relation && a.source == b.source && a.dependent == b.dependent
    });
    sort_findings(&mut inf.findings);
    inf
}

/// Checks a folder imported without a manifest: the rules (the typed-number
/// part of quoted-value-mismatch is left to the inference, which reads the
/// same labels and more kinds of text) plus everything [`infer`] finds,
/// links as info. Sorted like [`check`](crate::check).
pub fn check_plain(ws: &Workspace, attached: &[Attached], opts: &CheckOptions) -> Vec<Diagnostic> {
    let rules = CheckOptions {
        typed_quotes: false,
        ..opts.clone()
    };
    let mut out = crate::check(ws, &rules);
    let inf = infer(ws, attached);
    if opts.info {
        out.extend(inf.diagnostics());
    } else {
        out.extend(inf.findings);
    }
    if !opts.typed_quotes {
        out.retain(|d| d.code != Code::QuotedValueMismatch || d.is_error());
    }
    sort_findings(&mut out);
    out
}

/// A ref to one sheet of a workbook.
fn sheet_ref(path: &VPath, sheet: &str) -> Ref {
    Ref {
        path: Some(path.clone()),
        target: simdesk_model::RefTarget::Sheet {
            sheet: sheet.to_owned(),
        },
    }
}

/// Rounds a confidence to two decimals within (0, 1].
fn confidence(x: f64) -> f64 {
    ((x.clamp(0.01, 1.0)) * 100.0).round() / 100.0
}
