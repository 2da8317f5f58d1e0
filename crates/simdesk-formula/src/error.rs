//! Why a formula text was refused before evaluation.

/// A formula that could not be analysed: too big, too deep, malformed, or
/// using a form this crate does not evaluate.
///
/// Evaluation turns each of these into an error value in the cell and a
/// [`Diagnostic`](simdesk_model::Diagnostic) beside the result; see
/// [`FormulaError::cell_error`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormulaError {
    /// The formula is longer than [`MAX_FORMULA_CHARS`](crate::MAX_FORMULA_CHARS).
    #[error("formula of {chars} characters is longer than the limit of {max}")]
    TooLong {
        /// Characters in the formula.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// Parentheses, function calls or array constants nest deeper than
    /// [`MAX_NESTING`](crate::MAX_NESTING).
    #[error("formula nests deeper than {max} levels at byte {position}")]
    TooDeep {
        /// Byte offset of the opening that went over the limit.
        position: usize,
        /// The limit.
        max: usize,
    },
    /// A chain of operators is too long to evaluate safely (each operator
    /// is one level of recursion in the evaluator).
    #[error(
        "formula is too complex at byte {position}: more than {max} chained operators and nesting levels"
    )]
    TooComplex {
        /// Byte offset of the operator that went over the limit.
        position: usize,
        /// The limit.
        max: usize,
    },
    /// The text is not a well-formed formula.
    #[error("formula syntax error at byte {position}: {reason}")]
    Syntax {
        /// Byte offset of the problem.
        position: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// A well-formed construct this crate does not evaluate (references to
    /// other workbooks, structured table references, 3D references).
    #[error("unsupported {what} at byte {position}")]
    Unsupported {
        /// Byte offset of the construct.
        position: usize,
        /// What it is.
        what: &'static str,
    },
    /// A function whose result is not a function of the workbook and the
    /// clock (`RAND`), which would break determinism.
    #[error("function {name} is not deterministic and is not supported")]
    NonDeterministic {
        /// The function name, upper case.
        name: String,
    },
}

impl FormulaError {
    /// The error value a cell holding such a formula shows: `#VALUE!` for
    /// exceeded limits, `#REF!` for unsupported references, `#NAME?` for
    /// text that is not understood (syntax, non-deterministic functions).
    pub fn cell_error(&self) -> simdesk_model::CellError {
        use simdesk_model::CellError;
        match self {
            FormulaError::TooLong { .. }
            | FormulaError::TooDeep { .. }
            | FormulaError::TooComplex { .. } => CellError::Value,
            FormulaError::Unsupported { .. } => CellError::Ref,
            FormulaError::Syntax { .. } | FormulaError::NonDeterministic { .. } => CellError::Name,
        }
    }

    /// True for an exceeded limit (reported with
    /// [`Code::LimitExceeded`](simdesk_model::Code::LimitExceeded)).
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            FormulaError::TooLong { .. }
                | FormulaError::TooDeep { .. }
                | FormulaError::TooComplex { .. }
        )
    }
}
