//! Scoring: each goal of each objective recorded in a world, judged by
//! the one evaluator ([`crate::goals`]) with evidence; each objective's
//! score in [0, 1] after its late policy and privacy; the collateral
//! findings (everything the agent changed that no goal or reference
//! asked for, with a severity); and one reward in [0, 1].
//!
//! **The start of the agent's work** is the state after world generation:
//! the trajectory up to (not including) the first event by the agent
//! ([`DEFAULT_ACTOR`](simdesk_engine::DEFAULT_ACTOR)); generator, setup, import and collaborator events
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
//! **Collateral** are the artifacts the agent's own ops targeted (created,
//! wrote, edited, moved, deleted, exported to, sent) whose content differs
//! from the start, minus what was asked: the artifacts and cells some goal
//! names or some objective's reference touches (for a fresh export, also
//! everything upstream of its source, which may need a refresh first; for
//! a pattern, every file it matches; for a recipient, every email sent to
//! it). Inside an asked workbook, the cells the agent set that nothing
//! asked for are collateral too. Artifacts that changed only through live
//! propagation (a memo whose field follows an edited cell) are not: they
//! follow what was asked. Severities: a new file is `info`; an edited or
//! deleted file nobody depends on is `warning`; changed or deleted client
//! material (covered by a confidentiality rule), a deleted file others
//! depend on, an email whose date is not the time it was sent, and every
//! privacy violation (material sent to an address not entitled to it) are
//! `error`.
//!
//! **The reward** (documented in the README):
//!
//! ```text
//! score(o) = met(o) * credit(o.late, done(o) - o.due) * private(o)
//! reward   = clamp(mean over objectives of score(o)
//!                  - 0.25 * errors - 0.05 * warnings, 0, 1)
//! ```
//!
//! `met` is 1 when every goal is met, `done` the time of the latest event
//! that shows a goal met, `credit` the late policy's credit (1 on time),
//! `private` 0 when the material the objective's confidentiality rules
//! cover was sent to someone not entitled to it, and
//! `errors`/`warnings` count the collateral findings of that severity.
//! A world with no objectives has nothing to earn: reward 0.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use simdesk_engine::Workspace;
use simdesk_model::{
    Artifact, CellAddr, CellInput, Goal, Objective, Op, Severity, SimTime, VPath, path_matches,
};

use crate::deliver::{is_office, provenance, rules};
use crate::goals::{Judge, violations};
use crate::history::History;

/// Reward lost per error-level collateral finding.
pub const ERROR_PENALTY: f64 = 0.25;
/// Reward lost per warning-level collateral finding.
pub const WARNING_PENALTY: f64 = 0.05;

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
    #[serde(rename = "met")]
    pub passed: bool,
    /// What the goal wants, in words.
    pub expected: String,
    /// What the world holds, in words.
    pub actual: String,
    /// The events that show it (the agent's last edit of what the goal
    /// names, the email that delivered it …), in order.
    pub evidence: Vec<u64>,
    /// When the work it checks was done: the time of the last evidence
    /// event (`None` when the agent did nothing towards it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<SimTime>,
    /// For deliverables judged by content: the text similarity, in [0, 1],
    /// between the file and an export of its source.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similarity: Option<f64>,
}

/// The result of one objective.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ObjectiveScore {
    /// Objective id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// All goals met.
    pub met: bool,
    /// The objective's score in [0, 1]: met, times the late policy's
    /// credit, times 0 after a privacy violation.
    pub score: f64,
    /// The due date.
    pub due: SimTime,
    /// When the work was done (the latest goal's `at`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done: Option<SimTime>,
    /// Seconds after the due date it was done (0 when on time).
    pub late_secs: i64,
    /// Its material went to someone not entitled to it.
    pub privacy_violation: bool,
    /// Each goal's result, in the objective's order.
    pub goals: Vec<GoalResult>,
}

/// One collateral finding: something the agent changed that nothing asked
/// for, or a privacy violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollateralChange {
    /// The artifact's path.
    pub path: VPath,
    /// `created`, `modified`, `deleted`, `cells` (cells of an asked
    /// workbook), `misdated-email`, `privacy-violation` (or `changed`
    /// when the start was judged by revisions).
    pub change: &'static str,
    /// How bad it is.
    pub severity: Severity,
    /// What exactly, in words.
    pub detail: String,
    /// The agent's events involved.
    pub events: Vec<u64>,
}

