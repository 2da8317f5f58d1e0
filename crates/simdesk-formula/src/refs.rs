//! Reference analysis: which cells, ranges and sheets a formula reads.
//!
//! A small single-pass lexer, not a parser: it finds references, function
//! names and sheet prefixes, checks that brackets balance, and enforces the
//! limits that make a formula safe to hand to the evaluator (length,
//! nesting, operator chains). It never recurses, so hostile text cannot
//! overflow the stack here.

use std::fmt;

use simdesk_model::{CellAddr, CellRange, MAX_COLS, MAX_ROWS, quote_sheet};

use crate::error::FormulaError;

/// Longest formula accepted, in characters (Excel's limit).
pub const MAX_FORMULA_CHARS: usize = 8192;
/// Deepest nesting of parentheses, function calls and array constants
/// (Excel's limit).
pub const MAX_NESTING: usize = 64;
/// Most operators chained along one path of a formula, counting each open
/// nesting level as one. Each is a level of recursion in the evaluator;
/// the limit keeps a debug build within a 2 MiB thread stack with room left.
pub const MAX_CHAIN: usize = 160;

/// The part of a sheet a formula reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    /// One cell (`B4`).
    Cell(CellAddr),
    /// A rectangle (`B4:D9`).
    Range(CellRange),
    /// Whole rows, zero-based and inclusive (`3:5` is `first: 2, last: 4`).
    Rows {
        /// First row.
        first: u32,
        /// Last row.
        last: u32,
    },
    /// Whole columns, zero-based and inclusive (`B:D` is `first: 1, last: 3`).
    Cols {
        /// First column.
        first: u32,
        /// Last column.
        last: u32,
    },
}

impl Area {
    /// The rectangle covered (whole rows and columns span the sheet).
    pub fn range(&self) -> CellRange {
        match *self {
            Area::Cell(a) => CellRange::new(a, a),
            Area::Range(r) => r,
            Area::Rows { first, last } => {
                CellRange::new(CellAddr::new(first, 0), CellAddr::new(last, MAX_COLS - 1))
            }
            Area::Cols { first, last } => {
                CellRange::new(CellAddr::new(0, first), CellAddr::new(MAX_ROWS - 1, last))
            }
        }
    }

    /// True when `addr` lies in the area.
    pub fn contains(&self, addr: CellAddr) -> bool {
        self.range().contains(addr)
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Area::Cell(a) => write!(f, "{a}"),
            Area::Range(r) => write!(f, "{r}"),
            Area::Rows { first, last } => write!(f, "{}:{}", first + 1, last + 1),
            Area::Cols { first, last } => {
                write!(
                    f,
                    "{}:{}",
                    CellAddr::col_name(*first),
                    CellAddr::col_name(*last)
                )
            }
        }
    }
}

/// Something a formula reads: an area of a named sheet.
///
/// The sheet is named as the formula wrote it (unquoted), or the formula's
/// own sheet for unqualified references. Excel matches sheet names without
/// regard to case; so does evaluation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FormulaRef {
    /// Sheet name.
    pub sheet: String,
    /// What of the sheet.
    pub area: Area,
}

impl fmt::Display for FormulaRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}!{}", quote_sheet(&self.sheet), self.area)
    }
}

/// Everything the lexer learned about a formula.
#[derive(Debug, Clone, Default)]
pub(crate) struct Analysis {
    /// References, in the order written.
    pub refs: Vec<FormulaRef>,
    /// Function names called, upper case, `_xlfn.` prefixes removed.
    pub functions: Vec<String>,
    /// Byte spans of sheet prefixes (without the `!`) and their names.
    pub sheet_spans: Vec<(usize, usize, String)>,
}

/// Lists what a formula reads: cells, ranges, whole rows and columns, each
/// with its sheet. `sheet` is the sheet the formula sits on, used for
/// unqualified references. The formula text has no leading `=`.
///
/// Functions that compute references at run time (`INDIRECT`, `OFFSET`)
/// may read more than is listed; the recalculation treats them as reading
/// everything.
///
/// ```
/// use simdesk_formula::{Area, references};
/// let refs = references("SUM('My Sheet'!A1:B3)+Sheet2!C4*D5", "Main").unwrap();
/// let shown: Vec<String> = refs.iter().map(|r| r.to_string()).collect();
/// assert_eq!(shown, ["'My Sheet'!A1:B3", "Sheet2!C4", "Main!D5"]);
/// assert!(matches!(refs[2].area, Area::Cell(_)));
/// ```
pub fn references(formula: &str, sheet: &str) -> Result<Vec<FormulaRef>, FormulaError> {
    analyze(formula, sheet).map(|a| a.refs)
}

