//! Operations: the only way a world changes, and the events they become.
//!
//! An [`Op`] is plain data with a stable JSON form (`{"op": "set_cells", …}`),
//! so agents, op files (JSON Lines) and trajectories all speak the same
//! language.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::artifact::{Artifact, Block, Email, Slide};
use crate::cell::{CellAddr, CellValue};
use crate::diag::Diagnostic;
use crate::objective::Objective;
use crate::refs::Ref;
use crate::time::SimTime;
use crate::vpath::VPath;

/// One change to a world.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "op", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum Op {
    /// Create a folder and any missing parents.
    Mkdir {
        /// The folder.
        path: VPath,
    },
    /// Create an artifact at a new path (parents are created).
    Create {
        /// Where.
        path: VPath,
        /// The content, shared: the world stores this very value (no copy
        /// beside the one the trajectory keeps).
        artifact: Arc<Artifact>,
    },
    /// Replace the whole content of an existing artifact (save over it).
    Write {
        /// Which artifact.
        path: VPath,
        /// The new content (same kind), shared with the world like
        /// [`Op::Create`]'s.
        artifact: Arc<Artifact>,
    },
    /// Delete an artifact, or a folder (with `recursive` when not empty).
    Delete {
        /// What.
        path: VPath,
        /// Delete a non-empty folder with everything in it.
        #[serde(default)]
        recursive: bool,
    },
    /// Move or rename an artifact or folder; refs to it follow.
    Move {
        /// From.
        from: VPath,
        /// To (must not exist).
        to: VPath,
    },
    /// Copy an artifact; the copy is a snapshot of the original.
    Copy {
        /// From.
        from: VPath,
        /// To (must not exist).
        to: VPath,
    },
    /// Set cells of one sheet (created when missing).
    SetCells {
        /// The workbook.
        path: VPath,
        /// The sheet.
        sheet: String,
        /// The edits, applied in order.
        cells: Vec<CellEdit>,
    },
    /// Set a rectangular block of values starting at `start`.
    SetRange {
        /// The workbook.
        path: VPath,
        /// The sheet.
        sheet: String,
        /// Top-left cell.
        start: CellAddr,
        /// Rows of inputs; `null` leaves a cell as it is.
        rows: Vec<Vec<Option<CellInput>>>,
    },
    /// Edit the blocks of a document.
    EditDocument {
        /// The document.
        path: VPath,
        /// The edit.
        edit: DocEdit,
    },
    /// Edit the slides of a deck.
    EditSlides {
        /// The deck.
        path: VPath,
        /// The edit.
        edit: SlideEdit,
    },
    /// Add a manual dependency: an import (CSV into a sheet) or "based on".
    Link {
        /// The source (a whole artifact, or a sheet).
        source: Ref,
        /// The dependent (a whole artifact, or the sheet an import fills).
        dependent: Ref,
        /// What the link does on refresh.
        kind: LinkKind,
    },
    /// Remove the manual links from `source` to `dependent`.
    Unlink {
        /// The source artifact.
        source: VPath,
        /// The dependent artifact.
        dependent: VPath,
    },
    /// Bring an artifact up to date with its manual and snapshot sources:
    /// re-run imports, pull manual cell links, re-export, mark "based on"
    /// links as seen.
    Refresh {
        /// The artifact to refresh.
        path: VPath,
    },
    /// Derive a snapshot artifact from a source (document/deck/workbook →
    /// pdf, workbook → csv, document → md, …). Re-exporting over an earlier
    /// export of the same source replaces it.
    Export {
        /// The source.
        source: VPath,
        /// The derived artifact's path; its extension picks the format.
        target: VPath,
        /// For workbook → csv: the sheet (default: the first).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sheet: Option<String>,
    },
    /// Send (or receive) an email: it is stored at `path`, and each
    /// attachment becomes a snapshot edge from the attached artifact.
    SendEmail {
        /// Where the message is stored (`/Mail/Sent/…eml`).
        path: VPath,
        /// The message; its date is set to the world's clock when unset
        /// (the Unix epoch).
        email: Email,
    },
    /// Advance the simulated wall clock.
    AdvanceClock {
        /// Seconds to advance (positive).
        seconds: i64,
    },
    /// Record an objective assigned to the persona.
    AddObjective {
        /// The objective.
        objective: Objective,
    },
}

