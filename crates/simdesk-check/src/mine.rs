//! Mining a trajectory for mistakes in the order of events: the training
//! signal of "what went wrong, where, and why".
//!
//! The trajectory is replayed on an empty world (the first events create
//! everything), so each event can be judged against the state just before
//! it: which edges the touched artifact had, which export a refresh
//! re-made. What the engine said at the time (the event's diagnostics) is
//! read as recorded. If the replay diverges from the recorded outcomes,
//! judging by state stops there and [`MineReport::diverged_at`] says where;
//! the checks that need only the recorded diagnostics go on.

use std::collections::BTreeMap;

use serde::Serialize;
use simdesk_engine::{DEFAULT_ACTOR, EdgeKind, Workspace};
use simdesk_model::{Actor, Code, Event, Goal, Op, OutcomeKind, Policy, SimTime, VPath};

/// The kinds of mistakes found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MistakeKind {
    /// An export made from a stale source, or made and then made again
    /// after the source changed: the source was updated too late.
    ExportedBeforeUpdate,
    /// An email sent with an attachment that was stale then.
    SentStaleAttachment,
    /// A whole-file write over an artifact others hold snapshots of
    /// (exported, copied or already sent), instead of a new version.
    OverwroteSource,
    /// An edit of an exported file (the next export overwrites it), or of
    /// a copy that was then refreshed from its original (the edit is lost).
    EditedDerived,
    /// The same op refused twice or more in a row.
    RepeatedFailure,
    /// A delete of a file others depend on.
    DeletedDependency,
    /// A constant typed over a cell that was computed by a formula.
    OverwroteComputedCell,
    /// An email carrying someone's material to an address not entitled
    /// to it (the confidentiality rules of the world's objectives).
    WrongRecipient,
    /// An objective's delivery sent after its due date, or not sent by
    /// then while the agent worked past it.
    MissedDueDate,
    /// A collaborator answered a delivery, the objective is still not met
    /// at the end, and nothing was sent to them again: the correction was
    /// ignored.
    IgnoredCorrection,
    /// An objective's source never reached the computer, the objective
    /// is not met, and the agent never wrote to anyone without a
    /// deliverable (a question): it asked nobody for what was missing.
    AskedNobody,
}

impl MistakeKind {
    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            MistakeKind::ExportedBeforeUpdate => "exported-before-update",
            MistakeKind::SentStaleAttachment => "sent-stale-attachment",
            MistakeKind::OverwroteSource => "overwrote-source",
            MistakeKind::EditedDerived => "edited-derived",
            MistakeKind::RepeatedFailure => "repeated-failure",
            MistakeKind::DeletedDependency => "deleted-dependency",
            MistakeKind::OverwroteComputedCell => "overwrote-computed-cell",
            MistakeKind::WrongRecipient => "wrong-recipient",
            MistakeKind::MissedDueDate => "missed-due-date",
            MistakeKind::IgnoredCorrection => "ignored-correction",
            MistakeKind::AskedNobody => "asked-nobody",
        }
    }
}

/// One mistake: what, at which events, by whom, and why it is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mistake {
    /// What kind.
    pub kind: MistakeKind,
    /// Event sequence numbers involved, in order; the last is where the
    /// mistake became certain.
    pub events: Vec<u64>,
    /// Who made it.
    pub actor: Actor,
    /// One paragraph: what happened and what to do instead.
    pub explanation: String,
    /// The artifacts involved.
    pub paths: Vec<VPath>,
}

/// What [`mine`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MineReport {
    /// Events read.
    pub events: usize,
    /// The event at which the replay stopped matching the recorded
    /// outcomes, if it did.
    pub diverged_at: Option<u64>,
    /// Mistakes, ordered by their first event.
    pub mistakes: Vec<Mistake>,
}

/// Mines a world's own trajectory, replaying it from an empty world with
/// the same start, persona and policy.
pub fn mine(ws: &Workspace) -> MineReport {
    let events: Vec<Event> = ws.trajectory().cloned().collect();
    let base = Workspace::new(ws.start(), ws.persona().clone()).with_policy(ws.policy());
    mine_events(&events, base)
}

