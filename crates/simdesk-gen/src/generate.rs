//! The generator: (template, seed, index) → [`WorldSpec`].
//!
//! Everything random comes from one ChaCha stream seeded from the template
//! id, the seed and the index; maps are ordered; nothing reads a clock. The
//! same inputs therefore give the same spec, byte for byte.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use minijinja::{Environment, UndefinedBehavior, Value as MV};
use rand_chacha::ChaCha8Rng;
use rand_core::{Rng as _, SeedableRng};
use serde::{Deserialize, Serialize};
use serde_json::{Value as J, json};
use simdesk_model::{
    Artifact, Cell, CellAddr, CellLink, CellValue, Email, Goal, LatePolicy, Mailbox, Objective,
    Paragraph, Pdf, Persona, Policy, Ref, Sheet, SimTime, Text, TextFormat, VPath, Workbook,
    format_value, quote_sheet,
};

use crate::expr::{self, Scope, Val};
use crate::markup::{self, Resolved};
use crate::pack::{ArtifactRecipe, ColumnRecipe, Kpi, ObjectiveRecipe, Pack, Template};
use crate::spec::*;
use crate::{GenError, GenOptions};

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
    /// Earlier positions, oldest first.
    pub career: Vec<CareerStep>,
    /// `basic`, `intermediate`, `advanced` or `power_user`.
    pub skill_level: String,
    /// Tools used daily.
    pub tools: Vec<String>,
    /// Working hours (`08:30-17:30`, local time) and days.
    pub working_hours: String,
    /// Working days.
    pub working_days: String,
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

/// One earlier position.
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

// ---------------------------------------------------------------- rng

struct R(ChaCha8Rng);

impl R {
    fn new(template: &str, seed: u64, index: u64) -> R {
        // FNV-1a over the inputs, then SplitMix64 inside seed_from_u64.
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in template
            .bytes()
            .chain(seed.to_le_bytes())
            .chain(index.to_le_bytes())
        {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        R(ChaCha8Rng::seed_from_u64(h))
    }
    fn f(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.0.next_u64() % n as u64) as usize
        }
    }
    fn int(&mut self, a: i64, b: i64) -> i64 {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        lo + (self.0.next_u64() % ((hi - lo) as u64 + 1)) as i64
    }
    fn num(&mut self, a: f64, b: f64) -> f64 {
        a + (b - a) * self.f()
    }
    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
    fn hex(&mut self) -> String {
        format!("{:016x}", self.0.next_u64())
    }
}

fn round_to(v: f64, decimals: u32) -> f64 {
    let s = format!("{v:.*}", decimals as usize);
    s.parse().unwrap_or(v)
}

// ---------------------------------------------------------------- helpers

fn gerr(t: &Template, m: impl std::fmt::Display) -> GenError {
    GenError::Generate {
        template: t.id.clone(),
        message: m.to_string(),
    }
}

/// A prose context: names at the top level of a template's context and
/// their values. Values are reference-counted, so the parts that do not
/// change between renders are built once and shared.
type Ctx = BTreeMap<MV, MV>;

/// A JSON value as templates see it: exactly what rendering with the JSON
/// value itself as (part of) the context gives.
fn mj(j: &J) -> MV {
    MV::from(minijinja::value::Serde(j))
}

/// A context name.
fn key(k: &str) -> MV {
    MV::from(k)
}

/// A context as one value, the same as serialising the map it holds.
fn ctx_value(ctx: &Ctx) -> MV {
    MV::from_object(ctx.clone())
}

/// The prose environment of a template: its files compiled once, with the
/// syntax and strictness generation uses.
fn prose_env(t: &Template) -> Result<&Environment<'_>, GenError> {
    let built = t.prose.get_or_init(|| {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        let syntax = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .build()
            .map_err(|e| gerr(t, e))?;
        env.set_syntax(syntax);
        for (name, src) in &t.texts {
            env.add_template_owned(name.clone(), src.clone())
                .map_err(|e| gerr(t, format!("{name}: {e}")))?;
        }
        Ok(env)
    });
    built.as_ref().map_err(Clone::clone)
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

fn ascii_fold(s: &str) -> String {
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

fn domain_of(org: &str) -> String {
    let s: String = ascii_fold(&org.replace(' ', "-"))
        .chars()
        .take(24)
        .collect();
    format!("{}.example", if s.is_empty() { "mail" } else { &s })
}

#[derive(Debug, Clone)]
struct Person {
    display: String,
    given: String,
    family: String,
    email: String,
}

impl Person {
    fn json(&self, role: &str) -> J {
        json!({"name": self.display, "first": self.first(), "given": self.given, "family": self.family, "email": self.email, "role": role})
    }
    fn first(&self) -> String {
        if self.display.contains(&self.given) {
            self.given.clone()
        } else {
            self.display.clone()
        }
    }
}

// ---------------------------------------------------------------- workbook calc

/// A computed entity workbook: formulas and values of every sheet.
#[derive(Debug, Clone)]
struct Book {
    n: usize,
    /// Data values by column key.
    data: BTreeMap<String, Vec<Val>>,
    /// Model columns: key → (column letter index, per-row formula+value).
    model: BTreeMap<String, (u32, Vec<(String, Val)>)>,
    /// Assumptions: key → (row number 1-based, value).
    asm: BTreeMap<String, (u32, f64)>,
    /// KPIs: key → (row number 1-based, formula, value).
    kpi: BTreeMap<String, (u32, String, f64)>,
}

struct RowScope<'a> {
    pack: &'a Pack,
    book: &'a Book,
    row: usize,
}

fn data_col(pack: &Pack, key: &str) -> Option<u32> {
    pack.dataset
        .columns
        .iter()
        .position(|c| c.key == key)
        .map(|i| i as u32)
}

fn col(i: u32) -> String {
    CellAddr::col_name(i)
}

