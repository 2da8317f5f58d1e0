//! `Ref`: a pointer into an artifact, with one textual form used everywhere.
//!
//! ```text
//! /Clients/Chen/portfolio.xlsx              the whole artifact
//! /Clients/Chen/portfolio.xlsx#Summary      a whole sheet
//! /Clients/Chen/portfolio.xlsx#Summary!B4   a cell
//! /Clients/Chen/portfolio.xlsx#Summary!B4:D9  a range
//! #'Sheet with space'!A1                    a cell of the artifact the ref sits in
//! /Reports/q4.docx#heading:performance      a document section (heading slug)
//! /Decks/review.pptx#slide:3                a slide (1-based)
//! ```
//!
//! In the path part `%` and `#` are written `%25` and `%23`, so every path
//! can be referenced. Sheet names that are not plain identifiers are quoted
//! the way Excel quotes them (`'It''s'`).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::cell::{CellAddr, CellRange};
use crate::vpath::VPath;

/// A pointer to an artifact or a part of one.
///
/// ```
/// use simdesk_model::{Ref, RefTarget};
/// let r: Ref = "/A/b.xlsx#'Q4 data'!B4:D9".parse().unwrap();
/// assert_eq!(r.path.as_ref().unwrap().as_str(), "/A/b.xlsx");
/// assert!(matches!(r.target, RefTarget::Range { .. }));
/// assert_eq!(r.to_string(), "/A/b.xlsx#'Q4 data'!B4:D9");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ref {
    /// The artifact; `None` means the artifact that holds the ref.
    pub path: Option<VPath>,
    /// What inside the artifact.
    pub target: RefTarget,
}

/// The part of an artifact a [`Ref`] points to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RefTarget {
    /// The whole artifact.
    Whole,
    /// A whole sheet of a workbook.
    Sheet {
        /// Sheet name.
        sheet: String,
    },
    /// One cell of a workbook.
    Cell {
        /// Sheet name.
        sheet: String,
        /// The cell.
        cell: CellAddr,
    },
    /// A range of cells of a workbook.
    Range {
        /// Sheet name.
        sheet: String,
        /// The range.
        range: CellRange,
    },
    /// A section of a document, by heading slug.
    Heading {
        /// The slug ([`slug`] of the heading text).
        slug: String,
    },
    /// A slide of a deck, 1-based.
    Slide {
        /// Slide number, starting at 1.
        number: u32,
    },
}

/// A ref that could not be parsed, with the byte position of the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid ref {input:?} at byte {position}: {reason}")]
pub struct RefError {
    /// The text given (truncated to 200 characters).
    pub input: String,
    /// Byte offset in the input where the problem was found.
    pub position: usize,
    /// What was wrong.
    pub reason: String,
}

/// Longest ref text accepted.
pub const MAX_REF_BYTES: usize = 2048;

impl Ref {
    /// A ref to a whole artifact.
    pub fn whole(path: VPath) -> Ref {
        Ref {
            path: Some(path),
            target: RefTarget::Whole,
        }
    }

    /// A ref to one cell.
    pub fn cell(path: VPath, sheet: &str, cell: CellAddr) -> Ref {
        Ref {
            path: Some(path),
            target: RefTarget::Cell {
                sheet: sheet.to_owned(),
                cell,
            },
        }
    }

    /// Parses the textual form.
    pub fn parse(s: &str) -> Result<Ref, RefError> {
        let err = |position: usize, reason: &str| RefError {
            input: s.chars().take(200).collect(),
            position,
            reason: reason.to_owned(),
        };
        if s.len() > MAX_REF_BYTES {
            return Err(err(MAX_REF_BYTES, "ref longer than 2048 bytes"));
        }
        if s.is_empty() {
            return Err(err(0, "empty ref"));
        }
        let (path_part, frag) = match s.find('#') {
            Some(i) => (&s[..i], Some((i + 1, &s[i + 1..]))),
            None => (s, None),
        };
        let path = if path_part.is_empty() {
            None
        } else {
            let decoded = percent_decode(path_part).map_err(|p| err(p, "bad %-escape in path"))?;
            Some(VPath::parse(&decoded).map_err(|e| err(0, &e.to_string()))?)
        };
        let target = match frag {
            None => RefTarget::Whole,
            Some((at, frag)) => parse_fragment(frag).map_err(|(p, r)| err(at + p, r))?,
        };
        if path.is_none() && target == RefTarget::Whole {
            return Err(err(0, "a ref needs a path or a fragment"));
        }
        Ok(Ref { path, target })
    }

    /// The same ref with `path` filled in when it was relative.
    pub fn resolve(&self, base: &VPath) -> Ref {
        Ref {
            path: Some(self.path.clone().unwrap_or_else(|| base.clone())),
            target: self.target.clone(),
        }
    }

