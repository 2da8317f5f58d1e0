//! The month of work every generated computer carries: objectives arriving
//! over four weeks, collaborators who answer, a reference agent that plays
//! it through a session and scores 1.0, a null agent that scores 0.

use std::collections::BTreeSet;
use std::sync::Arc;

use simdesk_engine::Workspace;
use simdesk_gen::{WorldSpec, builtin_templates};
use simdesk_sim::{Scenario, Session, play_reference};

use crate::gen_fixture;

/// A generated computer with its month.
fn computer(template: &str, seed: u64) -> (WorldSpec, Workspace, Arc<Scenario>) {
    let (spec, ws) = gen_fixture::computer(template, seed);
    let sc = gen_fixture::scenario_for(&spec);
    (spec, ws, sc)
}

/// What the acceptance asks of one computer's month, measured.
#[derive(Debug)]
struct Month {
    objectives: usize,
    span_days: f64,
    calls: usize,
    repliers: BTreeSet<String>,
    reward: f64,
    problems: Vec<String>,
}

fn reference_month(template: &str, seed: u64) -> Month {
    let (_, ws, sc) = computer(template, seed);
    let start = ws.now();
    let mut s = Session::new(ws, sc.clone()).unwrap();
    play_reference(&mut s).unwrap_or_else(|e| panic!("{template} seed {seed}: {e}"));
    let last_request = sc
        .schedule
        .iter()
        .filter(|x| x.objective.is_some())
        .map(|x| x.at)
        .max()
        .unwrap_or(start);
    let repliers = s
        .steps()
        .flat_map(|st| st.result.arrived.iter())
        .filter(|a| matches!(a.rule.as_str(), "answer" | "review_pass" | "resolution"))
        .map(|a| a.from.clone())
        .collect();
    let score = simdesk_check::score(s.world(), None);
    let mut problems: Vec<String> = score
        .objectives
        .iter()
        .filter(|o| o.score < 1.0)
        .map(|o| format!("{} scored {} (late {} s)", o.id, o.score, o.late_secs))
        .collect();
    problems.extend(
        score
            .collateral
            .changes
            .iter()
            .filter(|c| c.severity != simdesk_model::Severity::Info)
            .map(|c| format!("collateral {:?} {} {}", c.severity, c.change, c.path)),
    );
    Month {
        objectives: s.world().objectives().count(),
        span_days: (last_request.secs() - start.secs()) as f64 / 86_400.0,
        calls: s.step_count(),
        repliers,
        reward: score.reward,
        problems,
    }
}

fn assert_month(template: &str, seed: u64) {
    let m = reference_month(template, seed);
    let at = format!("{template} seed {seed}: {m:?}");
    assert!(m.objectives >= 20, "{at}");
    assert!(m.span_days >= 20.0, "{at}");
    assert!(m.calls >= 300, "{at}");
    assert!(m.repliers.len() >= 3, "{at}");
    assert_eq!(m.reward, 1.0, "{at}");
    assert!(m.problems.is_empty(), "{at}");
}

/// Every template, two seeds, in every test run.
#[test]
fn every_template_has_a_month_the_reference_agent_completes() {
    for t in builtin_templates().unwrap() {
        for seed in [0, 7] {
            assert_month(&t.id, seed);
        }
    }
}

/// Every template × 20 seeds, one thread per template (120 months: run on
/// its own by `scripts/test.sh`, `cargo test --workspace -- --ignored
/// month::twenty`).
#[test]
#[ignore = "120 generated months: scripts/test.sh runs it on its own"]
fn twenty_seeds_of_every_template_have_a_month_the_reference_agent_completes() {
    let templates = builtin_templates().unwrap();
    std::thread::scope(|s| {
        for t in &templates {
            s.spawn(|| {
                for seed in 0..20 {
                    assert_month(&t.id, seed);
                }
            });
        }
    });
}

#[test]
fn a_null_agent_waits_through_the_month_is_reminded_and_escalated_and_scores_zero() {
    for template in ["financial-advisor", "construction-pm"] {
        let (_, ws, sc) = computer(template, 3);
        let mut s = Session::new(ws, sc).unwrap();
        for _ in 0..400 {
            let r = s.call_raw("wait_for_email", serde_json::json!({}));
            assert!(!r.is_error, "{}", r.text);
            if r.arrived.is_empty() {
                break;
            }
        }
        let rules: BTreeSet<&str> = s
            .steps()
            .flat_map(|st| st.result.arrived.iter())
            .map(|a| a.rule.as_str())
            .collect();
        for rule in ["request", "reminder", "escalation", "instruction"] {
            assert!(rules.contains(rule), "{template}: {rules:?}");
        }
        let score = simdesk_check::score(s.world(), None);
        assert!(score.objectives.len() >= 20, "{template}");
        assert!(score.objectives.iter().all(|o| !o.met), "{template}");
        assert_eq!(score.reward, 0.0, "{template}");
    }
}

