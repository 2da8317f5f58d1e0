//! Living in a simdesk world: a [`Session`] holds a world, its
//! [`Scenario`] (what arrives when, who the collaborators are and how they
//! behave, what each action costs) and the agent, and answers typed tool
//! calls. The tool surface is declared once ([`tools`]): doors (MCP, the
//! Python package, the CLI) list [`specs`] and pass calls to
//! [`Session::call`] or [`Session::call_raw`].
//!
//! **Architecture invariant:** no IO, no clock, no environment. Time is
//! simulated; the same world, scenario and calls give the same steps and
//! the same world, byte for byte.
//!
//! **Architecture invariant:** the world changes only through
//! `Workspace::apply_as` — the agent's ops as `agent`, collaborators' as
//! their key, clock advances as [`CLOCK_ACTOR`]. A refused call changes
//! nothing in the world.
//!
//! ```
//! use std::sync::Arc;
//! use simdesk_engine::Workspace;
//! use simdesk_model::*;
//! use simdesk_sim::{Scenario, Session, ToolCall};
//!
//! let mut ws = Workspace::new(SimTime::parse("2026-01-05T09:00:00Z").unwrap(), Persona::default());
//! ws.apply(Op::Mkdir { path: "/Users/ana/Mail/Inbox".parse().unwrap() });
//! let scenario = Scenario::from_toml(r#"
//!     agent = { name = "Ana Ruiz", address = "ana@firm.example" }
//!     home = "/Users/ana"
//!     [[collaborators]]
//!     key = "manager"
//!     name = "Sam Lee"
//!     email = "sam@firm.example"
//!     style = "terse"
//!     [[schedule]]
//!     at = "2026-01-05T10:00:00Z"
//!     from = "manager"
//!     subject = "Fees"
//!     body = "Please update the fee table."
//! "#).unwrap();
//! let mut s = Session::new(ws, Arc::new(scenario)).unwrap();
//! let r = s.call(ToolCall::parse("wait_for_email", serde_json::json!({})).unwrap());
//! assert_eq!(r.arrived.len(), 1);
//! assert_eq!(r.time.to_string(), "2026-01-05T10:00:00Z");
//! let r = s.call_raw("read_file", serde_json::json!({"path": "/Users/ana/nope.txt"}));
//! assert!(r.is_error && r.text.starts_with("error: no file or folder at /Users/ana/nope.txt"));
//! ```

mod agent;
mod collab;
mod error;
mod exec;
mod limits;
mod mail;
mod markdown;
mod reference;
mod scenario;
mod session;
pub mod tools;
mod views;

pub use agent::{ReferenceError, ReferenceRun, play_reference};
pub use collab::{Responder, ResponseContext};
pub use error::{ScenarioError, ToolError};
pub use limits::ToolLimits;
pub use reference::tool_call_for;
pub use scenario::{
    BUILTIN_COSTS, BUILTIN_PROSE, ClockTime, CollaboratorSpec, Conflict, Costs, FileDrop,
    FollowUps, Instruction, Knowledge, LocalDate, Place, Prose, SCENARIO_VERSION, Scenario,
    Scheduled, Weekday, WorkingHours,
};
pub use session::{
    AGENT_ACTOR, Arrival, CLOCK_ACTOR, MAX_ARRIVAL_BODY, ReplayError, Session, Step, ToolResult,
};
pub use tools::{TOOL_NAMES, ToolCall, ToolSpec, specs};
