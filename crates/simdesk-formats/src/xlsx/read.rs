//! The xlsx, xls and ods reader (calamine behind the zip guard and a
//! sheet scan).

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Data, Reader};
use quick_xml::events::{BytesStart, Event};
use simdesk_model::{Artifact, Cell, CellAddr, CellError, CellValue, Sheet, Workbook};

use crate::xml::attr;
use crate::zipguard::{self, SafeZip};
use crate::{Cause, FileType, Format, FormatError, Limits};

fn malformed(reason: impl Into<String>) -> FormatError {
    FormatError::malformed(Format::Xlsx, reason)
}

/// What the sheet scan learnt about one worksheet.
#[derive(Debug, Default)]
struct SheetScan {
    /// Style index of every cell that has a non-default one, in address
    /// order (a sorted list: a fully styled sheet costs 12 bytes a cell
    /// here, not a tree node's share).
    styles: Vec<(CellAddr, u32)>,
    /// A frozen pane below the first row.
    freeze_header: bool,
}

/// Number format and boldness of each `cellXfs` entry.
#[derive(Debug, Default)]
struct Styles {
    xfs: Vec<(Option<String>, bool)>,
}

fn xml_err(part: &str, e: impl Into<Cause>) -> FormatError {
    FormatError::malformed_by(Format::Xlsx, part, e)
}

fn depth_err(part: &str, limits: &Limits, depth: usize) -> FormatError {
    FormatError::Limit {
        limit: "xml depth",
        actual: depth as u64,
        max: limits.max_xml_depth as u64,
        context: part.to_owned(),
    }
}

/// Splits `B4` into zero-based (row, col); `None` when not an address.
fn parse_ref(r: &str) -> Option<(u32, u32)> {
    let a = CellAddr::parse(r).ok()?;
    Some((a.row, a.col))
}

/// Scans one worksheet: extent and cell count against the limits, nesting
/// depth, cell styles, frozen header.
fn scan_sheet(xml: &str, part: &str, limits: &Limits) -> Result<SheetScan, FormatError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut scan = SheetScan::default();
    let mut depth = 0usize;
    let (mut min_r, mut max_r, mut min_c, mut max_c) = (u32::MAX, 0u32, u32::MAX, 0u32);
    let mut cells: u64 = 0;
    let (mut row, mut col): (u32, u32) = (0, 0);
    let mut row_seen = false;
    let too_big = |what: &'static str, actual: u64, max: u64| FormatError::Limit {
        limit: what,
        actual,
        max,
        context: part.to_owned(),
    };
    loop {
        let ev = reader.read_event().map_err(|e| xml_err(part, e))?;
        let (e, is_start) = match &ev {
            Event::Start(e) => (e, true),
            Event::Empty(e) => (e, false),
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Eof => break,
            Event::DocType(_) => {
                return Err(malformed(format!(
                    "{part}: document type declaration refused"
                )));
            }
            _ => continue,
        };
        if is_start {
            depth += 1;
            if depth > limits.max_xml_depth {
                return Err(depth_err(part, limits, depth));
            }
        }
        match e.local_name().as_ref() {
            "dimension" => {
                if let Some(r) = attr(e, "ref") {
                    let mut ends = r.split(':').filter_map(parse_ref);
                    if let (Some(a), Some(b)) = (ends.next(), ends.next()) {
                        let rows = u64::from(b.0.abs_diff(a.0)) + 1;
                        let cols = u64::from(b.1.abs_diff(a.1)) + 1;
                        if rows > u64::from(limits.max_rows) {
                            return Err(too_big(
                                "sheet rows (declared dimension)",
                                rows,
                                u64::from(limits.max_rows),
                            ));
                        }
                        if cols > u64::from(limits.max_cols) {
                            return Err(too_big(
                                "sheet columns (declared dimension)",
                                cols,
                                u64::from(limits.max_cols),
                            ));
                        }
                        if rows * cols > limits.max_cells {
                            return Err(too_big(
                                "sheet cells (declared dimension)",
                                rows * cols,
                                limits.max_cells,
                            ));
                        }
                    }
                }
            }
            "pane" => {
                let frozen = attr(e, "state").is_some_and(|s| s == "frozen" || s == "frozenSplit");
                let y = attr(e, "ySplit").and_then(|v| v.parse::<f64>().ok());
                scan.freeze_header = frozen && y == Some(1.0);
            }
            "row" => {
                row = match attr(e, "r").and_then(|r| r.parse::<u32>().ok()) {
                    Some(r) if r >= 1 => r - 1,
                    _ if row_seen => row + 1,
                    _ => 0,
                };
                row_seen = true;
                col = 0;
            }
            "c" => {
                let (r, c) = match attr(e, "r") {
                    Some(a) => parse_ref(&a)
                        .ok_or_else(|| malformed(format!("{part}: bad cell reference {a:?}")))?,
                    None => (row, col),
                };
                row = r;
                col = c + 1;
                cells += 1;
                if cells > limits.max_cells {
                    return Err(too_big("sheet cells", cells, limits.max_cells));
                }
                (min_r, max_r, min_c, max_c) =
                    (min_r.min(r), max_r.max(r), min_c.min(c), max_c.max(c));
                let rows = u64::from(max_r - min_r) + 1;
                let cols = u64::from(max_c - min_c) + 1;
                if rows > u64::from(limits.max_rows) {
                    return Err(too_big("sheet rows", rows, u64::from(limits.max_rows)));
                }
                if cols > u64::from(limits.max_cols) {
                    return Err(too_big("sheet columns", cols, u64::from(limits.max_cols)));
                }
                if rows * cols > limits.max_cells {
                    return Err(too_big(
                        "sheet cells (extent from first to last cell)",
                        rows * cols,
                        limits.max_cells,
                    ));
                }
                if let Some(s) = attr(e, "s").and_then(|s| s.parse::<u32>().ok())
                    && s > 0
                {
                    scan.styles.push((CellAddr::new(r, c), s));
                }
            }
            _ => {}
        }
    }
    // Document order is address order in every file a writer makes; a
    // stable sort and keeping the last of a repeated address give the
    // same answer for any other.
    scan.styles.sort_by_key(|(a, _)| *a);
    scan.styles.reverse();
    scan.styles.dedup_by_key(|(a, _)| *a);
    scan.styles.reverse();
    Ok(scan)
}

