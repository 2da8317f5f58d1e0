//! The tool surface, declared once: one argument struct per tool, the
//! [`ToolCall`] enum, [`specs`] with JSON Schemas generated from the types,
//! and parsing with limits checked before typed values are built.
//!
//! Doors (MCP, Python, the CLI) list [`specs`] and hand a tool name and its
//! JSON arguments to [`ToolCall::parse`] (or raw JSON text to
//! [`ToolCall::parse_json`]); nothing else about a tool lives outside this
//! crate.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use simdesk_model::{LinkKind, Ref, VPath};

use crate::error::ToolError;
use crate::limits::{ToolLimits, check_text, check_value};

/// A tool as listed to agents: its name, what it does, and the JSON Schema
/// of its arguments (always an object at the root).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ToolSpec {
    /// The tool's name (`read_file`).
    pub name: &'static str,
    /// One line saying what it does.
    pub description: &'static str,
    /// JSON Schema of the arguments.
    pub input_schema: Value,
}

impl ToolSpec {
    /// The spec of the tool whose arguments are `T`.
    pub fn of<T: JsonSchema>(name: &'static str, description: &'static str) -> ToolSpec {
        let schema = schemars::generate::SchemaSettings::draft2020_12()
            .into_generator()
            .into_root_schema_for::<T>();
        ToolSpec {
            name,
            description,
            input_schema: schema.to_value(),
        }
    }
}

/// A cell value as an agent writes it: a number, text or a boolean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Scalar {
    /// `true` or `false`.
    Bool(bool),
    /// A number.
    Number(f64),
    /// Text (in `write_range`, text starting with `=` is a formula).
    Text(String),
}

/// One cell to write: a value or a formula, optionally a number format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CellWrite {
    /// The cell in A1 form (`B4`).
    pub cell: String,
    /// A constant; omit it (and `formula`) to clear the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Scalar>,
    /// A formula, with or without the leading `=` (`=SUM(B2:B9)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// An Excel number format (`#,##0.00`, `0.0%`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
}

/// Where an edit goes in a document or deck.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EditAction {
    /// Insert before `index` (`index` = length appends).
    Insert,
    /// Replace what is at `index`.
    Replace,
    /// Delete what is at `index`.
    Delete,
}

/// One slide to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlideInput {
    /// Slide title.
    pub title: String,
    /// Bullet lines; two leading spaces per indent level.
    #[serde(default)]
    pub bullets: Vec<String>,
    /// Speaker notes.
    #[serde(default)]
    pub notes: String,
}

fn yes() -> bool {
    true
}

fn one() -> u32 {
    1
}

fn inbox() -> String {
    "Inbox".to_owned()
}

/// Arguments of `list_files`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListFiles {
    /// The folder (absolute, `/Users/…/Documents`); `/` for the top.
    pub path: VPath,
    /// List everything below, not just the folder's own entries.
    #[serde(default)]
    pub recursive: bool,
}

/// Arguments of `search_files`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchFiles {
    /// Words to look for (case-insensitive; every word must occur).
    pub query: String,
    /// Search below this folder only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<VPath>,
    /// Search file contents as well as names.
    #[serde(default = "yes")]
    pub contents: bool,
}

/// Arguments of `read_file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadFile {
    /// The file.
    pub path: VPath,
    /// Page of the text view, from 1.
    #[serde(default = "one")]
    pub page: u32,
}

/// Arguments of `read_range`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadRange {
    /// The workbook.
    pub path: VPath,
    /// The sheet.
    pub sheet: String,
    /// Cells in A1 form (`A1:D9`, or one cell `B4`).
    pub range: String,
}

/// Arguments of `write_cells`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteCells {
    /// The workbook.
    pub path: VPath,
    /// The sheet (created when missing).
    pub sheet: String,
    /// The cells, written in order.
    pub cells: Vec<CellWrite>,
}

