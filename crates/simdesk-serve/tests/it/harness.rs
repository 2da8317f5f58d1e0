//! The harness tools of `--grader`: `harness_save` writes the session as it
//! is now, `harness_score` returns its score; both agree with the same
//! calls applied to the world directly.

use std::sync::Arc;

use serde_json::json;
use simdesk_serve::{SCORE_FILE, ServeConfig, TRAJECTORY_FILE, WORLD_FILE};
use simdesk_sim::Session;

use crate::common::{call, connect, text, world};

/// The session the server should hold after `calls`, built without it.
fn expected(calls: &[(&str, serde_json::Value)]) -> Session {
    let w = world();
    let scenario = Arc::new(simdesk_serve::quiet_scenario(&w).unwrap());
    let mut s = Session::new(w, scenario).unwrap();
    for (name, args) in calls {
        let r = s.call_raw(name, args.clone());
        assert!(!r.is_error, "{name}: {}", r.text);
    }
    s
}

#[tokio::test]
async fn harness_save_writes_the_session_and_harness_score_returns_its_score() {
    let out = std::env::temp_dir().join(format!("simdesk-serve-harness-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let (client, server) = connect(ServeConfig {
        grader: true,
        out: Some(out.join("run")),
        ..ServeConfig::default()
    })
    .await;
    let home = world().persona().profile["home"]
        .as_str()
        .unwrap()
        .to_owned();
    let calls = [
        (
            "create_note",
            json!({ "path": format!("{home}/for-the-harness.md"), "text": "hello" }),
        ),
        ("wait", json!({ "minutes": 30 })),
    ];
    for (name, args) in &calls {
        let r = call(&client, name, args.clone()).await;
        assert_ne!(r.is_error, Some(true), "{name}: {}", text(&r));
    }
    let want = expected(&calls);
    let want_world = want.fork().into_world();
    let want_score = simdesk_check::score(&want_world, None);

    let scored = call(&client, "harness_score", json!({})).await;
    assert_ne!(scored.is_error, Some(true), "{}", text(&scored));
    assert_eq!(
        scored.structured_content,
        Some(serde_json::to_value(&want_score).unwrap())
    );
    assert!(!want_score.objectives.is_empty());

    let saved = call(&client, "harness_save", json!({})).await;
    assert_ne!(saved.is_error, Some(true), "{}", text(&saved));
    let dir = out.join("run");
    assert_eq!(text(&saved), format!("saved to {}", dir.display()));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "run.json",
            "scenario.json",
            SCORE_FILE,
            "start.simdesk",
            TRAJECTORY_FILE,
            WORLD_FILE
        ]
    );
    // The harness calls are not steps of the session.
    assert_eq!(
        std::fs::read_to_string(dir.join(TRAJECTORY_FILE)).unwrap(),
        want.steps_jsonl().unwrap()
    );
    assert_eq!(
        std::fs::read(dir.join(WORLD_FILE)).unwrap(),
        want_world.save().unwrap()
    );
    assert_eq!(
        std::fs::read(dir.join(SCORE_FILE)).unwrap(),
        serde_json::to_vec_pretty(&want_score).unwrap()
    );

    // A later save replaces the folder with the session as it is then.
    let more = (
        "create_note",
        json!({ "path": format!("{home}/second.md"), "text": "again" }),
    );
    let r = call(&client, more.0, more.1.clone()).await;
    assert_ne!(r.is_error, Some(true), "{}", text(&r));
    call(&client, "harness_save", json!({})).await;
    let want = expected(&[calls[0].clone(), calls[1].clone(), more]);
    assert_eq!(
        std::fs::read_to_string(dir.join(TRAJECTORY_FILE)).unwrap(),
        want.steps_jsonl().unwrap()
    );
    client.cancel().await.unwrap();
    assert_eq!(server.await.unwrap().unwrap(), Some(dir));
    std::fs::remove_dir_all(&out).unwrap();
}

#[tokio::test]
async fn harness_tools_are_unknown_without_grader_and_save_needs_out() {
    let (client, server) = connect(ServeConfig::default()).await;
    for name in ["harness_score", "harness_save"] {
        let r = call(&client, name, json!({})).await;
        assert_eq!(r.is_error, Some(true));
        assert_eq!(
            text(&r).lines().next(),
            Some(format!("error: unknown tool \"{name}\"").as_str())
        );
    }
    client.cancel().await.unwrap();
    server.await.unwrap().unwrap();
    let (client, server) = connect(ServeConfig {
        grader: true,
        ..ServeConfig::default()
    })
    .await;
    let r = call(&client, "harness_save", json!({})).await;
    assert_eq!(r.is_error, Some(true));
    assert_eq!(
        text(&r),
        "error: this server has no --out folder\nhint: start simdesk serve with --out DIR"
    );
    client.cancel().await.unwrap();
    assert_eq!(server.await.unwrap().unwrap(), None);
}
