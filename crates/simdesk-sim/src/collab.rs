//! Collaborators as state machines driven by scenario data: what arrives on
//! schedule, and the rules that react to the agent's mail — answer when
//! asked, hold back until asked, review a deliverable and push back, settle
//! a disagreement by whose word wins, remind before a due date and escalate
//! after it. Every message is template prose varied by style, unless a
//! [`Responder`] writes it; what it wrote is recorded with the step.

use std::collections::BTreeSet;

use simdesk_model::{Email, Goal, Mailbox, Objective, Op, SimTime, VPath, path_matches};

use crate::mail::{mail_path, paragraphs};
use crate::scenario::{CollaboratorSpec, FileDrop, Knowledge};
use crate::session::{Arrival, Session};

/// Writes the text of a collaborator's message instead of the template
/// prose — for example a language model a researcher plugs in. Whatever it
/// returns is recorded with the step, so replay never calls it.
pub trait Responder: Send + Sync {
    /// The body to send, or `None` to keep `ctx.text`.
    fn respond(&self, ctx: &ResponseContext<'_>) -> Option<String>;
}

/// What a [`Responder`] is told about the message to write.
#[derive(Debug, Clone, Copy)]
pub struct ResponseContext<'a> {
    /// Who writes.
    pub collaborator: &'a CollaboratorSpec,
    /// Why (`answer`, `unknown`, `review_fail`, `review_pass`,
    /// `resolution`, `reminder`, `escalation`).
    pub rule: &'a str,
    /// The agent.
    pub agent: &'a Mailbox,
    /// The agent's message being answered, if any.
    pub incoming: Option<&'a Email>,
    /// The body the template prose gives.
    pub text: &'a str,
}

/// Something queued to happen at a time.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Pending {
    /// A message and/or files from a collaborator.
    Deliver(Box<Delivery>),
    /// The requester reminds, unless the objective is done.
    Remind {
        /// Objective id.
        objective: String,
    },
    /// The manager escalates, unless the objective is done.
    Escalate {
        /// Objective id.
        objective: String,
    },
}

/// A message (and files, and an objective) a collaborator sends.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Delivery {
    pub from: String,
    pub rule: &'static str,
    pub subject: String,
    pub body: String,
    pub cc: Vec<Mailbox>,
    pub in_reply_to: Option<String>,
    pub files: Vec<FileDrop>,
    pub objective: Option<Objective>,
    /// A conflict instruction: (conflict id, index).
    pub instruction: Option<(String, usize)>,
}

impl Delivery {
    fn new(from: &str, rule: &'static str, subject: String, body: String) -> Delivery {
        Delivery {
            from: from.to_owned(),
            rule,
            subject,
            body,
            cc: Vec::new(),
            in_reply_to: None,
            files: Vec::new(),
            objective: None,
            instruction: None,
        }
    }
}

/// Small deterministic hash (FNV-1a) to pick prose variants.
fn pick<'a>(variants: &'a [String], salt: &str, n: u64) -> Option<&'a String> {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in salt.bytes().chain(n.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    variants.get((h % variants.len().max(1) as u64) as usize)
}

