//! Pure checks of op arguments, without a world: what `apply` refuses before
//! it looks at the state. Other crates (a tool surface, a spec builder) call
//! these to pre-check arguments with the same errors `apply` gives.
//!
//! ```
//! use simdesk_engine::validate;
//! use simdesk_model::*;
//!
//! let op = Op::SetCells {
//!     path: "/a.xlsx".parse().unwrap(),
//!     sheet: "S".into(),
//!     cells: vec![CellEdit {
//!         cell: "A1".parse().unwrap(),
//!         input: CellInput { value: Some(CellValue::Number(1.0)), formula: Some("2".into()), ..CellInput::default() },
//!     }],
//! };
//! let e = validate::op(&op).unwrap_err();
//! assert_eq!(e.message, "/a.xlsx#S!A1: give a value, a formula or a link, not several");
//! ```

use std::collections::BTreeSet;

use simdesk_model::{
    Artifact, Block, CellAddr, CellEdit, CellInput, CellValue, Code, Diagnostic, Op, Policy,
    RefTarget, VPath, Workbook, check_sheet_name,
};

/// Most cells one op may write.
pub const MAX_CELLS_PER_OP: usize = 1_000_000;
/// Most cells one workbook may hold.
pub const MAX_CELLS_PER_WORKBOOK: usize = 5_000_000;
/// Most entries (artifacts and folders) a world may hold.
pub const MAX_ENTRIES: usize = 2_000_000;
/// Most simulated seconds one `advance_clock` may move (about a century).
pub const MAX_ADVANCE_SECS: i64 = 100 * 366 * 86_400;
/// Longest objective id, in bytes.
pub const MAX_OBJECTIVE_ID: usize = 200;

fn err(code: Code, msg: impl Into<String>) -> Diagnostic {
    Diagnostic::error(code, msg)
}

/// Checks what can be checked of an op without a world: artifacts, cell
/// edits, blocks, email addresses, clock steps and objective ids. `apply`
/// runs the same checks (with the state's own checks in between), so an op
/// this refuses, `apply` refuses with the same diagnostic.
pub fn op(op: &Op) -> Result<(), Diagnostic> {
    match op {
        Op::Create { path, artifact: a } | Op::Write { path, artifact: a } => artifact(path, a),
        Op::SetCells { path, sheet, cells } => {
            sheet_name(sheet)?;
            cells.iter().try_for_each(|e| cell_edit(path, sheet, e))
        }
        Op::SetRange {
            path,
            sheet,
            start,
            rows,
        } => {
            sheet_name(sheet)?;
            range_fits(*start, rows)?;
            for (r, row) in rows.iter().enumerate() {
                for (c, input) in row.iter().enumerate() {
                    if let Some(input) = input {
                        let cell = CellAddr::new(
                            start
                                .row
                                .saturating_add(u32::try_from(r).unwrap_or(u32::MAX)),
                            start
                                .col
                                .saturating_add(u32::try_from(c).unwrap_or(u32::MAX)),
                        );
                        cell_edit(
                            path,
                            sheet,
                            &CellEdit {
                                cell,
                                input: input.clone(),
                            },
                        )?;
                    }
                }
            }
            Ok(())
        }
        Op::EditDocument {
            path,
            edit:
                simdesk_model::DocEdit::Insert { block: b, .. }
                | simdesk_model::DocEdit::Replace { block: b, .. },
        } => block(path, b),
        Op::SendEmail { email, .. } => email_fields(email),
        Op::AdvanceClock { seconds } => clock_step(*seconds),
        Op::AddObjective { objective } => objective_id(&objective.id),
        _ => Ok(()),
    }
}

/// Latest date serial Excel can show (9999-12-31).
pub const MAX_DATE_SERIAL: f64 = 2_958_465.0;
/// The top folder that holds simdesk's own files on disk (manifest,
/// snapshot): no artifact may live there.
pub const RESERVED_FOLDER: &str = ".simdesk";

