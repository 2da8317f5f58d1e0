//! PDF files: documents, decks, workbooks and Pdf artifacts rendered to
//! pages of text by this module's own writer, and the text of any PDF read
//! back page by page with lopdf.
//!
//! # Writing
//!
//! Text is laid out here (`layout`) on the paper of
//! [`ExportOptions::paper`]: wrapped at spaces (anywhere in a word too
//! long for the line, as CJK text needs), paginated, titles and headings
//! larger and bold, tables and sheets as aligned columns (numbers
//! right-aligned, header and total rows bold). A Pdf artifact carries no
//! structure, so its title (the first line) and headings (a short line
//! standing alone between blank lines, capitalised, not ending like a
//! sentence) are read from the text. A deck is one 16:9 page per slide; a
//! workbook one grid per sheet on landscape pages, with the columns that
//! do not fit continued on following pages.
//!
//! Page numbers (`Page n of N`; `n / N` on slides) and, from the second
//! page of a document or Pdf with a title, a running header with the
//! title are page furniture: drawn in grey inside `/Artifact` marked
//! content, which text extraction by this crate skips (so a Pdf's round
//! trip gives its own text back) and which screen readers and most
//! extractors treat as not part of the content. Bold is drawn by
//! stroking the glyph outlines (text render mode 2), so one embedded
//! regular face serves both weights.
//!
//! Any character the model holds is drawn with the first embedded font
//! that has it (DejaVu Sans, then Noto Sans Devanagari, then Droid Sans
//! Fallback for CJK; see `fonts/README.md`), each font subset to the
//! glyphs the file uses and mapped back to Unicode (`/ToUnicode`), so text
//! extraction gives the characters back.
//!
//! The file itself is written here (`write`): fonts as Type 0 /
//! CIDFontType2 with their real advance widths, content streams and font
//! programs deflated, a classic cross-reference table. Every volatile
//! value comes from [`ExportOptions`]: the info dictionary's dates and
//! author, and the trailer `/ID` (digests of the ident and of the file), so
//! two exports of the same artifact with the same options are
//! byte-identical, in one process or many.
//!
//! # Reading
//!
//! [`import_pdf`] reads any PDF's text, page by page, into an
//! [`Artifact::Pdf`]: one line per text object (`BT … ET`) or line move
//! inside one, pieces placed with `Tm` joined into the line they continue
//! (that is how this writer places wrapped lines). Untrusted input is
//! bounded: the input size, the decompressed size of all streams together
//! ([`crate::Limits::max_pdf_decompressed`], enforced by lopdf while loading and
//! by this reader while extracting), and the page count
//! ([`crate::Limits::max_items`]); lopdf detects cross-reference loops itself and
//! the page tree is walked by lopdf with cycle detection.
//!
//! # What the format cannot carry (round-trip exceptions)
//!
//! For a Pdf artifact, `import(export(pdf))` equals [`normal_form`]:
//!
//! - characters no embedded font has a glyph for (emoji, private use,
//!   control characters) are dropped, and a tab becomes a space;
//! - a Pdf without pages is written with one empty page;
//! - characters that share one glyph in a font (for example the Ohm sign
//!   and Greek capital omega) come back as the first such character in code
//!   point order that the file uses (a `/ToUnicode` map names one text per
//!   glyph); [`normal_form`] does not model this, keep such pairs out of
//!   round-trip tests;
//! - complex scripts are drawn without shaping (Arabic letters in their
//!   isolated forms, left to right; Devanagari without conjuncts); the
//!   extracted text is the original character sequence all the same.
//!
//! Documents, decks and workbooks are rendered, not round-tripped: importing
//! their PDF gives a Pdf artifact of their text.

mod fonts;
mod layout;
mod read;
mod write;

use simdesk_model::{Artifact, Pdf, PdfPage as ModelPage};

pub use read::import_pdf;

use crate::{ExportOptions, Format, FormatError};

/// Renders a document, deck, workbook or Pdf artifact as a `.pdf` file.
pub fn export_pdf(artifact: &Artifact, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    let base = fonts::base_fonts()?;
    let (pages, title) = match artifact {
        Artifact::Document(d) => (layout::document(base, d, opts.paper), d.title.clone()),
        Artifact::Deck(d) => (layout::deck(base, d), d.title.clone()),
        Artifact::Workbook(w) => (layout::workbook(base, w, opts.paper), None),
        Artifact::Pdf(p) => (layout::pdf(base, p, opts.paper), p.title.clone()),
        other => {
            return Err(FormatError::Unsupported {
                kind: other.kind(),
                format: Format::Pdf,
            });
        }
    };
    render(&pages, title.as_deref().unwrap_or_default(), opts)
}

/// The Pdf artifact as it comes back from a PDF round trip (see the module
/// docs for what changes).
pub fn normal_form(pdf: &Pdf) -> Pdf {
    let Ok(base) = fonts::base_fonts() else {
        return pdf.clone();
    };
    let mut pages: Vec<ModelPage> = pdf
        .pages
        .iter()
        .map(|p| ModelPage {
            text: p
                .text
                .split('\n')
                .map(|l| fonts::drawable(base, l))
                .collect::<Vec<_>>()
                .join("\n"),
        })
        .collect();
    if pages.is_empty() {
        pages.push(ModelPage::default());
    }
    Pdf {
        title: pdf.title.clone(),
        pages,
    }
}

fn render(
    pages: &[layout::Page],
    title: &str,
    opts: &ExportOptions,
) -> Result<Vec<u8>, FormatError> {
    write::write(fonts::base_fonts()?, pages, title, opts)
}
