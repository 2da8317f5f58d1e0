//! Formulas as ironcalc stored them, kept between evaluation models.
//!
//! Every evaluation builds a fresh ironcalc model, and putting a formula in
//! one means parsing it and turning the parse into R1C1 text to share it
//! with the sheet's equal formulas; for a generated world that is most of
//! a full recalculation, though its workbooks repeat the same formulas in
//! the same cells over and over. ironcalc's parse is a function of the
//! formula text, the cell and the model's sheet names (models here have no
//! defined names or tables, and always the English locale), so what it
//! made of a formula once can be put into the next model directly: the
//! same shared-formula entry, the same parsed node, the same kind of cell.
//! [`set_formula`] does that, and asks ironcalc (and remembers the answer)
//! whenever it has not seen the formula before or the model is not in a
//! state it knows how to follow.
//!
//! The memory is per thread (as ironcalc's mock clock is) and bounded.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use ironcalc_base::Model;
use ironcalc_base::expressions::parser::Node;
use ironcalc_base::expressions::parser::static_analysis::StaticResult;
use ironcalc_base::types::{ArrayKind, Cell as IcCell};

/// Most formulas remembered per thread; past it the memory starts over.
const MAX_REMEMBERED: usize = 200_000;
/// Most sheet-name lists remembered per thread.
const MAX_BOOKS: usize = 10_000;

/// How ironcalc stored one formula (text with `=`) in one cell.
struct Stored {
    /// Its R1C1 text, under which the sheet shares it.
    rc: String,
    /// Stored as a one-cell dynamic-array formula rather than a plain one.
    dynamic: bool,
    /// The parse ironcalc kept, when this formula was the first of its R1C1
    /// text in its sheet (later ones reuse that entry and drop their parse).
    parse: Option<(Arc<Node>, StaticResult)>,
}

/// Where a formula was stored: the model's sheet names (numbered), the
/// sheet, the row and the column.
type At = (u64, u32, i32, i32);

#[derive(Default)]
struct Memory {
    /// Sheet-name lists of models, numbered. Numbers are never reused, so a
    /// model still open when the memory starts over cannot add formulas
    /// under the number of another list.
    books: BTreeMap<Vec<String>, u64>,
    next_book: u64,
    /// Formula text → (sheet names, sheet, row, column) → how it was stored.
    formulas: BTreeMap<String, BTreeMap<At, Stored>>,
    len: usize,
}

thread_local! {
    static MEMORY: RefCell<Memory> = RefCell::new(Memory::default());
}

fn copy_static(r: &StaticResult) -> StaticResult {
    match r {
        StaticResult::Scalar => StaticResult::Scalar,
        StaticResult::Array(a, b) => StaticResult::Array(*a, *b),
        StaticResult::Range(a, b) => StaticResult::Range(*a, *b),
        StaticResult::Unknown => StaticResult::Unknown,
    }
}

/// What one model's sheets share so far, followed alongside ironcalc.
#[derive(Default)]
pub(crate) struct Shared {
    /// The model's sheet names, numbered in [`Memory::books`].
    book: u64,
    /// Per sheet, how many shared formulas are accounted for below.
    known: Vec<usize>,
    /// Per sheet, R1C1 text → shared formula index.
    index: Vec<BTreeMap<String, i32>>,
}

impl Shared {
    /// Follows a new model (no formulas yet) with these sheets.
    pub(crate) fn new(model: &Model<'_>) -> Shared {
        let names = model.workbook.get_worksheet_names();
        let sheets = names.len();
        let book = MEMORY.with(|m| {
            let mut m = m.borrow_mut();
            if let Some(n) = m.books.get(&names) {
                return *n;
            }
            if m.books.len() >= MAX_BOOKS {
                m.books.clear();
                m.formulas.clear();
                m.len = 0;
            }
            let n = m.next_book;
            m.next_book += 1;
            m.books.insert(names, n);
            n
        });
        Shared {
            book,
            known: vec![0; sheets],
            index: vec![BTreeMap::new(); sheets],
        }
    }

    /// Takes in shared formulas ironcalc added itself.
    fn sync(&mut self, model: &Model<'_>, sheet: u32) {
        let s = sheet as usize;
        let (Ok(ws), Some(known), Some(index)) = (
            model.workbook.worksheet(sheet),
            self.known.get_mut(s),
            self.index.get_mut(s),
        ) else {
            return;
        };
        for (i, rc) in ws.shared_formulas.iter().enumerate().skip(*known) {
            index.entry(rc.clone()).or_insert(i as i32);
        }
        *known = ws.shared_formulas.len();
    }
}

