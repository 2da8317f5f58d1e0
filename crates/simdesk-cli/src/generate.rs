//! `simdesk generate`, `simdesk templates`, `simdesk schema` and
//! `simdesk build`: synthetic computers from templates or from a spec file.
//!
//! Wiring (for main.rs): add `mod generate;`, the subcommands
//! `Generate(generate::GenerateArgs)`, `Templates(generate::TemplatesArgs)`,
//! `Schema`, `Build(generate::BuildArgs)`, and call the `run_*` functions.
//! Cargo.toml needs `simdesk-gen.workspace = true` (add it to
//! `[workspace.dependencies]`) and `indicatif = "0.18"`.

use std::io::{IsTerminal, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};
use clap::Args;
use simdesk_gen::{GenOptions, SpecLimits, Template};

/// `simdesk generate`: one or many computers from a template.
#[derive(Debug, Clone, Args)]
pub struct GenerateArgs {
    /// Template name (see `simdesk templates`).
    #[arg(long, default_value = simdesk_gen::DEFAULT_TEMPLATE)]
    pub template: String,
    /// Dataset seed.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// How many computers (indexes 0..count).
    #[arg(long, default_value_t = 1)]
    pub count: u64,
    /// Worker threads.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Generate only shard K of N (`K/N`, 0-based K): indexes with
    /// `index % N == K`.
    #[arg(long, value_parser = parse_shard)]
    pub shard: Option<(u64, u64)>,
    /// Plant this many known inconsistencies per computer.
    #[arg(long, default_value_t = 0)]
    pub faults: u32,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Load extra templates from this folder.
    #[arg(long)]
    pub templates: Option<PathBuf>,
    /// Overwrite existing output.
    #[arg(long)]
    pub force: bool,
}

/// `simdesk templates`: list the templates.
#[derive(Debug, Clone, Args)]
pub struct TemplatesArgs {
    /// Also load templates from this folder.
    #[arg(long)]
    pub templates: Option<PathBuf>,
}

/// `simdesk build SPEC.json --out DIR`: build a world from a spec file.
#[derive(Debug, Clone, Args)]
pub struct BuildArgs {
    /// The world spec (JSON, see `simdesk schema`).
    pub spec: PathBuf,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite existing output.
    #[arg(long)]
    pub force: bool,
}

fn parse_shard(s: &str) -> Result<(u64, u64), String> {
    let (k, n) = s.split_once('/').ok_or("expected K/N, for example 3/10")?;
    let k: u64 = k.trim().parse().map_err(|_| "K must be a number")?;
    let n: u64 = n.trim().parse().map_err(|_| "N must be a number")?;
    if n == 0 || k >= n {
        return Err("need 0 <= K < N".into());
    }
    Ok((k, n))
}

fn all_templates(extra: Option<&Path>) -> Result<Vec<Template>> {
    let mut ts = simdesk_gen::builtin_templates()?;
    if let Some(dir) = extra {
        for t in simdesk_gen::load_templates_dir(dir)? {
            ts.retain(|x| x.id != t.id);
            ts.push(t);
        }
    }
    ts.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(ts)
}

/// Runs `simdesk templates`.
pub fn run_templates(args: &TemplatesArgs) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for t in all_templates(args.templates.as_deref())? {
        let mark = if t.id == simdesk_gen::DEFAULT_TEMPLATE {
            " (default)"
        } else {
            ""
        };
        writeln!(out, "{:<32} {}{mark}", t.id, t.pack.meta.description)?;
    }
    Ok(())
}

/// Runs `simdesk schema`: the WorldSpec JSON Schema on stdout.
pub fn run_schema() -> Result<()> {
    println!("{}", serde_json::to_string_pretty(&simdesk_gen::schema())?);
    Ok(())
}

