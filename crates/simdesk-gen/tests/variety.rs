//! Variety (issue 16): prose is not one skeleton with names swapped, and
//! every folder the persona has holds something. Measured with
//! `simdesk_gen::variety` on every template × ten seeds.

use std::sync::OnceLock;

use simdesk_gen::WorldSpec;
use simdesk_gen::variety::{Variety, recurrence};

use crate::common::{make, templates};

const SEEDS: std::ops::Range<u64> = 1..11;

/// Every template with its computers over `SEEDS`, generated once.
fn worlds() -> &'static [(String, Vec<WorldSpec>)] {
    static WORLDS: OnceLock<Vec<(String, Vec<WorldSpec>)>> = OnceLock::new();
    WORLDS.get_or_init(|| {
        templates()
            .iter()
            .map(|t| (t.id.clone(), SEEDS.map(|s| make(t, s)).collect()))
            .collect()
    })
}

#[test]
fn prose_skeletons_are_distinct_within_a_computer() {
    let mut bad = Vec::new();
    for (id, specs) in worlds() {
        let ratios: Vec<f64> = specs.iter().map(|s| Variety::of(s).ratio()).collect();
        let lowest = ratios.iter().copied().fold(f64::INFINITY, f64::min);
        eprintln!(
            "{id}: lowest distinct-skeleton ratio {lowest:.3} over {} seeds",
            ratios.len()
        );
        for (seed, spec) in SEEDS.zip(specs) {
            let v = Variety::of(spec);
            assert!(
                v.sentences >= 150,
                "{id} seed {seed}: only {} sentences",
                v.sentences
            );
            if v.ratio() < 0.6 {
                bad.push(format!(
                    "{id} seed {seed}: ratio {:.3} over {} sentences; most repeated: {:?}",
                    v.ratio(),
                    v.sentences,
                    v.most_repeated(8)
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn few_skeletons_recur_in_every_seed_of_a_template() {
    let mut bad = Vec::new();
    for (id, specs) in worlds() {
        let all: Vec<Variety> = specs.iter().map(Variety::of).collect();
        let r = recurrence(&all);
        eprintln!("{id}: {r:.3} of skeletons recur in every seed");
        if r >= 0.2 {
            let everywhere: Vec<&String> = all[0]
                .skeletons
                .keys()
                .filter(|k| all.iter().all(|w| w.skeletons.contains_key(*k)))
                .take(20)
                .collect();
            bad.push(format!(
                "{id}: {:.3} recur in every seed, e.g. {everywhere:#?}",
                r
            ));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

/// Regression: `Templates/` was created empty on every computer.
#[test]
fn every_folder_the_persona_has_holds_something() {
    let mut bad = Vec::new();
    for (id, specs) in worlds() {
        for (seed, spec) in SEEDS.zip(specs) {
            let files = spec.file_set();
            for f in &spec.folders {
                let prefix = format!("{}/", f.as_str().trim_end_matches('/'));
                if !files.iter().any(|p| p.starts_with(&prefix)) {
                    bad.push(format!("{id} seed {seed}: {f} is empty"));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}