/// Arguments of `write_range`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WriteRange {
    /// The workbook.
    pub path: VPath,
    /// The sheet (created when missing).
    pub sheet: String,
    /// Top-left cell (`A2`).
    pub start: String,
    /// Rows of values; `null` keeps a cell, text starting with `=` is a
    /// formula.
    pub rows: Vec<Vec<Option<Scalar>>>,
}

/// Arguments of `create_workbook`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWorkbook {
    /// Where (`….xlsx`).
    pub path: VPath,
    /// Sheet names (default one sheet, `Sheet1`).
    #[serde(default)]
    pub sheets: Vec<String>,
}

/// Arguments of `create_document`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDocument {
    /// Where (`….docx`).
    pub path: VPath,
    /// The body as markdown: `#` headings, `- ` and `1. ` lists, blank
    /// lines between paragraphs, `---` page breaks, and `{{/path.xlsx#Sheet!B4}}`
    /// (optionally `{{…|0.0%}}`) for a live field quoting a cell.
    pub markdown: String,
    /// Document title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Arguments of `create_deck`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateDeck {
    /// Where (`….pptx`).
    pub path: VPath,
    /// Deck title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The slides.
    pub slides: Vec<SlideInput>,
}

/// Arguments of `create_note`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateNote {
    /// Where (`….md` or `….txt`).
    pub path: VPath,
    /// The text.
    pub text: String,
}

/// Arguments of `edit_document`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditDocument {
    /// The document.
    pub path: VPath,
    /// Insert, replace or delete.
    pub action: EditAction,
    /// Block index, from 0, as `read_file` numbers them (`[3]`).
    pub index: usize,
    /// The new blocks as markdown (insert, replace).
    #[serde(default)]
    pub markdown: String,
}

/// Arguments of `replace_text`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplaceText {
    /// A document, deck or note.
    pub path: VPath,
    /// Text to find (exact, in plain text runs and headings).
    pub find: String,
    /// What to put instead.
    pub replace: String,
}

/// Arguments of `edit_slide`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EditSlide {
    /// The deck.
    pub path: VPath,
    /// Insert, replace or delete.
    pub action: EditAction,
    /// Slide index, from 0.
    pub index: usize,
    /// The slide (insert, replace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slide: Option<SlideInput>,
}

/// Arguments of `copy_file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CopyFile {
    /// From.
    pub from: VPath,
    /// To (must not exist).
    pub to: VPath,
}

/// Arguments of `move_file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveFile {
    /// From.
    pub from: VPath,
    /// To (must not exist).
    pub to: VPath,
}

/// Arguments of `rename_file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RenameFile {
    /// The file or folder.
    pub path: VPath,
    /// The new name (no `/`).
    pub name: String,
}

/// Arguments of `delete_file`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteFile {
    /// The file or folder.
    pub path: VPath,
    /// Delete a non-empty folder with everything in it.
    #[serde(default)]
    pub recursive: bool,
}

/// Arguments of `create_folder`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFolder {
    /// The folder (parents are created).
    pub path: VPath,
}

/// Arguments of `refresh_import`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshImport {
    /// The file to bring up to date with its sources (a workbook that
    /// imports a CSV, an export, a "based on" file).
    pub path: VPath,
}

/// Arguments of `link_import`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkImport {
    /// The file to import from (`/…/Downloads/prices_2026-01-31.csv`).
    pub source: Ref,
    /// The sheet it fills (`/…/model.xlsx#Data`), or a whole file for a
    /// "based on" link.
    pub dependent: Ref,
    /// `import` (default) or `based_on`.
    #[serde(default = "import")]
    pub kind: LinkKind,
}

fn import() -> LinkKind {
    LinkKind::Import
}

/// Arguments of `unlink_import`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnlinkImport {
    /// The file imported from.
    pub source: VPath,
    /// The file that imports it.
    pub dependent: VPath,
}

/// Arguments of `export_pdf`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportPdf {
    /// The document, deck or workbook.
    pub path: VPath,
    /// The PDF to write (default: beside it, same name, `.pdf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<VPath>,
}