impl Op {
    /// The op's name as in its JSON tag (`set_cells`).
    pub fn name(&self) -> &'static str {
        match self {
            Op::Mkdir { .. } => "mkdir",
            Op::Create { .. } => "create",
            Op::Write { .. } => "write",
            Op::Delete { .. } => "delete",
            Op::Move { .. } => "move",
            Op::Copy { .. } => "copy",
            Op::SetCells { .. } => "set_cells",
            Op::SetRange { .. } => "set_range",
            Op::EditDocument { .. } => "edit_document",
            Op::EditSlides { .. } => "edit_slides",
            Op::Link { .. } => "link",
            Op::Unlink { .. } => "unlink",
            Op::Refresh { .. } => "refresh",
            Op::Export { .. } => "export",
            Op::SendEmail { .. } => "send_email",
            Op::AdvanceClock { .. } => "advance_clock",
            Op::AddObjective { .. } => "add_objective",
        }
    }
}

/// One cell edit. Its JSON form is flat (`{"cell":"B2","value":3}`);
/// unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CellEdit {
    /// Which cell.
    pub cell: CellAddr,
    /// What to put there.
    #[serde(flatten)]
    pub input: CellInput,
}

/// [`CellEdit`] as read: serde's `flatten` cannot refuse unknown fields, so
/// the flat form is spelled out here.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CellEditRepr {
    cell: CellAddr,
    #[serde(default)]
    value: Option<CellValue>,
    #[serde(default)]
    formula: Option<String>,
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    link: Option<crate::artifact::CellLink>,
}

impl<'de> Deserialize<'de> for CellEdit {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let r = CellEditRepr::deserialize(d)?;
        Ok(CellEdit {
            cell: r.cell,
            input: CellInput {
                value: r.value,
                formula: r.formula,
                format: r.format,
                link: r.link,
            },
        })
    }
}

/// What to put in a cell: a value, a formula (`"=SUM(A1:A3)"` style text
/// without the `=`), or nothing (clear). An optional number format.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellInput {
    /// A constant value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<CellValue>,
    /// A formula without the leading `=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// A number format.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Make the cell a live or manual link to another workbook's cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<crate::artifact::CellLink>,
}

impl CellInput {
    /// A constant.
    pub fn value(v: impl Into<CellValue>) -> Self {
        CellInput {
            value: Some(v.into()),
            ..CellInput::default()
        }
    }

    /// A formula.
    pub fn formula(f: &str) -> Self {
        CellInput {
            formula: Some(f.trim_start_matches('=').to_owned()),
            ..CellInput::default()
        }
    }
}

/// An edit of a document's blocks (indexes are 0-based).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum DocEdit {
    /// Insert a block before `index` (`index` = length appends).
    Insert {
        /// Position.
        index: usize,
        /// The block.
        block: Block,
    },
    /// Replace the block at `index`.
    Replace {
        /// Position.
        index: usize,
        /// The block.
        block: Block,
    },
    /// Delete the block at `index`.
    Delete {
        /// Position.
        index: usize,
    },
    /// Point the `field`-th field (0-based, document order) at a new source.
    SetField {
        /// Which field.
        field: usize,
        /// The new source.
        source: Ref,
        /// The new number format (`None` keeps the old one).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
}

/// An edit of a deck's slides (indexes are 0-based).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum SlideEdit {
    /// Insert a slide before `index`.
    Insert {
        /// Position.
        index: usize,
        /// The slide.
        slide: Slide,
    },
    /// Replace the slide at `index`.
    Replace {
        /// Position.
        index: usize,
        /// The slide.
        slide: Slide,
    },
    /// Delete the slide at `index`.
    Delete {
        /// Position.
        index: usize,
    },
    /// Move a slide.
    Move {
        /// From position.
        from: usize,
        /// To position.
        to: usize,
    },
}

/// What a manual link does when its dependent is refreshed.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Re-import: a CSV text or a sheet of another workbook is copied as
    /// values into the dependent sheet.
    Import,
    /// A "based on" relation: refresh only records that the dependent was
    /// brought up to date by hand.
    BasedOn,
    /// A link found by content in a folder imported without a manifest
    /// (`simdesk import DIR` records exports, quotes, imports and
    /// attachments it infers so); it behaves as "based on".
    Inferred,
}

/// How an event ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The op was applied and committed.
    Applied,
    /// The op was refused; the world did not change.
    Rejected,
}

/// One entry of a trajectory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    /// Sequence number, from 1.
    pub seq: u64,
    /// Simulated time when the op was applied.
    pub time: SimTime,
    /// Who did it (`agent`, `generator`, a collaborator's address …).
    pub actor: crate::actor::Actor,
    /// The op.
    pub op: Op,
    /// Applied or rejected.
    pub outcome: OutcomeKind,
    /// The world revision after the op (unchanged when rejected).
    pub revision: u64,
    /// Diagnostics the op raised.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}
