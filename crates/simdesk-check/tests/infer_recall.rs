//! Inferred links measured against ground truth: generated computers of
//! every template × 10 seeds with 5 planted faults, written as files and
//! read back without the manifest (no edges, no fields, no trajectory, no
//! faults file), checked as a plain folder. Recall of the planted faults
//! per fault kind must be at least 90%; the same computers without faults
//! must show no finding at error level. The numbers are printed
//! (`cargo test -p simdesk-check --release -- infer_recall --nocapture`).

use std::collections::BTreeMap;

use simdesk_check::{CheckOptions, check_plain, primary_path};
use simdesk_gen::{Fault, GenOptions, build, builtin_templates, generate};
use simdesk_model::*;

use crate::plain::plain;

/// Seeds per template (`INFER_SEEDS` may lower it for a quick look).
fn seeds() -> u64 {
    std::env::var("INFER_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10)
}
const FAULTS: u32 = 5;

/// Whether the plain folder's findings report the planted fault where it is.
fn found(found: &[Diagnostic], f: &Fault, dependents: &[VPath]) -> bool {
    match f {
        Fault::StaleExport { export, .. } => found
            .iter()
            .any(|d| d.code == Code::StaleExport && primary_path(d) == Some(export)),
        Fault::WrongQuote { path, source, .. } => found.iter().any(|d| {
            d.code == Code::QuotedValueMismatch
                && primary_path(d) == Some(path)
                && d.refs.contains(source)
        }),
        // The deleted file is gone from the folder: what shows the fault is
        // a file that depended on it.
        Fault::BrokenReference { referenced_by, .. } => found.iter().any(|d| {
            d.code == Code::BrokenReference
                && primary_path(d)
                    .is_some_and(|p| referenced_by.contains(p) || dependents.contains(p))
        }),
    }
}

/// What the engine said depended on `deleted` when it was deleted.
fn dependents_at_delete(ws: &simdesk_engine::Workspace, deleted: &VPath) -> Vec<VPath> {
    ws.trajectory()
        .filter(|e| matches!(&e.op, Op::Delete { path, .. } if path == deleted))
        .flat_map(|e| &e.diagnostics)
        .filter(|d| d.code == Code::BrokenReference)
        .filter_map(|d| d.refs.first()?.path.clone())
        .collect()
}

#[test]
fn infer_recall_and_precision_on_plain_folders() {
    let opts = CheckOptions::default();
    // kind -> (planted, found)
    let mut tally: BTreeMap<&'static str, (usize, usize)> = BTreeMap::new();
    let mut missed = Vec::new();
    let mut noisy = Vec::new();
    let mut clean_worlds = 0;
    for t in builtin_templates().expect("templates") {
        for seed in 1..=seeds() {
            let spec = generate(&t, seed, 0, &GenOptions { faults: FAULTS }).expect("generate");
            let ws = build(&spec).expect("build");
            let (folder, attached) = plain(&ws);
            let findings = check_plain(&folder, &attached, &opts);
            for f in &spec.faults {
                let deps = match f {
                    Fault::BrokenReference { deleted, .. } => dependents_at_delete(&ws, deleted),
                    _ => Vec::new(),
                };
                let hit = found(&findings, f, &deps);
                let e = tally.entry(f.kind()).or_default();
                e.0 += 1;
                if hit {
                    e.1 += 1;
                } else {
                    missed.push(format!("{} seed {seed}: {f:?}", t.id));
                }
            }
            let clean = generate(&t, seed, 0, &GenOptions { faults: 0 }).expect("generate");
            let ws = build(&clean).expect("build");
            let (folder, attached) = plain(&ws);
            clean_worlds += 1;
            for d in check_plain(&folder, &attached, &opts) {
                if d.is_error() {
                    noisy.push(format!("{} seed {seed}: {d}", t.id));
                }
            }
        }
    }
    println!(
        "inferred links on plain folders, every template x {} seeds, --faults {FAULTS}:",
        seeds()
    );
    for (kind, (planted, hit)) in &tally {
        println!(
            "  recall {kind:<17} {hit:>3}/{planted:<3} = {:5.1}%",
            100.0 * *hit as f64 / *planted as f64
        );
    }
    println!(
        "  precision: {} error-level findings on {clean_worlds} fault-free computers",
        noisy.len()
    );
    for m in &missed {
        println!("  missed: {m}");
    }
    for n in noisy.iter().take(20) {
        println!("  noise: {n}");
    }
    for kind in ["stale_export", "wrong_quote", "broken_reference"] {
        let (planted, hit) = tally.get(kind).copied().unwrap_or_default();
        assert!(planted > 0, "no {kind} fault planted");
        assert!(
            hit * 10 >= planted * 9,
            "recall of {kind} is {hit}/{planted}, below 90%"
        );
    }
    assert!(
        noisy.is_empty(),
        "{} error-level findings on fault-free computers",
        noisy.len()
    );
}
