//! `simdesk solve` on a computer's folder plays the reference month and
//! saves a run; `simdesk run` plays a scripted agent's calls; both runs
//! are run folders that replay exactly.

use crate::{TempDir, ok, simdesk};

#[test]
fn solve_plays_the_reference_month_and_run_plays_a_scripted_agent() {
    let dir = TempDir::new("run");
    let d = &dir.0;
    ok(&simdesk(
        d,
        &["generate", "--template", "construction-pm", "--out", "out"],
    ));
    let computer = "out/construction-pm-0-0";
    assert!(d.join(computer).join("grading/scenario.json").is_file());

    // The reference month, as a run folder scoring 1.0.
    let o = simdesk(d, &["solve", computer, "--out", "runs/reference"]);
    ok(&o);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("← "), "arrivals are shown: {text}");
    assert!(text.contains("reward 1.000"), "{text}");
    let run = simdesk_store::read_run(&d.join("runs/reference")).unwrap();
    assert!(run.steps.len() >= 300, "{} steps", run.steps.len());
    assert_eq!(run.meta.reward, 1.0);
    // The run replays exactly, without anything but its folder.
    let again =
        simdesk_sim::Session::replay(run.start.fork(), run.scenario.clone(), &run.steps).unwrap();
    assert_eq!(
        again.into_world().save().unwrap(),
        run.world.save().unwrap()
    );

    // A scripted agent: reads its calendar and mail, waits, makes one
    // malformed call (a tool error, recorded), finishes.
    let inbox = format!("{}/Mail/Inbox", run.scenario.home);
    let calls = [
        serde_json::json!({"tool": "read_calendar", "args": {}}),
        serde_json::json!({"tool": "list_emails", "args": {"folder": inbox}}),
        serde_json::json!({"name": "wait_for_email", "arguments": "{}"}),
        serde_json::json!({"tool": "read_file", "args": {"path": "/../etc/passwd"}}),
        serde_json::json!({"tool": "finish", "args": {"summary": "done"}}),
    ];
    let lines: String = calls.iter().map(|c| format!("{c}\n")).collect();
    std::fs::write(d.join("calls.jsonl"), lines).unwrap();
    let o = simdesk(
        d,
        &[
            "run",
            computer,
            "--agent",
            "calls.jsonl",
            "--out",
            "runs/mine",
            "--json",
        ],
    );
    ok(&o);
    let steps: Vec<simdesk_sim::Step> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(steps.len(), 5);
    assert!(steps[3].result.is_error, "{:?}", steps[3]);
    assert!(
        !steps[2].result.arrived.is_empty(),
        "mail arrives while waiting"
    );
    let mine = simdesk_store::read_run(&d.join("runs/mine")).unwrap();
    assert_eq!(mine.steps, steps);
    assert!(mine.meta.finished);
    assert_eq!(mine.meta.reward, 0.0);

    // The same calls again give the same bytes.
    let o2 = simdesk(
        d,
        &[
            "run",
            computer,
            "--agent",
            "calls.jsonl",
            "--out",
            "runs/mine2",
            "--json",
        ],
    );
    ok(&o2);
    assert_eq!(o.stdout, o2.stdout);
    for f in ["trajectory.jsonl", "world.simdesk", "score.json"] {
        assert_eq!(
            std::fs::read(d.join("runs/mine").join(f)).unwrap(),
            std::fs::read(d.join("runs/mine2").join(f)).unwrap(),
            "{f}"
        );
    }

    // A line that is not a tool call is refused with its line number; a
    // world file without a scenario is told to bring one.
    std::fs::write(
        d.join("bad.jsonl"),
        "{\"tool\": \"read_calendar\"}\nnot json\n",
    )
    .unwrap();
    let bad = simdesk(
        d,
        &["run", computer, "--agent", "bad.jsonl", "--out", "runs/bad"],
    );
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("line 2 of bad.jsonl"), "{err}");
    assert!(!d.join("runs/bad").exists(), "nothing written");
    let world = format!("{computer}/grading/world.simdesk");
    let none = simdesk(
        d,
        &["run", &world, "--agent", "calls.jsonl", "--out", "runs/x"],
    );
    assert!(!none.status.success());
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("--scenario"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
}
