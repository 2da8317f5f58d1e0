//! `simdesk dataset` and `simdesk skills`: run folders read by the store,
//! turned into training data and ranked skills by simdesk-learn, written
//! atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use simdesk_learn::{ChatOptions, Filter, LearnRun, ObjectiveOutcome, Per};

/// Most run folders read from one folder.
const MAX_RUNS: usize = 1_000_000;

/// The dataset formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DatasetFormat {
    /// Conversations (system, user, assistant tool calls, tool results),
    /// one JSON line per run or per objective.
    Chat,
    /// One JSON line per tool call: observation, action, reward, done.
    Steps,
}

/// One line per run or per objective.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PerArg {
    /// One conversation per run.
    Run,
    /// One conversation per objective, labelled with its score.
    Objective,
}

/// `simdesk dataset`.
#[derive(Debug, Args)]
pub struct DatasetArgs {
    /// A folder of run folders (each holding run.json).
    #[arg(required_unless_present = "schema")]
    pub runs: Option<PathBuf>,
    /// The format.
    #[arg(long, value_enum, default_value = "chat")]
    pub format: DatasetFormat,
    /// Where to write the JSON Lines (atomically).
    #[arg(long, required_unless_present = "schema")]
    pub out: Option<PathBuf>,
    /// Print the JSON Schema of one line of the format instead.
    #[arg(long)]
    pub schema: bool,
    /// Chat: one line per run or per objective.
    #[arg(long, value_enum, default_value = "run")]
    pub per: PerArg,
    /// Chat: put the tool specs on every line.
    #[arg(long)]
    pub tools: bool,
    /// Keep lines whose reward is at least this.
    #[arg(long)]
    pub min_reward: Option<f64>,
    /// Keep runs with this objective (chat per objective: only its lines).
    #[arg(long)]
    pub objective: Option<String>,
    /// Keep runs on computers of this template.
    #[arg(long)]
    pub template: Option<String>,
}

/// The skills report's formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SkillsFormat {
    /// Markdown, for a prompt.
    Markdown,
    /// JSON.
    Json,
}

/// `simdesk skills`.
#[derive(Debug, Args)]
pub struct SkillsArgs {
    /// A folder of run folders (each holding run.json).
    pub runs: PathBuf,
    /// The format.
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: SkillsFormat,
    /// Write here (atomically) instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Print the JSON Schema of the JSON report instead.
    #[arg(long)]
    pub schema: bool,
}

/// Reads every run folder in `dir`, in name order.
fn load_runs(dir: &Path) -> Result<Vec<LearnRun>> {
    let dirs = simdesk_store::list_runs(dir, MAX_RUNS)?;
    dirs.iter()
        .map(|d| {
            let r = simdesk_store::read_run(d)
                .with_context(|| format!("cannot read the run {}", d.display()))?;
            Ok(LearnRun {
                id: r.id,
                template: r.meta.origin.template,
                scenario: r.scenario,
                steps: r.steps,
                world: r.world,
                reward: r.score.reward,
                objectives: r
                    .score
                    .objectives
                    .into_iter()
                    .map(|o| ObjectiveOutcome {
                        id: o.id,
                        met: o.met,
                        score: o.score,
                    })
                    .collect(),
            })
        })
        .collect()
}

fn pretty(v: &serde_json::Value) -> Result<String> {
    Ok(serde_json::to_string_pretty(v).context("cannot serialise the schema")? + "\n")
}

/// Runs `simdesk dataset`.
pub fn run_dataset(a: &DatasetArgs) -> Result<ExitCode> {
    if a.schema {
        let schema = match a.format {
            DatasetFormat::Chat => simdesk_learn::chat_schema(),
            DatasetFormat::Steps => simdesk_learn::steps_schema(),
        };
        out!("{}", pretty(&schema)?);
        return Ok(ExitCode::SUCCESS);
    }
    let (Some(runs), Some(out)) = (&a.runs, &a.out) else {
        anyhow::bail!("give RUNS and --out, or --schema");
    };
    let loaded = load_runs(runs)?;
    let filter = Filter {
        min_reward: a.min_reward,
        objective: a.objective.clone(),
        template: a.template.clone(),
    };
    let text = match a.format {
        DatasetFormat::Chat => simdesk_learn::chat_jsonl(
            &loaded,
            &filter,
            &ChatOptions {
                per: match a.per {
                    PerArg::Run => Per::Run,
                    PerArg::Objective => Per::Objective,
                },
                tools: a.tools,
            },
        )?,
        DatasetFormat::Steps => simdesk_learn::steps_jsonl(&loaded, &filter)?,
    };
    simdesk_store::write_atomic(out, text.as_bytes())?;
    errln!(
        "wrote {} line(s) from {} run(s) to {}",
        text.lines().count(),
        loaded.len(),
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Runs `simdesk skills`.
pub fn run_skills(a: &SkillsArgs) -> Result<ExitCode> {
    if a.schema {
        out!("{}", pretty(&simdesk_learn::skills_schema())?);
        return Ok(ExitCode::SUCCESS);
    }
    let loaded = load_runs(&a.runs)?;
    let report = simdesk_learn::skills(&loaded)?;
    let text = match a.format {
        SkillsFormat::Markdown => simdesk_learn::skills_markdown(&report),
        SkillsFormat::Json => {
            serde_json::to_string_pretty(&report).context("cannot serialise the skills")? + "\n"
        }
    };
    match &a.out {
        Some(p) => simdesk_store::write_atomic(p, text.as_bytes())?,
        None => out!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}
