//! The reference agent: a careful professional's month played through a
//! [`Session`], tool call by tool call, so it pays the same simulated time,
//! meets the same collaborators and is recorded like any agent.
//!
//! It reads every email as it arrives and the calendar, looks through the
//! folders and files an objective's work touches before changing them,
//! asks the collaborator who holds a missing file, asks whose word wins
//! when two people disagree, waits for a change of plan it knows is
//! coming, does the work of the objective's reference ops as tool calls,
//! checks what it exported and the figures it changed, and replies to the
//! request with the deliverable attached. A deliverable already sent is
//! not exported again when later work changes its source: it was judged as
//! sent. The agent
//! knows the scenario (it is the answer key's author); everything it does
//! to the world goes through tools.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use simdesk_engine::Workspace;
use simdesk_model::{Artifact, Objective, Op, SimTime, VPath, inlines_text};

use crate::reference::tool_call_for;
use crate::session::{Session, ToolResult};
use crate::tools::ToolCall;

/// Why the reference agent could not finish its month.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReferenceError {
    /// A tool call of the reference was refused.
    #[error("objective {objective}: {tool} was refused: {text}")]
    Refused {
        /// The objective being worked on (empty between objectives).
        objective: String,
        /// The tool.
        tool: String,
        /// What the session said.
        text: String,
    },
    /// An op of an objective's reference has no tool that expresses it.
    #[error("objective {objective}: reference op {op} has no tool call")]
    NoTool {
        /// The objective.
        objective: String,
        /// The op's name.
        op: &'static str,
    },
    /// The month ended with objectives the agent could not start.
    #[error("the month ended before objectives could be worked: {0:?}")]
    Unfinished(Vec<String>),
}

/// What the reference agent's month left behind.
#[derive(Debug, Clone)]
pub struct ReferenceRun {
    /// Each objective's id with the world right after the agent replied
    /// with (or, without a deliverable, finished) its work, in the order
    /// the work was done.
    pub completed: Vec<(String, Workspace)>,
}

/// Most calls the agent makes before it gives up (a month is ~400).
const MAX_CALLS: usize = 20_000;

struct Agent<'s> {
    s: &'s mut Session,
    read: BTreeSet<VPath>,
    asked: BTreeSet<String>,
    worked: BTreeSet<String>,
    listed: BTreeSet<VPath>,
    completed: Vec<(String, Workspace)>,
    current: String,
}

/// Plays the reference month on `session` and returns, per objective, the
/// world right after its work was done. The session holds the full
/// trajectory afterwards (finished).
pub fn play_reference(session: &mut Session) -> Result<ReferenceRun, ReferenceError> {
    let mut a = Agent {
        s: session,
        read: BTreeSet::new(),
        asked: BTreeSet::new(),
        worked: BTreeSet::new(),
        listed: BTreeSet::new(),
        completed: Vec::new(),
        current: String::new(),
    };
    a.month()?;
    Ok(ReferenceRun {
        completed: a.completed,
    })
}