/// Collateral findings and how the start was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collateral {
    /// How the start state was established.
    pub method: StartMethod,
    /// Events before the agent's first (the world as given).
    pub start_events: usize,
    /// The event at which replaying the trajectory stopped matching the
    /// recorded outcomes, if it did (emails sent after it are judged on
    /// the current state).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diverged_at: Option<u64>,
    /// The findings, in path order (privacy violations after the changes).
    pub changes: Vec<CollateralChange>,
}

impl Collateral {
    /// Findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.changes
            .iter()
            .filter(|c| c.severity == severity)
            .count()
    }
}

/// The score of a world.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScoreReport {
    /// The reward in [0, 1] (see the module docs for the formula).
    pub reward: f64,
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
    score_with(ws, &History::new(ws), objective)
}

/// Scores like [`score`], replaying only the events after `earlier`, a
/// fork of `ws` taken before the agent's first event (a session's world as
/// it started): what a session does to judge a deliverable mid-month
/// without replaying how the world was generated. Any other `earlier`
/// gives exactly [`score`].
pub fn score_since(ws: &Workspace, earlier: &Workspace, objective: Option<&str>) -> ScoreReport {
    score_with(ws, &History::since(ws, earlier), objective)
}

/// Scores like [`score_since`] from `timeline`'s start, first catching
/// the timeline up with `ws`: the same report, but each event since the
/// start is replayed once over all the calls that share the timeline
/// (what a session does to judge goals after every step).
pub fn score_timeline(
    ws: &Workspace,
    timeline: &mut crate::Timeline,
    objective: Option<&str>,
) -> ScoreReport {
    timeline.catch_up(ws);
    score_with(ws, &History::from_timeline(ws, timeline), objective)
}

fn score_with(ws: &Workspace, hist: &History<'_>, objective: Option<&str>) -> ScoreReport {
    let judge = Judge {
        ws,
        hist,
        rules: rules(ws),
    };
    // Privacy first: a violation zeroes the objectives it concerns.
    let mut privacy = Vec::new();
    for s in &hist.sent {
        for v in violations(&judge, s) {
            privacy.push((s.event.seq, v));
        }
    }
    let objectives: Vec<ObjectiveScore> = ws
        .objectives()
        .filter(|o| objective.is_none_or(|id| o.id == id))
        .map(|o| {
            let mut goals: Vec<GoalResult> = o.goals.iter().map(|g| judge.judge(g)).collect();
            as_sent(&judge, &mut goals);
            sent_after_the_work(&judge, o, &mut goals);
            let violated = privacy.iter().any(|(_, v)| o.confidential.contains(v.rule));
            objective_score(o, goals, violated)
        })
        .collect();
    let goals_total = objectives.iter().map(|o| o.goals.len()).sum();
    let goals_passed = objectives
        .iter()
        .flat_map(|o| &o.goals)
        .filter(|g| g.passed)
        .count();
    let mut collateral = collateral(ws, hist);
    for (seq, v) in privacy {
        collateral.changes.push(CollateralChange {
            path: v.attachment,
            change: "privacy-violation",
            severity: Severity::Error,
            detail: format!("sent to {}: {}", v.recipient, v.message),
            events: vec![seq],
        });
    }
    let mean = if objectives.is_empty() {
        0.0
    } else {
        objectives.iter().map(|o| o.score).sum::<f64>() / objectives.len() as f64
    };
    let reward = (mean
        - ERROR_PENALTY * collateral.count(Severity::Error) as f64
        - WARNING_PENALTY * collateral.count(Severity::Warning) as f64)
        .clamp(0.0, 1.0);
    ScoreReport {
        reward,
        collateral,
        objectives,
        goals_passed,
        goals_total,
    }
}

