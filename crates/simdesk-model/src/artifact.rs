//! The typed artifacts a world holds: workbooks, documents, decks, PDFs,
//! emails, text files and opaque binaries.
//!
//! All types are serde types whose JSON form is part of the public API:
//! an artifact is an object tagged by `"kind"`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::cell::{CellAddr, CellValue};
use crate::refs::Ref;
use crate::time::SimTime;
use crate::vpath::VPath;

/// Any artifact a world can hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum Artifact {
    /// A spreadsheet.
    Workbook(Workbook),
    /// A word-processor document.
    Document(Document),
    /// A slide deck.
    Deck(Deck),
    /// A PDF: pages of text.
    Pdf(Pdf),
    /// An email message.
    Email(Email),
    /// A text file (txt, md, csv, json).
    Text(Text),
    /// Any other file, kept byte-exact.
    Binary(Binary),
}

/// The kind of an artifact, without its content.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ArtifactKind {
    /// [`Workbook`]
    Workbook,
    /// [`Document`]
    Document,
    /// [`Deck`]
    Deck,
    /// [`Pdf`]
    Pdf,
    /// [`Email`]
    Email,
    /// [`Text`]
    Text,
    /// [`Binary`]
    Binary,
}

impl ArtifactKind {
    /// Lowercase name (`workbook`, `document`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ArtifactKind::Workbook => "workbook",
            ArtifactKind::Document => "document",
            ArtifactKind::Deck => "deck",
            ArtifactKind::Pdf => "pdf",
            ArtifactKind::Email => "email",
            ArtifactKind::Text => "text",
            ArtifactKind::Binary => "binary",
        }
    }

    /// The file extension an artifact of this kind is written with by default.
    pub fn default_extension(self) -> &'static str {
        match self {
            ArtifactKind::Workbook => "xlsx",
            ArtifactKind::Document => "docx",
            ArtifactKind::Deck => "pptx",
            ArtifactKind::Pdf => "pdf",
            ArtifactKind::Email => "eml",
            ArtifactKind::Text => "txt",
            ArtifactKind::Binary => "bin",
        }
    }
}

impl std::fmt::Display for ArtifactKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Artifact {
    /// The kind of this artifact.
    pub fn kind(&self) -> ArtifactKind {
        match self {
            Artifact::Workbook(_) => ArtifactKind::Workbook,
            Artifact::Document(_) => ArtifactKind::Document,
            Artifact::Deck(_) => ArtifactKind::Deck,
            Artifact::Pdf(_) => ArtifactKind::Pdf,
            Artifact::Email(_) => ArtifactKind::Email,
            Artifact::Text(_) => ArtifactKind::Text,
            Artifact::Binary(_) => ArtifactKind::Binary,
        }
    }

    /// Every field in the artifact, in document order.
    pub fn fields(&self) -> Vec<&Field> {
        let mut out = Vec::new();
        self.visit_inlines(&mut |i| {
            if let Inline::Field(f) = i {
                out.push(f);
            }
        });
        out
    }

    /// Every field, mutably, in document order.
    pub fn fields_mut(&mut self) -> Vec<&mut Field> {
        let mut out = Vec::new();
        match self {
            Artifact::Document(d) => {
                for b in &mut d.blocks {
                    b.inlines_mut(&mut out);
                }
            }
            Artifact::Deck(d) => {
                for s in &mut d.slides {
                    for b in &mut s.bullets {
                        collect_fields_mut(&mut b.inlines, &mut out);
                    }
                    if let Some(t) = &mut s.table {
                        t.inlines_mut(&mut out);
                    }
                }
            }
            Artifact::Email(e) => {
                for p in &mut e.body {
                    collect_fields_mut(&mut p.inlines, &mut out);
                }
            }
            _ => {}
        }
        out
    }

    /// Calls `f` on every inline run of a document, deck or email.
    pub fn visit_inlines<'a>(&'a self, f: &mut dyn FnMut(&'a Inline)) {
        match self {
            Artifact::Document(d) => {
                for b in &d.blocks {
                    b.visit_inlines(f);
                }
            }
            Artifact::Deck(d) => {
                for s in &d.slides {
                    for b in &s.bullets {
                        b.inlines.iter().for_each(&mut *f);
                    }
                    if let Some(t) = &s.table {
                        t.visit_inlines(f);
                    }
                }
            }
            Artifact::Email(e) => {
                for p in &e.body {
                    p.inlines.iter().for_each(&mut *f);
                }
            }
            _ => {}
        }
    }

    /// Every cell link of a workbook, with the sheet and cell that holds it.
    pub fn cell_links(&self) -> Vec<(&str, CellAddr, &CellLink)> {
        let mut out = Vec::new();
        if let Artifact::Workbook(w) = self {
            for s in &w.sheets {
                for (addr, c) in &s.cells {
                    if let Some(l) = &c.link {
                        out.push((s.name.as_str(), *addr, &**l));
                    }
                }
            }
        }
        out
    }
}

