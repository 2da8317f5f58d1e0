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
