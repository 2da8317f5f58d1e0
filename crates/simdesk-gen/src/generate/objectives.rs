//! Objectives: the work assigned by email, with goals.

use super::*;

impl<'t> Gen<'t> {
    pub(super) fn objectives(
        &mut self,
        mails: &mut Vec<Mail>,
        faults: u32,
    ) -> Result<BTreeSet<usize>, GenError> {
        let pack = self.pack;
        let mut used = BTreeSet::new();
        let mut worked_on: BTreeMap<usize, i64> = BTreeMap::new();
        let total = self.plan_month()?;
        let n_rec = pack.objectives.len();
        for k in 0..total {
            let oi = k % n_rec;
            let o = &pack.objectives[oi];
            self.round = k / n_rec;
            self.arrive = self.arrival_of(k)?;
            let needs_entity = o.shape != Shape::ExportSend
                || o.source
                    .as_deref()
                    .is_some_and(|s| !self.globals.contains_key(s));
            let ent = if needs_entity {
                // Fresh entities first, keeping enough untouched ones for
                // the planted faults; then the ones already worked on (a
                // later objective builds on an earlier one's output).
                let spare = 2 * faults as usize;
                let free = |g: &Self| -> Vec<usize> {
                    (0..g.entities.len())
                        .filter(|i| !used.contains(i))
                        .collect()
                };
                let unused = free(self);
                let cands: Vec<usize> = if unused.len() > spare || self.round == 0 {
                    let featured: Vec<usize> = unused
                        .iter()
                        .copied()
                        .filter(|i| o.from != Party::Contact || self.entities[*i].featured)
                        .collect();
                    if featured.is_empty() {
                        unused
                    } else {
                        featured
                    }
                } else {
                    used.iter().copied().collect()
                };
                if cands.is_empty() {
                    return Err(self.e("not enough entities for the objectives"));
                }
                // New data must move the figure, but the world has one
                // price per security and day: an entity worked on earlier
                // the same day already shows that day's values. Prefer
                // one that was not.
                let today = self.hours().local_day(self.arrive);
                let fresh: Vec<usize> = cands
                    .iter()
                    .copied()
                    .filter(|i| o.change.is_none() || worked_on.get(i) != Some(&today))
                    .collect();
                let cands = if fresh.is_empty() { cands } else { fresh };
                Some(cands)
            } else {
                None
            };
            let Some(mut cands) = ent else {
                self.objective(k, o, None, mails, faults > 0)?;
                continue;
            };
            // The day's prices may leave one entity's figure where it was
            // (the world has one price per security and day, so drawing
            // again cannot help): the request then goes to another.
            loop {
                let at = self.rng.below(cands.len());
                let i = cands.remove(at);
                let fresh = used.insert(i);
                match self.objective(k, o, Some(i), mails, faults > 0) {
                    Err(GenError::Generate { message, .. })
                        if message == NO_MOVE && !cands.is_empty() =>
                    {
                        if fresh {
                            used.remove(&i);
                        }
                    }
                    r => {
                        r?;
                        worked_on.insert(i, self.hours().local_day(self.arrive));
                        break;
                    }
                }
            }
        }
        self.confidentiality();
        Ok(used)
    }