    /// The sheet this ref names, if it is a sheet, cell or range ref.
    pub fn sheet(&self) -> Option<&str> {
        match &self.target {
            RefTarget::Sheet { sheet }
            | RefTarget::Cell { sheet, .. }
            | RefTarget::Range { sheet, .. } => Some(sheet),
            _ => None,
        }
    }
}

fn parse_fragment(frag: &str) -> Result<RefTarget, (usize, &'static str)> {
    if let Some(slug) = frag.strip_prefix("heading:") {
        if slug.is_empty() {
            return Err((8, "empty heading slug"));
        }
        if let Some(i) = slug.find(|c: char| c.is_whitespace() || c.is_control()) {
            return Err((
                8 + i,
                "heading slug may not contain spaces or control characters",
            ));
        }
        return Ok(RefTarget::Heading {
            slug: slug.to_owned(),
        });
    }
    if let Some(n) = frag.strip_prefix("slide:") {
        let number: u32 = n
            .parse()
            .map_err(|_| (6, "slide number must be a positive integer"))?;
        if number == 0 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err((6, "slide number must be a positive integer"));
        }
        return Ok(RefTarget::Slide { number });
    }
    // A sheet name, quoted or bare, optionally followed by !A1 or !A1:B2.
    let (sheet, rest_at) = if let Some(body) = frag.strip_prefix('\'') {
        let mut name = String::new();
        let mut chars = body.char_indices().peekable();
        let mut end = None;
        while let Some((i, c)) = chars.next() {
            if c == '\'' {
                if matches!(chars.peek(), Some((_, '\''))) {
                    name.push('\'');
                    chars.next();
                } else {
                    end = Some(i + 2);
                    break;
                }
            } else {
                name.push(c);
            }
        }
        let end = end.ok_or((frag.len(), "unterminated quoted sheet name"))?;
        (name, end)
    } else {
        let end = frag.find('!').unwrap_or(frag.len());
        (frag[..end].to_owned(), end)
    };
    check_sheet_name(&sheet).map_err(|r| (0, r))?;
    let rest = &frag[rest_at..];
    if rest.is_empty() {
        return Ok(RefTarget::Sheet { sheet });
    }
    let Some(cells) = rest.strip_prefix('!') else {
        return Err((rest_at, "expected '!' after the sheet name"));
    };
    let at = rest_at + 1;
    match cells.split_once(':') {
        None => {
            let cell = CellAddr::parse(cells).map_err(|e| (at, e.reason))?;
            Ok(RefTarget::Cell { sheet, cell })
        }
        Some((a, b)) => {
            let start = CellAddr::parse(a).map_err(|e| (at, e.reason))?;
            let end = CellAddr::parse(b).map_err(|e| (at + a.len() + 1, e.reason))?;
            Ok(RefTarget::Range {
                sheet,
                range: CellRange::new(start, end),
            })
        }
    }
}

/// Checks a sheet name against Excel's rules: 1-31 characters, none of
/// `: \ / ? * [ ]`, not starting or ending with `'`.
pub fn check_sheet_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("empty sheet name");
    }
    if name.chars().count() > 31 {
        return Err("sheet name longer than 31 characters");
    }
    if name.contains([':', '\\', '/', '?', '*', '[', ']']) {
        return Err("sheet name contains one of : \\ / ? * [ ]");
    }
    if name.chars().any(char::is_control) {
        return Err("sheet name contains a control character");
    }
    if name.starts_with('\'') || name.ends_with('\'') {
        return Err("sheet name starts or ends with an apostrophe");
    }
    Ok(())
}

/// True when a sheet name must be quoted in a ref or formula.
pub fn sheet_needs_quotes(name: &str) -> bool {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    !(first_ok
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.'))
        || CellAddr::parse(name).is_ok()
        || name.eq_ignore_ascii_case("true")
        || name.eq_ignore_ascii_case("false")
}

/// Writes a sheet name, quoted when needed (`'Q4 data'`, `'It''s'`).
pub fn quote_sheet(name: &str) -> String {
    if sheet_needs_quotes(name) {
        format!("'{}'", name.replace('\'', "''"))
    } else {
        name.to_owned()
    }
}

fn percent_decode(s: &str) -> Result<String, usize> {
    if !s.contains('%') {
        return Ok(s.to_owned());
    }
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        let rest = &s[i..];
        if let Some(esc) = rest.strip_prefix('%') {
            match esc.get(..2) {
                Some("23") => out.push('#'),
                Some("25") => out.push('%'),
                _ => return Err(i),
            }
            i += 3;
        } else {
            let c = rest.chars().next().unwrap_or_default();
            out.push(c);
            i += c.len_utf8();
        }
    }
    Ok(out)
}

