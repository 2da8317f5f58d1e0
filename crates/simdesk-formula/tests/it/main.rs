//! The crate's one integration-test binary: a module per area.

mod formulas;
mod hostile;
mod recalc;

use simdesk_formula::EvalContext;
use simdesk_model::{Cell, CellAddr, CellValue, Sheet, SimTime, Workbook};

/// A1-style address.
pub fn a(s: &str) -> CellAddr {
    s.parse().unwrap()
}

/// The clock of every test: 2026-01-05T09:00:00Z (serial 46027.375).
pub fn ctx() -> EvalContext {
    EvalContext {
        now: SimTime::parse("2026-01-05T09:00:00Z").unwrap(),
    }
}

/// A workbook from `(sheet, [(cell, content)])`; content starting with `=`
/// is a formula, otherwise a number if it parses, else text.
pub fn book(sheets: &[(&str, &[(&str, &str)])]) -> Workbook {
    let sheets = sheets
        .iter()
        .map(|(name, cells)| {
            let mut s = Sheet::new(name);
            for (addr, content) in *cells {
                let cell = if let Some(f) = content.strip_prefix('=') {
                    Cell::formula(f)
                } else if let Ok(n) = content.parse::<f64>() {
                    Cell::value(n)
                } else {
                    Cell::value(*content)
                };
                s.cells.insert(a(addr), cell);
            }
            s
        })
        .collect();
    Workbook { sheets }
}

/// The value at `Sheet!A1`.
pub fn value<'w>(wb: &'w Workbook, sheet: &str, addr: &str) -> &'w CellValue {
    wb.sheet(sheet).unwrap().value(a(addr))
}
