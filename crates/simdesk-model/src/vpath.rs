//! `VPath`: the validated, normalised path of a file or folder inside a world.
//!
//! Every path that enters the system goes through [`VPath::parse`]. The rules
//! make sure that any world can later be written to a real Windows, macOS or
//! Linux disk without a name being refused, silently changed, or colliding
//! with a sibling.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use unicode_normalization::UnicodeNormalization;

/// Longest allowed path, in UTF-8 bytes (including the leading `/`).
pub const MAX_PATH_BYTES: usize = 1024;
/// Longest allowed single component, in UTF-8 bytes.
pub const MAX_COMPONENT_BYTES: usize = 255;

/// A normalised, absolute, `/`-separated UTF-8 path inside a world.
///
/// The root folder is `/`. Every other path starts with `/`, has no trailing
/// `/`, and consists of components that passed every [`PathRule`].
///
/// ```
/// use simdesk_model::VPath;
/// let p = VPath::parse("/Clients/Chen/portfolio.xlsx").unwrap();
/// assert_eq!(p.file_name(), Some("portfolio.xlsx"));
/// assert_eq!(p.extension(), Some("xlsx"));
/// assert_eq!(p.parent().unwrap().as_str(), "/Clients/Chen");
/// assert!(VPath::parse("/Clients/../etc").is_err());
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VPath(String);

/// The rule a rejected path broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathRule {
    /// The path does not start with `/`.
    NotAbsolute,
    /// An empty component (`//` or a trailing `/`).
    EmptyComponent,
    /// A `.` component.
    DotComponent,
    /// A `..` component.
    DotDotComponent,
    /// A NUL or other control character.
    ControlCharacter,
    /// One of `< > : " \ | ? *`.
    ReservedCharacter,
    /// A name Windows reserves (`CON`, `PRN`, `AUX`, `NUL`, `COM1`-`COM9`,
    /// `LPT1`-`LPT9`), also with an extension such as `aux.txt`.
    ReservedName,
    /// A component ending in `.` or a space.
    TrailingDotOrSpace,
    /// A component longer than [`MAX_COMPONENT_BYTES`].
    ComponentTooLong,
    /// A path longer than [`MAX_PATH_BYTES`].
    PathTooLong,
    /// The name differs from an existing sibling only by case or Unicode
    /// normalisation.
    CollidesWithSibling,
}

impl PathRule {
    /// A short lowercase description of the rule.
    pub fn describe(self) -> &'static str {
        match self {
            PathRule::NotAbsolute => "path must start with '/'",
            PathRule::EmptyComponent => "empty path component",
            PathRule::DotComponent => "'.' component",
            PathRule::DotDotComponent => "'..' component",
            PathRule::ControlCharacter => "NUL or control character",
            PathRule::ReservedCharacter => "character reserved on Windows (<>:\"\\|?*)",
            PathRule::ReservedName => "name reserved on Windows",
            PathRule::TrailingDotOrSpace => "name ends with a dot or a space",
            PathRule::ComponentTooLong => "component longer than 255 bytes",
            PathRule::PathTooLong => "path longer than 1024 bytes",
            PathRule::CollidesWithSibling => {
                "name collides with a sibling by case or Unicode normalisation"
            }
        }
    }
}

/// A path that was refused, with the rule it broke and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid path {path:?}: {} (component {component:?})", rule.describe())]
pub struct PathError {
    /// The path as given (truncated to 200 characters for very long input).
    pub path: String,
    /// The offending component, or the whole path for path-level rules.
    pub component: String,
    /// The rule that was broken.
    pub rule: PathRule,
}

impl PathError {
    fn new(path: &str, component: &str, rule: PathRule) -> Self {
        PathError {
            path: truncate(path, 200),
            component: truncate(component, 200),
            rule,
        }
    }
}

