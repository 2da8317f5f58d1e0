//! Hostile calls: each is answered with a tool error that says what was
//! wrong (the simulation's refusal, passed through), nothing changes, and
//! the session keeps serving.

use serde_json::{Value, json};
use simdesk_serve::ServeConfig;

use crate::common::{Client, call, connect, text};

/// Calls and asserts a tool error, then proves the server still serves.
async fn refused(client: &Client, name: &str, args: Value) -> String {
    let r = call(client, name, args).await;
    assert_eq!(r.is_error, Some(true), "{name} was not refused: {r:?}");
    client
        .list_all_tools()
        .await
        .expect("the server keeps serving");
    // The first line says what was wrong; the rest is the simulation's hint.
    text(&r).lines().next().unwrap_or_default().to_owned()
}

fn nested(depth: usize) -> Value {
    let mut v = json!("leaf");
    for _ in 0..depth {
        v = json!({ "a": v });
    }
    v
}

#[tokio::test]
async fn hostile_calls_are_tool_errors_and_the_session_goes_on() {
    let (client, server) = connect(ServeConfig::default()).await;
    let home = crate::common::world().persona().profile["home"]
        .as_str()
        .unwrap()
        .to_owned();
    let before = call(
        &client,
        "list_files",
        json!({ "path": home, "recursive": true }),
    )
    .await;
    let mut seen = Vec::new();
    for (name, args) in [
        ("format_disk", json!({})),
        ("read_file", json!({ "path": 42 })),
        ("wait", json!({ "minutes": "soon" })),
        ("read_file", json!({ "path": "x".repeat(10 << 20) })),
        ("read_file", json!({ "path": nested(100) })),
        (
            "read_file",
            json!({ "path": format!("{home}/../../etc/passwd") }),
        ),
        (
            "create_note",
            json!({ "path": "/../escape.md", "text": "x" }),
        ),
    ] {
        seen.push(refused(&client, name, args).await);
    }
    // Nothing the refused calls named exists; the files are as they were.
    let after = call(
        &client,
        "list_files",
        json!({ "path": home, "recursive": true }),
    )
    .await;
    assert_eq!(text(&after), text(&before));
    let finished = call(&client, "finish", json!({ "summary": "done" })).await;
    assert_ne!(finished.is_error, Some(true), "{}", text(&finished));
    seen.push(
        refused(
            &client,
            "create_note",
            json!({ "path": format!("{home}/late.md"), "text": "x" }),
        )
        .await,
    );
    expect_test::expect![[r#"
        [
            "error: unknown tool \"format_disk\"",
            "error: bad arguments for read_file: invalid type: integer `42`, expected a string",
            "error: bad arguments for wait: invalid type: string \"soon\", expected u32",
            "error: string length in bytes exceeds the limit of 262144 (got 10485760)",
            "error: nesting depth exceeds the limit of 16 (got 17)",
            "error: bad arguments for read_file: invalid path \"/Users/ifeoma.nwosu/../../etc/passwd\": '..' component (component \"..\")",
            "error: bad arguments for create_note: invalid path \"/../escape.md\": '..' component (component \"..\")",
            "error: the session is finished",
        ]
    "#]]
    .assert_debug_eq(&seen);
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}
