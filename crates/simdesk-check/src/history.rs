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

use imbl::OrdMap;
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
        Self::replay_from(ws, empty, None)
    }

    /// Like [`History::new`], replaying only what happened after
    /// `earlier`: a fork of `ws` from before the agent's first event (its
    /// trajectory a prefix of `ws`'s). Anything else replays from nothing.
    pub fn since(ws: &'a Workspace, earlier: &Workspace) -> History<'a> {
        let first_agent = ws
            .trajectory()
            .position(|e| e.actor == DEFAULT_ACTOR)
            .unwrap_or(ws.trajectory_len());
        if earlier.trajectory_len() <= first_agent && goes_on_from(ws, earlier) {
            Self::replay_from(ws, earlier.fork(), None)
        } else {
            Self::new(ws)
        }
    }

    /// Like [`History::since`] from the timeline's start, taking the states
    /// the timeline already holds instead of replaying their events.
    /// `timeline` must have caught up with `ws` ([`Timeline::catch_up`]);
    /// events it lacks are replayed as usual.
    pub fn from_timeline(ws: &'a Workspace, timeline: &Timeline) -> History<'a> {
        if timeline.follows(ws) {
            Self::replay_from(ws, timeline.start.fork(), Some(&timeline.states))
        } else {
            Self::since(ws, &timeline.start)
        }
    }

    /// Replays the events of `ws`'s trajectory after `cur`'s onto `cur`;
    /// an event with a state in `known` (the world right after it) takes
    /// that state instead of being replayed.
    fn replay_from(
        ws: &'a Workspace,
        mut cur: Workspace,
        known: Option<&OrdMap<u64, Workspace>>,
    ) -> History<'a> {
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
            if let Some(state) = known.and_then(|k| k.get(&e.seq)) {
                cur = state.fork();
            } else if cur.replay(std::iter::once(*e)).is_err() {
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

/// Whether `ws`'s trajectory goes on from `earlier`'s: at least as long,
/// with the same last event of `earlier` at the same place.
fn goes_on_from(ws: &Workspace, earlier: &Workspace) -> bool {
    let n = earlier.trajectory_len();
    let key = |e: &Event| (e.seq, e.revision, e.time);
    n <= ws.trajectory_len()
        && (n == 0 || earlier.trajectory().last().map(key) == ws.trajectory().nth(n - 1).map(key))
}

/// A world's history from a start (a session's world as it began), kept
/// as the world goes on: each new event is replayed once, and the state
/// right after it is kept (a fork: O(1), sharing structure). Scoring with
/// a timeline ([`crate::score_timeline`]) then takes those states instead
/// of replaying everything since the start again, so judging goals after
/// every step of a month costs each event's replay once, not once per
/// judgement. Cloning is O(1).
#[derive(Clone)]
pub struct Timeline {
    /// The world as it started.
    start: Workspace,
    /// The start with every event caught up so far replayed on it.
    cur: Workspace,
    /// The state right after each event caught up, by seq.
    states: OrdMap<u64, Workspace>,
    /// The first event whose replay did not match what was recorded;
    /// nothing after it is kept.
    diverged_at: Option<u64>,
}

impl std::fmt::Debug for Timeline {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timeline")
            .field("start_events", &self.start.trajectory_len())
            .field("events", &self.cur.trajectory_len())
            .field("diverged_at", &self.diverged_at)
            .finish()
    }
}

impl Timeline {
    /// A timeline starting at `start` (a fork is kept).
    pub fn new(start: &Workspace) -> Timeline {
        Timeline {
            start: start.fork(),
            cur: start.fork(),
            states: OrdMap::new(),
            diverged_at: None,
        }
    }

    /// Whether `ws`'s trajectory goes on from what the timeline has seen
    /// (same events at the same places).
    fn follows(&self, ws: &Workspace) -> bool {
        goes_on_from(ws, &self.cur)
    }

    /// Replays the events of `ws` the timeline has not seen yet, keeping
    /// the state after each. When `ws` does not go on from this timeline
    /// (another world), the timeline starts over from its start.
    pub fn catch_up(&mut self, ws: &Workspace) {
        if !self.follows(ws) {
            *self = Timeline::new(&self.start);
            if !self.follows(ws) {
                return;
            }
        }
        if self.diverged_at.is_some() {
            return;
        }
        let skip = self.cur.trajectory_len();
        for e in ws.trajectory().skip(skip) {
            if self.cur.replay(std::iter::once(e)).is_err() {
                self.diverged_at = Some(e.seq);
                return;
            }
            self.states.insert(e.seq, self.cur.fork());
        }
    }
}
