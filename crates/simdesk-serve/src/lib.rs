//! A simdesk world served to agents over the Model Context Protocol, on
//! rmcp: over stdio for one agent, over streamable HTTP for many sessions in
//! one process (each a fork of the loaded world).
//!
//! **Architecture invariant:** the server is a thin door. Every tool, its
//! input schema and its behaviour come from the simulation's tool surface;
//! [`door`] only translates them to MCP values. The server adds the
//! transport, per-session forks, limits, access control, resources (the
//! files' text views), the brief prompt and saving.
//!
//! ```no_run
//! # async fn run(world: simdesk_engine::Workspace) -> Result<(), Box<dyn std::error::Error>> {
//! use simdesk_serve::{Base, ServeConfig, serve_stdio};
//! // No scenario given: the persona is the agent and nobody writes.
//! serve_stdio(Base::from_world(world, None)?, ServeConfig::default()).await?;
//! # Ok(()) }
//! ```

mod calls;
mod cpu;
pub mod door;
mod handler;
mod http;
mod limits;
mod save;
mod stdio;
pub mod uri;

use std::net::SocketAddr;
use std::path::PathBuf;

pub use door::{Base, HARNESS_SAVE, HARNESS_SCORE, quiet_scenario};
pub use handler::{BRIEF_PROMPT, OutDir, SimServer};
pub use http::{ENDPOINT, HttpOptions, HttpServer, check_access, start_http};
pub use limits::{Limits, MIN_WALL_TIME, WALL_FACTOR};
pub use save::{SCORE_FILE, SaveError, TRAJECTORY_FILE, WORLD_FILE, save_session};
pub use stdio::{serve_io, serve_stdio};

/// How a server behaves, whatever its transport.
#[derive(Debug, Clone, Default)]
pub struct ServeConfig {
    /// The limits every session and call is checked against.
    pub limits: Limits,
    /// Add the harness tools ([`HARNESS_SCORE`], [`HARNESS_SAVE`]): for the
    /// program running the agent, never for the agent itself.
    pub grader: bool,
    /// Save each session's world, trajectory and score here when it ends
    /// (stdio: this folder; HTTP: `session-N` inside it).
    pub out: Option<PathBuf>,
}

/// What can stop a server.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A non-loopback address was asked for without a token.
    #[error(
        "refusing to serve on {0} without a token: only loopback addresses may go without --token or --token-file"
    )]
    TokenRequired(SocketAddr),
    /// The token given is empty or blank.
    #[error("the token is empty")]
    EmptyToken,
    /// Binding or serving failed.
    #[error("{what} failed")]
    Io {
        /// What was being done.
        what: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The client's `initialize` handshake failed.
    #[error("the mcp handshake failed")]
    Handshake(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A server task ended abnormally.
    #[error("a server task failed: {0}")]
    Task(String),
    /// Saving the session failed.
    #[error(transparent)]
    Save(#[from] SaveError),
    /// A tool's schema is not the JSON object MCP declares (found at
    /// startup, before any session).
    #[error("the {what} schema is not a json object")]
    Schema {
        /// Whose schema (a tool's name, or `tool result`).
        what: &'static str,
        /// What serde_json said.
        #[source]
        source: serde_json::Error,
    },
}

/// `error: cause: cause …` on one line, for logs on stderr.
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        s.push_str(": ");
        s.push_str(&c.to_string());
        cur = c.source();
    }
    s
}

/// Which transport [`run`] serves on.
#[derive(Debug, Clone)]
pub enum Transport {
    /// One session over stdin/stdout.
    Stdio,
    /// Many sessions over streamable HTTP.
    Http(HttpOptions),
}

/// Serves `base` until the client closes stdin (stdio) or the process is
/// asked to stop with SIGINT or SIGTERM (HTTP), saving sessions to
/// `config.out`. Builds its own runtime; for a command-line door. Progress
/// lines go to `log` (stderr in the CLI), never to stdout.
pub fn run(
    base: Base,
    config: ServeConfig,
    transport: Transport,
    log: &(dyn Fn(&str) + Sync),
) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|source| ServeError::Io {
            what: "starting the runtime".into(),
            source,
        })?;
    let served = runtime.block_on(async {
        match transport {
            Transport::Stdio => {
                if let Some(dir) = serve_stdio(base, config).await? {
                    log(&format!("saved the session to {}", dir.display()));
                }
                Ok(())
            }
            Transport::Http(opts) => {
                let server = start_http(base, config, opts).await?;
                log(&format!(
                    "serving MCP on http://{}{ENDPOINT} (stop with Ctrl-C)",
                    server.addr
                ));
                stop_signal().await;
                log("stopping: closing and saving sessions");
                server.shutdown().await
            }
        }
    });
    // Every session has ended and been saved. What may still be running
    // are calls cut off by the time limit, whose results are discarded:
    // do not wait for them.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    served
}

/// Resolves on SIGINT or SIGTERM.
pub(crate) async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
