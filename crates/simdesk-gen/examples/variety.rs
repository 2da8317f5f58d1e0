//! Prints how varied a template's prose is, for template authors:
//! `cargo run -p simdesk-gen --example variety -- [TEMPLATE] [SEEDS] [DIR]`.
//!
//! For each seed in `1..=SEEDS` (default 10) it prints the distinct-skeleton
//! ratio of the computer (`simdesk_gen::variety`), then the skeletons that
//! repeat most over all seeds with their total count and in how many seeds
//! they occur: those are the sentences that want another wording. With
//! `DIR` (a templates folder such as `templates/`) the templates are read
//! from disk, so an edit to a `.j2` shows without rebuilding.

use std::collections::BTreeMap;
use std::path::Path;

use simdesk_gen::variety::{Variety, recurrence};
use simdesk_gen::{GenOptions, Template, builtin_templates, generate, templates_from_files};

fn read_dir(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            read_dir(root, &p, out);
        } else if p.extension().is_some_and(|e| e == "toml" || e == "j2") {
            let rel = p.strip_prefix(root).expect("under root");
            let text = std::fs::read_to_string(&p).expect("template file is UTF-8");
            out.push((rel.to_string_lossy().replace('\\', "/"), text));
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let filter = args.get(1).map(String::as_str).filter(|s| *s != "all");
    let seeds: u64 = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let templates: Vec<Template> = match args.get(3) {
        Some(dir) => {
            let mut files = Vec::new();
            read_dir(Path::new(dir), Path::new(dir), &mut files);
            templates_from_files(files, dir).expect("templates load")
        }
        None => builtin_templates().expect("shipped templates load"),
    };
    for t in templates
        .iter()
        .filter(|t| filter.is_none_or(|f| f == t.id))
    {
        let mut all = Vec::new();
        let mut lowest = f64::INFINITY;
        for seed in 1..=seeds {
            let spec = generate(t, seed, 0, &GenOptions::default())
                .unwrap_or_else(|e| panic!("{} seed {seed}: {e}", t.id));
            let v = Variety::of(&spec);
            lowest = lowest.min(v.ratio());
            println!(
                "{} seed {seed}: ratio {:.3} over {} sentences",
                t.id,
                v.ratio(),
                v.sentences
            );
            all.push(v);
        }
        println!(
            "{}: lowest {lowest:.3}, recurrence {:.3}",
            t.id,
            recurrence(&all)
        );
        let mut total: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for v in &all {
            for (k, n) in &v.skeletons {
                let e = total.entry(k.as_str()).or_default();
                e.0 += n;
                e.1 += 1;
            }
        }
        let mut top: Vec<_> = total.into_iter().collect();
        top.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(b.0)));
        for (k, (n, worlds)) in top.iter().take(40) {
            println!("  {n:4} in {worlds:2} seeds: {k}");
        }
    }
}