/// Rewrites the sheet prefixes of a formula after sheet `old` was renamed
/// to `new` (matched without regard to case, quoted as needed).
///
/// ```
/// use simdesk_formula::rename_sheet;
/// let f = rename_sheet("SUM(Data!A1:A3)+'data'!B1+C1", "Data", "Q4 data").unwrap();
/// assert_eq!(f, "SUM('Q4 data'!A1:A3)+'Q4 data'!B1+C1");
/// ```
pub fn rename_sheet(formula: &str, old: &str, new: &str) -> Result<String, FormulaError> {
    let analysis = analyze(formula, "")?;
    let mut out = formula.to_owned();
    for (start, end, name) in analysis.sheet_spans.iter().rev() {
        if same_sheet(name, old) {
            out.replace_range(*start..*end, &quote_sheet(new));
        }
    }
    Ok(out)
}

/// Excel compares sheet names without regard to case.
pub(crate) fn same_sheet(a: &str, b: &str) -> bool {
    a == b || a.to_lowercase() == b.to_lowercase()
}

const ERROR_LITERALS: &[&str] = &[
    "#NULL!",
    "#DIV/0!",
    "#VALUE!",
    "#REF!",
    "#NAME?",
    "#NUM!",
    "#N/A",
    "#GETTING_DATA",
    "#SPILL!",
    "#CALC!",
    "#CIRC!",
];

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'$' | b'\\') || b >= 0x80
}

/// One side of a reference: a cell, a column or a row.
#[derive(Clone, Copy)]
enum Part {
    Cell(CellAddr),
    Col(u32),
    Row(u32),
}

fn part(w: &str) -> Option<Part> {
    let t = w.strip_prefix('$').unwrap_or(w);
    if t.is_empty() {
        return None;
    }
    if t.bytes().all(|b| b.is_ascii_digit()) {
        if t.len() > 7 {
            return None;
        }
        let row: u32 = t.parse().ok()?;
        return (1..=MAX_ROWS).contains(&row).then(|| Part::Row(row - 1));
    }
    if t.bytes().all(|b| b.is_ascii_alphabetic()) {
        return CellAddr::parse_col(t).map(Part::Col);
    }
    let letters = t.bytes().take_while(u8::is_ascii_alphabetic).count();
    let rest = &t[letters..];
    let digits = rest.strip_prefix('$').unwrap_or(rest);
    if letters == 0 || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    CellAddr::parse(t).ok().map(Part::Cell)
}

fn join(a: Part, b: Part) -> Option<Area> {
    Some(match (a, b) {
        (Part::Cell(x), Part::Cell(y)) => Area::Range(CellRange::new(x, y)),
        (Part::Col(x), Part::Col(y)) => Area::Cols {
            first: x.min(y),
            last: x.max(y),
        },
        (Part::Row(x), Part::Row(y)) => Area::Rows {
            first: x.min(y),
            last: x.max(y),
        },
        _ => return None,
    })
}

struct Lexer<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    sheet: &'a str,
    /// Operators counted at each open level; `levels[0]` is the top level.
    levels: Vec<usize>,
    /// Closing bracket expected for each open level above the top.
    closers: Vec<u8>,
    /// Operators plus open levels along the current path.
    chain: usize,
    out: Analysis,
}

/// Lexes a formula; see [`references`].
pub(crate) fn analyze(formula: &str, sheet: &str) -> Result<Analysis, FormulaError> {
    if formula.len() > MAX_FORMULA_CHARS {
        let chars = formula.chars().count();
        if chars > MAX_FORMULA_CHARS {
            return Err(FormulaError::TooLong {
                chars,
                max: MAX_FORMULA_CHARS,
            });
        }
    }
    let mut lx = Lexer {
        s: formula,
        b: formula.as_bytes(),
        i: 0,
        sheet,
        levels: vec![0],
        closers: Vec::new(),
        chain: 0,
        out: Analysis::default(),
    };
    lx.run()?;
    Ok(lx.out)
}

