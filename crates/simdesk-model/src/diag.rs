//! Diagnostics: problems reported beside a result, with stable codes.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::refs::Ref;

/// How serious a diagnostic is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing is wrong.
    Info,
    /// Probably a mistake; the operation went ahead.
    Warning,
    /// Wrong; an operation with an error diagnostic was refused.
    Error,
}

impl Severity {
    /// Lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $name:literal;)*) => {
        /// A stable diagnostic code. The `SD0xx` number and the kebab-case
        /// name never change meaning once published.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        pub enum Code {
            $($(#[$doc])* #[serde(rename = $code)] $variant,)*
        }

        impl Code {
            /// Every code, in number order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The number, `SD001` …
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The kebab-case name, `stale-source` …
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// Looks a code up by number or name.
            pub fn parse(s: &str) -> Option<Code> {
                match s { $($code | $name => Some(Code::$variant),)* _ => None }
            }
        }
    };
}

codes! {
    /// An export or attachment was made from a source that was itself stale.
    StaleSource = "SD001", "stale-source";
    /// A field, link, formula or attachment points to something missing.
    BrokenReference = "SD002", "broken-reference";
    /// A link or field would make a cycle of artifacts.
    Cycle = "SD003", "cycle";
    /// A path broke a naming rule.
    InvalidPath = "SD004", "invalid-path";
    /// The path or artifact does not exist.
    NotFound = "SD005", "not-found";
    /// Something already exists at the path.
    AlreadyExists = "SD006", "already-exists";
    /// The artifact is of the wrong kind for the operation.
    WrongKind = "SD007", "wrong-kind";
    /// An argument of the operation is invalid.
    InvalidArgument = "SD008", "invalid-argument";
    /// A formula could not be evaluated or evaluates to an error.
    FormulaError = "SD009", "formula-error";
    /// Formula cells refer to each other in a circle.
    CircularReference = "SD010", "circular-reference";
    /// An email was sent with an attachment that is or became stale.
    StaleAttachment = "SD011", "stale-attachment";
    /// A document shows a number that disagrees with its source.
    QuotedValueMismatch = "SD012", "quoted-value-mismatch";
    /// A derived artifact is older than what it was made from.
    StaleExport = "SD013", "stale-export";
    /// A dependent waits for a refresh from a changed source.
    StaleDependent = "SD014", "stale-dependent";
    /// Several versions of one file lie around (`_final_v2_REAL`).
    VersionClutter = "SD015", "version-clutter";
    /// Two files have identical content.
    DuplicateContent = "SD016", "duplicate-content";
    /// A name cannot exist on Windows or macOS, or collides by case.
    NonPortableName = "SD017", "non-portable-name";
    /// An input exceeded a limit.
    LimitExceeded = "SD018", "limit-exceeded";
    /// A folder is not empty.
    NotEmpty = "SD019", "not-empty";
    /// An artifact has no link to anything and nothing links to it.
    Orphan = "SD020", "orphan";
    /// A link between files found by their content (in a folder without a
    /// manifest), with its confidence and evidence.
    InferredLink = "SD021", "inferred-link";
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A problem found, with the refs involved and how to fix it.
///
/// ```
/// use simdesk_model::{Code, Diagnostic, Severity};
/// let d = Diagnostic::new(Code::NotFound, Severity::Error, "no artifact at /a.txt");
/// assert_eq!(d.to_string(), "error[SD005 not-found]: no artifact at /a.txt");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Diagnostic {
    /// Stable code.
    pub code: Code,
    /// Severity.
    pub severity: Severity,
    /// One-line message, lowercase, no trailing period.
    pub message: String,
    /// The refs involved, most relevant first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refs: Vec<Ref>,
    /// How to fix it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
}

impl Diagnostic {
    /// A diagnostic without refs or hints.
    pub fn new(code: Code, severity: Severity, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            refs: Vec::new(),
            hints: Vec::new(),
        }
    }

    /// An error diagnostic.
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Error, message)
    }

    /// A warning diagnostic.
    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Diagnostic::new(code, Severity::Warning, message)
    }

    /// Adds a ref.
    pub fn with_ref(mut self, r: Ref) -> Self {
        self.refs.push(r);
        self
    }

    /// Adds a hint.
    pub fn with_hint(mut self, h: impl Into<String>) -> Self {
        self.hints.push(h.into());
        self
    }

    /// True for error severity.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{} {}]: {}",
            self.severity.as_str(),
            self.code.as_str(),
            self.code.name(),
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse() {
        let mut seen = std::collections::BTreeSet::new();
        for c in Code::ALL {
            assert!(seen.insert(c.as_str()));
            assert_eq!(Code::parse(c.as_str()), Some(*c));
            assert_eq!(Code::parse(c.name()), Some(*c));
        }
        assert_eq!(
            serde_json::to_string(&Code::StaleSource).unwrap(),
            "\"SD001\""
        );
    }
}
