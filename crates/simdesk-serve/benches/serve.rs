//! Benchmarks of the MCP server: the round trip of a read tool call (p50
//! and p99) over the stdio framing in process, over a child process's
//! stdio pipes and over HTTP on loopback; sessions created per second over
//! HTTP, and resident memory per idle session.
//!
//! The servers run in child processes: this executable started again with
//! `SIMDESK_BENCH_SERVE=http` or `=stdio`, serving the same computer as
//! `simdesk serve --template financial-advisor --seed 7` does through the
//! same library calls; with `SIMDESK_BIN=path/to/simdesk` the stdio child
//! is that binary instead. The HTTP server's memory is measured alone.
//! `cargo bench -p simdesk-serve --bench serve`.

#[path = "../tests/it/common.rs"]
#[allow(dead_code)]
mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use simdesk_serve::{HttpOptions, Limits, ServeConfig, start_http};

/// The read tool every round trip calls, and its arguments.
const READ_TOOL: &str = "list_files";

fn read_args() -> serde_json::Value {
    json!({ "path": "/" })
}

const CALLS: usize = 2_000;
const SESSIONS: usize = 300;

#[allow(clippy::disallowed_methods)] // benchmark timing; never reaches any output of simdesk
fn now() -> std::time::Instant {
    std::time::Instant::now()
}

fn percentiles(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99))
}

async fn round_trips(client: &common::Client) -> (Duration, Duration) {
    for _ in 0..200 {
        common::call(client, READ_TOOL, read_args()).await;
    }
    let mut times = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let t = now();
        let r = common::call(client, READ_TOOL, read_args()).await;
        times.push(t.elapsed());
        assert_ne!(r.is_error, Some(true), "{}", common::text(&r));
    }
    percentiles(times)
}

/// The stdio child: serve the generated computer on stdin/stdout, as
/// `simdesk serve` does, until stdin closes.
fn serve_stdio_child() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        simdesk_serve::serve_stdio(common::base(), ServeConfig::default())
            .await
            .unwrap();
    });
}

/// An rmcp client over a child process's stdio pipes.
async fn stdio_child_client() -> (common::Client, String) {
    use rmcp::ServiceExt;
    use rmcp::transport::TokioChildProcess;
    let (cmd, what) = match std::env::var_os("SIMDESK_BIN") {
        Some(bin) => {
            let what = format!("{} serve", bin.to_string_lossy());
            let mut cmd = tokio::process::Command::new(bin);
            cmd.args(["serve", "--template", "financial-advisor", "--seed", "7"]);
            (cmd, what)
        }
        None => {
            let mut cmd = tokio::process::Command::new(std::env::current_exe().unwrap());
            cmd.env("SIMDESK_BENCH_SERVE", "stdio");
            (cmd, "serve_stdio in a child process".to_owned())
        }
    };
    let transport = TokioChildProcess::new(cmd).unwrap();
    (().serve(transport).await.unwrap(), what)
}

/// The HTTP child: serve the generated computer over HTTP, print the port, wait.
fn serve_child() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let config = ServeConfig {
            limits: Limits {
                max_sessions: 10_000,
                ..Limits::default()
            },
            ..ServeConfig::default()
        };
        let opts = HttpOptions {
            addr: "127.0.0.1:0".parse().unwrap(),
            token: None,
        };
        let server = start_http(common::base(), config, opts).await.unwrap();
        println!("{}", server.addr);
        server.wait().await.unwrap();
    });
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;

/// One MCP session as any client opens it: initialize, then initialized.
async fn open_session(addr: SocketAddr) -> String {
    let (_, head) = common::post(addr, &[], INIT).await;
    let id = common::session_id(&head);
    common::post(
        addr,
        &[
            ("Mcp-Session-Id", &id),
            ("MCP-Protocol-Version", "2025-06-18"),
        ],
        INITIALIZED,
    )
    .await;
    id
}

fn start_child() -> (Child, SocketAddr) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("SIMDESK_BENCH_SERVE", "http")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().parse().unwrap())
}

fn main() {
    match std::env::var("SIMDESK_BENCH_SERVE").as_deref() {
        Ok("http") => return serve_child(),
        Ok("stdio") => return serve_stdio_child(),
        _ => {}
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        // A read tool call over the stdio framing (an in-process pipe).
        let (client, server) = common::connect(ServeConfig::default()).await;
        let (p50, p99) = round_trips(&client).await;
        println!(
            "stdio framing (in-process duplex) round trip of {READ_TOOL}: p50 {p50:?}, p99 {p99:?} ({CALLS} calls)"
        );
        client.cancel().await.unwrap();
        server.await.unwrap().unwrap();

        // The same against a server in a child process over its stdin and
        // stdout pipes.
        let (client, what) = stdio_child_client().await;
        let (p50, p99) = round_trips(&client).await;
        println!(
            "stdio pipes ({what}) round trip of {READ_TOOL}: p50 {p50:?}, p99 {p99:?} ({CALLS} calls)"
        );
        client.cancel().await.unwrap();

        // The same over HTTP on loopback, against a server in a child process.
        let (mut child, addr) = start_child();
        let client = common::http_client(addr).await;
        let (p50, p99) = round_trips(&client).await;
        println!("http round trip of {READ_TOOL}: p50 {p50:?}, p99 {p99:?} ({CALLS} calls)");
        client.cancel().await.unwrap();

        // Sessions created per second, then memory per idle session.
        let before = rss_kib(child.id());
        let t = now();
        let mut ids = Vec::with_capacity(SESSIONS);
        for _ in 0..SESSIONS {
            ids.push(open_session(addr).await);
        }
        let secs = t.elapsed().as_secs_f64();
        // Let the allocator settle before reading the resident set.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let after = rss_kib(child.id());
        println!(
            "http sessions created: {:.0}/s ({SESSIONS} sessions in {secs:.2} s)",
            SESSIONS as f64 / secs
        );
        println!(
            "resident memory: {before} KiB with one session used, {after} KiB with {} more idle: {:.1} KiB per idle session",
            SESSIONS,
            (after.saturating_sub(before)) as f64 / SESSIONS as f64
        );
        let _ = child.kill();
        let _ = child.wait();
    });
}
