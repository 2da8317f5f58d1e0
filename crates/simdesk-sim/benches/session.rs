//! Session benchmarks on a generated computer (financial-advisor, seed 0):
//! a read tool call, an edit tool call whose change propagates (an
//! assumption feeding a summary, memo fields and the tracker), and a fork
//! of a session two weeks into the month. Besides criterion's numbers,
//! p50 and p99 of single calls are printed.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use simdesk_model::{Goal, RefTarget};
use simdesk_sim::{Session, ToolCall};

#[path = "../tests/it/gen_fixture.rs"]
#[allow(dead_code)]
mod gen_fixture;

/// A session on a generated computer, the path of an entity workbook and
/// the sheet and cell of an assumption it computes from.
fn setup() -> (Session, Value, Value) {
    let (spec, ws) = gen_fixture::computer("financial-advisor", 0);
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
    let s = Session::new(ws, gen_fixture::scenario_for(&spec)).expect("scenario");
    let read = json!({"path": cell});
    let edit = json!({"path": cell, "sheet": sheet, "cells": [{"cell": addr, "value": 0.0079}]});
    (s, read, edit)
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
    let (base, read, edit) = setup();
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

    let mut s = base.fork();
    percentiles("read_file call", 2000, |_| {
        black_box(s.call(read_call.clone()));
    });
    let mut s = base.fork();
    percentiles("read_range call", 2000, |_| {
        black_box(s.call(range_call.clone()));
    });
    let mut s = base.fork();
    percentiles("write_cells call with propagation", 1000, |i| {
        black_box(s.call(edits[i % 2].clone()));
    });

    let mut s = base.fork();
    c.bench_function("read_file call", |b| {
        b.iter(|| black_box(s.call(read_call.clone())))
    });
    let mut s = base.fork();
    c.bench_function("read_range call", |b| {
        b.iter(|| black_box(s.call(range_call.clone())))
    });
    let mut s = base.fork();
    let mut i = 0;
    c.bench_function("write_cells call with propagation", |b| {
        b.iter(|| {
            i += 1;
            black_box(s.call(edits[i % 2].clone()))
        })
    });

    // Two weeks in: mail has arrived, reminders are queued, steps recorded.
    let mut mid = base.fork();
    mid.call(edits[0].clone());
    mid.call_raw("wait", json!({"minutes": 14 * 24 * 60}));
    mid.call(read_call.clone());
    c.bench_function("fork a session mid-month", |b| {
        b.iter(|| black_box(mid.fork()))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = bench
}
criterion_main!(benches);
