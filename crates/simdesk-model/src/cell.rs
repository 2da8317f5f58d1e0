//! Cell addresses (`B4`), cell values and Excel error values.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Largest row count of an xlsx sheet (1-based last row is 1,048,576).
pub const MAX_ROWS: u32 = 1_048_576;
/// Largest column count of an xlsx sheet (last column is `XFD`).
pub const MAX_COLS: u32 = 16_384;

/// A zero-based cell position; printed and serialised in A1 form (`B4`).
///
/// Ordering is row-major, so a sheet's `BTreeMap<CellAddr, Cell>` iterates
/// row by row, left to right.
///
/// ```
/// use simdesk_model::CellAddr;
/// let a: CellAddr = "B4".parse().unwrap();
/// assert_eq!((a.row, a.col), (3, 1));
/// assert_eq!(a.to_string(), "B4");
/// assert_eq!(CellAddr::new(0, 16_383).to_string(), "XFD1");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CellAddr {
    /// Zero-based row (row 1 is 0).
    pub row: u32,
    /// Zero-based column (column A is 0).
    pub col: u32,
}

/// A cell address that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cell address {input:?}: {reason}")]
pub struct CellAddrError {
    /// The text given.
    pub input: String,
    /// What was wrong.
    pub reason: &'static str,
}

impl CellAddr {
    /// Makes an address from zero-based row and column.
    pub const fn new(row: u32, col: u32) -> Self {
        CellAddr { row, col }
    }

    /// Column letters for a zero-based column (`0` → `A`, `27` → `AB`).
    pub fn col_name(col: u32) -> String {
        let mut n = col + 1;
        let mut out = Vec::new();
        while n > 0 {
            let rem = (n - 1) % 26;
            out.push(b'A' + rem as u8);
            n = (n - 1) / 26;
        }
        out.reverse();
        String::from_utf8(out).unwrap_or_default()
    }

    /// Parses column letters (`A` → 0). Accepts up to `XFD`.
    pub fn parse_col(letters: &str) -> Option<u32> {
        if letters.is_empty() || letters.len() > 3 {
            return None;
        }
        let mut n: u32 = 0;
        for b in letters.bytes() {
            let b = b.to_ascii_uppercase();
            if !b.is_ascii_uppercase() {
                return None;
            }
            n = n * 26 + u32::from(b - b'A' + 1);
        }
        (1..=MAX_COLS).contains(&n).then(|| n - 1)
    }

    /// Parses `B4`, `$B$4` or `b4`.
    pub fn parse(s: &str) -> Result<CellAddr, CellAddrError> {
        let err = |reason| CellAddrError {
            input: s.chars().take(40).collect(),
            reason,
        };
        let t = s.trim_start_matches('$');
        let split = t
            .find(|c: char| !c.is_ascii_alphabetic())
            .ok_or_else(|| err("missing row number"))?;
        let (letters, rest) = t.split_at(split);
        let digits = rest.strip_prefix('$').unwrap_or(rest);
        let col = CellAddr::parse_col(letters).ok_or_else(|| err("column out of range A..XFD"))?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) || digits.len() > 7 {
            return Err(err("row must be a number"));
        }
        let row: u32 = digits.parse().map_err(|_| err("row must be a number"))?;
        if row == 0 || row > MAX_ROWS {
            return Err(err("row out of range 1..1048576"));
        }
        Ok(CellAddr { row: row - 1, col })
    }
}

impl fmt::Display for CellAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", CellAddr::col_name(self.col), self.row + 1)
    }
}

impl fmt::Debug for CellAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl std::str::FromStr for CellAddr {
    type Err = CellAddrError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CellAddr::parse(s)
    }
}

impl Serialize for CellAddr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for CellAddr {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        CellAddr::parse(&s).map_err(serde::de::Error::custom)
    }
}

string_schema!(CellAddr, "CellAddr", {
    "description": "A cell address in A1 form, column letters then a 1-based row (A1 to XFD1048576).",
    "pattern": "^[A-Za-z]{1,3}[0-9]{1,7}$"
});

/// A rectangular range of cells, inclusive (`B4:D9`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub struct CellRange {
    /// Top-left corner.
    pub start: CellAddr,
    /// Bottom-right corner.
    pub end: CellAddr,
}

impl CellRange {
    /// Makes a range from two corners in any order.
    pub fn new(a: CellAddr, b: CellAddr) -> Self {
        CellRange {
            start: CellAddr::new(a.row.min(b.row), a.col.min(b.col)),
            end: CellAddr::new(a.row.max(b.row), a.col.max(b.col)),
        }
    }

    /// Number of cells in the range.
    pub fn len(&self) -> u64 {
        u64::from(self.end.row - self.start.row + 1) * u64::from(self.end.col - self.start.col + 1)
    }

    /// Never true: a range holds at least one cell.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// True when `addr` lies inside the range.
    pub fn contains(&self, addr: CellAddr) -> bool {
        (self.start.row..=self.end.row).contains(&addr.row)
            && (self.start.col..=self.end.col).contains(&addr.col)
    }

