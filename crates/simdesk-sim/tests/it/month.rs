//! The month of work every generated computer carries: objectives arriving
//! over four weeks, collaborators who answer, a reference agent that plays
//! it through a session and scores 1.0, a null agent that scores 0.

use std::collections::BTreeSet;
use std::sync::Arc;

use simdesk_gen::{GenOptions, build, builtin_template, builtin_templates, generate};
use simdesk_sim::{Session, play_reference};

/// One generated computer's month played by the reference agent.
struct Played {
    objectives: usize,
    span_days: f64,
    calls: usize,
    repliers: BTreeSet<String>,
    reward: f64,
    unmet: Vec<String>,
    collateral: Vec<String>,
}

fn play(template: &str, seed: u64) -> Played {
    let t = builtin_template(template).unwrap();
    let spec = generate(&t, seed, 0, &GenOptions::default())
        .unwrap_or_else(|e| panic!("{template} seed {seed}: {e}"));
    let sc = Arc::new(spec.scenario.clone().expect("a generated computer has a scenario"));
    let ws = build(&spec).unwrap();
    let start = ws.now();
    let mut s = Session::new(ws, sc.clone()).unwrap();
    play_reference(&mut s).unwrap_or_else(|e| panic!("{template} seed {seed}: {e}"));
    let arrivals: Vec<_> = s
        .steps()
        .flat_map(|st| st.result.arrived.iter())
        .cloned()
        .collect();
    let last_request = sc
        .schedule
        .iter()
        .filter(|x| x.objective.is_some())
        .map(|x| x.at)
        .max()
        .unwrap();
    let repliers = arrivals
        .iter()
        .filter(|a| matches!(a.rule.as_str(), "answer" | "review_pass" | "resolution"))
        .map(|a| a.from.clone())
        .collect();
    let score = simdesk_check::score(s.world(), None);
    Played {
        objectives: s.world().objectives().count(),
        span_days: (last_request.secs() - start.secs()) as f64 / 86_400.0,
        calls: s.step_count(),
        repliers,
        reward: score.reward,
        unmet: score
            .objectives
            .iter()
            .filter(|o| !o.met || o.score < 1.0)
            .map(|o| format!("{} score {} due {} done {:?} late {} privacy {} {:?}", o.id, o.score, o.due, o.done, o.late_secs, o.privacy_violation, o.goals.iter().filter(|g| !g.passed || g.at > Some(o.due)).map(|g| (&g.goal, &g.expected, &g.actual, g.at, &g.evidence)).collect::<Vec<_>>()))
            .collect(),
        collateral: score
            .collateral
            .changes
            .iter()
            .filter(|c| c.severity != simdesk_model::Severity::Info)
            .map(|c| format!("{:?} {} {} {}", c.severity, c.change, c.path, c.detail))
            .collect(),
    }
}

#[test]
fn month_stats_probe() {
    for t in builtin_templates().unwrap() {
        let template = t.id.as_str();
        if template != "hr-business-partner" { continue; }
        for seed in 0..1 {
            let p = play(template, seed);
            eprintln!(
                "{template} {seed}: {} objectives over {:.1} days, {} calls, repliers {:?}, reward {:.3}, unmet {:?} collateral {:#?}",
                p.objectives, p.span_days, p.calls, p.repliers, p.reward, p.unmet, p.collateral
            );
        }
    }
}
