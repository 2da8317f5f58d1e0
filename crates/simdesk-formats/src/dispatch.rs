//! One door in front of every format: pick a format by extension or by
//! artifact kind, then export or import through it.
//!
//! xlsx, csv, docx and markdown live in this crate's sibling modules; pptx,
//! pdf and eml/mbox in theirs. Text and binary files are handled here. Text is imported as UTF-8 and
//! refused with a typed error when it is not: a world's text artifacts are
//! strings, and a lossy decode would change the bytes on the next export;
//! undecodable files belong in a [`Binary`] instead (import them with
//! [`Format::Binary`]). A leading byte-order mark is kept as part of the
//! content, so the round trip is byte-exact.

use simdesk_model::{Artifact, ArtifactKind, Binary, Text, TextFormat};

use crate::zipguard::check_input_size;
use crate::{ExportOptions, Format, FormatError, Limits};

/// The format a file extension (without the dot, any case) is read and
/// written with: `xlsx`/`xlsm`/`xls`/`ods` → [`Format::Xlsx`] (the xlsx
/// importer reads all four), `docx`, `pptx`, `pdf`, `eml`, `mbox`, `csv`,
/// `md`/`markdown` → [`Format::Markdown`], `txt`/`json` → [`Format::Text`],
/// anything else → [`Format::Binary`].
pub fn format_for_extension(ext: &str) -> Format {
    match ext.trim_start_matches('.').to_ascii_lowercase().as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => Format::Xlsx,
        "docx" => Format::Docx,
        "pptx" => Format::Pptx,
        "pdf" => Format::Pdf,
        "eml" => Format::Eml,
        "mbox" => Format::Mbox,
        "csv" => Format::Csv,
        "md" | "markdown" => Format::Markdown,
        "txt" | "json" => Format::Text,
        _ => Format::Binary,
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

fn unsupported(artifact: &Artifact, format: Format) -> FormatError {
    FormatError::Unsupported {
        kind: artifact.kind(),
        format,
    }
}

/// Writes an artifact in a format.
///
/// [`Format::Text`] writes any text artifact as it is; [`Format::Binary`]
/// writes a binary's bytes; [`Format::Csv`] and [`Format::Markdown`] also
/// take text artifacts of their own kind.
pub fn export(
    artifact: &Artifact,
    format: Format,
    opts: &ExportOptions,
) -> Result<Vec<u8>, FormatError> {
    match format {
        Format::Xlsx => crate::xlsx::export(artifact, opts),
        Format::Csv => crate::csv::export(artifact, opts),
        Format::Docx => crate::docx::export(artifact, opts),
        Format::Markdown => crate::markdown::export(artifact, opts),
        Format::Pptx => crate::pptx::export_pptx(artifact, opts),
        Format::Pdf => crate::pdf::export_pdf(artifact, opts),
        Format::Eml => crate::eml::export_eml(artifact, opts),
        // One artifact is one message: an mbox of it. A folder of messages
        // goes through eml::export_mbox directly.
        Format::Mbox => match artifact {
            Artifact::Email(e) => crate::eml::export_mbox(&[e], opts),
            a => Err(unsupported(a, format)),
        },
        Format::Text => match artifact {
            Artifact::Text(t) => Ok(t.content.as_bytes().to_vec()),
            a => Err(unsupported(a, format)),
        },
        Format::Binary => match artifact {
            Artifact::Binary(b) => Ok(b.bytes.clone()),
            a => Err(unsupported(a, format)),
        },
    }
}

/// Reads a text file (UTF-8) as a text artifact of the given kind.
pub fn import_text(
    bytes: &[u8],
    text_format: TextFormat,
    limits: &Limits,
) -> Result<Artifact, FormatError> {
    let format = match text_format {
        TextFormat::Csv => Format::Csv,
        TextFormat::Markdown => Format::Markdown,
        TextFormat::Plain | TextFormat::Json => Format::Text,
    };
    check_input_size(bytes, limits, format)?;
    let content = std::str::from_utf8(bytes).map_err(|e| FormatError::Malformed {
        format,
        reason: format!("not UTF-8 at byte {}", e.valid_up_to()),
    })?;
    Ok(Artifact::Text(Text {
        format: text_format,
        content: content.to_owned(),
    }))
}

/// Reads bytes in a format.
///
/// [`Format::Mbox`] answers [`FormatError::Unsupported`]: an mbox is many
/// messages, read with [`crate::eml::import_mbox`].
///
/// [`Format::Text`] gives a plain text artifact (use [`import_text`] to say
/// json or markdown); [`Format::Csv`] and [`Format::Markdown`] give text
/// artifacts of those kinds; [`Format::Binary`] keeps the bytes.
pub fn import(bytes: &[u8], format: Format, limits: &Limits) -> Result<Artifact, FormatError> {
    match format {
        Format::Xlsx => crate::xlsx::import(bytes, limits),
        Format::Docx => crate::docx::import(bytes, limits),
        Format::Csv => import_text(bytes, TextFormat::Csv, limits),
        Format::Markdown => import_text(bytes, TextFormat::Markdown, limits),
        Format::Text => import_text(bytes, TextFormat::Plain, limits),
        Format::Binary => {
            check_input_size(bytes, limits, format)?;
            Ok(Artifact::Binary(Binary {
                bytes: bytes.to_vec(),
            }))
        }
        Format::Pptx => crate::pptx::import_pptx(bytes, limits),
        Format::Pdf => crate::pdf::import_pdf(bytes, limits),
        Format::Eml => crate::eml::import_eml(bytes, limits),
        // An mbox holds many messages: read it with eml::import_mbox, not
        // through this one-artifact door.
        Format::Mbox => Err(FormatError::Unsupported {
            kind: ArtifactKind::Email,
            format,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn text_is_utf8() {
        let l = Limits::default();
        assert!(matches!(
            import(b"\xff\xfe\xfd", Format::Text, &l),
            Err(FormatError::Malformed { .. })
        ));
        let a = import("caf\u{e9}".as_bytes(), Format::Text, &l).unwrap();
        assert_eq!(
            export(&a, Format::Text, &ExportOptions::default()).unwrap(),
            "caf\u{e9}".as_bytes()
        );
    }
}
