//! Run folders: written whole, read back typed, replayable, refused with
//! the file and the problem named.

use std::sync::Arc;

use simdesk_model::{Mailbox, Op};
use simdesk_sim::{Costs, FollowUps, Prose, Scenario, Session};
use simdesk_store::{
    RUN_FILE, RUN_STEPS_FILE, RUN_WORLD_FILE, RunLimits, RunOrigin, StoreError, list_runs,
    read_run, read_run_with, write_run,
};

use crate::{TempDir, apply, empty, vp};

fn session() -> Session {
    let mut ws = empty();
    apply(
        &mut ws,
        vec![Op::Mkdir {
            path: vp("/Users/mei/Mail/Inbox"),
        }],
    );
    let scenario = Scenario {
        version: simdesk_sim::SCENARIO_VERSION,
        agent: Mailbox::new("Mei Chen", "mei@firm.example"),
        agent_called: String::new(),
        home: vp("/Users/mei"),
        utc_offset_minutes: 0,
        timezone: None,
        date_format: None,
        brief: "You are Mei Chen.".into(),
        end: None,
        costs: Costs::builtin(),
        collaborators: Vec::new(),
        schedule: Vec::new(),
        conflicts: Vec::new(),
        follow_ups: FollowUps::default(),
        prose: Prose::builtin(),
    };
    let mut s = Session::new(ws, Arc::new(scenario)).unwrap();
    s.call_raw(
        "write_file",
        serde_json::json!({"path": "/Users/mei/notes.md", "content": "# Notes\n"}),
    );
    s.call_raw(
        "read_file",
        serde_json::json!({"path": "/Users/mei/notes.md"}),
    );
    s.call_raw("read_file", serde_json::json!({"path": "/nope"}));
    s
}

fn origin() -> RunOrigin {
    RunOrigin {
        door: "test".into(),
        template: Some("financial-advisor".into()),
        seed: Some(7),
        index: Some(0),
        label: None,
    }
}

#[test]
fn a_run_folder_reads_back_and_replays_to_the_same_world() {
    let tmp = TempDir::new("run");
    let s = session();
    let dir = tmp.join("runs").join("r1");
    let meta = write_run(&dir, &s, &origin()).unwrap();
    assert_eq!(meta.steps, 3);
    let run = read_run(&dir).unwrap();
    assert_eq!(run.id, "r1");
    assert_eq!(run.meta, meta);
    assert_eq!(run.steps, s.steps().cloned().collect::<Vec<_>>());
    assert_eq!(run.scenario.as_ref(), s.scenario());
    let replayed = Session::replay(run.start.clone(), run.scenario.clone(), &run.steps).unwrap();
    assert_eq!(
        replayed.into_world().state_hash().unwrap(),
        run.world.state_hash().unwrap()
    );
    assert_eq!(run.score.reward, meta.reward);
    // Written twice, the same bytes; no hidden sibling is left.
    let first = std::fs::read(dir.join(RUN_FILE)).unwrap();
    write_run(&dir, &s, &origin()).unwrap();
    assert_eq!(std::fs::read(dir.join(RUN_FILE)).unwrap(), first);
    let names: Vec<_> = std::fs::read_dir(tmp.join("runs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["r1"]);
    assert_eq!(
        list_runs(&tmp.join("runs"), 10).unwrap(),
        std::slice::from_ref(&dir)
    );
}

#[test]
fn a_folder_that_is_not_a_run_is_never_replaced() {
    let tmp = TempDir::new("run-refuse");
    std::fs::write(tmp.join("keep.txt"), "mine").unwrap();
    let err = write_run(&tmp.0, &session(), &origin()).unwrap_err();
    assert!(matches!(err, StoreError::NotEmpty { .. }), "{err}");
    assert_eq!(
        std::fs::read_to_string(tmp.join("keep.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn damaged_run_folders_are_refused_naming_file_and_problem() {
    let tmp = TempDir::new("run-damage");
    let dir = tmp.join("r");
    write_run(&dir, &session(), &origin()).unwrap();
    let steps = std::fs::read_to_string(dir.join(RUN_STEPS_FILE)).unwrap();

    // A trajectory line longer than the limit, before it is parsed.
    let limits = RunLimits {
        step_line: 10,
        ..RunLimits::default()
    };
    let err = read_run_with(&dir, &limits).unwrap_err();
    assert!(
        matches!(err, StoreError::RunLineTooLong { line: 1, .. }),
        "{err}"
    );

    // A world file larger than the limit, before it is read.
    let limits = RunLimits {
        world_bytes: 10,
        ..RunLimits::default()
    };
    let err = read_run_with(&dir, &limits).unwrap_err();
    assert!(matches!(err, StoreError::TooLarge { .. }), "{err}");

    // An edited trajectory no longer matches its digest.
    std::fs::write(dir.join(RUN_STEPS_FILE), steps.replace("notes", "n0tes")).unwrap();
    let err = read_run(&dir).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{} does not match its digest in {} (edited or corrupted)",
            dir.join(RUN_STEPS_FILE).display(),
            dir.join(RUN_FILE).display()
        )
    );

    // A missing world file is an IO error naming it.
    std::fs::write(dir.join(RUN_STEPS_FILE), &steps).unwrap();
    std::fs::remove_file(dir.join(RUN_WORLD_FILE)).unwrap();
    let err = read_run(&dir).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("cannot open {}", dir.join(RUN_WORLD_FILE).display())
    );

    // Not a run at all.
    std::fs::write(dir.join(RUN_FILE), r#"{"format": "x"}"#).unwrap();
    let err = read_run(&dir).unwrap_err();
    assert!(
        matches!(err, StoreError::RunJson { line: None, .. }),
        "{err}"
    );
}
