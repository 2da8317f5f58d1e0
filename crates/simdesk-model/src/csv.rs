//! CSV shared by every writer and reader of `.csv` text: RFC 4180 quoting,
//! the formula-injection guard, a sheet as CSV ([`sheet_csv`]) and the one
//! CSV reader ([`parse`]).

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

/// Why CSV text could not be read into records.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CsvParseError {
    /// More fields than the limit allows.
    #[error("more than {max} cells (line {line})")]
    TooManyCells {
        /// The limit.
        max: usize,
        /// The line being read when the limit was passed.
        line: usize,
    },
    /// A quoted field runs to the end of the text.
    #[error("unterminated quoted field at line {line}")]
    Unterminated {
        /// The line the text ends on.
        line: usize,
    },
}

/// The records of CSV text, each a list of fields, by the one set of rules
/// every crate reads CSV with (RFC 4180 quoting): a field that starts with
/// `"` is quoted, `""` inside it is one quote, and commas and line breaks
/// inside it are kept; outside quotes a record ends at `\n`, `\r\n` or a
/// lone `\r`; a line break at the very end starts no empty record; a
/// quoted field still open at the end is an error, and so is a text with
/// more than `max_cells` fields.
pub fn parse(text: &str, max_cells: usize) -> Result<Vec<Vec<String>>, CsvParseError> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    // Something of the current record has been read (a quoted empty field
    // counts).
    let mut started = false;
    let mut cells = 0usize;
    let mut line = 1;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c);
                }
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                quoted = true;
                started = true;
            }
            ',' => {
                row.push(std::mem::take(&mut field));
                cells += 1;
                started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                cells += 1;
                if cells > max_cells {
                    return Err(CsvParseError::TooManyCells {
                        max: max_cells,
                        line,
                    });
                }
                rows.push(std::mem::take(&mut row));
                started = false;
                line += 1;
            }
            c => {
                field.push(c);
                started = true;
            }
        }
        if cells > max_cells {
            return Err(CsvParseError::TooManyCells {
                max: max_cells,
                line,
            });
        }
    }
    if quoted {
        return Err(CsvParseError::Unterminated { line });
    }
    if started {
        row.push(field);
        cells += 1;
        if cells > max_cells {
            return Err(CsvParseError::TooManyCells {
                max: max_cells,
                line,
            });
        }
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<Vec<String>> {
        parse(text, 1000).unwrap()
    }

    fn v(rows: &[&[&str]]) -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.iter().map(|s| (*s).to_owned()).collect())
            .collect()
    }

    /// Lone CR, CRLF and LF all end a record; a quoted comma, a doubled
    /// quote and a quoted line break stay in their field.
    #[test]
    fn parse_reads_line_ends_and_quotes_alike() {
        assert_eq!(
            rows("a,b\rc,d\r\ne,f\ng,h"),
            v(&[&["a", "b"], &["c", "d"], &["e", "f"], &["g", "h"]])
        );
        assert_eq!(
            rows("\"x, y\",\"say \"\"hi\"\"\",\"two\r\nlines\"\r\n"),
            v(&[&["x, y", "say \"hi\"", "two\r\nlines"]])
        );
        assert_eq!(rows("a,\n\nb"), v(&[&["a", ""], &[""], &["b"]]));
        assert_eq!(rows("\"\""), v(&[&[""]]));
        assert!(rows("").is_empty());
    }

    #[test]
    fn parse_refuses_an_unterminated_quote_and_too_many_cells() {
        assert_eq!(
            parse("a,b\n\"open,\nc", 100),
            Err(CsvParseError::Unterminated { line: 3 })
        );
        assert_eq!(
            parse("a,b,c\n", 2),
            Err(CsvParseError::TooManyCells { max: 2, line: 1 })
        );
        assert_eq!(
            parse("a,b\nc", 2),
            Err(CsvParseError::TooManyCells { max: 2, line: 2 })
        );
        assert_eq!(parse("a,b\n", 2).unwrap().len(), 1);
    }
}
