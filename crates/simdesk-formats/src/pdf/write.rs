//! The PDF file writer: laid-out pages to bytes.
//!
//! The file is plain PDF 1.7 with a classic cross-reference table: a
//! catalog, a page tree, an info dictionary, one content stream per page,
//! and per font used a Type 0 font with Identity-H encoding over a
//! CIDFontType2 descendant whose `/FontFile2` is the subset program,
//! `/W` its real advance widths, and `/ToUnicode` a CMap from the subset's
//! glyphs back to the characters. Text is shown as two-byte glyph ids.
//!
//! Objects are numbered in a fixed order and every number is printed in a
//! fixed way, so the same pages and options always give the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;
use std::sync::Arc;

use flate2::Compression;
use flate2::write::ZlibEncoder;
use simdesk_model::SimTime;

use super::fonts::{self, FontSet, Subset};
use super::layout::{Page, Piece};
use crate::ExportOptions;
use crate::{Format, FormatError};

/// Deflate level of page content streams: small streams written once per
/// file, where speed matters more than the last bytes.
pub(crate) const CONTENT_LEVEL: u32 = 3;
/// Deflate level of font programs, which the subset memo compresses once
/// for many files.
pub(crate) const FONT_LEVEL: u32 = 6;

/// Zlib-wraps (`/FlateDecode`) `bytes` at `level`.
pub(crate) fn deflate(bytes: &[u8], level: u32) -> Result<Vec<u8>, FormatError> {
    deflate_into(Vec::with_capacity(bytes.len() / 3 + 64), bytes, level)
}

/// Zlib-wraps `bytes` at `level` into `out`; a failure of the writer is a
/// write error with its cause (never an empty stream in the file).
fn deflate_into<W: std::io::Write>(out: W, bytes: &[u8], level: u32) -> Result<W, FormatError> {
    let mut enc = ZlibEncoder::new(out, Compression::new(level));
    enc.write_all(bytes)
        .and_then(|()| enc.finish())
        .map_err(|e| FormatError::write_by(Format::Pdf, "deflating a stream", e))
}

/// A number as PDF writes it: at most two decimals, no trailing zeros, no
/// exponent, never `-0`.
fn num(out: &mut Vec<u8>, v: f32) {
    let r = (f64::from(v) * 100.0).round() as i64;
    let (sign, r) = if r < 0 { ("-", -r) } else { ("", r) };
    let (int, frac) = (r / 100, r % 100);
    let s = match frac {
        0 => format!("{sign}{int}"),
        f if f % 10 == 0 => format!("{sign}{int}.{}", f / 10),
        f => format!("{sign}{int}.{f:02}"),
    };
    let s = if s == "-0" { "0".to_owned() } else { s };
    out.extend_from_slice(s.as_bytes());
}

/// A text string: a literal when it is printable ASCII, otherwise UTF-16BE
/// with a byte-order mark, in hex.
fn text_string(s: &str) -> String {
    if s.chars().all(|c| (' '..='~').contains(&c)) {
        let mut out = String::with_capacity(s.len() + 2);
        out.push('(');
        for c in s.chars() {
            if matches!(c, '(' | ')' | '\\') {
                out.push('\\');
            }
            out.push(c);
        }
        out.push(')');
        out
    } else {
        let mut out = String::from("<FEFF");
        for u in s.encode_utf16() {
            let _ = write!(out, "{u:04X}");
        }
        out.push('>');
        out
    }
}

/// A PDF date of a simulated time, in UTC.
fn pdf_date(t: SimTime) -> String {
    let (y, mo, d) = t.date();
    let (h, mi, s) = t.time_of_day();
    format!("(D:{y:04}{mo:02}{d:02}{h:02}{mi:02}{s:02}Z)")
}