/// Mines a trajectory by replaying it on `base` (usually an empty world
/// starting at the first event's time).
pub fn mine_events(events: &[Event], base: Workspace) -> MineReport {
    let mut m = Miner {
        cur: base,
        ok: true,
        diverged_at: None,
        last_change: BTreeMap::new(),
        exports: BTreeMap::new(),
        copy_edits: BTreeMap::new(),
        refused: BTreeMap::new(),
        sends: Vec::new(),
        mail: Vec::new(),
        replies: Vec::new(),
        out: Vec::new(),
    };
    for e in events {
        m.event(e);
    }
    m.due_dates(events);
    if m.ok {
        crate::mine_end::end_of_run(&mut m, events);
    }
    let pending: Vec<Actor> = m.refused.keys().cloned().collect();
    for actor in pending {
        m.flush_refused(&actor);
    }
    let mut mistakes = m.out;
    mistakes.sort_by(|a, b| (a.events.first(), a.kind).cmp(&(b.events.first(), b.kind)));
    MineReport {
        events: events.len(),
        diverged_at: m.diverged_at,
        mistakes,
    }
}

pub(crate) struct Miner {
    pub(crate) cur: Workspace,
    pub(crate) ok: bool,
    diverged_at: Option<u64>,
    /// Path → the last event that changed its content.
    pub(crate) last_change: BTreeMap<VPath, u64>,
    /// Export target → (source, event, actor) of its last export.
    exports: BTreeMap<VPath, (VPath, u64, Actor)>,
    /// Copy → events that edited it since it was made or refreshed.
    copy_edits: BTreeMap<VPath, Vec<u64>>,
    /// Actor → the op refused last and the events that refused it.
    refused: BTreeMap<Actor, (Op, Vec<u64>, String)>,
    /// The agent's applied sends: event and recipients (lowercase).
    sends: Vec<(u64, SimTime, Vec<String>)>,
    /// Every email the agent sent.
    pub(crate) mail: Vec<Sent>,
    /// Others' emails that answer one: (event, sender lowercase, the
    /// message id answered, the email's path).
    pub(crate) replies: Vec<(u64, String, String, VPath)>,
    pub(crate) out: Vec<Mistake>,
}

/// An email the agent sent, as the end-of-run checks read it.
pub(crate) struct Sent {
    /// The event.
    pub seq: u64,
    /// Its message id.
    pub message_id: String,
    /// Recipients, lowercase.
    pub to: Vec<String>,
    /// Attachments.
    pub attachments: Vec<VPath>,
    /// No attachment, or a `?` in the subject: a message, not a delivery.
    pub question: bool,
}

fn is_edit(op: &Op) -> Option<&VPath> {
    match op {
        Op::Write { path, .. }
        | Op::SetCells { path, .. }
        | Op::SetRange { path, .. }
        | Op::EditDocument { path, .. }
        | Op::EditSlides { path, .. } => Some(path),
        _ => None,
    }
}

impl Miner {
    pub(crate) fn push(
        &mut self,
        kind: MistakeKind,
        events: Vec<u64>,
        e: &Event,
        explanation: String,
        paths: Vec<VPath>,
    ) {
        let mut paths_dedup: Vec<VPath> = Vec::new();
        for p in paths {
            if !paths_dedup.contains(&p) {
                paths_dedup.push(p);
            }
        }
        self.out.push(Mistake {
            kind,
            events,
            actor: e.actor.clone(),
            explanation,
            paths: paths_dedup,
        });
    }