impl Scope for RowScope<'_> {
    fn scalar(&self, name: &str) -> Option<(String, Val)> {
        let r = self.row as u32 + 2;
        let w = &self.pack.workbook;
        if let Some((c, cells)) = self.book.model.get(name) {
            return Some((format!("{}{r}", col(*c)), cells[self.row].1.clone()));
        }
        if let Some(c) = data_col(self.pack, name) {
            return Some((
                format!("{}!{}{r}", quote_sheet(&w.data_sheet), col(c)),
                self.book.data[name][self.row].clone(),
            ));
        }
        self.book.asm.get(name).map(|(row, v)| {
            (
                format!("{}!$B${row}", quote_sheet(&w.assumptions_sheet)),
                Val::Num(*v),
            )
        })
    }
    fn column(&self, name: &str) -> Option<(String, Vec<Val>)> {
        let last = self.book.n + 1;
        let w = &self.pack.workbook;
        if let Some((c, cells)) = self.book.model.get(name) {
            let l = col(*c);
            return Some((
                format!("${l}$2:${l}${last}"),
                cells.iter().map(|x| x.1.clone()).collect(),
            ));
        }
        data_col(self.pack, name).map(|c| {
            let l = col(c);
            (
                format!("{}!${l}$2:${l}${last}", quote_sheet(&w.data_sheet)),
                self.book.data[name].clone(),
            )
        })
    }
}

struct KpiScope<'a> {
    pack: &'a Pack,
    book: &'a Book,
}

impl Scope for KpiScope<'_> {
    fn scalar(&self, name: &str) -> Option<(String, Val)> {
        if let Some((row, _, v)) = self.book.kpi.get(name) {
            return Some((format!("B{row}"), Val::Num(*v)));
        }
        self.book.asm.get(name).map(|(row, v)| {
            (
                format!(
                    "{}!B{row}",
                    quote_sheet(&self.pack.workbook.assumptions_sheet)
                ),
                Val::Num(*v),
            )
        })
    }
    fn column(&self, name: &str) -> Option<(String, Vec<Val>)> {
        let last = self.book.n + 1;
        let w = &self.pack.workbook;
        if let Some((c, cells)) = self.book.model.get(name) {
            let l = col(*c);
            return Some((
                format!("{}!{l}2:{l}{last}", quote_sheet(&w.model_sheet)),
                cells.iter().map(|x| x.1.clone()).collect(),
            ));
        }
        data_col(self.pack, name).map(|c| {
            let l = col(c);
            (
                format!("{}!{l}2:{l}{last}", quote_sheet(&w.data_sheet)),
                self.book.data[name].clone(),
            )
        })
    }
}

fn compute_book(pack: &Pack, rows: &[Vec<Val>], asm: &[f64]) -> Result<Book, String> {
    let w = &pack.workbook;
    let mut book = Book {
        n: rows.len(),
        data: BTreeMap::new(),
        model: BTreeMap::new(),
        asm: BTreeMap::new(),
        kpi: BTreeMap::new(),
    };
    for (i, c) in pack.dataset.columns.iter().enumerate() {
        book.data
            .insert(c.key.clone(), rows.iter().map(|r| r[i].clone()).collect());
    }
    for (i, a) in w.assumptions.iter().enumerate() {
        book.asm.insert(a.key.clone(), (i as u32 + 2, asm[i]));
    }
    let first_model = w.copy.len() as u32;
    for (j, m) in w.model.iter().enumerate() {
        let e = expr::parse(&m.expr)?;
        let mut cells = Vec::with_capacity(rows.len());
        for r in 0..rows.len() {
            let scope = RowScope {
                pack,
                book: &book,
                row: r,
            };
            cells.push(
                e.compile(&scope)
                    .map_err(|x| format!("model column {}: {x}", m.key))?,
            );
        }
        book.model
            .insert(m.key.clone(), (first_model + j as u32, cells));
    }
    for (i, k) in w.kpis.iter().enumerate() {
        let e = expr::parse(&k.expr)?;
        let (f, v) = e
            .compile(&KpiScope { pack, book: &book })
            .map_err(|x| format!("kpi {}: {x}", k.key))?;
        let Val::Num(v) = v else {
            return Err(format!("kpi {} is not a number", k.key));
        };
        book.kpi.insert(k.key.clone(), (i as u32 + 2, f, v));
    }
    Ok(book)
}

fn fmt_code(pack: &Pack, f: Option<&str>) -> Option<String> {
    f.map(|f| {
        if f == "money" {
            pack.meta.money_format.clone()
        } else {
            f.to_owned()
        }
    })
}

fn cell_value(v: &Val) -> CellValue {
    match v {
        Val::Num(n) => CellValue::Number(*n),
        Val::Text(t) => CellValue::Text(t.clone()),
    }
}

fn header_row(sheet: &mut Sheet, headers: &[&str]) {
    for (i, h) in headers.iter().enumerate() {
        sheet
            .cells
            .insert(CellAddr::new(0, i as u32), Cell::value(*h).bold());
    }
    sheet.freeze_header = true;
}

fn book_artifact(pack: &Pack, book: &Book, rows: &[Vec<Val>], title: &str) -> Workbook {
    let w = &pack.workbook;
    let mut summary = Sheet::new(&w.summary_sheet);
    header_row(&mut summary, &[title, "Value"]);
    for k in &w.kpis {
        let (row, f, v) = &book.kpi[&k.key];
        let r = row - 1;
        summary
            .cells
            .insert(CellAddr::new(r, 0), Cell::value(k.label.as_str()));
        let mut c = Cell::formula(f);
        c.value = CellValue::Number(*v);
        c.format = fmt_code(pack, k.format.as_deref());
        summary.cells.insert(CellAddr::new(r, 1), c);
    }
    let mut model = Sheet::new(&w.model_sheet);
    let mut heads: Vec<&str> = Vec::new();
    for c in &w.copy {
        heads.push(
            pack.dataset
                .columns
                .iter()
                .find(|d| &d.key == c)
                .map_or(c.as_str(), |d| d.header.as_str()),
        );
    }
    heads.extend(w.model.iter().map(|m| m.header.as_str()));
    header_row(&mut model, &heads);
    for (ci, key) in w.copy.iter().enumerate() {
        let dc = data_col(pack, key).unwrap_or(0);
        for r in 0..book.n {
            let mut c = Cell::formula(&format!(
                "{}!{}{}",
                quote_sheet(&w.data_sheet),
                col(dc),
                r + 2
            ));
            c.value = cell_value(&book.data[key][r]);
            c.format = fmt_code(pack, pack.dataset.columns[dc as usize].format.as_deref());
            model
                .cells
                .insert(CellAddr::new(r as u32 + 1, ci as u32), c);
        }
    }
    let total_row = book.n as u32 + 1;
    let mut any_total = false;
    for m in &w.model {
        let (ci, cells) = &book.model[&m.key];
        for (r, (f, v)) in cells.iter().enumerate() {
            let mut c = Cell::formula(f);
            c.value = cell_value(v);
            c.format = fmt_code(pack, m.format.as_deref());
            model.cells.insert(CellAddr::new(r as u32 + 1, *ci), c);
        }
        if m.total.as_deref() == Some("sum") {
            any_total = true;
            let l = col(*ci);
            let mut c = Cell::formula(&format!("SUM({l}2:{l}{})", book.n + 1)).bold();
            c.value = CellValue::Number(
                cells
                    .iter()
                    .map(|x| if let Val::Num(n) = x.1 { n } else { 0.0 })
                    .sum(),
            );
            c.format = fmt_code(pack, m.format.as_deref());
            model.cells.insert(CellAddr::new(total_row, *ci), c);
        }
    }
    if any_total {
        model
            .cells
            .insert(CellAddr::new(total_row, 0), Cell::value("Total").bold());
    }
    let mut data = Sheet::new(&w.data_sheet);
    let dh: Vec<&str> = pack
        .dataset
        .columns
        .iter()
        .map(|c| c.header.as_str())
        .collect();
    header_row(&mut data, &dh);
    for (r, row) in rows.iter().enumerate() {
        for (ci, v) in row.iter().enumerate() {
            let mut c = Cell::value(cell_value(v));
            c.format = fmt_code(pack, pack.dataset.columns[ci].format.as_deref());
            data.cells.insert(CellAddr::new(r as u32 + 1, ci as u32), c);
        }
    }
    let mut asm = Sheet::new(&w.assumptions_sheet);
    header_row(&mut asm, &["Assumption", "Value"]);
    for a in &w.assumptions {
        let (row, v) = book.asm[&a.key];
        asm.cells
            .insert(CellAddr::new(row - 1, 0), Cell::value(a.label.as_str()));
        let mut c = Cell::value(v);
        c.format = fmt_code(pack, a.format.as_deref());
        asm.cells.insert(CellAddr::new(row - 1, 1), c);
    }
    let mut sheets = vec![summary, model, data];
    if !w.assumptions.is_empty() {
        sheets.push(asm);
    }
    Workbook { sheets }
}

