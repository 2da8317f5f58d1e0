//! Benchmarks: one computer generated in memory (spec), lowered to ops,
//! and generated plus built into an engine workspace.

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_gen::{GenOptions, builtin_template, generate, lower};

fn bench(c: &mut Criterion) {
    let t = builtin_template("financial-advisor").expect("template");
    let mut seed = 0;
    c.bench_function("generate_spec", |b| {
        b.iter(|| {
            seed += 1;
            generate(&t, seed, 0, &GenOptions::default()).expect("generate")
        })
    });
    let spec = generate(&t, 1, 0, &GenOptions::default()).expect("generate");
    c.bench_function("lower_spec", |b| b.iter(|| lower(&spec).expect("lower")));
    c.bench_function("generate_and_build", |b| {
        b.iter(|| {
            seed += 1;
            let s = generate(&t, seed, 0, &GenOptions::default()).expect("generate");
            simdesk_gen::build(&s).expect("build")
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
