//! The PDF reader: text per page, with every decompression bounded.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{Document, Encoding, LoadOptions, Object};
use simdesk_model::{Artifact, Pdf, PdfPage};

use crate::{Format, FormatError, Limits};

/// Most cross-reference sections followed through `/Prev`.
const MAX_XREF_SECTIONS: usize = 10_000;

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

fn number_after(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.get(at..)?;
    let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
    let digits: Vec<u8> = rest[start..]
        .iter()
        .take_while(|b| b.is_ascii_digit())
        .take(12)
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Requires the final `startxref`, follows the chain of cross-reference
/// sections (it, then each section's `/Prev`) and refuses a chain that
/// loops back on itself. A
/// repairing reader would otherwise guess at the file's structure.
fn check_xref_chain(bytes: &[u8]) -> Result<(), FormatError> {
    let tail_from = bytes.len().saturating_sub(2048);
    let Some(sx) = bytes[tail_from..]
        .windows(9)
        .rposition(|w| w == b"startxref")
        .map(|i| i + tail_from)
    else {
        // Every PDF ends with `startxref`; without it the file was cut
        // short, and a repairing reader would return part of it as if whole.
        return Err(malformed(
            "no startxref in the last 2048 bytes: the file is truncated",
        ));
    };
    let mut next = number_after(bytes, sx + 9);
    let mut seen = std::collections::BTreeSet::new();
    // Each section is searched from its offset to the next `startxref` or
    // `stream`: a long /Prev chain far from any made that quadratic in the
    // file. The bytes searched are budgeted at a few times the file.
    let budget = bytes.len().saturating_mul(4).saturating_add(1 << 20);
    let mut searched = 0usize;
    while let Some(offset) = next {
        if offset >= bytes.len() {
            return Ok(());
        }
        if !seen.insert(offset) {
            return Err(malformed(format!(
                "the cross-reference chain loops back to offset {offset}"
            )));
        }
        if seen.len() > MAX_XREF_SECTIONS {
            return Err(limit(
                "cross-reference sections",
                seen.len() as u64,
                MAX_XREF_SECTIONS as u64,
                "trailer /Prev chain",
            ));
        }
        // The section's dictionary ends before its `startxref` (a table
        // and its trailer) or before `stream` (a cross-reference stream).
        let end = [
            find(bytes, b"startxref", offset),
            find(bytes, b"stream", offset),
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(bytes.len());
        searched = searched.saturating_add(end.saturating_sub(offset).saturating_mul(2));
        if searched > budget {
            return Err(limit(
                "cross-reference bytes searched",
                searched as u64,
                budget as u64,
                "trailer /Prev chain",
            ));
        }
        next = find(&bytes[..end], b"/Prev", offset).and_then(|p| number_after(bytes, p + 5));
    }
    Ok(())
}

fn malformed(reason: impl Into<String>) -> FormatError {
    FormatError::malformed(Format::Pdf, reason)
}

fn limit(limit: &'static str, actual: u64, max: u64, context: impl Into<String>) -> FormatError {
    FormatError::Limit {
        limit,
        actual,
        max,
        context: context.into(),
    }
}

/// Turns a lopdf error into a typed one: a decompression over the bound is
/// a limit, anything else malformed input.
fn lopdf_err(e: lopdf::Error, limits: &Limits, context: &str) -> FormatError {
    match e {
        lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { limit: max }) => {
            limit(
                "pdf decompressed bytes",
                (max as u64).saturating_add(1),
                limits.max_pdf_decompressed,
                format!("{context}: a stream inflates beyond the limit"),
            )
        }
        e => FormatError::malformed_by(Format::Pdf, context, e),
    }
}

/// Reads the text of a `.pdf` file, page by page, into an [`Artifact::Pdf`].
pub fn import_pdf(bytes: &[u8], limits: &Limits) -> Result<Artifact, FormatError> {
    if bytes.len() as u64 > limits.max_input_bytes {
        return Err(limit(
            "input bytes",
            bytes.len() as u64,
            limits.max_input_bytes,
            "pdf input",
        ));
    }
    if bytes.is_empty() {
        return Err(malformed("empty file"));
    }
    let head = &bytes[..bytes.len().min(1024)];
    if !head.windows(5).any(|w| w == b"%PDF-") {
        return Err(malformed("no %PDF- header in the first 1024 bytes"));
    }
    check_xref_chain(bytes)?;
    let budget = usize::try_from(limits.max_pdf_decompressed).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(budget),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes, options)
        .map_err(|e| lopdf_err(e, limits, "loading"))?;
    if doc.is_encrypted() {
        return Err(malformed("encrypted PDF"));
    }
    let pages = doc.get_pages();
    if pages.len() > limits.max_items {
        return Err(limit(
            "pages",
            pages.len() as u64,
            limits.max_items as u64,
            "page tree",
        ));
    }
    let title = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| match o {
            Object::Reference(id) => doc.get_dictionary(*id).ok(),
            Object::Dictionary(d) => Some(d),
            _ => None,
        })
        .and_then(|info| info.get(b"Title").ok())
        .and_then(|t| lopdf::decode_text_string(t).ok())
        .filter(|t| !t.is_empty());

    let mut remaining = budget;
    let mut out = Vec::with_capacity(pages.len());
    for (number, page_id) in pages {
        let context = format!("page {number}");
        let fonts = doc
            .get_page_fonts(page_id)
            .map_err(|e| lopdf_err(e, limits, &context))?;
        let mut encodings: BTreeMap<Vec<u8>, Encoding<'_>> = BTreeMap::new();
        for (name, font) in fonts {
            // A font whose encoding cannot be read draws nothing readable;
            // its text is skipped rather than failing the page, unless the
            // reason is the decompression bound.
            match font.get_font_encoding_with_limit(&doc, remaining) {
                Ok(enc) => {
                    encodings.insert(name, enc);
                }
                Err(e) => {
                    let err = lopdf_err(e, limits, &context);
                    if matches!(err, FormatError::Limit { .. }) {
                        return Err(err);
                    }
                }
            }
        }
        let content = doc
            .get_page_content_with_limit(page_id, remaining)
            .map_err(|e| lopdf_err(e, limits, &context))?;
        remaining = remaining.checked_sub(content.len()).ok_or_else(|| {
            limit(
                "pdf decompressed bytes",
                (budget - remaining + content.len()) as u64,
                limits.max_pdf_decompressed,
                context.clone(),
            )
        })?;
        let ops = Content::decode(&content).map_err(|e| lopdf_err(e, limits, &context))?;
        out.push(PdfPage {
            text: page_text(&ops.operations, &encodings),
        });
    }
    Ok(Artifact::Pdf(Pdf { title, pages: out }))
}

