//! [`Session`]: a world with its scenario, collaborators' states and the
//! agent; tool calls in, [`ToolResult`]s out, every call recorded as a
//! [`Step`].
//!
//! Time: each call costs the scenario's simulated seconds; the world's
//! clock follows lazily (an `advance_clock` op by [`CLOCK_ACTOR`] just
//! before the next op that needs it), so a read changes nothing in the
//! world. Events due before the new time fire in order, each through
//! `Workspace::apply_as(<collaborator key>, …)`.

use std::collections::VecDeque;
use std::sync::Arc;

use imbl::{OrdMap, OrdSet, Vector};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use simdesk_engine::{Outcome, Workspace};
use simdesk_model::{Op, SimTime, VPath};

use crate::collab::{Pending, Responder};
use crate::error::{ScenarioError, ToolError};
use crate::limits::{ToolLimits, check_value};
use crate::scenario::Scenario;
use crate::tools::ToolCall;

/// The actor of the world's clock advances.
pub const CLOCK_ACTOR: &str = "clock";

/// The actor of the agent's ops (the engine's default actor).
pub const AGENT_ACTOR: &str = "agent";

/// What a tool call gave back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ToolResult {
    /// Text for the agent (on error: the message and a hint).
    pub text: String,
    /// The call was refused; nothing in the world changed because of it.
    #[serde(default)]
    pub is_error: bool,
    /// The error's stable code (`not_found`, `bad_args` …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Simulated time after the call.
    pub time: SimTime,
    /// Mail and files that arrived while the call's time passed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arrived: Vec<Arrival>,
    /// The session is finished.
    #[serde(default)]
    pub finished: bool,
}

/// Something that arrived during a call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Arrival {
    /// When.
    pub time: SimTime,
    /// The collaborator's key.
    pub from: String,
    /// Why it was sent: `request`, `file`, `answer`, `unknown`,
    /// `review_pass`, `review_fail`, `instruction`, `resolution`,
    /// `reminder`, `escalation`.
    pub rule: String,
    /// The email (or the file, for a file drop).
    pub path: VPath,
    /// The subject (empty for a file drop).
    #[serde(default)]
    pub subject: String,
    /// The email's text as the agent reads it (a responder's text when
    /// one wrote it), cut at 4000 characters; empty for a file drop.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
}

/// The most characters of an arrived email's text kept in an [`Arrival`]
/// (the email itself keeps all of it).
pub const MAX_ARRIVAL_BODY: usize = 4000;

/// `body` cut at [`MAX_ARRIVAL_BODY`] characters, marked when cut.
pub(crate) fn bounded_body(body: &str) -> String {
    match body.char_indices().nth(MAX_ARRIVAL_BODY) {
        Some((i, _)) => format!("{}\n[… cut at {MAX_ARRIVAL_BODY} characters]", &body[..i]),
        None => body.to_owned(),
    }
}

/// One recorded tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Step {
    /// Position, from 1.
    pub index: u64,
    /// The tool's name as called.
    pub tool: String,
    /// The arguments as given (`null` when they broke a limit).
    pub args: Value,
    /// Simulated time when the call started.
    pub started: SimTime,
    /// What the call gave back.
    pub result: ToolResult,
    /// What a [`Responder`] wrote during the call, in order (`null`: it
    /// kept the template's text). Replay uses these instead of asking it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<Option<String>>,
    /// How much the world's reward changed during the call, when the
    /// session tracks rewards ([`Session::track_rewards`]) and it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward_delta: Option<f64>,
}

/// The state of one assigned objective as collaborators see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ObjState {
    /// A reviewer accepted the deliverable.
    pub accepted: bool,
    /// Push-backs sent.
    pub pushbacks: u32,
}

/// Why a recorded session could not be replayed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ReplayError {
    /// The scenario does not fit the world.
    #[error("replay: {0}")]
    Scenario(#[from] ScenarioError),
    /// A step's reward changed differently than recorded.
    #[error("replay diverged at step {index}: reward delta {actual:?}, recorded {expected:?}")]
    RewardDiverged {
        /// The step.
        index: u64,
        /// What was recorded.
        expected: Option<f64>,
        /// What replay gave.
        actual: Option<f64>,
    },
    /// A step gave a different result than recorded.
    #[error("replay diverged at step {index} ({tool})")]
    Diverged {
        /// The step.
        index: u64,
        /// Its tool.
        tool: String,
        /// What was recorded.
        expected: Box<ToolResult>,
        /// What replay gave.
        actual: Box<ToolResult>,
    },
}

