//! The world as it was: one replay of the recorded trajectory on an empty
//! world, keeping the state before the agent's first event (the start of
//! its work) and the state right after each email the agent sent (what a
//! recipient received is judged as it was then, not as it is now).
//!
//! Forks are O(1), so keeping these states costs little beyond the replay
//! itself, which costs what building the world cost. If the replay stops
//! matching the recorded outcomes, the states from there on are unknown
//! and callers fall back to the current state (and say so).

use std::collections::BTreeMap;

use simdesk_engine::{DEFAULT_ACTOR, Workspace};
use simdesk_model::{Email, Event, Op, OutcomeKind, SimTime, VPath};

/// One email the agent (or the persona) sent.
pub(crate) struct Sent<'a> {
    /// The send event.
    pub event: &'a Event,
    /// Where the message is stored.
    pub path: &'a VPath,
    /// The message as the op gave it.
    pub email: &'a Email,
}

impl Sent<'_> {
    /// The date the message claims when it differs from the time it was
    /// sent (an unset date, the Unix epoch, means "now").
    pub fn misdated(&self) -> Option<SimTime> {
        let d = self.email.date;
        (d != SimTime(0) && d != self.event.time).then_some(d)
    }

    /// Every recipient address (to and cc), in order.
    pub fn recipients(&self) -> impl Iterator<Item = &str> {
        self.email
            .to
            .iter()
            .chain(&self.email.cc)
            .map(|m| m.address.as_str())
    }

    /// Whether `to` is among the recipients.
    pub fn goes_to(&self, to: &str) -> bool {
        self.recipients().any(|a| a.eq_ignore_ascii_case(to))
    }
}

/// The states a score needs besides the current one.
pub(crate) struct History<'a> {
    /// Index of the agent's first event in the trajectory (its length when
    /// the agent did nothing).
    pub first_agent: usize,
    /// The state before the agent's first event, when the replay got there.
    pub start: Option<Workspace>,
    /// State right after each send event the replay reached, by seq.
    after_send: BTreeMap<u64, Workspace>,
    /// State right after each of the agent's applied events the replay
    /// reached, by seq (forks: shared structure, O(1) each).
    after_agent: BTreeMap<u64, Workspace>,
    /// Emails the agent or persona sent after the start, in order.
    pub sent: Vec<Sent<'a>>,
    /// Every event, in order.
    pub events: Vec<&'a Event>,
    /// The seq at which the replay diverged, if it did.
    pub diverged_at: Option<u64>,
}

impl<'a> History<'a> {
    /// Replays `ws`'s trajectory once, from an empty world.
    pub fn new(ws: &'a Workspace) -> History<'a> {
        let empty = Workspace::new(ws.start(), ws.persona().clone()).with_policy(ws.policy());
        Self::replay_from(ws, empty)
    }

    /// Like [`History::new`], replaying only what happened after
    /// `earlier`: a fork of `ws` from before the agent's first event (its
    /// trajectory a prefix of `ws`'s). Anything else replays from nothing.
    pub fn since(ws: &'a Workspace, earlier: &Workspace) -> History<'a> {
        let n = earlier.trajectory_len();
        let first_agent = ws
            .trajectory()
            .position(|e| e.actor == DEFAULT_ACTOR)
            .unwrap_or(ws.trajectory_len());
        let prefix = n <= first_agent
            && n <= ws.trajectory_len()
            && (n == 0
                || earlier
                    .trajectory()
                    .last()
                    .map(|e| (e.seq, e.revision, e.time))
                    == ws
                        .trajectory()
                        .nth(n - 1)
                        .map(|e| (e.seq, e.revision, e.time)));
        if prefix {
            Self::replay_from(ws, earlier.fork())
        } else {
            Self::new(ws)
        }
    }

    /// Replays the events of `ws`'s trajectory after `cur`'s onto `cur`.
    fn replay_from(ws: &'a Workspace, mut cur: Workspace) -> History<'a> {
        let skip = cur.trajectory_len();
        let events: Vec<&Event> = ws.trajectory().collect();
        let first_agent = events
            .iter()
            .position(|e| e.actor == DEFAULT_ACTOR)
            .unwrap_or(events.len());
        let me = ws.persona().email.to_lowercase();
        let sent: Vec<Sent<'a>> = events[first_agent..]
            .iter()
            .filter_map(|e| match (&e.op, e.outcome) {
                (Op::SendEmail { path, email }, OutcomeKind::Applied)
                    if e.actor == DEFAULT_ACTOR
                        || (!me.is_empty() && email.from.address.to_lowercase() == me) =>
                {
                    Some(Sent {
                        event: e,
                        path,
                        email,
                    })
                }
                _ => None,
            })
            .collect();
        let mut start = None;
        let mut after_send = BTreeMap::new();
        let mut after_agent = BTreeMap::new();
        let mut diverged_at = None;
        let last_agent = events
            .iter()
            .rev()
            .find(|e| e.actor == DEFAULT_ACTOR)
            .map_or(0, |e| e.seq);
        let last_send = sent.last().map_or(0, |s| s.event.seq).max(last_agent);
        for (i, e) in events.iter().enumerate().skip(skip) {
            if i == first_agent {
                start = Some(cur.fork());
            }
            if i > first_agent && e.seq > last_send {
                break;
            }
            if cur.replay(std::iter::once(*e)).is_err() {
                diverged_at = Some(e.seq);
                break;
            }
            if sent.iter().any(|s| s.event.seq == e.seq) {
                after_send.insert(e.seq, cur.fork());
            }
            if i >= first_agent && e.actor == DEFAULT_ACTOR && e.outcome == OutcomeKind::Applied {
                after_agent.insert(e.seq, cur.fork());
            }
        }
        if diverged_at.is_none() && first_agent == events.len() {
            start = Some(cur);
        }
        History {
            first_agent,
            start,
            after_send,
            after_agent,
            sent,
            events,
            diverged_at,
        }
    }

    /// The world right after send event `seq`, when the replay reached it.
    pub fn after_send(&self, seq: u64) -> Option<&Workspace> {
        self.after_send.get(&seq)
    }

    /// The world right after the agent's applied event `seq`, when the
    /// replay reached it.
    pub fn after_agent(&self, seq: u64) -> Option<&Workspace> {
        self.after_agent.get(&seq)
    }

    /// The agent's applied events after the start, in order.
    pub fn agent_events(&self) -> impl Iterator<Item = &'a Event> + '_ {
        self.events[self.first_agent..]
            .iter()
            .copied()
            .filter(|e| e.actor == DEFAULT_ACTOR && e.outcome == OutcomeKind::Applied)
    }

    /// The revision of the world as the agent found it.
    pub fn start_revision(&self) -> u64 {
        self.first_agent
            .checked_sub(1)
            .map_or(0, |i| self.events[i].revision)
    }
}
