//! Template packs: an occupation described as data (`pack.toml` plus
//! minijinja prose templates), loaded from the embedded `templates/` folder
//! or from disk. See `templates/README.md` for the format.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::GenError;

/// One occupation: vocabulary, folder conventions, artifact recipes,
/// email threads and objectives, plus its prose templates.
#[derive(Debug, Clone)]
pub struct Template {
    /// Template id (folder name, `financial-advisor`).
    pub id: String,
    /// The parsed `pack.toml` (money formats in dollars, the base
    /// `[tables]`, terms in data strings unfilled; each computer works from
    /// a copy for its persona's locale, made on first use: see
    /// `Pack::localized`).
    pub pack: Pack,
    /// Prose templates by file name (`review.md.j2` → text). They are
    /// compiled once, by the first [`generate`](crate::generate) from this
    /// template; change them before that, not after.
    pub texts: BTreeMap<String, String>,
    /// The people of this template's worlds (`<id>/people.toml`): every
    /// person of a computer is drawn from here, at most once; no name is in
    /// two templates' pools.
    pub names: Vec<NameEntry>,
    /// The shared data (`_common/`): places, holidays, styles.
    pub common: Common,
    /// `texts` compiled once, for every computer generated from this
    /// template.
    pub(crate) prose: OnceLock<Result<minijinja::Environment<'static>, GenError>>,
    /// `pack` localized for each locale its countries use, by locale id;
    /// built once, like `prose`.
    pub(crate) localized: OnceLock<BTreeMap<String, Pack>>,
}

/// Shared data for every pack: places, public holidays and writing styles.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Common {
    /// Places a persona can live.
    pub locations: Vec<Location>,
    /// Public holidays (`_common/holidays.toml`) by city or country, then
    /// by local date (`2026-01-19`) with the holiday's name; a city's table
    /// is used before its country's.
    #[serde(default)]
    pub holidays: BTreeMap<String, BTreeMap<String, String>>,
    /// Greetings and sign-offs per style.
    pub styles: BTreeMap<String, StyleText>,
    /// Personal mail domains for private clients.
    pub personal_domains: Vec<String>,
    /// How each country writes money and dates, and its terms
    /// (`locales.toml`), by locale id.
    #[serde(default)]
    pub locales: BTreeMap<String, crate::locale::Locale>,
}

/// One person name.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NameEntry {
    /// As the person writes it (`王芳`, `Ngozi Okafor`).
    pub display: String,
    /// Given name in Latin letters (for addresses and file names).
    pub given: String,
    /// Family name in Latin letters.
    pub family: String,
    /// How colleagues greet them, in the script of `display` (`Анна`,
    /// `山田さん`); `given` when absent (then `display` must contain it).
    #[serde(default)]
    pub called: Option<String>,
    /// The name they sign with (`Анна`, `山田`); `given` when absent.
    #[serde(default)]
    pub signs: Option<String>,
}

impl NameEntry {
    /// How colleagues greet them.
    pub fn greeting_name(&self) -> &str {
        self.called.as_deref().unwrap_or(&self.given)
    }

    /// The name they sign with.
    pub fn signature(&self) -> &str {
        self.signs.as_deref().unwrap_or(&self.given)
    }
}

/// A template's `people.toml`: its pool of names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeopleFile {
    names: Vec<NameEntry>,
}

impl Common {
    /// The public holidays of a place: the city's table, else the
    /// country's; empty when neither has one.
    pub fn holidays_of(&self, city: &str, country: &str) -> Option<&BTreeMap<String, String>> {
        self.holidays
            .get(city)
            .or_else(|| self.holidays.get(country))
    }

    /// Every holiday date is a calendar date and every place a persona can
    /// live has a holiday table.
    fn check(&self) -> Result<(), String> {
        for (place, days) in &self.holidays {
            if let Some(d) = days
                .keys()
                .find(|d| simdesk_sim::LocalDate::parse(d).is_none())
            {
                return Err(format!(
                    "holidays.{place}: {d:?} is not a YYYY-MM-DD calendar date"
                ));
            }
        }
        if let Some(l) = self
            .locations
            .iter()
            .find(|l| self.holidays_of(&l.city, &l.country).is_none())
        {
            return Err(format!(
                "location {} ({}) has no holiday table (by city or country)",
                l.city, l.country
            ));
        }
        Ok(())
    }
}

