//! The files of entities and the global files, and the field resolver
//! their text uses.

use super::*;

impl<'t> Gen<'t> {
    pub(super) fn place_dir(&mut self, place: &str, ent: Option<usize>) -> Result<VPath, GenError> {
        let (y, _, _) = self.now.date();
        let dir = match place {
            "entity" => match ent {
                Some(i) => self.entities[i].deliver_dir.clone(),
                None => self.work.clone(),
            },
            "work" => self.work.clone(),
            "desktop" => self.desktop.clone(),
            "notes" => {
                if self.quirks.contains("desktop_dumper") {
                    self.desktop.clone()
                } else {
                    self.join(&self.work.parent().unwrap_or(VPath::root()), "Notes")?
                }
            }
            // Last year's files, as their titles say (`{{ year - 1 }}`).
            "archive" => self.join(&self.join(&self.work, "Archive")?, &(y - 1).to_string())?,
            other => {
                let mut d = self.work.clone();
                for c in other.split('/') {
                    d = self.join(&d, c)?;
                }
                d
            }
        };
        self.folder(&dir);
        Ok(dir)
    }

    pub(super) fn entity_files(&mut self) -> Result<(), GenError> {
        let pack = self.pack;
        let (y, _, _) = self.start.date();
        // Folders.
        for i in 0..self.entities.len() {
            let name = self.entities[i].name.clone();
            let mut dir = self.work.clone();
            if self.quirks.contains("dated_folders") {
                dir = self.join(&dir, &y.to_string())?;
            }
            dir = self.join(&dir, &name)?;
            self.folder(&dir);
            let deliver = if self.quirks.contains("desktop_dumper") && self.rng.chance(0.7) {
                self.desktop.clone()
            } else {
                dir.clone()
            };
            let e = &mut self.entities[i];
            e.dir = dir;
            e.deliver_dir = deliver;
        }
        // CSVs first (sources), then workbooks. The data came in 12 to 16
        // days before the start (`data_cut`), on a working day; each
        // workbook was made the day its data came, the documents quoting
        // them after (`file_date`).
        let mut data_dates = Vec::new();
        for i in 0..self.entities.len() {
            let date = self.data_date();
            data_dates.push(date);
            let stem = format!(
                "{}_{}_{}",
                ascii_fold(&self.entities[i].short.replace(' ', "_")),
                pack.dataset.stem,
                self.local_date(date)
            );
            let dl = self.downloads.clone();
            let p = self.claim(&dl, &stem, "csv")?;
            let content = csv_text(pack, &self.entities[i].rows);
            self.spec.artifacts.push(ArtifactSpec {
                path: p.clone(),
                artifact: Artifact::Text(Text {
                    format: TextFormat::Csv,
                    content,
                }),
            });
            self.entities[i].csv = p.clone();
            self.entities[i].paths.insert("csv".into(), p);
        }
        let versions = [
            (&["_v1", "_v2_final"][..], "_v2_final_REAL"),
            (&["_draft", "_v2"][..], "_v3_FINAL"),
            (&["_old"][..], "_new"),
        ];
        for (i, came) in data_dates.into_iter().enumerate() {
            let e = self.entities[i].clone();
            let mut stem = self.file_stem(&pack.workbook.stem, Some(&e), came);
            let mut old: Vec<String> = Vec::new();
            if self.quirks.contains("keeps_versions") && self.rng.chance(0.6) {
                let (olds, cur) = versions[self.rng.below(versions.len())];
                old = olds.iter().map(|s| format!("{stem}{s}")).collect();
                stem = format!("{stem}{cur}");
            }
            let wb = self.claim(&e.dir, &stem, "xlsx")?;
            let title = format!("{} — {}", e.name, pack.workbook.stem);
            let book = book_artifact(pack, &e.book, &e.rows, &title);
            self.spec.artifacts.push(ArtifactSpec {
                path: wb.clone(),
                artifact: Artifact::Workbook(book),
            });
            self.spec.links.push(LinkSpec {
                source: Ref::whole(e.csv.clone()),
                dependent: Ref {
                    path: Some(wb.clone()),
                    target: simdesk_model::RefTarget::Sheet {
                        sheet: pack.workbook.data_sheet.clone(),
                    },
                },
                kind: simdesk_model::LinkKind::Import,
            });
            // Old versions with older numbers, no links.
            for o in old {
                let rows: Vec<Vec<Val>> = e
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .zip(&pack.dataset.columns)
                            .map(|(v, c)| match v {
                                Val::Num(n)
                                    if c.int.is_none() && c.field.is_none()
                                        || c.jitter.is_some() =>
                                {
                                    Val::Num(round_to(
                                        n * (1.0 + self.rng.num(-0.06, 0.04)),
                                        c.decimals.unwrap_or(2),
                                    ))
                                }
                                other => other.clone(),
                            })
                            .collect()
                    })
                    .collect();
                // An older version keeps the rules too, with the world's
                // values of an earlier day.
                let mut rows = rows;
                let at = self.start.plus_secs(-self.rng.int(8, 30) * 86_400);
                self.world_values_on(&mut rows, at);
                self.keep_row_rules(&mut rows, &e.attrs, false);
                if let Ok(b) = compute_book(pack, &rows, &e.asm) {
                    let p = self.claim(&e.dir, &o, "xlsx")?;
                    // The current version was started from the older one.
                    self.spec.links.push(LinkSpec {
                        source: Ref::whole(p.clone()),
                        dependent: Ref::whole(wb.clone()),
                        kind: simdesk_model::LinkKind::BasedOn,
                    });
                    self.spec.artifacts.push(ArtifactSpec {
                        path: p,
                        artifact: Artifact::Workbook(book_artifact(pack, &b, &rows, &title)),
                    });
                }
            }
            // A backup copy, named the way the OS names copies.
            if self.rng.chance(0.3) {
                let win = self.home.as_str().starts_with("/C/");
                let name = wb.file_stem().unwrap_or("copy");
                let copy_stem = if win {
                    format!("{name} - Copy")
                } else {
                    format!("{name} copy")
                };
                let to = self.claim(&e.dir, &copy_stem, "xlsx")?;
                self.spec.copies.push(CopySpec {
                    from: wb.clone(),
                    to,
                });
            }
            self.entities[i].wb = wb.clone();
            self.entities[i].paths.insert("workbook".into(), wb);
        }
        // The tracker next: entity documents may quote it.
        self.tracker()?;
        // Documents, decks, notes, PDFs per entity.
        let recipes: Vec<&ArtifactRecipe> = pack
            .artifacts
            .iter()
            .filter(|a| a.scope == "entity")
            .collect();
        for i in 0..self.entities.len() {
            for r in recipes.iter().copied() {
                if r.share < 1.0 && !self.rng.chance(r.share) {
                    continue;
                }
                self.make_artifact(r, Some(i))?;
            }
        }
        Ok(())
    }

    /// The resolver for field markers in an entity's (or a global) text.
    pub(super) fn resolver(
        &self,
        ent: Option<usize>,
    ) -> impl Fn(&str) -> Result<Resolved, String> + '_ {
        move |m: &str| {
            let pack = self.pack;
            let (key, fmt) = match m.split_once('|') {
                Some((k, f)) => (k, Some(f.to_owned())),
                None => (m, None),
            };
            let parts: Vec<&str> = key.split(':').collect();
            let num = |v: f64, f: Option<String>| (CellValue::Number(v), f);
            let e = ent.map(|i| &self.entities[i]);
            let (path, sheet, addr, (value, dfmt)) = match parts.as_slice() {
                ["kpi", k] => {
                    let e = e.ok_or("kpi field outside an entity")?;
                    let (row, _, v) = e
                        .book
                        .kpi
                        .get(*k)
                        .ok_or_else(|| format!("unknown kpi {k}"))?;
                    let f = pack
                        .workbook
                        .kpis
                        .iter()
                        .find(|x| x.key == *k)
                        .and_then(|x| fmt_code(pack, x.format.as_deref()));
                    (
                        e.wb.clone(),
                        pack.workbook.summary_sheet.clone(),
                        CellAddr::new(row - 1, 1),
                        num(*v, f),
                    )
                }
                ["asm", k] => {
                    let e = e.ok_or("asm field outside an entity")?;
                    let (row, v) = e
                        .book
                        .asm
                        .get(*k)
                        .ok_or_else(|| format!("unknown assumption {k}"))?;
                    let f = pack
                        .workbook
                        .assumptions
                        .iter()
                        .find(|x| x.key == *k)
                        .and_then(|x| fmt_code(pack, x.format.as_deref()));
                    (
                        e.wb.clone(),
                        pack.workbook.assumptions_sheet.clone(),
                        CellAddr::new(row - 1, 1),
                        num(*v, f),
                    )
                }
                ["model", k, r] => {
                    let e = e.ok_or("model field outside an entity")?;
                    let r: usize = r.parse().map_err(|_| format!("bad row in {m}"))?;
                    let (c, cells) = e
                        .book
                        .model
                        .get(*k)
                        .ok_or_else(|| format!("unknown model column {k}"))?;
                    let (_, v) = cells
                        .get(r)
                        .ok_or_else(|| format!("row {r} out of range in {m}"))?;
                    let f = pack
                        .workbook
                        .model
                        .iter()
                        .find(|x| x.key == *k)
                        .and_then(|x| fmt_code(pack, x.format.as_deref()));
                    (
                        e.wb.clone(),
                        pack.workbook.model_sheet.clone(),
                        CellAddr::new(r as u32 + 1, *c),
                        (cell_value(v), f),
                    )
                }
                ["total", k] => {
                    let e = e.ok_or("total field outside an entity")?;
                    let (c, cells) = e
                        .book
                        .model
                        .get(*k)
                        .ok_or_else(|| format!("unknown model column {k}"))?;
                    let v: f64 = cells
                        .iter()
                        .map(|x| if let Val::Num(n) = x.1 { n } else { 0.0 })
                        .sum();
                    let f = pack
                        .workbook
                        .model
                        .iter()
                        .find(|x| x.key == *k)
                        .and_then(|x| fmt_code(pack, x.format.as_deref()));
                    (
                        e.wb.clone(),
                        pack.workbook.model_sheet.clone(),
                        CellAddr::new(e.book.n as u32 + 1, *c),
                        num(v, f),
                    )
                }
                ["tracker", k] => {
                    let t = self
                        .tracker
                        .as_ref()
                        .ok_or("tracker field before the tracker exists")?;
                    let (row, v, f) = t
                        .kpi
                        .get(*k)
                        .ok_or_else(|| format!("unknown tracker kpi {k}"))?;
                    (
                        t.path.clone(),
                        "Summary".to_owned(),
                        CellAddr::new(row - 1, 1),
                        num(*v, f.clone()),
                    )
                }
                ["trow", r, k] => {
                    let t = self
                        .tracker
                        .as_ref()
                        .ok_or("tracker field before the tracker exists")?;
                    let r: usize = r.parse().map_err(|_| format!("bad row in {m}"))?;
                    let c = t
                        .cols
                        .get(*k)
                        .ok_or_else(|| format!("{k} is not a tracker column"))?;
                    let ent = self
                        .entities
                        .get(r)
                        .ok_or_else(|| format!("row {r} out of range"))?;
                    let v = ent.book.kpi[*k].2;
                    let f = pack
                        .workbook
                        .kpis
                        .iter()
                        .find(|x| x.key == *k)
                        .and_then(|x| fmt_code(pack, x.format.as_deref()));
                    (
                        t.path.clone(),
                        pack.tracker.sheet.clone(),
                        CellAddr::new(r as u32 + 1, *c),
                        num(v, f),
                    )
                }
                _ => return Err(format!("unknown field marker [[{m}]]")),
            };
            let format = fmt.or(dfmt);
            Ok(Resolved {
                display: self.show(&value, format.as_deref()),
                source: Ref::cell(path, &sheet, addr),
                format,
            })
        }
    }

    pub(super) fn make_artifact(
        &mut self,
        r: &'t ArtifactRecipe,
        ent: Option<usize>,
    ) -> Result<(), GenError> {
        let mut ctx = self.base_ctx(ent.is_none());
        if let Some(i) = ent {
            ctx.insert(key("entity"), self.entity_ctx(i));
        }
        // The file's date: its name (for a persona who names files by
        // date) and `{{ today }}` inside say the same day, the persona's.
        let date = self.file_date(&r.place);
        let local = self.hours.local(date);
        ctx.insert(key("today"), mj(&J::String(self.locale.long_date(local))));
        ctx.insert(key("today_iso"), mj(&J::String(local.date_string())));
        // So do its month and year ("Market Commentary May" is not dated
        // in April); `next_month` is the month after the file's.
        let (y, m, _) = local.date();
        let month = |m: u32| simdesk_model::MONTH_NAMES[(m - 1) as usize % 12].to_owned();
        ctx.insert(key("month"), mj(&J::String(month(m))));
        ctx.insert(key("next_month"), mj(&J::String(month(m + 1))));
        ctx.insert(key("year"), mj(&serde_json::json!(y)));
        let ctx = ctx_value(&ctx);
        let stem_txt = self.render_str(&r.stem, &ctx)?;
        let stem = self.file_stem(&stem_txt, ent.map(|i| &self.entities[i]), date);
        let dir = self.place_dir(&r.place, ent)?;
        let body = self.render_file(&r.template, &ctx)?;
        let e2 = |m: String| gerr(self.t, format!("{}: {m}", r.template));
        let (ext, art) = {
            let res = self.resolver(ent);
            match r.kind.as_str() {
                "document" => (
                    "docx".to_owned(),
                    Artifact::Document(markup::document(&stem_txt, &body, &res).map_err(e2)?),
                ),
                "deck" => (
                    "pptx".to_owned(),
                    Artifact::Deck(markup::deck(&stem_txt, &body, &res).map_err(e2)?),
                ),
                "note" => {
                    let ext = r.ext.clone().unwrap_or_else(|| "md".into());
                    let format = if ext == "md" {
                        TextFormat::Markdown
                    } else {
                        TextFormat::Plain
                    };
                    (
                        ext,
                        Artifact::Text(Text {
                            format,
                            content: markup::text(&body, &res).map_err(e2)?,
                        }),
                    )
                }
                "pdf" | "archive_pdf" => (
                    "pdf".to_owned(),
                    Artifact::Pdf(Pdf {
                        title: Some(stem_txt.clone()),
                        pages: markup::pdf_pages(&body, &res).map_err(e2)?,
                    }),
                ),
                other => return Err(self.e(format!("artifact {}: unknown kind {other}", r.id))),
            }
        };
        let path = self.claim(&dir, &stem, &ext)?;
        self.spec.artifacts.push(ArtifactSpec {
            path: path.clone(),
            artifact: art,
        });
        for x in &r.export {
            let target = self.claim(&dir, &stem, x)?;
            self.spec.exports.push(ExportSpec {
                source: path.clone(),
                target: target.clone(),
                sheet: None,
            });
            self.record(ent, &format!("{}.{x}", r.id), target);
        }
        if let Some(b) = &r.based_on {
            let src = match ent {
                Some(i) => self.entities[i].paths.get(b).cloned(),
                None => self.globals.get(b).cloned(),
            }
            .or_else(|| self.globals.get(b).cloned())
            .ok_or_else(|| self.e(format!("artifact {}: based_on {b} is not made yet", r.id)))?;
            self.spec.links.push(LinkSpec {
                source: Ref::whole(src),
                dependent: Ref::whole(path.clone()),
                kind: simdesk_model::LinkKind::BasedOn,
            });
        }
        self.record(ent, &r.id, path);
        Ok(())
    }

    /// The day the earliest data file was exported: dated rows come
    /// before it, data files on it or in the four days after, documents
    /// after them.
    pub(super) fn data_cut(&self) -> SimTime {
        self.start.plus_secs(-16 * 86_400)
    }

    /// When a document was written: last year's files late last year
    /// (an archive holds its year or earlier), the rest in the days before
    /// the start, after the data they quote came in; always on a working
    /// day of the persona's calendar (the day drawn, or the last working
    /// day before it).
    fn file_date(&mut self, place: &str) -> SimTime {
        let drawn = if place == "archive" {
            let (y, _, _) = self.now.date();
            let end = SimTime::from_ymd(y - 1, 12, 31).unwrap_or(self.start);
            // 08:00 UTC is the same day from Vancouver to Auckland.
            end.plus_secs(-self.rng.int(0, 45) * 86_400).at(8, 0, 0)
        } else {
            self.start.plus_secs(-self.rng.int(1, 11) * 86_400)
        };
        self.working_day_back(drawn, None)
    }

    /// When an entity's data was exported: one of the five days from
    /// `data_cut`, moved back to the last working day at or after
    /// `data_cut` (the rows it holds are dated on or before that day), or
    /// on to the next working day when there is none.
    fn data_date(&mut self) -> SimTime {
        let cut = self.data_cut();
        let drawn = cut.plus_secs(self.rng.int(0, 4) * 86_400);
        self.working_day_back(drawn, Some(cut))
    }

    /// `t`, or the same time on the last working day before it (not a
    /// weekend or public holiday of the persona's calendar, by its local
    /// date); with `floor`, not before `floor`'s day: then the first
    /// working day after `t` instead.
    pub(super) fn working_day_back(&self, t: SimTime, floor: Option<SimTime>) -> SimTime {
        let day = |t: SimTime| self.hours.local_day(t);
        let works = |t: SimTime| self.hours.works_on(day(t));
        let lowest = floor.map_or(day(t) - 31, day);
        let back = (0..=day(t) - lowest)
            .map(|n| t.plus_secs(-n * 86_400))
            .find(|x| works(*x));
        back.or_else(|| {
            (1..=31)
                .map(|n| t.plus_secs(n * 86_400))
                .find(|x| works(*x))
        })
        .unwrap_or(t)
    }

    pub(super) fn record(&mut self, ent: Option<usize>, id: &str, p: VPath) {
        match ent {
            Some(i) => {
                self.entities[i].paths.insert(id.to_owned(), p);
            }
            None => {
                self.globals.insert(id.to_owned(), p);
            }
        }
    }

    pub(super) fn global_files(&mut self) -> Result<(), GenError> {
        let pack = self.pack;
        let recipes: Vec<&ArtifactRecipe> = pack
            .artifacts
            .iter()
            .filter(|a| a.scope == "global")
            .collect();
        for r in recipes {
            self.make_artifact(r, None)?;
        }
        // A CSV export of the tracker for sharing, as people do.
        if let Some(t) = &self.tracker {
            let src = t.path.clone();
            let dir = self.work.clone();
            let stem = format!("{} export", src.file_stem().unwrap_or("tracker"));
            let target = self.claim(&dir, &stem, "csv")?;
            self.spec.exports.push(ExportSpec {
                source: src,
                target: target.clone(),
                sheet: Some(self.pack.tracker.sheet.clone()),
            });
            self.globals.insert("tracker.csv".into(), target);
        }
        Ok(())
    }
}
