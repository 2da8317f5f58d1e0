//! The generator: (template, seed, index) → [`WorldSpec`].
//!
//! Everything random comes from one ChaCha stream seeded from the template
//! id, the seed and the index; maps are ordered; nothing reads a clock. The
//! same inputs therefore give the same spec, byte for byte.
//!
//! One file per stage, in the order [`generate`] runs them; every stage
//! adds methods to the one `Gen` state. The imports below are the
//! stages' shared vocabulary: each stage file starts with `use super::*`.

mod book;
mod draws;
mod faults;
mod files;
mod mail;
mod month;
mod objectives;
mod people;
mod persona;
mod prose;
mod rng;
mod settle;
mod tracker;

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use minijinja::{Environment, UndefinedBehavior, Value as MV};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng as _, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value as J, json};
use simdesk_model::{
    Artifact, Cell, CellAddr, CellEdit, CellInput, CellLink, CellValue, Confidential, Email, Goal,
    LatePolicy, LinkKind, Mailbox, Objective, Op, Paragraph, Pdf, Persona, Policy, Ref, RefTarget,
    Sheet, SimTime, Text, TextFormat, VPath, Workbook, format_value, quote_sheet,
};

use crate::expr::{self, Scope, Val};
use crate::locale::Locale;
use crate::markup::{self, Resolved};
use crate::pack::{
    ArtifactRecipe, ColumnRecipe, DeliverableExt, NameEntry, ObjectiveRecipe, Pack, Party, Shape,
    Template,
};
use crate::spec::*;
use crate::{GenError, GenOptions};
use simdesk_sim::{ClockTime, LocalDate, WorkingHours};

use book::*;
use mail::*;
use persona::*;
use prose::*;
use rng::*;

/// The persona's rich profile, serialised into [`Persona::profile`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Profile {
    /// Template the persona was generated from.
    pub template: String,
    /// Industry.
    pub industry: String,
    /// City, country and time zone.
    pub location: ProfileLocation,
    /// Years of professional experience.
    pub years_experience: u32,
    /// Positions, oldest first, the last at the current employer in the
    /// current role (to this year): each starts the year the one before it
    /// ends, and together they span `years_experience`.
    pub career: Vec<CareerStep>,
    /// `basic`, `intermediate`, `advanced` or `power_user`.
    pub skill_level: String,
    /// Tools used daily.
    pub tools: Vec<String>,
    /// Working hours (`08:30-17:30`, local time) and days.
    pub working_hours: String,
    /// Working days (`Mon-Fri`), less `public_holidays`.
    pub working_days: String,
    /// The public holidays of the persona's place around the simulated
    /// weeks (date → name): nobody works, writes or is due on them.
    #[serde(default)]
    pub public_holidays: BTreeMap<String, String>,
    /// Habits that shape the files: `keeps_versions`, `desktop_dumper`,
    /// `dated_folders`, `naming_by_client` / `naming_by_date`,
    /// `onedrive`, `separator_underscore` …
    pub quirks: Vec<String>,
    /// `windows` or `macos`. A Windows `C:\Users\<name>` is the world path
    /// `/C/Users/<name>` (the drive letter becomes the first folder, since a
    /// world path may not contain `:`).
    pub os: String,
    /// Home folder in the world.
    pub home: String,
    /// How the persona writes email.
    pub email_style: Style,
    /// How the persona's country writes money and dates.
    #[serde(default)]
    pub locale: ProfileLocale,
}

/// The locale a persona's country uses (`templates/_common/locales.toml`),
/// as the world records it for whoever writes in the persona's name later.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProfileLocale {
    /// Locale id (`uk`, `sg`).
    pub id: String,
    /// ISO 4217 currency code.
    pub currency: String,
    /// Currency symbol as amounts show it.
    pub symbol: String,
    /// A date in prose, as an Excel date code (`d mmmm yyyy`).
    pub date_long: String,
    /// A date in tables, as an Excel date code (`dd/mm/yyyy`).
    pub date_short: String,
    /// Decimal separator of numbers (`.`, `,`): a figure in this world is
    /// read with it (`1.234,56` is 1234.56 where it is `,`).
    #[serde(default)]
    pub decimal: String,
    /// Thousands separator of numbers (`,`, `.`).
    #[serde(default)]
    pub thousands: String,
    /// How digits are grouped (`western`, `indian` for `12,34,567`).
    #[serde(default)]
    pub grouping: simdesk_model::Grouping,
}

/// A city with its country and time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ProfileLocation {
    /// City.
    pub city: String,
    /// Country.
    pub country: String,
    /// IANA time zone.
    pub timezone: String,
}

/// One position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CareerStep {
    /// Employer.
    pub employer: String,
    /// Role.
    pub role: String,
    /// First year.
    pub from: i64,
    /// Last year.
    pub to: i64,
}

