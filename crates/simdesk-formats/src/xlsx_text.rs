//! Text results of formulas stay text in a written `.xlsx`.
//!
//! rust_xlsxwriter types a formula's cached result by its text: `3` is
//! written as a number, `TRUE` as a boolean, `#N/A` as an error. A formula
//! whose value is the *text* `3` (`TEXT(2.5,"0")`) would come back from
//! any reader as the number 3. [`mark_text_results`] rewrites the cells
//! named to carry `t="str"`, in the finished package: the parts it does
//! not touch are copied as they were deflated, the ones it does are
//! deflated again at [`crate::ZIP_LEVEL`] with the time rust_xlsxwriter
//! stamps, so the bytes stay a function of the workbook.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _, Write as _};

use crate::{Format, FormatError};

fn err(what: impl Into<String>, e: impl Into<crate::Cause>) -> FormatError {
    FormatError::write_by(Format::Xlsx, what, e)
}

/// Rewrites `xlsx` so that the cells of `cells` (sheet index, 0-based, to
/// cell references like `B4` and their text) carry `t="str"` and their
/// text as the cached value (rust_xlsxwriter writes `TRUE` as `1`).
pub(crate) fn mark_text_results(
    xlsx: Vec<u8>,
    cells: &BTreeMap<usize, BTreeMap<String, String>>,
) -> Result<Vec<u8>, FormatError> {
    if cells.is_empty() {
        return Ok(xlsx);
    }
    let parts: BTreeMap<String, &BTreeMap<String, String>> = cells
        .iter()
        .map(|(i, c)| (format!("xl/worksheets/sheet{}.xml", i + 1), c))
        .collect();
    let mut archive =
        zip::ZipArchive::new(Cursor::new(&xlsx)).map_err(|e| err("reading back the package", e))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::with_capacity(xlsx.len())));
    for i in 0..archive.len() {
        let name = archive
            .name_for_index(i)
            .and_then(Result::ok)
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default();
        let Some(refs) = parts.get(&name) else {
            let file = archive.by_index_raw(i).map_err(|e| err(name.clone(), e))?;
            out.raw_copy_file(file).map_err(|e| err(name.clone(), e))?;
            continue;
        };
        let mut file = archive.by_index(i).map_err(|e| err(name.clone(), e))?;
        let time = file.last_modified().unwrap_or_default();
        let mut xml = String::new();
        file.read_to_string(&mut xml)
            .map_err(|e| err(name.clone(), e))?;
        drop(file);
        let xml = mark(&xml, refs);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(i64::from(crate::ZIP_LEVEL)))
            .last_modified_time(time);
        out.start_file(name.as_str(), options)
            .map_err(|e| err(name.clone(), e))?;
        out.write_all(xml.as_bytes())
            .map_err(|e| err(name.clone(), e))?;
    }
    out.finish()
        .map(Cursor::into_inner)
        .map_err(|e| err("zip directory", e))
}

/// The sheet XML with `t="str"` on the `<c>` elements whose `r` is in
/// `refs` (any `t` they had replaced) and their text as the cached value;
/// one pass over the text.
fn mark(xml: &str, refs: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(xml.len() + refs.len() * 8);
    let mut rest = xml;
    while let Some(at) = rest.find("<c r=\"") {
        let (before, tag_on) = rest.split_at(at);
        out.push_str(before);
        let end = tag_on.find('>').unwrap_or(tag_on.len());
        let tag = &tag_on[..end];
        let r = tag[6..].split('"').next().unwrap_or("");
        rest = &tag_on[end..];
        let Some(text) = refs.get(r) else {
            out.push_str(tag);
            continue;
        };
        let without_t = strip_t(tag);
        match without_t.strip_suffix('/') {
            Some(open) => {
                out.push_str(open);
                out.push_str(" t=\"str\"/");
            }
            None => {
                out.push_str(&without_t);
                out.push_str(" t=\"str\"");
                // The cached value, up to the cell's end.
                let cell_end = rest.find("</c>").unwrap_or(rest.len());
                let cell = &rest[..cell_end];
                if let (Some(v0), Some(v1)) = (cell.find("<v>"), cell.find("</v>")) {
                    out.push_str(&cell[..v0 + 3]);
                    out.push_str(&escape(text));
                    out.push_str(&cell[v1..]);
                    rest = &rest[cell_end..];
                }
            }
        }
    }
    out.push_str(rest);
    out
}

/// Text as XML character data.
fn escape(t: &str) -> String {
    t.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A start tag without its ` t="…"` attribute.
fn strip_t(tag: &str) -> String {
    match tag.find(" t=\"") {
        Some(at) => {
            let after = &tag[at + 4..];
            let close = after.find('"').map_or(after.len(), |c| c + 1);
            format!("{}{}", &tag[..at], &after[close..])
        }
        None => tag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_only_the_named_cells() {
        let refs: BTreeMap<String, String> = [("A2", "3"), ("B1", "TRUE")]
            .map(|(a, t)| (a.to_owned(), t.to_owned()))
            .into();
        let xml = r#"<row><c r="A1"><f>1</f><v>1</v></c><c r="B1" s="2" t="b"><f>X</f><v>1</v></c></row><row><c r="A2"><f>TEXT(2.5,"0")</f><v>3</v></c><c r="A20"><v>5</v></c></row>"#;
        assert_eq!(
            mark(xml, &refs),
            r#"<row><c r="A1"><f>1</f><v>1</v></c><c r="B1" s="2" t="str"><f>X</f><v>TRUE</v></c></row><row><c r="A2" t="str"><f>TEXT(2.5,"0")</f><v>3</v></c><c r="A20"><v>5</v></c></row>"#
        );
    }
}