fn truncate(s: &str, max_chars: usize) -> String {
    match s.char_indices().nth(max_chars) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

const RESERVED_CHARS: &[char] = &['<', '>', ':', '"', '\\', '|', '?', '*'];

fn is_reserved_name(component: &str) -> bool {
    // Windows reserves the device name with or without an extension:
    // `aux`, `AUX.txt`, `com1.tar.gz` are all refused by its file APIs.
    let stem = component.split('.').next().unwrap_or(component);
    let stem = stem.trim_end_matches(' ');
    let upper = stem.to_ascii_uppercase();
    match upper.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" => true,
        _ => {
            let bytes = upper.as_bytes();
            bytes.len() == 4
                && (upper.starts_with("COM") || upper.starts_with("LPT"))
                && (b'1'..=b'9').contains(&bytes[3])
        }
    }
}

/// Checks one path component against every per-component rule.
pub fn check_component(component: &str) -> Result<(), PathRule> {
    if component.is_empty() {
        return Err(PathRule::EmptyComponent);
    }
    if component == "." {
        return Err(PathRule::DotComponent);
    }
    if component == ".." {
        return Err(PathRule::DotDotComponent);
    }
    if component.len() > MAX_COMPONENT_BYTES {
        return Err(PathRule::ComponentTooLong);
    }
    if component.chars().any(char::is_control) {
        return Err(PathRule::ControlCharacter);
    }
    if component.contains(RESERVED_CHARS) {
        return Err(PathRule::ReservedCharacter);
    }
    if component.ends_with('.') || component.ends_with(' ') {
        return Err(PathRule::TrailingDotOrSpace);
    }
    if is_reserved_name(component) {
        return Err(PathRule::ReservedName);
    }
    Ok(())
}

impl VPath {
    /// The root folder `/`.
    pub fn root() -> VPath {
        VPath("/".to_owned())
    }

    /// Parses and validates a path. Only absolute paths are accepted.
    pub fn parse(s: &str) -> Result<VPath, PathError> {
        if s.len() > MAX_PATH_BYTES {
            return Err(PathError::new(s, s, PathRule::PathTooLong));
        }
        if s.contains('\0') {
            return Err(PathError::new(s, s, PathRule::ControlCharacter));
        }
        let Some(rest) = s.strip_prefix('/') else {
            return Err(PathError::new(s, s, PathRule::NotAbsolute));
        };
        if rest.is_empty() {
            return Ok(VPath::root());
        }
        for component in rest.split('/') {
            check_component(component).map_err(|rule| PathError::new(s, component, rule))?;
        }
        Ok(VPath(s.to_owned()))
    }

    /// The path as a string; always starts with `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for the root folder.
    pub fn is_root(&self) -> bool {
        self.0 == "/"
    }

    /// The components, without the root.
    pub fn components(&self) -> impl Iterator<Item = &str> {
        self.0[1..].split('/').filter(|c| !c.is_empty())
    }

    /// The last component, or `None` for the root.
    pub fn file_name(&self) -> Option<&str> {
        if self.is_root() {
            None
        } else {
            self.0.rsplit('/').next()
        }
    }

    /// The file name without its last extension.
    pub fn file_stem(&self) -> Option<&str> {
        let name = self.file_name()?;
        match name.rfind('.') {
            Some(0) | None => Some(name),
            Some(i) => Some(&name[..i]),
        }
    }

    /// The extension after the last `.` of the file name, if any.
    pub fn extension(&self) -> Option<&str> {
        let name = self.file_name()?;
        match name.rfind('.') {
            Some(0) | None => None,
            Some(i) => Some(&name[i + 1..]),
        }
    }

    /// The parent folder, or `None` for the root.
    pub fn parent(&self) -> Option<VPath> {
        if self.is_root() {
            return None;
        }
        let i = self.0.rfind('/').unwrap_or(0);
        if i == 0 {
            Some(VPath::root())
        } else {
            Some(VPath(self.0[..i].to_owned()))
        }
    }

