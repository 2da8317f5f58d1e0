//! Benchmarks of the xlsx exporter and importer on a 10,000 × 10 sheet,
//! and of the xlsx and docx exporters on files the size of those in a
//! generated computer (a four-sheet workbook of ~150 cells, a two-page
//! report with fields, lists and a table).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_formats::docx::export_docx;
use simdesk_formats::{ExportOptions, Format, Limits, export, import};
use simdesk_model::{
    Artifact, Block, Cell, CellAddr, CellValue, Document, Field, Inline, ListItem, Ref, Sheet,
    Table, Workbook,
};

fn big_workbook() -> Artifact {
    let mut s = Sheet::new("Data");
    for r in 0..10_000u32 {
        for c in 0..10u32 {
            let cell = match c {
                0 => Cell::value(format!("row {r}").as_str()),
                9 => {
                    let mut f = Cell::formula(&format!("SUM(B{n}:I{n})", n = r + 1));
                    f.value = CellValue::Number(f64::from(r) * 8.0);
                    f
                }
                _ => Cell::value(f64::from(r * 10 + c)).with_format("#,##0.00"),
            };
            s.cells.insert(CellAddr::new(r, c), cell);
        }
    }
    Artifact::Workbook(Workbook { sheets: vec![s] })
}

/// A sheet with a bold, frozen header row and `rows` rows of a text column
/// followed by formatted number columns, the last one a formula.
fn sheet(name: &str, header: &[&str], rows: u32) -> Sheet {
    let mut s = Sheet::new(name);
    s.freeze_header = true;
    for (c, h) in header.iter().enumerate() {
        s.cells
            .insert(CellAddr::new(0, c as u32), Cell::value(*h).bold());
    }
    let last = header.len() as u32 - 1;
    for r in 1..=rows {
        s.cells.insert(
            CellAddr::new(r, 0),
            Cell::value(format!("Household {r} Family Trust").as_str()),
        );
        for c in 1..last {
            let v = f64::from(r * 7919 % 1000) * 1234.567 / f64::from(c);
            let fmt = if c % 2 == 0 { "0.0%" } else { "$#,##0.00" };
            s.cells
                .insert(CellAddr::new(r, c), Cell::value(v).with_format(fmt));
        }
        let mut f = Cell::formula(&format!("SUM(B{n}:C{n})", n = r + 1)).with_format("$#,##0");
        f.value = CellValue::Number(f64::from(r) * 1500.25);
        s.cells.insert(CellAddr::new(r, last), f);
    }
    s
}

/// Four sheets, ~150 cells, like a generated client workbook.
fn small_workbook() -> Artifact {
    Artifact::Workbook(Workbook {
        sheets: vec![
            sheet("Summary", &["Key figure", "Value"], 8),
            sheet(
                "Clients",
                &["Household", "AUM", "Fee", "Equity", "Bonds", "Total"],
                14,
            ),
            sheet(
                "Holdings",
                &["Holding", "Value", "Weight", "Cost", "Total"],
                10,
            ),
            sheet("Assumptions", &["Assumption", "Value"], 5),
        ],
    })
}

fn field(display: &str, cell: &str) -> Inline {
    let source =
        Ref::parse(&format!("/Clients/Book of Business.xlsx#Summary!{cell}")).expect("valid ref");
    Inline::Field(Field {
        source,
        format: Some("$#,##0".into()),
        display: display.into(),
    })
}

/// A two-page report: headings, paragraphs quoting workbook cells, two
/// lists and a nine-row table, like a generated portfolio review.
fn report() -> Document {
    let mut blocks = vec![
        Block::heading(1, "Portfolio Review: Costa Family Trust"),
        Block::para("Prepared for Beatriz Costa by Jonas Schmidt. Figures as of 2025-10-13."),
    ];
    for (i, section) in ["Summary", "Allocation", "Fees", "Next steps"]
        .iter()
        .enumerate()
    {
        blocks.push(Block::heading(2, section));
        blocks.push(Block::Paragraph {
            inlines: vec![
                Inline::text("The portfolio is valued at "),
                field("$912,839", "B2"),
                Inline::text(" across eight positions; equities make up "),
                field("55.2%", "B5"),
                Inline::text(
                    " of it against a target of 69%, so we recommend adding to \
                     broad-market equity funds over the coming quarter.",
                ),
            ],
        });
        if i % 2 == 1 {
            blocks.push(Block::List {
                ordered: i == 3,
                items: (0..4)
                    .map(|k| ListItem {
                        level: (k % 2) as u8,
                        inlines: vec![Inline::text(&format!(
                            "Point {k}: rebalance the bond sleeve and review the fee schedule"
                        ))],
                    })
                    .collect(),
            });
        }
    }
    let mut table = Table::from_text(
        true,
        &[&["Ticker", "Holding", "Asset class", "Market value", "Weight"]],
    );
    for r in 0..8 {
        table.rows.push(vec![
            vec![Inline::text("VXUS")],
            vec![Inline::text("Vanguard Total International Stock ETF")],
            vec![Inline::text(if r % 2 == 0 { "Equity" } else { "Bonds" })],
            vec![field("$12,004.20", "D2")],
            vec![field("1.3%", "E2")],
        ]);
    }
    blocks.push(Block::heading(2, "Holdings"));
    blocks.push(Block::Table(table));
    Document {
        title: Some("Portfolio Review: Costa Family Trust".into()),
        blocks,
    }
}

fn bench(c: &mut Criterion) {
    let book = big_workbook();
    let opts = ExportOptions::default();
    let bytes = export(&book, Format::Xlsx, &opts).unwrap();
    let mut g = c.benchmark_group("xlsx 10000x10");
    g.sample_size(10);
    g.bench_function("export", |b| {
        b.iter(|| export(&book, Format::Xlsx, &opts).unwrap())
    });
    g.bench_function("import", |b| {
        b.iter(|| import(&bytes, Format::Xlsx, &Limits::default()).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("generated-size file");
    let small = small_workbook();
    g.bench_function("xlsx export, 4 sheets", |b| {
        b.iter(|| export(black_box(&small), Format::Xlsx, &opts).unwrap())
    });
    let doc = report();
    g.bench_function("docx export, 2-page report", |b| {
        b.iter(|| export_docx(black_box(&doc), &opts).unwrap())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
