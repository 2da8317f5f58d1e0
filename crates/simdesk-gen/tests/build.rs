//! Building generated worlds with the engine: nothing rejected, nothing
//! stale, nothing dangling; faults show up. (That no objective is met at
//! the start is the checker's test: it holds the one goal evaluator.)

use simdesk_gen::{GenOptions, build, generate};

use crate::common::*;

#[test]
fn every_template_builds_clean() {
    let mut edges = Vec::new();
    for t in templates() {
        for seed in [1, 2] {
            let s = make(&t, seed);
            let ws = build(&s).unwrap_or_else(|e| panic!("{} seed {seed}: {e}", t.id));
            let id = format!("{} seed {seed}", t.id);
            assert_eq!(ws.artifact_count(), s.artifact_count(), "{id}");
            assert!(
                ws.stale_paths().is_empty(),
                "{id}: stale at start: {:?}",
                ws.stale_paths()
            );
            assert!(
                ws.dangling().is_empty(),
                "{id}: dangling at start: {:?}",
                ws.dangling()
            );
            eprintln!(
                "{id}: {} artifacts, {} engine edges",
                ws.artifact_count(),
                ws.edges().len()
            );
            edges.push((id.clone(), ws.artifact_count(), ws.edges().len()));
        }
    }
    for (id, n, e) in edges {
        assert!(e >= n, "{id}: {e} engine edges for {n} artifacts");
    }
}

#[test]
fn faults_make_stale_or_dangling_artifacts() {
    for t in templates() {
        let s = generate(&t, 9, 0, &GenOptions { faults: 3 }).unwrap();
        let ws = build(&s).unwrap_or_else(|e| panic!("{}: {e}", t.id));
        for f in &s.faults {
            match f {
                simdesk_gen::Fault::StaleExport { export, .. } => {
                    assert!(ws.is_stale(export), "{}: {f:?}", t.id)
                }
                simdesk_gen::Fault::BrokenReference { deleted, .. } => {
                    assert!(
                        ws.dangling().iter().any(|(_, m)| m == deleted),
                        "{}: {f:?}",
                        t.id
                    )
                }
                simdesk_gen::Fault::WrongQuote { path, written, .. } => {
                    let text = ws.artifact(path).map(simdesk_engine::plain_text);
                    assert!(
                        text.is_some_and(|t| t.contains(written.as_str())),
                        "{}",
                        t.id
                    )
                }
            }
        }
    }
}
