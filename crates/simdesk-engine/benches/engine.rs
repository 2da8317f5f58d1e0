//! Engine benchmarks: apply throughput, propagation of one edit with 100
//! dependents in a 10,000-artifact world, staleness queries and forks.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use simdesk_engine::Workspace;
use simdesk_model::*;

fn vp(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

fn set(path: &VPath, v: f64) -> Op {
    Op::SetCells {
        path: path.clone(),
        sheet: "S".into(),
        cells: vec![CellEdit {
            cell: CellAddr::new(0, 0),
            input: CellInput::value(v),
        }],
    }
}

/// 10,000 artifacts: a CSV imported into a source workbook, 100 memos
/// quoting the workbook, a PDF exported from each memo, and 9,798
/// unrelated notes and workbooks in 100 folders.
fn big_world() -> (Workspace, VPath, VPath) {
    let mut ws = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
    let csv = vp("/Data/prices.csv");
    let src = vp("/Data/model.xlsx");
    ws.apply(Op::Create {
        path: csv.clone(),
        artifact: Artifact::Text(Text {
            format: TextFormat::Csv,
            content: "a,b\n1,2\n".into(),
        })
        .into(),
    });
    let mut sheet = Sheet::new("S");
    sheet.cells.insert(CellAddr::new(0, 0), Cell::value(1.0));
    ws.apply(Op::Create {
        path: src.clone(),
        artifact: Artifact::Workbook(Workbook {
            sheets: vec![sheet],
        })
        .into(),
    });
    ws.apply(Op::Link {
        source: Ref::whole(csv.clone()),
        dependent: Ref {
            path: Some(src.clone()),
            target: RefTarget::Sheet {
                sheet: "Imported".into(),
            },
        },
        kind: LinkKind::Import,
    });
    for i in 0..100 {
        let memo = vp(&format!("/Memos/memo-{i:03}.docx"));
        let d = Document {
            title: None,
            blocks: vec![
                Block::heading(1, &format!("Memo {i}")),
                Block::Paragraph {
                    inlines: vec![
                        Inline::text("Value: "),
                        Inline::field(
                            Ref::cell(src.clone(), "S", CellAddr::new(0, 0)),
                            Some("#,##0.00"),
                        ),
                    ],
                },
            ],
        };
        ws.apply(Op::Create {
            path: memo.clone(),
            artifact: Artifact::Document(d).into(),
        });
        ws.apply(Op::Export {
            source: memo,
            target: vp(&format!("/Memos/memo-{i:03}.pdf")),
            sheet: None,
        });
    }
    let mut n = ws.artifact_count();
    let mut i = 0;
    while n < 10_000 {
        let path = vp(&format!("/Archive/f{:03}/note-{i:05}.txt", i % 100));
        ws.apply(Op::Create {
            path,
            artifact: Artifact::Text(Text {
                format: TextFormat::Plain,
                content: format!("note {i}"),
            })
            .into(),
        });
        i += 1;
        n += 1;
    }
    assert_eq!(ws.artifact_count(), 10_000);
    (ws, src, csv)
}

/// Three workbooks: an input cell read by 34 formulas in the first, a live
/// cell link into the second read by 33 formulas there, and the same into
/// the third: 100 formulas depend on the input.
fn three_workbooks() -> (Workspace, VPath) {
    let mut ws = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
    let books = [vp("/B/a.xlsx"), vp("/B/b.xlsx"), vp("/B/c.xlsx")];
    for (i, book) in books.iter().enumerate() {
        let mut s = Sheet::new("S");
        if i == 0 {
            s.cells.insert(CellAddr::new(0, 0), Cell::value(1.0));
        } else {
            s.cells.insert(
                CellAddr::new(0, 0),
                Cell {
                    link: Some(Box::new(CellLink {
                        source: Ref::cell(books[i - 1].clone(), "S", CellAddr::new(1, 1)),
                        policy: Policy::Live,
                    })),
                    ..Cell::default()
                },
            );
        }
        let n = if i == 0 { 34 } else { 33 };
        for r in 0..n {
            s.cells.insert(
                CellAddr::new(r + 1, 1),
                Cell::formula(&format!("$A$1*{}+{r}", r + 1)),
            );
        }
        let out = ws.apply(Op::Create {
            path: book.clone(),
            artifact: Artifact::Workbook(Workbook { sheets: vec![s] }).into(),
        });
        assert!(out.is_applied());
    }
    (ws, books[0].clone())
}

fn benches(c: &mut Criterion) {
    let (mut three, input) = three_workbooks();
    let mut v = 1.0;
    c.bench_function(
        "formulas/one_edit_100_dependent_formulas_3_workbooks",
        |b| {
            b.iter(|| {
                v += 1.0;
                let out = three.apply(set(&input, v));
                assert_eq!(out.recomputed_cells.len(), 100);
                out
            })
        },
    );

    let (world, src, csv) = big_world();

    c.bench_function("apply/set_one_cell_no_dependents", |b| {
        let mut ws = world.clone();
        let other = vp("/Archive/other.xlsx");
        let mut s = Sheet::new("S");
        s.cells.insert(CellAddr::new(0, 0), Cell::value(0.0));
        ws.apply(Op::Create {
            path: other.clone(),
            artifact: Artifact::Workbook(Workbook { sheets: vec![s] }).into(),
        });
        let mut v = 0.0;
        b.iter(|| {
            v += 1.0;
            ws.apply(set(&other, v))
        })
    });

    c.bench_function("apply/create_small_note", |b| {
        let mut ws = world.clone();
        let mut i = 0u64;
        b.iter(|| {
            i += 1;
            ws.apply(Op::Create {
                path: vp(&format!("/Scratch/n{i}.txt")),
                artifact: Artifact::Text(Text {
                    format: TextFormat::Plain,
                    content: "x".into(),
                })
                .into(),
            })
        })
    });

    c.bench_function("propagate/one_edit_100_dependents_in_10k_world", |b| {
        let mut ws = world.clone();
        let mut v = 1.0;
        b.iter(|| {
            v += 1.0;
            let out = ws.apply(set(&src, v));
            assert_eq!(out.recomputed.len(), 100);
            out
        })
    });

    let mut stale_world = world.clone();
    stale_world.apply(Op::Write {
        path: csv.clone(),
        artifact: Artifact::Text(Text {
            format: TextFormat::Csv,
            content: "a,b\n1,3\n".into(),
        })
        .into(),
    });
    assert_eq!(stale_world.stale_paths().len(), 201);
    c.bench_function("stale/all_stale_paths_10k_world_201_stale", |b| {
        b.iter(|| stale_world.stale_paths())
    });
    c.bench_function("stale/is_stale_one_pdf_10k_world", |b| {
        let pdf = vp("/Memos/memo-050.pdf");
        b.iter(|| stale_world.is_stale(&pdf))
    });
    c.bench_function("stale/all_stale_paths_10k_world_fresh", |b| {
        b.iter(|| world.stale_paths())
    });

    c.bench_function("fork/10k_world", |b| b.iter(|| world.fork()));
    c.bench_function("fork/10k_world_then_one_edit", |b| {
        b.iter_batched(
            || (),
            |()| {
                let mut f = world.fork();
                f.apply(set(&src, 99.0))
            },
            BatchSize::SmallInput,
        )
    });
    let small = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
    c.bench_function("fork/empty_world", |b| b.iter(|| small.fork()));
}

criterion_group! {
    name = engine;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(3));
    targets = benches
}
criterion_main!(engine);
