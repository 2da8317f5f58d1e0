//! The mail tools (list, read, send, reply, forward) and the helpers every
//! message shares: where it is stored, how a body becomes paragraphs, how
//! an address is read.

use simdesk_engine::Workspace;
use simdesk_model::{Artifact, Email, Mailbox, Op, Paragraph, SimTime, VPath};

use crate::error::ToolError;
use crate::session::Session;
use crate::tools::{ForwardEmail, ListEmails, ReplyEmail, SendEmail};

/// Most recipients on one message.
const MAX_RECIPIENTS: usize = 50;

/// Emails listed at most by `list_emails`.
const MAX_LISTED: usize = 200;

/// A body split into paragraphs at blank lines.
pub(crate) fn paragraphs(body: &str) -> Vec<Paragraph> {
    body.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Paragraph::text)
        .collect()
}

/// A free path for a message in `<home>/Mail/<folder>`, named by time and
/// subject like a mail client saves it: `t` is the persona's wall-clock
/// time ([`crate::Scenario::local`]), so the name's date is the day the
/// persona received or sent it.
pub(crate) fn mail_path(
    world: &Workspace,
    home: &VPath,
    folder: &str,
    t: SimTime,
    subject: &str,
) -> VPath {
    let (h, m, _) = t.time_of_day();
    let clean: String = subject
        .chars()
        .map(|c| {
            if c.is_control() || "/\\:*?\"<>|".contains(c) {
                '-'
            } else {
                c
            }
        })
        .take(60)
        .collect();
    let clean = clean.trim().trim_end_matches(['.', ' ']);
    let stem = format!("{} {h:02}{m:02} {clean}", t.date_string());
    let dir = home.join("Mail").and_then(|d| d.join(folder));
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.eml")
        } else {
            format!("{stem} ({n}).eml")
        };
        if let Ok(p) = dir
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|d| d.join(&name))
            && world.artifact(&p).is_none()
            && !world.is_folder(&p)
        {
            return p;
        }
    }
    let fallback = format!("{} {h:02}{m:02} message {}.eml", t.date_string(), t.secs());
    dir.and_then(|d| d.join(&fallback))
        .unwrap_or_else(|_| home.clone())
}

/// Reads `Name <a@b>` or `a@b`.
fn parse_address(s: &str) -> Result<Mailbox, ToolError> {
    let s = s.trim();
    let (name, addr) = match (s.find('<'), s.rfind('>')) {
        (Some(i), Some(j)) if i < j => (s[..i].trim().trim_matches('"'), &s[i + 1..j]),
        _ => ("", s),
    };
    let ok = addr.len() <= 254
        && addr.split_once('@').is_some_and(|(l, d)| {
            !l.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
        })
        && !addr
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == ',');
    if !ok {
        return Err(ToolError::invalid(
            "address",
            s,
            "expected name@domain.example",
        ));
    }
    Ok(Mailbox::new(name, addr))
}

fn addresses(list: &[String]) -> Result<Vec<Mailbox>, ToolError> {
    if list.len() > MAX_RECIPIENTS {
        return Err(ToolError::Limit {
            what: "recipients",
            limit: MAX_RECIPIENTS,
            actual: list.len(),
        });
    }
    list.iter().map(|s| parse_address(s)).collect()
}

impl Session {
    fn email_at(&self, path: &VPath) -> Result<&Email, ToolError> {
        match self.world.artifact(path) {
            Some(Artifact::Email(e)) => Ok(e),
            Some(a) => Err(ToolError::WrongKind {
                path: path.clone(),
                expected: "email",
                actual: a.kind().as_str(),
            }),
            None => Err(ToolError::NotFound { path: path.clone() }),
        }
    }

    fn check_attachments(&self, list: &[VPath]) -> Result<(), ToolError> {
        if list.len() > MAX_RECIPIENTS {
            return Err(ToolError::Limit {
                what: "attachments",
                limit: MAX_RECIPIENTS,
                actual: list.len(),
            });
        }
        for p in list {
            if self.world.artifact(p).is_none() {
                return Err(ToolError::NotFound { path: p.clone() });
            }
        }
        Ok(())
    }

    pub(crate) fn list_emails(&self, a: &ListEmails) -> Result<String, ToolError> {
        let dir = self
            .scenario
            .home
            .join("Mail")
            .and_then(|d| d.join(&a.folder))
            .map_err(|e| ToolError::invalid("folder", &a.folder, e.to_string()))?;
        if !self.world.is_folder(&dir) {
            return Err(ToolError::NotFound { path: dir });
        }
        let mut mails: Vec<(&VPath, &Email)> = self
            .world
            .artifacts()
            .filter(|(p, _)| p.parent().as_ref() == Some(&dir))
            .filter_map(|(p, a)| match a {
                Artifact::Email(e) => Some((p, e)),
                _ => None,
            })
            .collect();
        mails.sort_by(|x, y| y.1.date.cmp(&x.1.date).then(x.0.cmp(y.0)));
        let mut out = format!("{} ({} messages)\n", dir, mails.len());
        for (p, e) in mails.iter().take(MAX_LISTED) {
            let who = if a.folder == "Sent" {
                e.to.first().map_or("", |m| m.address.as_str())
            } else {
                e.from.address.as_str()
            };
            let clip = if e.attachments.is_empty() {
                String::new()
            } else {
                format!(" [{} attachment(s)]", e.attachments.len())
            };
            out.push_str(&format!("{}  {who}  {}{clip}\n  {p}\n", e.date, e.subject));
        }
        if mails.len() > MAX_LISTED {
            out.push_str(&format!("… {} older not shown\n", mails.len() - MAX_LISTED));
        }
        Ok(out)
    }