/// The format code of a built-in number format id (as Excel and
/// rust_xlsxwriter number them).
fn builtin_format(id: u32) -> Option<&'static str> {
    Some(match id {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        5 => "($#,##0_);($#,##0)",
        6 => "($#,##0_);[Red]($#,##0)",
        7 => "($#,##0.00_);($#,##0.00)",
        8 => "($#,##0.00_);[Red]($#,##0.00)",
        9 => "0%",
        10 => "0.00%",
        11 => "0.00E+00",
        12 => "# ?/?",
        13 => "# ??/??",
        14 => super::write::BUILTIN_SHORT_DATE,
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        18 => "h:mm AM/PM",
        19 => "h:mm:ss AM/PM",
        20 => "h:mm",
        21 => "h:mm:ss",
        22 => "m/d/yy h:mm",
        37 => "(#,##0_);(#,##0)",
        38 => "(#,##0_);[Red](#,##0)",
        39 => "(#,##0.00_);(#,##0.00)",
        40 => "(#,##0.00_);[Red](#,##0.00)",
        41 => "_(* #,##0_);_(* (#,##0);_(* \"-\"_);_(@_)",
        42 => "_($* #,##0_);_($* (#,##0);_($* \"-\"_);_(@_)",
        43 => "_(* #,##0.00_);_(* (#,##0.00);_(* \"-\"??_);_(@_)",
        44 => "_($* #,##0.00_);_($* (#,##0.00);_($* \"-\"??_);_(@_)",
        45 => "mm:ss",
        46 => "[h]:mm:ss",
        47 => "mm:ss.0",
        48 => "##0.0E+0",
        49 => "@",
        _ => return None,
    })
}