#[derive(Debug, Clone)]
struct Entity {
    name: String,
    short: String,
    contact: Person,
    attrs: BTreeMap<String, String>,
    dir: VPath,
    deliver_dir: VPath,
    rows: Vec<Vec<Val>>,
    asm: Vec<f64>,
    book: Book,
    csv: VPath,
    wb: VPath,
    /// Data files that arrive for it with a request.
    news: Vec<VPath>,
    /// Artifacts by recipe id (`review`, `review.pdf`, `workbook`, `csv`).
    paths: BTreeMap<String, VPath>,
    featured: bool,
}

struct Gen<'t> {
    t: &'t Template,
    /// The template's pack with money in the persona's currency.
    pack: &'t Pack,
    /// Where the persona lives.
    place: crate::pack::Location,
    /// How the persona's country writes money and dates, and its terms.
    locale: &'t Locale,
    /// The locale's id.
    locale_id: &'t str,
    rng: SeededRng,
    /// The stream that picks prose alternatives (`{? a | b ?}`) and the
    /// `roll` of each render: separate from `rng`, so how much a template
    /// varies its wording never moves the world's numbers.
    prose: RefCell<SeededRng>,
    env: &'t Environment<'t>,
    /// Inline templates (stems, subjects, bodies) compiled on first use.
    inline: RefCell<BTreeMap<&'t str, minijinja::Template<'t, 't>>>,
    spec: WorldSpec,
    taken: BTreeSet<String>,
    folders: BTreeSet<VPath>,
    home: VPath,
    work: VPath,
    desktop: VPath,
    downloads: VPath,
    persona: Person,
    style: Style,
    quirks: BTreeSet<String>,
    sep: &'static str,
    start: SimTime,
    now: SimTime,
    entities: Vec<Entity>,
    collab: BTreeMap<String, (Person, Collaborator)>,
    tracker: Option<TrackerCalc>,
    globals: BTreeMap<String, VPath>,
    /// Display names, greeting and signature names and addresses already
    /// given to someone in this computer.
    used_names: BTreeSet<String>,
    /// The persona's (and colleagues') working hours, as the profile says
    /// and as everything is scheduled by.
    hours: WorkingHours,
    /// Collaborators working from elsewhere (`based_in`): where, and their
    /// hours there (their zone and public holidays).
    abroad: BTreeMap<String, (crate::pack::Location, WorkingHours)>,
    msg_n: u32,
    domain: String,
    /// Per entity, the parts of its prose context that never change (all
    /// but `files`); built on first use.
    ent_fixed: Vec<Ctx>,
    /// Every entity's prose context as it was when the first artifact was
    /// made (`entities` in global artifacts).
    ent_ctx: Option<MV>,
    /// The parts of the base prose context that do not change once the
    /// collaborators and the tracker exist; built on first use.
    base_fixed: Option<Ctx>,
    /// Figures as already formatted: documents quote the same figures of an
    /// entity again and again.
    shown: RefCell<BTreeMap<(Shown, Option<String>), String>>,
    /// When the objective being made is asked for (the session's start for
    /// the first round, later for the rest).
    arrive: SimTime,
    /// The round of the objective being made (0: in the inbox at the
    /// start).
    round: usize,
    /// Which objectives are held back, disagreed about or changed.
    slots: month::Slots,
    /// What the month schedules, collected while objectives are made.
    month: month::Month,
    /// Values shared across the world's data files (`one_value` rules).
    world: draws::WorldValues,
}

/// A value [`Gen::show`] remembers the text of.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Shown {
    /// A number, by its bits.
    Number(u64),
    Text(String),
}

/// Tracker key figures: key → (row, formula, value, number format).
type TrackerKpis = BTreeMap<String, (u32, String, f64, Option<String>)>;

#[derive(Debug, Clone)]
struct TrackerCalc {
    path: VPath,
    /// Linked kpi key → column index.
    cols: BTreeMap<String, u32>,
    /// Tracker kpi key → (row, value, format).
    kpi: BTreeMap<String, (u32, f64, Option<String>)>,
}