#[test]
fn the_month_holds_back_files_disagrees_and_changes_plans() {
    for t in builtin_templates().unwrap() {
        let (_, ws, sc) = computer(&t.id, 11);
        let held: Vec<_> = sc
            .collaborators
            .iter()
            .flat_map(|c| c.knows.iter())
            .filter(|k| k.hold_back)
            .collect();
        assert!(held.len() >= 3, "{}: {} held back", t.id, held.len());
        let objectives: BTreeSet<_> = held.iter().filter_map(|k| k.objective.clone()).collect();
        assert!(objectives.len() >= 3, "{}", t.id);
        for k in &held {
            let f = k.file.as_ref().expect("a held-back file");
            assert!(
                ws.artifact(&f.path).is_none(),
                "{}: {} on disk",
                t.id,
                f.path
            );
        }
        assert!(!sc.conflicts.is_empty(), "{}: no disagreement", t.id);
        assert!(
            sc.schedule.iter().any(|x| x.about.is_some()),
            "{}: no change of plan",
            t.id
        );
        // Requests arrive over the month, not all at the start.
        let scheduled = sc.schedule.iter().filter(|x| x.objective.is_some()).count();
        assert!(scheduled >= 15, "{}: {scheduled} scheduled", t.id);
        assert!(ws.objectives().count() < 6, "{}", t.id);
    }
}

#[test]
fn a_held_back_objective_is_not_met_without_asking_its_holder() {
    let (_, ws, sc) = computer("paralegal", 2);
    let held = sc
        .collaborators
        .iter()
        .flat_map(|c| c.knows.iter())
        .find(|k| k.hold_back)
        .unwrap()
        .clone();
    let id = held.objective.clone().unwrap();
    let file = held.file.clone().unwrap().path;
    // An agent that waits through the month without asking never sees the
    // file: the objective cannot be met.
    let mut s = Session::new(ws, sc).unwrap();
    for _ in 0..400 {
        let r = s.call_raw("wait_for_email", serde_json::json!({}));
        if r.arrived.is_empty() {
            break;
        }
    }
    assert!(s.world().artifact(&file).is_none());
    let score = simdesk_check::score(s.world(), Some(&id));
    assert!(!score.objectives[0].met);
}

#[test]
fn the_same_month_played_twice_is_byte_identical_and_a_fork_continues_the_same() {
    let (_, ws, sc) = computer("marketing-manager", 4);
    let mut a = Session::new(ws.fork(), sc.clone()).unwrap();
    play_reference(&mut a).unwrap();
    let mut b = Session::new(ws.fork(), sc.clone()).unwrap();
    play_reference(&mut b).unwrap();
    assert_eq!(a.steps_jsonl().unwrap(), b.steps_jsonl().unwrap());
    let steps: Vec<_> = a.steps().cloned().collect();
    // A fork mid-month, continued with the recorded calls, ends the same.
    let k = steps.len() / 2;
    let mut c = Session::new(ws.fork(), sc.clone()).unwrap();
    for st in &steps[..k] {
        c.call_raw(&st.tool, st.args.clone());
    }
    let mut d = c.fork();
    for st in &steps[k..] {
        let r = d.call_raw(&st.tool, st.args.clone());
        assert_eq!(r, st.result, "step {}", st.index);
    }
    // And replay from the trajectory reproduces the world.
    let again = Session::replay(ws, sc, &steps).unwrap();
    let world_a = a.into_world().save().unwrap();
    assert_eq!(again.into_world().save().unwrap(), world_a);
    assert_eq!(d.into_world().save().unwrap(), world_a);
}

/// Judging with a timeline kept since the session began (what sessions do
/// after every step) gives exactly the report of replaying everything since
/// the start, at every step of a reference month, also on a fork of the
/// timeline taken halfway and caught up with a world that went on without it.
#[test]
fn a_timeline_scores_every_step_as_replaying_since_the_start_does() {
    let (_, ws, sc) = computer("paralegal", 3);
    let start = ws.fork();
    let mut played = Session::new(ws.fork(), sc.clone()).unwrap();
    play_reference(&mut played).unwrap();
    let steps: Vec<_> = played.steps().cloned().collect();
    let mut s = Session::new(ws, sc).unwrap();
    let mut timeline = simdesk_check::Timeline::new(&start);
    let mut halfway = None;
    for (k, st) in steps.iter().enumerate() {
        s.call_raw(&st.tool, st.args.clone());
        if k % 7 != 0 && k + 1 != steps.len() {
            continue;
        }
        let by_timeline = simdesk_check::score_timeline(s.world(), &mut timeline, None);
        let by_replay = simdesk_check::score_since(s.world(), &start, None);
        assert_eq!(by_timeline, by_replay, "step {k} ({})", st.tool);
        if halfway.is_none() && k >= steps.len() / 2 {
            halfway = Some(timeline.clone());
        }
    }
    let mut forked = halfway.expect("a halfway timeline");
    assert_eq!(
        simdesk_check::score_timeline(s.world(), &mut forked, None),
        simdesk_check::score_since(s.world(), &start, None)
    );
    // Another world (not a continuation): the timeline starts over and
    // still agrees.
    let (_, other, _) = computer("paralegal", 4);
    assert_eq!(
        simdesk_check::score_timeline(&other, &mut forked, None),
        simdesk_check::score_since(&other, &start, None)
    );
}
