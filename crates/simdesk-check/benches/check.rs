//! Benchmarks of `check`: one synthetic world of 1,000 artifacts (built by
//! ops: workbooks, documents quoting them, their pdf exports, notes; a
//! tenth of the workbooks edited after export so stale exports are found),
//! and a batch of 100 generated computers (every built-in template, with
//! planted faults), checked one after another; and `score` on one
//! generated computer after its reference solution (`simdesk_gen::solve`).
//! Building and solving are not measured.

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_check::{CheckOptions, check, score};
use simdesk_engine::Workspace;
use simdesk_gen::{GenOptions, build, builtin_templates, generate};
use simdesk_model::*;

fn vp(s: &str) -> VPath {
    s.parse().expect("path")
}

/// 250 groups of (workbook, document with fields, pdf export, note).
fn thousand() -> Workspace {
    let mut ws = Workspace::new(
        SimTime::from_ymd(2026, 1, 5).expect("date"),
        Persona::default(),
    );
    for i in 0..250 {
        let dir = format!("/Clients/C{i:03}");
        let book = format!("{dir}/model.xlsx");
        let mut s = Sheet::new("Summary");
        for r in 0..20u32 {
            s.cells.insert(
                CellAddr::new(r, 0),
                Cell::value(format!("Line {r}").as_str()),
            );
            s.cells
                .insert(CellAddr::new(r, 1), Cell::value(f64::from(r * 100 + i)));
        }
        s.cells.insert(CellAddr::new(20, 0), Cell::value("Total"));
        s.cells.insert(
            CellAddr::new(20, 1),
            Cell::formula("SUM(B1:B20)").with_format("$#,##0"),
        );
        let apply = |ws: &mut Workspace, op: Op| assert!(ws.apply_as("generator", op).is_applied());
        apply(
            &mut ws,
            Op::Create {
                path: vp(&book),
                artifact: Artifact::Workbook(Workbook { sheets: vec![s] }).into(),
            },
        );
        let doc = Document {
            title: None,
            blocks: vec![
                Block::heading(1, "Review"),
                Block::Paragraph {
                    inlines: vec![
                        Inline::text("Total: "),
                        Inline::field(format!("{book}#Summary!B21").parse().expect("ref"), None),
                    ],
                },
                Block::para("Total portfolio value: $123,456 as typed last quarter."),
            ],
        };
        apply(
            &mut ws,
            Op::Create {
                path: vp(&format!("{dir}/review.docx")),
                artifact: Artifact::Document(doc).into(),
            },
        );
        apply(
            &mut ws,
            Op::Export {
                source: vp(&format!("{dir}/review.docx")),
                target: vp(&format!("{dir}/review.pdf")),
                sheet: None,
            },
        );
        apply(
            &mut ws,
            Op::Create {
                path: vp(&format!("{dir}/notes.md")),
                artifact: Artifact::Text(Text {
                    format: TextFormat::Markdown,
                    content: format!("- call client {i}\n- Total is $1,000\n"),
                })
                .into(),
            },
        );
        if i % 10 == 0 {
            apply(
                &mut ws,
                Op::SetCells {
                    path: vp(&book),
                    sheet: "Summary".into(),
                    cells: vec![CellEdit {
                        cell: CellAddr::new(0, 1),
                        input: CellInput::value(5.0),
                    }],
                },
            );
        }
    }
    assert_eq!(ws.artifact_count(), 1000);
    ws
}

fn batch() -> Vec<Workspace> {
    let templates = builtin_templates().expect("templates");
    (0..100u64)
        .map(|i| {
            let t = &templates[i as usize % templates.len()];
            let spec = generate(
                t,
                i / templates.len() as u64 + 1,
                0,
                &GenOptions { faults: 3 },
            )
            .expect("generate");
            build(&spec).expect("build")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let opts = CheckOptions::default();
    let ws = thousand();
    let n = check(&ws, &opts).len();
    assert!(n >= 25, "{n} findings");
    let mut g = c.benchmark_group("check");
    g.sample_size(10);
    g.bench_function("world_1000_artifacts", |b| b.iter(|| check(&ws, &opts)));
    let worlds = batch();
    let artifacts: usize = worlds.iter().map(Workspace::artifact_count).sum();
    eprintln!("batch: 100 computers, {artifacts} artifacts");
    g.bench_function("batch_100_computers", |b| {
        b.iter(|| worlds.iter().map(|w| check(w, &opts).len()).sum::<usize>())
    });
    g.finish();
}

/// A financial advisor's computer after its reference solution.
fn solved() -> Workspace {
    let t = simdesk_gen::builtin_template("financial-advisor").expect("financial-advisor");
    let spec = generate(&t, 7, 0, &GenOptions::default()).expect("generate");
    simdesk_gen::solve(&build(&spec).expect("build")).expect("solve")
}

fn bench_score(c: &mut Criterion) {
    let ws = solved();
    let r = score(&ws, None);
    eprintln!(
        "solved computer: {} artifacts, {} events, {} objectives, reward {:.2}",
        ws.artifact_count(),
        ws.trajectory_len(),
        r.objectives.len(),
        r.reward
    );
    let mut g = c.benchmark_group("score");
    g.sample_size(10);
    g.bench_function("solved_computer", |b| b.iter(|| score(&ws, None).reward));
    g.finish();
}

criterion_group!(benches, bench, bench_score);
criterion_main!(benches);
