//! Benchmarks of worlds on disk: export of a 100-artifact world to a
//! directory (20 workbooks, 30 documents, 10 decks, 20 PDFs, 10 emails with
//! attachments, 10 csv/md notes), and import of that directory with and
//! without its manifest.
//!
//! It also times the main job: one computer generated, built and written
//! exactly as `simdesk generate` writes it.

use std::path::PathBuf;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use simdesk_engine::Workspace;
use simdesk_model::*;

fn vp(s: &str) -> VPath {
    VPath::parse(s).expect("valid path")
}

fn workbook(i: usize) -> Artifact {
    let mut s = Sheet::new("Holdings");
    s.freeze_header = true;
    for (c, h) in ["Ticker", "Units", "Price", "Value"].iter().enumerate() {
        s.cells
            .insert(CellAddr::new(0, c as u32), Cell::value(*h).bold());
    }
    for r in 1..=200u32 {
        s.cells.insert(
            CellAddr::new(r, 0),
            Cell::value(format!("T{i}-{r}").as_str()),
        );
        s.cells
            .insert(CellAddr::new(r, 1), Cell::value(f64::from(r * 3)));
        s.cells.insert(
            CellAddr::new(r, 2),
            Cell::value(10.0 + f64::from(r) / 4.0).with_format("#,##0.00"),
        );
        s.cells.insert(
            CellAddr::new(r, 3),
            Cell::formula(&format!("B{n}*C{n}", n = r + 1)).with_format("#,##0.00"),
        );
    }
    s.cells.insert(
        CellAddr::new(201, 3),
        Cell::formula("SUM(D2:D201)").with_format("#,##0.00"),
    );
    Artifact::Workbook(Workbook { sheets: vec![s] })
}

fn document(i: usize) -> Document {
    let mut blocks = vec![Block::heading(1, &format!("Client review {i}"))];
    for p in 0..20 {
        blocks.push(Block::heading(2, &format!("Section {p}")));
        blocks.push(Block::para(
            "The portfolio held its allocation through the quarter; fees were \
             reviewed and the rebalancing plan agreed with the client.",
        ));
    }
    blocks.push(Block::Table(Table::from_text(
        true,
        &[&["Asset", "Weight"], &["Equity", "60%"], &["Bonds", "40%"]],
    )));
    Document {
        title: Some(format!("Review {i}")),
        blocks,
    }
}

fn deck(i: usize) -> Artifact {
    Artifact::Deck(Deck {
        title: Some(format!("Deck {i}")),
        slides: (0..8)
            .map(|s| Slide {
                title: format!("Slide {s}"),
                bullets: vec![
                    Bullet::text(0, "Performance"),
                    Bullet::text(1, "Fees and costs"),
                ],
                notes: "Speaker notes".into(),
                ..Slide::default()
            })
            .collect(),
    })
}

/// 100 artifacts: 20 workbooks, 30 documents, 10 decks, 20 PDFs (exported
/// from documents), 10 emails attaching a PDF and a workbook, 10 notes.
fn world() -> Workspace {
    let start = SimTime::parse("2026-01-05T09:00:00Z").expect("time");
    let mut ws = Workspace::new(
        start,
        Persona {
            name: "Mei Chen".into(),
            ..Persona::default()
        },
    );
    let mut ops = Vec::new();
    for i in 0..20 {
        ops.push(Op::Create {
            path: vp(&format!("/Models/model-{i:02}.xlsx")),
            artifact: workbook(i).into(),
        });
    }
    for i in 0..30 {
        ops.push(Op::Create {
            path: vp(&format!("/Reports/review-{i:02}.docx")),
            artifact: Artifact::Document(document(i)).into(),
        });
    }
    for i in 0..10 {
        ops.push(Op::Create {
            path: vp(&format!("/Decks/deck-{i:02}.pptx")),
            artifact: deck(i).into(),
        });
    }
    for i in 0..20 {
        ops.push(Op::Export {
            source: vp(&format!("/Reports/review-{i:02}.docx")),
            target: vp(&format!("/Reports/review-{i:02}.pdf")),
            sheet: None,
        });
    }
    for i in 0..10 {
        let text = if i % 2 == 0 {
            Text {
                format: TextFormat::Csv,
                content: "Ticker,Close\nVTI,250\nBND,72.5\n".into(),
            }
        } else {
            Text {
                format: TextFormat::Markdown,
                content: "# Notes\n\n- call the client\n- update the model\n".into(),
            }
        };
        let ext = if i % 2 == 0 { "csv" } else { "md" };
        ops.push(Op::Create {
            path: vp(&format!("/Notes/note-{i:02}.{ext}")),
            artifact: Artifact::Text(text).into(),
        });
    }
    for i in 0..10 {
        ops.push(Op::SendEmail {
            path: vp(&format!("/Mail/Sent/msg-{i:02}.eml")),
            email: Email {
                from: Mailbox::new("Mei Chen", "mei@northbridge.example"),
                to: vec![Mailbox::new("Client", "client@example.com")],
                subject: format!("Review {i}"),
                message_id: format!("msg-{i}@northbridge.example"),
                body: vec![Paragraph::text("Please find the review attached.")],
                attachments: vec![
                    vp(&format!("/Reports/review-{i:02}.pdf")),
                    vp(&format!("/Models/model-{i:02}.xlsx")),
                ],
                ..Email::default()
            },
        });
    }
    for op in ops {
        assert!(ws.apply(op).is_applied());
    }
    assert_eq!(ws.artifact_count(), 100);
    ws
}