    /// One objective: its shape decides the work, then the request email
    /// states it.
    fn objective(
        &mut self,
        k: usize,
        o: &'t ObjectiveRecipe,
        ent: Option<usize>,
        mails: &mut Vec<Mail>,
        faults: bool,
    ) -> Result<(), GenError> {
        let from_key =
            if o.from == Party::Contact && ent.is_some_and(|i| !self.entities[i].featured) {
                Party::Collaborator("manager".to_owned())
            } else {
                o.from.clone()
            };
        let from = self
            .who(&from_key, ent)
            .or_else(|| self.who(&Party::Collaborator("manager".to_owned()), ent))
            .or_else(|| {
                self.collab
                    .keys()
                    .next()
                    .cloned()
                    .and_then(|k| self.who(&Party::Collaborator(k), ent))
            })
            .ok_or_else(|| self.e("no collaborator to assign work"))?;
        let due = self.due_from(o.due_days);
        let mut req = Request {
            k,
            ent,
            ctx: self.base_ctx(false),
            extra: serde_json::Map::new(),
            goals: Vec::new(),
            attach: Vec::new(),
            // Reading the request and finding the files takes a while.
            reference: vec![Op::AdvanceClock { seconds: 20 * 60 }],
            deliverable: None,
            renamed: None,
        };
        // `due` names files (ISO); `due_date` is the day as prose writes
        // it. Both are the persona's day: 17:00 in Denver is already the
        // next day in UTC.
        let local_due = self.hours.local(due);
        req.extra
            .insert("due".into(), J::String(local_due.date_string()));
        req.extra.insert(
            "due_date".into(),
            J::String(self.locale.long_date(local_due)),
        );
        req.extra.insert("requester".into(), from.1.json(""));
        if let Some(i) = ent {
            req.ctx.insert(key("entity"), self.entity_ctx(i));
        }
        match o.shape {
            Shape::RefreshExportSend => self.refresh_export_send(o, &from, &mut req)?,
            Shape::RefreshValue => self.refresh_value(o, &mut req, faults)?,
            Shape::AssumptionChange => self.assumption_change(o, &from, &mut req)?,
            Shape::ExportSend => self.export_send(o, &from, &mut req)?,
        }
        if req.goals.is_empty() {
            return Err(self.e(format!(
                "objective {} ({}) has no goals",
                k + 1,
                o.shape.as_str()
            )));
        }
        self.request(o, from, due, req, mails)
    }

    /// New data arrives; the key figure must follow it, and the source goes
    /// out fresh to the requester.
    fn refresh_export_send(
        &mut self,
        o: &'t ObjectiveRecipe,
        from: &Sender,
        req: &mut Request,
    ) -> Result<(), GenError> {
        let (i, book) = self.new_data(o, req)?;
        self.kpi_goal(o, i, &book, req)?;
        self.deliverable(o, from, req)
    }

    /// New data arrives; the key figure and the tracker total over it must
    /// follow.
    fn refresh_value(
        &mut self,
        o: &'t ObjectiveRecipe,
        req: &mut Request,
        faults: bool,
    ) -> Result<(), GenError> {
        let (i, book) = self.new_data(o, req)?;
        let v = self.kpi_goal(o, i, &book, req)?;
        // The tracker follows live: its totals must follow too (not with
        // faults, which may break or move other rows on purpose).
        if !faults {
            self.tracker_goal(o, i, v, req)?;
        }
        Ok(())
    }

    /// An assumption changes; it and the key figure must hold the new
    /// values, and the source goes out fresh to the requester.
    fn assumption_change(
        &mut self,
        o: &'t ObjectiveRecipe,
        from: &Sender,
        req: &mut Request,
    ) -> Result<(), GenError> {
        let (i, book) = self.new_assumption(o, req)?;
        self.kpi_goal(o, i, &book, req)?;
        self.deliverable(o, from, req)
    }

    /// A source goes out, as it stands, to the requester.
    fn export_send(
        &mut self,
        o: &'t ObjectiveRecipe,
        from: &Sender,
        req: &mut Request,
    ) -> Result<(), GenError> {
        self.deliverable(o, from, req)
    }

    /// The entity the objective concerns (every shape that changes data has
    /// one).
    fn entity_of(&self, o: &ObjectiveRecipe, req: &Request) -> Result<usize, GenError> {
        req.ent.ok_or_else(|| {
            self.e(format!(
                "objective {} ({}) needs an entity",
                req.k + 1,
                o.shape.as_str()
            ))
        })
    }

