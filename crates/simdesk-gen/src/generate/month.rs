//! The month: the template's objective recipes repeated in rounds until a
//! computer holds at least `min_objectives` (`templates/_sim/month.toml`);
//! the first round waits in the inbox, the rest arrive by email over about
//! four working weeks. Some files are held back by a collaborator until
//! asked for, one figure is disagreed about (the requester's word wins),
//! one deliverable is renamed after the request. Everything a session needs
//! — the schedule, collaborators with hours, latency, knowledge and
//! reviews, follow-ups and the brief — becomes the spec's
//! [`Scenario`](simdesk_sim::Scenario).

use std::sync::OnceLock;

use simdesk_sim::{Conflict, FileDrop, FollowUps, Instruction, Knowledge, Scenario, Scheduled};

use super::objectives::Request;
use super::*;

/// The month's settings and prose, shipped as `templates/_sim/month.toml`.
pub const MONTH_TOML: &str = include_str!("../../../../templates/_sim/month.toml");

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthData {
    min_objectives: usize,
    spread_business_days: u32,
    month_days: u32,
    hold_backs: usize,
    brief: String,
    latency: BTreeMap<String, [u32; 2]>,
    hold_back: HoldBackProse,
    change: ChangeProse,
    conflict: ConflictProse,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HoldBackProse {
    variants: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ChangeProse {
    variants: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConflictProse {
    instruction: Vec<String>,
    confirm: Vec<String>,
    resolution: String,
    keywords: Vec<String>,
}

fn month_data() -> Result<&'static MonthData, String> {
    static DATA: OnceLock<Result<MonthData, String>> = OnceLock::new();
    DATA.get_or_init(|| {
        let d: MonthData =
            toml::from_str(MONTH_TOML).map_err(|e| format!("templates/_sim/month.toml: {e}"))?;
        let empty = d.hold_back.variants.is_empty()
            || d.change.variants.is_empty()
            || d.conflict.instruction.is_empty()
            || d.conflict.confirm.is_empty();
        if empty || d.min_objectives == 0 || d.spread_business_days == 0 {
            return Err("templates/_sim/month.toml: a prose table or a count is empty".into());
        }
        Ok(d)
    })
    .as_ref()
    .map_err(Clone::clone)
}

/// Which objectives (by index in the computer) are held back, disagreed
/// about or renamed; all in later rounds, so their request arrives while
/// the session runs.
#[derive(Debug, Default)]
pub(super) struct Slots {
    pub(super) hold: BTreeSet<usize>,
    pub(super) conflict: Option<usize>,
    pub(super) change: Option<usize>,
    /// Objectives in the computer.
    total: usize,
    /// When the first round's requests reached the inbox, in the order
    /// they were made: a request that builds on an earlier one's work (a
    /// firm-wide file sent as it stands after a client's figures changed)
    /// comes after it.
    inbox: Vec<SimTime>,
}

/// What the month schedules, collected while objectives are made.
#[derive(Debug, Default)]
pub(super) struct Month {
    schedule: Vec<Scheduled>,
    knows: BTreeMap<String, Vec<Knowledge>>,
    conflicts: Vec<Conflict>,
    /// Every scheduled objective's (id, requester address).
    requested: Vec<(String, String)>,
}

/// Replaces `{key}` placeholders.
fn fill(text: &str, vars: &[(&str, &str)]) -> String {
    vars.iter().fold(text.to_owned(), |t, (k, v)| {
        t.replace(&format!("{{{k}}}"), v)
    })
}

fn paragraphs_text(paras: &[Paragraph]) -> String {
    paras
        .iter()
        .map(|p| simdesk_model::inlines_text(&p.inlines))
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn file_name(p: &VPath) -> String {
    p.file_name().unwrap_or("").to_owned()
}

impl<'t> Gen<'t> {
    /// Decides how many objectives the computer gets and which of the
    /// later ones are held back, disagreed about and renamed; returns the
    /// count.
    pub(super) fn plan_month(&mut self) -> Result<usize, GenError> {
        let d = month_data().map_err(|e| self.e(e))?;
        let recipes = &self.pack.objectives;
        let n = recipes.len();
        let total = d.min_objectives.div_ceil(n).max(2) * n;
        let shape = |k: usize| recipes[k % n].shape;
        let mut held: Vec<usize> = (n..total)
            .filter(|k| matches!(shape(*k), Shape::RefreshExportSend | Shape::RefreshValue))
            .collect();
        self.rng.shuffle(&mut held);
        let hold: BTreeSet<usize> = held.into_iter().take(d.hold_backs).collect();
        let conflicts: Vec<usize> = (n..total)
            .filter(|k| shape(*k) == Shape::AssumptionChange && !hold.contains(k))
            .collect();
        let conflict = (!conflicts.is_empty()).then(|| *self.rng.pick(&conflicts));
        let changes: Vec<usize> = (n..total)
            .filter(|k| {
                recipes[k % n].deliverable.is_some() && !hold.contains(k) && Some(*k) != conflict
            })
            .collect();
        let change = (!changes.is_empty()).then(|| *self.rng.pick(&changes));
        let inbox = self.inbox_times(n);
        self.slots = Slots {
            hold,
            conflict,
            change,
            total,
            inbox,
        };
        Ok(total)
    }

    /// How many of the month's objectives work on an entity (all but
    /// those sending a firm-wide file).
    pub(super) fn entity_objectives(&self) -> Result<usize, GenError> {
        let d = month_data().map_err(|e| self.e(e))?;
        let recipes = &self.pack.objectives;
        let rounds = d.min_objectives.div_ceil(recipes.len()).max(2);
        let global = |id: &str| {
            id == "tracker"
                || self
                    .pack
                    .artifacts
                    .iter()
                    .any(|a| a.id == id && a.scope != "entity")
        };
        let per_round = recipes
            .iter()
            .filter(|o| o.shape != Shape::ExportSend || !o.source.as_deref().is_some_and(global))
            .count();
        Ok(per_round * rounds)
    }

    /// The persona's standard time as minutes east of UTC (their zone's
    /// offset on a given day is [`WorkingHours::offset_minutes_at`]).
    pub(super) fn utc_offset(&self) -> i32 {
        self.place.timezone.0.standard_minutes
    }

    /// The persona's (and colleagues') working hours: the profile's
    /// `working_hours` and `working_days` in the persona's time zone, less
    /// the place's public holidays.
    pub(super) fn hours(&self) -> WorkingHours {
        self.hours.clone()
    }

    /// `t`'s date in the persona's time zone (`2026-01-05`).
    pub(super) fn local_date(&self, t: SimTime) -> String {
        self.hours.local(t).date_string()
    }

    /// The end of the month: `month_days` calendar days after the start,
    /// or later when weekends and public holidays push the last request's
    /// working day (and the two working days its due date needs: one to
    /// work, one to deliver) past that, so every request of the month
    /// arrives, and falls due, before the session ends.
    fn month_end(&self) -> SimTime {
        let (days, spread) =
            month_data().map_or((30, 0), |d| (d.month_days, d.spread_business_days));
        let hours = self.hours();
        let start = hours.local_day(self.now);
        let mut day = start;
        let mut left = spread + 2;
        while left > 0 && day < start + 366 {
            day += 1;
            if hours.works_on(day) {
                left -= 1;
            }
        }
        let day = day.max(start + i64::from(days));
        hours.at_local(day, 18 * 3600)
    }

    /// `n` moments inside working hours on the three working days before
    /// the session starts (local), earliest first.
    fn inbox_times(&mut self, n: usize) -> Vec<SimTime> {
        let hours = self.hours();
        let mut days = Vec::new();
        let mut day = hours.local_day(self.now);
        while days.len() < 3 {
            day -= 1;
            if hours.works_on(day) {
                days.push(day);
            }
        }
        let (open, close) = (i64::from(hours.start.0), i64::from(hours.end.0));
        let mut times: Vec<SimTime> = (0..n)
            .map(|_| {
                let d = *self.rng.pick(&days);
                hours.at_local(d, self.rng.int(open, close - 1) * 60)
            })
            .collect();
        times.sort();
        times
    }

    /// When the first round's request `k` reached the inbox.
    pub(super) fn inbox_time(&self, k: usize) -> SimTime {
        self.slots
            .inbox
            .get(k)
            .copied()
            .unwrap_or_else(|| self.now.plus_secs(-3600))
    }

    /// When objective `k`'s request arrives: the session's start for the
    /// first round; later ones spread over the working days that follow,
    /// inside working hours.
    pub(super) fn arrival_of(&mut self, k: usize) -> Result<SimTime, GenError> {
        let n = self.pack.objectives.len();
        if k < n {
            return Ok(self.now);
        }
        let d = month_data().map_err(|e| self.e(e))?;
        let later = self.slots.total.saturating_sub(n).max(1);
        let j = k - n;
        let span = (d.spread_business_days - 1) as usize;
        let business = 1 + j * span / (later - 1).max(1);
        let hours = self.hours();
        let mut day = hours.local_day(self.now);
        let mut left = business;
        while left > 0 {
            day += 1;
            if hours.works_on(day) {
                left -= 1;
            }
        }
        // Inside the working day, leaving an hour before it closes.
        let (open, close) = (i64::from(hours.start.0), i64::from(hours.end.0));
        let minute = self.rng.int(open, (close - 60).max(open));
        Ok(hours.at_local(day, minute * 60))
    }

    /// The due date of an objective arriving now: `days` later, at least
    /// a day after it arrives and before the month ends, on a working day
    /// (not a weekend or public holiday), at 17:00 local or an hour before
    /// the working day ends if that is earlier.
    pub(super) fn due_from(&mut self, days: [u32; 2]) -> SimTime {
        let n = self.rng.int(i64::from(days[0]), i64::from(days[1]));
        let hours = self.hours();
        let day_of = |t: SimTime| hours.local_day(t);
        let mut day = day_of(self.arrive) + n;
        let mut lo = day_of(self.arrive) + 1;
        let mut hi = i64::MAX;
        if self.round > 0 {
            hi = day_of(self.month_end()) - 1;
            day = day.min(hi).max(lo);
        }
        // The nearest working day at or after it, else before it.
        lo = lo.min(day);
        let forward = (day..=day.saturating_add(31).min(hi)).find(|d| hours.works_on(*d));
        let day = forward
            .or_else(|| (lo..day).rev().find(|d| hours.works_on(*d)))
            .unwrap_or(day);
        let close = i64::from(hours.end.0) - 60;
        let minute = (17 * 60).min(close).max(i64::from(hours.start.0));
        hours.at_local(day, minute * 60)
    }

    /// Removes a file the generator created from the starting world: it
    /// arrives later instead.
    fn take_artifact(&mut self, p: &VPath) -> Result<Artifact, GenError> {
        let i = self
            .spec
            .artifacts
            .iter()
            .position(|a| &a.path == p)
            .ok_or_else(|| self.e(format!("no generated file {p} to schedule")))?;
        Ok(self.spec.artifacts.remove(i).artifact)
    }

    /// Someone other than `requester` who can hold a file: a vendor or a
    /// peer first.
    fn holder_for(&mut self, requester: &str) -> Result<(String, Person), GenError> {
        let rank = |c: &Collaborator| match c.relation.as_str() {
            "vendor" => 0,
            "peer" => 1,
            "manager" => 3,
            _ => 2,
        };
        let mut cands: Vec<(u8, String)> = self
            .collab
            .iter()
            .filter(|(k, _)| k.as_str() != requester)
            .map(|(k, (_, c))| (rank(c), k.clone()))
            .collect();
        cands.sort();
        let best = cands
            .first()
            .map(|c| c.0)
            .ok_or_else(|| self.e("no collaborator to hold a file"))?;
        let top: Vec<String> = cands
            .into_iter()
            .filter(|c| c.0 == best)
            .map(|c| c.1)
            .collect();
        let k = self.rng.pick(&top).clone();
        let p = self.collab[&k].0.clone();
        Ok((k, p))
    }

    /// The other party of a disagreement about entity `ent`'s figure: its
    /// contact when they write to the persona, else a peer.
    fn other_party(&mut self, requester: &str, ent: Option<usize>) -> Option<Sender> {
        if let Some(s) = self.who(&Party::Contact, ent)
            && s.0 != requester
        {
            return Some(s);
        }
        let peers: Vec<String> = self
            .collab
            .iter()
            .filter(|(k, (_, c))| {
                k.as_str() != requester && c.relation != "manager" && !self.abroad.contains_key(*k)
            })
            .map(|(k, _)| k.clone())
            .collect();
        if peers.is_empty() {
            return None;
        }
        let k = self.rng.pick(&peers).clone();
        self.who(&Party::Collaborator(k), ent)
    }

    /// A later round's request: scheduled to arrive at [`Gen::arrive`]
    /// with its files (or with a note naming who holds them), its change
    /// of plan and its disagreement; the objective is recorded when it
    /// arrives.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn schedule_request(
        &mut self,
        o: &'t ObjectiveRecipe,
        from: Sender,
        due: SimTime,
        mut req: Request,
        title: String,
        subject: String,
        body: String,
    ) -> Result<(), GenError> {
        let d = month_data().map_err(|e| self.e(e))?;
        let id = format!("obj-{}", req.k + 1);
        let at = self.arrive;
        let mut body = body.trim().to_owned();
        let mut files = Vec::new();
        if self.slots.hold.contains(&req.k) && !req.attach.is_empty() {
            let (hk, holder) = self.holder_for(&from.0)?;
            let mut names = Vec::new();
            for (n, p) in std::mem::take(&mut req.attach).into_iter().enumerate() {
                let artifact = self.take_artifact(&p)?;
                names.push(file_name(&p));
                self.month
                    .knows
                    .entry(hk.clone())
                    .or_default()
                    .push(Knowledge {
                        id: format!("{id}-file-{}", n + 1),
                        keywords: Vec::new(),
                        min_keywords: 1,
                        refs: vec![file_name(&p)],
                        attachments: Vec::new(),
                        fact: String::new(),
                        file: Some(FileDrop { path: p, artifact }),
                        hold_back: true,
                        objective: Some(id.clone()),
                    });
            }
            let note = self.rng.pick(&d.hold_back.variants).clone();
            body.push_str("\n\n");
            body.push_str(&fill(
                &note,
                &[
                    ("holder", &holder.display),
                    ("holder_email", &holder.email),
                    ("file", &names.join(", ")),
                ],
            ));
        }
        for p in std::mem::take(&mut req.attach) {
            let artifact = self.take_artifact(&p)?;
            files.push(FileDrop { path: p, artifact });
        }
        let persona = self.persona.clone();
        let paras = self.compose(&from, &persona, &body);
        let hours = self.hours();
        if let Some((old, new)) = &req.renamed {
            let note = self.rng.pick(&d.change.variants).clone();
            let text = fill(&note, &[("old", &file_name(old)), ("new", &file_name(new))]);
            let paras = self.compose(&from, &persona, &text);
            let when = hours.next_open(at.plus_secs(self.rng.int(90, 240) * 60));
            self.month.schedule.push(Scheduled {
                at: when,
                from: from.0.clone(),
                subject: format!("Re: {subject}"),
                body: paragraphs_text(&paras),
                files: Vec::new(),
                objective: None,
                about: Some(id.clone()),
            });
        }
        if let Some(J::String(other_value)) = req.extra.get("conflict_value").cloned()
            && let (Some(J::String(value)), Some(J::String(label))) = (
                req.extra.get("new_value").cloned(),
                req.extra.get("assumption").cloned(),
            )
            && let Some(other) = self.other_party(&from.0, req.ent)
        {
            let label = label.to_lowercase();
            let vars = [
                ("title", title.as_str()),
                ("label", label.as_str()),
                ("new", other_value.as_str()),
                ("old", value.as_str()),
                ("other", other.1.called.as_str()),
            ];
            let ask = fill(&self.rng.pick(&d.conflict.instruction).clone(), &vars);
            let ask = self.compose(&other, &persona, &ask);
            let hold = fill(&self.rng.pick(&d.conflict.confirm).clone(), &vars);
            let hold = self.compose(&from, &persona, &hold);
            let first = hours.next_open(at.plus_secs(self.rng.int(60, 120) * 60));
            let second = hours.next_open(first.plus_secs(self.rng.int(60, 150) * 60));
            self.month.conflicts.push(Conflict {
                id: format!("conflict-{}", self.month.conflicts.len() + 1),
                objective: id.clone(),
                instructions: vec![
                    Instruction {
                        from: other.0.clone(),
                        at: first,
                        subject: subject.clone(),
                        body: paragraphs_text(&ask),
                    },
                    Instruction {
                        from: from.0.clone(),
                        at: second,
                        subject: format!("Re: {subject}"),
                        body: paragraphs_text(&hold),
                    },
                ],
                winner: from.0.clone(),
                keywords: d.conflict.keywords.clone(),
                resolution: fill(&d.conflict.resolution, &vars),
            });
        }
        let mut reference = std::mem::take(&mut req.reference);
        if let Some(target) = req.deliverable.take() {
            reference.push(self.reply(&from, &subject, None, target)?);
        }
        self.month
            .requested
            .push((id.clone(), from.1.email.clone()));
        self.month.schedule.push(Scheduled {
            at,
            from: from.0.clone(),
            subject,
            body: paragraphs_text(&paras),
            files,
            objective: Some(Objective {
                id,
                title,
                description: body,
                requested_by: from.1.email.clone(),
                message_id: None,
                assigned: Some(at),
                due,
                late: o
                    .late_per_day
                    .map_or(LatePolicy::Fail, |per_day| LatePolicy::Decay { per_day }),
                goals: req.goals,
                reference,
                confidential: Vec::new(),
            }),
            about: None,
        });
        Ok(())
    }

    /// The spec's scenario: the agent, the brief, collaborators as a
    /// session sees them, the schedule, disagreements and follow-ups.
    pub(super) fn scenario(&mut self) -> Result<(), GenError> {
        let d = month_data().map_err(|e| self.e(e))?;
        let hours = self.hours();
        let mut requested: Vec<(String, String)> = self
            .spec
            .objectives
            .iter()
            .map(|o| (o.objective.id.clone(), o.objective.requested_by.clone()))
            .collect();
        requested.extend(self.month.requested.iter().cloned());
        let keys: Vec<String> = self.collab.keys().cloned().collect();
        let mut collaborators = Vec::new();
        for k in keys {
            let (p, c) = self.collab[&k].clone();
            let [lo, hi] = d.latency.get(c.style.as_str()).copied().unwrap_or([30, 90]);
            let latency = self.rng.int(i64::from(lo), i64::from(hi.max(lo))) as u32;
            collaborators.push(simdesk_sim::CollaboratorSpec {
                key: k.clone(),
                name: p.display.clone(),
                called: p.called.clone(),
                signature: p.signs.clone(),
                email: p.email.clone(),
                role: c.role.clone(),
                relation: c.relation.clone(),
                style: c.style.as_str().to_owned(),
                hours: self
                    .abroad
                    .get(&k)
                    .map_or_else(|| hours.clone(), |(_, h)| h.clone()),
                location: self.abroad.get(&k).map(|(l, _)| simdesk_sim::Place {
                    city: l.city.clone(),
                    country: l.country.clone(),
                    timezone: l.timezone,
                }),
                latency_minutes: latency,
                knows: self.month.knows.remove(&k).unwrap_or_default(),
                reviews: requested
                    .iter()
                    .filter(|(_, by)| by.eq_ignore_ascii_case(&p.email))
                    .map(|(id, _)| id.clone())
                    .collect(),
            });
        }
        let manager = self.collab.get("manager").map(|(p, _)| p.clone());
        let persona = &self.spec.persona;
        let city = persona
            .profile
            .get("location")
            .and_then(|l| l.get("city"))
            .and_then(J::as_str)
            .unwrap_or("")
            .to_owned();
        let (mname, memail) = manager
            .as_ref()
            .map_or((String::new(), String::new()), |m| {
                (m.display.clone(), m.email.clone())
            });
        let brief = fill(
            &d.brief,
            &[
                ("name", &persona.name),
                ("role", &persona.role),
                ("employer", &persona.employer),
                ("city", &city),
                ("manager", &mname),
                ("manager_email", &memail),
                ("home", self.home.as_str()),
            ],
        );
        let mut schedule = std::mem::take(&mut self.month.schedule);
        schedule.sort_by_key(|s| s.at);
        self.spec.scenario = Some(Scenario {
            version: simdesk_sim::SCENARIO_VERSION,
            agent: Mailbox::new(&persona.name, &persona.email),
            agent_called: self.persona.called.clone(),
            home: self.home.clone(),
            utc_offset_minutes: self.utc_offset(),
            timezone: Some(self.place.timezone),
            date_format: Some(self.locale.date_long.clone()),
            brief,
            end: Some(self.month_end()),
            costs: simdesk_sim::Costs::builtin(),
            collaborators,
            schedule,
            conflicts: std::mem::take(&mut self.month.conflicts),
            follow_ups: FollowUps {
                manager: manager.map(|_| "manager".to_owned()),
                ..FollowUps::default()
            },
            prose: simdesk_sim::Prose::builtin(),
        });
        Ok(())
    }
}