/// A path a world may hold: not under the reserved `/.simdesk` folder
/// (any case), where an exported tree keeps its manifest and snapshot.
pub fn path_allowed(path: &VPath) -> Result<(), Diagnostic> {
    let top = path
        .as_str()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    if top.eq_ignore_ascii_case(RESERVED_FOLDER) {
        return Err(err(
            Code::InvalidPath,
            format!("invalid path {path}: /{RESERVED_FOLDER} is reserved for simdesk's own files"),
        )
        .with_ref(simdesk_model::Ref::whole(path.clone())));
    }
    Ok(())
}

/// The artifact kinds (and text formats) the file name's extension can be
/// written as, the way an exported tree writes them: `.xlsx` (`.xlsm`,
/// `.xls`, `.ods`) a workbook, `.docx` a document, `.pptx` a deck, `.pdf` a
/// PDF, `.eml`/`.mbox` an email, `.csv` a workbook or csv text, `.md` a
/// document or markdown text, `.txt`/`.json` a text, anything else a
/// binary; a binary (bytes kept as they were read) fits any name.
pub fn kind_fits(path: &VPath, a: &Artifact) -> Result<(), Diagnostic> {
    use simdesk_model::FileClass as C;
    use simdesk_model::TextFormat;
    let fits = match (C::of_path(path), a) {
        // Bytes kept as they are (a file no reader took) are written back
        // unchanged under any name.
        (_, Artifact::Binary(_)) => true,
        (C::Spreadsheet | C::Csv, Artifact::Workbook(_))
        | (C::Docx | C::Markdown, Artifact::Document(_))
        | (C::Pptx, Artifact::Deck(_))
        | (C::Pdf, Artifact::Pdf(_))
        | (C::Eml | C::Mbox, Artifact::Email(_))
        | (C::Text, Artifact::Text(_)) => true,
        (C::Csv, Artifact::Text(t)) => t.format == TextFormat::Csv,
        (C::Markdown, Artifact::Text(t)) => t.format == TextFormat::Markdown,
        _ => false,
    };
    if fits {
        return Ok(());
    }
    let what = match a {
        Artifact::Text(t) => format!(
            "a {} text",
            match t.format {
                TextFormat::Csv => "csv",
                TextFormat::Markdown => "markdown",
                TextFormat::Json => "json",
                TextFormat::Plain => "plain",
            }
        ),
        a => format!("a {}", a.kind()),
    };
    Err(err(
        Code::WrongKind,
        format!("{path} cannot hold {what}: its extension names another kind of file"),
    )
    .with_ref(simdesk_model::Ref::whole(path.clone()))
    .with_hint("give the file the extension of what it holds"))
}

/// A sheet name Excel accepts.
pub fn sheet_name(sheet: &str) -> Result<(), Diagnostic> {
    check_sheet_name(sheet)
        .map_err(|r| err(Code::InvalidArgument, format!("sheet name {sheet:?}: {r}")))
}

/// A `set_range` rectangle of at most [`MAX_CELLS_PER_OP`] cells that
/// stays inside the sheet's last cell; checked before anything is built
/// from it.
pub fn range_fits(start: CellAddr, rows: &[Vec<Option<CellInput>>]) -> Result<(), Diagnostic> {
    let cells: usize = rows
        .iter()
        .map(|r| r.iter().filter(|c| c.is_some()).count())
        .sum();
    if cells > MAX_CELLS_PER_OP {
        return Err(err(
            Code::LimitExceeded,
            format!("{cells} cell edits in one op, at most {MAX_CELLS_PER_OP}"),
        ));
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, input) in row.iter().enumerate() {
            if input.is_none() {
                continue;
            }
            let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                continue;
            };
            let row_past = start
                .row
                .checked_add(r)
                .is_none_or(|x| x >= simdesk_model::MAX_ROWS);
            let col_past = start
                .col
                .checked_add(c)
                .is_none_or(|x| x >= simdesk_model::MAX_COLS);
            if row_past || col_past {
                return Err(err(
                    Code::InvalidArgument,
                    format!("the range starting at {start} runs past the last cell XFD1048576"),
                ));
            }
        }
    }
    Ok(())
}

