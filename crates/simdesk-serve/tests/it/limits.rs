//! The server's limits: CPU time per call (a deliberately expensive call
//! against a tiny limit), calls computing at once, idle sessions, message
//! size over HTTP and stdio; and one session's failure leaving another's
//! untouched.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};
use simdesk_engine::Workspace;
use simdesk_model::{Persona, SimTime};
use simdesk_serve::{Base, HttpServer, Limits, ServeConfig};
use simdesk_sim::Session;

use crate::common::{Client, call, post, session_id, text};

/// Rows of the heavy workbook: column B holds one `SUM` over all of column
/// A per row, so writing any cell of A recomputes rows × rows cells.
const ROWS: usize = 1500;
const BOOK: &str = "/Heavy.xlsx";

/// A small world holding one workbook that is expensive to recompute.
fn heavy_session() -> Session {
    static SESSION: OnceLock<Session> = OnceLock::new();
    SESSION
        .get_or_init(|| {
            let ws = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
            let scenario = Arc::new(simdesk_serve::quiet_scenario(&ws).unwrap());
            let mut s = Session::new(ws, scenario).unwrap();
            let values: Vec<Value> = (1..=ROWS).map(|i| json!([i])).collect();
            let sums: Vec<Value> = (1..=ROWS)
                .map(|_| json!([format!("=SUM(A$1:A${ROWS})")]))
                .collect();
            for (name, args) in [
                ("create_workbook", json!({ "path": BOOK })),
                (
                    "write_range",
                    json!({ "path": BOOK, "sheet": "Sheet1", "start": "A1", "rows": values }),
                ),
                (
                    "write_range",
                    json!({ "path": BOOK, "sheet": "Sheet1", "start": "B1", "rows": sums }),
                ),
            ] {
                let r = s.call_raw(name, args);
                assert!(!r.is_error, "{name}: {}", r.text);
            }
            s
        })
        .fork()
}

/// The expensive call: one new value in A1, every sum recomputed.
fn expensive() -> Value {
    json!({ "path": BOOK, "sheet": "Sheet1", "start": "A1", "rows": [[1_000_000]] })
}

fn first_line(r: &rmcp::model::CallToolResult) -> String {
    text(r).lines().next().unwrap_or_default().to_owned()
}

async fn heavy_server(limits: Limits, out: Option<std::path::PathBuf>) -> HttpServer {
    simdesk_serve::start_http(
        Base::new(heavy_session()),
        ServeConfig {
            limits,
            out,
            ..ServeConfig::default()
        },
        simdesk_serve::HttpOptions {
            addr: "127.0.0.1:0".parse().unwrap(),
            token: None,
        },
    )
    .await
    .unwrap()
}

/// What a session sees of the heavy workbook's first cells.
async fn top(c: &Client) -> String {
    let r = call(
        c,
        "read_range",
        json!({ "path": BOOK, "sheet": "Sheet1", "range": "A1:B2" }),
    )
    .await;
    assert_ne!(r.is_error, Some(true), "{}", text(&r));
    text(&r)
}