fn csv_text(pack: &Pack, rows: &[Vec<Val>]) -> String {
    let esc = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = pack
        .dataset
        .columns
        .iter()
        .map(|c| esc(&c.header))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                Val::Num(n) => format!("{n}"),
                Val::Text(t) => esc(t),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

// ---------------------------------------------------------------- world state

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
    /// Artifacts by recipe id (`review`, `review.pdf`, `workbook`, `csv`).
    paths: BTreeMap<String, VPath>,
    featured: bool,
}

struct Gen<'t> {
    t: &'t Template,
    pack: &'t Pack,
    rng: R,
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
    used_names: BTreeSet<String>,
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
    if p.objectives.len() < 4 {
        return Err(bad("a pack needs at least 4 objectives".into()));
    }
    for l in &p.tracker.linked {
        if !p.workbook.kpis.iter().any(|k| &k.key == l) {
            return Err(bad(format!("tracker links unknown kpi {l}")));
        }
    }
    Ok(())
}

/// Generates one computer: a pure function of the template, seed, index and
/// options.
pub fn generate(
    t: &Template,
    seed: u64,
    index: u64,
    opts: &GenOptions,
) -> Result<WorldSpec, GenError> {
    let mut rng = R::new(&t.id, seed, index);
    // Start: a Monday in 2025-2026, 08:00 UTC; the backlog covers three weeks.
    let base = SimTime::from_ymd(2025, 1, 6).ok_or_else(|| gerr(t, "bad base date"))?;
    let start = base.plus_secs(rng.int(0, 90) * 7 * 86_400).at(8, 0, 0);
    let now = start.plus_secs(21 * 86_400);
    let env = prose_env(t)?;
    let placeholder = VPath::root();
    let mut g = Gen {
        t,
        pack: &t.pack,
        rng,
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
        msg_n: 0,
        domain: String::new(),
        ent_fixed: Vec::new(),
        ent_ctx: None,
        base_fixed: None,
        shown: RefCell::new(BTreeMap::new()),
    };
    g.persona_and_home()?;
    g.collaborators_and_entities()?;
    g.entity_files()?;
    g.global_files()?;
    let mut mails = g.threads()?;
    let reserved = g.objectives(&mut mails, opts.faults > 0)?;
    g.finish_emails(mails)?;
    g.faults(opts.faults, &reserved)?;
    g.spec.folders = g.folders.iter().cloned().collect();
    Ok(g.spec)
}

struct Mail {
    date: SimTime,
    actor: String,
    email: Email,
    inbox: bool,
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

