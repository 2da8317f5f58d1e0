//! `dataset` (chat and steps) and `skills` over 100 reference-month runs:
//! computers 0..100, the templates taken in turn, each computer's month
//! (its scheduled requests, collaborators and follow-ups) played by the
//! reference agent through a session, as `simdesk solve` plays it.

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_gen::{GenOptions, build, builtin_templates, generate};
use simdesk_learn::{ChatOptions, Filter, LearnRun, chat_jsonl, skills, steps_jsonl};
use simdesk_sim::{Session, play_reference};

fn reference_runs() -> Vec<LearnRun> {
    let templates = builtin_templates().expect("templates");
    (0..100u64)
        .map(|seed| {
            let t = &templates[seed as usize % templates.len()];
            let id = &t.id;
            let spec = generate(t, seed, 0, &GenOptions::default()).expect("generate");
            let ws = build(&spec).expect("build");
            let sc = Arc::new(spec.scenario.clone().expect("a month"));
            let mut s = Session::new(ws, sc).expect("scenario");
            play_reference(&mut s).expect("reference month");
            LearnRun::from_session(&format!("run-{seed:03}"), Some(id), &s)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let runs = reference_runs();
    let steps: usize = runs.iter().map(|r| r.steps.len()).sum();
    let reward: f64 = runs.iter().map(|r| r.reward).sum::<f64>() / runs.len() as f64;
    eprintln!("100 reference-month runs, {steps} steps, mean reward {reward:.3}");
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
