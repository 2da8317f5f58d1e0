//! `simdesk dataset` and `simdesk skills` over a folder of run folders:
//! lines in run order, written atomically, the same bytes twice, and a
//! damaged run named with its file.

use std::sync::Arc;

use simdesk_engine::Workspace;
use simdesk_model::{Mailbox, Op, Persona, SimTime};
use simdesk_sim::{Costs, FollowUps, Prose, Scenario, Session};
use simdesk_store::{RunOrigin, write_run};

use crate::{TempDir, simdesk};

fn run(calls: &[(&str, serde_json::Value)]) -> Session {
    let mut ws = Workspace::new(
        SimTime::parse("2026-01-05T09:00:00Z").unwrap(),
        Persona::default(),
    );
    ws.apply(Op::Mkdir {
        path: "/Users/ana/Mail/Inbox".parse().unwrap(),
    });
    let scenario = Scenario {
        version: simdesk_sim::SCENARIO_VERSION,
        agent: Mailbox::new("Ana Ruiz", "ana@firm.example"),
        agent_called: String::new(),
        home: "/Users/ana".parse().unwrap(),
        utc_offset_minutes: 0,
        timezone: None,
        date_format: None,
        brief: "You are Ana Ruiz.".into(),
        end: None,
        costs: Costs::builtin(),
        collaborators: vec![],
        schedule: vec![],
        conflicts: vec![],
        follow_ups: FollowUps::default(),
        prose: Prose::builtin(),
    };
    let mut s = Session::new(ws, Arc::new(scenario)).unwrap();
    for (name, args) in calls {
        s.call_raw(name, args.clone());
    }
    s
}

#[test]
fn dataset_and_skills_over_run_folders() {
    let d = TempDir::new("learn");
    let runs = d.0.join("runs");
    let origin = RunOrigin {
        door: "test".into(),
        template: Some("hand-made".into()),
        ..RunOrigin::default()
    };
    let list = serde_json::json!({"path": "/Users/ana"});
    write_run(
        &runs.join("b"),
        &run(&[("list_files", list.clone())]),
        &origin,
    )
    .unwrap();
    write_run(
        &runs.join("a"),
        &run(&[("list_files", list), ("finish", serde_json::json!({}))]),
        &origin,
    )
    .unwrap();
    let out = simdesk(
        &d.0,
        &["dataset", "runs", "--format", "chat", "--out", "chat.jsonl"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let chat = std::fs::read_to_string(d.0.join("chat.jsonl")).unwrap();
    let runs_in: Vec<String> = chat
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["run"].to_string())
        .collect();
    assert_eq!(runs_in, ["\"a\"", "\"b\""]);
    // Again: the same bytes, and nothing but the output beside the runs.
    assert!(
        simdesk(&d.0, &["dataset", "runs", "--out", "chat.jsonl"])
            .status
            .success()
    );
    assert_eq!(
        std::fs::read_to_string(d.0.join("chat.jsonl")).unwrap(),
        chat
    );
    let mut names: Vec<String> = std::fs::read_dir(&d.0)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["chat.jsonl", "runs"]);

    let out = simdesk(
        &d.0,
        &[
            "dataset",
            "runs",
            "--format",
            "steps",
            "--out",
            "steps.jsonl",
        ],
    );
    assert!(out.status.success());
    let steps = std::fs::read_to_string(d.0.join("steps.jsonl")).unwrap();
    assert_eq!(steps.lines().count(), 3);

    let out = simdesk(&d.0, &["skills", "runs"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "# Skills from 2 run(s)\n\n0 mistake(s) by the agent.\n"
    );
    let out = simdesk(&d.0, &["dataset", "--schema", "--format", "steps"]);
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(schema["title"], "StepLine");

    // A damaged run is refused, naming the file.
    std::fs::write(runs.join("a").join("trajectory.jsonl"), "{}\n").unwrap();
    let out = simdesk(&d.0, &["dataset", "runs", "--out", "x.jsonl"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("trajectory.jsonl does not match its digest"),
        "{err}"
    );
    assert!(!d.0.join("x.jsonl").exists());
}