    /// Renders an inline template (a stem, subject or body from the pack),
    /// compiling it on first use.
    fn render_str(&self, src: &'t str, ctx: &MV) -> Result<String, GenError> {
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
    fn show(&self, value: &CellValue, format: Option<&str>) -> String {
        let key = match value {
            CellValue::Number(n) => Shown::Number(n.to_bits()),
            CellValue::Text(t) => Shown::Text(t.clone()),
            other => return format_value(other, format),
        };
        let key = (key, format.map(str::to_owned));
        if let Some(text) = self.shown.borrow().get(&key) {
            return text.clone();
        }
        let text = format_value(value, format);
        self.shown.borrow_mut().insert(key, text.clone());
        text
    }

    fn render_file(&self, name: &str, ctx: &MV) -> Result<String, GenError> {
        let tpl = self
            .env
            .get_template(name)
            .map_err(|e| self.e(format!("{name}: {e}")))?;
        tpl.render(ctx.clone())
            .map_err(|e| self.e(format!("{name}: {e:#}")))
    }

    fn new_person(&mut self) -> Person {
        let names = &self.t.common.names;
        for _ in 0..200 {
            let n = self.rng.pick(names).clone();
            if self.used_names.insert(n.display.clone()) {
                return Person {
                    display: n.display,
                    given: n.given,
                    family: n.family,
                    email: String::new(),
                };
            }
        }
        let n = self.rng.pick(names).clone();
        Person {
            display: n.display,
            given: n.given,
            family: n.family,
            email: String::new(),
        }
    }

    fn address(&self, p: &Person, domain: &str) -> String {
        format!(
            "{}.{}@{domain}",
            ascii_fold(&p.given),
            ascii_fold(&p.family)
        )
    }

    /// A file name following the persona's naming habits.
    fn file_stem(&self, stem: &str, ent: Option<&Entity>, date: SimTime) -> String {
        let words = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(self.sep);
        let d = date.date_string();
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

    // ------------------------------------------------------------ persona

    fn persona_and_home(&mut self) -> Result<(), GenError> {
        let pack = self.pack;
        let p = self.new_person();
        let employer = self.rng.pick(&pack.meta.employers).clone();
        self.domain = employer.domain.clone();
        let role = self.rng.pick(&pack.meta.roles).clone();
        let loc = self.rng.pick(&self.t.common.locations).clone();
        let windows = self.rng.chance(0.55);
        let login = if !p.display.is_ascii() && windows && self.rng.chance(0.4) {
            component(&p.display.replace(' ', ""))
        } else {
            match self.rng.below(3) {
                0 => ascii_fold(&p.given),
                1 => format!("{}{}", ascii_fold(&p.given), ascii_fold(&p.family)),
                _ => format!("{}.{}", ascii_fold(&p.given), ascii_fold(&p.family)),
            }
        };
        let home = if windows {
            format!("/C/Users/{login}")
        } else {
            format!("/Users/{login}")
        };
        self.home = self.vp(&home)?;
        let mut quirks = BTreeSet::new();
        if self.rng.chance(0.5) {
            quirks.insert("keeps_versions".to_owned());
        }
        if self.rng.chance(0.35) {
            quirks.insert("desktop_dumper".to_owned());
        } else if self.rng.chance(0.5) {
            quirks.insert("dated_folders".to_owned());
        }
        quirks.insert(
            if self.rng.chance(0.6) {
                "naming_by_client"
            } else {
                "naming_by_date"
            }
            .to_owned(),
        );
        let sep = match self.rng.below(3) {
            0 => " ",
            1 => "_",
            _ => "-",
        };
        self.sep = sep;
        quirks.insert(
            match sep {
                " " => "separator_space",
                "_" => "separator_underscore",
                _ => "separator_dash",
            }
            .to_owned(),
        );
        let docs_root = if windows && self.rng.chance(0.4) {
            quirks.insert("onedrive".to_owned());
            let short = employer.name.split_whitespace().next().unwrap_or("Work");
            self.join(&self.home, &format!("OneDrive - {short}"))?
                .join("Documents")
                .map_err(|e| self.e(e))?
        } else {
            self.home.join("Documents").map_err(|e| self.e(e))?
        };
        self.quirks = quirks;
        self.work = self.join(&docs_root, &pack.meta.work_folder)?;
        self.desktop = self.home.join("Desktop").map_err(|e| self.e(e))?;
        self.downloads = self.home.join("Downloads").map_err(|e| self.e(e))?;
        for f in [
            self.work.clone(),
            self.desktop.clone(),
            self.downloads.clone(),
        ] {
            self.folder(&f);
        }
        for f in &pack.meta.folders {
            let p = self.join(&self.work, f)?;
            self.folder(&p);
        }
        let years = self.rng.int(3, 24) as u32;
        let (y, _, _) = self.start.date();
        let mut career = Vec::new();
        let mut year = y - i64::from(years);
        let steps = self.rng.int(1, 3);
        for _ in 0..steps {
            let len = self.rng.int(2, 5);
            if year + len >= y - 1 {
                break;
            }
            let emp = loop {
                let e = self.rng.pick(&pack.meta.employers).name.clone();
                if e != employer.name || pack.meta.employers.len() == 1 {
                    break e;
                }
            };
            career.push(CareerStep {
                employer: emp,
                role: self.rng.pick(&pack.meta.earlier_roles).clone(),
                from: year,
                to: year + len,
            });
            year += len;
        }
        let mut tools = pack.meta.tools.clone();
        self.rng.shuffle(&mut tools);
        tools.truncate(self.rng.int(3, tools.len().max(3) as i64) as usize);
        tools.sort();
        let skill =
            ["basic", "intermediate", "advanced", "power_user"][self.rng.below(4)].to_owned();
        let h = self.rng.int(7, 9);
        let m = [0, 30][self.rng.below(2)];
        let style = [Style::Terse, Style::Chatty, Style::Formal, Style::Formal][self.rng.below(4)];
        self.style = style;
        let profile = Profile {
            template: self.t.id.clone(),
            industry: pack.meta.industry.clone(),
            location: ProfileLocation {
                city: loc.city,
                country: loc.country,
                timezone: loc.timezone,
            },
            years_experience: years,
            career,
            skill_level: skill,
            tools,
            working_hours: format!("{h:02}:{m:02}-{:02}:{m:02}", h + 9),
            working_days: if self.rng.chance(0.85) {
                "Mon-Fri"
            } else {
                "Mon-Thu, Fri mornings"
            }
            .to_owned(),
            quirks: self.quirks.iter().cloned().collect(),
            os: if windows { "windows" } else { "macos" }.to_owned(),
            home: self.home.as_str().to_owned(),
            email_style: style,
        };
        let email = self.address(&p, &employer.domain);
        self.persona = Person {
            email: email.clone(),
            ..p
        };
        let J::Object(map) = serde_json::to_value(&profile).map_err(|e| self.e(e))? else {
            return Err(self.e("profile is not an object"));
        };
        self.spec.persona = Persona {
            name: self.persona.display.clone(),
            email,
            role,
            employer: employer.name,
            profile: map.into_iter().collect(),
        };
        self.spec.home = self.home.clone();
        Ok(())
    }

    // ------------------------------------------------------------ people, entities

    fn collaborators_and_entities(&mut self) -> Result<(), GenError> {
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
            let mut p = self.new_person();
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
                relation: c.relation.clone(),
                style,
                organisation: org,
            };
            self.collab.insert(c.key.clone(), (p, col));
        }
        // Entities.
        let n = self.rng.int(
            i64::from(pack.entity.count[0]),
            i64::from(pack.entity.count[1]),
        ) as usize;
        let mut names = BTreeSet::new();
        for _ in 0..n {
            let mut tries = 0;
            loop {
                tries += 1;
                let mut contact = self.new_person();
                let ctx = self.pick_ctx(Some(&contact));
                let ctx = ctx_value(&ctx);
                let name = self.render_str(&pack.entity.name, &ctx)?.trim().to_owned();
                let short = self.render_str(&pack.entity.short, &ctx)?.trim().to_owned();
                if !names.insert(short.to_lowercase()) {
                    if tries > 30 {
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
                let (rows, asm) = self.dataset_rows()?;
                let book = compute_book(pack, &rows, &asm).map_err(|e| self.e(e))?;
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
            .filter(|o| o.from == "contact")
            .count();
        let contact_threads = usize::from(pack.threads.iter().any(|t| {
            t.messages
                .iter()
                .any(|m| m.from == "contact" || m.to == "contact")
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

    /// The random part of a prose context: one word of each vocabulary
    /// list, a number, the contact, the persona and the employer.
    fn pick_ctx(&mut self, person: Option<&Person>) -> Ctx {
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

    fn gen_column(
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
            Some(Val::Text(self.start.plus_secs(-d * 86_400).date_string()))
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

    fn dataset_rows(&mut self) -> Result<(Vec<Vec<Val>>, Vec<f64>), GenError> {
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

    // ------------------------------------------------------------ entity files

    /// An entity's prose context: its figures (built once) and the names of
    /// the files made for it so far.
    fn entity_ctx(&mut self, i: usize) -> MV {
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
    fn entity_fixed(&self, i: usize) -> Ctx {
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
    fn base_ctx(&mut self, with_entities: bool) -> Ctx {
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

    /// The parts of the base prose context that are the same for every
    /// artifact, thread and objective.
    fn base_fixed_ctx(&self) -> Ctx {
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
            (key("today"), mj(&J::String(self.now.date_string()))),
            (key("start"), mj(&J::String(self.start.date_string()))),
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

    fn place_dir(&mut self, place: &str, ent: Option<usize>) -> Result<VPath, GenError> {
        let (y, _, _) = self.start.date();
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

    fn entity_files(&mut self) -> Result<(), GenError> {
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
        // CSVs first (sources), then workbooks.
        for i in 0..self.entities.len() {
            let date = self.start.plus_secs(-self.rng.int(1, 6) * 86_400);
            let stem = format!(
                "{}_{}_{}",
                ascii_fold(&self.entities[i].short.replace(' ', "_")),
                pack.dataset.stem,
                date.date_string()
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
        for i in 0..self.entities.len() {
            let e = self.entities[i].clone();
            let mut stem = self.file_stem(
                &pack.workbook.stem,
                Some(&e),
                self.start.plus_secs(-7 * 86_400),
            );
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
    fn resolver(&self, ent: Option<usize>) -> impl Fn(&str) -> Result<Resolved, String> + '_ {
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

    fn make_artifact(&mut self, r: &'t ArtifactRecipe, ent: Option<usize>) -> Result<(), GenError> {
        let mut ctx = self.base_ctx(ent.is_none());
        if let Some(i) = ent {
            ctx.insert(key("entity"), self.entity_ctx(i));
        }
        let ctx = ctx_value(&ctx);
        let stem_txt = self.render_str(&r.stem, &ctx)?;
        let date = self.start.plus_secs(-self.rng.int(2, 20) * 86_400);
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

    fn record(&mut self, ent: Option<usize>, id: &str, p: VPath) {
        match ent {
            Some(i) => {
                self.entities[i].paths.insert(id.to_owned(), p);
            }
            None => {
                self.globals.insert(id.to_owned(), p);
            }
        }
    }

    // ------------------------------------------------------------ tracker

    fn tracker_kpis(&self, values: &[BTreeMap<String, f64>]) -> Result<TrackerKpis, String> {
        let pack = self.pack;
        let tr = &pack.tracker;
        struct TScope<'a> {
            sheet: String,
            cols: BTreeMap<String, (u32, Vec<Val>)>,
            kpi: &'a TrackerKpis,
            n: usize,
        }
        impl Scope for TScope<'_> {
            fn scalar(&self, name: &str) -> Option<(String, Val)> {
                self.kpi
                    .get(name)
                    .map(|(row, _, v, _)| (format!("B{row}"), Val::Num(*v)))
            }
            fn column(&self, name: &str) -> Option<(String, Vec<Val>)> {
                self.cols.get(name).map(|(c, v)| {
                    let l = col(*c);
                    (
                        format!("{}!{l}2:{l}{}", quote_sheet(&self.sheet), self.n + 1),
                        v.clone(),
                    )
                })
            }
        }
        let mut cols = BTreeMap::new();
        let first = 1 + tr.attributes.len() as u32;
        for (j, a) in tr.attributes.iter().enumerate() {
            cols.insert(
                a[1].clone(),
                (
                    1 + j as u32,
                    self.entities
                        .iter()
                        .map(|e| Val::Text(e.attrs.get(&a[1]).cloned().unwrap_or_default()))
                        .collect(),
                ),
            );
        }
        for (j, k) in tr.linked.iter().enumerate() {
            cols.insert(
                k.clone(),
                (
                    first + j as u32,
                    values.iter().map(|v| Val::Num(v[k])).collect(),
                ),
            );
        }
        let mut out = BTreeMap::new();
        for (i, k) in tr.kpis.iter().enumerate() {
            let e = expr::parse(&k.expr)?;
            let (f, v) = {
                let s = TScope {
                    sheet: tr.sheet.clone(),
                    cols: cols.clone(),
                    kpi: &out,
                    n: values.len(),
                };
                e.compile(&s)?
            };
            let Val::Num(v) = v else {
                return Err(format!("tracker kpi {} is not a number", k.key));
            };
            out.insert(
                k.key.clone(),
                (i as u32 + 2, f, v, fmt_code(pack, k.format.as_deref())),
            );
        }
        Ok(out)
    }

    fn kpi_values(&self) -> Vec<BTreeMap<String, f64>> {
        self.entities
            .iter()
            .map(|e| {
                e.book
                    .kpi
                    .iter()
                    .map(|(k, (_, _, v))| (k.clone(), *v))
                    .collect()
            })
            .collect()
    }

    fn tracker(&mut self) -> Result<(), GenError> {
        let pack = self.pack;
        let tr = &pack.tracker;
        let stem = self.file_stem(&tr.stem, None, self.start);
        let dir = self.work.clone();
        let path = self.claim(&dir, &stem, "xlsx")?;
        let mut sheet = Sheet::new(&tr.sheet);
        let mut heads: Vec<String> = vec![tr.name_header.clone()];
        heads.extend(tr.attributes.iter().map(|a| a[0].clone()));
        let mut cols = BTreeMap::new();
        for k in &tr.linked {
            let kp = pack
                .workbook
                .kpis
                .iter()
                .find(|x| &x.key == k)
                .ok_or_else(|| self.e(format!("tracker: unknown kpi {k}")))?;
            cols.insert(k.clone(), heads.len() as u32);
            heads.push(kp.label.clone());
        }
        let hr: Vec<&str> = heads.iter().map(String::as_str).collect();
        header_row(&mut sheet, &hr);
        for (r, e) in self.entities.iter().enumerate() {
            let row = r as u32 + 1;
            sheet
                .cells
                .insert(CellAddr::new(row, 0), Cell::value(e.name.as_str()));
            for (j, a) in tr.attributes.iter().enumerate() {
                sheet.cells.insert(
                    CellAddr::new(row, 1 + j as u32),
                    Cell::value(e.attrs.get(&a[1]).map_or("", String::as_str)),
                );
            }
            for k in &tr.linked {
                let (krow, _, v) = e.book.kpi[k];
                let kp = pack.workbook.kpis.iter().find(|x| &x.key == k);
                let c = Cell {
                    value: CellValue::Number(v),
                    format: kp.and_then(|x| fmt_code(pack, x.format.as_deref())),
                    link: Some(CellLink {
                        source: Ref::cell(
                            e.wb.clone(),
                            &pack.workbook.summary_sheet,
                            CellAddr::new(krow - 1, 1),
                        ),
                        policy: Policy::Live,
                    }),
                    ..Cell::default()
                };
                sheet.cells.insert(CellAddr::new(row, cols[k]), c);
            }
        }
        let kpis = self
            .tracker_kpis(&self.kpi_values())
            .map_err(|e| self.e(e))?;
        let mut summary = Sheet::new("Summary");
        header_row(&mut summary, &["Key figure", "Value"]);
        for k in &tr.kpis {
            let (row, f, v, fm) = &kpis[&k.key];
            summary
                .cells
                .insert(CellAddr::new(row - 1, 0), Cell::value(k.label.as_str()));
            let mut c = Cell::formula(f);
            c.value = CellValue::Number(*v);
            c.format = fm.clone();
            summary.cells.insert(CellAddr::new(row - 1, 1), c);
        }
        self.spec.artifacts.push(ArtifactSpec {
            path: path.clone(),
            artifact: Artifact::Workbook(Workbook {
                sheets: vec![summary, sheet],
            }),
        });
        self.globals.insert("tracker".into(), path.clone());
        // The base prose context shows the tracker's figures.
        self.base_fixed = None;
        self.tracker = Some(TrackerCalc {
            path,
            cols,
            kpi: kpis
                .into_iter()
                .map(|(k, (row, _, v, f))| (k, (row, v, f)))
                .collect(),
        });
        Ok(())
    }

    fn global_files(&mut self) -> Result<(), GenError> {
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

    // ------------------------------------------------------------ email

    fn who(&self, key: &str, ent: Option<usize>) -> Option<(String, Person, Style)> {
        match key {
            "persona" => Some(("persona".into(), self.persona.clone(), self.style)),
            "contact" => {
                let e = &self.entities[ent?];
                let (k, (p, c)) = self
                    .collab
                    .iter()
                    .find(|(_, (p, _))| p.email == e.contact.email)?;
                Some((k.clone(), p.clone(), c.style))
            }
            k => self
                .collab
                .get(k)
                .map(|(p, c)| (k.to_owned(), p.clone(), c.style)),
        }
    }

    fn compose(
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
            let g = self.rng.pick(&s.greetings).replace("{name}", &to.first());
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
            let so = self.rng.pick(&s.signoffs).clone();
            out.push(Paragraph::text(&format!("{so}\n{}", from.1.first())));
        }
        out
    }

    fn message_id(&mut self) -> String {
        self.msg_n += 1;
        format!("{}.{}@{}", self.msg_n, &self.rng.hex()[..12], self.domain)
    }

    fn business_time(&mut self, lo_day: i64, hi_day: i64) -> SimTime {
        loop {
            let d = self.rng.int(lo_day, hi_day);
            let t = self.start.plus_secs(d * 86_400);
            let wd = (t.secs().div_euclid(86_400) + 3).rem_euclid(7); // 0 = Monday
            if wd < 5 {
                return t.at(self.rng.int(8, 17) as u32, self.rng.int(0, 59) as u32, 0);
            }
        }
    }

    fn attachment(&self, id: &str, ent: Option<usize>) -> Option<VPath> {
        ent.and_then(|i| self.entities[i].paths.get(id).cloned())
            .or_else(|| self.globals.get(id).cloned())
    }

    fn threads(&mut self) -> Result<Vec<Mail>, GenError> {
        let pack = self.pack;
        let mut mails = Vec::new();
        for th in &pack.threads {
            let n = self.rng.int(i64::from(th.count[0]), i64::from(th.count[1])) as usize;
            let needs_contact = th
                .messages
                .iter()
                .any(|m| m.from == "contact" || m.to == "contact");
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
                let mut t = self.business_time(0, 16);
                let mut prev: Option<String> = None;
                for (mi, m) in th.messages.iter().enumerate() {
                    let (Some(from), Some(to)) = (self.who(&m.from, ent), self.who(&m.to, ent))
                    else {
                        break;
                    };
                    let body = self.render_str(&m.body, &ctx)?;
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
                    t = t.plus_secs(self.rng.int(40 * 60, 20 * 3600));
                    let (h, _, _) = t.time_of_day();
                    if !(8..19).contains(&h) {
                        let next = if h >= 19 { t.plus_secs(86_400) } else { t };
                        t = next.at(self.rng.int(8, 10) as u32, self.rng.int(0, 59) as u32, 0);
                    }
                }
            }
        }
        Ok(mails)
    }

    fn finish_emails(&mut self, mut mails: Vec<Mail>) -> Result<(), GenError> {
        mails.sort_by_key(|m| m.date);
        let mut last = self.start;
        let inbox = self.join(&self.join(&self.home, "Mail")?, "Inbox")?;
        let sent = self.join(&self.join(&self.home, "Mail")?, "Sent")?;
        self.folder(&inbox);
        self.folder(&sent);
        for mut m in mails {
            if m.date <= last {
                m.date = last.plus_secs(60);
            }
            if m.date >= self.now {
                m.date = self.now.plus_secs(-60);
            }
            last = m.date;
            m.email.date = m.date;
            let (h, mi, _) = m.date.time_of_day();
            let stem = format!(
                "{} {h:02}{mi:02} {}",
                m.date.date_string(),
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

    // ------------------------------------------------------------ objectives

    fn objectives(
        &mut self,
        mails: &mut Vec<Mail>,
        faults: bool,
    ) -> Result<BTreeSet<usize>, GenError> {
        let pack = self.pack;
        let mut used = BTreeSet::new();
        for (oi, o) in pack.objectives.iter().enumerate() {
            let needs_entity = o.shape != "export_send"
                || o.source
                    .as_deref()
                    .is_some_and(|s| !self.globals.contains_key(s));
            let ent = if needs_entity {
                let cands: Vec<usize> = (0..self.entities.len())
                    .filter(|i| {
                        !used.contains(i) && (o.from != "contact" || self.entities[*i].featured)
                    })
                    .collect();
                let cands = if cands.is_empty() {
                    (0..self.entities.len())
                        .filter(|i| !used.contains(i))
                        .collect()
                } else {
                    cands
                };
                if cands.is_empty() {
                    return Err(self.e("not enough entities for the objectives"));
                }
                let i = *self.rng.pick(&cands);
                used.insert(i);
                Some(i)
            } else {
                None
            };
            self.objective(oi, o, ent, mails, faults)?;
        }
        Ok(used)
    }

    fn tol(v: f64) -> f64 {
        (v.abs() * 1e-7).max(1e-6)
    }

    fn objective(
        &mut self,
        oi: usize,
        o: &'t ObjectiveRecipe,
        ent: Option<usize>,
        mails: &mut Vec<Mail>,
        faults: bool,
    ) -> Result<(), GenError> {
        let pack = self.pack;
        let from_key = if o.from == "contact" && ent.is_some_and(|i| !self.entities[i].featured) {
            "manager"
        } else {
            o.from.as_str()
        };
        let from = self
            .who(from_key, ent)
            .or_else(|| self.who("manager", ent))
            .or_else(|| {
                self.collab
                    .keys()
                    .next()
                    .cloned()
                    .and_then(|k| self.who(&k, ent))
            })
            .ok_or_else(|| self.e("no collaborator to assign work"))?;
        let due = self
            .now
            .plus_secs(
                self.rng
                    .int(i64::from(o.due_days[0]), i64::from(o.due_days[1]))
                    * 86_400,
            )
            .at(17, 0, 0);
        let mut ctx = self.base_ctx(false);
        let mut goals = Vec::new();
        let mut attach = Vec::new();
        let mut extra = serde_json::Map::new();
        extra.insert("due".into(), J::String(due.date_string()));
        extra.insert("requester".into(), from.1.json(""));
        if let Some(i) = ent {
            ctx.insert(key("entity"), self.entity_ctx(i));
        }
        let kpi_of = |key: &str| -> Result<&Kpi, GenError> {
            pack.workbook
                .kpis
                .iter()
                .find(|k| k.key == key)
                .ok_or_else(|| gerr(self.t, format!("objective: unknown kpi {key}")))
        };
        // New data or a new assumption value.
        let mut new_book: Option<Book> = None;
        if let (Some(i), Some(ch)) = (ent, &o.change) {
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
                            r[ci] =
                                Val::Num(round_to(n * f, d).max(if d == 0 { 1.0 } else { 0.01 }));
                        }
                        r
                    })
                    .collect();
                let b = compute_book(pack, &rows, &e.asm).map_err(|x| self.e(x))?;
                let nv = b.kpi[&kpi].2;
                if (nv - old).abs() > 100.0 * Self::tol(nv) {
                    found = Some((rows, b));
                    break;
                }
            }
            let (rows, b) =
                found.ok_or_else(|| self.e("objective: new data does not change the figure"))?;
            let stem_ctx = o
                .new_data
                .as_deref()
                .map(|s| self.render_str(s, &ctx_value(&ctx)))
                .transpose()?;
            let stem = stem_ctx.unwrap_or_else(|| {
                format!(
                    "{}_{}_{}",
                    ascii_fold(&e.short.replace(' ', "_")),
                    pack.dataset.stem,
                    self.now.date_string()
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
            extra.insert(
                "new_file".into(),
                J::String(csv.file_name().unwrap_or("").to_owned()),
            );
            attach.push(csv);
            new_book = Some(b);
        }
        if let (Some(i), Some(a)) = (ent, &o.assumption) {
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
            let mut nv = e.asm[ai];
            for _ in 0..20 {
                nv = round_to(self.rng.num(lo, hi), ar.decimals);
                if (nv - e.asm[ai]).abs() > 1e-9 {
                    break;
                }
            }
            if (nv - e.asm[ai]).abs() <= 1e-9 {
                return Err(self.e("objective: new assumption equals the old one"));
            }
            asm[ai] = nv;
            let b = compute_book(pack, &e.rows, &asm).map_err(|x| self.e(x))?;
            let row = b.asm[a].0;
            goals.push(Goal::CellEquals {
                cell: Ref::cell(
                    e.wb.clone(),
                    &pack.workbook.assumptions_sheet,
                    CellAddr::new(row - 1, 1),
                ),
                expected: CellValue::Number(nv),
                tolerance: Self::tol(nv) / 100.0,
            });
            extra.insert(
                "new_value".into(),
                J::String(format_value(
                    &CellValue::Number(nv),
                    fmt_code(pack, ar.format.as_deref()).as_deref(),
                )),
            );
            extra.insert("assumption".into(), J::String(ar.label.clone()));
            new_book = Some(b);
        }
        if let (Some(i), Some(b), Some(k)) = (ent, &new_book, &o.kpi) {
            let e = &self.entities[i];
            let kp = kpi_of(k)?;
            let (row, _, v) = b.kpi[k];
            if (v - e.book.kpi[k].2).abs() <= 100.0 * Self::tol(v) {
                return Err(self.e(format!(
                    "objective {}: expected value equals the current one",
                    oi + 1
                )));
            }
            goals.push(Goal::CellEquals {
                cell: Ref::cell(
                    e.wb.clone(),
                    &pack.workbook.summary_sheet,
                    CellAddr::new(row - 1, 1),
                ),
                expected: CellValue::Number(v),
                tolerance: Self::tol(v),
            });
            extra.insert("kpi_label".into(), J::String(kp.label.clone()));
            extra.insert(
                "new_kpi".into(),
                J::String(format_value(
                    &CellValue::Number(v),
                    fmt_code(pack, kp.format.as_deref()).as_deref(),
                )),
            );
            // The tracker follows live: its totals must follow too (not with
            // faults, which may break or move other rows on purpose).
            if o.shape == "refresh_value" && !faults {
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
                    let (row, _, tv, _) = &tk[&tkd.key];
                    if (tv - t.kpi[&tkd.key].1).abs() > 100.0 * Self::tol(*tv) {
                        goals.push(Goal::CellEquals {
                            cell: Ref::cell(t.path.clone(), "Summary", CellAddr::new(row - 1, 1)),
                            expected: CellValue::Number(*tv),
                            tolerance: Self::tol(*tv),
                        });
                    }
                }
            }
        }
        // The deliverable.
        ctx.extend(extra.iter().map(|(k, v)| (key(k), mj(v))));
        if let Some(d) = &o.deliverable {
            let src_id = o
                .source
                .clone()
                .ok_or_else(|| self.e("objective with deliverable needs source"))?;
            let source = self
                .attachment(&src_id, ent)
                .ok_or_else(|| self.e(format!("objective: no source {src_id}")))?;
            let stem = self.render_str(d, &ctx_value(&ctx))?;
            let stem = self.file_stem(stem.trim(), ent.map(|i| &self.entities[i]), self.now);
            let dir = match ent {
                Some(i) => self.entities[i].deliver_dir.clone(),
                None => self.work.clone(),
            };
            let target = self.claim(&dir, &stem, &o.deliverable_ext)?;
            extra.insert(
                "deliverable".into(),
                J::String(target.file_name().unwrap_or("").to_owned()),
            );
            extra.insert(
                "source_file".into(),
                J::String(source.file_name().unwrap_or("").to_owned()),
            );
            goals.push(Goal::ExportedFresh {
                path: target.clone(),
                source,
            });
            goals.push(Goal::EmailSent {
                to: from.1.email.clone(),
                subject_contains: None,
                attachment: Some(target),
            });
        }
        if goals.is_empty() {
            return Err(self.e(format!("objective {} ({}) has no goals", oi + 1, o.shape)));
        }
        ctx.extend(extra.iter().map(|(k, v)| (key(k), mj(v))));
        let ctx = ctx_value(&ctx);
        let title = self.render_str(&o.title, &ctx)?.trim().to_owned();
        let subject = self.render_str(&o.subject, &ctx)?.trim().to_owned();
        let body = self.render_str(&o.body, &ctx)?;
        let body = {
            let res = self.resolver(ent);
            markup::text(&body, &res).map_err(|x| gerr(self.t, x))?
        };
        let persona = self.persona.clone();
        let paras = self.compose(&from, &persona, &body);
        let id = self.message_id();
        let date = self.now.plus_secs(-self.rng.int(1, 60) * 3600).at(
            self.rng.int(8, 17) as u32,
            self.rng.int(0, 59) as u32,
            0,
        );
        let date = if date >= self.now {
            self.now.plus_secs(-3600 * (oi as i64 + 1))
        } else {
            date
        };
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
                attachments: attach,
            },
            inbox: true,
        });
        self.spec.objectives.push(ObjectiveSpec {
            objective: Objective {
                id: format!("obj-{}", oi + 1),
                title,
                description: body.trim().to_owned(),
                requested_by: from.1.email.clone(),
                message_id: Some(id),
                assigned: None,
                due,
                late: LatePolicy::Fail,
                goals,
                reference: Vec::new(),
                confidential: Vec::new(),
            },
            shape: Some(o.shape.clone()),
        });
        Ok(())
    }

    // ------------------------------------------------------------ faults

    fn faults(&mut self, n: u32, reserved: &BTreeSet<usize>) -> Result<(), GenError> {
        let pack = self.pack;
        let mut cands: Vec<usize> = (0..self.entities.len())
            .filter(|i| !reserved.contains(i))
            .collect();
        self.rng.shuffle(&mut cands);
        let kinds = ["stale_export", "wrong_quote", "broken_reference"];
        let k_start = self.rng.below(3);
        for (k0, i) in (k_start..).zip(cands) {
            if self.spec.faults.len() >= n as usize {
                break;
            }
            let e = self.entities[i].clone();
            let id = format!("fault-{}", self.spec.faults.len() + 1);
            let doc = pack.artifacts.iter().find(|a| {
                a.scope == "entity" && a.kind == "document" && e.paths.contains_key(&a.id)
            });
            let export = doc.and_then(|d| {
                d.export
                    .iter()
                    .find_map(|x| e.paths.get(&format!("{}.{x}", d.id)).cloned())
            });
            let kind = kinds[k0 % 3];
            match (kind, doc, export) {
                ("stale_export", Some(_), Some(export))
                    if !pack.workbook.assumptions.is_empty() =>
                {
                    let a = &pack.workbook.assumptions[0];
                    let (row, v) = e.book.asm[&a.key];
                    let nv = round_to(v * 1.25 + 10f64.powi(-(a.decimals as i32)), a.decimals);
                    self.spec.faults.push(Fault::StaleExport {
                        id,
                        export,
                        cell: Ref::cell(
                            e.wb.clone(),
                            &pack.workbook.assumptions_sheet,
                            CellAddr::new(row - 1, 1),
                        ),
                        value: CellValue::Number(nv),
                    });
                }
                ("wrong_quote", Some(d), _) => {
                    let path = e.paths[&d.id].clone();
                    let k = &pack.workbook.kpis[0];
                    let (row, _, v) = e.book.kpi[&k.key];
                    let f = fmt_code(pack, k.format.as_deref());
                    let sign = if self.rng.chance(0.5) { 1.0 } else { -1.0 };
                    let wrong = v * (1.0 + sign * self.rng.num(0.03, 0.09));
                    let written = format_value(&CellValue::Number(wrong), f.as_deref());
                    let actual = format_value(&CellValue::Number(v), f.as_deref());
                    if written == actual {
                        continue;
                    }
                    self.spec.faults.push(Fault::WrongQuote {
                        id,
                        path,
                        index: 1,
                        text: format!(
                            "Update for the file: {} now stands at {written}.",
                            k.label.to_lowercase()
                        ),
                        source: Ref::cell(
                            e.wb.clone(),
                            &pack.workbook.summary_sheet,
                            CellAddr::new(row - 1, 1),
                        ),
                        written,
                        actual,
                    });
                }
                _ => {
                    let mut by: Vec<VPath> = e
                        .paths
                        .iter()
                        .filter(|(k, _)| !k.contains('.') && *k != "csv" && *k != "workbook")
                        .map(|(_, p)| p.clone())
                        .collect();
                    if let Some(t) = &self.tracker {
                        by.push(t.path.clone());
                    }
                    by.sort();
                    self.spec.faults.push(Fault::BrokenReference {
                        id,
                        deleted: e.wb.clone(),
                        referenced_by: by,
                    });
                }
            }
        }
        Ok(())
    }
}
