//! Hostile calls: each is answered with a tool error that says what was
//! wrong, and the session keeps serving.

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
    text(&r)
}

fn nested(depth: usize) -> Value {
    let mut v = json!("leaf");
    for _ in 0..depth {
        v = json!({ "a": v });
    }
    v
}

#[tokio::test]
async fn unknown_tool_is_a_tool_error() {
    let (client, server) = connect(ServeConfig::default()).await;
    let t = refused(&client, "format_disk", json!({})).await;
    assert!(t.contains("unknown tool `format_disk`"), "{t}");
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn ten_megabyte_string_is_a_tool_error() {
    let (client, server) = connect(ServeConfig::default()).await;
    let t = refused(
        &client,
        "read_file",
        json!({ "path": "x".repeat(10 << 20) }),
    )
    .await;
    expect_test::expect![[r#"
        error: arguments of `read_file` are more than 1048576 bytes of JSON
        hint: send smaller arguments: page through long content and write it in parts"#]]
    .assert_eq(&t);
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn deep_json_is_a_tool_error() {
    let (client, server) = connect(ServeConfig::default()).await;
    let t = refused(&client, "read_file", json!({ "path": nested(100) })).await;
    expect_test::expect![[r#"
        error: arguments of `read_file` nest deeper than 32 levels
        hint: send smaller arguments: page through long content and write it in parts"#]]
    .assert_eq(&t);
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}