    /// Every proper ancestor, from the root down to the parent.
    pub fn ancestors(&self) -> Vec<VPath> {
        let mut out = Vec::new();
        let mut cur = self.parent();
        while let Some(p) = cur {
            cur = p.parent();
            out.push(p);
        }
        out.reverse();
        out
    }

    /// Appends one component, validating it and the resulting length.
    pub fn join(&self, component: &str) -> Result<VPath, PathError> {
        let joined = if self.is_root() {
            format!("/{component}")
        } else {
            format!("{}/{component}", self.0)
        };
        check_component(component).map_err(|rule| PathError::new(&joined, component, rule))?;
        if joined.len() > MAX_PATH_BYTES {
            return Err(PathError::new(&joined, &joined, PathRule::PathTooLong));
        }
        Ok(VPath(joined))
    }

    /// The same path with its file name replaced.
    pub fn with_file_name(&self, name: &str) -> Result<VPath, PathError> {
        self.parent().unwrap_or_else(VPath::root).join(name)
    }

    /// The same path with its extension replaced (or added).
    pub fn with_extension(&self, ext: &str) -> Result<VPath, PathError> {
        let stem = self.file_stem().unwrap_or("");
        self.with_file_name(&format!("{stem}.{ext}"))
    }

    /// True when `self` is `other` or lies below it.
    pub fn starts_with(&self, other: &VPath) -> bool {
        other.is_root()
            || self.0 == other.0
            || (self.0.starts_with(&other.0) && self.0.as_bytes().get(other.0.len()) == Some(&b'/'))
    }

    /// Moves `self` from below `from` to below `to` (`self` must start with `from`).
    pub fn rebase(&self, from: &VPath, to: &VPath) -> Option<VPath> {
        if !self.starts_with(from) {
            return None;
        }
        let rest = &self.0[from.0.len()..];
        let joined = if to.is_root() {
            if rest.is_empty() {
                "/".to_owned()
            } else {
                rest.to_owned()
            }
        } else {
            format!("{}{}", to.0, rest)
        };
        VPath::parse(&joined).ok()
    }

    /// The key two names share when they would collide on a case-insensitive
    /// or normalisation-insensitive filesystem: NFC, then lowercase, then NFC.
    pub fn fold_key(&self) -> String {
        fold(&self.0)
    }
}

/// Folds a name for collision checks (NFC, lowercase, NFC again).
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        // ASCII is its own NFC, and lowercases to ASCII.
        return s.to_ascii_lowercase();
    }
    let nfc: String = s.nfc().collect();
    nfc.to_lowercase().nfc().collect()
}

impl fmt::Display for VPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for VPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::str::FromStr for VPath {
    type Err = PathError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        VPath::parse(s)
    }
}

impl Serialize for VPath {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for VPath {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        VPath::parse(&s).map_err(serde::de::Error::custom)
    }
}

