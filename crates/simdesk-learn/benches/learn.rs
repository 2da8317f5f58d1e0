//! `dataset` (chat and steps) and `skills` over 100 reference runs: every
//! objective's reference solution played as tool calls on computers
//! 0..100 of the financial-advisor template.

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_learn::{ChatOptions, Filter, LearnRun, chat_jsonl, skills, steps_jsonl};

#[path = "../tests/it/runs.rs"]
#[allow(dead_code)]
mod runs;

fn reference_runs() -> Vec<LearnRun> {
    (0..100u64)
        .map(|seed| {
            let s = runs::scripted("financial-advisor", seed, &[], false);
            LearnRun::from_session(&format!("run-{seed:03}"), Some("financial-advisor"), &s)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let runs = reference_runs();
    let steps: usize = runs.iter().map(|r| r.steps.len()).sum();
    eprintln!("100 reference runs, {steps} steps");
    let mut g = c.benchmark_group("learn");
    g.sample_size(10);
    g.bench_function("dataset_chat_100_runs", |b| {
        b.iter(|| chat_jsonl(&runs, &Filter::default(), &ChatOptions::default()).unwrap())
    });
    g.bench_function("dataset_steps_100_runs", |b| {
        b.iter(|| steps_jsonl(&runs, &Filter::default()).unwrap())
    });
    g.bench_function("skills_100_runs", |b| b.iter(|| skills(&runs).unwrap()));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