fn percent_encode(s: &str) -> String {
    s.replace('%', "%25").replace('#', "%23")
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(p) = &self.path {
            f.write_str(&percent_encode(p.as_str()))?;
        }
        match &self.target {
            RefTarget::Whole => Ok(()),
            RefTarget::Sheet { sheet } => write!(f, "#{}", quote_sheet(sheet)),
            RefTarget::Cell { sheet, cell } => write!(f, "#{}!{cell}", quote_sheet(sheet)),
            RefTarget::Range { sheet, range } => write!(f, "#{}!{range}", quote_sheet(sheet)),
            RefTarget::Heading { slug } => write!(f, "#heading:{slug}"),
            RefTarget::Slide { number } => write!(f, "#slide:{number}"),
        }
    }
}

impl std::str::FromStr for Ref {
    type Err = RefError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ref::parse(s)
    }
}

impl Serialize for Ref {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ref {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ref::parse(&s).map_err(serde::de::Error::custom)
    }
}

string_schema!(Ref, "Ref", {
    "description": "A reference in text form: a world path, optionally followed by '#' and a cell, range, named range or anchor (for example /Documents/Book.xlsx#'Q2 Data'!B7).",
    "pattern": "^/"
});

/// The slug of a heading: lowercase, alphanumerics kept, runs of anything
/// else collapsed to `-` (`"Q4 Performance & Risk"` → `q4-performance-risk`).
pub fn slug(text: &str) -> String {
    let mut out = String::new();
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else {
            dash = true;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn canonical_forms_round_trip() {
        for s in [
            "/A/b.xlsx#Sheet1!B4",
            "#Sheet1!B4:D9",
            "#'Sheet with space'!A1",
            "/A/r.docx#heading:performance",
            "/A/d.pptx#slide:3",
            "/A/b.xlsx",
            "/A/b.xlsx#Summary",
            "/A/b.xlsx#'It''s'!C3",
            "/A/b.xlsx#'2024'!C3",
            "/A/b.xlsx#'A1'!C3",
            "/A/100%25 %231.xlsx#'Q4 data'!A1",
            "/Users/山田/レポート.docx#heading:概要",
        ] {
            let r = Ref::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(r.to_string(), s);
        }
    }

    #[test]
    fn percent_escape_decodes() {
        let r = Ref::parse("/A/100%25 %231.xlsx").unwrap();
        assert_eq!(r.path.unwrap().as_str(), "/A/100% #1.xlsx");
    }

    #[test]
    fn errors_carry_positions() {
        let cases: &[(&str, usize)] = &[
            ("", 0),
            ("/A/b.xlsx#Sheet1!ZZZZ4", 17),
            ("/A/b.xlsx#Sheet1!A1:B", 20),
            ("/A/b.xlsx#'open!A1", 18),
            ("/A/b.xlsx#slide:0", 16),
            ("/A/b.xlsx#slide:x", 16),
            ("/A/b.xlsx#heading:", 18),
            ("/A/b.xlsx#'x'A1", 13),
            ("/A/../b.xlsx", 0),
            ("/A/%zz.xlsx", 3),
        ];
        for (s, pos) in cases {
            let e = Ref::parse(s).unwrap_err();
            assert_eq!(e.position, *pos, "{s}: {e}");
        }
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Q4 Performance & Risk"), "q4-performance-risk");
        assert_eq!(slug("  Summary "), "summary");
    }

    fn arb_sheet() -> impl Strategy<Value = String> {
        "[A-Za-z0-9 _.'-]{1,31}".prop_filter("valid sheet", |s| check_sheet_name(s).is_ok())
    }

    fn arb_target() -> impl Strategy<Value = RefTarget> {
        prop_oneof![
            Just(RefTarget::Whole),
            arb_sheet().prop_map(|sheet| RefTarget::Sheet { sheet }),
            (arb_sheet(), 0u32..1_048_576, 0u32..16_384).prop_map(|(sheet, r, c)| {
                RefTarget::Cell {
                    sheet,
                    cell: CellAddr::new(r, c),
                }
            }),
            (arb_sheet(), 0u32..5000, 0u32..200, 0u32..5000, 0u32..200).prop_map(
                |(sheet, r1, c1, r2, c2)| RefTarget::Range {
                    sheet,
                    range: CellRange::new(CellAddr::new(r1, c1), CellAddr::new(r2, c2))
                }
            ),
            "[a-z0-9-]{1,20}".prop_map(|slug| RefTarget::Heading { slug }),
            (1u32..500).prop_map(|number| RefTarget::Slide { number }),
        ]
    }

    proptest! {
        #[test]
        fn parse_print_round_trip(
            path in proptest::option::of("(/[A-Za-z0-9 %#_-]{1,12}){1,4}\\.xlsx"),
            target in arb_target(),
        ) {
            let path = path.and_then(|p| VPath::parse(&p).ok());
            prop_assume!(path.is_some() || target != RefTarget::Whole);
            let r = Ref { path, target };
            let text = r.to_string();
            prop_assert_eq!(Ref::parse(&text).unwrap(), r);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,60}") {
            let _ = Ref::parse(&s);
        }
    }
}