fn collect_fields_mut<'a>(inlines: &'a mut [Inline], out: &mut Vec<&'a mut Field>) {
    for i in inlines {
        if let Inline::Field(f) = i {
            out.push(f);
        }
    }
}

// ---------------------------------------------------------------- workbook

/// A spreadsheet: named sheets of sparse cells.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Workbook {
    /// Sheets in tab order.
    pub sheets: Vec<Sheet>,
}

impl Workbook {
    /// The sheet with this name.
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets.iter().find(|s| s.name == name)
    }

    /// The sheet with this name, mutably.
    pub fn sheet_mut(&mut self, name: &str) -> Option<&mut Sheet> {
        self.sheets.iter_mut().find(|s| s.name == name)
    }
}

/// One sheet of a workbook.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sheet {
    /// Sheet name (Excel rules: 1-31 characters, none of `:\/?*[]`).
    pub name: String,
    /// Non-empty cells, keyed by A1 address, in row-major order.
    #[serde(default)]
    pub cells: BTreeMap<CellAddr, Cell>,
    /// Freeze the first row when shown (a header row).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub freeze_header: bool,
    /// Explicit column widths in characters, by zero-based column. JSON:
    /// an object keyed by column letters (`{"A": 12.5}`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty", with = "col_keys")]
    #[schemars(with = "BTreeMap<String, f64>")]
    pub col_widths: BTreeMap<u32, f64>,
}

impl Sheet {
    /// An empty sheet with this name.
    pub fn new(name: &str) -> Self {
        Sheet {
            name: name.to_owned(),
            ..Sheet::default()
        }
    }

    /// The value at `addr` ([`CellValue::Empty`] when there is no cell).
    pub fn value(&self, addr: CellAddr) -> &CellValue {
        static EMPTY: CellValue = CellValue::Empty;
        self.cells.get(&addr).map_or(&EMPTY, |c| &c.value)
    }

    /// The extent: one past the last used row and column.
    pub fn extent(&self) -> (u32, u32) {
        let rows = self.cells.keys().map(|a| a.row + 1).max().unwrap_or(0);
        let cols = self.cells.keys().map(|a| a.col + 1).max().unwrap_or(0);
        (rows, cols)
    }
}

/// One cell: a value, an optional formula that computes it, an optional
/// number format, and an optional link that takes the value from elsewhere.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cell {
    /// The value (for a formula or link cell: its last computed value).
    #[serde(default)]
    pub value: CellValue,
    /// Formula text without the leading `=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// Number format code such as `#,##0.00`, `0.0%` or `yyyy-mm-dd`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Bold text (header rows).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bold: bool,
    /// The cell takes its value from another workbook's cell (boxed: few
    /// cells have one, and every cell would otherwise carry its size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<Box<CellLink>>,
}

impl Cell {
    /// A plain value cell.
    pub fn value(v: impl Into<CellValue>) -> Self {
        Cell {
            value: v.into(),
            ..Cell::default()
        }
    }

    /// A formula cell (`formula` without the leading `=`); its value is
    /// computed by the engine.
    pub fn formula(f: &str) -> Self {
        Cell {
            formula: Some(f.trim_start_matches('=').to_owned()),
            ..Cell::default()
        }
    }

    /// The same cell with a number format.
    pub fn with_format(mut self, fmt: &str) -> Self {
        self.format = Some(fmt.to_owned());
        self
    }

    /// The same cell in bold.
    pub fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
}

/// How a dependent follows its source.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Recomputed at once when the source changes (formulas, fields).
    Live,
    /// Goes stale until refreshed by an operation (imports, "based on").
    Manual,
    /// Records the source revision it was made from and never changes by
    /// itself (exports, attachments, copies).
    Snapshot,
}

impl Policy {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Policy::Live => "live",
            Policy::Manual => "manual",
            Policy::Snapshot => "snapshot",
        }
    }
}

/// A cell whose value comes from a cell of another workbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellLink {
    /// The source cell (`/Finance/model.xlsx#Summary!B4`).
    pub source: Ref,
    /// Live (follows at once) or manual (stale until refreshed).
    pub policy: Policy,
}

// ---------------------------------------------------------------- document

/// A word-processor document: a sequence of blocks.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// Document title (core properties), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The body.
    pub blocks: Vec<Block>,
}

/// One block of a document body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum Block {
    /// A heading, level 1-3.
    Heading {
        /// 1, 2 or 3.
        level: u8,
        /// Heading text.
        text: String,
    },
    /// A paragraph of runs.
    Paragraph {
        /// The runs.
        inlines: Vec<Inline>,
    },
    /// A bulleted or numbered list.
    List {
        /// Numbered when true.
        ordered: bool,
        /// The items.
        items: Vec<ListItem>,
    },
    /// A table.
    Table(Table),
    /// A page break.
    PageBreak,
}

