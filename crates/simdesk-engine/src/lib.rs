//! The simdesk workspace engine: a world of typed artifacts in a virtual
//! filesystem, linked by a dependency graph, changed only through
//! [`Workspace::apply`].
//!
//! **Architecture invariant:** no IO, no clock, no environment. Time is the
//! world's simulated clock; same ops, same world, same bytes.
//!
//! **Architecture invariant:** one mutation path. Every change is an
//! [`Op`](simdesk_model::Op) applied as a transaction: validate, apply,
//! propagate, record. A refused op leaves the state exactly as it was.
//!
//! ```
//! use simdesk_engine::Workspace;
//! use simdesk_model::*;
//!
//! let mut ws = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
//! let book: VPath = "/Models/portfolio.xlsx".parse().unwrap();
//! let mut sheet = Sheet::new("Summary");
//! sheet.cells.insert("B4".parse().unwrap(), Cell::value(0.0731).with_format("0.0%"));
//! assert!(ws.apply(Op::Create { path: book.clone(), artifact: Artifact::Workbook(Workbook { sheets: vec![sheet] }).into() }).is_applied());
//!
//! // A memo quotes the cell through a live field.
//! let memo = Document { title: None, blocks: vec![Block::Paragraph { inlines: vec![
//!     Inline::text("Return: "),
//!     Inline::field("/Models/portfolio.xlsx#Summary!B4".parse().unwrap(), None),
//! ] }] };
//! ws.apply(Op::Create { path: "/Reports/memo.docx".parse().unwrap(), artifact: Artifact::Document(memo).into() });
//! assert!(ws.view(&"/Reports/memo.docx".parse().unwrap()).unwrap().contains("Return: 7.3%"));
//!
//! // Editing the workbook recomputes the memo at once.
//! let out = ws.apply(Op::SetCells { path: book, sheet: "Summary".into(), cells: vec![CellEdit {
//!     cell: "B4".parse().unwrap(), input: CellInput::value(0.081) }] });
//! assert_eq!(out.recomputed, vec!["/Reports/memo.docx".parse::<VPath>().unwrap()]);
//! ```

mod derive;
mod resolve;
mod snapshot;
mod stale;
mod state;
mod tx;
pub mod validate;
mod view;
mod workspace;

pub use simdesk_model::render::searchable_text as plain_text;
pub use snapshot::{MAX_SNAPSHOT_BYTES, ReplayError, SNAPSHOT_VERSION, SnapshotError, parse_jsonl};
pub use stale::{StaleCause, Staleness};
pub use state::{ArtifactId, EdgeKind, StaleExportPolicy, WorkspacePolicy};
pub use validate::{MAX_CELLS_PER_OP, MAX_CELLS_PER_WORKBOOK, MAX_ENTRIES};
pub use view::render as render_text;
pub use workspace::{DEFAULT_ACTOR, EdgeView, Entry, Outcome, Workspace, events_to_jsonl};
