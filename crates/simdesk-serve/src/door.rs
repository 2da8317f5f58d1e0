//! The one module that knows the simulation's API: what a served session
//! is, its tools, resources and brief, as MCP values.
//!
//! Everything here translates; tool behaviour lives in the simulation.

use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Resource, Tool};
use serde_json::Value;
use simdesk_engine::Workspace;
use simdesk_model::VPath;

use crate::uri;

/// What every session of a server starts from: the loaded world. Each MCP
/// session gets its own [`Base::fork`], never a shared value.
#[derive(Clone)]
pub struct Base {
    world: Workspace,
}

impl Base {
    /// A base serving `world`.
    pub fn new(world: Workspace) -> Base {
        Base { world }
    }

    /// A fresh session: an O(1) fork of the loaded world.
    pub(crate) fn fork(&self) -> Session {
        Session {
            world: self.world.fork(),
        }
    }
}

/// One agent's session: its own fork of the world.
pub(crate) struct Session {
    world: Workspace,
}

impl Session {
    /// An O(1) copy to run a call on.
    pub(crate) fn fork(&self) -> Session {
        Session {
            world: self.world.fork(),
        }
    }

    /// The session's world as it is now.
    pub(crate) fn world(&self) -> &Workspace {
        &self.world
    }

    /// Runs one tool call: parsed and executed by the simulation.
    pub(crate) fn call(&mut self, name: &str, _args: Value) -> CallToolResult {
        tool_error(
            &format!("unknown tool `{name}`"),
            "list the tools to see what exists",
        )
    }

    /// The agent's brief: who it is, who it works for, where its mail is.
    /// Never goals, expected values or faults.
    pub(crate) fn brief(&self) -> String {
        let p = self.world.persona();
        format!(
            "You are {name}, {role} at {employer} (email {email}). \
             Your computer's files are the resources and the tools of this server; \
             new mail arrives in /Inbox. Read your mail, do what your \
             colleagues and clients ask, and finish when the work is done.",
            name = p.name,
            role = if p.role.is_empty() {
                "a professional"
            } else {
                &p.role
            },
            employer = if p.employer.is_empty() {
                "your firm"
            } else {
                &p.employer
            },
            email = p.email,
        )
    }
}

/// The tools of every session, as MCP declares them: name, one-line
/// description, generated input schema (root `type: object`).
pub(crate) fn tools() -> Vec<Tool> {
    Vec::new()
}

/// The tool list with the harness tools added (`--grader`).
pub(crate) fn tools_with_harness() -> Vec<Tool> {
    let mut t = tools();
    t.push(harness_tool(
        HARNESS_SCORE,
        "Harness only, not for the agent: score this session's world (goals met, evidence, collateral)",
    ));
    t.push(harness_tool(
        HARNESS_SAVE,
        "Harness only, not for the agent: write this session's world, trajectory and score to the --out folder now",
    ));
    t
}

/// Name of the out-of-band score tool `--grader` adds.
pub const HARNESS_SCORE: &str = "harness_score";
/// Name of the save-now tool `--grader` adds.
pub const HARNESS_SAVE: &str = "harness_save";

fn harness_tool(name: &'static str, description: &'static str) -> Tool {
    let mut schema = JsonObject::new();
    schema.insert("type".into(), Value::from("object"));
    schema.insert("properties".into(), Value::Object(JsonObject::new()));
    schema.insert("additionalProperties".into(), Value::Bool(false));
    Tool::new(name, description, Arc::new(schema))
}

/// A refusal the agent must read: a tool result with `is_error` and a hint.
pub(crate) fn tool_error(message: &str, hint: &str) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(format!(
        "error: {message}\nhint: {hint}"
    ))])
}

/// The session's files as MCP resources, in path order.
pub(crate) fn resources(world: &Workspace) -> Vec<Resource> {
    world
        .walk()
        .into_iter()
        .filter(|e| e.kind.is_some())
        .map(|e| {
            let name = e.path.file_name().unwrap_or_default().to_owned();
            let mut r = Resource::new(uri::of_path(&e.path), name)
                .with_title(e.path.as_str().to_owned())
                .with_description(format!(
                    "{:?} at {}",
                    e.kind.unwrap_or(simdesk_model::ArtifactKind::Binary),
                    e.path
                ));
            r.mime_type = Some("text/plain".to_owned());
            r
        })
        .collect()
}

/// The text view of one file, or why there is none.
pub(crate) fn read(world: &Workspace, uri_text: &str) -> Result<(VPath, String), String> {
    let path = uri::to_path(uri_text).map_err(|e| e.to_string())?;
    match world.view(&path) {
        Some(text) => Ok((path, text)),
        None => Err(format!("no file at {path} ({uri_text})")),
    }
}
