//! The xlsx writer (rust_xlsxwriter): cells, formats, widths, frozen
//! header and print setup.

use std::collections::BTreeMap;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Format as XlsxFormat, Formula, Workbook as XlsxBook, Worksheet,
    XlsxError,
};
use simdesk_model::{Artifact, CellError, CellValue, Sheet, Workbook, format_value};

use super::DEFAULT_DATE_FORMAT;
use crate::{ExportOptions, Format, FormatError};

/// The code the reader gives built-in number format 14 (Excel's short
/// date); see `read::builtin_format`.
pub(crate) const BUILTIN_SHORT_DATE: &str = "m/d/yy";

fn write_err(e: XlsxError) -> FormatError {
    FormatError::write_by(Format::Xlsx, "rust_xlsxwriter", e)
}

/// The rust_xlsxwriter date-time of a simulated time (clamped to the years
/// xlsx can hold).
fn excel_time(t: simdesk_model::SimTime) -> Result<ExcelDateTime, FormatError> {
    let (y, m, d) = t.date();
    let (h, mi, s) = t.time_of_day();
    let y = y.clamp(1900, 9999) as u16;
    ExcelDateTime::from_ymd(y, m as u8, d as u8)
        .and_then(|dt| dt.and_hms(h as u16, mi as u8, s as u8))
        .map_err(write_err)
}

/// The width (in characters) that fits a column's formatted content.
fn fitted_width(max_chars: usize) -> f64 {
    ((max_chars as f64) * 1.1 + 2.0).clamp(8.43, 80.0)
}