    /// Every address in row-major order.
    pub fn cells(&self) -> impl Iterator<Item = CellAddr> + '_ {
        (self.start.row..=self.end.row)
            .flat_map(move |r| (self.start.col..=self.end.col).map(move |c| CellAddr::new(r, c)))
    }
}

impl fmt::Display for CellRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.start, self.end)
    }
}

/// An Excel error value.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
pub enum CellError {
    /// `#DIV/0!`
    #[serde(rename = "#DIV/0!")]
    Div0,
    /// `#REF!`
    #[serde(rename = "#REF!")]
    Ref,
    /// `#NAME?`
    #[serde(rename = "#NAME?")]
    Name,
    /// `#VALUE!`
    #[serde(rename = "#VALUE!")]
    Value,
    /// `#N/A`
    #[serde(rename = "#N/A")]
    Na,
    /// `#NUM!`
    #[serde(rename = "#NUM!")]
    Num,
    /// `#NULL!`
    #[serde(rename = "#NULL!")]
    Null,
    /// A circular reference (shown as `#CIRC!` by some tools, written as `#REF!`
    /// to formats that do not know it).
    #[serde(rename = "#CIRC!")]
    Circ,
}

impl CellError {
    /// The text Excel shows for the error.
    pub fn as_str(self) -> &'static str {
        match self {
            CellError::Div0 => "#DIV/0!",
            CellError::Ref => "#REF!",
            CellError::Name => "#NAME?",
            CellError::Value => "#VALUE!",
            CellError::Na => "#N/A",
            CellError::Num => "#NUM!",
            CellError::Null => "#NULL!",
            CellError::Circ => "#CIRC!",
        }
    }

    /// Parses the text of an error value.
    pub fn parse(s: &str) -> Option<CellError> {
        Some(match s {
            "#DIV/0!" => CellError::Div0,
            "#REF!" => CellError::Ref,
            "#NAME?" => CellError::Name,
            "#VALUE!" => CellError::Value,
            "#N/A" => CellError::Na,
            "#NUM!" => CellError::Num,
            "#NULL!" => CellError::Null,
            "#CIRC!" => CellError::Circ,
            _ => return None,
        })
    }
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The value a cell holds (for a formula cell: its last computed result).
///
/// JSON: `{"number": 1.5}`, `{"text": "Cash"}`, `{"bool": true}`,
/// `{"date": 46023.0}` (Excel serial day, 1899-12-30 = 0), `{"error": "#N/A"}`,
/// `"empty"`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CellValue {
    /// No value.
    #[default]
    Empty,
    /// A number (IEEE double, as Excel).
    Number(f64),
    /// A string.
    Text(String),
    /// TRUE or FALSE.
    Bool(bool),
    /// A date or date-time as an Excel serial day number.
    Date(f64),
    /// An error value.
    Error(CellError),
}

impl CellValue {
    /// The numeric value, if the cell holds a number or a date.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            CellValue::Number(n) | CellValue::Date(n) => Some(*n),
            _ => None,
        }
    }

    /// True for [`CellValue::Empty`].
    pub fn is_empty(&self) -> bool {
        matches!(self, CellValue::Empty)
    }

    /// Plain text of the value without a number format (general format).
    pub fn to_plain(&self) -> String {
        crate::numfmt::format_value(self, None)
    }
}

impl From<f64> for CellValue {
    fn from(n: f64) -> Self {
        CellValue::Number(n)
    }
}

impl From<&str> for CellValue {
    fn from(s: &str) -> Self {
        CellValue::Text(s.to_owned())
    }
}

impl From<bool> for CellValue {
    fn from(b: bool) -> Self {
        CellValue::Bool(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a1_round_trip() {
        for (s, row, col) in [
            ("A1", 0, 0),
            ("Z9", 8, 25),
            ("AA10", 9, 26),
            ("XFD1048576", 1_048_575, 16_383),
        ] {
            let a = CellAddr::parse(s).unwrap();
            assert_eq!((a.row, a.col), (row, col));
            assert_eq!(a.to_string(), s);
        }
        assert_eq!(CellAddr::parse("$C$3").unwrap(), CellAddr::new(2, 2));
        for bad in [
            "", "A", "1", "A0", "XFE1", "A1048577", "A-1", "A1B", "AAAA1",
        ] {
            assert!(CellAddr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn range_cells() {
        let r = CellRange::new(
            CellAddr::parse("C3").unwrap(),
            CellAddr::parse("B2").unwrap(),
        );
        assert_eq!(r.to_string(), "B2:C3");
        assert_eq!(r.len(), 4);
        let cells: Vec<String> = r.cells().map(|c| c.to_string()).collect();
        assert_eq!(cells, ["B2", "C2", "B3", "C3"]);
    }

    #[test]
    fn value_json() {
        let v = CellValue::Error(CellError::Div0);
        assert_eq!(
            serde_json::to_string(&v).unwrap(),
            r##"{"error":"#DIV/0!"}"##
        );
        assert_eq!(
            serde_json::to_string(&CellValue::Empty).unwrap(),
            r#""empty""#
        );
        assert_eq!(
            serde_json::to_string(&CellValue::Number(1.5)).unwrap(),
            r#"{"number":1.5}"#
        );
    }
}