/// Reads `cellXfs` from `xl/styles.xml`: number format and bold per index.
fn scan_styles(xml: &str, limits: &Limits) -> Result<Styles, FormatError> {
    const PART: &str = "xl/styles.xml";
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut custom: BTreeMap<u32, String> = BTreeMap::new();
    let mut fonts_bold: Vec<bool> = Vec::new();
    let mut xfs_raw: Vec<(u32, u32)> = Vec::new();
    let mut section: Vec<String> = Vec::new();
    loop {
        let ev = reader.read_event().map_err(|e| xml_err(PART, e))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name().as_ref().to_owned();
                let parent = section.last().map(String::as_str);
                match (name.as_str(), parent) {
                    ("numFmt", _) => {
                        if let (Some(id), Some(code)) = (
                            attr(e, "numFmtId").and_then(|v| v.parse().ok()),
                            attr(e, "formatCode"),
                        ) {
                            custom.insert(id, code);
                        }
                    }
                    ("font", Some("fonts")) => fonts_bold.push(false),
                    ("b", Some("font")) => {
                        let on = attr(e, "val").is_none_or(|v| v != "0" && v != "false");
                        if let Some(last) = fonts_bold.last_mut() {
                            *last = on;
                        }
                    }
                    ("xf", Some("cellXfs")) => {
                        let n = |k: &str| attr(e, k).and_then(|v| v.parse().ok()).unwrap_or(0);
                        xfs_raw.push((n("numFmtId"), n("fontId")));
                    }
                    _ => {}
                }
                if matches!(ev, Event::Start(_)) {
                    section.push(name);
                    if section.len() > limits.max_xml_depth {
                        return Err(depth_err(PART, limits, section.len()));
                    }
                }
            }
            Event::End(_) => {
                section.pop();
            }
            Event::Eof => break,
            _ => {}
        }
        if xfs_raw.len() > limits.max_items || fonts_bold.len() > limits.max_items {
            return Err(FormatError::Limit {
                limit: "styles",
                actual: xfs_raw.len().max(fonts_bold.len()) as u64,
                max: limits.max_items as u64,
                context: PART.to_owned(),
            });
        }
    }
    let xfs = xfs_raw
        .into_iter()
        .map(|(fmt, font)| {
            let code = match fmt {
                0 => None,
                id => custom
                    .get(&id)
                    .cloned()
                    .or_else(|| builtin_format(id).map(str::to_owned)),
            };
            let code = code.filter(|c| !c.eq_ignore_ascii_case("general"));
            (
                code,
                fonts_bold.get(font as usize).copied().unwrap_or(false),
            )
        })
        .collect();
    Ok(Styles { xfs })
}

