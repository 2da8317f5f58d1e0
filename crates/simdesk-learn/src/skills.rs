//! Skills: the mistakes [`simdesk_check::mine`] finds in many runs,
//! grouped by kind and context (template, artifact kind, objective shape),
//! ranked by how often they happened and how much reward they cost, each
//! with a short imperative lesson taken from the mistake's own text,
//! evidence (runs and event numbers) and a counterexample: a run on the
//! same template that never made that kind of mistake.
//!
//! Reward lost: each (run, objective) pair a group's mistakes touched
//! counts once, with what that objective fell short of full marks (the
//! run's reward when the mistake names no objective).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use schemars::JsonSchema;
use serde::Serialize;
use simdesk_check::{Mistake, mine};
use simdesk_engine::DEFAULT_ACTOR;
use simdesk_model::{OutcomeKind, VPath};

use crate::context::{artifact_kind, objective_of, shape};
use crate::{LearnError, LearnRun, ordered};

/// Most evidence entries kept per skill.
pub const MAX_EVIDENCE: usize = 20;

/// Most events named by a counterexample.
const MAX_COUNTER_EVENTS: usize = 5;

/// Where a kind of mistake happens.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, JsonSchema)]
pub struct SkillContext {
    /// The template of the computers (`-` when unknown).
    pub template: String,
    /// The kind of the first artifact involved (`workbook`, `email` …), or
    /// its extension, or `-`.
    pub artifact_kind: String,
    /// The goal kinds of the objective it concerns, sorted and joined by
    /// `+`, or `-`.
    pub objective_shape: String,
}

/// A run and the events that show something.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Evidence {
    /// The run's id.
    pub run: String,
    /// Event sequence numbers in the run's world trajectory.
    pub events: Vec<u64>,
    /// What happened there (the mistake's explanation, or for a
    /// counterexample what the run did instead).
    pub text: String,
}

/// One lesson.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Skill {
    /// Position, from 1.
    pub rank: usize,
    /// The mistake kind (`exported-before-update` …).
    pub kind: String,
    /// Where it happens.
    pub context: SkillContext,
    /// What to do, in the imperative.
    pub lesson: String,
    /// How many times it happened.
    pub occurrences: usize,
    /// In how many runs.
    pub runs: usize,
    /// Reward it cost (see the module docs).
    pub reward_lost: f64,
    /// Where it happened (at most [`MAX_EVIDENCE`]), in run order.
    pub evidence: Vec<Evidence>,
    /// A run on the same template that never made this kind of mistake,
    /// the best-scored one, with its events on the same files.
    pub counterexample: Option<Evidence>,
}

/// The skills of a batch of runs.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct SkillReport {
    /// Runs read.
    pub runs: usize,
    /// The agent's mistakes found in them.
    pub mistakes: usize,
    /// Ranked: most occurrences first, then most reward lost, then kind
    /// and context.
    pub skills: Vec<Skill>,
}

#[derive(Default)]
struct Group {
    occurrences: usize,
    runs: BTreeSet<String>,
    lost: BTreeMap<(String, Option<String>), f64>,
    lessons: BTreeMap<String, usize>,
    evidence: Vec<Evidence>,
    paths: Vec<VPath>,
}

/// Mines every run (ordered by id) and ranks what the agent got wrong.
pub fn skills(runs: &[LearnRun]) -> Result<SkillReport, LearnError> {
    let runs = ordered(runs)?;
    let mined: Vec<Vec<Mistake>> = runs
        .iter()
        .map(|r| {
            mine(&r.world)
                .mistakes
                .into_iter()
                .filter(|m| m.actor == DEFAULT_ACTOR)
                .collect()
        })
        .collect();
    let mut groups: BTreeMap<(String, SkillContext), Group> = BTreeMap::new();
    let mut total = 0;
    for (r, found) in runs.iter().zip(&mined) {
        for m in found {
            total += 1;
            let objective = objective_of(&r.world, &m.paths, &m.explanation);
            let ctx = SkillContext {
                template: r.template.clone().unwrap_or_else(|| "-".to_owned()),
                artifact_kind: artifact_kind(&r.world, &m.paths),
                objective_shape: objective.map_or_else(|| "-".to_owned(), shape),
            };
            let g = groups.entry((m.kind.as_str().to_owned(), ctx)).or_default();
            g.occurrences += 1;
            g.runs.insert(r.id.clone());
            let lost = match objective.and_then(|o| r.objective(&o.id)) {
                Some(o) => 1.0 - o.score,
                None => 1.0 - r.reward,
            };
            g.lost
                .insert((r.id.clone(), objective.map(|o| o.id.clone())), lost);
            *g.lessons.entry(lesson(&m.explanation)).or_default() += 1;
            if g.paths.is_empty() {
                g.paths = m.paths.clone();
            }
            if g.evidence.len() < MAX_EVIDENCE {
                g.evidence.push(Evidence {
                    run: r.id.clone(),
                    events: m.events.clone(),
                    text: m.explanation.clone(),
                });
            }
        }
    }
    let mut skills: Vec<Skill> = groups
        .into_iter()
        .map(|((kind, context), g)| {
            let counterexample = counterexample(&runs, &mined, &kind, &context, &g.paths);
            let lesson = g
                .lessons
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(l, _)| l.clone())
                .unwrap_or_default();
            Skill {
                rank: 0,
                kind,
                context,
                lesson,
                occurrences: g.occurrences,
                runs: g.runs.len(),
                reward_lost: g.lost.values().sum(),
                evidence: g.evidence,
                counterexample,
            }
        })
        .collect();
    skills.sort_by(|a, b| {
        b.occurrences
            .cmp(&a.occurrences)
            .then(b.reward_lost.total_cmp(&a.reward_lost))
            .then_with(|| (&a.kind, &a.context).cmp(&(&b.kind, &b.context)))
    });
    for (i, s) in skills.iter_mut().enumerate() {
        s.rank = i + 1;
    }
    Ok(SkillReport {
        runs: runs.len(),
        mistakes: total,
        skills,
    })
}

