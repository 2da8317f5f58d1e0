//! The vocabulary of formats every door shares: a [`Format`]'s name (as
//! manifests record it, with `FromStr`/`Display`), its MIME type, the
//! format an extension or an artifact kind is written with, and what a
//! file's first bytes say it is (content sniffing).

use std::fmt;
use std::str::FromStr;

use simdesk_model::{ArtifactKind, FileClass, VPath};

use crate::Format;

impl Format {
    /// Every format, in declaration order.
    pub const ALL: [Format; 10] = [
        Format::Xlsx,
        Format::Csv,
        Format::Docx,
        Format::Markdown,
        Format::Pptx,
        Format::Pdf,
        Format::Eml,
        Format::Mbox,
        Format::Text,
        Format::Binary,
    ];

    /// The format's stable name: `xlsx`, `csv`, `docx`, `markdown`, `pptx`,
    /// `pdf`, `eml`, `mbox`, `text`, `binary` (what manifests record).
    pub fn name(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Docx => "docx",
            Format::Markdown => "markdown",
            Format::Pptx => "pptx",
            Format::Pdf => "pdf",
            Format::Eml => "eml",
            Format::Mbox => "mbox",
            Format::Text => "text",
            Format::Binary => "binary",
        }
    }

    /// The MIME type of a file in this format. Plain text is `text/plain`
    /// (see [`Format::mime_at`] for text named by its extension); messages
    /// and binaries travel as `application/octet-stream`: message/rfc822
    /// parts may not be base64-encoded, and their bytes must come back
    /// exact.
    pub fn mime(self) -> &'static str {
        match self {
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Format::Pdf => "application/pdf",
            Format::Csv => "text/csv",
            Format::Markdown => "text/markdown",
            Format::Text => "text/plain",
            Format::Eml | Format::Mbox | Format::Binary => "application/octet-stream",
        }
    }

    /// The MIME type of a file written in this format at `path`: text
    /// takes the type its extension names (csv, markdown, json).
    pub fn mime_at(self, path: &VPath) -> &'static str {
        match self {
            Format::Text => match path.extension().map(str::to_ascii_lowercase).as_deref() {
                Some("csv") => Format::Csv.mime(),
                Some("md" | "markdown") => Format::Markdown.mime(),
                Some("json") => "application/json",
                _ => self.mime(),
            },
            f => f.mime(),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A name that is not one of [`Format::name`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown format {0:?} (known: xlsx, csv, docx, markdown, pptx, pdf, eml, mbox, text, binary)"
)]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    /// Reads a name [`Format::name`] gives (exactly, lowercase).
    fn from_str(s: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| UnknownFormat(s.to_owned()))
    }
}

/// The format a file extension (without the dot, any case) is read and
/// written with: `xlsx`/`xlsm`/`xls`/`ods` → [`Format::Xlsx`] (the xlsx
/// importer reads all four), `docx`, `pptx`, `pdf`, `eml`, `mbox`, `csv`,
/// `md`/`markdown` → [`Format::Markdown`], `txt`/`json` → [`Format::Text`],
/// anything else → [`Format::Binary`].
pub fn format_for_extension(ext: &str) -> Format {
    // The extension table is the model's, shared with the engine's check of
    // the kind a file's name can hold.
    match FileClass::of_extension(ext) {
        FileClass::Spreadsheet => Format::Xlsx,
        FileClass::Docx => Format::Docx,
        FileClass::Pptx => Format::Pptx,
        FileClass::Pdf => Format::Pdf,
        FileClass::Eml => Format::Eml,
        FileClass::Mbox => Format::Mbox,
        FileClass::Csv => Format::Csv,
        FileClass::Markdown => Format::Markdown,
        FileClass::Text => Format::Text,
        FileClass::Other => Format::Binary,
    }
}

/// The format an artifact kind is written with by default.
pub fn default_format(kind: ArtifactKind) -> Format {
    match kind {
        ArtifactKind::Workbook => Format::Xlsx,
        ArtifactKind::Document => Format::Docx,
        ArtifactKind::Deck => Format::Pptx,
        ArtifactKind::Pdf => Format::Pdf,
        ArtifactKind::Email => Format::Eml,
        ArtifactKind::Text => Format::Text,
        ArtifactKind::Binary => Format::Binary,
    }
}

/// The formats a file's first bytes say it may be, to try in order: a zip
/// package may be a workbook, a document or a deck; `%PDF-` is a PDF;
/// anything else says nothing.
pub fn sniff(bytes: &[u8]) -> &'static [Format] {
    if bytes.starts_with(b"PK\x03\x04") {
        &[Format::Xlsx, Format::Docx, Format::Pptx]
    } else if bytes.starts_with(b"%PDF-") {
        &[Format::Pdf]
    } else {
        &[]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for f in Format::ALL {
            assert_eq!(f.to_string().parse::<Format>(), Ok(f));
        }
        assert_eq!(
            "md".parse::<Format>().unwrap_err().to_string(),
            "unknown format \"md\" (known: xlsx, csv, docx, markdown, pptx, pdf, eml, mbox, text, binary)"
        );
    }

    #[test]
    fn text_mime_follows_the_extension() {
        let at = |p: &str| Format::Text.mime_at(&VPath::parse(p).unwrap());
        assert_eq!(at("/a.CSV"), "text/csv");
        assert_eq!(at("/a.md"), "text/markdown");
        assert_eq!(at("/a.json"), "application/json");
        assert_eq!(at("/a.txt"), "text/plain");
        assert_eq!(
            Format::Eml.mime_at(&VPath::parse("/m.eml").unwrap()),
            "application/octet-stream"
        );
    }

    #[test]
    fn sniffing() {
        assert_eq!(
            sniff(b"PK\x03\x04rest"),
            &[Format::Xlsx, Format::Docx, Format::Pptx]
        );
        assert_eq!(sniff(b"%PDF-1.7"), &[Format::Pdf]);
        assert!(sniff(b"Ticker,Close").is_empty());
    }

    #[test]
    fn extensions() {
        for (e, f) in [
            ("xlsx", Format::Xlsx),
            ("XLSM", Format::Xlsx),
            ("xls", Format::Xlsx),
            ("ods", Format::Xlsx),
            ("docx", Format::Docx),
            ("pptx", Format::Pptx),
            ("pdf", Format::Pdf),
            ("eml", Format::Eml),
            ("mbox", Format::Mbox),
            ("csv", Format::Csv),
            ("md", Format::Markdown),
            ("txt", Format::Text),
            ("json", Format::Text),
            ("png", Format::Binary),
            ("", Format::Binary),
        ] {
            assert_eq!(format_for_extension(e), f, "{e}");
        }
    }
}
