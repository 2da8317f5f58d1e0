//! Prose: the template environment, contexts for rendering, and names
//! made safe as paths.

use super::*;

pub(super) fn gerr(t: &Template, m: impl std::fmt::Display) -> GenError {
    GenError::Generate {
        template: t.id.clone(),
        message: m.to_string(),
    }
}

/// A prose context: names at the top level of a template's context and
/// their values. Values are reference-counted, so the parts that do not
/// change between renders are built once and shared.
pub(super) type Ctx = BTreeMap<MV, MV>;

/// A JSON value as templates see it: exactly what rendering with the JSON
/// value itself as (part of) the context gives.
pub(super) fn mj(j: &J) -> MV {
    MV::from(minijinja::value::Serde(j))
}

/// A context name.
pub(super) fn key(k: &str) -> MV {
    MV::from(k)
}

/// A context as one value, the same as serialising the map it holds.
pub(super) fn ctx_value(ctx: &Ctx) -> MV {
    MV::from_object(ctx.clone())
}

/// The prose environment of a template: its files compiled once, with the
/// syntax and strictness generation uses.
pub(super) fn prose_env(t: &Template) -> Result<&Environment<'_>, GenError> {
    let built = t.prose.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| gerr(t, e))?;
        env.set_syntax(syntax);
        env.add_filter("money", money_filter);
        env.add_filter("date", date_filter);
        for (name, src) in &t.texts {
            env.add_template_owned(name.clone(), src.clone())
                .map_err(|e| gerr(t, format!("{name}: {e}")))?;
        }
        Ok(env)
    });
    built.as_ref().map_err(Clone::clone)
}

/// The context's `locale` (see [`Gen::locale_json`]), for filters.
fn ctx_locale(state: &minijinja::State) -> Result<MV, minijinja::Error> {
    state.lookup("locale").ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            "no locale in the context",
        )
    })
}

fn locale_str(l: &MV, k: &str) -> Result<String, minijinja::Error> {
    l.get_attr(k)?.as_str().map(str::to_owned).ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::UndefinedError,
            format!("locale.{k} is not text"),
        )
    })
}

/// `{{ 500 | money }}`: an amount a pack states in US terms (a fee
/// schedule's tier, an approval threshold), scaled to the persona's country
/// ([`Locale::money_scale`](crate::Locale::money_scale), as the amounts the
/// pack draws are) and shown in its currency and number style (`S$650`,
/// `450 €`, `₹15,000`).
fn money_filter(state: &minijinja::State, v: f64) -> Result<String, minijinja::Error> {
    let l = ctx_locale(state)?;
    let scale = f64::try_from(l.get_attr("money_scale")?).unwrap_or(1.0);
    Ok(format_value(
        &CellValue::Number(v * scale),
        Some(&locale_str(&l, "money_format")?),
    ))
}

/// `{{ r.date | date }}`: an ISO date (`2026-03-04`) as the persona's
/// country writes it in a table (`04/03/2026`); other text unchanged.
fn date_filter(state: &minijinja::State, v: String) -> Result<String, minijinja::Error> {
    let l = ctx_locale(state)?;
    Ok(match SimTime::parse(&v) {
        Ok(t) => format_value(
            &CellValue::Date(t.excel_serial().floor()),
            Some(&locale_str(&l, "date_short")?),
        ),
        Err(_) => v,
    })
}

/// Makes a string safe as one path component.
pub(crate) fn component(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if "<>:\"\\|?*/".contains(c) || c.is_control() {
                '-'
            } else {
                c
            }
        })
        .collect();
    while out.len() > 120 {
        out.pop();
    }
    let trimmed = out.trim_end_matches(['.', ' ']).trim_start().to_owned();
    if trimmed.is_empty() {
        "untitled".to_owned()
    } else {
        trimmed
    }
}

pub(super) fn ascii_fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        let r = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' => "a",
            'ç' | 'č' | 'ć' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
            'ì' | 'í' | 'î' | 'ï' | 'ı' => "i",
            'ñ' | 'ń' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ő' => "o",
            'ù' | 'ú' | 'û' | 'ü' | 'ů' | 'ű' => "u",
            'ý' | 'ÿ' => "y",
            'ß' => "ss",
            'ş' | 'š' | 'ś' => "s",
            'ž' | 'ź' | 'ż' => "z",
            'ł' => "l",
            'ğ' => "g",
            'ř' => "r",
            'ţ' | 'ț' => "t",
            'đ' => "d",
            c if c.is_ascii_alphanumeric() => {
                out.push(c.to_ascii_lowercase());
                continue;
            }
            _ => "",
        };
        out.push_str(r);
    }
    out
}

pub(super) fn domain_of(org: &str) -> String {
    let s: String = ascii_fold(&org.replace(' ', "-"))
        .chars()
        .take(24)
        .collect();
    format!("{}.example", if s.is_empty() { "mail" } else { &s })
}

