//! One door in front of every format: export or import through a
//! [`Format`] (chosen with the vocabulary in `vocab.rs`), or let
//! [`import_auto`] pick one from a file's name and content.
//!
//! xlsx, csv, docx and markdown live in this crate's sibling modules; pptx,
//! pdf and eml/mbox in theirs. Text and binary files are handled here. Text is imported as UTF-8 and
//! refused with a typed error when it is not: a world's text artifacts are
//! strings, and a lossy decode would change the bytes on the next export;
//! undecodable files belong in a [`Binary`] instead (import them with
//! [`Format::Binary`]). A leading byte-order mark is kept as part of the
//! content, so the round trip is byte-exact.

use simdesk_model::{Artifact, ArtifactKind, Binary, Text, TextFormat};

use crate::eml::ImportedAttachment;
use crate::zipguard::check_input_size;
use crate::{ExportOptions, Format, FormatError, Limits, format_for_extension, sniff};

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
    let content = std::str::from_utf8(bytes).map_err(|e| {
        FormatError::malformed(format, format!("not UTF-8 at byte {}", e.valid_up_to()))
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

/// Reads a file from outside by its extension (`ext`, without the dot).
/// An email brings the attachments it carries; an mbox (many messages) and
/// unknown extensions are kept byte-exact as a binary.
///
/// A refusal by the reader the extension names is final: a `.xlsx` the
/// workbook reader refuses is that reader's typed error, never a deck or
/// a document read by content. Only a file whose extension names no office
/// format (`.csv`, `.txt`, `.md`) is read by its content ([`sniff`]) when
/// its own reader refuses it and the bytes are plainly a zip package or a
/// PDF (a workbook saved under a `.csv` name, say); the first refusal is
/// returned when nothing reads it.
pub fn import_auto(
    ext: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Artifact, Vec<ImportedAttachment>), FormatError> {
    let by_ext = import_by_extension(ext, bytes, limits);
    let Err(err) = by_ext else {
        return by_ext;
    };
    let by_ext_format = format_for_extension(ext);
    if !matches!(by_ext_format, Format::Text | Format::Csv | Format::Markdown) {
        return Err(err);
    }
    sniff(bytes)
        .iter()
        .find_map(|f| import(bytes, *f, limits).ok())
        .map(|a| (a, Vec::new()))
        .ok_or(err)
}

fn import_by_extension(
    ext: &str,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Artifact, Vec<ImportedAttachment>), FormatError> {
    let one = |a: Artifact| (a, Vec::new());
    match format_for_extension(ext) {
        Format::Eml => {
            crate::eml::import_eml_with(bytes, limits).map(|(e, a)| (Artifact::Email(e), a))
        }
        // One artifact is one message: an mbox is kept byte-exact.
        Format::Mbox | Format::Binary => import(bytes, Format::Binary, limits).map(one),
        Format::Text | Format::Csv | Format::Markdown => {
            import_text(bytes, TextFormat::from_extension(ext), limits).map(one)
        }
        f => import(bytes, f, limits).map(one),
    }
}

/// Reads a file back in the format it was written in (as a manifest
/// records it); `was` is the artifact it replaces, whose text kind (csv,
/// markdown, json, plain) a text file keeps.
pub fn import_as_written(
    bytes: &[u8],
    format: Format,
    was: &Artifact,
    limits: &Limits,
) -> Result<Artifact, FormatError> {
    match (format, was) {
        (Format::Text, Artifact::Text(t)) => import_text(bytes, t.format, limits),
        (f, _) => import(bytes, f, limits),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
