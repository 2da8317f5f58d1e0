//! Recalculation benchmarks: a full pass over 100,000 formulas, and one
//! input edit with 100 dependents through a kept `FormulaGraph`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_formula::{EvalContext, FormulaGraph, recalc_all};
use simdesk_model::{Cell, CellAddr, Sheet, Workbook};

/// 1,000 rows of inputs in column A; 100 formula columns, each cell reading
/// its left neighbour and the input of its row: 100,000 formulas. Row 0's
/// 100 formulas all depend on A1.
fn big() -> Workbook {
    let mut s = Sheet::new("Data");
    for r in 0..1_000u32 {
        s.cells
            .insert(CellAddr::new(r, 0), Cell::value(f64::from(r)));
        for c in 1..=100u32 {
            let left = CellAddr::new(r, c - 1);
            let f = match c % 3 {
                0 => format!("{left}+$A{}", r + 1),
                1 => format!("ROUND({left}*1.01,2)"),
                _ => format!("IF({left}>10,{left}-1,{left}+1)"),
            };
            s.cells.insert(CellAddr::new(r, c), Cell::formula(&f));
        }
    }
    Workbook { sheets: vec![s] }
}

/// One input feeding 100 formulas directly (fan-out) in a workbook of
/// 100,000 formulas.
fn fan_out(wb: &mut Workbook) {
    let s = &mut wb.sheets[0];
    for c in 0..100u32 {
        s.cells
            .insert(CellAddr::new(2_000 + c, 1), Cell::formula("$A$1*2+1"));
    }
}

fn benches(c: &mut Criterion) {
    let ctx = EvalContext::default();
    let mut g = c.benchmark_group("recalc");
    g.sample_size(10);
    let wb = big();
    g.bench_function("recalc_all 100k formulas", |b| {
        b.iter(|| {
            let mut w = wb.clone();
            black_box(recalc_all(&mut w, &ctx));
        })
    });
    g.bench_function("FormulaGraph::new 100k formulas", |b| {
        b.iter(|| black_box(FormulaGraph::new(&wb)))
    });
    drop(g);

    let mut g = c.benchmark_group("recalc_dirty");
    let mut chain = big();
    let mut graph = FormulaGraph::new(&chain);
    graph.recalc_all(&mut chain, &ctx);
    let key = [("Data".to_string(), CellAddr::new(0, 0))];
    let mut v = 0.0;
    g.bench_function("edit A1 -> chain of 100 in 100k", |b| {
        b.iter(|| {
            v += 1.0;
            chain.sheets[0]
                .cells
                .insert(CellAddr::new(0, 0), Cell::value(v));
            let r = graph.recalc_dirty(&mut chain, &key, &ctx);
            assert_eq!(r.recomputed.len(), 100);
            black_box(r)
        })
    });
    let mut wide = big();
    fan_out(&mut wide);
    let mut graph = FormulaGraph::new(&wide);
    graph.recalc_all(&mut wide, &ctx);
    let key = [("Data".to_string(), CellAddr::new(0, 0))];
    let mut v = 0.0;
    g.bench_function("edit A1 -> chain of 100 + fan-out of 100 in 100k", |b| {
        b.iter(|| {
            v += 1.0;
            wide.sheets[0]
                .cells
                .insert(CellAddr::new(0, 0), Cell::value(v));
            let r = graph.recalc_dirty(&mut wide, &key, &ctx);
            assert_eq!(r.recomputed.len(), 200);
            black_box(r)
        })
    });
    drop(g);
}

criterion_group!(recalc, benches);
criterion_main!(recalc);
