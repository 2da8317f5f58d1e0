//! The `steps` format: one JSON line per tool call, for RL libraries —
//! what the agent observed before acting, the action, what came back, the
//! reward and whether the run ended there.
//!
//! Rewards: a step carries the reward change recorded with it
//! (`Step::reward_delta`, when the session tracked rewards), and the last
//! step also carries whatever of the run's final reward the recorded
//! changes do not account for (all of it when nothing was tracked). So a
//! run's step rewards always add up to its final reward.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;
use simdesk_model::SimTime;

use crate::chat::{arrived_mail, mail_text};
use crate::{Filter, LearnError, LearnRun, line, ordered};

/// What the agent did.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Action {
    /// The tool's name.
    pub tool: String,
    /// The arguments as given (`null` when they broke a size limit).
    pub arguments: Value,
}

/// One line of the steps format.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct StepLine {
    /// The run.
    pub run: String,
    /// The template of the computer, when known.
    pub template: Option<String>,
    /// The step's number in the run, from 1.
    pub step: u64,
    /// Simulated time when the call started.
    pub time: SimTime,
    /// What the agent had seen last: the brief before the first call, the
    /// previous call's result and the email that came with it after.
    pub observation: String,
    /// The call.
    pub action: Action,
    /// What the call gave back.
    pub result: String,
    /// The call was refused.
    pub is_error: bool,
    /// The reward this step earned (see the module docs).
    pub reward: f64,
    /// The run's last step.
    pub done: bool,
}

/// The steps format of `runs` (ordered by id) as JSON Lines. The reward
/// threshold applies to the run's reward; the objective filter keeps runs
/// that have the objective.
pub fn steps_jsonl(runs: &[LearnRun], filter: &Filter) -> Result<String, LearnError> {
    let mut out = String::new();
    for r in ordered(runs)? {
        if !filter.run(r) || !filter.reward(r.reward) {
            continue;
        }
        let tracked: f64 = r.steps.iter().filter_map(|s| s.reward_delta).sum();
        let mut observation = format!(
            "{}\nIt is {}. Your session begins.",
            r.scenario.brief,
            r.steps
                .first()
                .map_or_else(|| r.world.start(), |s| s.started)
        );
        let last = r.steps.len();
        for (i, s) in r.steps.iter().enumerate() {
            let done = i + 1 == last;
            let mut reward = s.reward_delta.unwrap_or(0.0);
            if done {
                reward += r.reward - tracked;
            }
            let l = StepLine {
                run: r.id.clone(),
                template: r.template.clone(),
                step: s.index,
                time: s.started,
                observation: std::mem::take(&mut observation),
                action: Action {
                    tool: s.tool.clone(),
                    arguments: s.args.clone(),
                },
                result: s.result.text.clone(),
                is_error: s.result.is_error,
                reward,
                done,
            };
            line("step line", &r.id, &l, &mut out)?;
            observation = s.result.text.clone();
            for a in arrived_mail(s) {
                observation.push_str("\n\n");
                observation.push_str(&mail_text(r, a));
            }
        }
    }
    Ok(out)
}