/// A template's name pool, checked: every name greets and signs in the
/// script it is written in, and no name is there twice.
fn check_pool(names: &[NameEntry]) -> Result<(), String> {
    if names.is_empty() {
        return Err("people.toml: the name pool is empty".into());
    }
    let mut seen = std::collections::BTreeSet::new();
    for n in names {
        if !seen.insert(n.display.as_str()) {
            return Err(format!("people.toml: {:?} is listed twice", n.display));
        }
        let latin_inside = n.display.contains(&n.given);
        if !latin_inside && (n.called.is_none() || n.signs.is_none()) {
            return Err(format!(
                "people.toml: {:?} does not contain its given name {:?}: say how it is greeted (called) and signed (signs)",
                n.display, n.given
            ));
        }
        if n.greeting_name().trim().is_empty() || n.signature().trim().is_empty() {
            return Err(format!(
                "people.toml: {:?} has an empty greeting or signature name",
                n.display
            ));
        }
    }
    Ok(())
}

/// Refuses a name that two templates' pools share: a person belongs to one
/// template's worlds only.
pub fn check_name_pools(templates: &[Template]) -> Result<(), GenError> {
    let mut owner: BTreeMap<&str, &str> = BTreeMap::new();
    for t in templates {
        for n in &t.names {
            if let Some(first) = owner.insert(n.display.as_str(), t.id.as_str())
                && first != t.id
            {
                return Err(GenError::SharedName {
                    name: n.display.clone(),
                    first: first.to_owned(),
                    second: t.id.clone(),
                });
            }
        }
    }
    Ok(())
}

/// A city with its country and time zone.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    /// City.
    pub city: String,
    /// Country.
    pub country: String,
    /// IANA time zone; a name `simdesk_model::tz` does not know is an
    /// error when the templates load.
    pub timezone: simdesk_model::TimeZone,
}

/// How one style opens and closes a message.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StyleText {
    /// Greetings (`{name}` is the recipient's given name).
    pub greetings: Vec<String>,
    /// Sign-offs.
    pub signoffs: Vec<String>,
    /// Extra sentences this style adds (chatty asides, skeptical questions).
    #[serde(default)]
    pub asides: Vec<String>,
}

/// The `pack.toml` of one occupation.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Who the persona is.
    pub meta: Meta,
    /// Word lists (`pick` from them in recipes, `vocab.NAME` in prose).
    #[serde(default)]
    pub vocab: BTreeMap<String, Vec<String>>,
    /// Tables of records (a security with ticker, name, class, price).
    #[serde(default)]
    pub tables: BTreeMap<String, Vec<BTreeMap<String, toml::Value>>>,
    /// Tables that replace a `[tables]` table for personas in one country
    /// (`[country_tables."United Kingdom"] securities = [...]`): the same
    /// columns with the same kinds of value, written as that country
    /// writes them (prices in its currency). Loading refuses a country the
    /// pack does not operate in.
    #[serde(default)]
    pub country_tables: BTreeMap<String, BTreeMap<String, Vec<BTreeMap<String, toml::Value>>>>,
    /// The tables of this pack taken from `country_tables`, set by
    /// [`Pack::localized`]: their values are already in the persona's
    /// currency and units. No table value is ever scaled (a money scale
    /// applies to drawn amounts only; see `ColumnRecipe::takes_table_values`);
    /// this names the tables that are local, not converted.
    #[serde(skip)]
    pub local_tables: BTreeSet<String>,
    /// The unit of work the persona handles many of (client, project …).
    pub entity: EntityRecipe,
    /// The data file each entity's workbook imports.
    pub dataset: DatasetRecipe,
    /// Each entity's workbook.
    pub workbook: WorkbookRecipe,
    /// The master tracker across entities.
    pub tracker: TrackerRecipe,
    /// Documents, decks, notes and static PDFs.
    #[serde(default)]
    pub artifacts: Vec<ArtifactRecipe>,
    /// Collaborators.
    pub collaborators: Vec<CollaboratorRecipe>,
    /// Backlog threads.
    #[serde(default)]
    pub threads: Vec<ThreadRecipe>,
    /// Objectives (each is instantiated once per computer).
    pub objectives: Vec<ObjectiveRecipe>,
    /// Domain rules the world satisfies (`[[invariants]]`): the generator
    /// draws values that keep them, [`check_invariants`](crate::check_invariants)
    /// judges a world by them.
    #[serde(default)]
    pub invariants: Vec<crate::invariant::Invariant>,
}

