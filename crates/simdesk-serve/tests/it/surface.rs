//! What an agent sees: tools with their schemas (against a committed
//! snapshot), the files as resources, the brief prompt.

use rmcp::model::{GetPromptRequestParams, ReadResourceRequestParams, ResourceContents};
use serde_json::Value;
use simdesk_serve::ServeConfig;

use crate::common::connect;

#[tokio::test]
async fn tool_list_and_input_schemas_match_the_snapshot() {
    let (client, server) = connect(ServeConfig::default()).await;
    let tools = client.list_all_tools().await.unwrap();
    for t in &tools {
        assert_eq!(
            t.input_schema.get("type"),
            Some(&Value::from("object")),
            "the input schema of `{}` must have an object root",
            t.name
        );
        let description = t.description.as_deref().unwrap_or_default();
        assert!(
            !description.is_empty() && !description.contains('\n'),
            "`{}` needs a one-line description",
            t.name
        );
    }
    let listed = serde_json::to_string_pretty(&tools).unwrap();
    expect_test::expect_file!["../snapshots/tools.json"].assert_eq(&listed);
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn harness_tools_appear_only_with_grader() {
    let names = |tools: Vec<rmcp::model::Tool>| -> Vec<String> {
        tools
            .into_iter()
            .map(|t| t.name.into_owned())
            .filter(|n| n.starts_with("harness_"))
            .collect()
    };
    let (client, server) = connect(ServeConfig::default()).await;
    assert_eq!(
        names(client.list_all_tools().await.unwrap()),
        Vec::<String>::new()
    );
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
    let (client, server) = connect(ServeConfig {
        grader: true,
        ..ServeConfig::default()
    })
    .await;
    assert_eq!(
        names(client.list_all_tools().await.unwrap()),
        ["harness_score", "harness_save"]
    );
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn every_file_is_a_resource_with_its_text_view() {
    let (client, server) = connect(ServeConfig::default()).await;
    let resources = client.list_all_resources().await.unwrap();
    let world = crate::common::world();
    let files: Vec<String> = world
        .walk()
        .into_iter()
        .filter(|e| e.kind.is_some())
        .map(|e| simdesk_serve::uri::of_path(&e.path))
        .collect();
    let listed: Vec<String> = resources.iter().map(|r| r.uri.clone()).collect();
    assert_eq!(listed, files);
    assert!(listed.len() >= 100, "{} resources", listed.len());
    // A workbook reads as the same text view the engine renders.
    let book = world
        .walk()
        .into_iter()
        .find(|e| e.path.extension() == Some("xlsx"))
        .unwrap()
        .path;
    let read = client
        .read_resource(ReadResourceRequestParams::new(simdesk_serve::uri::of_path(
            &book,
        )))
        .await
        .unwrap();
    let [ResourceContents::TextResourceContents { text, .. }] = read.contents.as_slice() else {
        panic!("one text content expected, got {:?}", read.contents);
    };
    assert_eq!(text, &world.view(&book).unwrap());
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn resources_outside_the_world_are_refused_and_the_server_goes_on() {
    let (client, server) = connect(ServeConfig::default()).await;
    for uri in [
        "simdesk://world/../etc/passwd",
        "file:///etc/passwd",
        "simdesk://world/No/such/file.txt",
    ] {
        let err = client
            .read_resource(ReadResourceRequestParams::new(uri))
            .await
            .unwrap_err();
        assert!(err.to_string().contains(uri), "{err}");
    }
    client.list_all_tools().await.unwrap();
    client.list_all_resources().await.unwrap();
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_brief_names_the_persona_and_reveals_no_goal() {
    let (client, server) = connect(ServeConfig::default()).await;
    let prompts = client.list_all_prompts().await.unwrap();
    assert_eq!(
        prompts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>(),
        ["brief"]
    );
    let brief = client
        .get_prompt(GetPromptRequestParams::new("brief"))
        .await
        .unwrap();
    let text = serde_json::to_string(&brief.messages).unwrap();
    let world = crate::common::world();
    assert!(text.contains(&world.persona().name), "{text}");
    for o in world.objectives() {
        assert!(!text.contains(&o.id), "the brief names objective {}", o.id);
        assert!(
            !text.contains(&o.title),
            "the brief names objective {}",
            o.title
        );
    }
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
}
