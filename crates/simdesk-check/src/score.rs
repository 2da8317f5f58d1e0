//! Scoring: each goal of each objective recorded in a world, judged against
//! the current state with evidence, plus the collateral changes the agent
//! made that no goal asked for.
//!
//! **The start of the agent's work** is the state after world generation:
//! the trajectory up to (not including) the first event by the agent
//! ([`DEFAULT_ACTOR`]); generator, setup, import and collaborator events
//! before it are part of the world the agent was given. The start state is
//! rebuilt exactly by replaying that prefix on an empty world with the
//! same start time, persona and policy ([`StartMethod::Replay`]; forks and
//! persistent collections make this cheap, and it costs what generation
//! cost). If the recorded prefix does not replay to the same outcomes, the
//! revision numbers decide instead ([`StartMethod::Revisions`]): an
//! artifact whose last real content change is after the start revision
//! changed, which is exact for changes but cannot tell "created" from
//! "modified".
//!
//! Collateral changes are artifacts the agent's own ops targeted (created,
//! wrote, edited, moved, deleted, exported to, sent) whose content differs
//! from the start, minus the artifacts some goal of any objective names
//! (for a fresh export, also everything upstream of its source, which may
//! need a refresh first).
//! Artifacts that changed only through live propagation (a memo whose
//! field follows an edited cell) are not collateral: they follow what was
//! asked.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use simdesk_engine::{DEFAULT_ACTOR, EdgeKind, Workspace};
use simdesk_model::{
    Artifact, CellValue, Code, Event, Goal, Objective, Op, OutcomeKind, RefTarget, VPath,
};

/// How the start state was established.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StartMethod {
    /// The events before the agent's first were replayed on an empty world.
    Replay,
    /// Replaying diverged; revision numbers were compared instead.
    Revisions,
}

/// The result of one goal.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoalResult {
    /// The goal as recorded.
    pub goal: Goal,
    /// Met or not.
    pub passed: bool,
    /// What the goal wants, in words.
    pub expected: String,
    /// What the world holds, in words.
    pub actual: String,
}

/// The result of one objective: met when every goal is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveScore {
    /// Objective id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// All goals met.
    pub met: bool,
    /// Each goal's result, in the objective's order.
    pub goals: Vec<GoalResult>,
}

/// One artifact changed by the agent that no goal asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollateralChange {
    /// The artifact's path.
    pub path: VPath,
    /// `created`, `modified`, `deleted` (or `changed` when the start was
    /// judged by revisions).
    pub change: &'static str,
    /// The agent's events that targeted it.
    pub events: Vec<u64>,
}

/// Collateral changes and how the start was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collateral {
    /// How the start state was established.
    pub method: StartMethod,
    /// Events before the agent's first (the world as given).
    pub start_events: usize,
    /// The changes, in path order.
    pub changes: Vec<CollateralChange>,
}

/// The score of a world.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreReport {
    /// Objectives scored, in the order recorded.
    pub objectives: Vec<ObjectiveScore>,
    /// Goals met, over all objectives scored.
    pub goals_passed: usize,
    /// Goals scored.
    pub goals_total: usize,
    /// What else the agent changed.
    pub collateral: Collateral,
}

/// Scores the objectives recorded in `ws` (only `objective` when given; an
/// unknown id gives an empty list).
pub fn score(ws: &Workspace, objective: Option<&str>) -> ScoreReport {
    let objectives: Vec<ObjectiveScore> = ws
        .objectives()
        .filter(|o| objective.is_none_or(|id| o.id == id))
        .map(|o| score_objective(ws, o))
        .collect();
    let goals_total = objectives.iter().map(|o| o.goals.len()).sum();
    let goals_passed = objectives
        .iter()
        .flat_map(|o| &o.goals)
        .filter(|g| g.passed)
        .count();
    ScoreReport {
        collateral: collateral(ws),
        objectives,
        goals_passed,
        goals_total,
    }
}

fn score_objective(ws: &Workspace, o: &Objective) -> ObjectiveScore {
    let goals: Vec<GoalResult> = o.goals.iter().map(|g| judge(ws, g)).collect();
    ObjectiveScore {
        id: o.id.clone(),
        title: o.title.clone(),
        met: goals.iter().all(|g| g.passed),
        goals,
    }
}

fn shown(v: &CellValue) -> String {
    match v {
        CellValue::Text(t) => format!("{t:?}"),
        CellValue::Empty => "empty".to_owned(),
        v => v.to_plain(),
    }
}

fn result(goal: &Goal, passed: bool, expected: String, actual: String) -> GoalResult {
    GoalResult {
        goal: goal.clone(),
        passed,
        expected,
        actual,
    }
}