impl Pack {
    /// This pack as a persona in `locale`'s country sees it: the money it
    /// draws scaled to the country
    /// ([`Locale::money_scale`](crate::Locale::money_scale); exactly what
    /// is scaled is said in `money.rs`), every number format written for
    /// the country (see
    /// [`Locale::localize_format`](crate::Locale::localize_format)), the
    /// `[country_tables]` of the locale's country in place of the base
    /// tables (named in `local_tables`; their values are local and never
    /// scaled), and the locale's terms filled in its data strings (job
    /// titles, employers, roles, vocab, table text, expression literals;
    /// see `templates/README.md`, "Locale").
    pub fn localized(&self, locale: &crate::locale::Locale) -> Pack {
        let mut p = self.clone();
        p.scale_money(locale.money_scale);
        // Loading refuses country tables for two countries of one locale.
        if let Some(tables) = locale
            .countries
            .iter()
            .find_map(|c| self.country_tables.get(c))
        {
            for (name, records) in tables {
                p.tables.insert(name.clone(), records.clone());
                p.local_tables.insert(name.clone());
            }
        }
        // Loading refuses a data string whose terms cannot be filled.
        let _ = crate::locale::fill_pack_terms(&mut p, &locale.terms);
        let fix = |f: &mut Option<String>| {
            if let Some(f) = f.as_mut() {
                *f = locale.localize_format(f);
            }
        };
        p.meta.money_format = locale.localize_format(&p.meta.money_format);
        p.dataset
            .columns
            .iter_mut()
            .for_each(|c| fix(&mut c.format));
        p.workbook.model.iter_mut().for_each(|c| fix(&mut c.format));
        p.workbook
            .assumptions
            .iter_mut()
            .for_each(|c| fix(&mut c.format));
        p.workbook.kpis.iter_mut().for_each(|c| fix(&mut c.format));
        p.tracker.kpis.iter_mut().for_each(|c| fix(&mut c.format));
        p
    }
}

/// Who the persona is.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// One-line description for `simdesk templates`.
    pub description: String,
    /// Industry.
    pub industry: String,
    /// Job titles to pick from.
    pub roles: Vec<String>,
    /// Earlier roles for the career history.
    pub earlier_roles: Vec<String>,
    /// Employers: name and mail domain.
    pub employers: Vec<Employer>,
    /// Tools the persona uses.
    pub tools: Vec<String>,
    /// The work folder under Documents (`Clients`, `Projects`).
    pub work_folder: String,
    /// Other folders under the work root.
    #[serde(default)]
    pub folders: Vec<String>,
    /// Currency format for money (`$#,##0`; `$` becomes the persona's
    /// currency).
    #[serde(default = "default_money")]
    pub money_format: String,
    /// Countries the persona may live in (as `locations` spell them); each
    /// needs a locale with every term the pack's prose uses. Empty: every
    /// country a locale serves.
    #[serde(default)]
    pub countries: Vec<String>,
}

fn default_money() -> String {
    "$#,##0".to_owned()
}

/// An employer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Employer {
    /// Name.
    pub name: String,
    /// Mail domain (use `.example`).
    pub domain: String,
}

/// The unit of work (client, project, matter, study, campaign, team).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EntityRecipe {
    /// Singular noun (`client`).
    pub noun: String,
    /// How many per computer, inclusive range.
    pub count: [u32; 2],
    /// Name template (minijinja; `contact` is a person, `one.LIST` a pick).
    pub name: String,
    /// Short name used in file names (minijinja).
    pub short: String,
    /// Role of the entity's contact person (`Client`, `Site PI`).
    pub contact_role: String,
    /// Mail domain of the contact: `personal` or a minijinja template.
    #[serde(default = "default_contact_domain")]
    pub contact_domain: String,
    /// Extra attributes per entity: name → vocab list to pick from.
    #[serde(default)]
    pub attributes: BTreeMap<String, String>,
}