/// The imperative advice a mistake's explanation ends with (after its
/// last `; `), with a capital letter and no final period.
fn lesson(explanation: &str) -> String {
    let advice = explanation
        .rsplit_once("; ")
        .map_or(explanation, |(_, a)| a)
        .trim()
        .trim_end_matches('.');
    let mut c = advice.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The best-scored run on the same template without any mistake of
/// `kind`, and its agent events on `paths` (the same files, on a computer
/// of the same seed) or, failing that, its last agent events.
fn counterexample(
    runs: &[&LearnRun],
    mined: &[Vec<Mistake>],
    kind: &str,
    ctx: &SkillContext,
    paths: &[VPath],
) -> Option<Evidence> {
    let best = runs
        .iter()
        .zip(mined)
        .filter(|(r, found)| {
            r.template.as_deref().unwrap_or("-") == ctx.template
                && !found.iter().any(|m| m.kind.as_str() == kind)
                && !r.steps.is_empty()
        })
        .map(|(r, _)| *r)
        .fold(None::<&LearnRun>, |best, r| match best {
            Some(b) if b.reward >= r.reward => Some(b),
            _ => Some(r),
        })?;
    let agent: Vec<_> = best
        .world
        .trajectory()
        .filter(|e| e.actor == DEFAULT_ACTOR && e.outcome == OutcomeKind::Applied)
        .collect();
    let on_paths: Vec<u64> = agent
        .iter()
        .filter(|e| {
            serde_json::to_value(&e.op)
                .map(|v| names_any(&v, paths))
                .unwrap_or(false)
        })
        .map(|e| e.seq)
        .take(MAX_COUNTER_EVENTS)
        .collect();
    let (events, text) = if on_paths.is_empty() {
        let tail: Vec<u64> = agent
            .iter()
            .rev()
            .take(MAX_COUNTER_EVENTS)
            .map(|e| e.seq)
            .collect();
        let mut tail = tail;
        tail.reverse();
        (
            tail,
            format!(
                "made no {kind} mistake and scored {:.2}; its last actions",
                best.reward
            ),
        )
    } else {
        (
            on_paths,
            format!(
                "made no {kind} mistake and scored {:.2}; its actions on the same files",
                best.reward
            ),
        )
    };
    Some(Evidence {
        run: best.id.clone(),
        events,
        text,
    })
}

/// Whether a JSON value holds a string naming one of `paths` (or a ref
/// into one).
fn names_any(v: &serde_json::Value, paths: &[VPath]) -> bool {
    match v {
        serde_json::Value::String(s) if s.starts_with('/') => {
            let p = s.split('#').next().unwrap_or(s);
            paths.iter().any(|x| x.as_str() == p)
        }
        serde_json::Value::Array(a) => a.iter().any(|x| names_any(x, paths)),
        serde_json::Value::Object(o) => o.values().any(|x| names_any(x, paths)),
        _ => false,
    }
}

/// The report as markdown, for a prompt.
pub fn skills_markdown(report: &SkillReport) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Skills from {} run(s)\n\n{} mistake(s) by the agent.",
        report.runs, report.mistakes
    );
    for s in &report.skills {
        let c = &s.context;
        let _ = write!(
            out,
            "\n{}. **{}.**\n   `{}` · template {} · {} · objective {} — {} time(s) in {} run(s), reward lost {:.2}\n",
            s.rank,
            s.lesson,
            s.kind,
            c.template,
            c.artifact_kind,
            c.objective_shape,
            s.occurrences,
            s.runs,
            s.reward_lost
        );
        for e in &s.evidence {
            let _ = writeln!(out, "   - {} {}: {}", e.run, events(&e.events), e.text);
        }
        if let Some(e) = &s.counterexample {
            let _ = writeln!(
                out,
                "   - done right: {} {}: {}",
                e.run,
                events(&e.events),
                e.text
            );
        }
    }
    out
}

fn events(seqs: &[u64]) -> String {
    seqs.iter()
        .map(|s| format!("#{s}"))
        .collect::<Vec<_>>()
        .join(" ")
}