impl Block {
    /// A paragraph of plain text.
    pub fn para(text: &str) -> Block {
        Block::Paragraph {
            inlines: vec![Inline::text(text)],
        }
    }

    /// A heading.
    pub fn heading(level: u8, text: &str) -> Block {
        Block::Heading {
            level,
            text: text.to_owned(),
        }
    }

    fn visit_inlines<'a>(&'a self, f: &mut dyn FnMut(&'a Inline)) {
        match self {
            Block::Paragraph { inlines } => inlines.iter().for_each(f),
            Block::List { items, .. } => items.iter().flat_map(|i| &i.inlines).for_each(f),
            Block::Table(t) => t.visit_inlines(f),
            Block::Heading { .. } | Block::PageBreak => {}
        }
    }

    fn inlines_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Field>) {
        match self {
            Block::Paragraph { inlines } => collect_fields_mut(inlines, out),
            Block::List { items, .. } => {
                for i in items {
                    collect_fields_mut(&mut i.inlines, out);
                }
            }
            Block::Table(t) => t.inlines_mut(out),
            Block::Heading { .. } | Block::PageBreak => {}
        }
    }
}

/// One list item, with its nesting level (0 = top).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListItem {
    /// Nesting level, 0-based.
    #[serde(default)]
    pub level: u8,
    /// The runs.
    pub inlines: Vec<Inline>,
}

/// A table: rows of cells, each cell a list of runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Table {
    /// The first row is a header row.
    #[serde(default)]
    pub header: bool,
    /// Rows of cells.
    pub rows: Vec<Vec<Vec<Inline>>>,
}

impl Table {
    /// A table of plain-text cells.
    pub fn from_text(header: bool, rows: &[&[&str]]) -> Table {
        Table {
            header,
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| vec![Inline::text(c)]).collect())
                .collect(),
        }
    }

    fn visit_inlines<'a>(&'a self, f: &mut dyn FnMut(&'a Inline)) {
        self.rows.iter().flatten().flatten().for_each(f);
    }

    fn inlines_mut<'a>(&'a mut self, out: &mut Vec<&'a mut Field>) {
        for row in &mut self.rows {
            for cell in row {
                collect_fields_mut(cell, out);
            }
        }
    }
}

/// A run of text, or a field whose text is the current value of a Ref.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
#[serde(deny_unknown_fields)]
pub enum Inline {
    /// Literal text.
    Text {
        /// The text.
        text: String,
        /// Bold.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        bold: bool,
        /// Italic.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        italic: bool,
    },
    /// A linked field.
    Field(Field),
}

impl Inline {
    /// Plain text run.
    pub fn text(t: &str) -> Inline {
        Inline::Text {
            text: t.to_owned(),
            bold: false,
            italic: false,
        }
    }

    /// Bold text run.
    pub fn bold(t: &str) -> Inline {
        Inline::Text {
            text: t.to_owned(),
            bold: true,
            italic: false,
        }
    }

    /// A field quoting `source` with an optional number format.
    pub fn field(source: Ref, format: Option<&str>) -> Inline {
        Inline::Field(Field {
            source,
            format: format.map(str::to_owned),
            display: String::new(),
        })
    }

    /// The text shown for this run.
    pub fn display(&self) -> &str {
        match self {
            Inline::Text { text, .. } => text,
            Inline::Field(f) => &f.display,
        }
    }
}

/// A run whose text is the formatted current value of a Ref, like a linked
/// field in Word. `display` is maintained by the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Field {
    /// What the field quotes (a cell, usually).
    pub source: Ref,
    /// Number format applied to the value (`#,##0.00`, `0.0%`, `$#,##0`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// The text currently shown.
    #[serde(default)]
    pub display: String,
}

/// Plain text of a list of runs.
pub fn inlines_text(inlines: &[Inline]) -> String {
    inlines.iter().map(Inline::display).collect()
}

// ---------------------------------------------------------------- deck

/// A slide deck.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Deck {
    /// Deck title (core properties), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Slides in order.
    pub slides: Vec<Slide>,
}

/// Slide layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// Title slide: title and subtitle.
    Title,
    /// Title and content (bullets or a table).
    #[default]
    TitleAndContent,
}

/// One slide.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slide {
    /// Layout.
    #[serde(default)]
    pub layout: Layout,
    /// Slide title.
    pub title: String,
    /// Subtitle (title layout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtitle: Option<String>,
    /// Bullets with levels.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bullets: Vec<Bullet>,
    /// An optional table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<Table>,
    /// Speaker notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// One bullet of a slide.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Bullet {
    /// Indent level, 0-based.
    #[serde(default)]
    pub level: u8,
    /// The runs.
    pub inlines: Vec<Inline>,
}