/// FNV-1a, 64 bits, its offset basis xored with `seed`.
pub(crate) fn fnv64(seed: u64, bytes: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Objects appended in order, with their offsets.
struct Out {
    buf: Vec<u8>,
    offsets: Vec<usize>,
}

impl Out {
    /// Starts object `id` (ids are handed out in writing order).
    fn begin(&mut self, id: usize) {
        debug_assert_eq!(id, self.offsets.len() + 1);
        self.offsets.push(self.buf.len());
        let _ = writeln!(self.buf, "{id} 0 obj");
    }

    fn dict(&mut self, id: usize, body: &str) {
        self.begin(id);
        self.buf.extend_from_slice(body.as_bytes());
        self.buf.extend_from_slice(b"\nendobj\n");
    }

    fn stream(&mut self, id: usize, extra: &str, data: &[u8]) {
        self.begin(id);
        let _ = write!(
            self.buf,
            "<< /Length {} /Filter /FlateDecode{extra} >>\nstream\n",
            data.len()
        );
        self.buf.extend_from_slice(data);
        self.buf.extend_from_slice(b"\nendstream\nendobj\n");
    }
}

/// One font as a file uses it: which font, its subset, and its object ids.
struct UsedFont {
    index: usize,
    subset: Arc<Subset>,
    /// The Type 0 font; the descendant, descriptor, program and ToUnicode
    /// map follow it.
    first_id: usize,
}

/// The `/ToUnicode` CMap of a subset: every glyph back to the first
/// character (in code point order) of `chars` that it draws.
fn to_unicode(fonts: &FontSet, used: &UsedFont, chars: &BTreeSet<char>) -> Vec<u8> {
    let font = fonts.font(used.index);
    let mut map: Vec<(u16, char)> = Vec::new();
    let mut seen: BTreeSet<u16> = BTreeSet::new();
    for &c in chars {
        if let Some(new) = font.glyph(c).and_then(|g| used.subset.new_id(g))
            && seen.insert(new)
        {
            map.push((new, c));
        }
    }
    map.sort_unstable();
    let mut s = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in map.chunks(100) {
        let _ = writeln!(s, "{} beginbfchar", chunk.len());
        for &(gid, c) in chunk {
            let _ = write!(s, "<{gid:04X}> <");
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                let _ = write!(s, "{u:04X}");
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    s.into_bytes()
}

/// The `/W` array of a subset: every glyph's advance in thousandths of an
/// em, as one run from glyph 0.
fn widths(fonts: &FontSet, used: &UsedFont) -> String {
    let font = fonts.font(used.index);
    let mut s = String::from("[0 [");
    for (i, &old) in used.subset.old_ids.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{}", font.scaled(i32::from(font.advance_units(old))));
    }
    s.push_str("]]");
    s
}

/// The content stream of one page.
fn content(fonts: &FontSet, used: &[Option<UsedFont>], page: &Page) -> Vec<u8> {
    let mut out = Vec::new();
    if !page.rules.is_empty() {
        out.extend_from_slice(b"q\n0.4 0.4 0.4 RG\n0.6 w\n");
        for &(x1, y1, x2, y2) in &page.rules {
            num(&mut out, x1);
            out.push(b' ');
            num(&mut out, y1);
            out.extend_from_slice(b" m ");
            num(&mut out, x2);
            out.push(b' ');
            num(&mut out, y2);
            out.extend_from_slice(b" l S\n");
        }
        out.extend_from_slice(b"Q\n");
    }
    for block in &page.blocks {
        text_object(&mut out, fonts, used, block);
    }
    if !page.furniture.is_empty() {
        // Running header and page numbers: grey, and marked as pagination
        // artifacts so text extraction leaves them out.
        out.extend_from_slice(b"/Artifact << /Type /Pagination >> BDC\nq\n0.4 g\n");
        for piece in &page.furniture {
            text_object(&mut out, fonts, used, std::slice::from_ref(piece));
        }
        out.extend_from_slice(b"Q\nEMC\n");
    }
    out
}

/// One `BT … ET` text object: the first piece placed with `Td`, the rest
/// with `Tm`; a bold piece drawn filled and stroked (render mode 2) with
/// a stroke of 3.5% of its size.
fn text_object(out: &mut Vec<u8>, fonts: &FontSet, used: &[Option<UsedFont>], block: &[Piece]) {
    out.extend_from_slice(b"BT\n");
    let mut bold = false;
    for (i, piece) in block.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b"1 0 0 1 ");
        }
        num(out, piece.x);
        out.push(b' ');
        num(out, piece.y);
        out.extend_from_slice(if i == 0 { b" Td\n" } else { b" Tm\n" });
        if piece.bold != bold {
            bold = piece.bold;
            if bold {
                out.extend_from_slice(b"2 Tr ");
                num(out, piece.size * 0.035);
                out.extend_from_slice(b" w\n");
            } else {
                out.extend_from_slice(b"0 Tr\n");
            }
        }
        for (f, run) in fonts::runs(fonts, &piece.text) {
            let Some(u) = used.get(f).and_then(Option::as_ref) else {
                continue;
            };
            let font = fonts.font(f);
            let _ = write!(out, "/F{f} ");
            num(out, piece.size);
            out.extend_from_slice(b" Tf\n<");
            for c in run.chars() {
                let g = font.glyph(c).and_then(|g| u.subset.new_id(g)).unwrap_or(0);
                let _ = write!(out, "{g:04X}");
            }
            out.extend_from_slice(b"> Tj\n");
        }
    }
    if bold {
        out.extend_from_slice(b"0 Tr\n");
    }
    out.extend_from_slice(b"ET\n");
}