    /// A new data file in Downloads, attached to the request, that changes
    /// the key figure: the entity and its workbook as computed from it.
    fn new_data(
        &mut self,
        o: &'t ObjectiveRecipe,
        req: &mut Request,
    ) -> Result<(usize, Book), GenError> {
        let pack = self.pack;
        let i = self.entity_of(o, req)?;
        let ch = o
            .change
            .as_ref()
            .ok_or_else(|| self.e("objective with new data needs change"))?;
        let e = self.entities[i].clone();
        let ci = pack
            .dataset
            .columns
            .iter()
            .position(|c| c.key == ch.column)
            .ok_or_else(|| self.e(format!("objective: unknown column {}", ch.column)))?;
        let kpi = o
            .kpi
            .clone()
            .ok_or_else(|| self.e("objective with change needs kpi"))?;
        let old = e.book.kpi[&kpi].2;
        let mut found = None;
        for _ in 0..12 {
            let factor = ch.scale.map(|[a, b]| self.rng.num(a, b));
            let rows: Vec<Vec<Val>> = e
                .rows
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    if let Val::Num(n) = r[ci] {
                        let f = factor.unwrap_or_else(|| {
                            1.0 + self
                                .rng
                                .num(-ch.jitter.unwrap_or(0.05), ch.jitter.unwrap_or(0.05))
                        });
                        let c = &pack.dataset.columns[ci];
                        let d = c.decimals.unwrap_or(if c.int.is_some() { 0 } else { 2 });
                        r[ci] = Val::Num(round_to(n * f, d).max(if d == 0 { 1.0 } else { 0.01 }));
                    }
                    r
                })
                .collect();
            let mut rows = rows;
            self.keep_rules_on_change(&e.rows, &mut rows, &e.attrs);
            let b = compute_book(pack, &rows, &e.asm).map_err(|x| self.e(x))?;
            let nv = b.kpi[&kpi].2;
            if moved(old, nv) {
                found = Some((rows, b));
                break;
            }
        }
        let (rows, b) = found.ok_or_else(|| self.e(NO_MOVE))?;
        let stem_ctx = o
            .new_data
            .as_deref()
            .map(|s| self.render_str(s, &ctx_value(&req.ctx)))
            .transpose()?;
        // Named with the day it came: the request's (a first-round
        // request reached the inbox before the session starts).
        let came = if self.round == 0 {
            self.inbox_time(req.k)
        } else {
            self.arrive
        };
        let stem = stem_ctx.unwrap_or_else(|| {
            format!(
                "{}_{}_{}",
                ascii_fold(&e.short.replace(' ', "_")),
                pack.dataset.stem,
                self.local_date(came)
            )
        });
        let dl = self.downloads.clone();
        let csv = self.claim(&dl, &stem, "csv")?;
        self.spec.artifacts.push(ArtifactSpec {
            path: csv.clone(),
            artifact: Artifact::Text(Text {
                format: TextFormat::Csv,
                content: csv_text(pack, &rows),
            }),
        });
        req.extra.insert(
            "new_file".into(),
            J::String(csv.file_name().unwrap_or("").to_owned()),
        );
        // Point the import at the new file and take it in.
        req.reference.push(Op::Unlink {
            source: e.csv.clone(),
            dependent: e.wb.clone(),
        });
        req.reference.push(Op::Link {
            source: Ref::whole(csv.clone()),
            dependent: Ref {
                path: Some(e.wb.clone()),
                target: RefTarget::Sheet {
                    sheet: pack.workbook.data_sheet.clone(),
                },
            },
            kind: LinkKind::Import,
        });
        req.reference.push(Op::Refresh { path: e.wb.clone() });
        req.goals.push(Goal::RefreshedFrom {
            path: e.wb.clone(),
            source: csv.clone(),
        });
        self.entities[i].news.push(csv.clone());
        // A later objective on this entity starts from here: the workbook
        // imports the new file, holding the new rows.
        self.entities[i].csv = csv.clone();
        self.entities[i].rows = rows;
        req.attach.push(csv);
        Ok((i, b))
    }

    /// A new value for an assumption, with its goal: the entity and its
    /// workbook as computed from it.
    fn new_assumption(
        &mut self,
        o: &'t ObjectiveRecipe,
        req: &mut Request,
    ) -> Result<(usize, Book), GenError> {
        let pack = self.pack;
        let i = self.entity_of(o, req)?;
        let a = o
            .assumption
            .as_ref()
            .ok_or_else(|| self.e("objective with a new assumption needs assumption"))?;
        let e = self.entities[i].clone();
        let ai = pack
            .workbook
            .assumptions
            .iter()
            .position(|x| &x.key == a)
            .ok_or_else(|| self.e(format!("objective: unknown assumption {a}")))?;
        let ar = &pack.workbook.assumptions[ai];
        let [lo, hi] = o.new_value.unwrap_or(ar.value);
        let mut asm = e.asm.clone();
        // The new value must move by more than `settle` tells apart from
        // the old one: a fee rate of 0.0085 after 0.0084 is one step of a
        // four-decimal assumption but within `moved`'s margin, and the
        // untouched world would nearly meet the goal.
        let mut nv = e.asm[ai];
        for _ in 0..20 {
            nv = round_to(self.rng.num(lo, hi), ar.decimals);
            if moved(e.asm[ai], nv) {
                break;
            }
        }
        if !moved(e.asm[ai], nv) {
            return Err(self.e("objective: new assumption equals the old one"));
        }
        asm[ai] = nv;
        if self.slots.conflict == Some(req.k) {
            // The other party's figure: a different draw from the same
            // range, one the goals must not follow.
            let mut other = nv;
            for _ in 0..20 {
                other = round_to(self.rng.num(lo, hi), ar.decimals);
                if moved(nv, other) && moved(e.asm[ai], other) {
                    break;
                }
            }
            if moved(nv, other) {
                let fmt = fmt_code(pack, ar.format.as_deref());
                req.extra.insert(
                    "conflict_value".into(),
                    J::String(format_value(&CellValue::Number(other), fmt.as_deref())),
                );
            }
        }
        let b = compute_book(pack, &e.rows, &asm).map_err(|x| self.e(x))?;
        self.entities[i].asm = asm;
        let row = b.asm[a].0;
        let cell = CellAddr::new(row - 1, 1);
        req.reference.push(Op::SetCells {
            path: e.wb.clone(),
            sheet: pack.workbook.assumptions_sheet.clone(),
            cells: vec![CellEdit {
                cell,
                input: CellInput::value(nv),
            }],
        });
        req.goals.push(Goal::CellEquals {
            cell: Ref::cell(e.wb.clone(), &pack.workbook.assumptions_sheet, cell),
            expected: CellValue::Number(nv),
            tolerance: tol(nv) / 100.0,
        });
        req.extra.insert(
            "new_value".into(),
            J::String(format_value(
                &CellValue::Number(nv),
                fmt_code(pack, ar.format.as_deref()).as_deref(),
            )),
        );
        req.extra
            .insert("assumption".into(), J::String(ar.label.clone()));
        Ok((i, b))
    }

    /// The key figure of entity `i` must hold its value in `book`; returns
    /// that value.
    fn kpi_goal(
        &mut self,
        o: &'t ObjectiveRecipe,
        i: usize,
        book: &Book,
        req: &mut Request,
    ) -> Result<f64, GenError> {
        let pack = self.pack;
        let k = o
            .kpi
            .as_ref()
            .ok_or_else(|| self.e(format!("objective {} needs kpi", req.k + 1)))?;
        let kp = pack
            .workbook
            .kpis
            .iter()
            .find(|x| &x.key == k)
            .ok_or_else(|| self.e(format!("objective: unknown kpi {k}")))?;
        let e = &self.entities[i];
        let (row, ref formula, v) = book.kpi[k];
        if !moved(e.book.kpi[k].2, v) {
            return Err(self.e(format!(
                "objective {}: expected value equals the current one",
                req.k + 1
            )));
        }
        let cell = Ref::cell(
            e.wb.clone(),
            &pack.workbook.summary_sheet,
            CellAddr::new(row - 1, 1),
        );
        // The value the generator computed; the end state of the whole
        // reference run replaces it (see `settle`).
        req.goals.push(Goal::CellEquals {
            cell: cell.clone(),
            expected: CellValue::Number(v),
            tolerance: tol(v),
        });
        req.goals.push(Goal::FormulaKept {
            cell,
            formula: Some(formula.clone()),
        });
        self.entities[i].book = book.clone();
        req.extra
            .insert("kpi_label".into(), J::String(kp.label.clone()));
        req.extra.insert(
            "new_kpi".into(),
            J::String(format_value(
                &CellValue::Number(v),
                fmt_code(pack, kp.format.as_deref()).as_deref(),
            )),
        );
        Ok(v)
    }

    /// The tracker total over the objective's key figure must follow entity
    /// `i`'s new value `v` (when there is such a total and it moves).
    fn tracker_goal(
        &mut self,
        o: &'t ObjectiveRecipe,
        i: usize,
        v: f64,
        req: &mut Request,
    ) -> Result<(), GenError> {
        let pack = self.pack;
        let Some(k) = &o.kpi else {
            return Ok(());
        };
        let mut vals = self.kpi_values();
        vals[i].insert(k.clone(), v);
        if let Ok(tk) = self.tracker_kpis(&vals)
            && let Some(t) = &self.tracker
            && let Some(tkd) = pack.tracker.kpis.iter().find(|x| {
                let mut n = Vec::new();
                if let Ok(e) = expr::parse(&x.expr) {
                    e.names(&mut n);
                }
                n.contains(k)
            })
        {
            let (row, formula, tv, _) = &tk[&tkd.key];
            if moved(t.kpi[&tkd.key].1, *tv) {
                let cell = Ref::cell(t.path.clone(), "Summary", CellAddr::new(row - 1, 1));
                req.goals.push(Goal::CellEquals {
                    cell: cell.clone(),
                    expected: CellValue::Number(*tv),
                    tolerance: tol(*tv),
                });
                req.goals.push(Goal::FormulaKept {
                    cell,
                    formula: Some(formula.clone()),
                });
            }
        }
        Ok(())
    }

    /// Makes what was found so far (new file, values) visible to the
    /// request's prose.
    fn with_extra(&self, req: &mut Request) {
        req.ctx
            .extend(req.extra.iter().map(|(k, v)| (key(k), mj(v))));
    }

    /// The deliverable: a fresh export of the source, sent to the requester.
    fn deliverable(
        &mut self,
        o: &'t ObjectiveRecipe,
        from: &Sender,
        req: &mut Request,
    ) -> Result<(), GenError> {
        self.with_extra(req);
        let ent = req.ent;
        let d = o
            .deliverable
            .as_deref()
            .ok_or_else(|| self.e("objective that sends a file needs deliverable"))?;
        let src_id = o
            .source
            .clone()
            .ok_or_else(|| self.e("objective with deliverable needs source"))?;
        let source = self
            .attachment(&src_id, ent)
            .ok_or_else(|| self.e(format!("objective: no source {src_id}")))?;
        let stem = self.render_str(d, &ctx_value(&req.ctx))?;
        let stem = if self.round > 0 && ent.is_none() {
            // A global deliverable asked for again in a later round: its
            // name carries the day it was asked for.
            format!("{} {}", stem.trim(), self.local_date(self.arrive))
        } else {
            stem.trim().to_owned()
        };
        let stem = self.file_stem(&stem, ent.map(|i| &self.entities[i]), self.arrive);
        let dir = match ent {
            Some(i) => self.entities[i].deliver_dir.clone(),
            None => self.work.clone(),
        };
        let announced = self.claim(&dir, &stem, o.deliverable_ext.as_str())?;
        req.extra.insert(
            "deliverable".into(),
            J::String(announced.file_name().unwrap_or("").to_owned()),
        );
        // A change of plan renames the deliverable after the request: the
        // goals and the reference follow the new name.
        let target = if self.slots.change == Some(req.k) {
            let renamed = self.claim(&dir, &format!("{stem} final"), o.deliverable_ext.as_str())?;
            req.renamed = Some((announced, renamed.clone()));
            renamed
        } else {
            announced
        };
        req.extra.insert(
            "source_file".into(),
            J::String(source.file_name().unwrap_or("").to_owned()),
        );
        // The request states the file name; any folder will do.
        let pattern = target.file_name().unwrap_or("").to_owned();
        let sheet = match (&self.tracker, o.deliverable_ext) {
            (Some(t), DeliverableExt::Csv) if t.path == source => {
                Some(self.pack.tracker.sheet.clone())
            }
            _ => None,
        };
        req.reference.push(Op::Export {
            source: source.clone(),
            target: target.clone(),
            sheet,
        });
        req.goals.push(Goal::Deliverable {
            pattern: pattern.clone(),
            source,
            min_similarity: 0.9,
        });
        req.goals.push(Goal::CleanDeliverable {
            pattern: pattern.clone(),
        });
        req.goals.push(Goal::DeliveredTo {
            to: from.1.email.clone(),
            attachment: Some(pattern),
            subject_contains: None,
        });
        req.deliverable = Some(target);
        Ok(())
    }

    /// The request email that assigns the work, and the objective recorded
    /// with its goals.
    fn request(
        &mut self,
        o: &'t ObjectiveRecipe,
        from: Sender,
        due: SimTime,
        mut req: Request,
        mails: &mut Vec<Mail>,
    ) -> Result<(), GenError> {
        self.with_extra(&mut req);
        let ctx = ctx_value(&req.ctx);
        let title = self.render_str(&o.title, &ctx)?.trim().to_owned();
        let subject = self.render_str(&o.subject, &ctx)?.trim().to_owned();
        let body = self.render_prose(&o.body, &ctx)?;
        let body = {
            let res = self.resolver(req.ent);
            markup::text(&body, &res).map_err(|x| gerr(self.t, x))?
        };
        let persona = self.persona.clone();
        if self.round > 0 {
            return self.schedule_request(o, from, due, req, title, subject, body);
        }
        let paras = self.compose(&from, &persona, &body);
        let id = self.message_id();
        if let Some(target) = req.deliverable.take() {
            let reply = self.reply(&from, &subject, Some(&id), target)?;
            req.reference.push(reply);
        }
        let date = self.inbox_time(req.k);
        mails.push(Mail {
            date,
            actor: from.0.clone(),
            email: Email {
                from: Mailbox::new(&from.1.display, &from.1.email),
                to: vec![Mailbox::new(&persona.display, &persona.email)],
                cc: Vec::new(),
                subject,
                date,
                message_id: id.clone(),
                in_reply_to: None,
                body: paras,
                attachments: req.attach,
            },
            inbox: true,
        });
        self.spec.objectives.push(ObjectiveSpec {
            objective: Objective {
                id: format!("obj-{}", req.k + 1),
                title,
                description: body.trim().to_owned(),
                requested_by: from.1.email.clone(),
                message_id: Some(id),
                assigned: None,
                due,
                late: o
                    .late_per_day
                    .map_or(LatePolicy::Fail, |per_day| LatePolicy::Decay { per_day }),
                goals: req.goals,
                reference: req.reference,
                confidential: Vec::new(),
            },
            shape: Some(o.shape.as_str().to_owned()),
        });
        Ok(())
    }
}