/// A world lived in by an agent: the world, the scenario, collaborators'
/// states, the queue of what will arrive, and the recorded steps.
///
/// Cloning ([`Session::fork`]) is O(1): every part is a persistent
/// collection or shared.
#[derive(Clone)]
pub struct Session {
    pub(crate) world: Workspace,
    /// The world as the session began (what [`Session::replay`] starts
    /// from; reviews judge goals by replaying only what happened since).
    /// Shares its state with `world` until they diverge.
    pub(crate) start: Workspace,
    pub(crate) scenario: Arc<Scenario>,
    pub(crate) now: SimTime,
    pub(crate) queue: OrdMap<(SimTime, u64), Pending>,
    pub(crate) counter: u64,
    pub(crate) objectives: OrdMap<String, ObjState>,
    /// Conflict instructions delivered: (conflict id, instruction index).
    pub(crate) instructions: OrdSet<(String, usize)>,
    pub(crate) steps: Vector<Step>,
    pub(crate) finished: bool,
    pub(crate) responder: Option<Arc<dyn Responder>>,
    /// Arrivals during the current call.
    pub(crate) arrived: Vec<Arrival>,
    /// Responder output during the current call.
    pub(crate) responses: Vec<Option<String>>,
    /// Recorded responder output to use instead of the responder (replay).
    pub(crate) recorded: Option<VecDeque<Option<String>>>,
    /// Rendered text views of files, by content revision.
    pub(crate) views: crate::views::Views,
    /// The world's reward after the last scored call, when rewards are
    /// tracked.
    pub(crate) reward: Option<f64>,
    /// The world's history since `start`, replayed once and extended as
    /// goals are judged (reviews and follow-ups judge after many steps).
    pub(crate) timeline: TimelineCell,
}

/// A session's [`simdesk_check::Timeline`], caught up while goals are
/// judged from `&self`. Each fork gets its own copy (O(1)).
pub(crate) struct TimelineCell(std::sync::Mutex<simdesk_check::Timeline>);

impl TimelineCell {
    fn new(start: &Workspace) -> TimelineCell {
        TimelineCell(std::sync::Mutex::new(simdesk_check::Timeline::new(start)))
    }

