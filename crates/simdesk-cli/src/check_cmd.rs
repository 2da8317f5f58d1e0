//! `simdesk check`, `simdesk score` and `simdesk mine`: arguments, exit
//! codes and printing. Worlds and folders are read by `simdesk-store`;
//! checks, scores and their reports are `simdesk-check`'s.
//!
//! Exit codes: `check` 0 when nothing is at error level, 1 when something
//! is; `score` 0 when every goal is met, 1 otherwise; `mine` 0 (mistakes
//! are its output, not a failure). Usage and IO errors exit 2 (in `main`).

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use simdesk_check::{
    CheckOptions, ComputerFindings, OutcomeFormat, ReportFormat, mine, mine_events, render_check,
    render_dataset, render_mine, render_score, score,
};
use simdesk_engine::{SnapshotError, Workspace};
use simdesk_model::{Diagnostic, Persona};
use simdesk_store::{Checked, ImportOptions, Located, check_dataset, check_world, open_world};

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
    /// A world file, a generated computer's folder, a generation output
    /// (every computer its index lists), an export with its manifest, or
    /// a folder of office files (imported first).
    pub target: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: CheckFormat,
    /// Leave out information-level findings (clutter, duplicates, orphans).
    #[arg(long)]
    pub no_info: bool,
    /// Worker threads for a generation output.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
}

/// Arguments of `simdesk score`.
#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// The world file, or a generated computer's folder (its `files/`
    /// read back against `grading/`).
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

/// Prints what reading a world left out on stderr (prefixed with `who`
/// when one report covers many computers).
fn print_notes(checked: &Checked, who: &str) {
    for s in checked.skipped.iter().chain(&checked.notes) {
        errln!("note: {who}{}: {}", s.path, s.reason);
    }
}

/// `simdesk check PATH`: one world, or every computer of a generation
/// output in one report. Exit 1 when anything is at error level; 2 when a
/// computer could not be read (the others are reported).
pub fn run_check(a: &CheckArgs) -> Result<ExitCode> {
    let opts = CheckOptions {
        info: !a.no_info,
        ..CheckOptions::default()
    };
    let format = match a.format {
        CheckFormat::Text => ReportFormat::Text,
        CheckFormat::Json => ReportFormat::Json,
        CheckFormat::Sarif => ReportFormat::Sarif,
    };
    let located = simdesk_store::locate(&a.target)?;
    let Located::Dataset(dataset) = &located else {
        let checked = check_world(&located, &opts)?;
        print_notes(&checked, "");
        let found = checked.findings;
        out!("{}", render_check(&found, format, color())?);
        return Ok(exit_for(found.iter().any(Diagnostic::is_error), false));
    };
    let results = check_dataset(dataset, a.jobs, &opts);
    let mut computers = Vec::new();
    let mut failed = false;
    for (c, r) in dataset.computers.iter().zip(results) {
        match r {
            Ok(checked) => {
                print_notes(&checked, &format!("{}: ", c.id));
                computers.push(ComputerFindings {
                    id: c.id.clone(),
                    findings: checked.findings,
                });
            }
            Err(e) => {
                failed = true;
                errln!("error: {}: {:#}", c.id, anyhow::Error::new(e));
            }
        }
    }
    out!("{}", render_dataset(&computers, format, color())?);
    let errors = computers
        .iter()
        .any(|c| c.findings.iter().any(Diagnostic::is_error));
    Ok(exit_for(errors, failed))
}

/// 2 when something could not be read, else 1 when something is at error
/// level, else 0.
fn exit_for(errors: bool, unreadable: bool) -> ExitCode {
    if unreadable {
        ExitCode::from(2)
    } else if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn outcome_format(f: OutFormat) -> OutcomeFormat {
    match f {
        OutFormat::Text => OutcomeFormat::Text,
        OutFormat::Json => OutcomeFormat::Json,
    }
}

/// `simdesk score WORLD [--objective ID]`.
pub fn run_score(a: &ScoreArgs) -> Result<ExitCode> {
    let located = simdesk_store::locate(&a.world)?;
    let ws = open_world(&located, &ImportOptions::default())?.world;
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
    out!("{}", render_score(&r, outcome_format(a.format), color())?);
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
    out!("{}", render_mine(&report, outcome_format(a.format))?);
    Ok(ExitCode::SUCCESS)
}
