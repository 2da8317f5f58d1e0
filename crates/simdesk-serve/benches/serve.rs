//! Benchmarks of the MCP server: the round trip of a read tool call over a
//! stdio-framed stream and over HTTP on loopback (p50 and p99), sessions
//! created per second over HTTP, and resident memory per idle session.
//!
//! The HTTP server runs in a child process (this executable started again
//! with `SIMDESK_BENCH_SERVE=1`), so its memory is measured alone.
//! `cargo bench -p simdesk-serve --bench serve`.

#[path = "../tests/it/common.rs"]
#[allow(dead_code)]
mod common;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;
use simdesk_serve::{Base, HttpOptions, Limits, ServeConfig, start_http};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

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

/// The child: serve the generated computer over HTTP, print the port, wait.
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
        let server = start_http(Base::new(common::world()), config, opts)
            .await
            .unwrap();
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

async fn post(addr: SocketAddr, session: Option<&str>, body: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let id = session
        .map(|s| format!("Mcp-Session-Id: {s}\r\nMCP-Protocol-Version: 2025-06-18\r\n"))
        .unwrap_or_default();
    let req = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nConnection: close\r\n{id}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

/// One MCP session as any client opens it: initialize, then initialized.
async fn open_session(addr: SocketAddr) -> String {
    let head = post(addr, None, INIT).await;
    let id = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("mcp-session-id")
                .then(|| v.trim().to_owned())
        })
        .unwrap_or_else(|| panic!("no session id in {head}"));
    post(addr, Some(&id), INITIALIZED).await;
    id
}

fn start_child() -> (Child, SocketAddr) {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("SIMDESK_BENCH_SERVE", "1")
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
    if std::env::var_os("SIMDESK_BENCH_SERVE").is_some() {
        return serve_child();
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        // A read tool call over the stdio framing (an in-process pipe).
        let (client, server) = common::connect(ServeConfig::default()).await;
        let (p50, p99) = round_trips(&client).await;
        println!("stdio round trip of {READ_TOOL}: p50 {p50:?}, p99 {p99:?} ({CALLS} calls)");
        client.cancel().await.unwrap();
        server.await.unwrap().unwrap();

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
