//! Session benchmarks on a generated computer (financial-advisor, seed 0)
//! and its month: a read tool call (every file of the computer in turn,
//! first read and later reads), a range read, an edit tool call whose
//! change propagates (an assumption feeding a summary, memo fields and the
//! tracker), a fork of a session halfway through the reference month, the
//! whole reference month played, and a null agent's month of waiting
//! (reminders and escalations judge goals). Besides criterion's numbers,
//! p50 and p99 of single calls are printed.

use std::hint::black_box;
use std::sync::Arc;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use simdesk_engine::Workspace;
use simdesk_gen::{GenOptions, build, builtin_template, generate};
use simdesk_model::{Goal, RefTarget};
use simdesk_sim::{Scenario, Session, ToolCall, play_reference};

/// The computer, its month, the path of an entity workbook and an edit of
/// an assumption it computes from.
fn setup() -> (Workspace, Arc<Scenario>, Value, Value) {
    let t = builtin_template("financial-advisor").expect("template");
    let spec = generate(&t, 0, 0, &GenOptions::default()).expect("generate");
    let ws = build(&spec).expect("build");
    let (cell, sheet, addr) = spec
        .objectives
        .iter()
        .flat_map(|o| &o.objective.goals)
        .find_map(|g| match g {
            Goal::CellEquals { cell, .. } if cell.sheet() == Some("Assumptions") => {
                match &cell.target {
                    RefTarget::Cell { sheet, cell: a } => {
                        Some((cell.path.clone()?, sheet.clone(), a.to_string()))
                    }
                    _ => None,
                }
            }
            _ => None,
        })
        .expect("an assumption goal");
    let sc = Arc::new(spec.scenario.clone().expect("a month"));
    let read = json!({"path": cell});
    let edit = json!({"path": cell, "sheet": sheet, "cells": [{"cell": addr, "value": 0.0079}]});
    (ws, sc, read, edit)
}

fn with_value(edit: &Value, v: f64) -> Value {
    let mut e = edit.clone();
    e["cells"][0]["value"] = json!(v);
    e
}

/// p50 and p99 of `n` single calls, timed one by one.
#[allow(clippy::disallowed_methods)] // timing is the point of a benchmark
fn percentiles(name: &str, n: usize, mut f: impl FnMut(usize)) {
    let mut t: Vec<std::time::Duration> = (0..n)
        .map(|i| {
            let start = std::time::Instant::now();
            f(i);
            start.elapsed()
        })
        .collect();
    t.sort();
    println!(
        "{name}: p50 {:?}  p99 {:?}  (n = {n})",
        t[n / 2],
        t[n * 99 / 100]
    );
}

fn bench(c: &mut Criterion) {
    let (ws, sc, read, edit) = setup();
    let base = Session::new(ws.fork(), sc.clone()).expect("scenario");
    let files: Vec<ToolCall> = ws
        .artifacts()
        .map(|(p, _)| ToolCall::parse("read_file", json!({"path": p})).expect("read"))
        .collect();
    let read_call = ToolCall::parse("read_file", read.clone()).expect("read");
    let range_call = ToolCall::parse(
        "read_range",
        json!({"path": read["path"], "sheet": "Summary", "range": "A1:B6"}),
    )
    .expect("range");
    let edits = [
        ToolCall::parse("write_cells", with_value(&edit, 0.0079)).expect("edit"),
        ToolCall::parse("write_cells", with_value(&edit, 0.0081)).expect("edit"),
    ];

    // Every file once (each view rendered), then every file again.
    let mut s = base.fork();
    let n = files.len();
    percentiles("read_file call, first read of each file", n, |i| {
        black_box(s.call(files[i].clone()));
    });
    percentiles("read_file call, files read before", n * 10, |i| {
        black_box(s.call(files[i % n].clone()));
    });
    let mut s = base.fork();
    percentiles("read_range call", 2000, |_| {
        black_box(s.call(range_call.clone()));
    });
    let mut s = base.fork();
    percentiles("write_cells call with propagation", 1000, |i| {
        black_box(s.call(edits[i % 2].clone()));
    });

    // Criterion's numbers: each call on a fresh fork of a session that
    // has read (or edited) before, so a long measurement does not live
    // months past the scenario's end (reminders, a growing step log).
    let mut warm = base.fork();
    warm.call(read_call.clone());
    warm.call(range_call.clone());
    c.bench_function("read_file call", |b| {
        b.iter_batched_ref(
            || warm.fork(),
            |s| black_box(s.call(read_call.clone())),
            BatchSize::SmallInput,
        )
    });
    c.bench_function("read_range call", |b| {
        b.iter_batched_ref(
            || warm.fork(),
            |s| black_box(s.call(range_call.clone())),
            BatchSize::SmallInput,
        )
    });
    let mut edited = base.fork();
    edited.call(edits[1].clone());
    c.bench_function("write_cells call with propagation", |b| {
        b.iter_batched_ref(
            || edited.fork(),
            |s| black_box(s.call(edits[0].clone())),
            BatchSize::SmallInput,
        )
    });

    // Halfway through the reference month: mail has arrived, work is
    // done, reminders are queued, steps recorded.
    let mut full = base.fork();
    play_reference(&mut full).expect("reference month");
    let steps: Vec<_> = full.steps().cloned().collect();
    println!("reference month: {} tool calls", steps.len());
    let mut mid = base.fork();
    for st in &steps[..steps.len() / 2] {
        mid.call_raw(&st.tool, st.args.clone());
    }
    c.bench_function("fork a session mid-month", |b| {
        b.iter(|| black_box(mid.fork()))
    });

    let mut g = c.benchmark_group("month");
    g.sample_size(10);
    g.bench_function("the reference month played", |b| {
        b.iter(|| {
            let mut s = Session::new(ws.fork(), sc.clone()).expect("scenario");
            play_reference(&mut s).expect("reference month");
            black_box(s)
        })
    });
    // A null agent's month: every reminder and escalation judges goals.
    g.bench_function("a month of waiting (reminders, escalations)", |b| {
        b.iter(|| {
            let mut s = base.fork();
            for _ in 0..400 {
                let r = s.call_raw("wait_for_email", json!({}));
                if r.arrived.is_empty() {
                    break;
                }
            }
            black_box(s)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = bench
}
criterion_main!(benches);