/// Runs `simdesk build SPEC.json --out DIR`. A malformed spec is reported
/// problem by problem, with JSON pointers, and nothing is written.
pub fn run_build(args: &BuildArgs) -> Result<()> {
    let limits = SpecLimits::default();
    let bytes = crate::world_io::read_limited(&args.spec, limits.max_bytes as u64)?;
    let text = std::str::from_utf8(&bytes).context("spec is not UTF-8")?;
    let spec = match simdesk_gen::validate(text, &limits) {
        Ok(s) => s,
        Err(errs) => {
            for e in &errs {
                eprintln!(
                    "{}: {}{}",
                    args.spec.display(),
                    if e.pointer.is_empty() {
                        "/"
                    } else {
                        &e.pointer
                    },
                    format_args!(": {}", e.reason)
                );
            }
            bail!(
                "{} problem(s) in {}; nothing written",
                errs.len(),
                args.spec.display()
            );
        }
    };
    crate::disk::write_computer(&spec, &args.out, args.force)?;
    Ok(())
}

/// One line of the dataset index (`index.jsonl`).
#[derive(Debug, serde::Serialize)]
struct IndexLine {
    id: String,
    template: String,
    seed: u64,
    index: u64,
    persona: String,
    role: String,
    employer: String,
    os: String,
    artifacts: usize,
    kinds: std::collections::BTreeMap<String, usize>,
    edges: usize,
    objectives: Vec<String>,
    faults: usize,
    dir: String,
}

/// Runs `simdesk generate`.
pub fn run_generate(args: &GenerateArgs) -> Result<()> {
    let templates = all_templates(args.templates.as_deref())?;
    let t = templates
        .iter()
        .find(|t| t.id == args.template)
        .with_context(|| {
            format!(
                "unknown template {:?}; see `simdesk templates`",
                args.template
            )
        })?;
    let (k, n) = args.shard.unwrap_or((0, 1));
    let indexes: Vec<u64> = simdesk_gen::shard_indexes(args.count, k, n).collect();
    if indexes.is_empty() {
        bail!("shard {k}/{n} holds none of the {} computers", args.count);
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating {}", args.out.display()))?;
    let opts = GenOptions {
        faults: args.faults,
    };
    let total = indexes.len() as u64;
    let done = AtomicU64::new(0);
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:40} {pos}/{len} computers, {elapsed} elapsed, eta {eta}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let lines: Mutex<Vec<(u64, String)>> = Mutex::new(Vec::new());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let next = AtomicU64::new(0);
    let jobs = args.jobs.clamp(1, 256);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed) as usize;
                    let Some(&index) = indexes.get(i) else { break };
                    match one(t, args, &opts, index) {
                        Ok(line) => lines
                            .lock()
                            .map(|mut l| l.push((index, line)))
                            .unwrap_or(()),
                        Err(e) => errors
                            .lock()
                            .map(|mut v| v.push(format!("index {index}: {e:#}")))
                            .unwrap_or(()),
                    }
                    let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                    match &bar {
                        Some(b) => b.set_position(d),
                        None => eprintln!("generated {d}/{total} (index {index})"),
                    }
                }
            });
        }
    });
    if let Some(b) = &bar {
        b.finish();
    }
    // The dataset index, in index order whatever the thread timing.
    let mut lines = lines.into_inner().unwrap_or_default();
    lines.sort();
    let name = if n > 1 {
        format!("index-{k}-of-{n}.jsonl")
    } else {
        "index.jsonl".to_owned()
    };
    let body: String = lines.iter().map(|(_, l)| format!("{l}\n")).collect();
    crate::world_io::write_atomic(&args.out.join(name), body.as_bytes())?;
    let errors = errors.into_inner().unwrap_or_default();
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("error: {e}");
        }
        bail!("{} of {total} computers failed", errors.len());
    }
    Ok(())
}

fn one(t: &Template, args: &GenerateArgs, opts: &GenOptions, index: u64) -> Result<String> {
    let spec = simdesk_gen::generate(t, args.seed, index, opts)?;
    let id = spec.origin.as_ref().map_or_else(
        || format!("{}-{}-{index}", t.id, args.seed),
        |o| o.id.clone(),
    );
    let dir = args.out.join(&id);
    if dir.exists() && !args.force {
        bail!("{} exists; use --force to overwrite", dir.display());
    }
    crate::disk::write_computer(&spec, &dir, args.force)?;
    let line = IndexLine {
        id: id.clone(),
        template: t.id.clone(),
        seed: args.seed,
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
    Ok(serde_json::to_string(&line)?)
}