async fn until_no_call_is_cut_off(srv: &HttpServer) {
    for _ in 0..1200 {
        if srv.calls_cut_off() == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("cut-off calls still computing after a minute");
}

/// A call over its CPU time is a tool error at once; its session is as
/// before the call (also once the cut-off thread has returned); the
/// session refuses calls while that thread computes; other sessions are
/// served meanwhile; once `max_calls` threads are taken by cut-off calls,
/// new calls are refused with an error saying so; all are served again
/// when the threads return.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_over_its_cpu_time_is_cut_off_and_changes_nothing() {
    let srv = heavy_server(
        Limits {
            call_time: Duration::from_millis(5),
            max_calls: 2,
            ..Limits::default()
        },
        None,
    )
    .await;
    let a = crate::common::http_client(srv.addr).await;
    let b = crate::common::http_client(srv.addr).await;
    let c = crate::common::http_client(srv.addr).await;
    let before = top(&a).await;
    assert_eq!(top(&b).await, before);

    let mut seen = Vec::new();
    let r = call(&a, "write_range", expensive()).await;
    assert_eq!(r.is_error, Some(true), "{}", text(&r));
    seen.push(first_line(&r));
    assert_eq!(srv.calls_cut_off(), 1);
    // Its session refuses calls while the thread computes.
    seen.push(first_line(
        &call(&a, "list_files", json!({ "path": "/" })).await,
    ));
    // Another session is served meanwhile, and its own edit holds.
    let note = call(&b, "create_note", json!({ "path": "/b.md", "text": "b" })).await;
    assert_ne!(note.is_error, Some(true), "{}", text(&note));
    assert_eq!(top(&b).await, before);
    // A second cut-off call takes the last permit: new calls are refused.
    seen.push(first_line(&call(&c, "write_range", expensive()).await));
    assert_eq!(srv.calls_cut_off(), 2);
    seen.push(first_line(
        &call(&b, "list_files", json!({ "path": "/" })).await,
    ));
    expect_test::expect![[r#"
        [
            "error: the call used more than 5ms of CPU time, the limit per call",
            "error: this session's previous call went over the time limit and is still finishing on the server; nothing of it will be kept",
            "error: the call used more than 5ms of CPU time, the limit per call",
            "error: 2 calls are computing on this server, its limit (2 of them cut off by the time limit and still finishing); waited 5ms for one to end",
        ]
    "#]]
    .assert_debug_eq(&seen);

    until_no_call_is_cut_off(&srv).await;
    // The threads returned; their results were discarded.
    assert_eq!(top(&a).await, before);
    assert_eq!(top(&c).await, before);
    let listing = call(&b, "list_files", json!({ "path": "/" })).await;
    assert!(text(&listing).contains("b.md"), "{}", text(&listing));
    let listing = call(&a, "list_files", json!({ "path": "/" })).await;
    assert!(!text(&listing).contains("b.md"), "{}", text(&listing));
    for x in [a, b, c] {
        x.cancel().await.unwrap();
    }
    srv.shutdown().await.unwrap();
}

/// The same expensive call within a generous limit completes and is kept:
/// the limit above is what cut it off, not the call failing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_expensive_call_completes_within_a_generous_limit() {
    let srv = heavy_server(Limits::default(), None).await;
    let a = crate::common::http_client(srv.addr).await;
    let before = top(&a).await;
    let r = call(&a, "write_range", expensive()).await;
    assert_ne!(r.is_error, Some(true), "{}", text(&r));
    let after = top(&a).await;
    assert_ne!(after, before);
    assert!(after.contains("1000000"), "{after}");
    a.cancel().await.unwrap();
    srv.shutdown().await.unwrap();
}

/// While one session's calls are cut off and refused, a concurrent session
/// makes the same calls as it would alone, with the same results.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_session_does_not_affect_a_concurrent_one() {
    let srv = heavy_server(
        Limits {
            call_time: Duration::from_millis(5),
            max_calls: 4,
            ..Limits::default()
        },
        None,
    )
    .await;
    let script = |i: usize| {
        vec![
            (
                "create_note",
                json!({ "path": format!("/steady-{i}.md"), "text": "x" }),
            ),
            ("list_files", json!({ "path": "/" })),
            ("read_file", json!({ "path": format!("/steady-{i}.md") })),
            ("list_files", json!({ "path": "/" })),
        ]
    };
    // Alone first: the results a steady session gets.
    let alone = crate::common::http_client(srv.addr).await;
    let mut expected = Vec::new();
    for _ in 0..5 {
        for (name, args) in script(0) {
            let r = call(&alone, name, args).await;
            expected.push((r.is_error, text(&r)));
        }
        call(&alone, "delete_file", json!({ "path": "/steady-0.md" })).await;
    }
    alone.cancel().await.unwrap();

    let addr = srv.addr;
    let failing = tokio::spawn(async move {
        let f = crate::common::http_client(addr).await;
        let mut errors = 0;
        for _ in 0..3 {
            let r = call(&f, "write_range", expensive()).await;
            errors += usize::from(r.is_error == Some(true));
            let r = call(&f, "read_file", json!({ "path": "/../etc" })).await;
            errors += usize::from(r.is_error == Some(true));
        }
        f.cancel().await.unwrap();
        errors
    });
    let steady = crate::common::http_client(srv.addr).await;
    let mut got = Vec::new();
    for _ in 0..5 {
        for (name, args) in script(0) {
            let r = call(&steady, name, args).await;
            got.push((r.is_error, text(&r)));
        }
        call(&steady, "delete_file", json!({ "path": "/steady-0.md" })).await;
    }
    assert_eq!(
        failing.await.unwrap(),
        6,
        "every call of the failing session failed"
    );
    assert_eq!(got, expected);
    steady.cancel().await.unwrap();
    until_no_call_is_cut_off(&srv).await;
    srv.shutdown().await.unwrap();
}

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
const INITIALIZED: &str = r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
const LIST: &str = r#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}"#;

