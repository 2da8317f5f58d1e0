//! The limits a served world enforces on every connection and tool call.

use std::time::Duration;

/// What one server accepts, beyond the simulation's own limits on tool
/// arguments (size, depth, string length), which refuse a call as a tool
/// error that names the limit. Every limit is checked before the work it
/// bounds is done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most MCP sessions alive at once over HTTP; a new session beyond it is
    /// refused (the existing ones are untouched).
    pub max_sessions: usize,
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
            max_message_bytes: 16 << 20,
            call_time: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(600),
        }
    }
}