impl Gen<'_> {
    /// The persona's reply to a request, with the deliverable attached, as
    /// an op filed in Sent; the engine dates it with the world's clock.
    pub(super) fn reply(
        &mut self,
        to: &Sender,
        subject: &str,
        request_id: Option<&str>,
        target: VPath,
    ) -> Result<Op, GenError> {
        let sent = self.join(&self.join(&self.home, "Mail")?, "Sent")?;
        let subject = format!("Re: {subject}");
        let path = self.claim(&sent, &subject, "eml")?;
        let name = target.file_name().unwrap_or("").to_owned();
        let me = ("persona".to_owned(), self.persona.clone(), self.style);
        let body = self.compose(&me, &to.1, &format!("Please find {name} attached."));
        let id = self.message_id();
        Ok(Op::SendEmail {
            path,
            email: Email {
                from: Mailbox::new(&self.persona.display, &self.persona.email),
                to: vec![Mailbox::new(&to.1.display, &to.1.email)],
                cc: Vec::new(),
                subject,
                date: SimTime::default(),
                message_id: id,
                in_reply_to: request_id.map(str::to_owned),
                body,
                attachments: vec![target],
            },
        })
    }

    /// Whose material may go where: each entity's files (its folder, its
    /// files elsewhere, the data that arrived for it) go to its contact
    /// and to the persona's firm only. World-level rules, recorded on the
    /// first objective.
    pub(super) fn confidentiality(&mut self) {
        let firm = format!("@{}", self.domain);
        let rules: Vec<Confidential> = self
            .entities
            .iter()
            .map(|e| {
                let mut material = vec![format!("{}/**", e.dir.as_str())];
                for p in e.paths.values().chain(&e.news) {
                    if !p.as_str().starts_with(&format!("{}/", e.dir.as_str())) {
                        material.push(p.as_str().to_owned());
                    }
                }
                Confidential {
                    owner: e.name.clone(),
                    material,
                    entitled: vec![e.contact.email.clone(), firm.clone()],
                }
            })
            .collect();
        if let Some(first) = self.spec.objectives.first_mut() {
            first.objective.confidential = rules;
        }
    }
}