/// An HTTP session with no request for the idle timeout is closed and
/// saved; its id then reaches nothing. A session that keeps talking is not.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_http_session_expires_and_is_saved() {
    let out = std::env::temp_dir().join(format!("simdesk-serve-idle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let srv = crate::http::server(
        ServeConfig {
            limits: Limits {
                idle_timeout: Duration::from_secs(2),
                ..Limits::default()
            },
            out: Some(out.clone()),
            ..ServeConfig::default()
        },
        None,
    )
    .await;
    let idle = open_raw(srv.addr).await;
    let busy = open_raw(srv.addr).await;
    let note = r#"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"create_note","arguments":{"path":"/idle.md","text":"x"}}}"#;
    let (status, body) = post(srv.addr, &headers(&idle), note).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(srv.live_sessions(), 2);
    // The busy session talks every 250 ms for 4 s; the idle one is silent.
    for _ in 0..16 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let (status, body) = post(srv.addr, &headers(&busy), LIST).await;
        assert_eq!(status, 200, "the busy session was closed: {body}");
    }
    assert_eq!(srv.live_sessions(), 1);
    let (status, body) = post(srv.addr, &headers(&idle), LIST).await;
    assert_eq!(status, 404, "{body}");
    let steps = std::fs::read_to_string(out.join("session-1").join(simdesk_serve::TRAJECTORY_FILE))
        .expect("the idle session was saved when it expired");
    assert_eq!(steps.lines().count(), 1, "{steps}");
    assert!(steps.contains("idle.md"), "{steps}");
    srv.shutdown().await.unwrap();
    std::fs::remove_dir_all(&out).unwrap();
}

/// Opens a session by hand: `initialize`, then `initialized`.
async fn open_raw(addr: std::net::SocketAddr) -> String {
    let (status, head) = post(addr, &[], INIT).await;
    assert_eq!(status, 200, "{head}");
    let id = session_id(&head);
    let (status, _) = post(addr, &headers(&id), INITIALIZED).await;
    assert_eq!(status, 202);
    id
}

fn headers(id: &str) -> [(&str, &str); 2] {
    [
        ("Mcp-Session-Id", id),
        ("MCP-Protocol-Version", "2025-06-18"),
    ]
}

/// A body over `max_message_bytes` is answered 413 before it is parsed;
/// one under it is served, and so is the session afterwards.
#[tokio::test]
async fn an_oversized_http_body_gets_413() {
    let srv = crate::http::server(
        ServeConfig {
            limits: Limits {
                max_message_bytes: 4096,
                ..Limits::default()
            },
            ..ServeConfig::default()
        },
        None,
    )
    .await;
    let id = open_raw(srv.addr).await;
    let call = |text: usize| {
        format!(
            r#"{{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{{"name":"create_note","arguments":{{"path":"/n.md","text":"{}"}}}}}}"#,
            "x".repeat(text)
        )
    };
    let big = call(5000);
    assert!(big.len() > 4096);
    let (status, body) = post(srv.addr, &headers(&id), &big).await;
    assert_eq!(status, 413, "{body}");
    let small = call(100);
    let (status, body) = post(srv.addr, &headers(&id), &small).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""isError":false"#), "{body}");
    srv.shutdown().await.unwrap();
}

/// Over stdio a line longer than `max_message_bytes` is dropped unread and
/// unanswered; the lines after it are served as before.
#[tokio::test]
async fn an_over_long_stdio_line_is_dropped_and_the_server_goes_on() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let (client_io, server_io) = tokio::io::duplex(1 << 16);
    let (sr, sw) = tokio::io::split(server_io);
    let config = ServeConfig {
        limits: Limits {
            max_message_bytes: 4096,
            ..Limits::default()
        },
        ..ServeConfig::default()
    };
    let server = tokio::spawn(simdesk_serve::serve_io(
        crate::common::base(),
        config,
        sr,
        sw,
    ));
    let (cr, mut cw) = tokio::io::split(client_io);
    let mut lines = BufReader::new(cr).lines();
    async fn send(w: &mut (impl AsyncWriteExt + Unpin), line: &str) {
        w.write_all(line.as_bytes()).await.unwrap();
        w.write_all(b"\n").await.unwrap();
    }
    send(&mut cw, INIT).await;
    let reply = lines.next_line().await.unwrap().unwrap();
    assert!(reply.contains(r#""id":1"#), "{reply}");
    send(&mut cw, INITIALIZED).await;
    let long = format!(
        r#"{{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{{"name":"create_note","arguments":{{"path":"/long.md","text":"{}"}}}}}}"#,
        "x".repeat(100_000)
    );
    send(&mut cw, &long).await;
    let exists = r#"{"jsonrpc":"2.0","id":8,"method":"tools/call","params":{"name":"read_file","arguments":{"path":"/long.md"}}}"#;
    send(&mut cw, exists).await;
    let reply = lines.next_line().await.unwrap().unwrap();
    // The next reply answers the request after the long line: the long one
    // got none, and did not run.
    assert!(reply.contains(r#""id":8"#), "{reply}");
    assert!(reply.contains(r#""isError":true"#), "{reply}");
    send(&mut cw, LIST).await;
    let reply = lines.next_line().await.unwrap().unwrap();
    assert!(
        reply.contains(r#""id":2"#) && reply.contains("read_file"),
        "{reply}"
    );
    drop((lines, cw));
    server.await.unwrap().unwrap();
}