/// Checks a template's data without generating: expressions parse, prose
/// templates compile, ids referenced by recipes exist.
pub(crate) fn check_template(t: &Template) -> Result<(), GenError> {
    let p = &t.pack;
    let bad = |m: String| GenError::Template {
        template: t.id.clone(),
        message: m,
    };
    for m in &p.workbook.model {
        expr::parse(&m.expr).map_err(|e| bad(format!("workbook.model {}: {e}", m.key)))?;
    }
    for k in p.workbook.kpis.iter().chain(&p.tracker.kpis) {
        expr::parse(&k.expr).map_err(|e| bad(format!("kpi {}: {e}", k.key)))?;
    }
    let mut env = Environment::new();
    for (name, src) in &t.texts {
        env.add_template(name, src)
            .map_err(|e| bad(format!("{name}: {e}")))?;
    }
    for a in &p.artifacts {
        if !t.texts.contains_key(&a.template) {
            return Err(bad(format!(
                "artifact {}: no template file {}",
                a.id, a.template
            )));
        }
    }
    crate::invariant::check_rules(p).map_err(bad)?;
    if p.objectives.len() < 4 {
        return Err(bad("a pack needs at least 4 objectives".into()));
    }
    for (i, o) in p.objectives.iter().enumerate() {
        let needs: &[(&str, bool)] = match o.shape {
            Shape::RefreshExportSend => &[
                ("change", o.change.is_some()),
                ("kpi", o.kpi.is_some()),
                ("source", o.source.is_some()),
                ("deliverable", o.deliverable.is_some()),
            ],
            Shape::RefreshValue => &[("change", o.change.is_some()), ("kpi", o.kpi.is_some())],
            Shape::AssumptionChange => &[
                ("assumption", o.assumption.is_some()),
                ("kpi", o.kpi.is_some()),
                ("source", o.source.is_some()),
                ("deliverable", o.deliverable.is_some()),
            ],
            Shape::ExportSend => &[
                ("source", o.source.is_some()),
                ("deliverable", o.deliverable.is_some()),
            ],
        };
        if o.deliverable.is_some() && !o.body.contains("deliverable") {
            return Err(bad(format!(
                "objective {} ({}): the body must state the deliverable's name ({{{{ deliverable }}}})",
                i + 1,
                o.shape.as_str()
            )));
        }
        if o.late_per_day.is_some_and(|d| !(0.0..=1.0).contains(&d)) {
            return Err(bad(format!(
                "objective {}: late_per_day must be in [0, 1]",
                i + 1
            )));
        }
        if let Some((field, _)) = needs.iter().find(|(_, has)| !has) {
            return Err(bad(format!(
                "objective {} ({}) needs {field}",
                i + 1,
                o.shape.as_str()
            )));
        }
    }
    for l in &p.tracker.linked {
        if !p.workbook.kpis.iter().any(|k| &k.key == l) {
            return Err(bad(format!("tracker links unknown kpi {l}")));
        }
    }
    for c in p.collaborators.iter().filter(|c| !c.based_in.is_empty()) {
        if let Some(o) = p
            .objectives
            .iter()
            .position(|o| o.from == Party::Collaborator(c.key.clone()))
        {
            return Err(bad(format!(
                "collaborator {}: based_in, yet objective {} comes from them (requests come from the persona's office)",
                c.key,
                o + 1
            )));
        }
        for country in &c.based_in {
            if !t.common.locations.iter().any(|l| &l.country == country) {
                return Err(bad(format!(
                    "collaborator {}: based_in {country}, which has no location in _common/people.toml",
                    c.key
                )));
            }
        }
    }
    Ok(())
}

/// `t`'s pack with money in the currency of locale `id`; the copies for
/// every locale the pack's places use are made once per template.
pub(crate) fn localized_pack<'t>(t: &'t Template, id: &str) -> Result<&'t Pack, GenError> {
    let all = t.localized.get_or_init(|| {
        persona::places(t)
            .iter()
            .filter_map(|p| crate::locale::for_country(&t.common.locales, &p.country))
            .map(|(id, l)| (id.to_owned(), t.pack.localized(l)))
            .collect()
    });
    all.get(id)
        .ok_or_else(|| gerr(t, format!("no localized pack for locale {id}")))
}