/// An email's recipients and addresses.
pub fn email_fields(email: &simdesk_model::Email) -> Result<(), Diagnostic> {
    if email.to.is_empty() && email.cc.is_empty() {
        return Err(err(
            Code::InvalidArgument,
            "an email needs at least one recipient",
        ));
    }
    for m in email.to.iter().chain(&email.cc).chain([&email.from]) {
        email_address(&m.address)?;
    }
    Ok(())
}

/// One `advance_clock` step: 1 second to about a century.
pub fn clock_step(seconds: i64) -> Result<(), Diagnostic> {
    if seconds <= 0 || seconds > MAX_ADVANCE_SECS {
        return Err(err(
            Code::InvalidArgument,
            format!("advance_clock needs 1 to {MAX_ADVANCE_SECS} seconds, got {seconds}"),
        ));
    }
    Ok(())
}

/// An objective id: 1 to [`MAX_OBJECTIVE_ID`] bytes.
pub fn objective_id(id: &str) -> Result<(), Diagnostic> {
    if id.is_empty() || id.len() > MAX_OBJECTIVE_ID {
        return Err(err(
            Code::InvalidArgument,
            format!("an objective id must be 1 to {MAX_OBJECTIVE_ID} bytes"),
        ));
    }
    Ok(())
}

/// An email address: something@domain, no spaces or specials, at most 254
/// bytes.
pub fn email_address(a: &str) -> Result<(), Diagnostic> {
    if valid_address(a) {
        Ok(())
    } else {
        Err(err(
            Code::InvalidArgument,
            format!("invalid email address {a:?}"),
        ))
    }
}

fn valid_address(a: &str) -> bool {
    let Some((local, domain)) = a.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && a.len() <= 254
        && !a
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>()[]\\,;:\"".contains(c))
}