    fn event(&mut self, e: &Event) {
        let before = self.cur.fork();
        if self.ok {
            let out = self.cur.apply_as(&e.actor, e.op.clone());
            if out.kind != e.outcome {
                self.ok = false;
                self.diverged_at = Some(e.seq);
            } else if out.is_applied() {
                let mut changed: Vec<VPath> = crate::score::op_targets(&e.op)
                    .into_iter()
                    .cloned()
                    .collect();
                changed.extend(out.recomputed.iter().cloned());
                for p in changed {
                    if self.cur.revision_of(&p) == Some(out.revision) {
                        self.last_change.insert(p, e.seq);
                    }
                }
            }
        }
        if e.outcome == OutcomeKind::Rejected {
            let entry = self.refused.get(&e.actor);
            if entry.is_some_and(|(op, _, _)| *op != e.op) {
                self.flush_refused(&e.actor);
            }
            // The first refusal's reason explains the run.
            let reason = e
                .diagnostics
                .first()
                .map(|d| d.message.clone())
                .unwrap_or_default();
            self.refused
                .entry(e.actor.clone())
                .or_insert_with(|| (e.op.clone(), Vec::new(), reason))
                .1
                .push(e.seq);
            return;
        }
        self.flush_refused(&e.actor);
        let state = self.ok.then_some(&before);
        match &e.op {
            Op::Export { source, target, .. } => self.export(e, state, source, target),
            Op::Refresh { path } => {
                if let Some(ws) = state {
                    for edge in ws.edges_into(path) {
                        match edge.kind {
                            EdgeKind::Export => self.export(e, state, &edge.source, path),
                            EdgeKind::Copy => {
                                if let Some(edits) = self.copy_edits.remove(path)
                                    && !edits.is_empty()
                                {
                                    let mut events = edits.clone();
                                    events.push(e.seq);
                                    self.push(
                                        MistakeKind::EditedDerived,
                                        events,
                                        e,
                                        format!(
                                            "edited {path}, a copy of {}, at {}, then refreshed it from {} at #{}, which threw the edits away; edit the original, or copy it to a new name and edit that",
                                            edge.source,
                                            seq_list(&edits),
                                            edge.source,
                                            e.seq
                                        ),
                                        vec![path.clone(), edge.source.clone()],
                                    );
                                }
                            }
                            _ => {}
                        }
                    }
                }
            }
            Op::SendEmail { path, email } => {
                for d in e
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == Code::StaleAttachment)
                {
                    let att = d.refs.first().and_then(|r| r.path.clone());
                    let mut paths = vec![path.clone()];
                    paths.extend(d.refs.iter().filter_map(|r| r.path.clone()));
                    let mut events = match &att {
                        Some(a) => self.causes(state, a, d, e.seq),
                        None => Vec::new(),
                    };
                    events.push(e.seq);
                    self.push(
                        MistakeKind::SentStaleAttachment,
                        events,
                        e,
                        format!(
                            "sent {path} ({:?}) with an attachment that was stale: {}; refresh it first, then send",
                            email.subject, d.message
                        ),
                        paths,
                    );
                }
            }
            Op::Delete { path, .. } => {
                let broken: Vec<_> = e
                    .diagnostics
                    .iter()
                    .filter(|d| d.code == Code::BrokenReference)
                    .collect();
                if !broken.is_empty() {
                    let mut paths = vec![path.clone()];
                    paths.extend(broken.iter().filter_map(|d| d.refs.first()?.path.clone()));
                    let msgs: Vec<&str> =
                        broken.iter().take(3).map(|d| d.message.as_str()).collect();
                    let more = broken.len().saturating_sub(3);
                    self.push(
                        MistakeKind::DeletedDependency,
                        vec![e.seq],
                        e,
                        format!(
                            "deleted {path}, which {} other file(s) depend on: {}{}; move it to an archive or repoint the dependents first",
                            broken.len(),
                            msgs.join("; "),
                            if more > 0 { format!("; and {more} more") } else { String::new() }
                        ),
                        paths,
                    );
                }
            }
            _ => {}
        }
        if let Some(ws) = state {
            self.overwrote_formulas(e, ws);
        }
        if let Op::SendEmail { path, email } = &e.op {
            if e.actor == DEFAULT_ACTOR {
                let to = email
                    .to
                    .iter()
                    .chain(&email.cc)
                    .map(|m| m.address.to_lowercase())
                    .collect();
                self.mail.push(Sent {
                    seq: e.seq,
                    message_id: email.message_id.clone(),
                    to: email
                        .to
                        .iter()
                        .chain(&email.cc)
                        .map(|m| m.address.to_lowercase())
                        .collect(),
                    attachments: email.attachments.clone(),
                    question: email.attachments.is_empty() || email.subject.contains('?'),
                });
                self.sends.push((e.seq, e.time, to));
            } else if let Some(answered) = &email.in_reply_to {
                self.replies.push((
                    e.seq,
                    email.from.address.to_lowercase(),
                    answered.clone(),
                    path.clone(),
                ));
            }
            if self.ok {
                self.recipients(e, path, email);
            }
        }
        if let (Some(path), Some(ws)) = (is_edit(&e.op), state) {
            let into = ws.edges_into(path);
            if let Some(x) = into.iter().find(|x| x.kind == EdgeKind::Export) {
                self.push(
                    MistakeKind::EditedDerived,
                    vec![e.seq],
                    e,
                    format!(
                        "edited {path}, which is exported from {}: the next export overwrites the edit and {} never gets it; edit {} and export again",
                        x.source, x.source, x.source
                    ),
                    vec![path.clone(), x.source.clone()],
                );
            } else if into.iter().any(|x| x.kind == EdgeKind::Copy) {
                self.copy_edits.entry(path.clone()).or_default().push(e.seq);
            }
            if let Op::Write { .. } = e.op {
                let held: Vec<_> = ws
                    .edges()
                    .into_iter()
                    .filter(|x| &x.source == path && x.policy == Policy::Snapshot)
                    .collect();
                if !held.is_empty() {
                    let what: Vec<String> = held
                        .iter()
                        .map(|x| match x.kind {
                            EdgeKind::Attachment => format!("was sent in {}", x.dependent),
                            EdgeKind::Export => format!("was exported to {}", x.dependent),
                            _ => format!("was copied to {}", x.dependent),
                        })
                        .collect();
                    let mut paths = vec![path.clone()];
                    paths.extend(held.iter().map(|x| x.dependent.clone()));
                    self.push(
                        MistakeKind::OverwroteSource,
                        vec![e.seq],
                        e,
                        format!(
                            "wrote over {path}, which {}; save the new content as a new version (a new name) so what was shared stays what it was",
                            what.join(", ")
                        ),
                        paths,
                    );
                }
            }
        }
    }

    /// Constants typed over formula cells (the state is the one before).
    fn overwrote_formulas(&mut self, e: &Event, ws: &Workspace) {
        let mut hits: Vec<(VPath, String)> = Vec::new();
        for (path, sheet, cell, input) in crate::score::cell_inputs(&e.op) {
            if input.formula.is_none()
                && input.link.is_none()
                && input.value.is_some()
                && let Some(f) = ws.cell(path, sheet, cell).and_then(|c| c.formula.as_ref())
            {
                hits.push((path.clone(), format!("{sheet}!{cell} (={f})")));
            }
        }
        if let Some((path, _)) = hits.first() {
            let path = path.clone();
            let cells: Vec<&str> = hits.iter().map(|(_, c)| c.as_str()).collect();
            self.push(
                MistakeKind::OverwroteComputedCell,
                vec![e.seq],
                e,
                format!(
                    "overwrote a computed cell of {path}: typed a constant over {}; the number no longer follows its inputs — change the inputs and let the formula compute",
                    cells.join(", ")
                ),
                vec![path],
            );
        }
    }

    /// Someone's material sent to an address not entitled to it (judged
    /// on the state right after the send).
    fn recipients(&mut self, e: &Event, path: &VPath, email: &simdesk_model::Email) {
        let rules = crate::deliver::rules(&self.cur);
        if rules.is_empty() {
            return;
        }
        let me = self.cur.persona().email.clone();
        let mut found: Vec<(VPath, String, String)> = Vec::new();
        for a in &email.attachments {
            let made_from = crate::deliver::provenance(&self.cur, a);
            for rule in crate::deliver::owners(&rules, &made_from) {
                for to in email.to.iter().chain(&email.cc).map(|m| &m.address) {
                    if !to.eq_ignore_ascii_case(&me) && !rule.entitles(to) {
                        found.push((a.clone(), rule.owner.clone(), to.clone()));
                    }
                }
            }
        }
        for (a, owner, to) in found {
            self.push(
                MistakeKind::WrongRecipient,
                vec![e.seq],
                e,
                format!(
                    "sent {path} to {to} with {a}, which is {owner}'s material {to} is not entitled to: a privacy violation; check the recipients before sending"
                ),
                vec![path.clone(), a],
            );
        }
    }

    /// Deliveries after their objective's due date, or none by then while
    /// the agent worked past it.
    fn due_dates(&mut self, events: &[Event]) {
        let Some(last) = events.iter().rev().find(|e| e.actor == DEFAULT_ACTOR) else {
            return;
        };
        let objectives: Vec<simdesk_model::Objective> = self.cur.objectives().cloned().collect();
        for o in objectives {
            let to: Vec<String> = o
                .goals
                .iter()
                .filter_map(|g| match g {
                    Goal::EmailSent { to, .. } | Goal::DeliveredTo { to, .. } => {
                        Some(to.to_lowercase())
                    }
                    _ => None,
                })
                .collect();
            if to.is_empty() {
                continue;
            }
            let first = self
                .sends
                .iter()
                .find(|(_, _, rcpt)| rcpt.iter().any(|r| to.contains(r)));
            let (events, why) = match first {
                Some((seq, time, _)) if *time > o.due => (
                    vec![*seq],
                    format!(
                        "sent the delivery for {} ({:?}) at {time}, after its due date {}",
                        o.id, o.title, o.due
                    ),
                ),
                None if last.time > o.due => (
                    vec![last.seq],
                    format!(
                        "worked until {} without sending the delivery for {} ({:?}), due {}",
                        last.time, o.id, o.title, o.due
                    ),
                ),
                _ => continue,
            };
            let mistake = Mistake {
                kind: MistakeKind::MissedDueDate,
                events,
                actor: DEFAULT_ACTOR.to_owned(),
                explanation: format!("{why}; plan the work so it goes out before the due date"),
                paths: Vec::new(),
            };
            self.out.push(mistake);
        }
    }

    /// The events that last changed the sources behind `path`'s staleness
    /// (from the state before the event; else every path the diagnostic
    /// names).
    fn causes(
        &self,
        state: Option<&Workspace>,
        path: &VPath,
        d: &simdesk_model::Diagnostic,
        seq: u64,
    ) -> Vec<u64> {
        let paths: Vec<VPath> = match state.and_then(|ws| ws.staleness(path)) {
            Some(s) => s.causes.into_iter().map(|c| c.source).collect(),
            None => d.refs.iter().filter_map(|r| r.path.clone()).collect(),
        };
        let mut events: Vec<u64> = paths
            .iter()
            .filter_map(|p| self.last_change.get(p).copied())
            .filter(|c| *c < seq)
            .collect();
        events.sort_unstable();
        events.dedup();
        events
    }

    fn export(&mut self, e: &Event, state: Option<&Workspace>, source: &VPath, target: &VPath) {
        if let Some(d) = e.diagnostics.iter().find(|d| d.code == Code::StaleSource) {
            let mut events = self.causes(state, source, d, e.seq);
            events.push(e.seq);
            let mut paths = vec![source.clone(), target.clone()];
            paths.extend(d.refs.iter().filter_map(|r| r.path.clone()));
            self.push(
                MistakeKind::ExportedBeforeUpdate,
                events,
                e,
                format!(
                    "exported {source} to {target} before updating it: {}; {}",
                    d.message,
                    d.hints.join(", ")
                ),
                paths,
            );
        } else if let Some((prev_src, prev, actor)) = self.exports.get(target)
            && prev_src == source
            && *actor == e.actor
            && let Some(&c) = self.last_change.get(source)
            && *prev < c
            && c < e.seq
        {
            let prev = *prev;
            self.push(
                MistakeKind::ExportedBeforeUpdate,
                vec![prev, c, e.seq],
                e,
                format!(
                    "exported {source} to {target} at #{prev}, then changed {source} at #{c} and exported again at #{}: the first export was made before the source was final; update the source first, export once",
                    e.seq
                ),
                vec![source.clone(), target.clone()],
            );
        }
        self.exports
            .insert(target.clone(), (source.clone(), e.seq, e.actor.clone()));
        self.copy_edits.remove(target);
    }

    fn flush_refused(&mut self, actor: &Actor) {
        let Some((op, seqs, reason)) = self.refused.remove(actor) else {
            return;
        };
        if seqs.len() < 2 {
            return;
        }
        let paths = crate::score::op_targets(&op).into_iter().cloned().collect();
        self.out.push(Mistake {
            kind: MistakeKind::RepeatedFailure,
            explanation: format!(
                "the same {} was refused {} times in a row ({}): {reason}; read the refusal and change the op instead of retrying it",
                op.name(),
                seqs.len(),
                seq_list(&seqs)
            ),
            events: seqs,
            actor: actor.clone(),
            paths,
        });
    }
}

fn seq_list(seqs: &[u64]) -> String {
    seqs.iter()
        .map(|s| format!("#{s}"))
        .collect::<Vec<_>>()
        .join(", ")
}
