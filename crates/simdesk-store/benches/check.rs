//! Benchmark of `simdesk check` on a generation output: 100 computers of
//! the default template with five planted faults each, generated once
//! into a scratch folder, then every computer read back from its files
//! against its grading world and checked on two worker threads, exactly
//! as `simdesk check OUT --jobs 2` does (without printing the report).

use criterion::{Criterion, criterion_group, criterion_main};
use simdesk_check::CheckOptions;
use simdesk_store::{DatasetOptions, Located};

const COMPUTERS: u64 = 100;
const JOBS: usize = 2;

fn bench(c: &mut Criterion) {
    let root = std::env::temp_dir().join(format!("simdesk-bench-check-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let t = simdesk_gen::builtin_template(simdesk_gen::DEFAULT_TEMPLATE).expect("template");
    let made = simdesk_store::generate_dataset(
        &DatasetOptions {
            template: &t,
            seed: 9,
            count: COMPUTERS,
            shard: (0, 1),
            jobs: JOBS,
            options: simdesk_gen::GenOptions { faults: 5 },
            out: &root,
            force: false,
        },
        &|_, _, _| {},
    )
    .expect("generate");
    assert!(made.failures.is_empty(), "{:?}", made.failures);
    let Located::Dataset(dataset) = simdesk_store::locate(&root).expect("locate") else {
        panic!("{} is not a generation output", root.display());
    };
    assert_eq!(dataset.computers.len() as u64, COMPUTERS);
    let opts = CheckOptions::default();

    let mut g = c.benchmark_group("check a generation output");
    g.sample_size(10);
    g.bench_function("100 computers, --jobs 2", |b| {
        b.iter(|| {
            let results = simdesk_store::check_dataset(&dataset, JOBS, &opts);
            assert!(results.iter().all(Result::is_ok));
            results
        })
    });
    g.finish();
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group!(benches, bench);
criterion_main!(benches);
