//! The limits a served world enforces on every connection and tool call.

use std::time::Duration;

use serde_json::Value;

/// What one server accepts. Every limit is checked before the work it
/// bounds is done; a call over a limit is answered with a tool error that
/// names the limit, and the session goes on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most MCP sessions alive at once over HTTP; a new session beyond it is
    /// refused (the existing ones are untouched).
    pub max_sessions: usize,
    /// Largest tool-call argument object, in bytes of its JSON text.
    pub max_argument_bytes: usize,
    /// Deepest nesting of arrays and objects in tool-call arguments.
    pub max_argument_depth: usize,
    /// Largest JSON-RPC message on the wire (one stdio line, one HTTP
    /// body). Larger messages are dropped by the transport (stdio) or
    /// answered `413` (HTTP) before they are parsed.
    pub max_message_bytes: usize,
    /// Longest a single tool call may compute. A call that takes longer is
    /// answered with a tool error and its effects are discarded: it ran on a
    /// fork of the session, which is dropped.
    pub call_time: Duration,
    /// An HTTP session with no request for this long is closed (and saved
    /// when `--out` is given).
    pub idle_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_sessions: 1024,
            max_argument_bytes: 1 << 20,
            max_argument_depth: 32,
            max_message_bytes: 16 << 20,
            call_time: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
        }
    }
}

/// Why tool-call arguments were refused before the tool saw them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArgumentsRefused {
    /// The arguments' JSON text is longer than [`Limits::max_argument_bytes`].
    #[error("arguments of `{tool}` are more than {limit} bytes of JSON")]
    TooLarge {
        /// The tool called.
        tool: String,
        /// The limit.
        limit: usize,
    },
    /// Arrays and objects nest deeper than [`Limits::max_argument_depth`].
    #[error("arguments of `{tool}` nest deeper than {limit} levels")]
    TooDeep {
        /// The tool called.
        tool: String,
        /// The limit.
        limit: usize,
    },
}

impl Limits {
    /// Checks a call's arguments against the size and depth limits, walking
    /// the value once and stopping as soon as a limit is passed.
    pub fn check_arguments(&self, tool: &str, args: &Value) -> Result<(), ArgumentsRefused> {
        let mut bytes = 0usize;
        let mut stack: Vec<(&Value, usize)> = vec![(args, 1)];
        while let Some((v, depth)) = stack.pop() {
            if depth > self.max_argument_depth && (v.is_array() || v.is_object()) {
                return Err(ArgumentsRefused::TooDeep {
                    tool: tool.to_owned(),
                    limit: self.max_argument_depth,
                });
            }
            bytes = bytes.saturating_add(match v {
                Value::Null | Value::Bool(_) => 5,
                Value::Number(_) => 24,
                Value::String(s) => s.len() + 2,
                Value::Array(items) => {
                    stack.extend(items.iter().map(|i| (i, depth + 1)));
                    items.len() + 2
                }
                Value::Object(map) => {
                    for (k, item) in map {
                        bytes = bytes.saturating_add(k.len() + 4);
                        stack.push((item, depth + 1));
                    }
                    2
                }
            });
            if bytes > self.max_argument_bytes {
                return Err(ArgumentsRefused::TooLarge {
                    tool: tool.to_owned(),
                    limit: self.max_argument_bytes,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn arguments_within_limits_pass_and_over_them_name_the_limit() {
        let l = Limits {
            max_argument_bytes: 100,
            max_argument_depth: 3,
            ..Limits::default()
        };
        assert_eq!(l.check_arguments("t", &json!({"a": [1, {"b": 2}]})), Ok(()));
        assert_eq!(
            l.check_arguments("t", &json!({"a": [[{"b": 2}]]}))
                .unwrap_err()
                .to_string(),
            "arguments of `t` nest deeper than 3 levels"
        );
        assert_eq!(
            l.check_arguments("t", &json!({"a": "x".repeat(200)}))
                .unwrap_err()
                .to_string(),
            "arguments of `t` are more than 100 bytes of JSON"
        );
    }
}
