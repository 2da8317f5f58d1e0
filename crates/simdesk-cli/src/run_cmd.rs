//! `simdesk run` and `simdesk solve`: a scripted agent's tool calls, or the
//! reference agent, played through a session over a computer, and the run
//! saved as a run folder (`simdesk_store::write_run`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use serde_json::Value;
use simdesk_engine::Workspace;
use simdesk_sim::{Scenario, Session, Step};
use simdesk_store::{ComputerPaths, RunOrigin};

/// Longest line of a calls file.
const MAX_CALL_LINE: usize = 16 << 20;
/// Largest calls file.
const MAX_CALLS_FILE: u64 = 512 << 20;
/// Largest scenario file.
const MAX_SCENARIO_FILE: u64 = 64 << 20;

/// Arguments of `simdesk run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The computer: a generated computer's folder (its scenario is in
    /// `grading/`), or a world file given with --scenario.
    world: PathBuf,
    /// The agent's tool calls as JSON Lines, one `{"tool": NAME, "args":
    /// {...}}` per line (`{"name": …, "arguments": …}` too).
    #[arg(long)]
    agent: PathBuf,
    /// The scenario (JSON or TOML) to live in, when WORLD is a world file
    /// (or to replace a computer's own).
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// The run folder to write (new, empty, or an earlier run).
    #[arg(long)]
    out: PathBuf,
    /// Print each step as a JSON line instead of a readable log.
    #[arg(long)]
    json: bool,
}

/// Arguments of `simdesk solve`.
#[derive(Debug, clap::Args)]
pub struct SolveArgs {
    /// A generated computer's folder, or a world file (with --scenario, or
    /// alone: then the objectives' reference ops are applied directly and
    /// the solved world is saved to --out).
    world: PathBuf,
    /// The scenario (JSON or TOML) when WORLD is a world file.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// The run folder to write (a world file for a world without a
    /// scenario).
    #[arg(long)]
    out: PathBuf,
    /// Overwrite an existing world file (run folders are replaced anyway).
    #[arg(long)]
    force: bool,
    /// Print each step as a JSON line instead of a readable log.
    #[arg(long)]
    json: bool,
}

/// Reads a scenario file: JSON when it ends in `.json`, TOML otherwise.
pub fn read_scenario(path: &Path) -> Result<Scenario> {
    let bytes = simdesk_store::read_limited(path, MAX_SCENARIO_FILE)?;
    let text =
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", path.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let parsed = if path.extension().is_some_and(|e| e == "json") {
        Scenario::from_json(text)
    } else {
        Scenario::from_toml(text)
    };
    parsed.with_context(|| format!("cannot read scenario {}", path.display()))
}

/// The world and scenario of WORLD: a computer's folder carries both; a
/// world file needs `--scenario`. `None` for the scenario when there is
/// none.
pub fn open_computer(
    world: &Path,
    scenario: Option<&Path>,
) -> Result<(Workspace, Option<Scenario>)> {
    let (ws, own) = if ComputerPaths::is_computer(world) {
        let paths = ComputerPaths::new(world);
        let ws = simdesk_store::load_world(&paths.world())?;
        let own = paths.scenario();
        let sc = if own.exists() {
            Some(read_scenario(&own)?)
        } else {
            None
        };
        (ws, sc)
    } else {
        (simdesk_store::load_world(world)?, None)
    };
    let sc = match scenario {
        Some(p) => Some(read_scenario(p)?),
        None => own,
    };
    Ok((ws, sc))
}

fn origin(ws: &Workspace) -> RunOrigin {
    RunOrigin {
        door: "run".to_owned(),
        template: ws
            .persona()
            .profile
            .get("template")
            .and_then(Value::as_str)
            .map(str::to_owned),
        ..RunOrigin::default()
    }
}

/// One line of a calls file as (tool, arguments).
fn parse_call(line: &str) -> Result<(String, Value), String> {
    let v: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    let Value::Object(mut m) = v else {
        return Err("not a JSON object".into());
    };
    let name = match m.remove("tool").or_else(|| m.remove("name")) {
        Some(Value::String(s)) => s,
        _ => return Err("no \"tool\" (or \"name\") string".into()),
    };
    let args = match m.remove("args").or_else(|| m.remove("arguments")) {
        None | Some(Value::Null) => Value::Object(Default::default()),
        // Function-calling APIs carry arguments as JSON text.
        Some(Value::String(s)) => {
            serde_json::from_str(&s).map_err(|e| format!("arguments: {e}"))?
        }
        Some(v) => v,
    };
    Ok((name, args))
}