fn default_contact_domain() -> String {
    "personal".to_owned()
}

/// The downloaded data file (CSV) of each entity.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatasetRecipe {
    /// File stem (`holdings`).
    pub stem: String,
    /// Rows, inclusive range.
    pub rows: [u32; 2],
    /// Table whose records rows are drawn from (unique per dataset).
    #[serde(default)]
    pub records: Option<String>,
    /// Columns.
    pub columns: Vec<ColumnRecipe>,
}

/// How one data column is generated.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnRecipe {
    /// Key used by expressions.
    pub key: String,
    /// Header text.
    pub header: String,
    /// Take this field of the row's record, as the table writes it (see
    /// [`ColumnRecipe::takes_table_values`]).
    #[serde(default)]
    pub field: Option<String>,
    /// Pick from this vocab list (with replacement).
    #[serde(default)]
    pub pick: Option<String>,
    /// Cycle through this vocab list in order.
    #[serde(default)]
    pub cycle: Option<String>,
    /// Random integer in range.
    #[serde(default)]
    pub int: Option<[i64; 2]>,
    /// Random number in range.
    #[serde(default)]
    pub num: Option<[f64; 2]>,
    /// Sequence: prefix followed by a number.
    #[serde(default)]
    pub seq: Option<String>,
    /// A date this many days before the data was exported (range; the
    /// earliest data file is dated 16 days before the start), as
    /// `yyyy-mm-dd` text. A dataset with such a column keeps its rows in
    /// date order, oldest first (the first such column).
    #[serde(default)]
    pub days_ago: Option<[i64; 2]>,
    /// Multiply a numeric base by a random factor in `1 ± jitter`.
    #[serde(default)]
    pub jitter: Option<f64>,
    /// Decimals to round to (default 0 for `int`, 2 otherwise).
    #[serde(default)]
    pub decimals: Option<u32>,
    /// Round to a multiple of this (budgets in hundreds).
    #[serde(default)]
    pub round_to: Option<f64>,
    /// Number format in the workbook.
    #[serde(default)]
    pub format: Option<String>,
}

impl ColumnRecipe {
    /// Whether the column takes its values from a table record (`field`).
    /// Such values are never scaled: a table holds prices as the country
    /// it serves writes them (a `[country_tables]` table, listed in
    /// [`Pack::local_tables`], in the persona's currency; a base table as
    /// written), so whatever multiplies drawn money amounts for a locale
    /// must skip these columns (their `jitter` is a relative move and
    /// keeps the value local).
    pub fn takes_table_values(&self) -> bool {
        self.field.is_some()
    }
}

/// Each entity's workbook.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkbookRecipe {
    /// File stem.
    pub stem: String,
    /// Name of the imported data sheet.
    pub data_sheet: String,
    /// Name of the computed sheet.
    pub model_sheet: String,
    /// Name of the key-figures sheet.
    #[serde(default = "default_summary")]
    pub summary_sheet: String,
    /// Name of the assumptions sheet.
    #[serde(default = "default_assumptions")]
    pub assumptions_sheet: String,
    /// Data columns copied to the model sheet first (labels).
    #[serde(default)]
    pub copy: Vec<String>,
    /// Computed columns.
    #[serde(default)]
    pub model: Vec<ModelColumn>,
    /// Typed inputs.
    #[serde(default)]
    pub assumptions: Vec<Assumption>,
    /// Key figures.
    pub kpis: Vec<Kpi>,
}

fn default_summary() -> String {
    "Summary".to_owned()
}
fn default_assumptions() -> String {
    "Assumptions".to_owned()
}

/// A computed column.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelColumn {
    /// Key.
    pub key: String,
    /// Header.
    pub header: String,
    /// Expression per row.
    pub expr: String,
    /// Number format.
    #[serde(default)]
    pub format: Option<String>,
    /// Total row: `sum` (or none).
    #[serde(default)]
    pub total: Option<String>,
}