/// A deliverable that went out is judged as it was when it went out: a
/// file fresh and clean when the email carrying it was sent does not fail
/// because later work (another objective's) changed its source. The
/// delivery is the objective's met `delivered_to` goal; its evidence ends
/// with the send.
fn as_sent(judge: &Judge<'_, '_>, goals: &mut [GoalResult]) {
    let Some(seq) = goals
        .iter()
        .find(|g| g.passed && matches!(g.goal, Goal::DeliveredTo { .. }))
        .and_then(|g| g.evidence.last().copied())
    else {
        return;
    };
    let Some(then) = judge.hist.after_send(seq) else {
        return;
    };
    let at_send = Judge {
        ws: then,
        hist: judge.hist,
        rules: judge.rules.clone(),
    };
    // Only when the work it reports was done when it went out: a file
    // sent before the figures it should show were changed is judged now.
    let work_done = goals
        .iter()
        .filter(|g| {
            matches!(
                g.goal,
                Goal::CellEquals { .. } | Goal::RefreshedFrom { .. } | Goal::FormulaKept { .. }
            )
        })
        .all(|g| at_send.judge(&g.goal).passed);
    if !work_done {
        return;
    }
    for g in goals.iter_mut().filter(|g| {
        !g.passed
            && matches!(
                g.goal,
                Goal::Deliverable { .. } | Goal::CleanDeliverable { .. }
            )
    }) {
        let r = at_send.judge(&g.goal);
        if r.passed {
            *g = r;
        }
    }
}

/// A delivery counts only when the imports its objective asks to refresh
/// were refreshed when it went out: an email sent before the work it
/// reports was done does not deliver that work (its numbers may agree with
/// the old data, which is the mistake).
fn sent_after_the_work(judge: &Judge<'_, '_>, o: &Objective, goals: &mut [GoalResult]) {
    let refreshes: Vec<&Goal> = o
        .goals
        .iter()
        .filter(|g| matches!(g, Goal::RefreshedFrom { .. }))
        .collect();
    if refreshes.is_empty() {
        return;
    }
    for r in goals
        .iter_mut()
        .filter(|r| r.passed && matches!(r.goal, Goal::EmailSent { .. } | Goal::DeliveredTo { .. }))
    {
        let Some(&seq) = r.evidence.last() else {
            continue;
        };
        let Some(then) = judge.hist.after_send(seq) else {
            continue;
        };
        let at_send = Judge {
            ws: then,
            hist: judge.hist,
            rules: judge.rules.clone(),
        };
        if let Some(not_yet) = refreshes
            .iter()
            .map(|g| at_send.judge(g))
            .find(|g| !g.passed)
        {
            r.passed = false;
            r.actual = format!(
                "#{seq} went out before the work it reports was done: then {}",
                not_yet.actual
            );
        }
    }
}

fn objective_score(o: &Objective, goals: Vec<GoalResult>, violated: bool) -> ObjectiveScore {
    let met = goals.iter().all(|g| g.passed);
    let done = goals.iter().filter_map(|g| g.at).max();
    let late_secs = done.map_or(0, |d| (d.secs() - o.due.secs()).max(0));
    let score = if met && !violated {
        o.late.credit(late_secs)
    } else {
        0.0
    };
    ObjectiveScore {
        id: o.id.clone(),
        title: o.title.clone(),
        met,
        score,
        due: o.due,
        done,
        late_secs,
        privacy_violation: violated,
        goals,
    }
}

