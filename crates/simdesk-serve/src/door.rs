//! The one module that knows the simulation's API: what a served session
//! is, its tools, results, resources and brief, as MCP values.
//!
//! Everything here translates; every tool's behaviour, argument limits and
//! refusals live in `simdesk-sim`.

use std::sync::Arc;

use rmcp::model::{CallToolResult, ContentBlock, JsonObject, Resource, Tool};
use serde_json::Value;
use simdesk_engine::Workspace;
use simdesk_model::ArtifactKind;
use simdesk_sim::{Scenario, ScenarioError, Session, ToolResult};

use crate::{ServeError, uri};

/// What every session of a server starts from: a simulation session over
/// the loaded world. Each MCP session gets its own O(1) fork of it.
#[derive(Clone)]
pub struct Base {
    session: Session,
}

impl Base {
    /// A base whose sessions start as `session`. Every file's text view is
    /// rendered here once, so the sessions forked from it share them.
    pub fn new(session: Session) -> Base {
        session.render_views();
        Base { session }
    }

    /// A base over `world` following `scenario`; without one, a scenario
    /// with no collaborators (see [`quiet_scenario`]).
    pub fn from_world(
        world: Workspace,
        scenario: Option<Arc<Scenario>>,
    ) -> Result<Base, ScenarioError> {
        let scenario = match scenario {
            Some(s) => s,
            None => Arc::new(quiet_scenario(&world)?),
        };
        Ok(Base::new(Session::new(world, scenario)?))
    }

    /// A fresh session.
    pub(crate) fn fork(&self) -> Session {
        self.session.fork()
    }
}

/// The scenario of a world that carries none: the persona is the agent,
/// home is the folder the generator recorded in the persona's profile (the
/// root when there is none), nobody writes; every tool works and time
/// passes as the built-in costs say. The brief says who the agent is and
/// where its files and mail are, never what it will be asked.
pub fn quiet_scenario(world: &Workspace) -> Result<Scenario, ScenarioError> {
    let p = world.persona();
    let home = p
        .profile
        .get("home")
        .and_then(|h| h.as_str())
        .unwrap_or("/");
    let role = match (p.role.as_str(), p.employer.as_str()) {
        ("", _) => String::new(),
        (r, "") => format!(", {r}"),
        (r, e) => format!(", {r} at {e}"),
    };
    let brief = format!(
        "You are {name}{role} ({email}). Your files are under {home}; mail arrives in \
         {mail}/Mail/Inbox. Read your mail, do what you are asked, and call `finish` \
         when the work is done. Time passes only through your calls.",
        name = p.name,
        email = p.email,
        mail = home.trim_end_matches('/'),
    );
    Scenario::from_json(
        &serde_json::json!({
            "agent": {"name": p.name, "address": p.email},
            "home": home,
            "brief": brief,
        })
        .to_string(),
    )
}

/// The tools of every session as MCP declares them: name, one-line
/// description, input schema generated from the argument types. A schema
/// that is not a JSON object stops the server at startup (it used to be
/// sent as an empty schema).
pub(crate) fn tools() -> Result<Vec<Tool>, ServeError> {
    let output = Arc::new(object_schema(
        "tool result",
        &schemars::schema_for!(ToolResult),
    )?);
    simdesk_sim::specs()
        .into_iter()
        .map(|s| {
            let input = object_schema(s.name, &s.input_schema)?;
            let mut t = Tool::new(s.name, s.description, Arc::new(input));
            t.output_schema = Some(output.clone());
            Ok(t)
        })
        .collect()
}

/// A schema as the JSON object MCP wants, or why it is not one.
fn object_schema<T: serde::Serialize>(
    what: &'static str,
    schema: &T,
) -> Result<JsonObject, ServeError> {
    serde_json::to_value(schema)
        .and_then(serde_json::from_value)
        .map_err(|source| ServeError::Schema { what, source })
}

/// The tool list with the harness tools added (`--grader`).
pub(crate) fn tools_with_harness() -> Result<Vec<Tool>, ServeError> {
    let mut t = tools()?;
    t.push(harness_tool(
        HARNESS_SCORE,
        "Harness only, not for the agent: score this session's world (goals met, evidence, collateral)",
    ));
    t.push(harness_tool(
        HARNESS_SAVE,
        "Harness only, not for the agent: write this session's world, trajectory and score to the --out folder now",
    ));
    Ok(t)
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

/// Runs one call through the simulation and returns its result as MCP
/// does: the text for the agent, the whole result as structured content,
/// `is_error` for a refusal (which changed nothing).
pub(crate) fn call(session: &mut Session, name: &str, args: Value) -> CallToolResult {
    let r = session.call_raw(name, args);
    let mut out = if r.is_error {
        CallToolResult::error(vec![ContentBlock::text(r.text.clone())])
    } else {
        CallToolResult::success(vec![ContentBlock::text(r.text.clone())])
    };
    out.structured_content = serde_json::to_value(&r).ok();
    out
}

/// A refusal by the server itself (not the simulation): a tool result with
/// `is_error` and a hint, in the simulation's own `error:`/`hint:` form.
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
        .filter_map(|e| {
            let kind = e.kind?;
            let name = e.path.file_name().unwrap_or_default().to_owned();
            let mut r = Resource::new(uri::of_path(&e.path), name)
                .with_title(e.path.as_str().to_owned())
                .with_description(format!("{} at {}", kind_name(kind), e.path));
            r.mime_type = Some("text/plain".to_owned());
            Some(r)
        })
        .collect()
}

fn kind_name(k: ArtifactKind) -> &'static str {
    match k {
        ArtifactKind::Workbook => "workbook",
        ArtifactKind::Document => "document",
        ArtifactKind::Deck => "slide deck",
        ArtifactKind::Pdf => "pdf",
        ArtifactKind::Email => "email",
        ArtifactKind::Text => "text",
        _ => "file",
    }
}

/// The text view of one file, or why there is none.
pub(crate) fn read(world: &Workspace, uri_text: &str) -> Result<String, String> {
    let path = uri::to_path(uri_text).map_err(|e| e.to_string())?;
    world
        .view(&path)
        .ok_or_else(|| format!("no file at {path} ({uri_text})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A schema that cannot be serialised, or is not an object, is an
    /// error naming whose it is (it used to become an empty schema).
    #[test]
    fn object_schema_refuses_what_is_not_an_object() {
        let unserialisable: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        let e = object_schema("broken", &unserialisable).unwrap_err();
        assert!(
            matches!(e, ServeError::Schema { what: "broken", .. }),
            "{e}"
        );
        let e = object_schema("list", &[1, 2]).unwrap_err();
        assert_eq!(e.to_string(), "the list schema is not a json object");
        assert!(std::error::Error::source(&e).is_some());
        let tools = tools_with_harness().unwrap();
        assert!(
            tools
                .iter()
                .all(|t| t.output_schema.is_some() || t.name.starts_with("harness"))
        );
    }
}