/// The text of one page's content: a line per text object or line move,
/// pieces placed with `Tm` joined into the line they continue; text inside
/// `/Artifact` marked content (page furniture) is left out.
fn page_text(
    ops: &[lopdf::content::Operation],
    encodings: &BTreeMap<Vec<u8>, Encoding<'_>>,
) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut in_text = false;
    let mut shown = false;
    let mut encoding: Option<&Encoding<'_>> = None;
    // Open marked-content sequences, true for an `/Artifact` one: page
    // furniture (running headers, page numbers) that is not the page's
    // text.
    let mut marked: Vec<bool> = Vec::new();
    let show = |line: &mut String, enc: Option<&Encoding<'_>>, operands: &[Object]| {
        let Some(enc) = enc else { return };
        for o in operands {
            match o {
                Object::String(bytes, _) => {
                    if let Ok(s) = enc.bytes_to_string(bytes) {
                        line.push_str(&s);
                    }
                }
                Object::Array(items) => {
                    for item in items {
                        match item {
                            Object::String(bytes, _) => {
                                if let Ok(s) = enc.bytes_to_string(bytes) {
                                    line.push_str(&s);
                                }
                            }
                            // A large negative adjustment is a word gap.
                            Object::Integer(i) if *i < -250 => line.push(' '),
                            Object::Real(r) if *r < -250.0 => line.push(' '),
                            _ => {}
                        }
                    }
                }
                _ => {}
            }
        }
    };
    for op in ops {
        match op.operator.as_str() {
            "BMC" | "BDC" => {
                let artifact = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .is_some_and(|n| n == b"Artifact");
                marked.push(artifact);
                continue;
            }
            "EMC" => {
                marked.pop();
                continue;
            }
            _ if marked.iter().any(|&a| a) => continue,
            _ => {}
        }
        match op.operator.as_str() {
            "BT" => {
                in_text = true;
                shown = false;
            }
            "ET" => {
                if in_text {
                    lines.push(std::mem::take(&mut line));
                }
                in_text = false;
            }
            "Tf" => {
                encoding = op
                    .operands
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| encodings.get(n));
            }
            "Td" | "TD" | "T*" if shown => {
                // A line move after text: a new line (other producers put a
                // whole page in one text object).
                lines.push(std::mem::take(&mut line));
                shown = false;
            }
            "Tj" | "TJ" => {
                show(&mut line, encoding, &op.operands);
                shown = true;
            }
            "'" => {
                if shown {
                    lines.push(std::mem::take(&mut line));
                }
                show(&mut line, encoding, &op.operands);
                shown = true;
            }
            "\"" => {
                if shown {
                    lines.push(std::mem::take(&mut line));
                }
                show(
                    &mut line,
                    encoding,
                    op.operands.get(2..).unwrap_or_default(),
                );
                shown = true;
            }
            _ => {}
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Thousands of `/Prev` entries, none near a `startxref`: each section
    /// was searched to the end of the file (quadratic; 10,000 sections of a
    /// 256 MB file would take hours).
    #[test]
    fn regression_a_long_prev_chain_far_from_startxref_was_quadratic() {
        let n = 3000;
        let mut b = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for _ in 0..n {
            offsets.push(b.len());
            b.extend_from_slice(b"/Prev 0000000000");
            b.extend(std::iter::repeat_n(b' ', 80));
        }
        // Each entry points at the next one.
        for i in 0..n - 1 {
            let at = offsets[i] + 6;
            b[at..at + 10].copy_from_slice(format!("{:010}", offsets[i + 1]).as_bytes());
        }
        let last = offsets[n - 1] + 6;
        let beyond = b.len() + 1000;
        b[last..last + 10].copy_from_slice(format!("{beyond:010}").as_bytes());
        b.extend_from_slice(format!("startxref\n{}\n%%EOF\n", offsets[0]).as_bytes());
        let r = check_xref_chain(&b);
        let Err(FormatError::Limit { limit, .. }) = &r else {
            panic!("{r:?}")
        };
        assert_eq!(*limit, "cross-reference bytes searched");
    }
}
