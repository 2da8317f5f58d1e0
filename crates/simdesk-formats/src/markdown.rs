//! Documents and markdown text to `.md`.
//!
//! A document is written with the model's one markdown renderer
//! ([`simdesk_model::render::document_markdown`], whose docs list the
//! rules: headings, emphasis, escaping, list indents, tables, page breaks),
//! so a `.md` file reads like the engine's `.md` export and the agents'
//! view of the same document. The document title is not written.
//!
//! A `.md` file is imported as a markdown text artifact, not as a document.

use simdesk_model::{Artifact, Document, TextFormat};

use crate::{ExportOptions, Format, FormatError};

/// Writes a document as markdown text.
pub fn export_document(doc: &Document) -> String {
    simdesk_model::render::document_markdown(doc)
}

/// Writes a document, or a markdown text as it is, as `.md`.
pub fn export(artifact: &Artifact, _opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    match artifact {
        Artifact::Document(d) => Ok(export_document(d).into_bytes()),
        Artifact::Text(t) if t.format == TextFormat::Markdown => Ok(t.content.as_bytes().to_vec()),
        a => Err(FormatError::Unsupported {
            kind: a.kind(),
            format: Format::Markdown,
        }),
    }
}
