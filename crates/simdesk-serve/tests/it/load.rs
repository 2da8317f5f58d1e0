//! Many sessions at once over HTTP on loopback: 100 concurrent sessions ×
//! 50 calls each, zero errors, each session's edits invisible to the
//! others; resident memory reported.

use serde_json::json;
use simdesk_serve::{Limits, ServeConfig};

use crate::common::{call, http_client, text, world};

const SESSIONS: usize = 100;
const CALLS: usize = 50;

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_sessions_of_fifty_calls_run_without_errors_and_stay_isolated() {
    let docs = world()
        .walk()
        .into_iter()
        .find(|e| e.kind.is_none() && e.path.file_name() == Some("Documents"))
        .expect("a Documents folder")
        .path;
    let srv = crate::http::server(
        ServeConfig {
            limits: Limits {
                max_sessions: SESSIONS,
                ..Limits::default()
            },
            ..ServeConfig::default()
        },
        None,
    )
    .await;
    let addr = srv.addr;
    let before = rss_kib();
    let sessions: Vec<_> = (0..SESSIONS)
        .map(|i| {
            let docs = docs.clone();
            tokio::spawn(async move {
                let c = http_client(addr).await;
                let mine = format!("{docs}/session-{i}.md");
                let mut errors = Vec::new();
                let r = call(&c, "create_note", json!({ "path": mine, "text": format!("note {i}") })).await;
                if r.is_error == Some(true) {
                    errors.push(text(&r));
                }
                for _ in 0..CALLS - 2 {
                    let r = call(&c, "list_files", json!({ "path": docs })).await;
                    if r.is_error == Some(true) {
                        errors.push(text(&r));
                    }
                }
                let listing = call(&c, "list_files", json!({ "path": docs })).await;
                let seen: Vec<String> = text(&listing)
                    .split(|ch: char| ch.is_whitespace() || ch == '/')
                    .filter(|w| w.starts_with("session-"))
                    .map(str::to_owned)
                    .collect();
                c.cancel().await.unwrap();
                (i, errors, seen)
            })
        })
        .collect();
    let mut peak = before;
    let mut failures = Vec::new();
    for s in sessions {
        let (i, errors, seen) = s.await.expect("session task");
        peak = peak.max(rss_kib());
        if !errors.is_empty() {
            failures.push(format!("session {i}: {errors:?}"));
        }
        if seen != [format!("session-{i}.md")] {
            failures.push(format!("session {i} sees {seen:?}"));
        }
    }
    assert_eq!(failures, Vec::<String>::new());
    eprintln!(
        "load: {SESSIONS} sessions x {CALLS} calls; resident memory {before} KiB before, {peak} KiB at most during (clients and server in one process)"
    );
    srv.shutdown().await.unwrap();
}