/// Writes `pages` as a PDF file.
pub(crate) fn write(
    fonts: &FontSet,
    pages: &[Page],
    title: &str,
    opts: &ExportOptions,
) -> Result<Vec<u8>, FormatError> {
    // The characters each font draws in this file.
    let mut chars: Vec<BTreeSet<char>> = vec![BTreeSet::new(); fonts.len()];
    for text in super::layout::all_text(pages) {
        for (f, run) in fonts::runs(fonts, text) {
            chars[f].extend(run.chars());
        }
    }

    // Object ids: 1 catalog, 2 page tree, 3 info, 4 resources, then five
    // per font, then two per page (page and content).
    let mut next = 5;
    let mut used: Vec<Option<UsedFont>> = Vec::with_capacity(fonts.len());
    for (index, cs) in chars.iter().enumerate() {
        if cs.is_empty() {
            used.push(None);
            continue;
        }
        used.push(Some(UsedFont {
            index,
            subset: fonts::subset_for(fonts, index, cs)?,
            first_id: next,
        }));
        next += 5;
    }
    let first_page = next;
    let page_count = pages.len().max(1);

    let mut out = Out {
        buf: Vec::with_capacity(16 * 1024),
        offsets: Vec::new(),
    };
    out.buf.extend_from_slice(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n");
    out.dict(1, "<< /Type /Catalog /Pages 2 0 R >>");
    let kids: Vec<String> = (0..page_count)
        .map(|i| format!("{} 0 R", first_page + 2 * i))
        .collect();
    out.dict(
        2,
        &format!(
            "<< /Type /Pages /Kids [{}] /Count {page_count} >>",
            kids.join(" ")
        ),
    );
    let mut info = String::from("<<");
    if !title.is_empty() {
        let _ = write!(info, " /Title {}", text_string(title));
    }
    if !opts.author.is_empty() {
        let _ = write!(info, " /Author {}", text_string(&opts.author));
    }
    let _ = write!(
        info,
        " /Creator (simdesk) /Producer (simdesk) /CreationDate {} /ModDate {} >>",
        pdf_date(opts.created),
        pdf_date(opts.modified)
    );
    out.dict(3, &info);
    let mut res = String::from("<< /Font <<");
    for u in used.iter().flatten() {
        let _ = write!(res, " /F{} {} 0 R", u.index, u.first_id);
    }
    res.push_str(" >> >>");
    out.dict(4, &res);

    for u in used.iter().flatten() {
        let font = fonts.font(u.index);
        let base = format!("{}+{}", u.subset.tag, font.name);
        let id = u.first_id;
        out.dict(
            id,
            &format!(
                "<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /Identity-H \
                 /DescendantFonts [{} 0 R] /ToUnicode {} 0 R >>",
                id + 1,
                id + 4
            ),
        );
        out.dict(
            id + 1,
            &format!(
                "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /{base} \
                 /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
                 /FontDescriptor {} 0 R /CIDToGIDMap /Identity /DW {} /W {} >>",
                id + 2,
                font.scaled(i32::from(font.advance_units(0))),
                widths(fonts, u)
            ),
        );
        let [x0, y0, x1, y1] = font.bbox.map(|v| font.scaled(i32::from(v)));
        out.dict(
            id + 2,
            &format!(
                "<< /Type /FontDescriptor /FontName /{base} /Flags {} \
                 /FontBBox [{x0} {y0} {x1} {y1}] /ItalicAngle 0 /Ascent {} /Descent {} \
                 /CapHeight {} /StemV 80 /FontFile2 {} 0 R >>",
                if font.symbolic { 4 } else { 32 },
                font.scaled(i32::from(font.ascent)),
                font.scaled(i32::from(font.descent)),
                font.scaled(i32::from(font.ascent)),
                id + 3
            ),
        );
        out.stream(
            id + 3,
            &format!(" /Length1 {}", u.subset.program.len()),
            &u.subset.deflated,
        );
        let cmap = to_unicode(fonts, u, &chars[u.index]);
        out.stream(id + 4, "", &deflate(&cmap, CONTENT_LEVEL)?);
    }

    let (width, height) = opts.paper.points();
    let empty = Page {
        width,
        height,
        ..Page::default()
    };
    for i in 0..page_count {
        let page = pages.get(i).unwrap_or(&empty);
        let id = first_page + 2 * i;
        let mut d = Vec::new();
        d.extend_from_slice(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ");
        num(&mut d, page.width);
        d.push(b' ');
        num(&mut d, page.height);
        let _ = write!(d, "] /Resources 4 0 R /Contents {} 0 R >>", id + 1);
        out.dict(id, &String::from_utf8_lossy(&d));
        let body = content(fonts, &used, page);
        out.stream(id + 1, "", &deflate(&body, CONTENT_LEVEL)?);
    }

    // Cross-reference table and trailer. The first /ID names the file (the
    // ident); the second this version of it (ident, time and body).
    let xref_at = out.buf.len();
    let count = out.offsets.len() + 1;
    let mut x = format!("xref\n0 {count}\n0000000000 65535 f \n");
    for off in &out.offsets {
        let _ = writeln!(x, "{off:010} 00000 n ");
    }
    let ident = opts.ident.as_bytes();
    let id1 = format!("{:016x}{:016x}", fnv64(1, ident), fnv64(2, ident));
    let mut version = Vec::from(ident);
    version.extend_from_slice(opts.modified.to_string().as_bytes());
    version.extend_from_slice(&out.buf);
    let id2 = format!("{:016x}{:016x}", fnv64(3, &version), fnv64(4, &version));
    let _ = write!(
        x,
        "trailer\n<< /Size {count} /Root 1 0 R /Info 3 0 R /ID [<{id1}> <{id2}>] >>\n\
         startxref\n{xref_at}\n%%EOF\n"
    );
    out.buf.extend_from_slice(x.as_bytes());
    Ok(out.buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: f32) -> String {
        let mut out = Vec::new();
        num(&mut out, v);
        String::from_utf8(out).unwrap()
    }

    /// A writer that refuses every byte.
    #[derive(Debug)]
    struct Refusing;

    impl std::io::Write for Refusing {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// A zlib failure is a write error carrying the io error (it used to
    /// become an empty stream in the file).
    #[test]
    fn deflate_failure_is_a_write_error_with_its_cause() {
        use std::error::Error as _;
        let e = deflate_into(Refusing, &[7u8; 4096], CONTENT_LEVEL).unwrap_err();
        assert_eq!(e.to_string(), "writing pdf file failed: deflating a stream");
        assert_eq!(
            e.source().map(ToString::to_string).as_deref(),
            Some("disk full")
        );
        let ok = deflate(b"abc", CONTENT_LEVEL).unwrap();
        assert!(!ok.is_empty());
    }

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(n(56.0), "56");
        assert_eq!(n(595.28), "595.28");
        assert_eq!(n(10.5), "10.5");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(-3.25), "-3.25");
        assert_eq!(n(0.05), "0.05");
    }

    #[test]
    fn text_strings_escape_or_go_utf16() {
        assert_eq!(text_string("a (b) \\"), "(a \\(b\\) \\\\)");
        assert_eq!(text_string("Zoë"), "<FEFF005A006F00EB>");
    }

    /// The `/W` array carries each glyph's real advance, so viewers space
    /// the text as the layout measured it (an empty array would make every
    /// glyph 1000 units wide).
    #[test]
    fn widths_match_the_fonts_advances() {
        let fonts = fonts::base_fonts().unwrap();
        let page = Page {
            width: 200.0,
            height: 100.0,
            blocks: vec![vec![Piece {
                x: 10.0,
                y: 50.0,
                size: 12.0,
                bold: false,
                text: "iW".to_owned(),
            }]],
            rules: Vec::new(),
            furniture: Vec::new(),
        };
        let bytes = write(fonts, &[page], "t", &ExportOptions::default()).unwrap();
        let doc = lopdf::Document::load_mem(&bytes).unwrap();
        let font = fonts.font(0);
        let sub = fonts::subset_for(fonts, 0, &['i', 'W'].into_iter().collect()).unwrap();
        let cid = doc
            .objects
            .values()
            .filter_map(|o| o.as_dict().ok())
            .find(|d| d.get(b"Subtype").and_then(|s| s.as_name()).ok() == Some(b"CIDFontType2"))
            .expect("a CID font");
        let w = cid.get(b"W").unwrap().as_array().unwrap();
        let list = w[1].as_array().unwrap();
        assert_eq!(list.len(), sub.old_ids.len());
        for c in ['i', 'W'] {
            let old = font.glyph(c).unwrap();
            let new = usize::from(sub.new_id(old).unwrap());
            let expect = font.scaled(i32::from(font.advance_units(old)));
            assert_eq!(list[new].as_i64().unwrap(), i64::from(expect), "{c}");
            assert!(expect > 200 && expect < 1100, "{c}: {expect}");
        }
        assert_ne!(
            list[usize::from(sub.new_id(font.glyph('i').unwrap()).unwrap())],
            list[usize::from(sub.new_id(font.glyph('W').unwrap()).unwrap())]
        );
    }
}