/// Checks the shared-string table's declared count against its size:
/// calamine reserves that many strings before reading one.
fn check_shared_strings(xml: &str) -> Result<(), FormatError> {
    const PART: &str = "xl/sharedStrings.xml";
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event().map_err(|e| xml_err(PART, e))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sst" => {
                // The shortest string item, `<si/>`, takes 5 bytes.
                let room = (xml.len() / 5 + 1) as u64;
                for key in ["uniqueCount", "count"] {
                    if let Some(n) = attr(&e, key).and_then(|v| v.trim().parse::<u64>().ok())
                        && n > room
                        && key == "uniqueCount"
                    {
                        return Err(malformed(format!(
                            "{PART}: declares {n} strings in {} bytes",
                            xml.len()
                        )));
                    }
                }
                return Ok(());
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

/// Resolves sheet names to their worksheet part names through
/// `xl/workbook.xml` and its relationships.
fn sheet_parts(zip: &SafeZip<'_>, limits: &Limits) -> Result<Vec<(String, String)>, FormatError> {
    let wb = zip.read_xml("xl/workbook.xml")?;
    let rels = if zip.contains("xl/_rels/workbook.xml.rels") {
        zip.read_xml("xl/_rels/workbook.xml.rels")?
    } else {
        String::new()
    };
    let mut targets: BTreeMap<String, String> = BTreeMap::new();
    let mut reader = quick_xml::Reader::from_str(&rels);
    loop {
        match reader
            .read_event()
            .map_err(|e| xml_err("xl/_rels/workbook.xml.rels", e))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(t)) = (attr(&e, "Id"), attr(&e, "Target")) {
                    targets.insert(id, t);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut out = Vec::new();
    let mut parts: BTreeMap<String, String> = BTreeMap::new();
    let mut reader = quick_xml::Reader::from_str(&wb);
    loop {
        match reader
            .read_event()
            .map_err(|e| xml_err("xl/workbook.xml", e))?
        {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let name = attr(&e, "name").unwrap_or_default();
                // calamine refuses a sheet without its relationship
                // ("Relationship not found"): say which one.
                let Some(id) = attr(&e, "id") else {
                    return Err(malformed(format!(
                        "xl/workbook.xml: sheet {name:?} names no relationship"
                    )));
                };
                let part = match targets.get(&id) {
                    Some(t) if t.starts_with('/') => t.trim_start_matches('/').to_owned(),
                    Some(t) => format!("xl/{t}"),
                    None => {
                        return Err(malformed(format!(
                            "xl/workbook.xml: sheet {name:?} names relationship {id:?}, \
                             which xl/_rels/workbook.xml.rels does not hold"
                        )));
                    }
                };
                // Each sheet its own part: a part named twice would be
                // scanned (and read by calamine) once per name, so
                // thousands of names for one part cost quadratic time.
                if let Some(first) = parts.insert(part.clone(), name.clone()) {
                    return Err(malformed(format!(
                        "xl/workbook.xml: sheets {first:?} and {name:?} both point at {part}"
                    )));
                }
                out.push((name, part));
                if out.len() > limits.max_items {
                    return Err(FormatError::Limit {
                        limit: "sheets",
                        actual: out.len() as u64,
                        max: limits.max_items as u64,
                        context: "xl/workbook.xml".to_owned(),
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Scans an OpenDocument spreadsheet's `content.xml`: the extent of each
/// table, counting repeated rows and columns only up to the last cell with
/// content (LibreOffice pads tables with huge repeated empty runs).
fn scan_ods(xml: &str, limits: &Limits) -> Result<(), FormatError> {
    const PART: &str = "content.xml";
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut depth, mut row, mut col, mut row_rep) = (0usize, 0u64, 0u64, 1u64);
    let (mut max_r, mut max_c, mut row_has) = (0u64, 0u64, false);
    let rep = |e: &BytesStart<'_>, k: &str| {
        attr(e, k)
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(1)
            .max(1)
    };
    let check = |rows: u64, cols: u64| -> Result<(), FormatError> {
        let lim = |limit, actual, max| FormatError::Limit {
            limit,
            actual,
            max,
            context: PART.to_owned(),
        };
        if rows > u64::from(limits.max_rows) {
            return Err(lim("sheet rows", rows, u64::from(limits.max_rows)));
        }
        if cols > u64::from(limits.max_cols) {
            return Err(lim("sheet columns", cols, u64::from(limits.max_cols)));
        }
        if rows.saturating_mul(cols) > limits.max_cells {
            return Err(lim(
                "sheet cells",
                rows.saturating_mul(cols),
                limits.max_cells,
            ));
        }
        Ok(())
    };
    loop {
        let ev = reader
            .read_event()
            .map_err(|e| FormatError::malformed_by(FileType::Ods, PART, e))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let start = matches!(ev, Event::Start(_));
                if start {
                    depth += 1;
                    if depth > limits.max_xml_depth {
                        return Err(depth_err(PART, limits, depth));
                    }
                }
                match e.local_name().as_ref() {
                    "table" if start => (row, max_r, max_c) = (0, 0, 0),
                    "table-row" => {
                        row_rep = rep(e, "number-rows-repeated");
                        col = 0;
                        row_has = false;
                        if !start {
                            row = row.saturating_add(row_rep);
                        }
                    }
                    "table-cell" | "covered-table-cell" => {
                        let n = rep(e, "number-columns-repeated");
                        let has = start || attr(e, "value-type").is_some();
                        col = col.saturating_add(n);
                        if has {
                            max_c = max_c.max(col);
                            row_has = true;
                            check(max_r.max(row + 1), max_c)?;
                        }
                    }
                    _ => {}
                }
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                if e.local_name().as_ref() == "table-row" {
                    if row_has {
                        max_r = row.saturating_add(row_rep);
                        check(max_r, max_c)?;
                    }
                    row = row.saturating_add(row_rep);
                }
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn map_data(d: &Data) -> CellValue {
    match d {
        Data::Empty => CellValue::Empty,
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::Float(f) => CellValue::Number(*f),
        Data::String(s) => CellValue::Text(s.clone()),
        Data::Bool(b) => CellValue::Bool(*b),
        Data::DateTime(dt) => CellValue::Date(dt.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => CellValue::Text(s.clone()),
        Data::Error(e) => CellValue::Error(match e {
            calamine::CellErrorType::Div0 => CellError::Div0,
            calamine::CellErrorType::NA | calamine::CellErrorType::GettingData => CellError::Na,
            calamine::CellErrorType::Name => CellError::Name,
            calamine::CellErrorType::Null => CellError::Null,
            calamine::CellErrorType::Num => CellError::Num,
            calamine::CellErrorType::Ref => CellError::Ref,
            calamine::CellErrorType::Value => CellError::Value,
        }),
    }
}

/// A sheet's cells gathered in memory proportional to their count.
///
/// Cells arrive in batches; each batch becomes a tree of its own
/// (`BTreeMap::from_iter` sorts it and fills every node) that is merged into
/// the sheet's (`append` frees the nodes it has taken as it goes). So the
/// cells are never held twice over, and the tree is not left with its
/// nodes half empty as inserting cell after cell leaves it (that costs
/// nearly twice the memory). A batch is an eighth of what is gathered,
/// so merging moves each cell a bounded number of times.
#[derive(Default)]
struct CellBatches {
    cells: BTreeMap<CellAddr, Cell>,
    batch: Vec<(CellAddr, Cell)>,
}

impl CellBatches {
    const MIN_BATCH: usize = 1 << 16;

    /// Adds a cell; a later cell at the same address replaces an earlier.
    fn push(&mut self, addr: CellAddr, cell: Cell) {
        self.batch.push((addr, cell));
        if self.batch.len() >= Self::MIN_BATCH.max(self.cells.len() / 8) {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.batch.is_empty() {
            return;
        }
        let mut merged: BTreeMap<CellAddr, Cell> =
            std::mem::take(&mut self.batch).into_iter().collect();
        self.cells.append(&mut merged);
    }

    /// The cells, in address order.
    fn finish(mut self) -> BTreeMap<CellAddr, Cell> {
        self.flush();
        self.cells
    }
}

/// Reads the values of one sheet into `out`.
trait SheetValues {
    /// The reader's error.
    type Error: std::error::Error + Send + Sync + 'static;
    /// Every non-empty value of sheet `name`.
    fn sheet_values(&mut self, name: &str, out: &mut CellBatches) -> Result<(), Self::Error>;
}

/// Values through calamine's dense range (`.xls`, `.ods`).
fn values_of_range<R: Reader<Cursor<Vec<u8>>>>(
    reader: &mut R,
    name: &str,
    out: &mut CellBatches,
) -> Result<(), R::Error> {
    let range = reader.worksheet_range(name)?;
    if let Some((r0, c0)) = range.start() {
        for (r, c, d) in range.used_cells() {
            let addr = CellAddr::new(r0 + r as u32, c0 + c as u32);
            out.push(addr, Cell::value(map_data(d)));
        }
    }
    Ok(())
}

impl SheetValues for calamine::Xls<Cursor<Vec<u8>>> {
    type Error = calamine::XlsError;
    fn sheet_values(&mut self, name: &str, out: &mut CellBatches) -> Result<(), Self::Error> {
        values_of_range(self, name, out)
    }
}

impl SheetValues for calamine::Ods<Cursor<Vec<u8>>> {
    type Error = calamine::OdsError;
    fn sheet_values(&mut self, name: &str, out: &mut CellBatches) -> Result<(), Self::Error> {
        values_of_range(self, name, out)
    }
}

/// An xlsx sheet's values streamed cell by cell from its XML, with no
/// dense range of the sheet's rectangle in between.
impl SheetValues for calamine::Xlsx<Cursor<Vec<u8>>> {
    type Error = calamine::XlsxError;
    fn sheet_values(&mut self, name: &str, out: &mut CellBatches) -> Result<(), Self::Error> {
        let mut cells = match self.worksheet_cells_reader(name) {
            Ok(r) => r,
            // A chart sheet: no cells (as calamine's own range reader).
            Err(calamine::XlsxError::NotAWorksheet(_)) => return Ok(()),
            Err(e) => return Err(e),
        };
        while let Some(c) = cells.next_cell()? {
            if matches!(c.get_value(), calamine::DataRef::Empty) {
                continue;
            }
            let (r, col) = c.get_position();
            let d = Data::from(c.get_value().clone());
            out.push(CellAddr::new(r, col), Cell::value(map_data(&d)));
        }
        Ok(())
    }
}

/// Reads every sheet of a calamine reader into sheets, applying the styles
/// and freeze flags found by the scan (by sheet name).
fn read_sheets<R: Reader<Cursor<Vec<u8>>> + SheetValues>(
    reader: &mut R,
    scans: &BTreeMap<String, SheetScan>,
    styles: &Styles,
    limits: &Limits,
    format: FileType,
) -> Result<Workbook, FormatError>
where
    <R as Reader<Cursor<Vec<u8>>>>::Error: std::error::Error + Send + Sync + 'static,
{
    let names = reader.sheet_names();
    if names.len() > limits.max_items {
        return Err(FormatError::Limit {
            limit: "sheets",
            actual: names.len() as u64,
            max: limits.max_items as u64,
            context: "workbook".to_owned(),
        });
    }
    let mut book = Workbook::default();
    for name in names {
        let mut sheet = Sheet::new(&name);
        let bad = |e| FormatError::malformed_by(format, format!("sheet {name:?}"), e);
        let mut values = CellBatches::default();
        <R as SheetValues>::sheet_values(reader, &name, &mut values)
            .map_err(|e| FormatError::malformed_by(format, format!("sheet {name:?}"), e))?;
        sheet.cells = values.finish();
        // Formulas: calamine keeps only the formula cells (the range spans
        // their rectangle).
        let formulas = reader.worksheet_formula(&name).map_err(bad)?;
        if let Some((r0, c0)) = formulas.start() {
            for (r, c, f) in formulas.used_cells() {
                if f.is_empty() {
                    continue;
                }
                let addr = CellAddr::new(r0 + r as u32, c0 + c as u32);
                let cell = sheet.cells.entry(addr).or_default();
                cell.formula = Some(f.trim_start_matches('=').to_owned());
            }
        }
        for cell in sheet.cells.values_mut() {
            // A formula that is only an error literal is a plain error value.
            if let (Some(f), CellValue::Error(e)) = (&cell.formula, &cell.value)
                && f == e.as_str()
            {
                cell.formula = None;
            }
            if cell.formula.is_some() && cell.value == CellValue::Text(String::new()) {
                cell.value = CellValue::Empty;
            }
        }
        if let Some(scan) = scans.get(&name) {
            sheet.freeze_header = scan.freeze_header;
            for (addr, s) in &scan.styles {
                let Some((code, bold)) = styles.xfs.get(*s as usize) else {
                    continue;
                };
                if code.is_none() && !bold {
                    continue;
                }
                let cell = sheet.cells.entry(*addr).or_default();
                cell.format = code.clone();
                cell.bold = *bold;
            }
        }
        book.sheets.push(sheet);
    }
    Ok(book)
}

/// Reads `.xlsx` or `.xlsm` bytes into a workbook.
pub fn import_xlsx(bytes: &[u8], limits: &Limits) -> Result<Workbook, FormatError> {
    let zip = zipguard::open_zip(bytes, limits, Format::Xlsx)?;
    zip.validate_all()?;
    let mut scans = BTreeMap::new();
    for (name, part) in sheet_parts(&zip, limits)? {
        if !zip.contains(&part) {
            return Err(malformed(format!("sheet {name:?}: missing part {part}")));
        }
        let xml = zip.read_xml(&part)?;
        scans.insert(name, scan_sheet(&xml, &part, limits)?);
    }
    // Worksheets not named by the workbook are still read by nobody, but a
    // bomb hidden in one is caught by the scan all the same.
    for part in zip
        .names()
        .iter()
        .filter(|n| n.starts_with("xl/worksheets/") && n.ends_with(".xml"))
    {
        scan_sheet(&zip.read_xml(part)?, part, limits)?;
    }
    if zip.contains("xl/sharedStrings.xml") {
        check_shared_strings(&zip.read_xml("xl/sharedStrings.xml")?)?;
    }
    let styles = if zip.contains("xl/styles.xml") {
        scan_styles(&zip.read_xml("xl/styles.xml")?, limits)?
    } else {
        Styles::default()
    };
    let mut reader = calamine::Xlsx::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| FormatError::malformed_by(Format::Xlsx, "workbook", e))?;
    read_sheets(&mut reader, &scans, &styles, limits, Format::Xlsx.into())
}

/// Reads legacy `.xls` bytes. Only the input size limit applies before
/// calamine parses the file (it is not a zip and holds no XML).
pub fn import_xls(bytes: &[u8], limits: &Limits) -> Result<Workbook, FormatError> {
    zipguard::check_input_size(bytes, limits, FileType::Xls)?;
    let mut reader = calamine::Xls::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| FormatError::malformed_by(FileType::Xls, "workbook", e))?;
    read_sheets(
        &mut reader,
        &BTreeMap::new(),
        &Styles::default(),
        limits,
        FileType::Xls,
    )
}

/// Reads OpenDocument `.ods` bytes (values and formulas; no styles).
pub fn import_ods(bytes: &[u8], limits: &Limits) -> Result<Workbook, FormatError> {
    let zip = zipguard::open_zip(bytes, limits, FileType::Ods)?;
    zip.validate_all()?;
    scan_ods(&zip.read_xml("content.xml")?, limits)?;
    let mut reader = calamine::Ods::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| FormatError::malformed_by(FileType::Ods, "workbook", e))?;
    read_sheets(
        &mut reader,
        &BTreeMap::new(),
        &Styles::default(),
        limits,
        FileType::Ods,
    )
}

/// Reads any spreadsheet calamine knows, chosen by content: a zip with
/// `content.xml` is ODS, another zip is xlsx/xlsm, anything else is `.xls`.
pub fn import(bytes: &[u8], limits: &Limits) -> Result<Artifact, FormatError> {
    if bytes.is_empty() {
        return Err(malformed("empty file"));
    }
    let book = if bytes.starts_with(b"PK") {
        let zip = zipguard::open_zip(bytes, limits, Format::Xlsx)?;
        if zip.contains("content.xml") && !zip.contains("xl/workbook.xml") {
            drop(zip);
            import_ods(bytes, limits)?
        } else {
            drop(zip);
            import_xlsx(bytes, limits)?
        }
    } else {
        import_xls(bytes, limits)?
    };
    Ok(Artifact::Workbook(book))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    /// Cells gathered in batches come out in address order whatever order
    /// they arrive in, a later cell at an address replacing an earlier one
    /// (as calamine's range did), across batch boundaries too.
    #[test]
    fn cell_batches_sort_and_keep_the_last() {
        let mut b = CellBatches::default();
        let n = CellBatches::MIN_BATCH as u32 * 3 + 7;
        // Rows in reverse order, so every batch merges in front.
        for r in (0..n).rev() {
            b.push(CellAddr::new(r, 0), Cell::value(f64::from(r)));
        }
        // The same address again, in a later batch: the later value wins.
        b.push(CellAddr::new(5, 0), Cell::value("later"));
        let cells = b.finish();
        assert_eq!(cells.len(), n as usize);
        assert!(cells.keys().zip(cells.keys().skip(1)).all(|(a, b)| a < b));
        assert_eq!(cells[&CellAddr::new(5, 0)].value, CellValue::from("later"));
        assert_eq!(
            cells[&CellAddr::new(n - 1, 0)].value,
            CellValue::Number(f64::from(n - 1))
        );
    }

    /// An `.xls` or `.ods` the importer refuses is named as what it is (it
    /// used to say "malformed Xlsx"), and calamine's error is the source.
    #[test]
    fn xls_and_ods_errors_name_their_type_and_keep_the_cause() {
        let e = import_xls(b"not a workbook at all", &Limits::default()).unwrap_err();
        assert!(
            matches!(
                &e,
                FormatError::Malformed {
                    format: FileType::Xls,
                    source: Some(_),
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "malformed xls file: workbook");
        assert!(e.source().is_some());

        let e = import_ods(b"PK\x03\x04", &Limits::default()).unwrap_err();
        assert!(e.to_string().starts_with("malformed ods file: "), "{e}");
    }
}
