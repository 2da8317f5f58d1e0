//! The email backlog: threads, composing and filing messages.

use super::*;

/// A sender: actor key, person and writing style.
pub(super) type Sender = (String, Person, Style);

/// A message before it is filed.
pub(super) struct Mail {
    pub(super) date: SimTime,
    pub(super) actor: String,
    pub(super) email: Email,
    pub(super) inbox: bool,
}

impl<'t> Gen<'t> {
    /// Who a party is in this world, as a sender: the persona, the
    /// entity's contact (when they are a collaborator) or a collaborator.
    pub(super) fn who(&self, party: &Party, ent: Option<usize>) -> Option<Sender> {
        match party {
            Party::Persona => Some(("persona".into(), self.persona.clone(), self.style)),
            Party::Contact => {
                let e = &self.entities[ent?];
                let (k, (p, c)) = self
                    .collab
                    .iter()
                    .find(|(_, (p, _))| p.email == e.contact.email)?;
                Some((k.clone(), p.clone(), c.style))
            }
            Party::Collaborator(k) => self
                .collab
                .get(k)
                .map(|(p, c)| (k.to_owned(), p.clone(), c.style)),
        }
    }

    pub(super) fn compose(
        &mut self,
        from: &(String, Person, Style),
        to: &Person,
        body: &str,
    ) -> Vec<Paragraph> {
        let t = self.t;
        let st = &t.common.styles;
        let s = st.get(from.2.as_str());
        let mut out = Vec::new();
        if let Some(s) = s {
            let g = self.rng.pick(&s.greetings).replace("{name}", &to.called);
            out.push(Paragraph::text(&g));
        }
        for p in body.split("\n\n") {
            let p = p.split_whitespace().collect::<Vec<_>>().join(" ");
            if !p.is_empty() {
                out.push(Paragraph::text(&p));
            }
        }
        if let Some(s) = s {
            if !s.asides.is_empty() && self.rng.chance(0.6) {
                out.push(Paragraph::text(self.rng.pick(&s.asides).as_str()));
            }
            // The closing varies; the name under it is always the one the
            // sender signs with.
            let so = self.rng.pick(&s.signoffs).clone();
            let signed = if so.contains("{me}") {
                so.replace("{me}", &from.1.signs)
            } else {
                format!("{so}\n{}", from.1.signs)
            };
            out.push(Paragraph::text(&signed));
        }
        out
    }

    pub(super) fn message_id(&mut self) -> String {
        self.msg_n += 1;
        format!("{}.{}@{}", self.msg_n, &self.rng.hex()[..12], self.domain)
    }

    /// A moment inside the persona's working hours (local) on a working
    /// day `lo_day..=hi_day` days after the start.
    pub(super) fn business_time(&mut self, lo_day: i64, hi_day: i64) -> SimTime {
        let hours = self.hours();
        let first = hours.local_day(self.start);
        let days: Vec<i64> = (first + lo_day..=first + hi_day)
            .filter(|d| hours.works_on(*d))
            .collect();
        let day = if days.is_empty() {
            first + lo_day
        } else {
            *self.rng.pick(&days)
        };
        let (open, close) = (i64::from(hours.start.0), i64::from(hours.end.0));
        hours.at_local(day, self.rng.int(open, close - 1) * 60)
    }

    pub(super) fn attachment(&self, id: &str, ent: Option<usize>) -> Option<VPath> {
        ent.and_then(|i| self.entities[i].paths.get(id).cloned())
            .or_else(|| self.globals.get(id).cloned())
    }

