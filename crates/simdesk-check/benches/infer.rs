//! Benchmark of checking a plain folder: a generated computer (with
//! planted faults) written as real files and read back without its
//! manifest — about 150 files, no edges — checked with the links
//! inferred (`check_plain`), and the inference alone. Reading the files is
//! not measured.

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_check::{CheckOptions, check_plain, infer};
use simdesk_gen::{GenOptions, build, builtin_template, generate};

#[path = "../tests/plain.rs"]
mod plain;

fn bench(c: &mut Criterion) {
    let t = builtin_template("financial-advisor").expect("template");
    let spec = generate(&t, 1, 0, &GenOptions { faults: 5 }).expect("generate");
    let ws = build(&spec).expect("build");
    let (folder, attached) = plain::plain(&ws);
    let files = folder.artifact_count();
    let mut g = c.benchmark_group("plain folder");
    g.sample_size(10);
    g.bench_function(format!("check_plain of a {files}-file folder"), |b| {
        b.iter(|| check_plain(&folder, &attached, &CheckOptions::default()).len())
    });
    g.bench_function(format!("infer on a {files}-file folder"), |b| {
        b.iter(|| infer(&folder, &attached).links.len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