/// A typed input.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assumption {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Random value in range.
    pub value: [f64; 2],
    /// Decimals.
    #[serde(default = "default_decimals")]
    pub decimals: u32,
    /// Number format.
    #[serde(default)]
    pub format: Option<String>,
}

fn default_decimals() -> u32 {
    4
}

/// A key figure.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Kpi {
    /// Key.
    pub key: String,
    /// Label.
    pub label: String,
    /// Expression.
    pub expr: String,
    /// Number format (`money` means the pack's money format).
    #[serde(default)]
    pub format: Option<String>,
}

/// The master tracker: one row per entity, key figures linked live.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackerRecipe {
    /// File stem.
    pub stem: String,
    /// Sheet with one row per entity.
    pub sheet: String,
    /// Header of the name column.
    pub name_header: String,
    /// Text columns from entity attributes: header → attribute.
    #[serde(default)]
    pub attributes: Vec<[String; 2]>,
    /// Entity key figures linked live into the sheet.
    pub linked: Vec<String>,
    /// Key figures over the tracker (columns are the linked kpi keys).
    pub kpis: Vec<Kpi>,
}

/// A document, deck, note or static PDF.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtifactRecipe {
    /// Id, used by threads, objectives and `based_on`.
    pub id: String,
    /// `entity` (one per entity) or `global`.
    pub scope: String,
    /// `document`, `deck`, `note`, `pdf` or `archive_pdf`.
    pub kind: String,
    /// File stem (minijinja).
    pub stem: String,
    /// Prose template file.
    pub template: String,
    /// `entity`, `work`, `desktop`, `notes`, `reference`, `archive` or a
    /// folder under the work root.
    #[serde(default = "default_place")]
    pub place: String,
    /// Extension for notes (`md` or `txt`).
    #[serde(default)]
    pub ext: Option<String>,
    /// Export to these extensions (`pdf`, `md`).
    #[serde(default)]
    pub export: Vec<String>,
    /// A "based on" link from this recipe id (`workbook`, another id).
    #[serde(default)]
    pub based_on: Option<String>,
    /// Fraction of entities that get it (entity scope).
    #[serde(default = "one")]
    pub share: f64,
}

fn default_place() -> String {
    "entity".to_owned()
}
fn one() -> f64 {
    1.0
}

/// A collaborator role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CollaboratorRecipe {
    /// Key (`manager`, `compliance`).
    pub key: String,
    /// Role title.
    pub role: String,
    /// How the persona relates to them.
    pub relation: Relation,
    /// Mail domain template for outsiders; employer domain when absent.
    #[serde(default)]
    pub organisation: Option<String>,
    /// Always present (else present with probability 1/2).
    #[serde(default)]
    pub required: bool,
    /// Countries this collaborator may work from instead of the persona's
    /// city (a vendor's account manager in London for a Dublin persona):
    /// drawn among the locations there whose working day shares two hours
    /// or more with the persona's. They then keep their own time zone and
    /// public holidays, in the backlog and in the month. Empty: with the
    /// persona. Such a collaborator asks for no objective (loading checks):
    /// the month's requests come from the persona's office.
    #[serde(default)]
    pub based_in: Vec<String>,
}

/// A backlog thread.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreadRecipe {
    /// `entity` or `global`.
    pub scope: String,
    /// How many instances, inclusive range.
    #[serde(default = "one_one")]
    pub count: [u32; 2],
    /// Subject (minijinja).
    pub subject: String,
    /// Messages in order.
    pub messages: Vec<MessageRecipe>,
}

fn one_one() -> [u32; 2] {
    [1, 1]
}

/// One message of a thread.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MessageRecipe {
    /// Sender: `persona`, `contact` or a collaborator key.
    pub from: Party,
    /// Recipient (same forms).
    pub to: Party,
    /// Body (minijinja text).
    pub body: String,
    /// Attachments: recipe ids (`workbook`, `csv`, `tracker`, `review.pdf`).
    #[serde(default)]
    pub attach: Vec<String>,
}