/// Prints one step: what the agent did, what came back, what arrived.
fn show(step: &Step, json: bool) -> Result<()> {
    if json {
        outln!("{}", serde_json::to_string(step)?);
        return Ok(());
    }
    let first = step.result.text.lines().next().unwrap_or("");
    let first: String = first.chars().take(100).collect();
    let mark = if step.result.is_error { "ERROR " } else { "" };
    outln!(
        "{:>4} {} {} → {mark}{first}",
        step.index,
        step.started,
        step.tool
    );
    for a in &step.result.arrived {
        let what = if a.subject.is_empty() {
            a.path.to_string()
        } else {
            format!("{:?}", a.subject)
        };
        outln!("       ← {} {} from {}: {what}", a.time, a.rule, a.from);
    }
    Ok(())
}

fn summary(session: &Session, out: &Path, reward: f64) -> Result<()> {
    let score = simdesk_check::score(session.world(), None);
    let met = score.objectives.iter().filter(|o| o.met).count();
    outln!(
        "{} steps, {} of {} objectives met, reward {reward:.3}; run saved to {}",
        session.step_count(),
        met,
        score.objectives.len(),
        out.display()
    );
    Ok(())
}

/// `simdesk run`.
pub fn run_run(a: &RunArgs) -> Result<ExitCode> {
    let (ws, sc) = open_computer(&a.world, a.scenario.as_deref())?;
    let Some(sc) = sc else {
        bail!(
            "{} has no scenario: pass --scenario FILE (a generated computer's folder carries its own)",
            a.world.display()
        );
    };
    let origin = origin(&ws);
    let mut session =
        Session::new(ws, Arc::new(sc)).context("the scenario does not fit the world")?;
    let bytes = simdesk_store::read_limited(&a.agent, MAX_CALLS_FILE)?;
    let text =
        String::from_utf8(bytes).with_context(|| format!("{} is not UTF-8", a.agent.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if line.len() > MAX_CALL_LINE {
            bail!(
                "line {} of {}: {} bytes, more than a call may hold ({MAX_CALL_LINE})",
                i + 1,
                a.agent.display(),
                line.len()
            );
        }
        let (name, args) = parse_call(line).map_err(|why| {
            anyhow::anyhow!(
                "line {} of {}: not a tool call ({{\"tool\": NAME, \"args\": {{…}}}}): {why}",
                i + 1,
                a.agent.display()
            )
        })?;
        session.call_raw(&name, args);
        if let Some(step) = session.steps().last() {
            show(step, a.json)?;
        }
        if session.is_finished() {
            break;
        }
    }
    let meta = simdesk_store::write_run(&a.out, &session, &origin)?;
    if !a.json {
        summary(&session, &a.out, meta.reward)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `simdesk solve`.
pub fn run_solve(a: &SolveArgs) -> Result<ExitCode> {
    let (ws, sc) = open_computer(&a.world, a.scenario.as_deref())?;
    let Some(sc) = sc else {
        // A world without a month: the objectives' reference ops, applied
        // directly in the order the requests arrive.
        if a.out.exists() && !a.force {
            bail!("{} exists; pass --force to overwrite it", a.out.display());
        }
        let solved = simdesk_gen::solve(&ws)?;
        simdesk_store::save_world(&solved, &a.out)?;
        outln!(
            "applied {} reference ops for {} objectives; saved {}",
            solved.trajectory_len() - ws.trajectory_len(),
            ws.objectives().count(),
            a.out.display()
        );
        return Ok(ExitCode::SUCCESS);
    };
    let mut origin = origin(&ws);
    origin.label = Some("reference".to_owned());
    let mut session =
        Session::new(ws, Arc::new(sc)).context("the scenario does not fit the world")?;
    simdesk_sim::play_reference(&mut session).context("the reference agent could not finish")?;
    for step in session.steps() {
        show(step, a.json)?;
    }
    let meta = simdesk_store::write_run(&a.out, &session, &origin)?;
    if !a.json {
        summary(&session, &a.out, meta.reward)?;
    }
    Ok(ExitCode::SUCCESS)
}