    pub(crate) fn read_email(&self, path: &VPath) -> Result<String, ToolError> {
        let e = self.email_at(path)?;
        Ok(simdesk_engine::render_text(
            path,
            &Artifact::Email(e.clone()),
        ))
    }

    /// Sends a message as the agent and lets recipients react.
    fn send(&mut self, tool: &'static str, email: Email) -> Result<String, ToolError> {
        if email.subject.chars().count() > 500 {
            return Err(ToolError::Limit {
                what: "subject length",
                limit: 500,
                actual: email.subject.chars().count(),
            });
        }
        let path = mail_path(
            &self.world,
            &self.scenario.home,
            "Sent",
            self.scenario.local(self.now),
            &email.subject,
        );
        let out = self.apply_agent(
            tool,
            Op::SendEmail {
                path: path.clone(),
                email: email.clone(),
            },
        )?;
        self.on_agent_mail(&email);
        let mut text = format!(
            "sent \"{}\" to {} ({path})",
            email.subject,
            email
                .to
                .iter()
                .map(|m| m.address.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        for d in &out.diagnostics {
            text.push_str(&format!("\n{d}"));
        }
        Ok(text)
    }

    fn new_email(
        &mut self,
        to: Vec<Mailbox>,
        cc: Vec<Mailbox>,
        subject: String,
        body: &str,
        attachments: Vec<VPath>,
    ) -> Email {
        let n = self.next_counter();
        let agent = self.scenario.agent.clone();
        let domain = agent
            .address
            .rsplit_once('@')
            .map_or("simdesk.example", |(_, d)| d)
            .to_owned();
        Email {
            from: agent,
            to,
            cc,
            subject,
            date: self.now,
            message_id: format!("sim-{n}.agent@{domain}"),
            in_reply_to: None,
            body: paragraphs(body),
            attachments,
        }
    }

    pub(crate) fn send_email(&mut self, a: &SendEmail) -> Result<String, ToolError> {
        let to = addresses(&a.to)?;
        if to.is_empty() {
            return Err(ToolError::invalid("to", "", "at least one recipient"));
        }
        let cc = addresses(&a.cc)?;
        self.check_attachments(&a.attachments)?;
        let e = self.new_email(to, cc, a.subject.clone(), &a.body, a.attachments.clone());
        self.send("send_email", e)
    }

    pub(crate) fn reply_email(&mut self, a: &ReplyEmail) -> Result<String, ToolError> {
        let orig = self.email_at(&a.path)?.clone();
        self.check_attachments(&a.attachments)?;
        let me = self.scenario.agent.address.clone();
        let mut to = if orig.from.address.eq_ignore_ascii_case(&me) {
            orig.to.clone()
        } else {
            vec![orig.from.clone()]
        };
        let mut cc = Vec::new();
        if a.reply_all {
            for m in orig.to.iter().chain(&orig.cc) {
                if !m.address.eq_ignore_ascii_case(&me) && !to.contains(m) && !cc.contains(m) {
                    cc.push(m.clone());
                }
            }
        }
        to.dedup();
        let subject = if orig.subject.to_lowercase().starts_with("re:") {
            orig.subject.clone()
        } else {
            format!("Re: {}", orig.subject)
        };
        let mut e = self.new_email(to, cc, subject, &a.body, a.attachments.clone());
        e.in_reply_to = Some(orig.message_id.clone());
        self.send("reply_email", e)
    }

    pub(crate) fn forward_email(&mut self, a: &ForwardEmail) -> Result<String, ToolError> {
        let orig = self.email_at(&a.path)?.clone();
        let to = addresses(&a.to)?;
        if to.is_empty() {
            return Err(ToolError::invalid("to", "", "at least one recipient"));
        }
        let mut attachments = orig.attachments.clone();
        for p in &a.attachments {
            if !attachments.contains(p) {
                attachments.push(p.clone());
            }
        }
        self.check_attachments(&attachments)?;
        let quoted = simdesk_engine::render_text(&a.path, &Artifact::Email(orig.clone()));
        let body = format!(
            "{}\n\n---------- Forwarded message ----------\n\n{quoted}",
            a.body
        );
        let e = self.new_email(
            to,
            Vec::new(),
            format!("Fwd: {}", orig.subject),
            &body,
            attachments,
        );
        self.send("forward_email", e)
    }
}
