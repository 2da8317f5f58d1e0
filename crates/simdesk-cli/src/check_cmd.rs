//! `simdesk check`, `simdesk score` and `simdesk mine`: arguments, exit
//! codes and printing. Worlds and folders are read by `simdesk-store`;
//! checks, scores and their reports are `simdesk-check`'s.
//!
//! Exit codes: `check` 0 when nothing is at error level, 1 when something
//! is; `score` 0 when every goal is met, 1 otherwise; `mine` 0 (mistakes
//! are its output, not a failure). Usage and IO errors exit 2 (in `main`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use simdesk_check::{
    CheckOptions, OutcomeFormat, ReportFormat, check, merge_findings, mine, mine_events,
    render_check, render_mine, render_score, score,
};
use simdesk_engine::{SnapshotError, Workspace};
use simdesk_model::{Diagnostic, Persona};
use simdesk_store::ImportOptions;

/// Output of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Human-readable, grouped by file (colour on a terminal).
    Text,
    /// JSON: summary and findings.
    Json,
    /// SARIF 2.1.0 for code-scanning tools.
    Sarif,
}

/// Output of `score` and `mine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// Human-readable.
    Text,
    /// JSON for pipelines.
    Json,
}

/// Arguments of `simdesk check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// A world file, or a folder of office files (imported first, with or
    /// without a `.simdesk` manifest).
    pub target: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    /// Leave out information-level findings (clutter, duplicates, orphans).
    #[arg(long)]
    pub no_info: bool,
}

/// Arguments of `simdesk score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The world file.
    pub world: PathBuf,
    /// Score only this objective (default: all).
    #[arg(long)]
    pub objective: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutFormat,
}

/// Arguments of `simdesk mine`.
#[derive(Debug, Args)]
pub struct MineArgs {
    /// A world file (its trajectory is mined) or a JSON Lines trajectory.
    pub input: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutFormat,
}

fn color() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

/// A world to check, from a world file or a folder; plus findings about
/// the folder's names and notes about files left out.
/// A folder without a manifest also gives the copies its emails carry
/// (`Some`), for inferring its links.
type ForCheck = (
    Workspace,
    Vec<Diagnostic>,
    Option<Vec<simdesk_check::Attached>>,
);

fn world_for_check(target: &Path) -> Result<ForCheck> {
    if !target.is_dir() {
        return Ok((simdesk_store::load_world(target)?, Vec::new(), None));
    }
    let report = simdesk_store::import_dir(target, &ImportOptions::default())?;
    // Names the importer refused, checked together with the names it kept
    // so case collisions between the two are seen.
    let mut names: Vec<String> = report
        .world
        .walk()
        .into_iter()
        .map(|e| simdesk_store::rel(&e.path))
        .collect();
    names.extend(report.skipped.iter().map(|s| s.path.clone()));
    let found = simdesk_check::portable_name_diagnostics(&names);
    for s in report.skipped.iter().chain(&report.notes) {
        eprintln!("note: {}: {}", s.path, s.reason);
    }
    let plain = (!report.with_manifest).then_some(report.attached);
    Ok((report.world, found, plain))
}

/// `simdesk check WORLD|DIR`.
pub fn run_check(a: &CheckArgs) -> Result<ExitCode> {
    let (ws, names, plain) = world_for_check(&a.target)?;
    let opts = CheckOptions {
        info: !a.no_info,
        ..CheckOptions::default()
    };
    // A folder without a manifest: links inferred from content.
    let rules = match &plain {
        Some(attached) => simdesk_check::check_plain(&ws, attached, &opts),
        None => check(&ws, &opts),
    };
    let found = merge_findings(names, rules);
    let format = match a.format {
        CheckFormat::Text => ReportFormat::Text,
        CheckFormat::Json => ReportFormat::Json,
        CheckFormat::Sarif => ReportFormat::Sarif,
    };
    print!("{}", render_check(&found, format, color())?);
    Ok(if found.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn outcome_format(f: OutFormat) -> OutcomeFormat {
    match f {
        OutFormat::Text => OutcomeFormat::Text,
        OutFormat::Json => OutcomeFormat::Json,
    }
}

/// `simdesk score WORLD [--objective ID]`.
pub fn run_score(a: &ScoreArgs) -> Result<ExitCode> {
    let ws = simdesk_store::load_world(&a.world)?;
    if let Some(id) = &a.objective
        && !ws.objectives().any(|o| &o.id == id)
    {
        let known: Vec<&str> = ws.objectives().map(|o| o.id.as_str()).collect();
        bail!(
            "no objective {id:?} in {} (it has: {})",
            a.world.display(),
            if known.is_empty() {
                "none".to_owned()
            } else {
                known.join(", ")
            }
        );
    }
    let r = score(&ws, a.objective.as_deref());
    print!("{}", render_score(&r, outcome_format(a.format), color())?);
    Ok(if r.goals_passed == r.goals_total {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `simdesk mine WORLD|TRAJECTORY.jsonl`.
pub fn run_mine(a: &MineArgs) -> Result<ExitCode> {
    let bytes = simdesk_store::read_limited(&a.input, simdesk_store::MAX_INPUT_BYTES)?;
    let report = match Workspace::load(&bytes) {
        Ok(ws) => mine(&ws),
        Err(SnapshotError::NotASnapshot) => {
            let text = std::str::from_utf8(&bytes).with_context(|| {
                format!(
                    "{} is neither a world nor UTF-8 JSON Lines",
                    a.input.display()
                )
            })?;
            let events = simdesk_engine::parse_jsonl(text)
                .with_context(|| format!("cannot read the trajectory {}", a.input.display()))?;
            let start = events.first().map(|e| e.time).unwrap_or_default();
            mine_events(&events, Workspace::new(start, Persona::default()))
        }
        Err(e) => {
            return Err(e).with_context(|| format!("cannot load world {}", a.input.display()));
        }
    };
    print!("{}", render_mine(&report, outcome_format(a.format))?);
    Ok(ExitCode::SUCCESS)
}
