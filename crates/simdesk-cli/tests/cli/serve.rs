//! `simdesk serve` over stdio, driven by the real rmcp client with the
//! binary started as a child process.

use rmcp::ServiceExt;
use rmcp::model::{CallToolRequestParams, GetPromptRequestParams, ReadResourceRequestParams};
use rmcp::transport::{ConfigureCommandExt, TokioChildProcess};

use crate::{TempDir, simdesk};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rmcp_client_works_a_served_computer_and_the_session_is_saved_on_exit() {
    let dir = TempDir::new("serve");
    let out = dir.0.join("run");
    let transport = TokioChildProcess::new(
        tokio::process::Command::new(env!("CARGO_BIN_EXE_simdesk")).configure(|cmd| {
            cmd.args([
                "serve",
                "--template",
                "financial-advisor",
                "--seed",
                "3",
                "--out",
            ])
            .arg(&out);
        }),
    )
    .expect("start simdesk serve");
    let client = ().serve(transport).await.expect("mcp handshake");

    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|s| s.name.as_str()),
        Some("simdesk")
    );
    let tools = client.list_all_tools().await.unwrap();
    assert!(
        tools
            .iter()
            .all(|t| t.input_schema.get("type").is_some_and(|v| v == "object"))
    );
    let resources = client.list_all_resources().await.unwrap();
    assert!(resources.len() >= 100, "{} resources", resources.len());
    let first = client
        .read_resource(ReadResourceRequestParams::new(resources[0].uri.clone()))
        .await
        .unwrap();
    assert_eq!(first.contents.len(), 1);
    let brief = client
        .get_prompt(GetPromptRequestParams::new("brief"))
        .await
        .unwrap();
    assert!(!brief.messages.is_empty());
    let refused = client
        .call_tool(CallToolRequestParams::new("no_such_tool"))
        .await
        .expect("a refusal is a tool result, not a protocol error");
    assert_eq!(refused.is_error, Some(true));

    client.cancel().await.unwrap();
    // The server saves when its stdin closes, then exits.
    let world = out.join("world.simdesk");
    for _ in 0..200 {
        if world.exists() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .expect("the session was saved")
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "run.json",
            "scenario.json",
            "score.json",
            "start.simdesk",
            "trajectory.jsonl",
            "world.simdesk"
        ]
    );
    let scored = simdesk(
        &dir.0,
        &["score", world.to_str().unwrap(), "--format", "json"],
    );
    assert!(
        matches!(scored.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&scored.stderr)
    );
}

#[test]
fn a_non_loopback_bind_without_a_token_refuses_to_start() {
    let dir = TempDir::new("serve-bind");
    let out = simdesk(
        &dir.0,
        &[
            "serve",
            "--template",
            "financial-advisor",
            "--http",
            "0.0.0.0:0",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to serve on 0.0.0.0:0 without a token"),
        "{err}"
    );
}

/// One HTTP/1.1 POST of an `initialize` request; the response's status.
fn post_initialize(addr: &str, token: Option<&str>) -> u16 {
    use std::io::{Read, Write};
    let body = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}"#;
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Accept: application/json, text/event-stream\r\nConnection: close\r\n{auth}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// `--token-file`: the token is the file's first line with surrounding
/// whitespace trimmed; requests must carry exactly that.
#[test]
fn the_token_file_is_read_and_trimmed() {
    use std::io::BufRead;
    let dir = TempDir::new("serve-token");
    let file = dir.0.join("token");
    std::fs::write(&file, "  s3cret token \t\nsecond line\n").unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_simdesk"))
        .args([
            "serve",
            "--template",
            "financial-advisor",
            "--http",
            "127.0.0.1:0",
            "--token-file",
        ])
        .arg(&file)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("start simdesk serve");
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            let rest = l.split("serving MCP on http://").nth(1)?;
            Some(rest.split('/').next()?.to_owned())
        })
        .expect("the server says where it listens");
    let statuses: Vec<u16> = [
        None,
        Some("s3cret token"),
        Some("  s3cret token"),
        Some("s3cret"),
        Some("second line"),
    ]
    .into_iter()
    .map(|t| post_initialize(&addr, t))
    .collect();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(statuses, [401, 200, 401, 401, 401]);
}

/// An empty token file (or one whose first line is blank) and a missing
/// one are refused before anything is served, naming the file.
#[test]
fn an_empty_or_missing_token_file_is_refused() {
    let dir = TempDir::new("serve-token-bad");
    let empty = dir.0.join("empty");
    std::fs::write(&empty, "").unwrap();
    let blank = dir.0.join("blank");
    std::fs::write(&blank, "   \nthe token on line two\n").unwrap();
    let missing = dir.0.join("missing");
    for (file, message) in [
        (&empty, "is empty: its first line must hold the token"),
        (&blank, "is empty: its first line must hold the token"),
        (&missing, ""),
    ] {
        let out = simdesk(
            &dir.0,
            &[
                "serve",
                "--template",
                "financial-advisor",
                "--http",
                "127.0.0.1:0",
                "--token-file",
                file.to_str().unwrap(),
            ],
        );
        assert_eq!(out.status.code(), Some(2), "{}", file.display());
        let err = String::from_utf8_lossy(&out.stderr);
        let expected = if message.is_empty() {
            format!("cannot read the token file {}", file.display())
        } else {
            format!("the token file {} {message}", file.display())
        };
        assert!(err.contains(&expected), "{err}");
    }
}
