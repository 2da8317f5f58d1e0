//! CSV shared by every writer of `.csv` text: RFC 4180 quoting, the
//! formula-injection guard, and a sheet as CSV ([`sheet_csv`]).

/// Quotes one field per RFC 4180 when it needs it: a field holding `,`,
/// `"`, CR or LF is wrapped in quotes with its quotes doubled.
///
/// ```
/// assert_eq!(simdesk_model::csv::quote_field("a,b"), "\"a,b\"");
/// assert_eq!(simdesk_model::csv::quote_field("plain"), "plain");
/// ```
pub fn quote_field(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Prefixes text a spreadsheet would run as a formula (starting with `=`,
/// `+`, `-`, `@`, tab, CR or NUL) with `'`. Apply it to text values only:
/// numbers, negative ones included, are written as they are.
///
/// ```
/// assert_eq!(simdesk_model::csv::guard_formula("=SUM(A1)"), "'=SUM(A1)");
/// assert_eq!(simdesk_model::csv::guard_formula("Cash"), "Cash");
/// ```
pub fn guard_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r', '\0']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One sheet as CSV (RFC 4180), row by row over its extent, records ending
/// in CRLF: numbers in general format (so the file reads back as numbers,
/// whatever the cell's number format), dates formatted with the cell's
/// format (`yyyy-mm-dd` without one), other values as they show, and text
/// that a spreadsheet would run as a formula guarded with `'`.
///
/// ```
/// use simdesk_model::{Cell, Sheet, csv::sheet_csv};
///
/// let mut s = Sheet::new("S");
/// s.cells.insert("A1".parse().unwrap(), Cell::value(1234.5).with_format("$#,##0"));
/// s.cells.insert("B1".parse().unwrap(), Cell::value("=cmd"));
/// assert_eq!(sheet_csv(&s), "1234.5,'=cmd\r\n");
/// ```
pub fn sheet_csv(s: &crate::Sheet) -> String {
    use crate::{CellAddr, CellValue, format_value};
    let (rows, cols) = s.extent();
    let mut out = String::new();
    for r in 0..rows {
        let line: Vec<String> = (0..cols)
            .map(|c| {
                let t = s
                    .cells
                    .get(&CellAddr::new(r, c))
                    .map_or(String::new(), |c| match &c.value {
                        CellValue::Number(n) => format_value(&CellValue::Number(*n), None),
                        CellValue::Text(t) => guard_formula(t),
                        v => format_value(v, c.format.as_deref()),
                    });
                quote_field(&t)
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}