impl Agent<'_> {
    fn call(&mut self, name: &str, args: Value) -> Result<ToolResult, ReferenceError> {
        let r = self.s.call_raw(name, args);
        if r.is_error {
            return Err(ReferenceError::Refused {
                objective: self.current.clone(),
                tool: name.to_owned(),
                text: r.text,
            });
        }
        Ok(r)
    }

    fn typed(&mut self, c: ToolCall) -> Result<ToolResult, ReferenceError> {
        let name = c.name().to_owned();
        let r = self.s.call(c);
        if r.is_error {
            return Err(ReferenceError::Refused {
                objective: self.current.clone(),
                tool: name,
                text: r.text,
            });
        }
        Ok(r)
    }

    fn inbox(&self) -> VPath {
        let home = &self.s.scenario().home;
        home.join("Mail")
            .and_then(|m| m.join("Inbox"))
            .unwrap_or_else(|_| home.clone())
    }

    /// Emails in the inbox not read yet, oldest first.
    fn unread(&self) -> Vec<VPath> {
        let inbox = self.inbox();
        let mut mail: Vec<(SimTime, VPath)> = self
            .s
            .world()
            .artifacts()
            .filter(|(p, _)| p.parent().as_ref() == Some(&inbox) && !self.read.contains(*p))
            .filter_map(|(p, a)| match a {
                Artifact::Email(e) => Some((e.date, p.clone())),
                _ => None,
            })
            .collect();
        mail.sort();
        mail.into_iter().map(|(_, p)| p).collect()
    }

    fn read_mail(&mut self) -> Result<(), ReferenceError> {
        let unread = self.unread();
        if unread.is_empty() {
            return Ok(());
        }
        self.call("list_emails", json!({}))?;
        for p in unread {
            self.call("read_email", json!({"path": p}))?;
            self.read.insert(p);
        }
        Ok(())
    }

    fn month(&mut self) -> Result<(), ReferenceError> {
        self.call("read_calendar", json!({}))?;
        let home = self.s.scenario().home.clone();
        self.call("list_files", json!({"path": home}))?;
        let mut quiet = 0;
        while self.s.step_count() < MAX_CALLS {
            self.read_mail()?;
            if let Some(o) = self.next_ready()? {
                self.work(&o)?;
                quiet = 0;
                continue;
            }
            let open = self.open_objectives();
            let more = self
                .s
                .scenario()
                .schedule
                .iter()
                .any(|x| x.at > self.s.now())
                || self
                    .s
                    .scenario()
                    .conflicts
                    .iter()
                    .flat_map(|c| &c.instructions)
                    .any(|i| i.at > self.s.now());
            if open.is_empty() && !more {
                // Read what the last replies say, then stop.
                let r = self.call("wait_for_email", json!({"max_minutes": 2 * 24 * 60}))?;
                if r.arrived.is_empty() || r.finished {
                    break;
                }
                continue;
            }
            let r = self.call("wait_for_email", json!({}))?;
            if r.arrived.is_empty() {
                quiet += 1;
                if quiet > 2 {
                    return Err(ReferenceError::Unfinished(open));
                }
            }
        }
        self.read_mail()?;
        self.current.clear();
        if !self.s.is_finished() {
            self.call("finish", json!({"summary": "Every request answered."}))?;
        }
        Ok(())
    }

    fn open_objectives(&self) -> Vec<String> {
        self.s
            .world()
            .objectives()
            .filter(|o| !self.worked.contains(&o.id))
            .map(|o| o.id.clone())
            .collect()
    }

    /// The first assigned objective, in arrival order, that can be worked
    /// now; asks for what blocks the others on the way.
    fn next_ready(&mut self) -> Result<Option<Objective>, ReferenceError> {
        let open: Vec<Objective> = self
            .s
            .world()
            .objectives()
            .filter(|o| !self.worked.contains(&o.id))
            .cloned()
            .collect();
        for o in open {
            if self.ready(&o)? {
                return Ok(Some(o));
            }
        }
        Ok(None)
    }

    /// Whether `o` can be worked now; asks the holder of a missing file or
    /// the winner of a disagreement once.
    fn ready(&mut self, o: &Objective) -> Result<bool, ReferenceError> {
        let sc = self.s.scenario().clone();
        let now = self.s.now();
        let mut ready = true;
        // A change of plan still to come.
        if sc
            .schedule
            .iter()
            .any(|x| x.about.as_deref() == Some(o.id.as_str()) && x.at > now)
        {
            ready = false;
        }
        // A file someone holds back.
        for c in &sc.collaborators {
            for k in &c.knows {
                if k.objective.as_deref() != Some(o.id.as_str()) {
                    continue;
                }
                let Some(f) = &k.file else { continue };
                if self.s.world().artifact(&f.path).is_some() {
                    continue;
                }
                ready = false;
                let key = format!("{}/{}", c.key, k.id);
                if self.asked.insert(key) {
                    self.current = o.id.clone();
                    let name = f.path.file_name().unwrap_or("the file").to_owned();
                    let first = c.name.split_whitespace().next().unwrap_or(&c.name);
                    self.call(
                        "send_email",
                        json!({
                            "to": [c.email],
                            "subject": format!("{} - {name}", o.title),
                            "body": format!(
                                "Hi {first},\n\nI was told you have {name}. Could you send it to me? I need it for this: {}.\n\nThank you.",
                                o.title
                            ),
                        }),
                    )?;
                }
            }
        }
        // Two people disagree: wait for both, ask the one whose word wins,
        // wait for the answer.
        for c in sc.conflicts.iter().filter(|c| c.objective == o.id) {
            if c.instructions.iter().any(|i| i.at > now) {
                ready = false;
                continue;
            }
            let Some(w) = sc.collaborator(&c.winner) else {
                continue;
            };
            let key = format!("conflict/{}", c.id);
            if self.asked.insert(key.clone()) {
                self.current = o.id.clone();
                let others: Vec<&str> = c
                    .instructions
                    .iter()
                    .filter(|i| i.from != c.winner)
                    .filter_map(|i| sc.collaborator(&i.from))
                    .map(|x| x.name.as_str())
                    .collect();
                let first = w.name.split_whitespace().next().unwrap_or(&w.name);
                let word = c.keywords.first().cloned().unwrap_or_default();
                self.call(
                    "send_email",
                    json!({
                        "to": [w.email],
                        "subject": format!("{} - {word} figure?", o.title),
                        "body": format!(
                            "Hi {first},\n\nI have conflicting instructions on {}: {} asked for a different figure than the one in your request. {word} one should I use?\n\nThank you.",
                            o.title,
                            if others.is_empty() { "someone".to_owned() } else { others.join(" and ") },
                        ),
                    }),
                )?;
                ready = false;
            } else if !self.answered(&w.email, &o.title) {
                ready = false;
            }
        }
        Ok(ready)
    }

    /// Whether `from` has written back on a thread about `title`.
    fn answered(&self, from: &str, title: &str) -> bool {
        let inbox = self.inbox();
        self.s.world().artifacts().any(|(p, a)| match a {
            Artifact::Email(e) => {
                p.parent().as_ref() == Some(&inbox)
                    && e.from.address.eq_ignore_ascii_case(from)
                    && e.in_reply_to.is_some()
                    && e.subject.contains(title)
            }
            _ => false,
        })
    }

    /// The inbox email that assigned `o`.
    fn request_of(&self, o: &Objective) -> Option<VPath> {
        let id = o.message_id.as_deref()?;
        self.s.world().artifacts().find_map(|(p, a)| match a {
            Artifact::Email(e) if e.message_id == id => Some(p.clone()),
            _ => None,
        })
    }

    /// Looks at a file's folder and the file before working on it.
    fn look_at(&mut self, p: &VPath) -> Result<(), ReferenceError> {
        if let Some(dir) = p.parent()
            && self.listed.insert(dir.clone())
            && self.s.world().is_folder(&dir)
        {
            self.call("list_files", json!({"path": dir}))?;
        }
        match self.s.world().artifact(p) {
            Some(Artifact::Workbook(w)) => {
                let sheets: Vec<String> = w.sheets.iter().map(|s| s.name.clone()).collect();
                self.call("read_file", json!({"path": p}))?;
                for sheet in sheets.iter().take(3) {
                    self.call(
                        "read_range",
                        json!({"path": p, "sheet": sheet, "range": "A1:H30"}),
                    )?;
                }
            }
            Some(_) => {
                self.call("read_file", json!({"path": p}))?;
            }
            None => {}
        }
        Ok(())
    }

    fn work(&mut self, o: &Objective) -> Result<(), ReferenceError> {
        self.current = o.id.clone();
        self.call("read_calendar", json!({}))?;
        if let Some(req) = self.request_of(o) {
            // Read the request once more before starting.
            self.call("read_email", json!({"path": req}))?;
            self.read.insert(req);
        }
        // Look at everything the work touches, once.
        let mut seen = BTreeSet::new();
        for p in o.reference.iter().flat_map(op_paths) {
            if seen.insert(p.clone()) {
                self.look_at(&p)?;
            }
        }
        let mut sheets_touched: BTreeMap<VPath, String> = BTreeMap::new();
        for op in &o.reference {
            match op {
                Op::AdvanceClock { .. } => continue,
                Op::SendEmail { email, .. } => {
                    for (p, sheet) in std::mem::take(&mut sheets_touched) {
                        self.call(
                            "read_range",
                            json!({"path": p, "sheet": sheet, "range": "A1:H30"}),
                        )?;
                    }
                    let body: Vec<String> = email
                        .body
                        .iter()
                        .map(|p| inlines_text(&p.inlines))
                        .collect();
                    match self.request_of(o) {
                        Some(req) => {
                            self.call(
                                "reply_email",
                                json!({"path": req, "body": body.join("\n\n"), "attachments": email.attachments}),
                            )?;
                        }
                        None => {
                            let c = tool_call_for(op).ok_or(ReferenceError::NoTool {
                                objective: o.id.clone(),
                                op: op.name(),
                            })?;
                            self.typed(c)?;
                        }
                    }
                    continue;
                }
                _ => {}
            }
            let c = tool_call_for(op).ok_or(ReferenceError::NoTool {
                objective: o.id.clone(),
                op: op.name(),
            })?;
            self.typed(c)?;
            match op {
                Op::Export { target, .. } => {
                    self.call("read_file", json!({"path": target}))?;
                }
                Op::SetCells { path, sheet, .. } | Op::SetRange { path, sheet, .. } => {
                    sheets_touched.insert(path.clone(), sheet.clone());
                }
                Op::Refresh { path } => {
                    if let Some(Artifact::Workbook(w)) = self.s.world().artifact(path)
                        && let Some(s) = w.sheets.last()
                    {
                        sheets_touched.insert(path.clone(), s.name.clone());
                    }
                }
                _ => {}
            }
        }
        self.worked.insert(o.id.clone());
        self.completed.push((o.id.clone(), self.s.world().fork()));
        self.current.clear();
        Ok(())
    }
}

/// The existing files an op reads or changes (not the ones it creates).
fn op_paths(op: &Op) -> Vec<VPath> {
    match op {
        Op::SetCells { path, .. }
        | Op::SetRange { path, .. }
        | Op::Refresh { path }
        | Op::EditDocument { path, .. }
        | Op::EditSlides { path, .. } => vec![path.clone()],
        Op::Export { source, .. } => vec![source.clone()],
        Op::Link {
            source, dependent, ..
        } => source
            .path
            .iter()
            .chain(dependent.path.iter())
            .cloned()
            .collect(),
        Op::Unlink { source, dependent } => vec![source.clone(), dependent.clone()],
        _ => Vec::new(),
    }
}
