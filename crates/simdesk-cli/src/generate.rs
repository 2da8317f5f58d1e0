//! `simdesk generate`, `simdesk templates`, `simdesk schema` and
//! `simdesk build`: synthetic computers from templates or from a spec file.
//! The work is `simdesk_store`'s (datasets, computers, template folders);
//! this module parses arguments and shows progress.

use std::io::{IsTerminal, Write as _};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;
use simdesk_gen::{GenOptions, SpecLimits};
use simdesk_store::DatasetOptions;

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

/// Runs `simdesk templates`.
pub fn run_templates(args: &TemplatesArgs) -> Result<()> {
    let mut out = std::io::stdout().lock();
    for t in simdesk_store::templates(args.templates.as_deref())? {
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
    outln!("{}", serde_json::to_string_pretty(&simdesk_gen::schema())?);
    Ok(())
}

/// Runs `simdesk build SPEC.json --out DIR`. A malformed spec is reported
/// problem by problem, with JSON pointers, and nothing is written.
pub fn run_build(args: &BuildArgs) -> Result<()> {
    let limits = SpecLimits::default();
    let text = simdesk_store::read_text(&args.spec, limits.max_bytes as u64)?;
    let spec = match simdesk_gen::validate(&text, &limits) {
        Ok(s) => s,
        Err(errs) => {
            for e in &errs {
                errln!(
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
    simdesk_store::write_computer(&spec, &args.out, args.force)?;
    Ok(())
}

/// Runs `simdesk generate`.
pub fn run_generate(args: &GenerateArgs) -> Result<()> {
    let templates = simdesk_store::templates(args.templates.as_deref())?;
    let t = templates
        .iter()
        .find(|t| t.id == args.template)
        .with_context(|| {
            format!(
                "unknown template {:?}; see `simdesk templates`",
                args.template
            )
        })?;
    let opts = DatasetOptions {
        template: t,
        seed: args.seed,
        count: args.count,
        shard: args.shard.unwrap_or((0, 1)),
        jobs: args.jobs,
        options: GenOptions {
            faults: args.faults,
        },
        out: &args.out,
        force: args.force,
    };
    let (k, n) = opts.shard;
    let total = simdesk_gen::shard_indexes(args.count, k, n).count() as u64;
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
    let progress = |done: u64, total: u64, index: u64| match &bar {
        Some(b) => b.set_position(done),
        None => errln!("generated {done}/{total} (index {index})"),
    };
    let report = simdesk_store::generate_dataset(&opts, &progress)?;
    if let Some(b) = &bar {
        b.finish();
    }
    if !report.failures.is_empty() {
        for (index, e) in &report.failures {
            errln!("error: index {index}: {}", simdesk_store::chain(e));
        }
        bail!(
            "{} of {} computers failed",
            report.failures.len(),
            report.total
        );
    }
    Ok(())
}