/// An objective recipe.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveRecipe {
    /// What the work is; says which of the fields below it needs.
    pub shape: Shape,
    /// Who asks: `contact` or a collaborator key.
    pub from: Party,
    /// Title (minijinja).
    pub title: String,
    /// Email subject (minijinja).
    pub subject: String,
    /// Email body (minijinja).
    pub body: String,
    /// Due in this many days from the last backlog day, inclusive range.
    pub due_days: [u32; 2],
    /// The key figure whose value must follow the new data.
    #[serde(default)]
    pub kpi: Option<String>,
    /// The data column that changes, with `jitter` or `scale`.
    #[serde(default)]
    pub change: Option<Change>,
    /// The assumption that changes, to a value in `new_value`.
    #[serde(default)]
    pub assumption: Option<String>,
    /// Range of the new assumption value.
    #[serde(default)]
    pub new_value: Option<[f64; 2]>,
    /// The document/deck (recipe id) or `tracker`/`workbook` exported.
    #[serde(default)]
    pub source: Option<String>,
    /// The deliverable's file stem (minijinja) and extension.
    #[serde(default)]
    pub deliverable: Option<String>,
    /// Deliverable format.
    #[serde(default)]
    pub deliverable_ext: DeliverableExt,
    /// Stem of the new data file (minijinja).
    #[serde(default)]
    pub new_data: Option<String>,
    /// Late work loses this much credit per started day (in [0, 1]);
    /// late work fails when unset.
    #[serde(default)]
    pub late_per_day: Option<f64>,
}

/// The shape of an objective: which work it asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shape {
    /// New data arrives: load it, so the key figure follows, export the
    /// source fresh and send it (`change`, `kpi`, `source`, `deliverable`).
    RefreshExportSend,
    /// New data arrives: load it so the key figure (and the tracker total
    /// over it) follows (`change`, `kpi`).
    RefreshValue,
    /// An assumption changes: set it, export the source fresh and send it
    /// (`assumption`, `new_value`, `kpi`, `source`, `deliverable`).
    AssumptionChange,
    /// Export a source as it stands and send it (`source`, `deliverable`).
    ExportSend,
}

impl Shape {
    /// The name templates use (`refresh_export_send` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Shape::RefreshExportSend => "refresh_export_send",
            Shape::RefreshValue => "refresh_value",
            Shape::AssumptionChange => "assumption_change",
            Shape::ExportSend => "export_send",
        }
    }
}

/// Who sends or receives a message, or asks for work.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub enum Party {
    /// The persona (`persona`).
    Persona,
    /// The contact of the entity concerned (`contact`).
    Contact,
    /// The collaborator with this key (`manager`, `compliance` …).
    Collaborator(String),
}

impl From<String> for Party {
    fn from(s: String) -> Party {
        match s.as_str() {
            "persona" => Party::Persona,
            "contact" => Party::Contact,
            _ => Party::Collaborator(s),
        }
    }
}

/// How a collaborator relates to the persona.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Their manager.
    Manager,
    /// A colleague.
    Peer,
    /// Someone outside the firm who sells to it.
    Vendor,
}

impl Relation {
    /// The name templates and specs use (`manager` …).
    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Manager => "manager",
            Relation::Peer => "peer",
            Relation::Vendor => "vendor",
        }
    }
}

/// The file format of a deliverable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliverableExt {
    /// A PDF export (the default).
    #[default]
    Pdf,
    /// A CSV export of one sheet.
    Csv,
}

impl DeliverableExt {
    /// The file extension (`pdf`, `csv`).
    pub fn as_str(self) -> &'static str {
        match self {
            DeliverableExt::Pdf => "pdf",
            DeliverableExt::Csv => "csv",
        }
    }
}

/// How new data differs from the current data.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Change {
    /// The data column.
    pub column: String,
    /// Each row multiplied by `1 ± jitter`.
    #[serde(default)]
    pub jitter: Option<f64>,
    /// Every row multiplied by one factor in this range.
    #[serde(default)]
    pub scale: Option<[f64; 2]>,
}

// ---------------------------------------------------------------- loading

include!(concat!(env!("OUT_DIR"), "/embedded_templates.rs"));

/// Files of the shipped templates, embedded at build time: relative path
/// (`financial-advisor/pack.toml`) and content.
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED
}

/// The shipped templates, sorted by id.
pub fn builtin_templates() -> Result<Vec<Template>, GenError> {
    let files: BTreeMap<String, String> = EMBEDDED
        .iter()
        .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
        .collect();
    parse_templates(&files, "embedded templates")
}

