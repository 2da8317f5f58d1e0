//! Errors: [`ToolError`] for a refused tool call (a result the agent sees,
//! with a hint) and [`ScenarioError`] for a scenario that does not fit its
//! world.

use std::sync::Arc;

use simdesk_model::{Diagnostic, VPath};

/// Why a tool call was refused. A refused call changes nothing in the
/// world; it costs the scenario's error time.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ToolError {
    /// No tool has this name.
    #[error("unknown tool {name:?}")]
    UnknownTool {
        /// The name given (truncated to 80 characters).
        name: String,
    },
    /// The arguments are not a JSON object.
    #[error("arguments of {tool} must be a JSON object")]
    NotAnObject {
        /// The tool.
        tool: String,
    },
    /// The arguments do not fit the tool's schema.
    #[error("bad arguments for {tool}: {source}")]
    BadArgs {
        /// The tool.
        tool: &'static str,
        /// What serde found.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// The argument text is not JSON.
    #[error("arguments are not valid json: {source}")]
    Json {
        /// The parser's error.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// An argument exceeds a limit.
    #[error("{what} exceeds the limit of {limit} (got {actual})")]
    Limit {
        /// What was measured.
        what: &'static str,
        /// The limit.
        limit: usize,
        /// What the call had.
        actual: usize,
    },
    /// Nothing at the path.
    #[error("no file or folder at {path}")]
    NotFound {
        /// The path.
        path: VPath,
    },
    /// The file is of another kind than the tool works on.
    #[error("{path} is a {actual}, not a {expected}")]
    WrongKind {
        /// The path.
        path: VPath,
        /// What the tool needs (`workbook`, `document or deck`).
        expected: &'static str,
        /// What is there.
        actual: &'static str,
    },
    /// Something already exists at the path.
    #[error("{path} already exists")]
    Exists {
        /// The path.
        path: VPath,
    },
    /// An argument has a valid type but a value the tool cannot use.
    #[error("invalid {what} {value:?}: {reason}")]
    Invalid {
        /// Which argument.
        what: &'static str,
        /// Its value (truncated to 80 characters).
        value: String,
        /// Why.
        reason: String,
    },
    /// The engine refused the operation the call became.
    #[error("{tool} was refused: {}", diagnostics.first().map_or("", |d| d.message.as_str()))]
    Refused {
        /// The tool.
        tool: &'static str,
        /// What the engine said (the first is the reason).
        diagnostics: Vec<Diagnostic>,
    },
    /// The session has finished; no more calls are taken.
    #[error("the session is finished")]
    Finished,
}

impl ToolError {
    pub(crate) fn bad_args(tool: &'static str, e: serde_json::Error) -> ToolError {
        ToolError::BadArgs {
            tool,
            source: Arc::new(e),
        }
    }

    pub(crate) fn json(e: serde_json::Error) -> ToolError {
        ToolError::Json {
            source: Arc::new(e),
        }
    }

    pub(crate) fn invalid(what: &'static str, value: &str, reason: impl Into<String>) -> ToolError {
        ToolError::Invalid {
            what,
            value: value.chars().take(80).collect(),
            reason: reason.into(),
        }
    }

    /// A stable code for the kind of error (`not_found`, `bad_args` …).
    pub fn code(&self) -> &'static str {
        match self {
            ToolError::UnknownTool { .. } => "unknown_tool",
            ToolError::NotAnObject { .. } => "not_an_object",
            ToolError::BadArgs { .. } => "bad_args",
            ToolError::Json { .. } => "json",
            ToolError::Limit { .. } => "limit",
            ToolError::NotFound { .. } => "not_found",
            ToolError::WrongKind { .. } => "wrong_kind",
            ToolError::Exists { .. } => "exists",
            ToolError::Invalid { .. } => "invalid",
            ToolError::Refused { .. } => "refused",
            ToolError::Finished => "finished",
        }
    }

    /// What the agent could do instead.
    pub fn hint(&self) -> String {
        match self {
            ToolError::UnknownTool { .. } => {
                format!("tools are: {}", crate::tools::TOOL_NAMES.join(", "))
            }
            ToolError::NotAnObject { .. } | ToolError::BadArgs { .. } | ToolError::Json { .. } => {
                "check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx".to_owned()
            }
            ToolError::Limit { .. } => "split the work into smaller calls".to_owned(),
            ToolError::NotFound { path } => match path.parent() {
                Some(p) => format!("list_files {p} shows what is there, or search_files by name"),
                None => "list_files / shows what is there".to_owned(),
            },
            ToolError::WrongKind { expected, .. } => {
                format!("this tool works on a {expected}; read_file shows any file")
            }
            ToolError::Exists { .. } => {
                "pick another name, or edit the existing file".to_owned()
            }
            ToolError::Invalid { .. } => "check the value against the tool's description".to_owned(),
            ToolError::Refused { diagnostics, .. } => diagnostics
                .first()
                .and_then(|d| d.hints.first().cloned())
                .unwrap_or_else(|| "read the file and try a different edit".to_owned()),
            ToolError::Finished => "start a new session (or fork an earlier one)".to_owned(),
        }
    }
}

/// Why a scenario cannot run on a world.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ScenarioError {
    /// The scenario text is not valid TOML for the types.
    #[error("scenario toml: {source}")]
    Toml {
        /// The parser's error, with line and column.
        #[source]
        source: Arc<toml::de::Error>,
    },
    /// The scenario text is not valid JSON for the types.
    #[error("scenario json: {source}")]
    Json {
        /// The parser's error, with line and column.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// Something in the scenario names what does not exist or breaks a rule.
    #[error("scenario {at}: {message}")]
    Invalid {
        /// Where in the scenario (`collaborators[2].knows[0]`).
        at: String,
        /// What is wrong.
        message: String,
    },
}
