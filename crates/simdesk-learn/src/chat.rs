//! The `chat` format: one conversation per JSON line, in the messages
//! shape fine-tuning tools read (OpenAI-style function calling): the
//! scenario's brief as `system`, the start and every collaborator's email
//! as `user`, each tool call as an `assistant` message with one
//! `tool_calls` entry (`arguments` is the JSON text of the arguments, as
//! the function-calling format has it), and each result as a `tool`
//! message answering that call's id.
//!
//! Every message carries the same four keys (`role`, `content`,
//! `tool_calls`, `tool_call_id`; `null` where they do not apply), so
//! columnar readers infer one schema for the whole file.

use schemars::JsonSchema;
use serde::Serialize;
use simdesk_sim::{Arrival, Step, specs};

use crate::{Filter, LearnError, LearnRun, line, ordered};

/// Who speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The brief.
    System,
    /// The start of the session and collaborators' emails.
    User,
    /// The agent's tool calls.
    Assistant,
    /// A tool's result.
    Tool,
}

/// One message.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Message {
    /// Who speaks.
    pub role: Role,
    /// The text (`null` for an assistant message that only calls a tool).
    pub content: Option<String>,
    /// The assistant's tool calls (`null` for other roles).
    pub tool_calls: Option<Vec<ToolCallMessage>>,
    /// The call a tool message answers (`null` for other roles).
    pub tool_call_id: Option<String>,
}

/// One tool call in an assistant message.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ToolCallMessage {
    /// The call's id (`call_<step>`), unique within the conversation.
    pub id: String,
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: FunctionKind,
    /// The function called.
    pub function: FunctionCall,
}

/// The only kind of tool call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FunctionKind {
    /// A function call.
    Function,
}

/// A function's name and its arguments.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FunctionCall {
    /// The tool's name (one of `simdesk_sim::TOOL_NAMES` for a valid call).
    pub name: String,
    /// The arguments as JSON text (an object for a valid call).
    pub arguments: String,
}

/// A tool the conversation may call, in the function-calling shape.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ChatTool {
    /// Always `function`.
    #[serde(rename = "type")]
    pub kind: FunctionKind,
    /// The function.
    pub function: FunctionSpec,
}

/// A function's name, description and parameters.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct FunctionSpec {
    /// The tool's name.
    pub name: String,
    /// One line saying what it does.
    pub description: String,
    /// JSON Schema of the arguments, as JSON text (schemas differ from
    /// tool to tool, which columnar readers cannot put in one column).
    pub parameters: String,
}

/// One line of the chat format.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ChatLine {
    /// `<run>` for a line per run, `<run>/<objective>` for a line per
    /// objective.
    pub id: String,
    /// The run.
    pub run: String,
    /// The template of the computer, when known.
    pub template: Option<String>,
    /// The objective, for a line per objective.
    pub objective: Option<String>,
    /// The run's reward, or the objective's score.
    pub reward: f64,
    /// The conversation.
    pub messages: Vec<Message>,
    /// The tools, when asked for ([`ChatOptions::tools`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<ChatTool>>,
}

/// One line per run or per objective.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Per {
    /// One conversation per run, labelled with the run's reward.
    #[default]
    Run,
    /// The run's conversation once per objective, labelled with that
    /// objective's score (steps are not split: the agent works on several
    /// objectives at once).
    Objective,
}

/// How conversations are made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatOptions {
    /// One line per run or per objective.
    pub per: Per,
    /// Put the tool specs on every line (`tools`).
    pub tools: bool,
}

/// The tools in the function-calling shape.
pub fn chat_tools() -> Vec<ChatTool> {
    specs()
        .into_iter()
        .map(|s| ChatTool {
            kind: FunctionKind::Function,
            function: FunctionSpec {
                name: s.name.to_owned(),
                description: s.description.to_owned(),
                parameters: s.input_schema.to_string(),
            },
        })
        .collect()
}

/// The chat format of `runs` (ordered by id) as JSON Lines.
pub fn chat_jsonl(
    runs: &[LearnRun],
    filter: &Filter,
    opts: &ChatOptions,
) -> Result<String, LearnError> {
    let tools = opts.tools.then(chat_tools);
    let mut out = String::new();
    for r in ordered(runs)? {
        if !filter.run(r) {
            continue;
        }
        let labels: Vec<(String, Option<String>, f64)> = match opts.per {
            Per::Run => vec![(r.id.clone(), None, r.reward)],
            Per::Objective => r
                .objectives
                .iter()
                .filter(|o| filter.objective.as_ref().is_none_or(|f| *f == o.id))
                .map(|o| (format!("{}/{}", r.id, o.id), Some(o.id.clone()), o.score))
                .collect(),
        };
        let labels: Vec<_> = labels
            .into_iter()
            .filter(|(_, _, reward)| filter.reward(*reward))
            .collect();
        if labels.is_empty() {
            continue;
        }
        let messages = conversation(r);
        for (id, objective, reward) in labels {
            let l = ChatLine {
                id,
                run: r.id.clone(),
                template: r.template.clone(),
                objective,
                reward,
                messages: messages.clone(),
                tools: tools.clone(),
            };
            line("chat line", &r.id, &l, &mut out)?;
        }
    }
    Ok(out)
}

/// A run as messages.
fn conversation(r: &LearnRun) -> Vec<Message> {
    let text = |role, content: String| Message {
        role,
        content: Some(content),
        tool_calls: None,
        tool_call_id: None,
    };
    let mut m = vec![text(Role::System, r.scenario.brief.clone())];
    let start = r
        .steps
        .first()
        .map_or_else(|| r.world.start().to_string(), |s| s.started.to_string());
    m.push(text(
        Role::User,
        format!("It is {start}. Your session begins."),
    ));
    for s in &r.steps {
        let id = format!("call_{}", s.index);
        m.push(Message {
            role: Role::Assistant,
            content: None,
            tool_calls: Some(vec![ToolCallMessage {
                id: id.clone(),
                kind: FunctionKind::Function,
                function: FunctionCall {
                    name: s.tool.clone(),
                    arguments: s.args.to_string(),
                },
            }]),
            tool_call_id: None,
        });
        m.push(Message {
            role: Role::Tool,
            content: Some(s.result.text.clone()),
            tool_calls: None,
            tool_call_id: Some(id),
        });
        for a in arrived_mail(s) {
            m.push(text(Role::User, mail_text(r, a)));
        }
    }
    m
}

/// The emails (not file drops) that arrived during a step.
pub(crate) fn arrived_mail(s: &Step) -> impl Iterator<Item = &Arrival> {
    s.result.arrived.iter().filter(|a| !a.subject.is_empty())
}

/// An arrived email as the agent would read it.
pub(crate) fn mail_text(r: &LearnRun, a: &Arrival) -> String {
    let from = r
        .scenario
        .collaborator(&a.from)
        .map_or_else(|| a.from.clone(), |c| format!("{} <{}>", c.name, c.email));
    format!(
        "Email from {from} at {} ({}):\nSubject: {}\n\n{}",
        a.time, a.path, a.subject, a.body
    )
}