fn judge(ws: &Workspace, g: &Goal) -> GoalResult {
    match g {
        Goal::CellEquals {
            cell,
            expected,
            tolerance,
        } => {
            let want = if *tolerance > 0.0 {
                format!("{cell} = {} ± {tolerance}", shown(expected))
            } else {
                format!("{cell} = {}", shown(expected))
            };
            let (Some(path), RefTarget::Cell { sheet, cell: addr }) = (&cell.path, &cell.target)
            else {
                return result(g, false, want, "the goal does not name one cell".into());
            };
            let actual = match ws.artifact(path) {
                None => return result(g, false, want, format!("no artifact at {path}")),
                Some(Artifact::Workbook(w)) => match w.sheet(sheet) {
                    None => return result(g, false, want, format!("no sheet {sheet:?} in {path}")),
                    Some(s) => s.value(*addr).clone(),
                },
                Some(a) => return result(g, false, want, format!("{path} is a {}", a.kind())),
            };
            let passed = match (actual.as_number(), expected.as_number()) {
                (Some(a), Some(e)) => (a - e).abs() <= tolerance + 1e-9 * e.abs().max(1.0),
                _ => &actual == expected,
            };
            result(g, passed, want, format!("{cell} = {}", shown(&actual)))
        }
        Goal::Exists { path, kind } => {
            let want = match kind {
                Some(k) => format!("a {k} at {path}"),
                None => format!("something at {path}"),
            };
            match ws.artifact(path) {
                None => result(g, false, want, format!("nothing at {path}")),
                Some(a) => result(
                    g,
                    kind.is_none_or(|k| a.kind() == k),
                    want,
                    format!("a {} at {path}", a.kind()),
                ),
            }
        }
        Goal::ExportedFresh { path, source } => {
            let want = format!("{path} exported from {source} and not stale");
            if ws.artifact(path).is_none() {
                return result(g, false, want, format!("nothing at {path}"));
            }
            let from = ws
                .edges_into(path)
                .into_iter()
                .find(|e| e.kind == EdgeKind::Export);
            match from {
                None => result(
                    g,
                    false,
                    want,
                    format!("{path} was not exported (written by hand)"),
                ),
                Some(e) if &e.source != source => result(
                    g,
                    false,
                    want,
                    format!("{path} was exported from {}, not {source}", e.source),
                ),
                Some(_) => match ws.staleness(path) {
                    Some(s) => result(
                        g,
                        false,
                        want,
                        format!(
                            "{path} is stale: {}",
                            s.causes
                                .iter()
                                .map(|c| c.message.as_str())
                                .collect::<Vec<_>>()
                                .join("; ")
                        ),
                    ),
                    None => result(
                        g,
                        true,
                        want,
                        format!("{path} exported from {source}, fresh"),
                    ),
                },
            }
        }
        Goal::EmailSent {
            to,
            subject_contains,
            attachment,
        } => email_sent(ws, g, to, subject_contains.as_deref(), attachment.as_ref()),
        Goal::Contains { path, needle } => {
            let want = format!("{path} shows {needle:?}");
            match ws.artifact(path) {
                None => result(g, false, want, format!("nothing at {path}")),
                Some(a) => {
                    let text = simdesk_engine::plain_text(a);
                    if text.contains(needle.as_str()) {
                        result(g, true, want, format!("{path} shows {needle:?}"))
                    } else {
                        let excerpt: String = text.chars().take(160).collect();
                        result(
                            g,
                            false,
                            want,
                            format!("{path} does not show it; it begins {excerpt:?}"),
                        )
                    }
                }
            }
        }
        Goal::FormulaKept { .. }
        | Goal::RefreshedFrom { .. }
        | Goal::CleanDeliverable { .. }
        | Goal::Deliverable { .. }
        | Goal::DeliveredTo { .. } => result(
            g,
            false,
            format!("{g:?}"),
            "this goal kind is not judged yet: never met".into(),
        ),
    }
}

/// Applied send-email events sent by the persona or the agent.
fn sent_emails(ws: &Workspace) -> impl Iterator<Item = (&Event, &VPath, &simdesk_model::Email)> {
    let me = ws.persona().email.to_lowercase();
    ws.trajectory()
        .filter_map(move |e| match (&e.op, e.outcome) {
            (Op::SendEmail { path, email }, OutcomeKind::Applied)
                if e.actor == DEFAULT_ACTOR
                    || (!me.is_empty() && email.from.address.to_lowercase() == me) =>
            {
                Some((e, path, email))
            }
            _ => None,
        })
}

fn email_sent(
    ws: &Workspace,
    g: &Goal,
    to: &str,
    subject: Option<&str>,
    attachment: Option<&VPath>,
) -> GoalResult {
    let mut want = format!("an email sent to {to}");
    if let Some(s) = subject {
        want.push_str(&format!(" with {s:?} in the subject"));
    }
    if let Some(a) = attachment {
        want.push_str(&format!(" attaching {a}, fresh when sent"));
    }
    let mut near = Vec::new();
    for (ev, path, m) in sent_emails(ws) {
        if !m
            .to
            .iter()
            .chain(&m.cc)
            .any(|t| t.address.eq_ignore_ascii_case(to))
        {
            continue;
        }
        if let Some(s) = subject
            && !m.subject.to_lowercase().contains(&s.to_lowercase())
        {
            near.push(format!("#{} {path} has subject {:?}", ev.seq, m.subject));
            continue;
        }
        if let Some(a) = attachment {
            if !m.attachments.contains(a) {
                near.push(format!("#{} {path} does not attach {a}", ev.seq));
                continue;
            }
            let stale = ev.diagnostics.iter().find(|d| {
                d.code == Code::StaleAttachment
                    && d.refs.first().and_then(|r| r.path.as_ref()) == Some(a)
            });
            if let Some(d) = stale {
                near.push(format!(
                    "#{} {path} attached {a} while it was stale ({})",
                    ev.seq, d.message
                ));
                continue;
            }
        }
        return result(
            g,
            true,
            want,
            format!(
                "#{} {path} sent to {to}, subject {:?}{}",
                ev.seq,
                m.subject,
                attachment.map_or(String::new(), |a| format!(", with {a} fresh"))
            ),
        );
    }
    let actual = if near.is_empty() {
        format!("no email was sent to {to}")
    } else {
        near.join("; ")
    };
    result(g, false, want, actual)
}

