//! Runs as learning signals. A batch of runs (sessions an agent lived
//! through, read from run folders by the store) becomes training data —
//! [`chat`](mod@chat) conversations in the messages format fine-tuning
//! tools read, [`steps`](mod@steps) lines of observation, action, reward
//! and done for RL libraries — and the mistakes [`simdesk_check::mine`]
//! finds in them become ranked [`skills`](mod@skills): lessons with
//! evidence and a counterexample.
//!
//! **Architecture invariant:** no IO, no clock, no environment. Runs come
//! in as values ([`LearnRun`]), text goes out; the same runs and options
//! give the same bytes. Runs are ordered by id, whatever order they came in.
//!
//! ```
//! use std::sync::Arc;
//! use simdesk_engine::Workspace;
//! use simdesk_learn::{ChatOptions, Filter, LearnRun, chat_jsonl, steps_jsonl};
//! use simdesk_model::{Mailbox, Op, Persona, SimTime};
//! use simdesk_sim::{Costs, FollowUps, Prose, Scenario, Session};
//!
//! let mut ws = Workspace::new(SimTime::parse("2026-01-05T09:00:00Z").unwrap(), Persona::default());
//! ws.apply(Op::Mkdir { path: "/Users/ana/Mail/Inbox".parse().unwrap() });
//! let scenario = Scenario {
//!     version: simdesk_sim::SCENARIO_VERSION,
//!     agent: Mailbox::new("Ana Ruiz", "ana@firm.example"),
//!     agent_called: String::new(),
//!     home: "/Users/ana".parse().unwrap(),
//!     utc_offset_minutes: 0,
//!     timezone: None,
//!     date_format: None,
//!     brief: "You are Ana Ruiz.".into(),
//!     end: None,
//!     costs: Costs::builtin(),
//!     collaborators: vec![],
//!     schedule: vec![],
//!     conflicts: vec![],
//!     follow_ups: FollowUps::default(),
//!     prose: Prose::builtin(),
//! };
//! let mut s = Session::new(ws, Arc::new(scenario)).unwrap();
//! s.call_raw("list_files", serde_json::json!({"path": "/Users/ana"}));
//! let run = LearnRun::from_session("run-1", None, &s);
//! let chat = chat_jsonl(&[run.clone()], &Filter::default(), &ChatOptions::default()).unwrap();
//! let line: serde_json::Value = serde_json::from_str(chat.lines().next().unwrap()).unwrap();
//! assert_eq!(line["messages"][0]["role"], "system");
//! assert_eq!(line["messages"][2]["tool_calls"][0]["function"]["name"], "list_files");
//! let steps = steps_jsonl(&[run], &Filter::default()).unwrap();
//! assert_eq!(steps.lines().count(), 1);
//! ```

use std::sync::Arc;

use simdesk_engine::Workspace;
use simdesk_sim::{Scenario, Session, Step};

pub mod chat;
mod context;
pub mod schema;
pub mod skills;
pub mod steps;

pub use chat::{ChatLine, ChatOptions, ChatTool, Message, Per, Role, chat_jsonl};
pub use schema::{chat_schema, skills_schema, steps_schema};
pub use skills::{Evidence, Skill, SkillContext, SkillReport, skills, skills_markdown};
pub use steps::{Action, StepLine, steps_jsonl};

/// One run, as the learning functions read it.
#[derive(Debug, Clone)]
pub struct LearnRun {
    /// The run's id (its folder's name): evidence and dataset lines name it.
    pub id: String,
    /// The template of the generated computer it ran on, when known.
    pub template: Option<String>,
    /// The scenario it followed (the system brief, collaborators' names).
    pub scenario: Arc<Scenario>,
    /// The recorded steps, in order.
    pub steps: Vec<Step>,
    /// The world at the end (its trajectory is what `mine` reads).
    pub world: Workspace,
    /// The final world's reward.
    pub reward: f64,
    /// Each objective's id and score, in the score's order.
    pub objectives: Vec<ObjectiveOutcome>,
}

/// How one objective ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectiveOutcome {
    /// The objective's id.
    pub id: String,
    /// Every goal met.
    pub met: bool,
    /// Its score in [0, 1].
    pub score: f64,
}

impl LearnRun {
    /// A run straight from a live session (scored now): for tests and for
    /// doors that learn without writing run folders.
    pub fn from_session(id: &str, template: Option<&str>, session: &Session) -> LearnRun {
        let world = session.fork().into_world();
        let score = simdesk_check::score(&world, None);
        LearnRun {
            id: id.to_owned(),
            template: template.map(str::to_owned),
            scenario: Arc::new(session.scenario().clone()),
            steps: session.steps().cloned().collect(),
            world,
            reward: score.reward,
            objectives: score
                .objectives
                .iter()
                .map(|o| ObjectiveOutcome {
                    id: o.id.clone(),
                    met: o.met,
                    score: o.score,
                })
                .collect(),
        }
    }

    /// The score of objective `id`, when the run has it.
    pub fn objective(&self, id: &str) -> Option<&ObjectiveOutcome> {
        self.objectives.iter().find(|o| o.id == id)
    }
}

/// Which runs (or objectives) become data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Keep lines whose reward (the run's, or the objective's for lines
    /// per objective) is at least this.
    pub min_reward: Option<f64>,
    /// Keep only runs that have this objective (and, for lines per
    /// objective, only its lines).
    pub objective: Option<String>,
    /// Keep only runs on computers of this template.
    pub template: Option<String>,
}

impl Filter {
    /// Whether a run passes the template and objective filters.
    pub(crate) fn run(&self, r: &LearnRun) -> bool {
        self.template
            .as_ref()
            .is_none_or(|t| r.template.as_deref() == Some(t.as_str()))
            && self
                .objective
                .as_ref()
                .is_none_or(|o| r.objective(o).is_some())
    }

    /// Whether a reward passes the threshold.
    pub(crate) fn reward(&self, reward: f64) -> bool {
        self.min_reward.is_none_or(|m| reward >= m)
    }
}

/// Why data could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    /// A line could not be serialised.
    #[error("cannot serialise the {what} of run {run}")]
    Serialise {
        /// What was serialised (`chat line`, `step line`, `skills`).
        what: &'static str,
        /// The run.
        run: String,
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
    /// Two runs have the same id, so lines and evidence would be ambiguous.
    #[error("two runs have the id {id:?}")]
    DuplicateRun {
        /// The id.
        id: String,
    },
}

/// The runs sorted by id; refuses two runs with one id.
pub(crate) fn ordered(runs: &[LearnRun]) -> Result<Vec<&LearnRun>, LearnError> {
    let mut v: Vec<&LearnRun> = runs.iter().collect();
    v.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(w) = v.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(LearnError::DuplicateRun {
            id: w[0].id.clone(),
        });
    }
    Ok(v)
}

/// One value as a JSON line (with its newline).
pub(crate) fn line<T: serde::Serialize>(
    what: &'static str,
    run: &str,
    value: &T,
    out: &mut String,
) -> Result<(), LearnError> {
    let text = serde_json::to_string(value).map_err(|source| LearnError::Serialise {
        what,
        run: run.to_owned(),
        source,
    })?;
    out.push_str(&text);
    out.push('\n');
    Ok(())
}
