//! PDF files: documents, decks, workbooks and Pdf artifacts rendered to
//! pages of text with printpdf, and the text of any PDF read back page by
//! page with lopdf.
//!
//! # Writing
//!
//! Text is laid out here (`layout`): wrapped at spaces (anywhere in a
//! word too long for the line, as CJK text needs), paginated, headings
//! larger, tables and sheets as aligned columns, page numbers under
//! documents, workbooks and decks (`n / N` on slides). A deck is one 16:9
//! page per slide; a workbook one grid per sheet on landscape pages, with
//! the columns that do not fit continued on following pages.
//!
//! Any character the model holds is drawn with the first embedded font
//! that has it (DejaVu Sans, then Noto Sans Devanagari, then Droid Sans
//! Fallback for CJK; see `fonts/README.md`), each font subset to the
//! glyphs the file uses and mapped back to Unicode (`/ToUnicode`), so text
//! extraction gives the characters back.
//!
//! Every volatile value comes from [`ExportOptions`]: the info dictionary's
//! dates and author, and the trailer `/ID` (a digest of the ident, written
//! over the random one printpdf makes), so two exports of the same
//! artifact with the same options are byte-identical, in one process or
//! many.
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

use std::collections::BTreeSet;

use printpdf::{
    Color, FontId, Line, LinePoint, Op, PdfDocument, PdfDocumentInfo, PdfFont, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Pt, Rect, Rgb, TextItem, TextMatrix,
};
use simdesk_model::{Artifact, Pdf, PdfPage as ModelPage, SimTime};

pub use read::import_pdf;

use crate::{ExportOptions, Format, FormatError};

fn write_err(reason: impl Into<String>) -> FormatError {
    FormatError::Write {
        format: Format::Pdf,
        reason: reason.into(),
    }
}

/// Renders a document, deck, workbook or Pdf artifact as a `.pdf` file.
pub fn export_pdf(artifact: &Artifact, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    let base = fonts::base_fonts()?;
    let (pages, title) = match artifact {
        Artifact::Document(d) => (layout::document(base, d), d.title.clone()),
        Artifact::Deck(d) => (layout::deck(base, d), d.title.clone()),
        Artifact::Workbook(w) => (layout::workbook(base, w), None),
        Artifact::Pdf(p) => (layout::pdf(base, p), p.title.clone()),
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

fn pdf_time(t: SimTime) -> Result<printpdf::OffsetDateTime, FormatError> {
    printpdf::OffsetDateTime::from_unix_timestamp(t.secs())
        .map_err(|e| write_err(format!("time {t}: {e}")))
}

fn render(
    pages: &[layout::Page],
    title: &str,
    opts: &ExportOptions,
) -> Result<Vec<u8>, FormatError> {
    let base = fonts::base_fonts()?;
    let mut used: Vec<BTreeSet<char>> = vec![BTreeSet::new(); base.len()];
    for text in layout::all_text(pages) {
        for (f, run) in fonts::runs(base, text) {
            used[f].extend(run.chars());
        }
    }

    let mut doc = PdfDocument::new(title);
    doc.metadata.info = PdfDocumentInfo {
        document_title: title.to_owned(),
        author: opts.author.clone(),
        creator: "simdesk".to_owned(),
        producer: "simdesk".to_owned(),
        creation_date: pdf_time(opts.created)?,
        modification_date: pdf_time(opts.modified)?,
        metadata_date: pdf_time(opts.modified)?,
        identifier: opts.ident.clone(),
        ..PdfDocumentInfo::default()
    };
    // Font ids are fixed names (printpdf's own are random).
    for (i, chars) in used.iter().enumerate() {
        if !chars.is_empty() {
            let f = fonts::subset_font(&base[i], chars)?;
            doc.resources.fonts.map.insert(font_id(i), PdfFont::new(f));
        }
    }

    doc.pages = pages.iter().map(|p| page_ops(base, p)).collect();
    let save = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: None,
    };
    let mut warnings = Vec::new();
    let bytes = doc.save(&save, &mut warnings);
    if bytes.is_empty() {
        return Err(write_err("printpdf wrote no bytes"));
    }
    set_trailer_id(bytes, opts)
}

fn font_id(i: usize) -> FontId {
    FontId(format!("F{i}"))
}

fn page_ops(base: &[printpdf::ParsedFont], p: &layout::Page) -> PdfPage {
    let mut ops = Vec::new();
    if !p.rules.is_empty() {
        ops.push(Op::SaveGraphicsState);
        ops.push(Op::SetOutlineColor {
            col: Color::Rgb(Rgb::new(0.4, 0.4, 0.4, None)),
        });
        ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        for &(x1, y1, x2, y2) in &p.rules {
            ops.push(Op::DrawLine {
                line: Line {
                    points: vec![
                        LinePoint {
                            p: Point {
                                x: Pt(x1),
                                y: Pt(y1),
                            },
                            bezier: false,
                        },
                        LinePoint {
                            p: Point {
                                x: Pt(x2),
                                y: Pt(y2),
                            },
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            });
        }
        ops.push(Op::RestoreGraphicsState);
    }
    for block in &p.blocks {
        ops.push(Op::StartTextSection);
        for (i, piece) in block.iter().enumerate() {
            let pos = Point {
                x: Pt(piece.x),
                y: Pt(piece.y),
            };
            if i == 0 {
                ops.push(Op::SetTextCursor { pos });
            } else {
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(pos.x, pos.y),
                });
            }
            for (f, run) in fonts::runs(base, &piece.text) {
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font_id(f)),
                    size: Pt(piece.size),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(run)],
                });
            }
        }
        ops.push(Op::EndTextSection);
    }
    let bx = Rect::from_wh(Pt(p.width), Pt(p.height));
    PdfPage {
        media_box: bx.clone(),
        trim_box: bx.clone(),
        crop_box: bx,
        ops,
    }
}

/// FNV-1a, 64 bits.
fn fnv64(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Writes the trailer `/ID` from the options over the random one printpdf
/// makes. printpdf writes two 32-letter literal strings; they are replaced
/// in place by two 32-digit hex strings of the same length, so no offset in
/// the file moves. The first names the file (the ident); the second this
/// version of it (ident, modified time and the rest of the file).
fn set_trailer_id(mut bytes: Vec<u8>, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    let at = bytes
        .windows(5)
        .rposition(|w| w == b"/ID[(")
        .ok_or_else(|| write_err("no trailer /ID to make deterministic"))?;
    let first = at + 5;
    let second = first + 32 + 2;
    let ok = bytes.get(first + 32..first + 34) == Some(b")(".as_slice())
        && bytes.get(second + 32) == Some(&b')')
        && bytes[first..first + 32]
            .iter()
            .all(u8::is_ascii_alphanumeric)
        && bytes[second..second + 32]
            .iter()
            .all(u8::is_ascii_alphanumeric);
    if !ok {
        return Err(write_err("unexpected trailer /ID layout"));
    }
    let ident = opts.ident.as_bytes();
    let id1 = format!("{:016x}{:016x}", fnv64(1, ident), fnv64(2, ident));
    let mut version = Vec::from(ident);
    version.extend_from_slice(opts.modified.to_string().as_bytes());
    version.extend_from_slice(&bytes[..at]);
    let id2 = format!("{:016x}{:016x}", fnv64(3, &version), fnv64(4, &version));
    bytes[first..first + 32].copy_from_slice(id1.as_bytes());
    bytes[second..second + 32].copy_from_slice(id2.as_bytes());
    Ok(bytes)
}
