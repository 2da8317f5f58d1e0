//! Generated computers and their reference solutions: for every shipped
//! template and many seeds, `simdesk_gen::solve` then `score` earns the
//! full reward with no collateral above info, and the untouched world
//! earns nothing on any objective.

use simdesk_check::{ScoreReport, score};
use simdesk_gen::{GenOptions, build, builtin_templates, generate, solve};
use simdesk_model::Severity;

/// Seeds per template: `SIMDESK_SOLVE_SEEDS`, else 20 in release builds
/// and 3 in debug ones (a debug build is an order of magnitude slower).
fn seeds() -> u64 {
    std::env::var("SIMDESK_SOLVE_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 3 } else { 20 })
}

/// What is wrong with a report that should be full marks: unmet goals with
/// their evidence, late or private objectives, collateral above info.
fn short_of_full_marks(r: &ScoreReport) -> Vec<String> {
    let mut out = Vec::new();
    for o in &r.objectives {
        if o.score < 1.0 {
            out.push(format!(
                "{} scores {:.2} (late {}s, privacy {})",
                o.id, o.score, o.late_secs, o.privacy_violation
            ));
        }
        for g in o.goals.iter().filter(|g| !g.passed) {
            out.push(format!(
                "  {}: wants {}; has {}",
                o.id, g.expected, g.actual
            ));
        }
    }
    for c in &r.collateral.changes {
        if c.severity > Severity::Info {
            out.push(format!(
                "collateral {:?} {} {}: {}",
                c.severity, c.change, c.path, c.detail
            ));
        }
    }
    if out.is_empty() && r.reward < 1.0 {
        out.push(format!("reward {}", r.reward));
    }
    out
}

#[test]
fn solved_computers_earn_full_marks_and_untouched_ones_nothing() {
    let mut failures = Vec::new();
    let mut worlds = 0;
    for t in builtin_templates().expect("templates") {
        for seed in 0..seeds() {
            let at = format!("{} seed {seed}", t.id);
            let spec = generate(&t, seed, 0, &GenOptions::default()).expect("generate");
            let world = build(&spec).expect("build");
            let untouched = score(&world, None);
            for o in untouched.objectives.iter().filter(|o| o.score != 0.0) {
                failures.push(format!("{at}: untouched {} scores {}", o.id, o.score));
            }
            let solved = match solve(&world) {
                Ok(s) => s,
                Err(e) => {
                    failures.push(format!("{at}: {e}"));
                    continue;
                }
            };
            let r = score(&solved, None);
            assert_eq!(r.objectives.len(), spec.objectives.len(), "{at}");
            let short = short_of_full_marks(&r);
            if !short.is_empty() || r.reward != 1.0 {
                failures.push(format!("{at}: reward {}\n{}", r.reward, short.join("\n")));
            }
            worlds += 1;
        }
    }
    assert!(worlds >= 6, "only {worlds} worlds solved");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
