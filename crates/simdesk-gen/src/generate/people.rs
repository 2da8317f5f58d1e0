//! Collaborators, entities and their data rows.

use super::*;

impl<'t> Gen<'t> {
    pub(super) fn collaborators_and_entities(&mut self, faults: u32) -> Result<(), GenError> {
        let pack = self.pack;
        let styles = [Style::Terse, Style::Skeptical, Style::Chatty, Style::Formal];
        let mut internal = Vec::new();
        for c in &pack.collaborators {
            if c.required || self.rng.chance(0.5) {
                internal.push(c);
            }
        }
        internal.truncate(5);
        for c in internal {
            let mut p = self.new_person()?;
            let (org, domain) = match &c.organisation {
                Some(o) => {
                    let name = self.render_str(o, &ctx_value(&Ctx::new()))?;
                    let d = domain_of(&name);
                    (name, d)
                }
                None => (self.spec.persona.employer.clone(), self.domain.clone()),
            };
            p.email = self.address(&p, &domain);
            let style = *self.rng.pick(&styles);
            let col = Collaborator {
                key: c.key.clone(),
                name: p.display.clone(),
                role: c.role.clone(),
                email: p.email.clone(),
                relation: c.relation.as_str().to_owned(),
                style,
                organisation: org,
            };
            if !c.based_in.is_empty()
                && let Some(away) = self.draw_abroad(&c.key, &c.based_in)
            {
                self.abroad.insert(c.key.clone(), away);
            }
            self.collab.insert(c.key.clone(), (p, col));
        }
        // Entities.
        // Enough entities that every objective of the month works on its
        // own (a later objective on the same workbook would undo an
        // earlier one's goals), and the planted faults on others.
        // Beyond the template's own count, only as many as its names allow
        // (objectives then share entities, and settle drops what later
        // work undoes).
        let drawn = self.rng.int(
            i64::from(pack.entity.count[0]),
            i64::from(pack.entity.count[1]),
        ) as usize;
        let n = drawn.max(self.entity_objectives()? + 2 * faults as usize);
        let mut names = BTreeSet::new();
        'entities: for i in 0..n {
            let mut tries = 0;
            loop {
                tries += 1;
                let mut contact = self.new_person()?;
                let ctx = self.pick_ctx(Some(&contact));
                let ctx = ctx_value(&ctx);
                let name = self.render_str(&pack.entity.name, &ctx)?.trim().to_owned();
                let short = self.render_str(&pack.entity.short, &ctx)?.trim().to_owned();
                if !names.insert(short.to_lowercase()) {
                    self.release_person(&contact);
                    if tries > 30 {
                        if i >= drawn {
                            break 'entities;
                        }
                        return Err(self.e("could not find distinct entity names"));
                    }
                    continue;
                }
                let domain = if pack.entity.contact_domain == "employer" {
                    self.domain.clone()
                } else if pack.entity.contact_domain == "personal" {
                    self.rng.pick(&self.t.common.personal_domains).clone()
                } else {
                    domain_of(&self.render_str(&pack.entity.contact_domain, &ctx)?)
                };
                contact.email = self.address(&contact, &domain);
                let mut attrs = BTreeMap::new();
                for (k, list) in &pack.entity.attributes {
                    let v = pack
                        .vocab
                        .get(list)
                        .ok_or_else(|| self.e(format!("no vocab list {list}")))?;
                    attrs.insert(k.clone(), self.rng.pick(v).clone());
                }
                let (rows, mut asm) = self.dataset_rows(&attrs)?;
                let mut book = compute_book(pack, &rows, &asm).map_err(|e| self.e(e))?;
                self.keep_book_rules(&rows, &mut asm, &mut book, &mut attrs)?;
                self.entities.push(Entity {
                    name,
                    short,
                    contact,
                    attrs,
                    dir: VPath::root(),
                    deliver_dir: VPath::root(),
                    rows,
                    asm,
                    book,
                    csv: VPath::root(),
                    wb: VPath::root(),
                    news: Vec::new(),
                    paths: BTreeMap::new(),
                    featured: false,
                });
                break;
            }
        }
        // Featured entities: their contacts are collaborators (3..=8 in all).
        let contact_objs = pack
            .objectives
            .iter()
            .filter(|o| o.from == Party::Contact)
            .count();
        let contact_threads = usize::from(pack.threads.iter().any(|t| {
            t.messages
                .iter()
                .any(|m| m.from == Party::Contact || m.to == Party::Contact)
        }));
        let want = (contact_objs + contact_threads).clamp(1, 3);
        let room = 8 - self.collab.len().min(8);
        let k = want
            .min(room)
            .max(3usize.saturating_sub(self.collab.len()))
            .min(self.entities.len());
        for i in 0..k {
            let e = &mut self.entities[i];
            e.featured = true;
            let col = Collaborator {
                key: format!("contact-{}", i + 1),
                name: e.contact.display.clone(),
                role: format!("{} ({})", pack.entity.contact_role, e.name),
                email: e.contact.email.clone(),
                relation: "client".to_owned(),
                style: styles[(i + 1) % 4],
                organisation: e.name.clone(),
            };
            let p = e.contact.clone();
            self.collab.insert(col.key.clone(), (p, col));
        }
        for (_, c) in self.collab.values_mut() {
            let _ = c;
        }
        let keys: Vec<String> = self.collab.keys().cloned().collect();
        for k in keys {
            let style = *self.rng.pick(&styles);
            if let Some((_, c)) = self.collab.get_mut(&k)
                && c.relation == "client"
            {
                c.style = style;
            }
        }
        self.spec.collaborators = self.collab.values().map(|(_, c)| c.clone()).collect();
        Ok(())
    }

    /// Where collaborator `key` works from, among the locations of
    /// `countries` (not the persona's city) whose working day shares two
    /// hours or more with the persona's over the first working week, and
    /// their hours there: the persona's clock hours, in their time zone,
    /// less their public holidays. `None` when no place qualifies. Drawn
    /// from a stream of its own, so that placing someone abroad moves no
    /// other draw of the world.
    fn draw_abroad(
        &self,
        key: &str,
        countries: &[String],
    ) -> Option<(crate::pack::Location, WorkingHours)> {
        let (seed, index) = self
            .spec
            .origin
            .as_ref()
            .map_or((0, 0), |o| (o.seed, o.index));
        let mut rng = SeededRng::new(&format!("{}#abroad#{key}", self.t.id), seed, index);
        let places: Vec<(crate::pack::Location, WorkingHours)> = self
            .t
            .common
            .locations
            .iter()
            .filter(|l| countries.contains(&l.country) && l.city != self.place.city)
            .map(|l| {
                let h = WorkingHours {
                    utc_offset_minutes: l.timezone.0.standard_minutes,
                    timezone: Some(l.timezone),
                    holidays: self.holiday_dates(&l.city, &l.country),
                    ..self.hours.clone()
                };
                (l.clone(), h)
            })
            .filter(|(_, h)| self.shared_minutes(h) >= 120 * 5)
            .collect();
        (!places.is_empty()).then(|| rng.pick(&places).clone())
    }

    /// Minutes the persona's working hours and `other` share over the
    /// persona's first five working days of the month (quarter-hour steps).
    fn shared_minutes(&self, other: &WorkingHours) -> i64 {
        let h = &self.hours;
        let (open, close) = (i64::from(h.start.0), i64::from(h.end.0));
        let mut day = h.local_day(self.now);
        let (mut days, mut shared) = (0, 0);
        while days < 5 && day < h.local_day(self.now) + 30 {
            if h.works_on(day) {
                days += 1;
                shared += (open..close)
                    .step_by(15)
                    .filter(|m| other.is_open(h.at_local(day, m * 60)))
                    .count() as i64
                    * 15;
            }
            day += 1;
        }
        shared
    }

    /// The first moment at or after `t` at which `actor` can write:
    /// inside the persona's working hours and, for a collaborator working
    /// from elsewhere, inside theirs too (their places are drawn to share
    /// hours with the persona's, so the search ends within days).
    pub(super) fn open_for(&self, actor: &str, t: SimTime) -> SimTime {
        let mut t = self.hours.next_open(t);
        let Some((_, theirs)) = self.abroad.get(actor) else {
            return t;
        };
        for _ in 0..64 {
            let u = theirs.next_open(t);
            if u == t {
                return t;
            }
            t = self.hours.next_open(u);
        }
        t
    }

    /// The random part of a prose context: one word of each vocabulary
    /// list, a number, the contact, the persona and the employer.
    pub(super) fn pick_ctx(&mut self, person: Option<&Person>) -> Ctx {
        let mut one = serde_json::Map::new();
        for (k, v) in &self.pack.vocab {
            if !v.is_empty() {
                one.insert(k.clone(), J::String(self.rng.pick(v).clone()));
            }
        }
        let n = self.rng.int(1000, 9999);
        Ctx::from([
            (key("one"), mj(&J::Object(one))),
            (key("n"), mj(&json!(n))),
            (key("contact"), mj(&json!(person.map(|p| p.json(""))))),
            (
                key("persona"),
                mj(&self.persona.json(&self.spec.persona.role)),
            ),
            (key("employer"), mj(&json!(self.spec.persona.employer))),
        ])
    }

    pub(super) fn gen_column(
        &mut self,
        c: &ColumnRecipe,
        rec: Option<&BTreeMap<String, toml::Value>>,
        row: usize,
    ) -> Result<Val, GenError> {
        let pack = self.pack;
        let base: Option<Val> = if let Some(f) = &c.field {
            let r = rec.ok_or_else(|| self.e(format!("column {} needs dataset.records", c.key)))?;
            Some(match r.get(f) {
                Some(toml::Value::String(s)) => Val::Text(s.clone()),
                Some(toml::Value::Integer(i)) => Val::Num(*i as f64),
                Some(toml::Value::Float(x)) => Val::Num(*x),
                _ => return Err(self.e(format!("record has no field {f}"))),
            })
        } else if let Some(l) = &c.pick {
            let v = pack
                .vocab
                .get(l)
                .ok_or_else(|| self.e(format!("no vocab {l}")))?;
            Some(Val::Text(self.rng.pick(v).clone()))
        } else if let Some(l) = &c.cycle {
            let v = pack
                .vocab
                .get(l)
                .ok_or_else(|| self.e(format!("no vocab {l}")))?;
            Some(Val::Text(v[row % v.len().max(1)].clone()))
        } else if let Some([a, b]) = c.int {
            Some(Val::Num(self.rng.int(a, b) as f64))
        } else if let Some([a, b]) = c.num {
            Some(Val::Num(self.rng.num(a, b)))
        } else if let Some(prefix) = &c.seq {
            Some(Val::Text(format!(
                "{prefix}{}",
                1001 + row * 7 + self.rng.below(5)
            )))
        } else if let Some([a, b]) = c.days_ago {
            let d = self.rng.int(a, b);
            Some(Val::Text(
                self.data_cut().plus_secs(-d * 86_400).date_string(),
            ))
        } else {
            None
        };
        let mut v = base.ok_or_else(|| self.e(format!("column {} has no generator", c.key)))?;
        if let Val::Num(n) = &mut v {
            if let Some(j) = c.jitter {
                *n *= 1.0 + self.rng.num(-j, j);
            }
            if let Some(step) = c.round_to {
                *n = (*n / step).round().max(1.0) * step;
            }
            let d = c.decimals.unwrap_or(if c.int.is_some() { 0 } else { 2 });
            *n = round_to(*n, d);
        }
        Ok(v)
    }

    /// An entity's data rows and assumptions, drawn to keep the template's
    /// rules for an entity with these attributes (rows that cannot keep a
    /// share rule are drawn again).
    pub(super) fn dataset_rows(
        &mut self,
        attrs: &BTreeMap<String, String>,
    ) -> Result<(Vec<Vec<Val>>, Vec<f64>), GenError> {
        for _ in 0..40 {
            let (mut rows, mut asm) = self.draw_rows()?;
            self.keep_row_rules(&mut rows, attrs, true);
            if self.keep_share_rules(&mut rows, attrs) {
                self.keep_assumption_rules(&mut asm, attrs);
                // Dated entries (a time export) run oldest first, as a
                // billing system exports them, so every file and letter
                // listing them reads in date order.
                if let Some(c) = self
                    .pack
                    .dataset
                    .columns
                    .iter()
                    .position(|c| c.days_ago.is_some())
                {
                    let day = |r: &[Val]| match r.get(c) {
                        Some(Val::Text(t)) => t.clone(),
                        _ => String::new(),
                    };
                    rows.sort_by_cached_key(|r| day(r));
                }
                return Ok((rows, asm));
            }
        }
        Err(self.e("no draw of the data keeps the share rules"))
    }

    fn draw_rows(&mut self) -> Result<(Vec<Vec<Val>>, Vec<f64>), GenError> {
        let pack = self.pack;
        let ds = &pack.dataset;
        let mut n = self.rng.int(i64::from(ds.rows[0]), i64::from(ds.rows[1])) as usize;
        let mut recs: Vec<&BTreeMap<String, toml::Value>> = Vec::new();
        if let Some(t) = &ds.records {
            let table = pack
                .tables
                .get(t)
                .ok_or_else(|| self.e(format!("no table {t}")))?;
            recs = table.iter().collect();
            self.rng.shuffle(&mut recs);
            n = n.min(recs.len());
            recs.truncate(n);
            // Keep the table's order (it groups related rows).
            recs.sort_by_key(|r| table.iter().position(|x| std::ptr::eq(x, *r)));
        }
        let mut rows = Vec::with_capacity(n);
        for r in 0..n {
            let rec = recs.get(r).copied();
            let mut row = Vec::new();
            for c in &ds.columns {
                row.push(self.gen_column(c, rec, r)?);
            }
            rows.push(row);
        }
        let mut asm = Vec::new();
        for a in &pack.workbook.assumptions {
            asm.push(round_to(self.rng.num(a.value[0], a.value[1]), a.decimals));
        }
        Ok((rows, asm))
    }
}