impl<'t> Gen<'t> {
    /// Renders an inline template (a stem, subject or body from the pack),
    /// compiling it on first use.
    pub(super) fn render_str(&self, src: &'t str, ctx: &MV) -> Result<String, GenError> {
        let fail = |e: minijinja::Error| self.e(format!("template {src:?}: {e:#}"));
        let mut inline = self.inline.borrow_mut();
        let tpl = match inline.entry(src) {
            std::collections::btree_map::Entry::Occupied(o) => o.into_mut(),
            std::collections::btree_map::Entry::Vacant(v) => {
                v.insert(self.env.template_from_str(src).map_err(fail)?)
            }
        };
        tpl.render(ctx.clone()).map_err(fail)
    }

    /// `format_value`, remembered for numbers and text.
    pub(super) fn show(&self, value: &CellValue, format: Option<&str>) -> String {
        let key = match value {
            CellValue::Number(n) => Shown::Number(n.to_bits()),
            CellValue::Text(t) => Shown::Text(t.clone()),
            other => return format_value(other, format),
        };
        let key = (key, format.map(str::to_owned));
        if let Some(text) = self.shown.borrow().get(&key) {
            return text.clone();
        }
        let text = self.locale.show(value, format);
        self.shown.borrow_mut().insert(key, text.clone());
        text
    }

    /// Renders a prose file of the template and resolves its alternatives.
    pub(super) fn render_file(&self, name: &str, ctx: &MV) -> Result<String, GenError> {
        let tpl = self
            .env
            .get_template(name)
            .map_err(|e| self.e(format!("{name}: {e}")))?;
        let out = tpl
            .render(self.with_roll(ctx))
            .map_err(|e| self.e(format!("{name}: {e:#}")))?;
        self.vary(&out).map_err(|e| self.e(format!("{name}: {e}")))
    }

    /// Renders an inline prose template (a mail body) and resolves its
    /// alternatives.
    pub(super) fn render_prose(&self, src: &'t str, ctx: &MV) -> Result<String, GenError> {
        let out = self.render_str(src, &self.with_roll(ctx))?;
        self.vary(&out)
            .map_err(|e| self.e(format!("template {src:?}: {e}")))
    }

    /// `ctx` with `roll`, a number in 0..=9999 from the prose stream, that a
    /// template uses to choose among whole skeletons (`roll % 3`).
    fn with_roll(&self, ctx: &MV) -> MV {
        let roll = self.prose.borrow_mut().int(0, 9999);
        minijinja::context! { roll => roll, ..ctx.clone() }
    }

    /// Resolves the `{? a | b ?}` alternatives of rendered prose from the
    /// prose stream.
    pub(super) fn vary(&self, text: &str) -> Result<String, String> {
        let mut rng = self.prose.borrow_mut();
        markup::choose(text, &mut |n| rng.below(n))
    }

    /// An entity's prose context: its figures (built once) and the names of
    /// the files made for it so far.
    pub(super) fn entity_ctx(&mut self, i: usize) -> MV {
        while self.ent_fixed.len() < self.entities.len() {
            let fixed = self.entity_fixed(self.ent_fixed.len());
            self.ent_fixed.push(fixed);
        }
        let files: serde_json::Map<String, J> = self.entities[i]
            .paths
            .iter()
            .map(|(k, p)| (k.clone(), J::String(p.file_name().unwrap_or("").to_owned())))
            .collect();
        let mut ctx = self.ent_fixed[i].clone();
        ctx.insert(key("files"), mj(&J::Object(files)));
        MV::from_object(ctx)
    }

    /// The parts of an entity's prose context that never change.
    pub(super) fn entity_fixed(&self, i: usize) -> Ctx {
        let e = &self.entities[i];
        let pack = self.pack;
        let mut kpi = serde_json::Map::new();
        for k in &pack.workbook.kpis {
            let v = e.book.kpi[&k.key].2;
            kpi.insert(
                k.key.clone(),
                json!({"label": k.label, "value": v, "text": self.show(&CellValue::Number(v), fmt_code(pack, k.format.as_deref()).as_deref())}),
            );
        }
        let mut asm = serde_json::Map::new();
        for (j, a) in pack.workbook.assumptions.iter().enumerate() {
            let v = e.asm[j];
            asm.insert(
                a.key.clone(),
                json!({"label": a.label, "value": v, "text": self.show(&CellValue::Number(v), fmt_code(pack, a.format.as_deref()).as_deref())}),
            );
        }
        let mut rows = Vec::new();
        for r in 0..e.book.n {
            let mut m = serde_json::Map::new();
            for (ci, c) in pack.dataset.columns.iter().enumerate() {
                let v = &e.rows[r][ci];
                m.insert(
                    c.key.clone(),
                    J::String(format_value(
                        &cell_value(v),
                        fmt_code(pack, c.format.as_deref()).as_deref(),
                    )),
                );
            }
            for mc in &pack.workbook.model {
                let v = &e.book.model[&mc.key].1[r].1;
                m.insert(
                    mc.key.clone(),
                    J::String(self.show(
                        &cell_value(v),
                        fmt_code(pack, mc.format.as_deref()).as_deref(),
                    )),
                );
            }
            rows.push(J::Object(m));
        }
        Ctx::from([
            (key("name"), mj(&json!(e.name))),
            (key("short"), mj(&json!(e.short))),
            (key("noun"), mj(&json!(pack.entity.noun))),
            (key("attr"), mj(&json!(e.attrs))),
            (
                key("contact"),
                mj(&e.contact.json(&pack.entity.contact_role)),
            ),
            (key("kpi"), mj(&J::Object(kpi))),
            (key("asm"), mj(&J::Object(asm))),
            (key("rows"), mj(&J::Array(rows))),
            (key("n_rows"), mj(&json!(e.book.n))),
        ])
    }