fn scratch() -> PathBuf {
    let p = std::env::temp_dir().join(format!("simdesk-bench-disk-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&p);
    std::fs::create_dir_all(&p).expect("scratch dir");
    p
}

/// An exported tree, deleted on drop (outside the timed part).
struct Exported(PathBuf);

impl Drop for Exported {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn bench(c: &mut Criterion) {
    let ws = world();
    let root = scratch();
    let tree = root.join("tree");
    let report = simdesk_store::export_world(&ws, &tree, false).expect("export");
    eprintln!(
        "world: {} artifacts, {} bytes of files",
        report.artifacts, report.bytes
    );
    // The same tree without its manifest, for the plain import.
    let plain = root.join("plain");
    simdesk_store::export_world(&ws, &plain, false).expect("export");
    std::fs::remove_dir_all(plain.join(simdesk_store::META_DIR)).expect("drop manifest");
    let opts = simdesk_store::ImportOptions::default();

    let mut g = c.benchmark_group("disk 100 artifacts");
    g.sample_size(10);
    g.bench_function("export", |b| {
        let mut n = 0u32;
        b.iter_batched(
            || {
                n += 1;
                root.join(format!("out-{n}"))
            },
            |out| {
                simdesk_store::export_world(&ws, &out, false).expect("export");
                Exported(out)
            },
            BatchSize::PerIteration,
        );
    });
    g.bench_function("import with manifest", |b| {
        b.iter(|| {
            let r = simdesk_store::import_dir(&tree, &opts).expect("import");
            assert_eq!(r.kept, 100);
            r
        })
    });
    g.bench_function("import without manifest", |b| {
        b.iter(|| {
            let r = simdesk_store::import_dir(&plain, &opts).expect("import");
            assert!(r.skipped.is_empty());
            r
        })
    });
    g.finish();

    // The main job, single-threaded: one computer from the default
    // template, generated, built and written exactly as `simdesk generate`
    // writes it (spec, snapshot, exported tree, manifest; no per-file
    // fsync).
    let t = simdesk_gen::builtin_template(simdesk_gen::DEFAULT_TEMPLATE).expect("template");
    let mut g = c.benchmark_group("generate one computer");
    g.sample_size(10);
    g.bench_function("in memory (spec + build)", |b| {
        let mut seed = 0u64;
        b.iter(|| {
            seed += 1;
            let spec = simdesk_gen::generate(&t, seed, 0, &simdesk_gen::GenOptions::default())
                .expect("spec");
            simdesk_gen::build(&spec).expect("build")
        })
    });
    // Trees are kept until the group ends: deleting files makes ext4
    // (without a journal, as here) skip recently freed inodes when it
    // allocates new ones, a cost a dataset run that only creates never
    // pays.
    // Criterion calls the routine more than once: the counter lives
    // outside it so every computer gets a fresh folder.
    let mut seed = 0u64;
    g.bench_function("generated and exported to disk", |b| {
        b.iter_batched(
            || {
                seed += 1;
                (seed, root.join(format!("gen-{seed}")))
            },
            |(seed, out)| {
                let spec = simdesk_gen::generate(&t, seed, 0, &simdesk_gen::GenOptions::default())
                    .expect("spec");
                simdesk_store::write_computer(&spec, &out, false).expect("write");
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group!(benches, bench);
criterion_main!(benches);