/// Writes a workbook as `.xlsx` bytes.
pub fn export_xlsx(book: &Workbook, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    let mut out = XlsxBook::new();
    let props = DocProperties::new()
        .set_author(&opts.author)
        .set_creation_datetime(&excel_time(opts.created)?);
    out.set_properties(&props);
    out.set_zip_compression_level(crate::ZIP_LEVEL);
    // One format per (number format, bold) pair, borrowed by every cell that
    // has it; unstyled cells are written without one, which gives the same
    // cell XML without rust_xlsxwriter hashing a default format per cell.
    let mut styles: BTreeMap<(Option<&str>, bool), XlsxFormat> = BTreeMap::new();
    // Formula cells whose text result rust_xlsxwriter would type as a
    // number, a boolean or an error (see `xlsx_text`).
    let mut text_results: BTreeMap<usize, BTreeMap<String, String>> = BTreeMap::new();
    for (index, sheet) in book.sheets.iter().enumerate() {
        let ws = out.add_worksheet();
        ws.set_name(&sheet.name).map_err(write_err)?;
        let mut widths: BTreeMap<u32, usize> = BTreeMap::new();
        for (addr, cell) in &sheet.cells {
            let (row, col) = (addr.row, addr.col as u16);
            let fmt_code = match (&cell.format, &cell.value) {
                // A date is always shown as a date: `General` would show
                // its serial number (`45766`).
                (Some(f), CellValue::Date(_)) if f.eq_ignore_ascii_case("general") => {
                    Some(DEFAULT_DATE_FORMAT)
                }
                (Some(f), _) => Some(f.as_str()),
                (None, CellValue::Date(_)) => Some(DEFAULT_DATE_FORMAT),
                (None, _) => None,
            };
            let style = (fmt_code.is_some() || cell.bold).then(|| {
                &*styles.entry((fmt_code, cell.bold)).or_insert_with(|| {
                    let mut f = XlsxFormat::new();
                    match fmt_code {
                        // The reader names built-in format 14 by its code;
                        // written back it is built-in 14 again (a custom
                        // format of the same code would not follow the
                        // reader's locale as Excel's short date does).
                        Some(BUILTIN_SHORT_DATE) => f = f.set_num_format_index(14),
                        Some(code) => f = f.set_num_format(code),
                        None => {}
                    }
                    if cell.bold {
                        f = f.set_bold();
                    }
                    f
                })
            });
            let w = widths.entry(addr.col).or_default();
            if !sheet.col_widths.contains_key(&addr.col) {
                *w = (*w).max(shown_chars(&cell.value, fmt_code));
            }
            let value = match &cell.value {
                CellValue::Number(n) | CellValue::Date(n) if !n.is_finite() => &NUM_ERROR,
                v => v,
            };
            let formula = match (&cell.formula, value) {
                (Some(f), _) => Some(f.as_str()),
                (None, CellValue::Error(e)) => Some(error_text(*e)),
                (None, _) => None,
            };
            if let Some(f) = formula {
                if let CellValue::Text(t) = value
                    && looks_typed(t)
                {
                    text_results
                        .entry(index)
                        .or_default()
                        .insert(addr.to_string(), t.clone());
                }
                let result = match value {
                    CellValue::Empty => String::new(),
                    CellValue::Number(n) | CellValue::Date(n) => n.to_string(),
                    CellValue::Text(t) => t.clone(),
                    CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
                    CellValue::Error(e) => error_text(*e).to_owned(),
                };
                let formula = Formula::new(f).set_result(result);
                match style {
                    Some(style) => ws.write_formula_with_format(row, col, formula, style),
                    None => ws.write_formula(row, col, formula),
                }
                .map_err(write_err)?;
                continue;
            }
            match (value, style) {
                (CellValue::Empty, Some(style)) => ws.write_blank(row, col, style),
                (CellValue::Number(n) | CellValue::Date(n), Some(style)) => {
                    ws.write_number_with_format(row, col, *n, style)
                }
                (CellValue::Number(n) | CellValue::Date(n), None) => ws.write_number(row, col, *n),
                (CellValue::Text(t), Some(style)) => {
                    ws.write_string_with_format(row, col, t, style)
                }
                (CellValue::Text(t), None) => ws.write_string(row, col, t),
                (CellValue::Bool(b), Some(style)) => {
                    ws.write_boolean_with_format(row, col, *b, style)
                }
                (CellValue::Bool(b), None) => ws.write_boolean(row, col, *b),
                (CellValue::Empty, None) | (CellValue::Error(_), _) => continue,
            }
            .map_err(write_err)?;
        }
        for (col, chars) in &widths {
            let width = sheet
                .col_widths
                .get(col)
                .copied()
                .unwrap_or_else(|| fitted_width(*chars));
            ws.set_column_width(*col as u16, width).map_err(write_err)?;
        }
        for (col, width) in &sheet.col_widths {
            if !widths.contains_key(col) {
                ws.set_column_width(*col as u16, *width)
                    .map_err(write_err)?;
            }
        }
        if sheet.freeze_header {
            ws.set_freeze_panes(1, 0).map_err(write_err)?;
        }
        let total_width: f64 = widths
            .iter()
            .map(|(col, chars)| {
                sheet
                    .col_widths
                    .get(col)
                    .copied()
                    .unwrap_or_else(|| fitted_width(*chars))
            })
            .sum::<f64>()
            + sheet
                .col_widths
                .iter()
                .filter(|(c, _)| !widths.contains_key(c))
                .map(|(_, w)| *w)
                .sum::<f64>();
        print_setup(ws, sheet, total_width, opts)?;
    }
    let bytes = out.save_to_buffer().map_err(write_err)?;
    crate::xlsx_text::mark_text_results(bytes, &text_results)
}

/// The widest sheet, in character widths of its columns, that prints on
/// portrait paper at a readable scale; wider sheets print landscape.
const PORTRAIT_MAX_WIDTH: f64 = 90.0;

/// How a sheet prints: on the persona's paper, landscape when its columns
/// are wider than [`PORTRAIT_MAX_WIDTH`], scaled to one page wide (as
/// many pages tall as it needs), the header row repeated on every page
/// (a sheet with a frozen or bold first row has one), centred, with the
/// sheet's name above and `Page n of N` below.
fn print_setup(
    ws: &mut Worksheet,
    sheet: &Sheet,
    total_width: f64,
    opts: &ExportOptions,
) -> Result<(), FormatError> {
    ws.set_paper_size(opts.paper.excel_code());
    if total_width > PORTRAIT_MAX_WIDTH {
        ws.set_landscape();
    }
    ws.set_print_fit_to_pages(1, 0);
    ws.set_print_center_horizontally(true);
    let (rows, _) = sheet.extent();
    let header = sheet.freeze_header
        || sheet
            .cells
            .iter()
            .filter(|(a, _)| a.row == 0)
            .any(|(_, c)| c.bold);
    if header && rows > 1 {
        ws.set_repeat_rows(0, 0).map_err(write_err)?;
    }
    // `&&` is a literal ampersand in a header; `&A` the sheet's name.
    ws.set_header("&L&\"-,Bold\"&A");
    ws.set_footer("&CPage &P of &N");
    Ok(())
}

