//! Objectives: work assigned to the persona, with machine-checkable goals.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactKind;
use crate::cell::CellValue;
use crate::refs::Ref;
use crate::time::SimTime;
use crate::vpath::VPath;

/// A piece of work with a due date and goals over the world's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Objective {
    /// Stable id (`obj-1`).
    pub id: String,
    /// Short title.
    pub title: String,
    /// What is asked, in prose.
    #[serde(default)]
    pub description: String,
    /// Who asked (a collaborator's address).
    #[serde(default)]
    pub requested_by: String,
    /// The email that introduced it (Message-ID), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// Due date in simulated time.
    pub due: SimTime,
    /// The goals; the objective is met when all are.
    pub goals: Vec<Goal>,
}

/// One machine-checkable condition over the world's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "goal", rename_all = "snake_case")]
pub enum Goal {
    /// A cell holds a value (numbers within `tolerance`).
    CellEquals {
        /// The cell.
        cell: Ref,
        /// Expected value.
        expected: CellValue,
        /// Absolute tolerance for numbers.
        #[serde(default)]
        tolerance: f64,
    },
    /// An artifact exists (of a kind, when given).
    Exists {
        /// Where.
        path: VPath,
        /// Required kind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<ArtifactKind>,
    },
    /// A deliverable exists, was exported from `source`, and is not stale.
    ExportedFresh {
        /// The deliverable.
        path: VPath,
        /// What it must be exported from.
        source: VPath,
    },
    /// An email was sent to `to` (optionally with a fresh attachment).
    EmailSent {
        /// Recipient address.
        to: String,
        /// Text the subject must contain (case-insensitive).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject_contains: Option<String>,
        /// An artifact that must be attached, not stale when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<VPath>,
    },
    /// A text, document, deck or email shows `needle` somewhere.
    Contains {
        /// Where.
        path: VPath,
        /// What.
        needle: String,
    },
}