/// Arguments of `export_csv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExportCsv {
    /// The workbook.
    pub path: VPath,
    /// The sheet (default: the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// The CSV to write (default: beside it, same name, `.csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<VPath>,
}

/// Arguments of `list_emails`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListEmails {
    /// Mail folder (`Inbox`, `Sent`).
    #[serde(default = "inbox")]
    pub folder: String,
}

/// Arguments of `read_email`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadEmail {
    /// The message (a path `list_emails` shows).
    pub path: VPath,
}

/// Arguments of `send_email`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SendEmail {
    /// Recipient addresses.
    pub to: Vec<String>,
    /// Copy recipients.
    #[serde(default)]
    pub cc: Vec<String>,
    /// Subject line.
    pub subject: String,
    /// Body; blank lines separate paragraphs.
    pub body: String,
    /// Files to attach, by path.
    #[serde(default)]
    pub attachments: Vec<VPath>,
}

/// Arguments of `reply_email`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyEmail {
    /// The message replied to.
    pub path: VPath,
    /// Body; blank lines separate paragraphs.
    pub body: String,
    /// Files to attach, by path.
    #[serde(default)]
    pub attachments: Vec<VPath>,
    /// Reply to everyone on the message, not just the sender.
    #[serde(default)]
    pub reply_all: bool,
}

/// Arguments of `forward_email`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardEmail {
    /// The message forwarded (its attachments go along).
    pub path: VPath,
    /// Recipient addresses.
    pub to: Vec<String>,
    /// A note above the forwarded message.
    #[serde(default)]
    pub body: String,
    /// More files to attach, by path.
    #[serde(default)]
    pub attachments: Vec<VPath>,
}

/// Arguments of `read_calendar` (none).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadCalendar {}

/// Arguments of `wait`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Wait {
    /// Minutes of simulated time to let pass (1 to 43200).
    pub minutes: u32,
}

/// Arguments of `wait_until`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitUntil {
    /// The simulated time to wait for (RFC 3339, `2025-05-06T09:00:00Z`).
    pub time: String,
}

/// Arguments of `wait_for_email`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WaitForEmail {
    /// Give up after this many minutes (default: a week).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_minutes: Option<u32>,
}

/// Arguments of `finish`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finish {
    /// What was done, in a few words.
    #[serde(default)]
    pub summary: String,
}

/// Declares every tool once: the [`ToolCall`] enum, [`TOOL_NAMES`],
/// [`specs`] and the parser.
macro_rules! tools {
    ($($name:literal => $V:ident: $doc:literal;)*) => {
        /// One typed tool call.
        #[derive(Debug, Clone, PartialEq)]
        pub enum ToolCall {
            $(#[doc = $doc] $V($V),)*
        }

        /// Every tool's name, in the order [`specs`] lists them.
        pub const TOOL_NAMES: &[&str] = &[$($name,)*];

        /// Every tool with its description and argument schema.
        pub fn specs() -> Vec<ToolSpec> {
            vec![$(ToolSpec::of::<$V>($name, $doc),)*]
        }

        impl ToolCall {
            /// The tool's name (`read_file`).
            pub fn name(&self) -> &'static str {
                match self {
                    $(ToolCall::$V(_) => $name,)*
                }
            }

            /// The arguments as JSON (what [`ToolCall::parse`] reads back).
            pub fn args(&self) -> Value {
                let v = match self {
                    $(ToolCall::$V(a) => serde_json::to_value(a),)*
                };
                // Argument structs have string keys and no maps, so this
                // cannot fail; keep the reason if it ever does.
                v.unwrap_or_else(|e| Value::String(format!("unserialisable arguments: {e}")))
            }

            fn from_value(name: &str, args: Value) -> Result<ToolCall, ToolError> {
                match name {
                    $($name => serde_json::from_value(args)
                        .map(ToolCall::$V)
                        .map_err(|e| ToolError::bad_args($name, e)),)*
                    _ => Err(ToolError::UnknownTool { name: name.chars().take(80).collect() }),
                }
            }
        }
    };
}