/// The paths a goal names (deliverables, sources, cells' workbooks): every
/// string in its JSON form that reads as a path or a ref, so goal kinds
/// added later are covered too.
fn goal_paths(g: &Goal) -> Vec<VPath> {
    fn walk(v: &serde_json::Value, out: &mut Vec<VPath>) {
        match v {
            serde_json::Value::String(s) if s.starts_with('/') => {
                let p = s.split('#').next().unwrap_or(s);
                if let Ok(p) = VPath::parse(p) {
                    out.push(p);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(g) {
        walk(&v, &mut out);
    }
    out
}

/// The name pattern of the deliverable a goal asks for, if it names one
/// by pattern (requests state names, not folders).
fn goal_pattern(g: &Goal) -> Option<&str> {
    match g {
        Goal::Deliverable { pattern, .. } | Goal::CleanDeliverable { pattern } => Some(pattern),
        Goal::DeliveredTo { attachment, .. } => attachment.as_deref(),
        _ => None,
    }
}

/// Whether an agent's message asks for what `k` holds.
fn asks_for(k: &Knowledge, text: &str, attached: &[&str]) -> bool {
    let hits = k
        .keywords
        .iter()
        .filter(|w| text.contains(&w.to_lowercase()))
        .count();
    (!k.keywords.is_empty() && hits >= k.min_keywords.max(1))
        || k.refs.iter().any(|r| {
            let r = r.to_lowercase();
            let name = r.rsplit('/').next().unwrap_or(&r).to_owned();
            text.contains(&r) || (!name.is_empty() && text.contains(&name))
        })
        || k.attachments
            .iter()
            .any(|a| attached.iter().any(|x| x.eq_ignore_ascii_case(a)))
}

impl Session {
    /// Queues what the scenario schedules, and follow-ups for objectives
    /// the world already holds.
    pub(crate) fn schedule_scenario(&mut self) {
        let sc = self.scenario.clone();
        for s in &sc.schedule {
            let mut d = Delivery::new(
                &s.from,
                if s.subject.is_empty() {
                    "file"
                } else {
                    "request"
                },
                s.subject.clone(),
                s.body.clone(),
            );
            d.files = s.files.clone();
            d.objective = s.objective.clone();
            self.enqueue(s.at, Pending::Deliver(Box::new(d)));
        }
        for c in &sc.conflicts {
            for (i, ins) in c.instructions.iter().enumerate() {
                let mut d = Delivery::new(
                    &ins.from,
                    "instruction",
                    ins.subject.clone(),
                    ins.body.clone(),
                );
                d.instruction = Some((c.id.clone(), i));
                self.enqueue(ins.at, Pending::Deliver(Box::new(d)));
            }
        }
        let existing: Vec<Objective> = self.world.objectives().cloned().collect();
        for o in &existing {
            self.follow_up(o);
        }
    }

    /// Queues the reminder and the escalation of an assigned objective.
    fn follow_up(&mut self, o: &Objective) {
        self.objectives.entry(o.id.clone()).or_default();
        let f = self.scenario.follow_ups.clone();
        let requester = self
            .scenario
            .collaborator_by_email(&o.requested_by)
            .map(CollaboratorSpec::working_hours);
        if let Some(hours) = requester {
            let at = o.due.plus_secs(-i64::from(f.remind_hours_before) * 3600);
            if at > self.now {
                self.enqueue(
                    hours.next_open(at),
                    Pending::Remind {
                        objective: o.id.clone(),
                    },
                );
            }
        }
        if let Some(m) = f
            .manager
            .as_deref()
            .and_then(|m| self.scenario.collaborator(m))
        {
            let at = m
                .working_hours()
                .next_open(o.due.plus_secs(i64::from(f.escalate_hours_after) * 3600));
            self.enqueue(
                at,
                Pending::Escalate {
                    objective: o.id.clone(),
                },
            );
        }
    }

    /// Fires one due event at the session's time.
    pub(crate) fn fire(&mut self, p: Pending) {
        match p {
            Pending::Deliver(d) => self.deliver(*d),
            Pending::Remind { objective } => {
                let Some(o) = self.assigned(&objective) else {
                    return;
                };
                if self.objective_done(&o) {
                    return;
                }
                let Some(c) = self
                    .scenario
                    .collaborator_by_email(&o.requested_by)
                    .cloned()
                else {
                    return;
                };
                let body = self.compose(&c, "reminder", (&o.title, o.due), None, "");
                let d = Delivery::new(&c.key, "reminder", format!("Reminder: {}", o.title), body);
                self.deliver(d);
            }
            Pending::Escalate { objective } => {
                let Some(o) = self.assigned(&objective) else {
                    return;
                };
                if self.objective_done(&o) {
                    return;
                }
                let sc = self.scenario.clone();
                let Some(m) = sc
                    .follow_ups
                    .manager
                    .as_deref()
                    .and_then(|m| sc.collaborator(m))
                else {
                    return;
                };
                let body = self.compose(m, "escalation", (&o.title, o.due), None, "");
                let mut d =
                    Delivery::new(&m.key, "escalation", format!("Overdue: {}", o.title), body);
                if let Some(r) = sc.collaborator_by_email(&o.requested_by)
                    && r.key != m.key
                {
                    d.cc.push(Mailbox::new(&r.name, &r.email));
                }
                self.deliver(d);
            }
        }
    }

    fn assigned(&self, id: &str) -> Option<Objective> {
        self.world.objectives().find(|o| o.id == id).cloned()
    }

    /// Done: a reviewer accepted it, or every goal holds now.
    pub(crate) fn objective_done(&self, o: &Objective) -> bool {
        if self.objectives.get(&o.id).is_some_and(|s| s.accepted) {
            return true;
        }
        self.judge(o).0
    }

    /// Judges an objective's goals with simdesk-check: (all met, what
    /// failed in words).
    fn judge(&self, o: &Objective) -> (bool, Vec<String>) {
        let report =
            simdesk_check::score_timeline(&self.world, &mut self.timeline.lock(), Some(&o.id));
        let Some(s) = report.objectives.first() else {
            return (false, vec!["the objective is not recorded".to_owned()]);
        };
        let problems = s
            .goals
            .iter()
            .filter(|g| !g.passed)
            .map(|g| format!("expected {}, but found {}.", g.expected, g.actual))
            .collect();
        (s.met, problems)
    }

    /// Puts a delivery into the world as its sender: files first, then the
    /// email that carries them, then the objective it assigns.
    fn deliver(&mut self, mut d: Delivery) {
        self.sync_clock(self.now);
        let sc = self.scenario.clone();
        let Some(c) = sc.collaborator(&d.from) else {
            return;
        };
        let mut attached = Vec::new();
        for f in &d.files {
            let op = if self.world.artifact(&f.path).is_some() {
                Op::Write {
                    path: f.path.clone(),
                    artifact: f.artifact.clone().into(),
                }
            } else {
                Op::Create {
                    path: f.path.clone(),
                    artifact: f.artifact.clone().into(),
                }
            };
            if self.world.apply_as(&c.key, op).is_applied() {
                attached.push(f.path.clone());
            }
        }
        let mut message_id = None;
        if d.subject.is_empty() {
            for p in &attached {
                self.arrived.push(Arrival {
                    time: self.now,
                    from: c.key.clone(),
                    rule: d.rule.to_owned(),
                    path: p.clone(),
                    subject: String::new(),
                    body: String::new(),
                });
            }
        } else {
            let n = self.next_counter();
            let id = format!("sim-{n}.{}@{}", c.key, domain(&c.email));
            let email = Email {
                from: Mailbox::new(&c.name, &c.email),
                to: vec![sc.agent.clone()],
                cc: std::mem::take(&mut d.cc),
                subject: d.subject.clone(),
                date: self.now,
                message_id: id.clone(),
                in_reply_to: d.in_reply_to.clone(),
                body: paragraphs(&d.body),
                attachments: attached,
            };
            let path = mail_path(
                &self.world,
                &sc.home,
                "Inbox",
                sc.local(self.now),
                &d.subject,
            );
            if self
                .world
                .apply_as(
                    &c.key,
                    Op::SendEmail {
                        path: path.clone(),
                        email,
                    },
                )
                .is_applied()
            {
                message_id = Some(id);
                self.arrived.push(Arrival {
                    time: self.now,
                    from: c.key.clone(),
                    rule: d.rule.to_owned(),
                    path,
                    body: crate::session::bounded_body(&d.body),
                    subject: d.subject.clone(),
                });
            }
        }
        if let Some(ins) = d.instruction.take() {
            self.instructions.insert(ins);
        }
        if let Some(mut o) = d.objective.take() {
            if o.message_id.is_none() {
                o.message_id = message_id;
            }
            if self
                .world
                .apply_as(
                    &c.key,
                    Op::AddObjective {
                        objective: o.clone(),
                    },
                )
                .is_applied()
            {
                self.follow_up(&o);
            }
        }
    }

    /// Composes a rule's message: greeting, body, sign-off from the prose
    /// for the writer's style; a responder may replace the body.
    fn compose(
        &mut self,
        c: &CollaboratorSpec,
        rule: &str,
        (title, due): (&str, SimTime),
        incoming: Option<&Email>,
        extra: &str,
    ) -> String {
        let sc = self.scenario.clone();
        let n = self.next_counter();
        let salt = format!("{}/{rule}", c.key);
        let me = c.signature_name();
        let name = sc.agent_greeting_name();
        let due_text = match &sc.date_format {
            Some(f) => simdesk_model::format_value(
                &simdesk_model::CellValue::Date(sc.local(due).excel_serial().floor()),
                Some(f),
            ),
            None => sc.local(due).date_string(),
        };
        let fill = |t: &str| {
            t.replace("{name}", name)
                .replace("{me}", me)
                .replace("{title}", title)
                .replace("{due}", &due_text)
                .replace("{fact}", extra)
                .replace("{problems}", extra)
                .replace("{text}", extra)
                .replace("{files}", extra)
        };
        let variants = |table: Option<&Vec<String>>| {
            table
                .and_then(|v| pick(v, &salt, n))
                .map(|t| fill(t))
                .unwrap_or_default()
        };
        let body = variants(sc.prose.rules.get(rule).and_then(|r| r.get(&c.style)));
        let body = if body.is_empty() {
            extra.to_owned()
        } else {
            body
        };
        let body = self.respond(c, rule, incoming, body);
        let greeting = variants(sc.prose.greetings.get(&c.style));
        let signoff = variants(sc.prose.signoffs.get(&c.style));
        [greeting, body, signoff]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    fn respond(
        &mut self,
        c: &CollaboratorSpec,
        rule: &str,
        incoming: Option<&Email>,
        text: String,
    ) -> String {
        let written = if let Some(rec) = &mut self.recorded {
            // Replay: what was recorded, in order; nothing recorded means
            // the template's text was used.
            match rec.pop_front() {
                Some(w) => {
                    self.responses.push(w.clone());
                    w
                }
                None => None,
            }
        } else if let Some(r) = &self.responder {
            let sc = self.scenario.clone();
            let out = r.respond(&ResponseContext {
                collaborator: c,
                rule,
                agent: &sc.agent,
                incoming,
                text: &text,
            });
            self.responses.push(out.clone());
            out
        } else {
            None
        };
        written.unwrap_or(text)
    }

    /// The agent sent `email`: each collaborator among its recipients
    /// reviews, settles, answers, or says they cannot help — after their
    /// latency, inside their working hours.
    pub(crate) fn on_agent_mail(&mut self, email: &Email) {
        let sc = self.scenario.clone();
        let mut seen = BTreeSet::new();
        let text = format!(
            "{}\n{}",
            email.subject,
            email
                .body
                .iter()
                .map(|p| simdesk_model::inlines_text(&p.inlines))
                .collect::<Vec<_>>()
                .join("\n")
        )
        .to_lowercase();
        let attached: Vec<&str> = email
            .attachments
            .iter()
            .filter_map(|p| p.file_name())
            .collect();
        for rcpt in email.to.iter().chain(&email.cc) {
            let Some(c) = sc.collaborator_by_email(&rcpt.address) else {
                continue;
            };
            if !seen.insert(c.key.clone()) {
                continue;
            }
            let when = c
                .working_hours()
                .next_open(self.now.plus_secs(i64::from(c.latency_minutes) * 60));
            let reply_to = |rule: &'static str, from: &str, body: String| {
                let subject = if email.subject.to_lowercase().starts_with("re:") {
                    email.subject.clone()
                } else {
                    format!("Re: {}", email.subject)
                };
                let mut d = Delivery::new(from, rule, subject, body);
                d.in_reply_to = Some(email.message_id.clone());
                d
            };
            let mut replied = false;
            // Review: a deliverable attached for an objective they review.
            if !email.attachments.is_empty() {
                let candidates: Vec<Objective> = c
                    .reviews
                    .iter()
                    .filter_map(|id| self.assigned(id))
                    .filter(|o| !self.objectives.get(&o.id).is_some_and(|s| s.accepted))
                    .collect();
                let named: Vec<&Objective> = candidates
                    .iter()
                    .filter(|o| {
                        o.goals
                            .iter()
                            .flat_map(goal_paths)
                            .any(|p| email.attachments.contains(&p))
                            || o.goals
                                .iter()
                                .filter_map(goal_pattern)
                                .any(|pat| email.attachments.iter().any(|a| path_matches(pat, a)))
                    })
                    .collect();
                let chosen: Vec<&Objective> = if named.is_empty() && candidates.len() == 1 {
                    candidates.iter().collect()
                } else {
                    named
                };
                for o in chosen {
                    let (met, problems) = self.judge(o);
                    let st = self.objectives.entry(o.id.clone()).or_default();
                    let rule = if met {
                        st.accepted = true;
                        "review_pass"
                    } else {
                        st.pushbacks += 1;
                        "review_fail"
                    };
                    let body =
                        self.compose(c, rule, (&o.title, o.due), Some(email), &problems.join(" "));
                    let d = reply_to(rule, &c.key, body);
                    self.enqueue(when, Pending::Deliver(Box::new(d)));
                    replied = true;
                }
            }
            // Conflicts: asked about a disagreement both sides have voiced.
            for k in &sc.conflicts {
                let party = k.winner == c.key || k.instructions.iter().any(|i| i.from == c.key);
                let voiced = (0..k.instructions.len())
                    .all(|i| self.instructions.contains(&(k.id.clone(), i)));
                let asked = k.keywords.iter().any(|w| text.contains(&w.to_lowercase()));
                if party && voiced && asked {
                    let Some(w) = sc.collaborator(&k.winner) else {
                        continue;
                    };
                    let (title, due) = self
                        .assigned(&k.objective)
                        .map_or((email.subject.clone(), self.now), |o| (o.title, o.due));
                    let body =
                        self.compose(w, "resolution", (&title, due), Some(email), &k.resolution);
                    let at = w
                        .working_hours()
                        .next_open(self.now.plus_secs(i64::from(w.latency_minutes) * 60));
                    let d = reply_to("resolution", &w.key, body);
                    self.enqueue(at, Pending::Deliver(Box::new(d)));
                    replied = true;
                }
            }
            // Answers: what they know that the message asks for.
            let matched: Vec<&Knowledge> = c
                .knows
                .iter()
                .filter(|k| asks_for(k, &text, &attached))
                .collect();
            let about = (email.subject.as_str(), self.now);
            if !matched.is_empty() {
                let facts: Vec<&str> = matched
                    .iter()
                    .map(|k| k.fact.as_str())
                    .filter(|f| !f.is_empty())
                    .collect();
                let files: Vec<FileDrop> = matched.iter().filter_map(|k| k.file.clone()).collect();
                let mut fact = facts.join(" ");
                if !files.is_empty() {
                    let names: Vec<&str> =
                        files.iter().filter_map(|f| f.path.file_name()).collect();
                    if !fact.is_empty() {
                        fact.push(' ');
                    }
                    fact.push_str(&format!("Attached: {}.", names.join(", ")));
                }
                let body = self.compose(c, "answer", about, Some(email), &fact);
                let mut d = reply_to("answer", &c.key, body);
                d.files = files;
                self.enqueue(when, Pending::Deliver(Box::new(d)));
            } else if !replied && text.contains('?') {
                let body = self.compose(c, "unknown", about, Some(email), "");
                let d = reply_to("unknown", &c.key, body);
                self.enqueue(when, Pending::Deliver(Box::new(d)));
            }
        }
    }
}

fn domain(address: &str) -> &str {
    address
        .rsplit_once('@')
        .map_or("simdesk.example", |(_, d)| d)
}