/// One cell edit: at most one of value, formula and link; Excel's limits on
/// text and number formats; finite numbers; a cell link to one cell of
/// another workbook.
pub fn cell_edit(path: &VPath, sheet: &str, e: &CellEdit) -> Result<(), Diagnostic> {
    let at = || format!("{path}#{}!{}", simdesk_model::quote_sheet(sheet), e.cell);
    let set = [
        e.input.value.is_some(),
        e.input.formula.is_some(),
        e.input.link.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    if set > 1 {
        return Err(err(
            Code::InvalidArgument,
            format!("{}: give a value, a formula or a link, not several", at()),
        ));
    }
    if let Some(f) = &e.input.format
        && f.len() > 255
    {
        return Err(err(
            Code::LimitExceeded,
            format!("{}: number format longer than 255 characters", at()),
        ));
    }
    if let Some(v) = &e.input.value {
        cell_value(v).map_err(|d| Diagnostic {
            message: format!("{}: {}", at(), d.message),
            ..d
        })?;
    }
    if let Some(l) = &e.input.link {
        if l.policy == Policy::Snapshot {
            return Err(err(
                Code::InvalidArgument,
                format!("{}: a cell link is live or manual, not snapshot", at()),
            ));
        }
        if !matches!(l.source.target, RefTarget::Cell { .. }) || l.source.path.is_none() {
            return Err(err(
                Code::InvalidArgument,
                format!(
                    "{}: a cell link points to one cell of another workbook, not {}",
                    at(),
                    l.source
                ),
            ));
        }
    }
    Ok(())
}

/// A cell value Excel can hold: text up to 32,767 characters, finite
/// numbers, dates from serial 0 to [`MAX_DATE_SERIAL`] (9999-12-31). The
/// message does not say which cell; callers prefix it.
pub fn cell_value(v: &CellValue) -> Result<(), Diagnostic> {
    match v {
        CellValue::Text(t) if t.chars().count() > 32_767 => Err(err(
            Code::LimitExceeded,
            "text longer than 32767 characters (Excel's cell limit)",
        )),
        CellValue::Number(n) | CellValue::Date(n) if !n.is_finite() => {
            Err(err(Code::InvalidArgument, "numbers must be finite"))
        }
        CellValue::Date(n) if !(0.0..=MAX_DATE_SERIAL).contains(n) => {
            let shown = if n.abs() < 1e15 {
                n.to_string()
            } else {
                format!("{n:e}")
            };
            Err(err(
                Code::InvalidArgument,
                format!("date serial {shown} is outside Excel's range 0 to {MAX_DATE_SERIAL}"),
            ))
        }
        _ => Ok(()),
    }
}

/// A document block: headings are one line at level 1 to 3.
pub fn block(path: &VPath, b: &Block) -> Result<(), Diagnostic> {
    if let Block::Heading { level, text } = b {
        if !(1..=3).contains(level) {
            return Err(err(
                Code::InvalidArgument,
                format!("{path}: heading level {level}, expected 1 to 3"),
            ));
        }
        if text.contains('\n') {
            return Err(err(
                Code::InvalidArgument,
                format!("{path}: a heading is one line"),
            ));
        }
    }
    Ok(())
}

/// Checks an artifact from outside before it enters the world.
pub fn artifact(path: &VPath, a: &Artifact) -> Result<(), Diagnostic> {
    match a {
        Artifact::Workbook(w) => workbook(path, w),
        Artifact::Document(d) => d.blocks.iter().try_for_each(|b| block(path, b)),
        _ => Ok(()),
    }
}

fn workbook(path: &VPath, w: &Workbook) -> Result<(), Diagnostic> {
    let mut names = BTreeSet::new();
    let mut cells = 0usize;
    for s in &w.sheets {
        check_sheet_name(&s.name).map_err(|r| {
            err(
                Code::InvalidArgument,
                format!("{path}: sheet name {:?}: {r}", s.name),
            )
        })?;
        if !names.insert(s.name.to_lowercase()) {
            return Err(err(
                Code::InvalidArgument,
                format!("{path}: two sheets named {:?}", s.name),
            ));
        }
        cells += s.cells.len();
        for (a, c) in &s.cells {
            cell_edit(
                path,
                &s.name,
                &CellEdit {
                    cell: *a,
                    input: CellInput {
                        value: None,
                        formula: c.formula.clone(),
                        format: c.format.clone(),
                        link: c.link.as_deref().cloned(),
                    },
                },
            )?;
            cell_value(&c.value).map_err(|d| Diagnostic {
                message: format!(
                    "{path}#{}!{a}: {}",
                    simdesk_model::quote_sheet(&s.name),
                    d.message
                ),
                ..d
            })?;
        }
    }
    if cells > MAX_CELLS_PER_WORKBOOK {
        return Err(err(
            Code::LimitExceeded,
            format!("{path}: {cells} cells, at most {MAX_CELLS_PER_WORKBOOK}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use simdesk_model::{Binary, Document, Text, TextFormat};

    fn fits(path: &str, a: &Artifact) -> bool {
        kind_fits(&path.parse().unwrap(), a).is_ok()
    }

    fn text(format: TextFormat) -> Artifact {
        Artifact::Text(Text {
            format,
            content: String::new(),
        })
    }

    /// The extension table is the model's `FileClass`; what each class
    /// holds is the engine's rule.
    #[test]
    fn kind_fits_follows_the_one_extension_table() {
        let book = Artifact::Workbook(Workbook::default());
        let doc = Artifact::Document(Document::default());
        let bin = Artifact::Binary(Binary { bytes: vec![1] });
        for name in ["/a.xlsx", "/a.XLSM", "/a.xls", "/a.ods", "/a.csv"] {
            assert!(fits(name, &book), "{name}");
        }
        for name in ["/a.docx", "/a.md", "/a.markdown"] {
            assert!(fits(name, &doc), "{name}");
        }
        assert!(fits("/a.csv", &text(TextFormat::Csv)));
        assert!(!fits("/a.csv", &text(TextFormat::Markdown)));
        assert!(fits("/a.md", &text(TextFormat::Markdown)));
        assert!(!fits("/a.md", &text(TextFormat::Plain)));
        assert!(fits("/a.txt", &text(TextFormat::Plain)));
        assert!(fits("/a.json", &text(TextFormat::Json)));
        assert!(!fits("/a.pdf", &book));
        assert!(!fits("/a.bin", &text(TextFormat::Plain)));
        assert!(!fits("/noext", &doc));
        for name in ["/a.xlsx", "/a.bin", "/noext", "/a.md"] {
            assert!(fits(name, &bin), "{name}");
        }
    }
}