/// The shipped template with this id.
pub fn builtin_template(id: &str) -> Result<Template, GenError> {
    builtin_templates()?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| GenError::UnknownTemplate {
            name: id.to_owned(),
        })
}

/// The template `generate` uses when none is named.
pub const DEFAULT_TEMPLATE: &str = "financial-advisor";

/// Templates from files given as (relative path, content) pairs, the way a
/// template folder holds them: `<id>/pack.toml`, `<id>/*.j2` and optional
/// `_common/*.toml` files that override the shipped shared data. Reading
/// the files from disk is the store's job (`simdesk_store::templates`);
/// `origin` names where they came from in errors.
pub fn templates_from_files(
    files: impl IntoIterator<Item = (String, String)>,
    origin: &str,
) -> Result<Vec<Template>, GenError> {
    let mut all: BTreeMap<String, String> = EMBEDDED
        .iter()
        .filter(|(p, _)| p.starts_with("_common/"))
        .map(|(p, c)| ((*p).to_owned(), (*c).to_owned()))
        .collect();
    all.extend(files);
    parse_templates(&all, origin)
}

fn parse_templates(
    files: &BTreeMap<String, String>,
    origin: &str,
) -> Result<Vec<Template>, GenError> {
    // Each `_common/*.toml` is read on its own (a file ending in a table
    // must not swallow the next file's keys), then their keys are merged.
    let common_err = |message: String| GenError::Template {
        template: "_common".into(),
        message: format!("{origin}: {message}"),
    };
    let mut merged = toml::Table::new();
    for (p, c) in files {
        if p.starts_with("_common/") && p.ends_with(".toml") {
            let table: toml::Table =
                toml::from_str(c).map_err(|e| common_err(format!("{p}: {e}")))?;
            for (k, v) in table {
                if merged.insert(k.clone(), v).is_some() {
                    return Err(common_err(format!(
                        "{p}: {k} is set by another _common file too"
                    )));
                }
            }
        }
    }
    let common: Common = toml::Value::Table(merged)
        .try_into()
        .map_err(|e: toml::de::Error| common_err(e.to_string()))?;
    common.check().map_err(|message| GenError::Template {
        template: "_common".into(),
        message: format!("{origin}: {message}"),
    })?;
    crate::locale::check_table(&common.locales)?;
    let mut out = Vec::new();
    for (p, c) in files {
        let Some(id) = p.strip_suffix("/pack.toml") else {
            continue;
        };
        if id.starts_with('_') || id.contains('/') {
            continue;
        }
        let pack: Pack = toml::from_str(c).map_err(|e| GenError::Template {
            template: id.to_owned(),
            message: format!("pack.toml: {e}"),
        })?;
        let prefix = format!("{id}/");
        let people =
            files
                .get(&format!("{prefix}people.toml"))
                .ok_or_else(|| GenError::Template {
                    template: id.to_owned(),
                    message: "people.toml: missing (every template has its own name pool)".into(),
                })?;
        let people: PeopleFile = toml::from_str(people).map_err(|e| GenError::Template {
            template: id.to_owned(),
            message: format!("people.toml: {e}"),
        })?;
        check_pool(&people.names).map_err(|message| GenError::Template {
            template: id.to_owned(),
            message,
        })?;
        let texts = files
            .iter()
            .filter_map(|(p, c)| {
                p.strip_prefix(&prefix)
                    .filter(|n| n.ends_with(".j2"))
                    .map(|n| (n.to_owned(), c.clone()))
            })
            .collect();
        let t = Template {
            id: id.to_owned(),
            pack,
            texts,
            names: people.names,
            common: common.clone(),
            prose: OnceLock::new(),
            localized: OnceLock::new(),
        };
        crate::generate::check_template(&t)?;
        crate::locale::check_pack_locales(
            id,
            &t.pack.meta.countries,
            &t.common.locations,
            &t.common.locales,
            t.texts.values().map(String::as_str).chain([c.as_str()]),
        )?;
        crate::locale::check_pack_data(id, &t.pack, &t.common.locales)?;
        out.push(t);
    }
    check_name_pools(&out)?;
    Ok(out)
}
