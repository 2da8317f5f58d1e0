//! Workbooks to `.xlsx` (rust_xlsxwriter) and `.xlsx`/`.xlsm`/`.xls`/`.ods`
//! back to workbooks (calamine, behind the zip guard and a sheet scan).
//!
//! # Export
//!
//! Values, formulas with their computed results written as the cached value
//! (readers that do not recalculate — LibreOffice on load, openpyxl,
//! calamine — see the engine's numbers), number formats (a
//! [`CellValue::Date`](simdesk_model::CellValue::Date) without one gets
//! `yyyy-mm-dd`), bold, column widths
//! ([`Sheet::col_widths`](simdesk_model::Sheet::col_widths) where given,
//! else fitted to the formatted content) and a frozen header row. A date is
//! always shown as a date: a
//! [`CellValue::Date`](simdesk_model::CellValue::Date) whose format is
//! `General` gets `yyyy-mm-dd` too.
//!
//! Every sheet is set up to print (`write.rs`): on the paper of
//! [`ExportOptions::paper`](crate::ExportOptions::paper), landscape when
//! its columns are wider than a portrait page holds, scaled to one page
//! wide, its header row repeated on every page (the `_xlnm.Print_Titles`
//! name, which the importer does not count as an unmodelled defined name),
//! centred, the sheet name as page header and `Page n of N` as footer.
//!
//! Creation time and author come from
//! [`ExportOptions`](crate::ExportOptions); rust_xlsxwriter stamps zip
//! entries with the fixed 1980-01-01 DOS time, so two exports of the same
//! workbook are byte-identical.
//!
//! # Import
//!
//! The package goes through `zipguard` first (every entry inflated once
//! within the limits, DTDs refused). Then each worksheet's XML is scanned
//! with quick-xml before calamine sees it: the declared `<dimension>` and
//! the real cell coordinates must fit `max_rows`, `max_cols` and
//! `max_cells` (calamine allocates the whole rectangle between the first
//! and last cell), element nesting must fit `max_xml_depth`, and the
//! shared-string table's declared count must be plausible for its size
//! (calamine reserves it up front). The same scan recovers what calamine
//! does not report: each cell's number format and bold font, and the frozen
//! header row. `.xls` files get only the input size limit (no zip, no XML);
//! `.ods` content is scanned for its repeated-row/column extent.
//!
//! # Round-trip exceptions
//!
//! `export → import` gives the same workbook except for:
//!
//! - [`Sheet::col_widths`](simdesk_model::Sheet::col_widths): written,
//!   never read back (an import cannot tell fitted widths from chosen ones)
//!   — imported sheets have none;
//! - [`Cell::link`](simdesk_model::Cell::link): not representable in xlsx;
//!   the cell's value is written;
//! - a [`CellValue::Date`](simdesk_model::CellValue::Date) without a format
//!   comes back with `yyyy-mm-dd`, a number with a date format comes back
//!   as a date, the format `General` comes back as none (a date's as
//!   `yyyy-mm-dd`);
//! - [`CellError::Circ`](simdesk_model::CellError::Circ) is written (and
//!   read back) as `#REF!`;
//! - a value-only error cell is written as the formula `=#N/A` (etc.) and
//!   the importer folds that back into a plain error value;
//! - a formula's text result stays text (`TEXT(2.5,"0")` is the text `3`,
//!   written with `t="str"`); an empty (or empty-text) result is cached as
//!   `0` (rust_xlsxwriter writes no empty cached value) and comes back as
//!   the number 0;
//! - empty cells without a format, bold or formula are not written;
//!   non-finite numbers are written as `#NUM!`;
//! - a workbook without sheets is written with one empty `Sheet1`.

mod read;
mod write;

pub use read::{import, import_ods, import_xls, import_xlsx};
pub use write::{export, export_xlsx};

/// The number format given to a date cell that has none.
pub const DEFAULT_DATE_FORMAT: &str = "yyyy-mm-dd";
