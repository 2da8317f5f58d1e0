//! `simdesk`: build, change, inspect and check synthetic computers from a
//! shell. Argument parsing, printing and exit codes over the library
//! crates; the filesystem is `simdesk-store`'s.

// `eprintln!` panics on a closed stderr: lines go through `errln!`.
#![warn(clippy::print_stderr)]

/// Writes to stdout; a closed pipe (`simdesk log … | head`) is an error
/// that ends the command quietly (see `main`) instead of a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// [`out!`] with a newline.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// Writes a line to stderr (notes, warnings, skips, errors). A closed
/// stderr (`simdesk export … 2>&1 | head`) loses the line instead of
/// panicking as `eprintln!` does; the command goes on and its exit code
/// still says how it ended.
macro_rules! errln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        // Nowhere left to say it: dropping the line is all there is to do.
        let _ = writeln!(std::io::stderr().lock(), $($arg)*);
    }};
}

mod check_cmd;
mod demo;
mod generate;
mod learn_cmd;
mod run_cmd;
mod serve_cmd;
mod tree_cmd;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use simdesk_engine::{StaleExportPolicy, Workspace, WorkspacePolicy};
use simdesk_model::{Persona, SimTime, VPath};

/// Synthetic computers: worlds of interlinked office files for agents.
#[derive(Parser)]
#[command(name = "simdesk", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate synthetic computers from a template (the main job).
    Generate(generate::GenerateArgs),
    /// List the built-in (and extra) templates.
    Templates(generate::TemplatesArgs),
    /// Print the JSON Schema of the world spec `build` accepts.
    Schema,
    /// Build a world from an externally written spec file.
    Build(generate::BuildArgs),
    /// Check a world, or a folder of office files, for files that disagree
    /// with each other (exit 1 when something is at error level).
    Check(check_cmd::CheckArgs),
    /// Score the objectives recorded in a world, with evidence and
    /// collateral changes (exit 1 when a goal is not met).
    Score(check_cmd::ScoreArgs),
    /// Mine a world's trajectory, or a JSON Lines trajectory, for mistakes.
    Mine(check_cmd::MineArgs),
    /// Turn a folder of runs into training data (chat conversations or
    /// steps) as JSON Lines.
    Dataset(learn_cmd::DatasetArgs),
    /// Rank the mistakes of a folder of runs as skills (lessons with
    /// evidence and a counterexample).
    Skills(learn_cmd::SkillsArgs),
    /// Replay the classic mistake: export a report before refreshing the
    /// workbook it quotes, then the right order.
    Demo {
        /// Also save the demo's starting world to this file.
        #[arg(long)]
        save: Option<PathBuf>,
    },
    /// Write a world as a tree of real files (xlsx, docx, pptx, pdf, eml,
    /// csv, md …) plus `.simdesk/manifest.json` and the snapshot.
    Export {
        /// The world file.
        world: PathBuf,
        /// The folder to create (or, with --force, replace).
        dir: PathBuf,
        /// Replace a non-empty folder.
        #[arg(long)]
        force: bool,
        /// Write only what an agent may see: the files, without the
        /// manifest and the snapshot (which hold the answer key).
        #[arg(long)]
        agent: bool,
    },
    /// Read a tree of files (an export, or any folder of office files)
    /// into a world file.
    Import {
        /// The folder to read.
        dir: PathBuf,
        /// The world file to write.
        #[arg(long)]
        out: PathBuf,
        /// Overwrite an existing world file.
        #[arg(long)]
        force: bool,
        /// Simulated start time of a world built without a manifest.
        #[arg(long, default_value = "2026-01-05T09:00:00Z")]
        start: String,
        /// The persona's name in a world built without a manifest.
        #[arg(long, default_value = "")]
        name: String,
        /// Keep files the readers refuse as binaries instead of skipping them.
        #[arg(long)]
        keep_unreadable: bool,
        /// Most files and folders in the tree.
        #[arg(long, default_value_t = 100_000)]
        max_files: usize,
        /// Most bytes of all files together.
        #[arg(long, default_value_t = 4 << 30)]
        max_bytes: u64,
    },
    /// Create an empty world file.
    New {
        /// The world file to create.
        world: PathBuf,
        /// Simulated start time (RFC 3339 or a date).
        #[arg(long, default_value = "2026-01-05T09:00:00Z")]
        start: String,
        /// The persona's name.
        #[arg(long, default_value = "")]
        name: String,
        /// Refuse exports of stale sources instead of warning.
        #[arg(long)]
        refuse_stale_exports: bool,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Apply a JSON Lines file of ops ('-' for stdin) to a world.
    Apply {
        /// The world file (updated in place, atomically).
        world: PathBuf,
        /// JSON Lines, one op per line.
        ops: PathBuf,
        /// Actor recorded in the trajectory.
        #[arg(long, default_value = "agent")]
        actor: String,
    },
    /// List the tree (or one folder).
    Ls {
        /// The world file.
        world: PathBuf,
        /// A folder inside the world.
        path: Option<String>,
    },
    /// Print an artifact as text.
    Cat {
        /// The world file.
        world: PathBuf,
        /// The artifact's path inside the world.
        path: String,
    },
    /// Show stale artifacts with the chains that make them stale.
    Stale {
        /// The world file.
        world: PathBuf,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the trajectory.
    Log {
        /// The world file.
        world: PathBuf,
        /// Print JSON Lines.
        #[arg(long)]
        json: bool,
    },
    /// Serve a world to agents over MCP (stdio, or streamable HTTP with
    /// --http); each session a fork of the world.
    Serve(serve_cmd::ServeArgs),
    /// Play the reference agent's month through a session (it reads,
    /// asks, waits, works and replies as a careful professional would) and
    /// save the run; a world without a scenario gets its objectives'
    /// reference ops applied directly.
    Solve(run_cmd::SolveArgs),
    /// Play a scripted agent (JSON Lines of tool calls) through a session
    /// over a computer and save the run: final world, trajectory, score.
    Run(run_cmd::RunArgs),
    /// Replay a trajectory (JSON Lines) on a world and save the result.
    Replay {
        /// The starting world file.
        world: PathBuf,
        /// The trajectory.
        trajectory: PathBuf,
        /// Where to write the resulting world.
        #[arg(long)]
        out: PathBuf,
    },
}

fn vpath(s: &str) -> Result<VPath> {
    VPath::parse(s).map_err(|e| anyhow::anyhow!("{e}"))
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Generate(a) => generate::run_generate(&a).map(|()| ExitCode::SUCCESS),
        Command::Templates(a) => generate::run_templates(&a).map(|()| ExitCode::SUCCESS),
        Command::Schema => generate::run_schema().map(|()| ExitCode::SUCCESS),
        Command::Build(a) => generate::run_build(&a).map(|()| ExitCode::SUCCESS),
        Command::Check(a) => check_cmd::run_check(&a),
        Command::Score(a) => check_cmd::run_score(&a),
        Command::Mine(a) => check_cmd::run_mine(&a),
        Command::Dataset(a) => learn_cmd::run_dataset(&a),
        Command::Skills(a) => learn_cmd::run_skills(&a),
        Command::Serve(a) => serve_cmd::run_serve(&a).map(|()| ExitCode::SUCCESS),
        Command::Export {
            world,
            dir,
            force,
            agent,
        } => tree_cmd::run_export(&world, &dir, force, agent),
        Command::Import {
            dir,
            out,
            force,
            start,
            name,
            keep_unreadable,
            max_files,
            max_bytes,
        } => {
            let opts = simdesk_store::ImportOptions {
                start: SimTime::parse(&start)?,
                name,
                keep_unreadable,
                max_files,
                max_total_bytes: max_bytes,
                ..simdesk_store::ImportOptions::default()
            };
            tree_cmd::run_import(&dir, &out, force, &opts)
        }
        Command::Demo { save } => {
            if let Some(path) = save {
                simdesk_store::save_world(&demo::build(), &path)?;
            }
            let (text, ok) = demo::run();
            out!("{text}");
            Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::New {
            world,
            start,
            name,
            refuse_stale_exports,
            force,
        } => {
            if world.exists() && !force {
                bail!("{} exists; pass --force to overwrite it", world.display());
            }
            let start = SimTime::parse(&start)?;
            let policy = WorkspacePolicy {
                stale_export: if refuse_stale_exports {
                    StaleExportPolicy::Refuse
                } else {
                    StaleExportPolicy::Warn
                },
            };
            let ws = Workspace::new(
                start,
                Persona {
                    name,
                    ..Persona::default()
                },
            )
            .with_policy(policy);
            simdesk_store::save_world(&ws, &world)?;
            outln!("created {}", world.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Apply { world, ops, actor } => {
            let mut ws = simdesk_store::load_world(&world)?;
            let reader: Box<dyn Read> = if ops.as_os_str() == "-" {
                Box::new(std::io::stdin())
            } else {
                Box::new(
                    std::fs::File::open(&ops)
                        .with_context(|| format!("cannot open {}", ops.display()))?,
                )
            };
            let (mut applied, mut refused) = (0usize, 0usize);
            for next in simdesk_store::OpStream::new(reader) {
                let (n, op) = next.context("nothing was saved")?;
                let out = ws.apply_as(&actor, op);
                let status = if out.is_applied() {
                    applied += 1;
                    "applied"
                } else {
                    refused += 1;
                    "REFUSED"
                };
                outln!(
                    "#{} line {n}: {status} (revision {})",
                    out.seq,
                    out.revision
                );
                for d in &out.diagnostics {
                    outln!("    {d}");
                    for h in &d.hints {
                        outln!("      hint: {h}");
                    }
                }
            }
            simdesk_store::save_world(&ws, &world)?;
            outln!(
                "{applied} applied, {refused} refused; saved {}",
                world.display()
            );
            Ok(if refused > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Solve(a) => run_cmd::run_solve(&a),
        Command::Run(a) => run_cmd::run_run(&a),
        Command::Ls { world, path } => {
            let ws = simdesk_store::load_world(&world)?;
            match path {
                None => out!("{}", ws.tree_text()),
                Some(p) => {
                    let p = vpath(&p)?;
                    if !ws.is_folder(&p) {
                        bail!("{p} is not a folder in {}", world.display());
                    }
                    for e in ws.list(&p) {
                        match e.kind {
                            None => outln!("{}/", e.path),
                            Some(k) => outln!("{}  ({k}, rev {})", e.path, e.rev),
                        }
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Cat { world, path } => {
            let ws = simdesk_store::load_world(&world)?;
            let p = vpath(&path)?;
            let text = ws.view(&p).with_context(|| format!("no artifact at {p}"))?;
            out!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Stale { world, json } => {
            let ws = simdesk_store::load_world(&world)?;
            let stale = ws.stale();
            if json {
                outln!("{}", serde_json::to_string_pretty(&stale)?);
            } else if stale.is_empty() {
                outln!("nothing is stale");
            } else {
                for s in &stale {
                    outln!("{}", s.path);
                    for c in &s.causes {
                        outln!("  {}", c.message);
                    }
                }
            }
            Ok(if stale.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Log { world, json } => {
            let ws = simdesk_store::load_world(&world)?;
            if json {
                out!("{}", ws.trajectory_jsonl()?);
            } else {
                for e in ws.trajectory() {
                    outln!(
                        "#{} {} {} {} {:?} rev {}",
                        e.seq,
                        e.time,
                        e.actor,
                        e.op.name(),
                        e.outcome,
                        e.revision
                    );
                    for d in &e.diagnostics {
                        outln!("    {d}");
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Replay {
            world,
            trajectory,
            out,
        } => {
            let mut ws = simdesk_store::load_world(&world)?;
            let text = simdesk_store::read_text(&trajectory, simdesk_store::MAX_INPUT_BYTES)?;
            let events = simdesk_engine::parse_jsonl(&text)?;
            ws.replay(&events)?;
            simdesk_store::save_world(&ws, &out)?;
            outln!(
                "replayed {} events; state {}",
                events.len(),
                ws.state_hash()?
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Whether an error is stdout closed by its reader.
fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        // The reader has all it wanted (`| head`): end quietly, as a
        // pipeline expects.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            errln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
