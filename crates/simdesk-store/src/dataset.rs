//! A generation output: computers of one template and seed written by a
//! pool of worker threads, each into its own folder, and the dataset
//! index (`index.jsonl`, or `index-K-of-N.jsonl` for shard K of N) with
//! one line per computer in index order, whatever the thread timing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use simdesk_gen::{GenOptions, Template};

use crate::computer::write_computer;
use crate::error::StoreError;
use crate::fsio::write_atomic;
use crate::pool::par_map;

/// One line of the dataset index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexLine {
    /// The computer's id (also its folder's name).
    pub id: String,
    /// The template's id.
    pub template: String,
    /// The dataset seed.
    pub seed: u64,
    /// The computer's index in the dataset.
    pub index: u64,
    /// The persona's name.
    pub persona: String,
    /// The persona's role.
    pub role: String,
    /// The persona's employer.
    pub employer: String,
    /// The persona's operating system.
    pub os: String,
    /// How many artifacts.
    pub artifacts: usize,
    /// Artifacts by kind.
    pub kinds: BTreeMap<String, usize>,
    /// How many edges.
    pub edges: usize,
    /// The objectives' ids.
    pub objectives: Vec<String>,
    /// How many planted faults.
    pub faults: usize,
    /// The computer's folder, relative to the index.
    pub dir: String,
}

/// What to generate.
#[derive(Debug, Clone)]
pub struct DatasetOptions<'a> {
    /// The template.
    pub template: &'a Template,
    /// The dataset seed.
    pub seed: u64,
    /// How many computers (indexes `0..count`).
    pub count: u64,
    /// Only shard K of N (`(K, N)`, 0-based K; `(0, 1)` is everything).
    pub shard: (u64, u64),
    /// Worker threads (clamped to 1..=256).
    pub jobs: usize,
    /// Generator options (planted faults).
    pub options: GenOptions,
    /// The output folder.
    pub out: &'a Path,
    /// Overwrite existing computers and index.
    pub force: bool,
}

/// What a dataset run did.
#[derive(Debug)]
pub struct DatasetReport {
    /// Computers written.
    pub written: usize,
    /// Computers asked for.
    pub total: usize,
    /// The index file.
    pub index: PathBuf,
    /// Computers that could not be made, by index (the index lists the
    /// others).
    pub failures: Vec<(u64, StoreError)>,
}

/// The index file's name for shard `k` of `n`.
pub fn index_name(k: u64, n: u64) -> String {
    if n > 1 {
        format!("index-{k}-of-{n}.jsonl")
    } else {
        "index.jsonl".to_owned()
    }
}

/// Generates the computers of `opts` under `opts.out` and writes the
/// index; `progress(done, total, index)` is called from the workers after
/// each computer. An existing index is refused unless `force` (a dataset
/// is a pure function of template, seed and count: generate again with
/// `force`, or into another folder, rather than mixing two runs).
pub fn generate_dataset(
    opts: &DatasetOptions<'_>,
    progress: &(dyn Fn(u64, u64, u64) + Sync),
) -> Result<DatasetReport, StoreError> {
    let (k, n) = opts.shard;
    let indexes: Vec<u64> = simdesk_gen::shard_indexes(opts.count, k, n).collect();
    if indexes.is_empty() {
        return Err(StoreError::EmptyShard {
            shard: k,
            shards: n,
            count: opts.count,
        });
    }
    let index = opts.out.join(index_name(k, n));
    if !opts.force && std::fs::symlink_metadata(&index).is_ok() {
        return Err(StoreError::Exists { path: index });
    }
    std::fs::create_dir_all(opts.out).map_err(crate::error::io("create", opts.out))?;
    let total = indexes.len() as u64;
    let done = AtomicU64::new(0);
    let results = par_map(&indexes, opts.jobs, |_, &at| {
        let r = one(opts, at);
        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
        progress(d, total, at);
        (at, r)
    });
    let mut lines = Vec::new();
    let mut failures = Vec::new();
    for (at, r) in results {
        match r {
            Ok(line) => lines.push(line),
            Err(e) => failures.push((at, e)),
        }
    }
    let body: String = lines.iter().map(|l| format!("{l}\n")).collect();
    write_atomic(&index, body.as_bytes())?;
    Ok(DatasetReport {
        written: lines.len(),
        total: indexes.len(),
        index,
        failures,
    })
}
/// Generates and writes one computer; its index line as JSON.
fn one(opts: &DatasetOptions<'_>, index: u64) -> Result<String, StoreError> {
    let t = opts.template;
    let spec = simdesk_gen::generate(t, opts.seed, index, &opts.options)?;
    let id = spec.origin.as_ref().map_or_else(
        || format!("{}-{}-{index}", t.id, opts.seed),
        |o| o.id.clone(),
    );
    let dir = opts.out.join(&id);
    if dir.exists() && !opts.force {
        return Err(StoreError::Exists { path: dir });
    }
    write_computer(&spec, &dir, opts.force)?;
    let line = IndexLine {
        id: id.clone(),
        template: t.id.clone(),
        seed: opts.seed,
        index,
        persona: spec.persona.name.clone(),
        role: spec.persona.role.clone(),
        employer: spec.persona.employer.clone(),
        os: spec
            .persona
            .profile
            .get("os")
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_owned(),
        artifacts: spec.artifact_count(),
        kinds: spec.kind_counts(),
        edges: spec.edge_counts().total(),
        objectives: spec
            .objectives
            .iter()
            .map(|o| o.objective.id.clone())
            .collect(),
        faults: spec.faults.len(),
        dir: id,
    };
    serde_json::to_string(&line).map_err(|source| StoreError::Serialise {
        what: "an index line",
        source,
    })
}
