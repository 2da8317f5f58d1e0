//! The bridge to ironcalc: a model built from our cells, evaluated, read back.
//!
//! Nothing outside this module sees an ironcalc type. A model holds the
//! workbook's sheets (same names, same order) and whichever cells the caller
//! puts in: all of them for a full recalculation, or only what a few dirty
//! formulas read for an incremental one.

use ironcalc_base::Model;
use ironcalc_base::expressions::token::Error as IcError;
use ironcalc_base::types::{Cell as IcCell, FormulaValue};
use simdesk_model::{CellAddr, CellError, CellValue, SimTime};

use crate::parsed::{self, Shared};

/// An evaluation model.
pub(crate) struct Evaluator {
    model: Model<'static>,
    /// The model's shared formulas, followed to store formulas from memory.
    shared: Shared,
}

/// The value a formula produced, and ironcalc's explanation for an error
/// value that started in this cell.
pub(crate) struct Outcome {
    pub value: CellValue,
    /// For an error: ironcalc's message, when the error originated here.
    pub message: Option<String>,
}

fn ic_error(e: CellError) -> IcError {
    match e {
        CellError::Div0 => IcError::DIV,
        CellError::Ref => IcError::REF,
        CellError::Name => IcError::NAME,
        CellError::Value => IcError::VALUE,
        CellError::Na => IcError::NA,
        CellError::Num => IcError::NUM,
        CellError::Null => IcError::NULL,
        CellError::Circ => IcError::CIRC,
    }
}

/// Maps an ironcalc error to ours. ironcalc's own kinds have no Excel
/// counterpart: `#ERROR!` (unparsable) and `#N/IMPL!` become `#NAME?` (text
/// not understood), `#SPILL!` and `#CALC!` become `#VALUE!`.
fn our_error(e: &IcError) -> CellError {
    match e {
        IcError::REF => CellError::Ref,
        IcError::NAME | IcError::ERROR | IcError::NIMPL => CellError::Name,
        IcError::VALUE | IcError::SPILL | IcError::CALC => CellError::Value,
        IcError::DIV => CellError::Div0,
        IcError::NA => CellError::Na,
        IcError::NUM => CellError::Num,
        IcError::CIRC => CellError::Circ,
        IcError::NULL => CellError::Null,
    }
}

fn row(a: CellAddr) -> i32 {
    a.row as i32 + 1
}

fn col(a: CellAddr) -> i32 {
    a.col as i32 + 1
}

impl Evaluator {
    /// An empty model with these sheets, whose clock reads `now`.
    ///
    /// ironcalc is built with its `mock_time` feature: its clock is a
    /// thread-local that we set here, so TODAY() and NOW() read the world's
    /// simulated time (in UTC) and never the machine's.
    pub(crate) fn new(sheets: &[String], now: SimTime) -> Evaluator {
        ironcalc_base::mock_time::set_mock_time(now.secs().saturating_mul(1000));
        // Cannot fail: the name, locale, timezone and language are constants.
        #[allow(clippy::expect_used)]
        let mut model = Model::new_empty("workbook", "en", "UTC", "en").expect("valid constants");
        for (i, name) in sheets.iter().enumerate() {
            let done = if i == 0 {
                model.rename_sheet_by_index(0, name)
            } else {
                model.add_sheet(name)
            };
            if done.is_err() {
                // A name ironcalc refuses (a duplicate by case): keep the
                // sheet positions aligned with a placeholder; formulas that
                // name it get #REF! from the evaluator.
                let _ = model.add_sheet(&format!("__simdesk_unusable_{i}"));
            }
        }
        let shared = Shared::new(&model);
        Evaluator { model, shared }
    }

    /// Sets a constant.
    pub(crate) fn set_value(&mut self, sheet: usize, a: CellAddr, v: &CellValue) {
        let (s, r, c) = (sheet as u32, row(a), col(a));
        let _ = match v {
            // Models start empty and cells are only ever added to them.
            CellValue::Empty => Ok(()),
            CellValue::Number(n) | CellValue::Date(n) => {
                self.model.update_cell_with_number(s, r, c, *n)
            }
            CellValue::Text(t) => self.model.update_cell_with_text(s, r, c, t),
            CellValue::Bool(b) => self.model.update_cell_with_bool(s, r, c, *b),
            CellValue::Error(e) => match self.model.workbook.worksheet_mut(s) {
                Ok(ws) => ws.set_cell_with_error(r, c, ic_error(*e), 0),
                Err(e) => Err(e),
            },
        };
    }

    /// Sets a formula (text without `=`).
    ///
    /// Our cells hold one value each and nothing spills. A formula whose
    /// result could be an array is evaluated with implicit intersection,
    /// `@(…)`, as Excel without dynamic arrays evaluates it (and as Excel
    /// reads a formula not marked as a dynamic array in a file): a range
    /// gives the cell in the formula's row or column, or #VALUE!, and a
    /// computed array gives its first element. Should the result still be
    /// an array, the cell gets #VALUE!.
    pub(crate) fn set_formula(&mut self, sheet: usize, a: CellAddr, formula: &str) {
        let (s, r, c) = (sheet as u32, row(a), col(a));
        let formula = crate::halves::round_halves(formula);
        if !self.try_formula(s, r, c, &format!("={formula}")) {
            let scalar = self.try_formula(s, r, c, &format!("=@({formula})"));
            if !scalar {
                self.set_value(sheet, a, &CellValue::Error(CellError::Value));
            }
        }
    }

    /// Sets a formula; false when ironcalc made it an array formula.
    fn try_formula(&mut self, s: u32, r: i32, c: i32, text: &str) -> bool {
        if parsed::set_formula(&mut self.model, &mut self.shared, s, r, c, text).is_err() {
            return true;
        }
        let array = match self
            .model
            .workbook
            .worksheet(s)
            .ok()
            .and_then(|ws| ws.cell(r, c))
        {
            Some(cell) => matches!(cell.as_ref(), IcCell::ArrayFormula { .. }),
            None => false,
        };
        !array
    }

    /// Evaluates every formula in the model.
    pub(crate) fn evaluate(&mut self) {
        self.model.evaluate();
    }

    /// The result of the formula at `a`; `date` stores numbers as dates.
    pub(crate) fn outcome(&self, sheet: usize, a: CellAddr, date: bool) -> Outcome {
        let here = |o: &str| o.is_empty() || o.rsplit('!').next() == Some(&a.to_string());
        let cell = self
            .model
            .workbook
            .worksheet(sheet as u32)
            .ok()
            .and_then(|ws| ws.cell(row(a), col(a)));
        let v = match cell.as_deref() {
            Some(IcCell::CellFormula { v, .. } | IcCell::ArrayFormula { v, .. }) => v.clone(),
            _ => FormulaValue::Unevaluated,
        };
        let (value, message) = match v {
            FormulaValue::Number(n) if date => (CellValue::Date(n), None),
            FormulaValue::Number(n) => (CellValue::Number(n), None),
            FormulaValue::Boolean(b) => (CellValue::Bool(b), None),
            FormulaValue::Text(t) => (CellValue::Text(t), None),
            FormulaValue::Error { ei, d } => {
                let message = (here(&d.o) && !d.m.is_empty()).then(|| d.m.clone());
                (CellValue::Error(our_error(&ei)), message)
            }
            FormulaValue::Unevaluated => (
                CellValue::Error(CellError::Name),
                Some("the formula could not be evaluated".to_owned()),
            ),
        };
        Outcome { value, message }
    }
}