/// Paths an op targets (what it creates, changes, moves or removes).
pub(crate) fn op_targets(op: &Op) -> Vec<&VPath> {
    match op {
        Op::Create { path, .. }
        | Op::Write { path, .. }
        | Op::Delete { path, .. }
        | Op::SetCells { path, .. }
        | Op::SetRange { path, .. }
        | Op::EditDocument { path, .. }
        | Op::EditSlides { path, .. }
        | Op::Refresh { path }
        | Op::SendEmail { path, .. } => vec![path],
        Op::Move { from, to } => vec![from, to],
        Op::Copy { to, .. } => vec![to],
        Op::Export { target, .. } => vec![target],
        Op::Link { dependent, .. } => dependent.path.iter().collect(),
        Op::Unlink { dependent, .. } => vec![dependent],
        Op::Mkdir { .. } | Op::AdvanceClock { .. } | Op::AddObjective { .. } => Vec::new(),
    }
}

/// Paths some goal of any objective names (emails: those sent to a goal's
/// recipient; fresh exports: their source and everything upstream of it).
fn asked(ws: &Workspace) -> BTreeSet<VPath> {
    let mut out = BTreeSet::new();
    for o in ws.objectives() {
        for g in &o.goals {
            match g {
                Goal::CellEquals { cell, .. } | Goal::FormulaKept { cell, .. } => {
                    out.extend(cell.path.clone())
                }
                Goal::CleanDeliverable { .. }
                | Goal::Deliverable { .. }
                | Goal::DeliveredTo { .. } => {}
                Goal::Exists { path, .. }
                | Goal::Contains { path, .. }
                | Goal::RefreshedFrom { path, .. } => {
                    out.insert(path.clone());
                }
                Goal::ExportedFresh { path, source } => {
                    // A fresh export may need anything upstream refreshed.
                    out.insert(path.clone());
                    let mut todo = vec![source.clone()];
                    while let Some(p) = todo.pop() {
                        if out.insert(p.clone()) {
                            todo.extend(ws.edges_into(&p).into_iter().map(|e| e.source));
                        }
                    }
                }
                Goal::EmailSent { to, .. } => {
                    for (_, path, m) in sent_emails(ws) {
                        if m.to
                            .iter()
                            .chain(&m.cc)
                            .any(|t| t.address.eq_ignore_ascii_case(to))
                        {
                            out.insert(path.clone());
                        }
                    }
                }
            }
        }
    }
    out
}

fn collateral(ws: &Workspace) -> Collateral {
    let events: Vec<&Event> = ws.trajectory().collect();
    let first = events
        .iter()
        .position(|e| e.actor == DEFAULT_ACTOR)
        .unwrap_or(events.len());
    let mut touched: BTreeMap<VPath, Vec<u64>> = BTreeMap::new();
    for e in &events[first..] {
        if e.actor != DEFAULT_ACTOR || e.outcome != OutcomeKind::Applied {
            continue;
        }
        for p in op_targets(&e.op) {
            touched.entry(p.clone()).or_default().push(e.seq);
        }
    }
    let asked = asked(ws);
    let mut start = Workspace::new(ws.start(), ws.persona().clone()).with_policy(ws.policy());
    let replayed = start.replay(events[..first].iter().copied()).is_ok();
    let start_rev = first.checked_sub(1).map_or(0, |i| events[i].revision);
    let mut changes = Vec::new();
    for (path, seqs) in touched {
        if asked.contains(&path) {
            continue;
        }
        let change = if replayed {
            match (start.artifact(&path), ws.artifact(&path)) {
                (None, Some(_)) => Some("created"),
                (Some(_), None) => Some("deleted"),
                (Some(a), Some(b)) if a != b => Some("modified"),
                _ => None,
            }
        } else {
            match ws.revision_of(&path) {
                Some(r) if r > start_rev => Some("changed"),
                Some(_) => None,
                None => Some("deleted"),
            }
        };
        if let Some(change) = change {
            changes.push(CollateralChange {
                path,
                change,
                events: seqs,
            });
        }
    }
    Collateral {
        method: if replayed {
            StartMethod::Replay
        } else {
            StartMethod::Revisions
        },
        start_events: first,
        changes,
    }
}