    pub(super) fn threads(&mut self) -> Result<Vec<Mail>, GenError> {
        let pack = self.pack;
        let mut mails = Vec::new();
        for th in &pack.threads {
            let n = self.rng.int(i64::from(th.count[0]), i64::from(th.count[1])) as usize;
            let needs_contact = th
                .messages
                .iter()
                .any(|m| m.from == Party::Contact || m.to == Party::Contact);
            let mut pool: Vec<usize> = (0..self.entities.len())
                .filter(|i| !needs_contact || self.entities[*i].featured)
                .collect();
            self.rng.shuffle(&mut pool);
            let ents: Vec<Option<usize>> = if th.scope == "entity" {
                pool.into_iter().take(n).map(Some).collect()
            } else {
                vec![None; n.min(1)]
            };
            for ent in ents {
                let mut ctx = self.base_ctx(false);
                if let Some(i) = ent {
                    ctx.insert(key("entity"), self.entity_ctx(i));
                }
                let ctx = ctx_value(&ctx);
                let subject = self.render_str(&th.subject, &ctx)?.trim().to_owned();
                let mut t = self.business_time(0, 12);
                let mut prev: Option<String> = None;
                for (mi, m) in th.messages.iter().enumerate() {
                    let (Some(from), Some(to)) = (self.who(&m.from, ent), self.who(&m.to, ent))
                    else {
                        break;
                    };
                    // Someone working from elsewhere writes in their own
                    // hours too.
                    t = self.open_for(&from.0, t);
                    let body = self.render_prose(&m.body, &ctx)?;
                    let body = {
                        let res = self.resolver(ent);
                        markup::text(&body, &res).map_err(|x| gerr(self.t, x))?
                    };
                    let paras = self.compose(&from, &to.1, &body);
                    let attachments: Vec<VPath> = m
                        .attach
                        .iter()
                        .filter_map(|a| self.attachment(a, ent))
                        .collect();
                    let id = self.message_id();
                    let email = Email {
                        from: Mailbox::new(&from.1.display, &from.1.email),
                        to: vec![Mailbox::new(&to.1.display, &to.1.email)],
                        cc: Vec::new(),
                        subject: if mi == 0 {
                            subject.clone()
                        } else {
                            format!("Re: {subject}")
                        },
                        date: t,
                        message_id: id.clone(),
                        in_reply_to: prev.clone(),
                        body: paras,
                        attachments,
                    };
                    mails.push(Mail {
                        date: t,
                        actor: from.0.clone(),
                        email,
                        inbox: from.0 != "persona",
                    });
                    prev = Some(id);
                    // The reply comes within the day, or the next
                    // working morning.
                    let later = t.plus_secs(self.rng.int(40 * 60, 20 * 3600));
                    t = self.hours().next_open(later);
                    if t != later {
                        t = t.plus_secs(self.rng.int(0, 90) * 60);
                    }
                }
            }
        }
        Ok(mails)
    }

    pub(super) fn finish_emails(&mut self, mut mails: Vec<Mail>) -> Result<(), GenError> {
        mails.sort_by_key(|m| m.date);
        let mut last = self.start;
        let inbox = self.join(&self.join(&self.home, "Mail")?, "Inbox")?;
        let sent = self.join(&self.join(&self.home, "Mail")?, "Sent")?;
        self.folder(&inbox);
        self.folder(&sent);
        for mut m in mails {
            if m.date <= last {
                m.date = self.open_for(&m.actor, last.plus_secs(60));
            }
            if m.date >= self.now {
                m.date = self.now.plus_secs(-60);
            }
            last = m.date;
            m.email.date = m.date;
            // Named by the persona's wall clock, as their mail client
            // saves it (the Date header carries the offset).
            let local = self.hours.local(m.date);
            let (h, mi, _) = local.time_of_day();
            let stem = format!(
                "{} {h:02}{mi:02} {}",
                local.date_string(),
                m.email.subject.chars().take(60).collect::<String>()
            );
            let dir = if m.inbox { inbox.clone() } else { sent.clone() };
            let path = self.claim(&dir, &stem, "eml")?;
            self.spec.emails.push(EmailSpec {
                path,
                actor: m.actor,
                email: m.email,
            });
        }
        Ok(())
    }
}
