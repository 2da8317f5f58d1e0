//! `simdesk serve`: a world served to agents over MCP (stdio by default,
//! streamable HTTP with `--http`). The server itself is `simdesk-serve`;
//! this reads the arguments and the world.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use simdesk_serve::{Base, HttpOptions, Limits, ServeConfig, Transport};

/// Arguments of `simdesk serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// The world to serve: a world file, or a generated computer's folder
    /// (which brings its month: grading/scenario.json).
    #[arg(long, conflicts_with = "template")]
    world: Option<PathBuf>,
    /// Generate the world to serve from this template instead.
    #[arg(long)]
    template: Option<String>,
    /// Seed of the generated world.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Index of the generated world within its seed.
    #[arg(long, default_value_t = 0)]
    index: u64,
    /// The scenario to live in (TOML or JSON: schedule, collaborators,
    /// costs, brief), replacing a generated computer's own month. A world
    /// file without one: the persona works alone, nothing arrives.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Serve streamable HTTP on this address (many sessions, each a fork of
    /// the world) instead of stdio. Non-loopback addresses need a token.
    #[arg(long)]
    http: Option<SocketAddr>,
    /// Bearer token every HTTP request must carry.
    #[arg(long, requires = "http")]
    token: Option<String>,
    /// Read the bearer token from this file: its first line, surrounding
    /// whitespace trimmed (an empty or missing file is refused).
    #[arg(long, requires = "http", conflicts_with = "token")]
    token_file: Option<PathBuf>,
    /// Save each session's world, trajectory and score here when it ends
    /// (HTTP: one `session-N` folder per session). Must not exist or be empty.
    #[arg(long)]
    out: Option<PathBuf>,
    /// Add the harness tools (`harness_score`, `harness_save`). For the
    /// program running the agent, not for the agent.
    #[arg(long)]
    grader: bool,
    /// Most HTTP sessions alive at once.
    #[arg(long, default_value_t = Limits::default().max_sessions)]
    max_sessions: usize,
    /// Close an HTTP session after this many seconds without a request.
    #[arg(long, default_value_t = Limits::default().idle_timeout.as_secs())]
    idle_timeout: u64,
    /// CPU time one tool call may use, in milliseconds (on Linux the CPU
    /// time of the thread running it; elsewhere wall-clock time). A call
    /// over it is answered with a tool error and changes nothing.
    #[arg(long, default_value_t = Limits::default().call_time.as_millis() as u64)]
    call_time_ms: u64,
    /// Most tool calls computing at once, all sessions together, counting
    /// calls cut off by --call-time-ms that have not yet returned.
    #[arg(long, default_value_t = Limits::default().max_calls, value_parser = at_least_one)]
    max_calls: usize,
    /// Largest JSON-RPC message accepted, in bytes.
    #[arg(long, default_value_t = Limits::default().max_message_bytes)]
    max_message_bytes: usize,
}

/// `simdesk serve …`: serves until stdin closes (stdio) or Ctrl-C (HTTP).
pub fn run_serve(a: &ServeArgs) -> Result<()> {
    let token = match (&a.token, &a.token_file) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(f)) => Some(read_token_file(f)?),
        (None, None) => None,
    };
    let transport = match a.http {
        Some(addr) => Transport::Http(HttpOptions { addr, token }),
        None => Transport::Stdio,
    };
    // Who may connect is settled before any work is done.
    if let Transport::Http(opts) = &transport {
        simdesk_serve::check_access(opts)?;
    }
    // A generated computer brings its month (its folder holds it in
    // grading/scenario.json); --scenario replaces it.
    let (world, own) = match (&a.world, &a.template) {
        (Some(path), _) => crate::run_cmd::open_computer(path, None)?,
        (None, Some(t)) => {
            let template = simdesk_gen::builtin_template(t)?;
            let spec = simdesk_gen::generate(
                &template,
                a.seed,
                a.index,
                &simdesk_gen::GenOptions::default(),
            )?;
            (simdesk_gen::build(&spec)?, spec.scenario)
        }
        (None, None) => bail!("give --world FILE or --template NAME"),
    };
    if let Some(out) = &a.out
        && out.exists()
        && std::fs::read_dir(out)
            .with_context(|| format!("cannot read {}", out.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty; sessions are saved into a new or empty folder",
            out.display()
        );
    }
    let config = ServeConfig {
        limits: Limits {
            max_sessions: a.max_sessions,
            idle_timeout: Duration::from_secs(a.idle_timeout),
            call_time: Duration::from_millis(a.call_time_ms),
            max_calls: a.max_calls,
            max_message_bytes: a.max_message_bytes,
        },
        grader: a.grader,
        out: a.out.clone(),
    };
    let scenario = match &a.scenario {
        Some(path) => Some(crate::run_cmd::read_scenario(path)?),
        None => own,
    }
    .map(std::sync::Arc::new);
    let base = Base::from_world(world, scenario).context("the scenario does not fit the world")?;
    simdesk_serve::run(base, config, transport, &|line| {
        errln!("simdesk serve: {line}")
    })?;
    Ok(())
}

/// The token of `--token-file`: the file's first line with surrounding
/// whitespace trimmed. A missing, unreadable, oversized or non-UTF-8 file
/// and a blank first line are refused, naming the file.
fn read_token_file(path: &std::path::Path) -> Result<String> {
    let bytes = simdesk_store::read_limited(path, 64 << 10)
        .with_context(|| format!("cannot read the token file {}", path.display()))?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("the token file {} is not UTF-8", path.display()))?;
    let token = text.lines().next().unwrap_or_default().trim();
    if token.is_empty() {
        bail!(
            "the token file {} is empty: its first line must hold the token",
            path.display()
        );
    }
    Ok(token.to_owned())
}

/// A count that must be at least 1.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}