    /// The timeline, for one judgement.
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, simdesk_check::Timeline> {
        // A judgement that panicked left the timeline as consistent as any
        // (catching up only adds states): go on with it.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clone for TimelineCell {
    fn clone(&self) -> TimelineCell {
        TimelineCell(std::sync::Mutex::new(self.lock().clone()))
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("now", &self.now)
            .field("steps", &self.steps.len())
            .field("pending", &self.queue.len())
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

/// What a tool did before time is charged.
pub(crate) enum Done {
    /// A result text; the call costs its tool's time.
    Text(String),
    /// Let time pass until this moment.
    WaitUntil(SimTime),
    /// Let time pass until an email arrives, at most until this moment.
    WaitForEmail(SimTime),
    /// The session ends.
    Finish(String),
}

impl Session {
    /// A session over `world` (usually just generated) following
    /// `scenario`, which is checked against the world first.
    pub fn new(world: Workspace, scenario: Arc<Scenario>) -> Result<Session, ScenarioError> {
        scenario.validate(&world)?;
        let now = world.now();
        let timeline = TimelineCell::new(&world);
        let mut s = Session {
            start: world.clone(),
            world,
            scenario,
            now,
            queue: OrdMap::new(),
            counter: 0,
            objectives: OrdMap::new(),
            instructions: OrdSet::new(),
            steps: Vector::new(),
            finished: false,
            responder: None,
            arrived: Vec::new(),
            responses: Vec::new(),
            recorded: None,
            views: crate::views::Views::default(),
            reward: None,
            timeline,
        };
        s.schedule_scenario();
        Ok(s)
    }

    /// Lets a [`Responder`] write collaborators' messages from now on.
    pub fn set_responder(&mut self, responder: Option<Arc<dyn Responder>>) {
        self.responder = responder;
    }

    /// Scores the world after every call that changed it and records how
    /// much the reward moved ([`Step::reward_delta`]); off by default, as
    /// scoring replays the world's history. Turning it on scores the world
    /// as it is now, the baseline of the next delta.
    pub fn track_rewards(&mut self, on: bool) {
        self.reward = on.then(|| self.current_reward());
    }

    /// True when rewards are tracked.
    pub fn tracks_rewards(&self) -> bool {
        self.reward.is_some()
    }

    fn current_reward(&self) -> f64 {
        simdesk_check::score(&self.fork().into_world(), None).reward
    }

    /// An independent copy sharing all unchanged state. O(1).
    pub fn fork(&self) -> Session {
        self.clone()
    }

    /// The world as it is now.
    pub fn world(&self) -> &Workspace {
        &self.world
    }

    /// The world as the session began: with the scenario and the recorded
    /// steps, everything [`Session::replay`] needs.
    pub fn start_world(&self) -> &Workspace {
        &self.start
    }

    /// The world with its clock brought to the session's time.
    pub fn into_world(mut self) -> Workspace {
        self.sync_clock(self.now);
        self.world
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The session's simulated time (the world's clock catches up with
    /// the next op).
    pub fn now(&self) -> SimTime {
        self.now
    }

    /// What the agent is told at the start.
    pub fn brief(&self) -> &str {
        &self.scenario.brief
    }

    /// True after `finish`.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Events still to come (emails, files, follow-up checks).
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Every recorded step, in order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter()
    }

    /// Number of recorded steps.
    pub fn step_count(&self) -> usize {
        self.steps.len()
    }

    /// The recorded steps as JSON Lines.
    pub fn steps_jsonl(&self) -> Result<String, serde_json::Error> {
        let mut out = String::new();
        for s in &self.steps {
            out.push_str(&serde_json::to_string(s)?);
            out.push('\n');
        }
        Ok(out)
    }

    /// Runs one typed call.
    pub fn call(&mut self, call: ToolCall) -> ToolResult {
        let args = call.args();
        self.run(call.name(), args, Ok(call))
    }

    /// Runs a call given by name and JSON arguments (what doors receive).
    pub fn call_raw(&mut self, name: &str, args: Value) -> ToolResult {
        let recorded = match check_value(&args, &ToolLimits::default()) {
            Ok(()) => args.clone(),
            Err(_) => Value::Null,
        };
        let parsed = ToolCall::parse(name, args);
        let name: String = name.chars().take(80).collect();
        self.run(&name, recorded, parsed)
    }

    /// Runs a call given by name and raw JSON argument text, checking
    /// limits on the text before parsing it.
    pub fn call_json(&mut self, name: &str, args: &str) -> ToolResult {
        let parsed = ToolCall::parse_json(name, args);
        let recorded = match &parsed {
            Ok(c) => c.args(),
            Err(_) => serde_json::from_str(args)
                .ok()
                .filter(|v| check_value(v, &ToolLimits::default()).is_ok())
                .unwrap_or(Value::Null),
        };
        let name: String = name.chars().take(80).collect();
        self.run(&name, recorded, parsed)
    }

    /// Replays recorded steps on a fresh session over `world`: each call is
    /// made again with the responder output recorded with it (no responder
    /// is needed), and each result must equal the recorded one.
    pub fn replay(
        world: Workspace,
        scenario: Arc<Scenario>,
        steps: &[Step],
    ) -> Result<Session, ReplayError> {
        let mut s = Session::new(world, scenario)?;
        if steps.iter().any(|st| st.reward_delta.is_some()) {
            s.track_rewards(true);
        }
        for st in steps {
            s.recorded = Some(st.responses.iter().cloned().collect());
            let actual = s.call_raw(&st.tool, st.args.clone());
            if actual != st.result {
                return Err(ReplayError::Diverged {
                    index: st.index,
                    tool: st.tool.clone(),
                    expected: Box::new(st.result.clone()),
                    actual: Box::new(actual),
                });
            }
            let delta = s.steps.last().and_then(|l| l.reward_delta);
            if delta != st.reward_delta {
                return Err(ReplayError::RewardDiverged {
                    index: st.index,
                    expected: st.reward_delta,
                    actual: delta,
                });
            }
        }
        s.recorded = None;
        Ok(s)
    }

    fn run(&mut self, tool: &str, args: Value, parsed: Result<ToolCall, ToolError>) -> ToolResult {
        if self.finished {
            let e = ToolError::Finished;
            return ToolResult {
                text: error_text(&e),
                is_error: true,
                error: Some(e.code().to_owned()),
                time: self.now,
                arrived: Vec::new(),
                finished: true,
            };
        }
        let started = self.now;
        let revision = self.world.revision();
        self.arrived.clear();
        self.responses.clear();
        let outcome = parsed.and_then(|c| self.exec(&c).map(|d| (c.name(), d)));
        let (mut text, error) = match outcome {
            Ok((name, done)) => {
                let cost = i64::from(self.scenario.costs.of(name));
                let text = match done {
                    Done::Text(t) => {
                        self.advance_to(self.now.plus_secs(cost));
                        t
                    }
                    Done::WaitUntil(t) => {
                        self.advance_to(t);
                        format!("waited until {}", self.now)
                    }
                    Done::WaitForEmail(limit) => self.wait_for_email(limit),
                    Done::Finish(t) => {
                        self.finished = true;
                        t
                    }
                };
                (text, None)
            }
            Err(e) => {
                let cost = i64::from(self.scenario.costs.error_seconds);
                self.advance_to(self.now.plus_secs(cost));
                (error_text(&e), Some(e.code().to_owned()))
            }
        };
        for a in &self.arrived {
            text.push_str(&format!(
                "\n[{}] {} from {}: {} ({})",
                a.time,
                if a.rule == "file" {
                    "new file"
                } else {
                    "new email"
                },
                self.scenario
                    .collaborator(&a.from)
                    .map_or(a.from.as_str(), |c| c.name.as_str()),
                if a.subject.is_empty() {
                    a.path.file_name().unwrap_or_default()
                } else {
                    a.subject.as_str()
                },
                a.path
            ));
        }
        let result = ToolResult {
            text,
            is_error: error.is_some(),
            error,
            time: self.now,
            arrived: std::mem::take(&mut self.arrived),
            finished: self.finished,
        };
        let mut reward_delta = None;
        if let Some(before) = self.reward
            && (self.world.revision() != revision || self.finished)
        {
            let now = self.current_reward();
            self.reward = Some(now);
            reward_delta = Some(now - before).filter(|d| *d != 0.0);
        }
        self.steps.push_back(Step {
            index: self.steps.len() as u64 + 1,
            tool: tool.to_owned(),
            args,
            started,
            result: result.clone(),
            responses: std::mem::take(&mut self.responses),
            reward_delta,
        });
        result
    }

    /// Moves the clock to `t`, firing every event due by then, in order.
    pub(crate) fn advance_to(&mut self, t: SimTime) {
        let t = match self.scenario.end {
            Some(end) if t > end => end.max(self.now),
            _ => t,
        };
        while let Some((at, seq)) = self.queue.get_min().map(|(k, _)| *k)
            && at <= t
        {
            if let Some(p) = self.queue.remove(&(at, seq)) {
                self.now = self.now.max(at);
                self.fire(p);
            }
        }
        self.now = self.now.max(t);
    }

    fn wait_for_email(&mut self, limit: SimTime) -> String {
        let before = self.arrived.len();
        while let Some((at, _)) = self.queue.get_min().map(|(k, _)| *k)
            && at <= limit
            && self.arrived.len() == before
        {
            self.advance_to(at);
            if self.scenario.end.is_some_and(|e| at > e) {
                break;
            }
        }
        if self.arrived.len() == before {
            self.advance_to(limit);
            format!("no email arrived; waited until {}", self.now)
        } else {
            format!("waited until {}", self.now)
        }
    }

    /// Brings the world's clock to `t` (an `advance_clock` op).
    pub(crate) fn sync_clock(&mut self, t: SimTime) {
        let d = t.secs() - self.world.now().secs();
        if d > 0 {
            self.world
                .apply_as(CLOCK_ACTOR, Op::AdvanceClock { seconds: d });
        }
    }

    /// Applies an op as the agent, at the session's time.
    pub(crate) fn apply_agent(&mut self, tool: &'static str, op: Op) -> Result<Outcome, ToolError> {
        self.sync_clock(self.now);
        let out = self.world.apply_as(AGENT_ACTOR, op);
        if out.is_applied() {
            Ok(out)
        } else {
            Err(ToolError::Refused {
                tool,
                diagnostics: out.diagnostics,
            })
        }
    }

    /// A number unique within the session (message ids, queue order).
    pub(crate) fn next_counter(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub(crate) fn enqueue(&mut self, at: SimTime, p: Pending) {
        let n = self.next_counter();
        self.queue.insert((at, n), p);
    }
}

fn error_text(e: &ToolError) -> String {
    format!("error: {e}\nhint: {}", e.hint())
}