impl Lexer<'_> {
    fn syntax(&self, reason: &'static str) -> FormulaError {
        FormulaError::Syntax {
            position: self.i,
            reason,
        }
    }

    fn peek(&self, at: usize) -> Option<u8> {
        self.b.get(at).copied()
    }

    fn run(&mut self) -> Result<(), FormulaError> {
        if self.s.trim().is_empty() {
            return Err(self.syntax("empty formula"));
        }
        while let Some(c) = self.peek(self.i) {
            match c {
                b' ' | b'\t' | b'\n' | b'\r' => self.i += 1,
                b'"' => self.string()?,
                b'#' => self.error_literal()?,
                b'(' | b'{' => self.open(if c == b'(' { b')' } else { b'}' })?,
                b')' | b'}' => self.close(c)?,
                b',' | b';' => {
                    if self.closers.is_empty() {
                        self.operator(1)?;
                    } else {
                        let level = self.levels.last_mut().map(std::mem::take).unwrap_or(0);
                        self.chain -= level;
                        self.i += 1;
                    }
                }
                b'<' | b'>' => {
                    let two = matches!(self.peek(self.i + 1), Some(b'=' | b'>')) && c == b'<'
                        || c == b'>' && self.peek(self.i + 1) == Some(b'=');
                    self.operator(if two { 2 } else { 1 })?;
                }
                b'+' | b'-' | b'*' | b'/' | b'^' | b'&' | b'=' | b'%' | b'@' | b':' => {
                    self.operator(1)?
                }
                b'[' => {
                    return Err(FormulaError::Unsupported {
                        position: self.i,
                        what: "external workbook or table reference",
                    });
                }
                b'\'' => self.quoted_sheet()?,
                b'0'..=b'9' | b'.' => self.number()?,
                _ if is_word_byte(c) => self.word()?,
                _ => return Err(self.syntax("unexpected character")),
            }
        }
        if !self.closers.is_empty() {
            return Err(self.syntax("unclosed parenthesis or brace"));
        }
        Ok(())
    }

    fn operator(&mut self, len: usize) -> Result<(), FormulaError> {
        if let Some(level) = self.levels.last_mut() {
            *level += 1;
        }
        self.chain += 1;
        if self.chain > MAX_CHAIN {
            return Err(FormulaError::TooComplex {
                position: self.i,
                max: MAX_CHAIN,
            });
        }
        self.i += len;
        Ok(())
    }

    fn open(&mut self, closer: u8) -> Result<(), FormulaError> {
        if self.closers.len() >= MAX_NESTING {
            return Err(FormulaError::TooDeep {
                position: self.i,
                max: MAX_NESTING,
            });
        }
        self.closers.push(closer);
        self.levels.push(0);
        self.chain += 1;
        if self.chain > MAX_CHAIN {
            return Err(FormulaError::TooComplex {
                position: self.i,
                max: MAX_CHAIN,
            });
        }
        self.i += 1;
        Ok(())
    }

    fn close(&mut self, c: u8) -> Result<(), FormulaError> {
        if self.closers.pop() != Some(c) {
            return Err(self.syntax("unbalanced parenthesis or brace"));
        }
        let level = self.levels.pop().unwrap_or(0);
        self.chain -= level + 1;
        self.i += 1;
        Ok(())
    }

    fn string(&mut self) -> Result<(), FormulaError> {
        let mut j = self.i + 1;
        loop {
            match self.peek(j) {
                None => return Err(self.syntax("unterminated string")),
                Some(b'"') if self.peek(j + 1) == Some(b'"') => j += 2,
                Some(b'"') => break,
                Some(_) => j += 1,
            }
        }
        self.i = j + 1;
        Ok(())
    }

    fn error_literal(&mut self) -> Result<(), FormulaError> {
        let rest = &self.b[self.i..];
        for lit in ERROR_LITERALS {
            if rest.len() >= lit.len() && rest[..lit.len()].eq_ignore_ascii_case(lit.as_bytes()) {
                self.i += lit.len();
                return Ok(());
            }
        }
        Err(self.syntax("unknown error value"))
    }

    fn word_end(&self, from: usize) -> usize {
        let mut j = from;
        while self.peek(j).is_some_and(is_word_byte) {
            j += 1;
        }
        j
    }

    fn quoted_sheet(&mut self) -> Result<(), FormulaError> {
        let start = self.i;
        let mut j = self.i + 1;
        let mut name = String::new();
        loop {
            match self.peek(j) {
                None => return Err(self.syntax("unterminated quoted sheet name")),
                Some(b'\'') if self.peek(j + 1) == Some(b'\'') => {
                    name.push('\'');
                    j += 2;
                }
                Some(b'\'') => break,
                Some(_) => {
                    let ch = self.s[j..].chars().next().unwrap_or('\u{fffd}');
                    name.push(ch);
                    j += ch.len_utf8();
                }
            }
        }
        let end = j + 1;
        match self.peek(end) {
            Some(b'!') => {}
            Some(b':') => {
                return Err(FormulaError::Unsupported {
                    position: start,
                    what: "reference across several sheets",
                });
            }
            _ => return Err(self.syntax("quoted sheet name not followed by '!'")),
        }
        if name.is_empty() {
            return Err(self.syntax("empty sheet name"));
        }
        self.out.sheet_spans.push((start, end, name.clone()));
        self.i = end + 1;
        self.after_sheet(name)
    }

    /// The reference after `Sheet!`.
    fn after_sheet(&mut self, sheet: String) -> Result<(), FormulaError> {
        if self.peek(self.i) == Some(b'#') {
            return self.error_literal();
        }
        let end = self.word_end(self.i);
        let first = part(&self.s[self.i..end]);
        let (area, next) = match first {
            Some(p) => self.maybe_range(p, end),
            None => (None, end),
        };
        let area = match (area, first) {
            (Some(a), _) => a,
            (None, Some(Part::Cell(c))) => Area::Cell(c),
            _ => return Err(self.syntax("invalid reference after sheet name")),
        };
        self.out.refs.push(FormulaRef { sheet, area });
        self.i = next;
        Ok(())
    }

    /// After a reference part ending at `end`: a `:` and a second part make
    /// a range. Returns the range and where it ends, or `None` and `end`.
    fn maybe_range(&self, first: Part, end: usize) -> (Option<Area>, usize) {
        if self.peek(end) != Some(b':') {
            return (None, end);
        }
        let end2 = self.word_end(end + 1);
        match part(&self.s[end + 1..end2]).and_then(|second| join(first, second)) {
            Some(area) => (Some(area), end2),
            None => (None, end),
        }
    }

    fn number(&mut self) -> Result<(), FormulaError> {
        let start = self.i;
        let mut j = self.i;
        while self
            .peek(j)
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
        {
            j += 1;
        }
        let digits_only = self.b[start..j].iter().all(u8::is_ascii_digit);
        if digits_only
            && self.peek(j) == Some(b':')
            && let Some(first) = part(&self.s[start..j])
            && let (Some(area), next) = self.maybe_range(first, j)
        {
            self.out.refs.push(FormulaRef {
                sheet: self.sheet.to_owned(),
                area,
            });
            self.i = next;
            return Ok(());
        }
        if matches!(self.peek(j), Some(b'e' | b'E')) {
            let mut k = j + 1;
            if matches!(self.peek(k), Some(b'+' | b'-')) {
                k += 1;
            }
            if self.peek(k).is_some_and(|b| b.is_ascii_digit()) {
                while self.peek(k).is_some_and(|b| b.is_ascii_digit()) {
                    k += 1;
                }
                j = k;
            }
        }
        if self
            .peek(j)
            .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        {
            return Err(self.syntax("malformed number"));
        }
        self.i = j;
        Ok(())
    }

    fn word(&mut self) -> Result<(), FormulaError> {
        let start = self.i;
        let end = self.word_end(start);
        let w = &self.s[start..end];
        match self.peek(end) {
            Some(b'!') => {
                if w.contains('$') {
                    return Err(self.syntax("invalid sheet name"));
                }
                self.out.sheet_spans.push((start, end, w.to_owned()));
                self.i = end + 1;
                return self.after_sheet(w.to_owned());
            }
            Some(b'(') => {
                let upper = w.to_ascii_uppercase();
                let name = upper
                    .strip_prefix("_XLFN.")
                    .or_else(|| upper.strip_prefix("_XLWS."))
                    .unwrap_or(&upper)
                    .to_owned();
                self.out.functions.push(name);
                self.i = end;
                return Ok(());
            }
            _ => {}
        }
        let Some(first) = part(w) else {
            // TRUE, FALSE, a defined name or a LET variable: reads no cell.
            if self.peek(end) == Some(b':') {
                let end2 = self.word_end(end + 1);
                if self.peek(end2) == Some(b'!') {
                    return Err(FormulaError::Unsupported {
                        position: start,
                        what: "reference across several sheets",
                    });
                }
            }
            self.i = end;
            return Ok(());
        };
        let (area, next) = self.maybe_range(first, end);
        if self.peek(end) == Some(b':') && self.peek(self.word_end(end + 1)) == Some(b'!') {
            return Err(FormulaError::Unsupported {
                position: start,
                what: "reference across several sheets",
            });
        }
        let area = match (area, first) {
            (Some(a), _) => Some(a),
            (None, Part::Cell(c)) => Some(Area::Cell(c)),
            // A lone column (`A`) or row is a name, not a reference.
            _ => None,
        };
        if let Some(area) = area {
            self.out.refs.push(FormulaRef {
                sheet: self.sheet.to_owned(),
                area,
            });
        }
        self.i = next;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(f: &str) -> Vec<String> {
        references(f, "S")
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn finds_references() {
        assert_eq!(refs("A1+$B$2"), ["S!A1", "S!B2"]);
        assert_eq!(refs("SUM(A1:B3,C:C,2:4)"), ["S!A1:B3", "S!C:C", "S!2:4"]);
        assert_eq!(refs("'It''s'!A1"), ["'It''s'!A1"]);
        assert_eq!(refs("\"A1\"&LOG10(100)&TRUE"), Vec::<String>::new());
        assert_eq!(refs("A1:INDEX(B1:B3,2)"), ["S!A1", "S!B1:B3"]);
        assert_eq!(refs("1.5E+3+A2"), ["S!A2"]);
        assert_eq!(refs("Sheet2!#REF!+1"), Vec::<String>::new());
    }

    #[test]
    fn refuses_bad_text() {
        for bad in [
            "(", ")", "\"abc", "'S!A1", "S!", "1+#FOO", "SUM(1}", "  ", "A1 ` B1",
        ] {
            assert!(
                matches!(analyze(bad, "S"), Err(FormulaError::Syntax { .. })),
                "{bad}"
            );
        }
        assert!(matches!(
            analyze("[1]S!A1", "S"),
            Err(FormulaError::Unsupported { .. })
        ));
        assert!(matches!(
            analyze("S1:S3!A1", "S"),
            Err(FormulaError::Unsupported { .. })
        ));
        assert!(matches!(
            analyze("'a':'b'!A1", "S"),
            Err(FormulaError::Unsupported { .. })
        ));
    }

    #[test]
    fn limits() {
        let deep = format!("{}1{}", "(".repeat(65), ")".repeat(65));
        assert!(matches!(
            analyze(&deep, "S"),
            Err(FormulaError::TooDeep { .. })
        ));
        let ok = format!("{}1{}", "(".repeat(64), ")".repeat(64));
        assert!(analyze(&ok, "S").is_ok());
        let chain = format!("1{}", "+1".repeat(MAX_CHAIN + 1));
        assert!(matches!(
            analyze(&chain, "S"),
            Err(FormulaError::TooComplex { .. })
        ));
        let args = format!("SUM({})", vec!["1+1"; 300].join(","));
        assert!(analyze(&args, "S").is_ok());
        let long = "1".repeat(MAX_FORMULA_CHARS + 1);
        assert!(matches!(
            analyze(&long, "S"),
            Err(FormulaError::TooLong { .. })
        ));
    }
}
