//! Benchmarks of the xlsx exporter and importer on a 10,000 × 10 sheet.

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_formats::{ExportOptions, Format, Limits, export, import};
use simdesk_model::{Artifact, Cell, CellAddr, CellValue, Sheet, Workbook};

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
}

criterion_group!(benches, bench);
criterion_main!(benches);