/// An objective being put together: what its request email will say and
/// attach, and its goals.
pub(super) struct Request {
    /// Index of the objective in the computer (its id is `obj-<k+1>`).
    pub(super) k: usize,
    /// The entity it concerns.
    pub(super) ent: Option<usize>,
    /// The prose context of the request.
    pub(super) ctx: Ctx,
    /// Values found while building it (`new_file`, `new_kpi` …), added to
    /// the context.
    pub(super) extra: serde_json::Map<String, J>,
    pub(super) goals: Vec<Goal>,
    pub(super) attach: Vec<VPath>,
    /// The ops a careful professional applies, in order (the reply with the
    /// deliverable comes last, once the request's subject is known).
    pub(super) reference: Vec<Op>,
    /// The deliverable sent back to the requester.
    pub(super) deliverable: Option<VPath>,
    /// A change of plan: the name the request announces and the name the
    /// deliverable must carry.
    pub(super) renamed: Option<(VPath, VPath)>,
}

/// The tolerance a goal on value `v` allows.
pub(super) fn tol(v: f64) -> f64 {
    (v.abs() * 1e-7).max(1e-6)
}

/// Why new data was refused: at the day's prices the key figure did not
/// move (the objective goes to another entity).
const NO_MOVE: &str = "objective: new data does not change the figure";

/// Whether `after` differs from `before` by enough that a value goal on
/// `after` is meaningful: well beyond the goal's tolerance, so the
/// untouched world fails it. Every stage that draws a new value uses this
/// one margin; `settle` checks the end state with [`distinguishable`].
pub(super) fn moved(before: f64, after: f64) -> bool {
    (after - before).abs() > 100.0 * tol(after)
}

/// Whether a value goal expecting `after` fails on `before` with room to
/// spare (ten times the goal's tolerance): what `settle` asks of the end
/// state of the reference run against the start.
pub(super) fn distinguishable(before: f64, after: f64) -> bool {
    (after - before).abs() > 10.0 * tol(after)
}