/// The cells an op sets, with what it puts there: every edit of a
/// `set_cells`, every non-null input of a `set_range`; nothing for other ops.
pub(crate) fn cell_inputs(op: &Op) -> Vec<(&VPath, &str, CellAddr, &CellInput)> {
    match op {
        Op::SetCells { path, sheet, cells } => cells
            .iter()
            .map(|c| (path, sheet.as_str(), c.cell, &c.input))
            .collect(),
        Op::SetRange {
            path,
            sheet,
            start,
            rows,
        } => rows
            .iter()
            .enumerate()
            .flat_map(|(r, row)| {
                row.iter().enumerate().filter_map(move |(c, input)| {
                    let cell = CellAddr::new(start.row + r as u32, start.col + c as u32);
                    input.as_ref().map(|i| (path, sheet.as_str(), cell, i))
                })
            })
            .collect(),
        _ => Vec::new(),
    }
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

/// What the objectives ask for: paths, cells (`path` → cells), file
/// patterns and recipients.
#[derive(Default)]
struct Asked {
    paths: BTreeSet<VPath>,
    cells: BTreeMap<VPath, BTreeSet<(String, CellAddr)>>,
    patterns: Vec<String>,
    recipients: Vec<String>,
    /// Paths a reference deletes or moves away (asking to change a file is
    /// not asking to delete it).
    removed: BTreeSet<VPath>,
}

impl Asked {
    fn new(ws: &Workspace) -> Asked {
        let mut a = Asked::default();
        for o in ws.objectives() {
            for g in &o.goals {
                a.goal(ws, g);
            }
            for op in &o.reference {
                a.paths.extend(op_targets(op).into_iter().cloned());
                for (path, sheet, cell, _) in cell_inputs(op) {
                    a.cells
                        .entry(path.clone())
                        .or_default()
                        .insert((sheet.to_owned(), cell));
                }
                match op {
                    Op::Delete { path, .. } | Op::Move { from: path, .. } => {
                        a.removed.insert(path.clone());
                    }
                    Op::SendEmail { email, .. } => a
                        .recipients
                        .extend(email.to.iter().chain(&email.cc).map(|m| m.address.clone())),
                    _ => {}
                }
            }
        }
        a
    }

    fn upstream(&mut self, ws: &Workspace, source: &VPath) {
        // A fresh export may need anything upstream refreshed.
        self.paths.extend(provenance(ws, source));
    }

    fn cell(&mut self, r: &simdesk_model::Ref) {
        if let (Some(p), simdesk_model::RefTarget::Cell { sheet, cell }) = (&r.path, &r.target) {
            self.paths.insert(p.clone());
            self.cells
                .entry(p.clone())
                .or_default()
                .insert((sheet.clone(), *cell));
        } else {
            self.paths.extend(r.path.clone());
        }
    }

    fn goal(&mut self, ws: &Workspace, g: &Goal) {
        match g {
            Goal::CellEquals { cell, .. } | Goal::FormulaKept { cell, .. } => self.cell(cell),
            Goal::Exists { path, .. } | Goal::Contains { path, .. } => {
                self.paths.insert(path.clone());
            }
            Goal::RefreshedFrom { path, source } => {
                self.paths.insert(path.clone());
                self.upstream(ws, source);
            }
            Goal::ExportedFresh { path, source } => {
                self.paths.insert(path.clone());
                self.upstream(ws, source);
            }
            Goal::Deliverable {
                pattern, source, ..
            } => {
                self.patterns.push(pattern.clone());
                self.upstream(ws, source);
            }
            Goal::CleanDeliverable { pattern } => self.patterns.push(pattern.clone()),
            Goal::EmailSent { to, .. } | Goal::DeliveredTo { to, .. } => {
                self.recipients.push(to.clone())
            }
        }
    }

    fn covers(&self, path: &VPath) -> bool {
        self.paths.contains(path) || self.patterns.iter().any(|p| path_matches(p, path))
    }
}

fn collateral(ws: &Workspace, hist: &History<'_>) -> Collateral {
    let mut touched: BTreeMap<VPath, Vec<u64>> = BTreeMap::new();
    let mut set_cells: BTreeMap<VPath, BTreeSet<(String, CellAddr)>> = BTreeMap::new();
    for e in hist.agent_events() {
        for p in op_targets(&e.op) {
            touched.entry(p.clone()).or_default().push(e.seq);
        }
        for (path, sheet, cell, _) in cell_inputs(&e.op) {
            set_cells
                .entry(path.clone())
                .or_default()
                .insert((sheet.to_owned(), cell));
        }
    }
    let asked = Asked::new(ws);
    let rules = rules(ws);
    let material = |p: &VPath| rules.iter().any(|r| r.covers(p));
    let sent_to_asked: BTreeSet<&VPath> = hist
        .sent
        .iter()
        .filter(|s| asked.recipients.iter().any(|r| s.goes_to(r)))
        .map(|s| s.path)
        .collect();
    let start = hist.start.as_ref();
    let start_rev = hist.start_revision();
    let mut changes = Vec::new();
    for (path, seqs) in touched {
        let finding = |change, severity, detail: String| CollateralChange {
            path: path.clone(),
            change,
            severity,
            detail,
            events: seqs.clone(),
        };
        if sent_to_asked.contains(&path) {
            continue;
        }
        let removed =
            start.is_some_and(|s| s.artifact(&path).is_some() && ws.artifact(&path).is_none());
        // Asking to change a file is not asking to delete it.
        let unasked_removal = removed && !asked.removed.contains(&path);
        if asked.covers(&path) && !unasked_removal {
            // Cells of an asked workbook that nothing asked for.
            if let (Some(start), Some(mine)) = (start, set_cells.get(&path)) {
                let want = asked.cells.get(&path);
                let odd: Vec<String> = mine
                    .iter()
                    .filter(|c| want.is_none_or(|w| !w.contains(c)))
                    .filter(|(sheet, cell)| {
                        start.cell(&path, sheet, *cell) != ws.cell(&path, sheet, *cell)
                    })
                    .map(|(sheet, cell)| format!("{sheet}!{cell}"))
                    .collect();
                if !odd.is_empty() {
                    let sev = if material(&path) {
                        Severity::Error
                    } else {
                        Severity::Warning
                    };
                    changes.push(finding(
                        "cells",
                        sev,
                        format!("changed cells no goal asked for: {}", odd.join(", ")),
                    ));
                }
            }
            continue;
        }
        let Some(start) = start else {
            if ws.revision_of(&path).is_none_or(|r| r > start_rev) {
                changes.push(finding(
                    "changed",
                    Severity::Warning,
                    "changed since the start (judged by revisions)".into(),
                ));
            }
            continue;
        };
        match (start.artifact(&path), ws.artifact(&path)) {
            (None, Some(a)) => {
                let what = if matches!(a, Artifact::Email(_)) {
                    "a sent email no goal asked for"
                } else {
                    "a new file no goal asked for"
                };
                changes.push(finding("created", Severity::Info, what.into()));
            }
            (Some(_), None) => {
                // Who depended on it: at the start, or when it went (their
                // references now dangle).
                let mut dependents: BTreeSet<VPath> = start
                    .edges()
                    .into_iter()
                    .filter(|e| e.source == path)
                    .map(|e| e.dependent)
                    .collect();
                dependents.extend(
                    ws.dangling()
                        .into_iter()
                        .filter(|(_, missing)| *missing == path)
                        .map(|(d, _)| d),
                );
                // What the engine said when it went.
                for e in hist.events.iter().filter(|e| seqs.contains(&e.seq)) {
                    dependents.extend(
                        e.diagnostics
                            .iter()
                            .filter(|d| d.code == simdesk_model::Code::BrokenReference)
                            .filter_map(|d| d.refs.first()?.path.clone()),
                    );
                }
                let dependents = dependents.len();
                let what = if material(&path) {
                    "client material"
                } else {
                    "a file"
                };
                let (sev, detail) = if dependents > 0 {
                    (
                        Severity::Error,
                        format!("deleted {what} that {dependents} artifact(s) depended on"),
                    )
                } else if material(&path) {
                    (Severity::Error, "deleted client material".to_owned())
                } else {
                    (
                        Severity::Warning,
                        "deleted a file nothing depends on".into(),
                    )
                };
                changes.push(finding("deleted", sev, detail));
            }
            (Some(a), Some(b)) if a != b => {
                let (sev, detail) = if material(&path) {
                    (
                        Severity::Error,
                        "changed client material no goal asked to change",
                    )
                } else if is_office(b) {
                    (Severity::Warning, "edited an unrelated file")
                } else {
                    (Severity::Warning, "changed a file no goal asked about")
                };
                changes.push(finding("modified", sev, detail.into()));
            }
            _ => {}
        }
    }
    for s in &hist.sent {
        if let Some(d) = s.misdated() {
            changes.push(CollateralChange {
                path: s.path.clone(),
                change: "misdated-email",
                severity: Severity::Error,
                detail: format!("dated {d} but sent at {}", s.event.time),
                events: vec![s.event.seq],
            });
        }
    }
    Collateral {
        method: if start.is_some() {
            StartMethod::Replay
        } else {
            StartMethod::Revisions
        },
        start_events: hist.first_agent,
        diverged_at: hist.diverged_at,
        changes,
    }
}