/// True for text rust_xlsxwriter would write as another type's cached
/// result: a number, `TRUE`/`FALSE` or an error code.
fn looks_typed(t: &str) -> bool {
    !t.is_empty()
        && (t.parse::<f64>().is_ok()
            || matches!(t, "TRUE" | "FALSE")
            || CellError::parse(t).is_some()
            || t == "#GETTING_DATA")
}

/// What a non-finite number is written as.
static NUM_ERROR: CellValue = CellValue::Error(CellError::Num);

/// The length in characters of a cell's formatted value, for fitting its
/// column: [`format_value`]'s text, without formatting unformatted text.
fn shown_chars(value: &CellValue, format: Option<&str>) -> usize {
    match (value, format) {
        (CellValue::Empty, _) => 0,
        (CellValue::Text(t), None) => t.chars().count(),
        (v, f) => format_value(v, f).chars().count(),
    }
}

/// The text xlsx uses for an error value ([`CellError::Circ`] is `#REF!`).
fn error_text(e: CellError) -> &'static str {
    match e {
        CellError::Circ => "#REF!",
        e => e.as_str(),
    }
}

/// Writes an artifact as `.xlsx`; only workbooks can be.
pub fn export(artifact: &Artifact, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    match artifact {
        Artifact::Workbook(w) => export_xlsx(w, opts),
        a => Err(FormatError::Unsupported {
            kind: a.kind(),
            format: Format::Xlsx,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Built-in date format 14, read as its code, is written back as
    /// built-in 14 (it used to become a custom format of the same code),
    /// and reads back as the same code.
    #[test]
    fn builtin_short_date_keeps_its_id() {
        use std::io::Read as _;
        let mut sheet = Sheet::new("S");
        sheet.cells.insert(
            "A1".parse().unwrap(),
            simdesk_model::Cell::value(CellValue::Date(45_000.0)).with_format(BUILTIN_SHORT_DATE),
        );
        sheet.cells.insert(
            "A2".parse().unwrap(),
            simdesk_model::Cell::value(CellValue::Date(45_001.0)).with_format("yyyy-mm-dd"),
        );
        let book = Workbook {
            sheets: vec![sheet],
        };
        let bytes = export_xlsx(&book, &ExportOptions::default()).unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
        let mut styles = String::new();
        zip.by_name("xl/styles.xml")
            .unwrap()
            .read_to_string(&mut styles)
            .unwrap();
        assert!(styles.contains("numFmtId=\"14\""), "{styles}");
        assert!(!styles.contains("formatCode=\"m/d/yy\""), "{styles}");
        assert!(styles.contains("formatCode=\"yyyy-mm-dd\""), "{styles}");
        let back = super::super::import_xlsx(&bytes, &crate::Limits::default()).unwrap();
        let cells = &back.sheets[0].cells;
        let a1 = &cells[&"A1".parse().unwrap()];
        assert_eq!(a1.format.as_deref(), Some(BUILTIN_SHORT_DATE));
        assert_eq!(a1.value, CellValue::Date(45_000.0));
    }

    /// The column-fitting shortcut measures what `format_value` shows.
    #[test]
    fn shown_chars_is_the_formatted_length() {
        let values = [
            CellValue::Empty,
            CellValue::Text("Préférence 陈伟".into()),
            CellValue::Number(-1234.5678),
            CellValue::Date(45_000.25),
            CellValue::Bool(true),
            CellValue::Error(CellError::Div0),
        ];
        for v in &values {
            for f in [
                None,
                Some("#,##0.00"),
                Some("yyyy-mm-dd"),
                Some("0;0;0;\"x\"@"),
            ] {
                assert_eq!(
                    shown_chars(v, f),
                    format_value(v, f).chars().count(),
                    "{v:?} {f:?}"
                );
            }
        }
    }
}