    /// The prose context; `entities` (every entity's figures) only for
    /// global artifacts, where it is used — it is the costly part.
    pub(super) fn base_ctx(&mut self, with_entities: bool) -> Ctx {
        let mut ctx = self.pick_ctx(None);
        if self.ent_ctx.is_none() {
            let all: Vec<MV> = (0..self.entities.len())
                .map(|i| self.entity_ctx(i))
                .collect();
            self.ent_ctx = Some(MV::from_object(all));
        }
        let entities = match &self.ent_ctx {
            Some(all) if with_entities => all.clone(),
            _ => MV::from_object(Vec::<MV>::new()),
        };
        if self.base_fixed.is_none() {
            self.base_fixed = Some(self.base_fixed_ctx());
        }
        ctx.extend(
            self.base_fixed
                .iter()
                .flatten()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
        ctx.insert(key("entities"), entities);
        ctx
    }

    /// The context's `locale`: currency, formats, place and the terms of
    /// the persona's country and city by domain (`locale.legal.court`).
    pub(super) fn locale_json(&self) -> J {
        let l = self.locale;
        let mut m = serde_json::Map::new();
        for (domain, terms) in l.terms_for(&self.place.city) {
            m.insert(domain, json!(terms));
        }
        for (k, v) in [
            ("id", json!(self.locale_id)),
            ("country", json!(self.place.country)),
            ("city", json!(self.place.city)),
            ("currency", json!(l.currency)),
            ("symbol", json!(l.symbol)),
            ("money_format", json!(self.pack.meta.money_format)),
            ("decimal", json!(l.decimal.to_string())),
            ("thousands", json!(l.thousands.to_string())),
            ("grouping", json!(l.grouping)),
            ("money_scale", json!(l.money_scale)),
            ("date_long", json!(l.date_long)),
            ("date_short", json!(l.date_short)),
        ] {
            m.insert(k.to_owned(), v);
        }
        J::Object(m)
    }

    /// The parts of the base prose context that are the same for every
    /// artifact, thread and objective.
    pub(super) fn base_fixed_ctx(&self) -> Ctx {
        let (y, m, _) = self.now.date();
        let collab: serde_json::Map<String, J> = self
            .collab
            .iter()
            .map(|(k, (p, c))| (k.clone(), p.json(&c.role)))
            .collect();
        let tracker: serde_json::Map<String, J> = self
            .tracker
            .as_ref()
            .map(|t| {
                t.kpi
                    .iter()
                    .map(|(k, (_, v, f))| (k.clone(), json!({"value": v, "text": self.show(&CellValue::Number(*v), f.as_deref())})))
                    .collect()
            })
            .unwrap_or_default();
        Ctx::from([
            (
                key("today"),
                mj(&J::String(self.locale.long_date(self.now))),
            ),
            (key("today_iso"), mj(&J::String(self.now.date_string()))),
            (
                key("start"),
                mj(&J::String(self.locale.long_date(self.start))),
            ),
            (key("start_iso"), mj(&J::String(self.start.date_string()))),
            (key("locale"), mj(&self.locale_json())),
            (key("year"), mj(&json!(y))),
            (
                key("month"),
                mj(&J::String(
                    simdesk_model::MONTH_NAMES[(m - 1) as usize].to_owned(),
                )),
            ),
            (
                key("quarter"),
                mj(&J::String(format!("Q{} {y}", (m - 1) / 3 + 1))),
            ),
            (key("collab"), mj(&J::Object(collab))),
            (key("tracker"), mj(&J::Object(tracker))),
            (key("noun"), mj(&J::String(self.pack.entity.noun.clone()))),
            (
                key("vocab"),
                mj(&serde_json::to_value(&self.pack.vocab).unwrap_or(J::Null)),
            ),
        ])
    }
}