tools! {
    "list_files" => ListFiles: "List the files and folders in a folder";
    "search_files" => SearchFiles: "Find files whose name or content holds every word of a query";
    "read_file" => ReadFile: "Show a file as text, one page at a time (workbooks as a grid with formulas)";
    "read_range" => ReadRange: "Show a range of cells of a workbook sheet with values and formulas";
    "write_cells" => WriteCells: "Write values or formulas into cells of a workbook";
    "write_range" => WriteRange: "Write a block of values (or =formulas) starting at a cell";
    "create_workbook" => CreateWorkbook: "Create an empty workbook with named sheets";
    "create_document" => CreateDocument: "Create a document from markdown (fields {{ref}} quote cells live)";
    "create_deck" => CreateDeck: "Create a slide deck from titles, bullets and notes";
    "create_note" => CreateNote: "Create a text or markdown note";
    "edit_document" => EditDocument: "Insert, replace or delete a paragraph, heading or list of a document";
    "replace_text" => ReplaceText: "Replace text in a document, deck or note";
    "edit_slide" => EditSlide: "Insert, replace or delete a slide of a deck";
    "copy_file" => CopyFile: "Copy a file to a new path";
    "move_file" => MoveFile: "Move a file or folder to a new path";
    "rename_file" => RenameFile: "Rename a file or folder in place";
    "delete_file" => DeleteFile: "Delete a file or folder";
    "create_folder" => CreateFolder: "Create a folder";
    "refresh_import" => RefreshImport: "Bring a file up to date with its sources (re-run its imports)";
    "link_import" => LinkImport: "Import a file into a workbook sheet (or mark a file as based on another)";
    "unlink_import" => UnlinkImport: "Stop importing a file into another";
    "export_pdf" => ExportPdf: "Export a document, deck or workbook to PDF";
    "export_csv" => ExportCsv: "Export a workbook sheet to CSV";
    "list_emails" => ListEmails: "List the emails of a mail folder, newest first";
    "read_email" => ReadEmail: "Show an email with its headers and attachments";
    "send_email" => SendEmail: "Send an email, attaching files by path";
    "reply_email" => ReplyEmail: "Reply to an email";
    "forward_email" => ForwardEmail: "Forward an email with its attachments";
    "read_calendar" => ReadCalendar: "Show the work assigned to you and when each piece is due";
    "wait" => Wait: "Let simulated time pass; due mail and files arrive";
    "wait_until" => WaitUntil: "Let simulated time pass until a given time";
    "wait_for_email" => WaitForEmail: "Let simulated time pass until the next email arrives";
    "finish" => Finish: "End the session";
}

impl ToolCall {
    /// Parses a call from a tool name and its JSON arguments, checking the
    /// default [`ToolLimits`] before building typed values. `null`
    /// arguments are read as `{}`.
    pub fn parse(name: &str, args: Value) -> Result<ToolCall, ToolError> {
        ToolCall::parse_with(name, args, &ToolLimits::default())
    }

    /// [`ToolCall::parse`] with explicit limits.
    pub fn parse_with(name: &str, args: Value, limits: &ToolLimits) -> Result<ToolCall, ToolError> {
        if name.len() > limits.max_string {
            return Err(ToolError::Limit {
                what: "tool name length",
                limit: limits.max_string,
                actual: name.len(),
            });
        }
        let args = if args.is_null() {
            Value::Object(serde_json::Map::new())
        } else {
            args
        };
        check_value(&args, limits)?;
        if !args.is_object() {
            return Err(ToolError::NotAnObject {
                tool: name.chars().take(80).collect(),
            });
        }
        ToolCall::from_value(name, args)
    }

    /// Parses a call from raw JSON argument text: size, nesting depth and
    /// string lengths are checked on the bytes before any value is built.
    pub fn parse_json(name: &str, args: &str) -> Result<ToolCall, ToolError> {
        let limits = ToolLimits::default();
        check_text(args, &limits)?;
        let value: Value = serde_json::from_str(args).map_err(ToolError::json)?;
        ToolCall::parse_with(name, value, &limits)
    }
}
