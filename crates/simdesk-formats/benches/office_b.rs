//! Benchmarks of the office_b exporters: a 30-slide deck and a 5-slide one
//! (the size of a generated computer's decks) to pptx, and a document of
//! about 20 pages to PDF.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_formats::ExportOptions;
use simdesk_formats::pdf::export_pdf;
use simdesk_formats::pptx::export_pptx;
use simdesk_model::*;

fn deck(slides: usize) -> Artifact {
    let slides = (0..slides)
        .map(|i| Slide {
            title: format!("Slide {i}: quarterly review"),
            bullets: (0..6)
                .map(|b| {
                    Bullet::text(
                        (b % 3) as u8,
                        &format!("Point {b} on slide {i} with some detail"),
                    )
                })
                .collect(),
            table: (i % 3 == 0).then(|| {
                Table::from_text(
                    true,
                    &[
                        &["Asset", "Target", "Actual"],
                        &["Equities", "60%", "63%"],
                        &["Bonds", "30%", "28%"],
                    ],
                )
            }),
            notes: format!("Speaker notes for slide {i}."),
            ..Slide::default()
        })
        .collect();
    Artifact::Deck(Deck {
        title: Some("Review".into()),
        slides,
    })
}

fn document(pages: usize) -> Artifact {
    let mut blocks = Vec::new();
    for p in 0..pages {
        blocks.push(Block::heading(1, &format!("Section {p}")));
        for k in 0..7 {
            blocks.push(Block::para(&format!(
                "Paragraph {k} of section {p}: holdings were reconciled against the custodian statement, \
                 the fee schedule was applied and the client 陈伟 approved the rebalancing plan in writing."
            )));
        }
        blocks.push(Block::Table(Table::from_text(
            true,
            &[
                &["Asset", "Weight"],
                &["Equities", "63%"],
                &["Bonds", "28%"],
            ],
        )));
        blocks.push(Block::PageBreak);
    }
    Artifact::Document(Document {
        title: Some("Report".into()),
        blocks,
    })
}

fn benches(c: &mut Criterion) {
    let opts = ExportOptions::default();
    let d = deck(30);
    c.bench_function("pptx export, 30 slides", |b| {
        b.iter(|| export_pptx(black_box(&d), &opts).unwrap())
    });
    let d = deck(5);
    c.bench_function("pptx export, 5 slides", |b| {
        b.iter(|| export_pptx(black_box(&d), &opts).unwrap())
    });
    let doc = document(20);
    c.bench_function("pdf export, 20-page document", |b| {
        b.iter(|| export_pdf(black_box(&doc), &opts).unwrap())
    });
}

criterion_group!(office_b, benches);
criterion_main!(office_b);