/// Generates one computer: a pure function of the template, seed, index and
/// options.
pub fn generate(
    t: &Template,
    seed: u64,
    index: u64,
    opts: &GenOptions,
) -> Result<WorldSpec, GenError> {
    let mut rng = SeededRng::new(&t.id, seed, index);
    // Start: a Monday in 2025-2026, 08:00 UTC; the backlog covers three weeks.
    let base = SimTime::from_ymd(2025, 1, 6).ok_or_else(|| gerr(t, "bad base date"))?;
    let start = base.plus_secs(rng.int(0, 90) * 7 * 86_400).at(8, 0, 0);
    let now = start.plus_secs(21 * 86_400);
    let env = prose_env(t)?;
    // The place has a stream of its own: it decides the pack's money
    // formats before anything else is drawn.
    let place = {
        let places = persona::places(t);
        if places.is_empty() {
            return Err(gerr(t, "no location in the countries the pack operates in"));
        }
        let mut place_rng = SeededRng::new(&format!("{}#place", t.id), seed, index);
        place_rng.pick(&places).clone()
    };
    let (locale_id, locale) = crate::locale::for_country(&t.common.locales, &place.country)
        .ok_or_else(|| gerr(t, format!("no locale serves {}", place.country)))?;
    let pack = localized_pack(t, locale_id)?;
    let placeholder = VPath::root();
    let mut g = Gen {
        t,
        pack,
        place,
        locale,
        locale_id,
        rng,
        prose: RefCell::new(SeededRng::new(&format!("{}#prose", t.id), seed, index)),
        env,
        inline: RefCell::new(BTreeMap::new()),
        spec: WorldSpec {
            version: SPEC_VERSION,
            origin: Some(Origin {
                template: t.id.clone(),
                seed,
                index,
                id: format!("{}-{seed}-{index}", t.id),
            }),
            start,
            persona: Persona::default(),
            home: placeholder.clone(),
            collaborators: Vec::new(),
            folders: Vec::new(),
            artifacts: Vec::new(),
            links: Vec::new(),
            copies: Vec::new(),
            exports: Vec::new(),
            emails: Vec::new(),
            objectives: Vec::new(),
            faults: Vec::new(),
            scenario: None,
        },
        taken: BTreeSet::new(),
        folders: BTreeSet::new(),
        home: placeholder.clone(),
        work: placeholder.clone(),
        desktop: placeholder.clone(),
        downloads: placeholder,
        persona: Person {
            display: String::new(),
            given: String::new(),
            family: String::new(),
            called: String::new(),
            signs: String::new(),
            email: String::new(),
        },
        style: Style::Formal,
        quirks: BTreeSet::new(),
        sep: " ",
        start,
        now,
        entities: Vec::new(),
        collab: BTreeMap::new(),
        tracker: None,
        globals: BTreeMap::new(),
        used_names: BTreeSet::new(),
        hours: WorkingHours::default(),
        abroad: BTreeMap::new(),
        msg_n: 0,
        domain: String::new(),
        ent_fixed: Vec::new(),
        ent_ctx: None,
        base_fixed: None,
        shown: RefCell::new(BTreeMap::new()),
        arrive: now,
        round: 0,
        slots: month::Slots::default(),
        month: month::Month::default(),
        world: draws::WorldValues::default(),
    };
    g.persona_and_home()?;
    g.collaborators_and_entities(opts.faults)?;
    g.entity_files()?;
    g.global_files()?;
    let mut mails = g.threads()?;
    let reserved = g.objectives(&mut mails, opts.faults)?;
    g.finish_emails(mails)?;
    g.faults(opts.faults, &reserved)?;
    g.scenario()?;
    g.spec.folders = g.folders.iter().cloned().collect();
    g.settle()?;
    Ok(g.spec)
}

impl<'t> Gen<'t> {
    fn e(&self, m: impl std::fmt::Display) -> GenError {
        gerr(self.t, m)
    }

    fn vp(&self, s: &str) -> Result<VPath, GenError> {
        VPath::parse(s).map_err(|e| self.e(e))
    }

    fn join(&self, dir: &VPath, name: &str) -> Result<VPath, GenError> {
        dir.join(&component(name)).map_err(|e| self.e(e))
    }

    fn folder(&mut self, p: &VPath) {
        self.folders.insert(p.clone());
    }

    /// Claims a free file path in `dir` named `stem.ext`, adding ` (2)` … on
    /// a clash.
    fn claim(&mut self, dir: &VPath, stem: &str, ext: &str) -> Result<VPath, GenError> {
        for n in 1..50 {
            let name = if n == 1 {
                format!("{}.{ext}", component(stem))
            } else {
                format!("{} ({n}).{ext}", component(stem))
            };
            let p = self.join(dir, &name)?;
            if self.taken.insert(p.fold_key()) {
                return Ok(p);
            }
        }
        Err(self.e(format!("no free name for {stem}.{ext}")))
    }

    /// A file name following the persona's naming habits.
    fn file_stem(&self, stem: &str, ent: Option<&Entity>, date: SimTime) -> String {
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(self.sep);
        // The day as the persona's calendar has it (a morning in Auckland
        // is the evening before in UTC).
        let d = self.local_date(date);
        let s = match ent {
            Some(e) if self.quirks.contains("naming_by_date") => format!(
                "{d}{}{}{}{}",
                self.sep,
                words(stem),
                self.sep,
                words(&e.short)
            ),
            Some(e) => format!("{}{}{}", words(&e.short), self.sep, words(stem)),
            None if self.quirks.contains("naming_by_date") => {
                format!("{d}{}{}", self.sep, words(stem))
            }
            None => words(stem),
        };
        if self.sep == " " {
            s
        } else {
            s.replace(['—', '–'], "-")
        }
    }
}
