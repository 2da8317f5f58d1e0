//! Generated worlds: `check` finds every planted fault (recall 100%) and
//! reports nothing at error level (and no quoted-value mismatch) on
//! fault-free worlds, over every built-in template and several seeds.

use simdesk_check::{CheckOptions, check, primary_path};
use simdesk_gen::{Fault, GenOptions, build, builtin_templates, generate};
use simdesk_model::*;

/// Artifacts the engine said depended on `deleted` when it was deleted.
fn dependents_at_delete(ws: &simdesk_engine::Workspace, deleted: &VPath) -> Vec<VPath> {
    ws.trajectory()
        .filter(|e| matches!(&e.op, Op::Delete { path, .. } if path == deleted))
        .flat_map(|e| &e.diagnostics)
        .filter(|d| d.code == Code::BrokenReference)
        .filter_map(|d| d.refs.first()?.path.clone())
        .collect()
}

fn found_fault(ws: &simdesk_engine::Workspace, found: &[Diagnostic], f: &Fault) -> bool {
    let refs_have = |d: &Diagnostic, p: &VPath| d.refs.iter().any(|r| r.path.as_ref() == Some(p));
    match f {
        Fault::StaleExport { export, .. } => found.iter().any(|d| {
            d.code == Code::StaleExport && d.is_error() && primary_path(d) == Some(export)
        }),
        // `referenced_by` is the generator's over-approximation (it names
        // every artifact of the entity, also ones without any link to the
        // deleted file, such as an archived pdf); the engine's own record
        // of what depended on the file is the ground truth. Each of those,
        // and at least one, must be reported.
        Fault::BrokenReference {
            deleted,
            referenced_by,
            ..
        } => {
            let deps = dependents_at_delete(ws, deleted);
            let reported = |by: &VPath| {
                found.iter().any(|d| {
                    d.code == Code::BrokenReference
                        && d.is_error()
                        && primary_path(d) == Some(by)
                        && refs_have(d, deleted)
                })
            };
            !deps.is_empty()
                && deps.iter().all(reported)
                && deps.iter().any(|by| referenced_by.contains(by))
        }
        Fault::WrongQuote { path, source, .. } => found.iter().any(|d| {
            d.code == Code::QuotedValueMismatch
                && primary_path(d) == Some(path)
                && d.refs.contains(source)
        }),
    }
}

#[test]
fn planted_faults_are_found_and_clean_worlds_have_no_errors() {
    let seeds: &[u64] = if cfg!(debug_assertions) {
        &[1, 2]
    } else {
        &[1, 2, 3, 4, 5]
    };
    let mut missed = Vec::new();
    let mut noisy = Vec::new();
    let mut planted = 0;
    for t in builtin_templates().expect("templates") {
        for &seed in seeds {
            let clean = generate(&t, seed, 0, &GenOptions { faults: 0 }).expect("generate");
            let ws = build(&clean).expect("build");
            let errors: Vec<String> = check(&ws, &CheckOptions::default())
                .into_iter()
                // No errors, and no false alarm from the typed-number
                // heuristic either.
                .filter(|d| d.is_error() || d.code == Code::QuotedValueMismatch)
                .map(|d| d.to_string())
                .collect();
            if !errors.is_empty() {
                noisy.push(format!("{} seed {seed}: {errors:#?}", t.id));
            }
            let faulty = generate(&t, seed, 0, &GenOptions { faults: 6 }).expect("generate");
            assert!(
                !faulty.faults.is_empty(),
                "{} seed {seed}: no faults planted",
                t.id
            );
            let ws = build(&faulty).expect("build");
            let found = check(&ws, &CheckOptions::default());
            for f in &faulty.faults {
                planted += 1;
                if !found_fault(&ws, &found, f) {
                    missed.push(format!("{} seed {seed}: {f:?}", t.id));
                }
            }
        }
    }
    assert!(
        noisy.is_empty(),
        "errors on fault-free worlds:\n{}",
        noisy.join("\n")
    );
    assert!(
        missed.is_empty(),
        "missed {} of {planted} planted faults:\n{}",
        missed.len(),
        missed.join("\n")
    );
}

/// Moved here from the generator's tests with the one goal evaluator: a
/// generated world as built meets no objective (every objective scores 0,
/// so does the reward), over every template and two seeds.
#[test]
fn untouched_generated_worlds_score_zero() {
    for t in builtin_templates().expect("templates") {
        for seed in [1, 2] {
            let spec = generate(&t, seed, 0, &GenOptions::default()).expect("generate");
            let ws = build(&spec).expect("build");
            let r = simdesk_check::score(&ws, None);
            assert!(!r.objectives.is_empty(), "{} seed {seed}", t.id);
            for o in &r.objectives {
                assert!(!o.met && o.score == 0.0, "{} seed {seed}: {o:#?}", t.id);
            }
            assert_eq!(r.reward, 0.0, "{} seed {seed}", t.id);
            assert!(r.collateral.changes.is_empty(), "{} seed {seed}", t.id);
        }
    }
}
