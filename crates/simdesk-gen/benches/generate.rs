//! Benchmarks: one computer generated in memory (spec), lowered to ops,
//! generated plus built into an engine workspace, and its reference
//! solution applied (`solve`).

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_gen::{GenOptions, build, builtin_template, generate, lower, solve};

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
            build(&s).expect("build")
        })
    });
    let world = build(&spec).expect("build");
    c.bench_function("solve_computer", |b| {
        b.iter(|| solve(&world).expect("solve"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
