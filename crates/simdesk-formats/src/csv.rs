//! Workbooks (one sheet) and csv text to `.csv`, and `.csv` back to text.
//!
//! A sheet is written by the model's one CSV writer
//! ([`simdesk_model::csv::sheet_csv`], the engine's `.csv` export too): row
//! by row over its extent, numbers in general format so the file reads back
//! as numbers, dates formatted (`yyyy-mm-dd` when they have no format),
//! fields quoted per RFC 4180 (a field holding `,`, `"`, CR or LF is quoted
//! and its quotes doubled; records end in CRLF). Text that a spreadsheet
//! would run as a formula — starting with `=`, `+`, `-`, `@`, tab, CR or
//! NUL — is prefixed with `'` (the formula-injection guard); numbers,
//! including negative ones, are written as they are.
//!
//! A csv [`Text`](simdesk_model::Text) artifact is written byte for byte. A
//! `.csv` file is imported as a csv text artifact (see
//! [`crate::import_text`]): parsing it into a sheet is a data import the
//! engine does as an operation, not something the file format decides.

use crate::{ExportOptions, Format, FormatError};
use simdesk_model::{Artifact, Sheet, TextFormat, Workbook};

pub use simdesk_model::csv::{guard_formula, quote_field, sheet_csv};

/// Writes one sheet as csv ([`simdesk_model::csv::sheet_csv`]).
pub fn export_sheet(sheet: &Sheet) -> String {
    sheet_csv(sheet)
}

/// Writes a one-sheet workbook as csv bytes (UTF-8, no byte-order mark).
pub fn export_csv(book: &Workbook) -> Result<Vec<u8>, FormatError> {
    match book.sheets.as_slice() {
        [sheet] => Ok(export_sheet(sheet).into_bytes()),
        [] => Ok(Vec::new()),
        sheets => Err(FormatError::write(
            Format::Csv,
            format!("csv holds one sheet, the workbook has {}", sheets.len()),
        )),
    }
}

/// Writes a workbook (one sheet) or a csv text as `.csv`.
pub fn export(artifact: &Artifact, _opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    match artifact {
        Artifact::Workbook(w) => export_csv(w),
        Artifact::Text(t) if t.format == TextFormat::Csv => Ok(t.content.as_bytes().to_vec()),
        a => Err(FormatError::Unsupported {
            kind: a.kind(),
            format: Format::Csv,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_and_guard() {
        assert_eq!(quote_field("a,b"), "\"a,b\"");
        assert_eq!(quote_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote_field("plain"), "plain");
        assert_eq!(guard_formula("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(guard_formula("@cmd"), "'@cmd");
        assert_eq!(guard_formula("\tx"), "'\tx");
        assert_eq!(guard_formula("ok"), "ok");
    }
}
