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
    /// body), checked as it is read, before it is parsed. Over HTTP a
    /// larger body is answered `413 Payload Too Large`; over stdio a longer
    /// line is dropped unanswered (its request id cannot be known without
    /// parsing it) and the next line is served.
    pub max_message_bytes: usize,
    /// CPU time one tool call may use. On Linux this is the CPU time of the
    /// thread running the call (read from outside it, see the `cpu`
    /// module); elsewhere, and where the kernel keeps no per-thread
    /// statistics, wall-clock time stands in, which is never less. A call
    /// is also cut off after [`Limits::wall_time`] of wall-clock time,
    /// whatever its CPU time (a call starved of CPU, or waiting).
    ///
    /// A call over its limit is answered at once with a tool error and its
    /// effects are discarded: it ran on a fork of the session, which is
    /// dropped, so the session is exactly as before the call. A thread
    /// cannot be stopped from outside, so the call computes on until it
    /// returns; meanwhile its session refuses new calls (one thread per
    /// session at most) and the thread counts against
    /// [`Limits::max_calls`].
    pub call_time: Duration,
    /// Most tool calls computing at once on the server, all sessions
    /// together, counting calls cut off by [`Limits::call_time`] whose
    /// threads have not yet returned. A call that finds none free waits
    /// for one for at most `call_time`, then is refused with a tool error
    /// saying how many calls are running and how many of them were cut off.
    /// So the threads still running cut-off calls never number more than
    /// this.
    pub max_calls: usize,
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
            max_calls: 64,
            idle_timeout: Duration::from_secs(600),
        }
    }
}

/// Wall-clock time, as a multiple of [`Limits::call_time`], after which a
/// call is cut off whatever CPU time it used.
pub const WALL_FACTOR: u32 = 10;

/// The least wall-clock time a call is given before it is cut off without
/// having used its CPU time, so a tiny CPU limit does not cut off cheap
/// calls that wait for a busy CPU.
pub const MIN_WALL_TIME: Duration = Duration::from_secs(10);

impl Limits {
    /// Wall-clock time after which a call is cut off whatever CPU time it
    /// used: [`WALL_FACTOR`] times [`Limits::call_time`], at least
    /// [`MIN_WALL_TIME`].
    pub fn wall_time(&self) -> Duration {
        self.call_time
            .saturating_mul(WALL_FACTOR)
            .max(MIN_WALL_TIME)
    }
}
