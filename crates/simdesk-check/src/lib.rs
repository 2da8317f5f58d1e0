//! Consistency rules over a simdesk world and its trajectory, goal scoring,
//! trajectory mining, and reports as text, JSON and SARIF 2.1.0.
//!
//! Three questions, three pure functions (no IO; the CLI reads and prints):
//!
//! - [`check`]: do the world's files agree with each other? Every rule in
//!   [`RULES`] has a stable [`Code`] and a severity, and reports
//!   [`Diagnostic`]s whose first ref is the file at fault.
//! - [`score()`]: did the agent meet the objectives recorded in the world,
//!   and what else did it change?
//! - [`mine()`]: which mistakes did the trajectory make, in which order?
//!
//! ```
//! use simdesk_check::{CheckOptions, check};
//! use simdesk_engine::Workspace;
//! use simdesk_model::*;
//!
//! let mut ws = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
//! let book: VPath = "/Models/fees.xlsx".parse().unwrap();
//! let mut sheet = Sheet::new("Summary");
//! sheet.cells.insert("B2".parse().unwrap(), Cell::value(100.0));
//! ws.apply(Op::Create { path: book.clone(), artifact: Artifact::Workbook(Workbook { sheets: vec![sheet] }).into() });
//! ws.apply(Op::Export { source: book.clone(), target: "/Out/fees.csv".parse().unwrap(), sheet: None });
//! assert!(check(&ws, &CheckOptions::default()).iter().all(|d| !d.is_error()));
//!
//! // The workbook moves on; the exported csv does not.
//! ws.apply(Op::SetCells { path: book, sheet: "Summary".into(), cells: vec![CellEdit {
//!     cell: "B2".parse().unwrap(), input: CellInput::value(120.0) }] });
//! let found = check(&ws, &CheckOptions::default());
//! assert!(found.iter().any(|d| d.code == Code::StaleExport && d.is_error()));
//! ```
//!
//! **Architecture invariant:** nothing here reads files, the clock or the
//! environment, and nothing here changes a world: checks read a
//! [`Workspace`](simdesk_engine::Workspace) and return values. Output order
//! is a function of the world alone (ordered maps, sorted results).

mod dataset_report;
mod deliver;
mod goals;
mod history;
pub use history::Timeline;
mod hygiene;
mod infer;
mod mine;
mod mine_end;
mod outcome_report;
mod quote;
mod report;
mod rules;
mod score;

pub use dataset_report::{ComputerFindings, dataset_summary, render_dataset};
pub use hygiene::portable_name_diagnostics;
pub use infer::{Attached, Inference, InferredLink, Relation, check_plain, infer};
pub use mine::{MineReport, Mistake, MistakeKind, mine, mine_events};
pub use outcome_report::{OutcomeFormat, mine_text, render_mine, render_score, score_text};
pub use report::{
    Report, ReportFinding, ReportFormat, Summary, merge_findings, render_check, sarif, text_report,
    world_findings,
};
pub use rules::{RULES, Rule, check, primary_path, rule_for};
pub use score::{
    Collateral, CollateralChange, ERROR_PENALTY, GoalResult, ObjectiveScore, ScoreReport,
    StartMethod, WARNING_PENALTY, score, score_since, score_timeline,
};
pub use simdesk_model::{Code, Diagnostic, Severity};

/// What [`check`] looks at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckOptions {
    /// Report information-level findings (version clutter, duplicates,
    /// orphans). On by default.
    pub info: bool,
    /// Look for hand-typed numbers that disagree with a labelled source
    /// value (the heuristic part of quoted-value-mismatch). On by default.
    pub typed_quotes: bool,
}

impl Default for CheckOptions {
    fn default() -> Self {
        CheckOptions {
            info: true,
            typed_quotes: true,
        }
    }
}