string_schema!(VPath, "VPath", {
    "description": "An absolute world path with / separators, valid as a file name on Windows, macOS and Linux (no . or .. component, none of <>:\"\\|?*, components of at most 255 bytes, at most 1024 bytes in all).",
    "maxLength": 1024,
    "pattern": "^/"
});

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(s: &str) -> Option<PathRule> {
        VPath::parse(s).err().map(|e| e.rule)
    }

    #[test]
    fn accepts_ordinary_paths() {
        for ok in [
            "/",
            "/a",
            "/Clients/Chen/portfolio.xlsx",
            "/Users/山田/レポート.docx",
            "/a/.hidden",
            "/a/b c/d-e_f (1).txt",
            "/COM0.txt",
            "/console.txt",
            "/LPT10",
        ] {
            assert!(VPath::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn refuses_each_rule() {
        let cases: &[(&str, PathRule)] = &[
            ("a/b", PathRule::NotAbsolute),
            ("", PathRule::NotAbsolute),
            ("/a//b", PathRule::EmptyComponent),
            ("/a/", PathRule::EmptyComponent),
            ("/a/./b", PathRule::DotComponent),
            ("/a/../b", PathRule::DotDotComponent),
            ("/..", PathRule::DotDotComponent),
            ("/a\0b", PathRule::ControlCharacter),
            ("/a\nb", PathRule::ControlCharacter),
            ("/a\u{7f}b", PathRule::ControlCharacter),
            ("/a<b", PathRule::ReservedCharacter),
            ("/a>b", PathRule::ReservedCharacter),
            ("/a:b", PathRule::ReservedCharacter),
            ("/a\"b", PathRule::ReservedCharacter),
            ("/a\\b", PathRule::ReservedCharacter),
            ("/a|b", PathRule::ReservedCharacter),
            ("/a?b", PathRule::ReservedCharacter),
            ("/a*b", PathRule::ReservedCharacter),
            ("/CON", PathRule::ReservedName),
            ("/x/prn", PathRule::ReservedName),
            ("/aux.txt", PathRule::ReservedName),
            ("/Nul.tar.gz", PathRule::ReservedName),
            ("/com1", PathRule::ReservedName),
            ("/COM9.log", PathRule::ReservedName),
            ("/lpt1", PathRule::ReservedName),
            ("/LPT9.doc", PathRule::ReservedName),
            ("/report.", PathRule::TrailingDotOrSpace),
            ("/report ", PathRule::TrailingDotOrSpace),
        ];
        for (input, expected) in cases {
            assert_eq!(rule(input), Some(*expected), "{input:?}");
        }
    }

    #[test]
    fn length_limits() {
        let long = "x".repeat(256);
        assert_eq!(rule(&format!("/{long}")), Some(PathRule::ComponentTooLong));
        assert!(VPath::parse(&format!("/{}", "x".repeat(255))).is_ok());
        let deep = "/abcdefghi".repeat(103);
        assert!(deep.len() > MAX_PATH_BYTES);
        assert_eq!(rule(&deep), Some(PathRule::PathTooLong));
        let fits = "/abcdefghi".repeat(102);
        assert!(VPath::parse(&fits).is_ok());
    }

    #[test]
    fn error_names_rule_and_component() {
        let e = VPath::parse("/Reports/aux.txt").unwrap_err();
        assert_eq!(e.component, "aux.txt");
        assert!(e.to_string().contains("reserved on Windows"), "{e}");
    }

    #[test]
    fn fold_matches_case_and_normalisation() {
        let nfc = VPath::parse("/Caf\u{e9}.txt").unwrap();
        let nfd = VPath::parse("/Cafe\u{301}.txt").unwrap();
        let upper = VPath::parse("/CAF\u{c9}.TXT").unwrap();
        assert_ne!(nfc, nfd);
        assert_eq!(nfc.fold_key(), nfd.fold_key());
        assert_eq!(nfc.fold_key(), upper.fold_key());
    }

    #[test]
    fn navigation() {
        let p = VPath::parse("/a/b/c.tar.gz").unwrap();
        assert_eq!(p.extension(), Some("gz"));
        assert_eq!(p.file_stem(), Some("c.tar"));
        assert_eq!(
            p.ancestors().iter().map(VPath::as_str).collect::<Vec<_>>(),
            ["/", "/a", "/a/b"]
        );
        let moved = p
            .rebase(&VPath::parse("/a").unwrap(), &VPath::parse("/z").unwrap())
            .unwrap();
        assert_eq!(moved.as_str(), "/z/b/c.tar.gz");
        assert!(
            !VPath::parse("/ab")
                .unwrap()
                .starts_with(&VPath::parse("/a").unwrap())
        );
        assert_eq!(VPath::parse("/.env").unwrap().extension(), None);
    }

    #[test]
    fn serde_validates() {
        let ok: VPath = serde_json::from_str("\"/a/b\"").unwrap();
        assert_eq!(ok.as_str(), "/a/b");
        assert!(serde_json::from_str::<VPath>("\"/a/../b\"").is_err());
    }
}
