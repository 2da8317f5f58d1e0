//! `simdesk check`, `simdesk score` and `simdesk mine`: the IO around the
//! pure checks of `simdesk-check` (reading worlds, folders and
//! trajectories; printing text, JSON or SARIF; exit codes).
//!
//! Exit codes: `check` 0 when nothing is at error level, 1 when something
//! is; `score` 0 when every goal is met, 1 otherwise; `mine` 0 (mistakes
//! are its output, not a failure). Usage and IO errors exit 2 (in `main`).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use simdesk_check::{CheckOptions, Report, ScoreReport, check, mine, mine_events, score};
use simdesk_engine::{SnapshotError, Workspace};
use simdesk_model::{Diagnostic, Persona};

use crate::{disk, world_io};

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
        return Ok((world_io::load_world(target)?, Vec::new(), None));
    }
    let report = disk::import_dir(target, &disk::ImportOptions::default())?;
    // Names the importer refused, checked together with the names it kept
    // so case collisions between the two are seen.
    let mut names: Vec<String> = report
        .world
        .walk()
        .into_iter()
        .map(|e| e.path.as_str().trim_start_matches('/').to_owned())
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
    let (ws, mut found, plain) = world_for_check(&a.target)?;
    let opts = CheckOptions {
        info: !a.no_info,
        ..CheckOptions::default()
    };
    let mut seen: Vec<(simdesk_model::Code, String)> =
        found.iter().map(|d| (d.code, d.message.clone())).collect();
    // A folder without a manifest: links inferred from content.
    let rules = match &plain {
        Some(attached) => simdesk_check::check_plain(&ws, attached, &opts),
        None => check(&ws, &opts),
    };
    for d in rules {
        let key = (d.code, d.message.clone());
        if !seen.contains(&key) {
            seen.push(key);
            found.push(d);
        }
    }
    // The library's order: by file, then severity, code and message.
    found.sort_by(|x, y| {
        let key = |d: &Diagnostic| {
            (
                simdesk_check::primary_path(d).cloned(),
                std::cmp::Reverse(d.severity),
                d.code,
                d.message.clone(),
            )
        };
        key(x).cmp(&key(y))
    });
    match a.format {
        CheckFormat::Text => print!("{}", simdesk_check::text_report(&found, color())),
        CheckFormat::Json => println!("{}", serde_json::to_string_pretty(&Report::new(&found))?),
        CheckFormat::Sarif => {
            println!(
                "{}",
                serde_json::to_string_pretty(&simdesk_check::sarif(&found))?
            );
        }
    }
    Ok(if found.iter().any(Diagnostic::is_error) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_score(r: &ScoreReport) {
    let c = color();
    let paint = |s: &str, code: &str| {
        if c {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    };
    for o in &r.objectives {
        let passed = o.goals.iter().filter(|g| g.passed).count();
        let status = if o.met {
            paint("MET", "1;32")
        } else {
            paint("NOT MET", "1;31")
        };
        println!(
            "{} {}: {status} ({passed}/{})",
            o.id,
            o.title,
            o.goals.len()
        );
        for g in &o.goals {
            let mark = if g.passed {
                paint("pass", "32")
            } else {
                paint("FAIL", "31")
            };
            println!("  {mark} expected: {}", g.expected);
            println!("       actual:   {}", g.actual);
        }
    }
    let col = &r.collateral;
    println!(
        "collateral changes (start: {} events before the agent's first, by {}): {}",
        col.start_events,
        match col.method {
            simdesk_check::StartMethod::Replay => "replay",
            simdesk_check::StartMethod::Revisions => "revisions",
        },
        if col.changes.is_empty() { "none" } else { "" }
    );
    for ch in &col.changes {
        let evs: Vec<String> = ch.events.iter().map(|s| format!("#{s}")).collect();
        println!("  {} {} ({})", ch.change, ch.path, evs.join(", "));
    }
    println!("{}/{} goals met", r.goals_passed, r.goals_total);
}

/// `simdesk score WORLD [--objective ID]`.
pub fn run_score(a: &ScoreArgs) -> Result<ExitCode> {
    let ws = world_io::load_world(&a.world)?;
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
    match a.format {
        OutFormat::Text => print_score(&r),
        OutFormat::Json => println!("{}", serde_json::to_string_pretty(&r)?),
    }
    Ok(if r.goals_passed == r.goals_total {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `simdesk mine WORLD|TRAJECTORY.jsonl`.
pub fn run_mine(a: &MineArgs) -> Result<ExitCode> {
    let bytes = world_io::read_limited(&a.input, world_io::MAX_INPUT_BYTES)?;
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
    match a.format {
        OutFormat::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        OutFormat::Text => {
            for m in &report.mistakes {
                let evs: Vec<String> = m.events.iter().map(|s| format!("#{s}")).collect();
                println!(
                    "{} {} ({}): {}",
                    evs.join(" "),
                    m.kind.as_str(),
                    m.actor,
                    m.explanation
                );
            }
            if let Some(at) = report.diverged_at {
                println!(
                    "note: replay diverged from the record at event #{at}; later events were judged by their recorded diagnostics only"
                );
            }
            println!(
                "{} mistake(s) in {} event(s)",
                report.mistakes.len(),
                report.events
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