impl Bullet {
    /// A plain-text bullet.
    pub fn text(level: u8, t: &str) -> Bullet {
        Bullet {
            level,
            inlines: vec![Inline::text(t)],
        }
    }
}

// ---------------------------------------------------------------- pdf

/// A PDF: pages of text.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pdf {
    /// Title (document info), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Pages in order.
    pub pages: Vec<PdfPage>,
}

/// One page of a PDF.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PdfPage {
    /// The page's text, lines separated by `\n`.
    pub text: String,
}

// ---------------------------------------------------------------- email

/// An email message.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Email {
    /// Sender.
    pub from: Mailbox,
    /// Recipients.
    pub to: Vec<Mailbox>,
    /// Copy recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Mailbox>,
    /// Subject line.
    pub subject: String,
    /// Date sent, in simulated time.
    pub date: SimTime,
    /// Message-ID without angle brackets.
    pub message_id: String,
    /// Message-ID this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to: Option<String>,
    /// Body paragraphs.
    pub body: Vec<Paragraph>,
    /// Attached artifacts, by path.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<VPath>,
}

/// A named email address.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Mailbox {
    /// Display name (may be empty).
    #[serde(default)]
    pub name: String,
    /// Address (`a@b.example`).
    pub address: String,
}

impl Mailbox {
    /// Makes a mailbox.
    pub fn new(name: &str, address: &str) -> Self {
        Mailbox {
            name: name.to_owned(),
            address: address.to_owned(),
        }
    }
}

/// A paragraph of runs (email bodies).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Paragraph {
    /// The runs.
    pub inlines: Vec<Inline>,
}

impl Paragraph {
    /// A paragraph of plain text.
    pub fn text(t: &str) -> Paragraph {
        Paragraph {
            inlines: vec![Inline::text(t)],
        }
    }
}

// ---------------------------------------------------------------- text, binary

/// What a text file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum TextFormat {
    /// Plain text.
    #[default]
    Plain,
    /// Markdown.
    Markdown,
    /// Comma-separated values.
    Csv,
    /// JSON.
    Json,
}

impl TextFormat {
    /// The format a file extension implies.
    pub fn from_extension(ext: &str) -> TextFormat {
        match ext.to_ascii_lowercase().as_str() {
            "md" | "markdown" => TextFormat::Markdown,
            "csv" => TextFormat::Csv,
            "json" => TextFormat::Json,
            _ => TextFormat::Plain,
        }
    }
}

/// A text file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// Kind of text.
    #[serde(default)]
    pub format: TextFormat,
    /// Content.
    pub content: String,
}

/// Any other file, kept byte-exact (JSON: base64).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Binary {
    /// The bytes.
    #[serde(with = "b64")]
    #[schemars(with = "String")]
    pub bytes: Vec<u8>,
}

/// Column widths keyed by column letters in JSON. Integer map keys cannot
/// be read back inside an internally tagged enum such as [`Artifact`].
mod col_keys {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::cell::CellAddr;

    pub fn serialize<S: Serializer>(m: &BTreeMap<u32, f64>, s: S) -> Result<S::Ok, S::Error> {
        m.iter()
            .map(|(c, w)| (CellAddr::col_name(*c), *w))
            .collect::<BTreeMap<String, f64>>()
            .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<u32, f64>, D::Error> {
        BTreeMap::<String, f64>::deserialize(d)?
            .into_iter()
            .map(|(k, w)| {
                let c = CellAddr::parse_col(&k).ok_or_else(|| {
                    serde::de::Error::custom(format!(
                        "column width key {k:?} is not a column A..XFD"
                    ))
                })?;
                if !(0.0..=255.0).contains(&w) {
                    return Err(serde::de::Error::custom(format!(
                        "column {k} width {w} is outside 0..255"
                    )));
                }
                Ok((c, w))
            })
            .collect()
    }
}

mod b64 {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&STANDARD.encode(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let s = String::deserialize(d)?;
        STANDARD.decode(s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: integer-keyed column widths could not be read back from
    /// JSON inside the tagged `Artifact` enum.
    #[test]
    fn column_widths_round_trip_inside_artifacts() {
        let mut s = Sheet::new("S");
        s.col_widths.insert(0, 12.5);
        s.col_widths.insert(27, 30.0);
        let a = Artifact::Workbook(Workbook { sheets: vec![s] });
        let json = serde_json::to_string(&a).unwrap();
        assert!(
            json.contains(r#""col_widths":{"A":12.5,"AB":30.0}"#),
            "{json}"
        );
        assert_eq!(serde_json::from_str::<Artifact>(&json).unwrap(), a);
        let bad = json.replace("\"AB\"", "\"A1\"");
        assert!(serde_json::from_str::<Artifact>(&bad).is_err());
    }
}