/// Puts a formula (`text` starts with `=`) in a cell, as
/// `update_cell_with_formula` does: from memory when this formula was
/// stored in this cell of a model with these sheet names before, else by
/// ironcalc (and remembered).
pub(crate) fn set_formula(
    model: &mut Model<'_>,
    shared: &mut Shared,
    sheet: u32,
    row: i32,
    column: i32,
    text: &str,
) -> Result<(), String> {
    let at: At = (shared.book, sheet, row, column);
    let done = MEMORY.with(|m| {
        let m = m.borrow();
        m.formulas
            .get(text)
            .and_then(|cells| cells.get(&at))
            .is_some_and(|stored| put(model, shared, sheet, row, column, stored))
    });
    if done {
        return Ok(());
    }
    let before = model
        .workbook
        .worksheet(sheet)
        .map_or(0, |ws| ws.shared_formulas.len());
    model.update_cell_with_formula(sheet, row, column, text.to_owned())?;
    shared.sync(model, sheet);
    if let Some(stored) = stored_as(model, sheet, row, column, before) {
        MEMORY.with(|m| {
            let mut m = m.borrow_mut();
            if m.len >= MAX_REMEMBERED {
                m.formulas.clear();
                m.len = 0;
            }
            let cells = m.formulas.entry(text.to_owned()).or_default();
            if cells.insert(at, stored).is_none() {
                m.len += 1;
            }
        });
    }
    Ok(())
}

/// Stores a remembered formula the way ironcalc did; false (and nothing
/// changed) when the model is not in a state where that is certain.
fn put(
    model: &mut Model<'_>,
    shared: &mut Shared,
    sheet: u32,
    row: i32,
    column: i32,
    stored: &Stored,
) -> bool {
    // ironcalc keeps the cell's style; remembered formulas were stored
    // with the default one.
    if model.get_cell_style_index(sheet, row, column) != Ok(0) {
        return false;
    }
    let s = sheet as usize;
    let Some(&known) = shared.known.get(s) else {
        return false;
    };
    let Ok(ws) = model.workbook.worksheet(sheet) else {
        return false;
    };
    if ws.shared_formulas.len() != known
        || model.parsed_formulas.get(s).map(Vec::len) != Some(known)
    {
        return false;
    }
    let index = match shared.index.get(s).and_then(|m| m.get(stored.rc.as_str())) {
        Some(i) => *i,
        None => {
            // A new shared formula: only with the parse ironcalc kept.
            let Some((node, result)) = &stored.parse else {
                return false;
            };
            let (Ok(ws), Some(parsed)) = (
                model.workbook.worksheet_mut(sheet),
                model.parsed_formulas.get_mut(s),
            ) else {
                return false;
            };
            let i = known as i32;
            ws.shared_formulas.push(stored.rc.clone());
            parsed.push((node.clone(), copy_static(result)));
            if let Some(m) = shared.index.get_mut(s) {
                m.insert(stored.rc.clone(), i);
            }
            shared.known[s] = known + 1;
            i
        }
    };
    let Ok(ws) = model.workbook.worksheet_mut(sheet) else {
        return false;
    };
    let set = if stored.dynamic {
        ws.set_cell_with_dynamic_formula(row, column, index, 0, 1, 1)
    } else {
        ws.set_cell_with_formula(row, column, index, 0)
    };
    set.is_ok()
}

/// How ironcalc just stored a formula in a cell, if it is a kind of
/// storing [`put`] can repeat. `before`: the sheet's number of shared
/// formulas before.
fn stored_as(
    model: &Model<'_>,
    sheet: u32,
    row: i32,
    column: i32,
    before: usize,
) -> Option<Stored> {
    let ws = model.workbook.worksheet(sheet).ok()?;
    let (f, dynamic) = match ws.cell(row, column)?.as_ref() {
        IcCell::CellFormula { f, s: 0, .. } => (*f, false),
        IcCell::ArrayFormula {
            f,
            s: 0,
            r: (1, 1),
            kind: ArrayKind::Dynamic,
            ..
        } => (*f, true),
        _ => return None,
    };
    let i = usize::try_from(f).ok()?;
    let rc = ws.shared_formulas.get(i)?.clone();
    let parse = if i >= before {
        let (node, result) = model.parsed_formulas.get(sheet as usize)?.get(i)?;
        Some((node.clone(), copy_static(result)))
    } else {
        None
    };
    Some(Stored { rc, dynamic, parse })
}
