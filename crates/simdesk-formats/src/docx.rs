//! Documents to `.docx` (docx-rs) and `.docx` back to documents (our own
//! quick-xml reader of `word/document.xml`, behind the zip guard).
//!
//! # Export
//!
//! The style set: an 11 pt body font (Calibri) with 1.15 line spacing and
//! 8 pt after each paragraph in the document defaults; headings in real
//! `Heading 1`–`Heading 3` paragraph styles defined here (Word's built-in
//! names `heading 1`…, which python-docx and LibreOffice report as
//! `Heading 1`…) at 16, 13 and 12 pt, bold, dark blue, with space before
//! and kept with the next paragraph; body paragraphs explicitly `Normal`;
//! list items `List Paragraph` with real numbering definitions (one
//! `w:num` per list so every numbered list restarts at 1, nine levels).
//! The page is [`ExportOptions::paper`] (Letter or A4, by the persona's
//! country) with 1 in margins.
//!
//! A table is set across the text width with fixed column widths shared
//! out by each column's content (`w:tblGrid` and every cell's `w:tcW`),
//! thin horizontal rules, cell paragraphs in `Table Text`; the header row
//! in `Table Heading` (bold) on a tinted fill and marked `w:tblHeader`
//! (repeated on each page); a last row whose first cell reads `Total …` in
//! `Table Total` (bold); numeric columns right-aligned. Bold comes from
//! the paragraph styles, not the runs, so a table reads back as it was
//! written.
//!
//! Page breaks are `w:br w:type="page"`; a field is written as its current
//! text ([`Field::display`]). The title and author go into
//! `docProps/core.xml`, written here because docx-rs cannot set them.
//!
//! docx-rs numbers paragraphs from a thread-local counter (the exporter
//! numbers them itself), and its zip writer stores parts uncompressed and
//! would stamp entries with the time of day if the `zip` crate's `time`
//! feature were ever enabled, so the exporter takes the parts docx-rs builds
//! and zips them itself: deflated, every entry dated
//! [`ExportOptions::modified`]. The parts that do not depend on the
//! document (styles, settings, fonts, empty comments and footnotes …) are
//! deflated once per process and copied into each package.
//!
//! # Import
//!
//! docx-rs's reader unwraps on corrupt input and trusts declared sizes, so
//! it is not used: the importer reads `word/document.xml`, `word/styles.xml`,
//! `word/numbering.xml` and `docProps/core.xml` through the zip guard (DTDs
//! refused, depth and item limits) with quick-xml.
//!
//! # Round-trip exceptions
//!
//! `export → import` gives the same document except for:
//!
//! - a [`Field`] comes back as a plain, unformatted text run of its
//!   `display` text (docx carries no link to a simdesk Ref);
//! - characters XML cannot hold (controls other than tab and newline, and
//!   `\r`) are dropped; a tab or newline inside a run comes back as the same
//!   character but splits nothing;
//! - heading levels above 3 are written as level 3.
//!
//! [`Field`]: simdesk_model::Field
//! [`Field::display`]: simdesk_model::Field

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Docx, IndentLevel, Level, LevelJc,
    LevelText, LineSpacing, LineSpacingType, NumberFormat, Numbering, NumberingId, PageMargin,
    Paragraph, Run, RunFonts, Shading, ShdType, SpecialIndentType, Start, Style, StyleType,
    TableBorder, TableBorderPosition, TableBorders, TableCell, TableLayoutType, TableRow,
    WidthType, XMLDocx,
};
use quick_xml::events::{BytesStart, Event};
use simdesk_model::{Artifact, Block, Document, Inline, ListItem, SimTime, Table};

use crate::look::{column_widths, is_total_label, looks_numeric, numeric_columns};
use crate::xml::attr;
use crate::zipguard;
use crate::{Cause, ExportOptions, Format, FormatError, Limits, SharedParts, ZipPackage};

fn write_err(reason: impl Into<String>) -> FormatError {
    FormatError::write(Format::Docx, reason)
}

fn malformed(reason: impl Into<String>) -> FormatError {
    FormatError::malformed(Format::Docx, reason)
}

/// Keeps only characters XML 1.0 can hold.
fn xml_safe(s: &str) -> String {
    s.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n') || (c >= ' ' && !matches!(c, '\u{FFFE}' | '\u{FFFF}'))
        })
        .collect()
}

/// A run of text; tabs and newlines become `w:tab` and `w:br`.
fn run(text: &str, bold: bool, italic: bool) -> Run {
    let mut r = Run::new();
    let text = xml_safe(text);
    let mut first = true;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            r = r.add_break(BreakType::TextWrapping);
        }
        for (j, piece) in line.split('\t').enumerate() {
            if j > 0 {
                r = r.add_tab();
            }
            if !piece.is_empty() || first {
                r = r.add_text(piece);
                first = false;
            }
        }
    }
    if bold {
        r = r.bold();
    }
    if italic {
        r = r.italic();
    }
    r
}

fn add_inlines(mut p: Paragraph, inlines: &[Inline]) -> Paragraph {
    for i in inlines {
        p = match i {
            Inline::Text { text, bold, italic } => p.add_run(run(text, *bold, *italic)),
            Inline::Field(f) => p.add_run(run(&f.display, false, false)),
        };
    }
    p
}

/// The body font (Carlito, metric-compatible, stands in for it where
/// Calibri is missing).
const BODY_FONT: &str = "Calibri";
/// Body text size in half-points (11 pt).
const BODY_SIZE: usize = 22;
/// Colour of headings and of the table header's fill.
const HEADING_COLOR: &str = "1F3864";
const HEADER_FILL: &str = "D9E2F3";
/// Page margins, twips (1 in; 2.54 cm on A4).
const MARGIN: i32 = 1440;

fn heading_style(level: u8) -> Style {
    // Size (half-points), space before and after (twips), outline level.
    let (size, before, after, outline) = match level {
        1 => (32, 360, 120, 0),
        2 => (26, 280, 80, 1),
        _ => (24, 200, 60, 2),
    };
    Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("heading {level}"))
        .based_on("Normal")
        .next("Normal")
        .q_format(true)
        .ui_priority(9)
        .size(size)
        .bold()
        .color(HEADING_COLOR)
        .line_spacing(LineSpacing::new().before(before).after(after))
        .outline_lvl(outline)
}

/// The paragraph styles of table cells: `Table Text` (tight spacing),
/// `Table Heading` and `Table Total` (bold). Cell text carries no direct
/// bold, so a table reads back as it was written.
fn table_paragraph_styles() -> [Style; 3] {
    let tight = || LineSpacing::new().before(20).after(20).line(240);
    [
        Style::new("TableText", StyleType::Paragraph)
            .name("Table Text")
            .based_on("Normal")
            .ui_priority(39)
            .size(20)
            .line_spacing(tight()),
        Style::new("TableHeading", StyleType::Paragraph)
            .name("Table Heading")
            .based_on("TableText")
            .ui_priority(39)
            .bold(),
        Style::new("TableTotal", StyleType::Paragraph)
            .name("Table Total")
            .based_on("TableText")
            .ui_priority(39)
            .bold(),
    ]
}

/// Thin grey rules around and between cells.
fn table_borders() -> TableBorders {
    let rule = |p| {
        TableBorder::new(p)
            .border_type(BorderType::Single)
            .size(4)
            .color("A6A6A6")
    };
    TableBorders::with_empty()
        .set(rule(TableBorderPosition::Top))
        .set(rule(TableBorderPosition::Bottom))
        .set(rule(TableBorderPosition::InsideH))
        .set(
            TableBorder::new(TableBorderPosition::Left)
                .border_type(BorderType::Nil)
                .size(0),
        )
        .set(
            TableBorder::new(TableBorderPosition::Right)
                .border_type(BorderType::Nil)
                .size(0),
        )
        .set(
            TableBorder::new(TableBorderPosition::InsideV)
                .border_type(BorderType::Nil)
                .size(0),
        )
}

/// A table laid out for the page: columns as wide as their content asks
/// (fixed layout over the text width), the header row bold on a tinted
/// fill, a total row (first cell `Total …`) bold, numeric columns
/// right-aligned.
fn table(t: &Table, text_width: u32, para: &dyn Fn() -> Paragraph) -> docx_rs::Table {
    let text: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| inlines_plain(c)).collect())
        .collect();
    let numeric = numeric_columns(&text, t.header);
    let widths = column_widths(&text, text_width, 105, 3, 60);
    let rows = t
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let header = i == 0 && t.header;
            let total = !header
                && i + 1 == t.rows.len()
                && text[i].first().is_some_and(|c| is_total_label(c));
            let style = if header {
                "TableHeading"
            } else if total {
                "TableTotal"
            } else {
                "TableText"
            };
            let cells = row
                .iter()
                .enumerate()
                .map(|(c, inlines)| {
                    let right = numeric.get(c).copied().unwrap_or(false)
                        || (!header && looks_numeric(&text[i][c]) && c > 0);
                    let mut p = add_inlines(para().style(style), inlines);
                    if right {
                        p = p.align(AlignmentType::Right);
                    }
                    let mut cell = TableCell::new()
                        .width(widths.get(c).copied().unwrap_or(0) as usize, WidthType::Dxa)
                        .add_paragraph(p);
                    if header {
                        cell = cell.shading(
                            Shading::new()
                                .shd_type(ShdType::Clear)
                                .color("auto")
                                .fill(HEADER_FILL),
                        );
                    }
                    cell
                })
                .collect();
            let r = TableRow::new(cells);
            // Marked here, turned into `w:tblHeader` by `package`.
            if header { r.cant_split() } else { r }
        })
        .collect();
    docx_rs::Table::new(rows)
        .set_grid(widths.iter().map(|&w| w as usize).collect())
        .width(text_width as usize, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .set_borders(table_borders())
}

/// The plain text of runs (fields as their display text), for measuring.
fn inlines_plain(inlines: &[Inline]) -> String {
    inlines.iter().map(Inline::display).collect()
}

/// Bullet (abstract id 1) and decimal (abstract id 2) definitions, nine
/// levels each, indented 720 twips per level.
fn abstract_numbering(id: usize, ordered: bool) -> AbstractNumbering {
    const BULLETS: [&str; 3] = ["\u{2022}", "\u{25E6}", "\u{25AA}"];
    let mut a = AbstractNumbering::new(id);
    for lvl in 0..9usize {
        let (fmt, text) = if ordered {
            ("decimal", format!("%{}.", lvl + 1))
        } else {
            ("bullet", BULLETS[lvl % 3].to_owned())
        };
        a = a.add_level(
            Level::new(
                lvl,
                Start::new(1),
                NumberFormat::new(fmt),
                LevelText::new(text),
                LevelJc::new("left"),
            )
            .indent(
                Some(720 * (lvl as i32 + 1)),
                Some(SpecialIndentType::Hanging(360)),
                None,
                None,
            ),
        );
    }
    a
}

/// RFC 3339 form docx core properties use.
fn w3cdtf(t: SimTime) -> String {
    t.to_string()
}

fn escape(s: &str) -> String {
    xml_safe(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// `docProps/core.xml` with title, author and both times.
fn core_xml(title: Option<&str>, opts: &ExportOptions) -> String {
    let title = title
        .map(|t| format!("<dc:title>{}</dc:title>", escape(t)))
        .unwrap_or_default();
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" "#,
            r#"xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" "#,
            r#"xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "{title}<dc:creator>{author}</dc:creator><cp:lastModifiedBy>{author}</cp:lastModifiedBy>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">{created}</dcterms:created>"#,
            r#"<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified>"#,
            "<cp:revision>1</cp:revision></cp:coreProperties>"
        ),
        title = title,
        author = escape(&opts.author),
        created = w3cdtf(opts.created),
        modified = w3cdtf(opts.modified),
    )
}

/// docx-rs's parts in the order its own zipper writes them, with our core
/// properties and document.
fn named_parts<'a>(
    xml: &'a XMLDocx,
    core: &'a [u8],
    document: &'a [u8],
) -> [(&'static str, &'a [u8]); 14] {
    [
        ("[Content_Types].xml", &xml.content_type),
        ("_rels/.rels", &xml.rels),
        ("docProps/app.xml", &xml.doc_props.app),
        (CORE, core),
        ("docProps/custom.xml", &xml.doc_props.custom),
        ("word/_rels/document.xml.rels", &xml.document_rels),
        (DOCUMENT, document),
        ("word/styles.xml", &xml.styles),
        ("word/settings.xml", &xml.settings),
        ("word/fontTable.xml", &xml.font_table),
        ("word/comments.xml", &xml.comments),
        ("word/numbering.xml", &xml.numberings),
        ("word/commentsExtended.xml", &xml.comments_extended),
        ("word/footnotes.xml", &xml.footnotes),
    ]
}

const CORE: &str = "docProps/core.xml";
const DOCUMENT: &str = "word/document.xml";

/// The parts of [`base_docx`] other than the document and its core
/// properties, deflated once per process. Most documents share all of them
/// (numbering differs when a document has lists).
fn shared_parts() -> Result<&'static SharedParts, FormatError> {
    static SHARED: OnceLock<Result<SharedParts, Arc<FormatError>>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let xml = base_docx().build();
            let parts = named_parts(&xml, &[], &[])
                .into_iter()
                .filter(|(name, _)| ![CORE, DOCUMENT].contains(name))
                .map(|(name, data)| (name.to_owned(), data.to_vec()))
                .collect();
            SharedParts::new(Format::Docx, parts).map_err(Arc::new)
        })
        .as_ref()
        .map_err(|e| FormatError::write_by(Format::Docx, "shared parts", Arc::clone(e)))
}

/// Zips the parts docx-rs built, with `docProps/core.xml` replaced and
/// header rows marked.
fn package(xml: XMLDocx, core: &str, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    // The exporter adds no headers, footers, images, web extensions or
    // custom XML; refuse rather than drop them if that ever changes.
    if !(xml.headers.is_empty()
        && xml.footers.is_empty()
        && xml.media.is_empty()
        && xml.taskpanes.is_none()
        && xml.custom_items.is_empty())
    {
        return Err(write_err(
            "unexpected docx-rs part (header, footer, media or extension)",
        ));
    }
    let shared = shared_parts()?;
    let document = std::str::from_utf8(&xml.document)
        .map_err(|e| FormatError::write_by(Format::Docx, "word/document.xml", e))?;
    // Marked `w:cantSplit` by the exporter, see `export_docx`.
    let document = document.replace("<w:cantSplit />", "<w:tblHeader />");
    let mut zip = ZipPackage::new(Format::Docx, opts.modified);
    for (name, data) in named_parts(&xml, core.as_bytes(), document.as_bytes()) {
        zip.part_or_shared(shared, name, data)?;
    }
    zip.finish()
}

/// A docx with the exporter's styles and list definitions and no content:
/// an 11 pt body font with 1.15 line spacing and 8 pt after each
/// paragraph, headings in three sizes, table cell styles.
fn base_docx() -> Docx {
    let [table_text, table_heading, table_total] = table_paragraph_styles();
    Docx::new()
        .default_fonts(
            RunFonts::new()
                .ascii(BODY_FONT)
                .hi_ansi(BODY_FONT)
                .cs(BODY_FONT),
        )
        .default_size(BODY_SIZE)
        .default_line_spacing(
            LineSpacing::new()
                .after(160)
                .line(276)
                .line_rule(LineSpacingType::Auto),
        )
        .add_style(table_text)
        .add_style(table_heading)
        .add_style(table_total)
        .add_style(heading_style(1))
        .add_style(heading_style(2))
        .add_style(heading_style(3))
        .add_style(
            Style::new("ListParagraph", StyleType::Paragraph)
                .name("List Paragraph")
                .based_on("Normal")
                .ui_priority(34)
                .q_format(true)
                .indent(Some(720), None, None, None),
        )
        .add_abstract_numbering(abstract_numbering(1, false))
        .add_abstract_numbering(abstract_numbering(2, true))
}

/// Writes a document as `.docx` bytes.
pub fn export_docx(doc: &Document, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    // docx-rs numbers paragraphs from a thread-local counter; number them
    // here instead so that every export starts from the same id.
    let ids = std::cell::Cell::new(0u32);
    let para = || {
        ids.set(ids.get() + 1);
        Paragraph::new().id(format!("{:08X}", ids.get()))
    };
    // docx-rs's own core properties are replaced by `core_xml`.
    let (page_w, page_h) = opts.paper.twips();
    let text_width = page_w - 2 * MARGIN as u32;
    let mut docx = base_docx()
        .page_size(page_w, page_h)
        .page_margin(PageMargin {
            top: MARGIN,
            left: MARGIN,
            bottom: MARGIN,
            right: MARGIN,
            header: 720,
            footer: 720,
            gutter: 0,
        });
    let mut next_num = 1usize;
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let level = (*level).clamp(1, 3);
                docx = docx.add_paragraph(
                    para()
                        .style(&format!("Heading{level}"))
                        .keep_next(true)
                        .add_run(run(text, false, false)),
                );
            }
            Block::Paragraph { inlines } => {
                docx = docx.add_paragraph(add_inlines(para().style("Normal"), inlines));
            }
            Block::List { ordered, items } => {
                let id = next_num;
                next_num += 1;
                docx = docx.add_numbering(Numbering::new(id, if *ordered { 2 } else { 1 }));
                for item in items {
                    let p = para().style("ListParagraph").numbering(
                        NumberingId::new(id),
                        IndentLevel::new(usize::from(item.level.min(8))),
                    );
                    docx = docx.add_paragraph(add_inlines(p, &item.inlines));
                }
            }
            Block::Table(t) => {
                docx = docx.add_table(table(t, text_width, &para));
            }
            Block::PageBreak => {
                docx = docx.add_paragraph(
                    para()
                        .style("Normal")
                        .add_run(Run::new().add_break(BreakType::Page)),
                );
            }
        }
    }
    package(docx.build(), &core_xml(doc.title.as_deref(), opts), opts)
}

/// Writes an artifact as `.docx`; only documents can be.
pub fn export(artifact: &Artifact, opts: &ExportOptions) -> Result<Vec<u8>, FormatError> {
    match artifact {
        Artifact::Document(d) => export_docx(d, opts),
        a => Err(FormatError::Unsupported {
            kind: a.kind(),
            format: Format::Docx,
        }),
    }
}

// ------------------------------------------------------------------ import

/// A `w:b`/`w:i` toggle is on unless `w:val` says false.
fn toggle(e: &BytesStart<'_>) -> bool {
    attr(e, "val").is_none_or(|v| !matches!(v.as_str(), "0" | "false" | "off"))
}

fn xml_err(part: &str, e: impl Into<Cause>) -> FormatError {
    FormatError::malformed_by(Format::Docx, part, e)
}

/// Paragraph style id → heading level, from `word/styles.xml` names
/// (`heading 1`) or, without styles, from the id itself (`Heading1`).
fn heading_levels(styles: Option<&str>) -> Result<BTreeMap<String, u8>, FormatError> {
    let mut out = BTreeMap::new();
    for n in 1..=9u8 {
        out.insert(format!("Heading{n}"), n.min(3));
    }
    let Some(xml) = styles else { return Ok(out) };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut current: Option<String> = None;
    loop {
        match reader
            .read_event()
            .map_err(|e| xml_err("word/styles.xml", e))?
        {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "style" => current = attr(&e, "styleId"),
                "name" => {
                    if let (Some(id), Some(name)) = (&current, attr(&e, "val")) {
                        let lower = name.to_ascii_lowercase();
                        if let Some(n) = lower
                            .strip_prefix("heading ")
                            .and_then(|n| n.trim().parse::<u8>().ok())
                        {
                            out.insert(id.clone(), n.clamp(1, 3));
                        } else {
                            out.remove(id);
                        }
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// numId → ordered, from `word/numbering.xml` (level 0 of the abstract
/// definition: anything but `bullet` counts as ordered).
fn numbering_kinds(xml: Option<&str>) -> Result<BTreeMap<String, bool>, FormatError> {
    let mut out = BTreeMap::new();
    let Some(xml) = xml else { return Ok(out) };
    let mut abs_ordered: BTreeMap<String, bool> = BTreeMap::new();
    let mut num_abs: Vec<(String, String)> = Vec::new();
    let mut reader = quick_xml::Reader::from_str(xml);
    let (mut cur_abs, mut cur_lvl, mut cur_num): (Option<String>, Option<String>, Option<String>) =
        (None, None, None);
    loop {
        match reader
            .read_event()
            .map_err(|e| xml_err("word/numbering.xml", e))?
        {
            Event::Start(e) | Event::Empty(e) => match e.local_name().as_ref() {
                "abstractNum" => cur_abs = attr(&e, "abstractNumId"),
                "lvl" => cur_lvl = attr(&e, "ilvl"),
                "numFmt" if cur_lvl.as_deref() == Some("0") => {
                    if let Some(a) = &cur_abs {
                        abs_ordered.insert(
                            a.clone(),
                            attr(&e, "val").is_some_and(|v| v != "bullet" && v != "none"),
                        );
                    }
                }
                "num" => cur_num = attr(&e, "numId"),
                "abstractNumId" => {
                    if let (Some(n), Some(a)) = (&cur_num, attr(&e, "val")) {
                        num_abs.push((n.clone(), a));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "abstractNum" => cur_abs = None,
                "lvl" => cur_lvl = None,
                "num" => cur_num = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    for (n, a) in num_abs {
        out.insert(n, abs_ordered.get(&a).copied().unwrap_or(false));
    }
    Ok(out)
}

/// `dc:title` from `docProps/core.xml`.
fn core_title(xml: &str) -> Result<Option<String>, FormatError> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut in_title = false;
    let mut title: Option<String> = None;
    loop {
        match reader
            .read_event()
            .map_err(|e| xml_err("docProps/core.xml", e))?
        {
            Event::Start(e) if e.local_name().as_ref() == "title" => {
                in_title = true;
                title.get_or_insert_with(String::new);
            }
            Event::End(e) if e.local_name().as_ref() == "title" => in_title = false,
            Event::Text(t) if in_title => {
                let s = t.xml10_content();
                title.get_or_insert_with(String::new).push_str(&s);
            }
            Event::GeneralRef(r) if in_title => {
                let s = resolve_ref(&r)
                    .ok_or_else(|| malformed("docProps/core.xml: unknown entity"))?;
                title.get_or_insert_with(String::new).push(s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(title)
}

/// The character of a predefined or numeric XML entity reference.
fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    match r.as_ref() {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}

/// One paragraph being read.
#[derive(Default)]
struct Para {
    style: Option<String>,
    num_id: Option<String>,
    ilvl: u8,
    /// Runs and page breaks in order (`None` is a page break).
    parts: Vec<Option<Inline>>,
}

/// Reads a document body into blocks.
struct BodyReader<'a> {
    headings: &'a BTreeMap<String, u8>,
    numbering: &'a BTreeMap<String, bool>,
    limits: &'a Limits,
    blocks: Vec<Block>,
    /// numId of the list the last block belongs to.
    open_list: Option<String>,
}

impl BodyReader<'_> {
    fn push(&mut self, b: Block) -> Result<(), FormatError> {
        self.blocks.push(b);
        if self.blocks.len() > self.limits.max_items {
            return Err(FormatError::Limit {
                limit: "document blocks",
                actual: self.blocks.len() as u64,
                max: self.limits.max_items as u64,
                context: "word/document.xml".to_owned(),
            });
        }
        Ok(())
    }

    fn finish_para(&mut self, p: Para) -> Result<(), FormatError> {
        let mut segments: Vec<Vec<Inline>> = vec![Vec::new()];
        for part in p.parts {
            match part {
                Some(i) => segments.last_mut().map(|s| s.push(i)).unwrap_or_default(),
                None => segments.push(Vec::new()),
            }
        }
        let breaks = segments.len() - 1;
        let list = p.num_id.filter(|n| n != "0");
        for (i, inlines) in segments.into_iter().enumerate() {
            // A segment left empty by a page break is no paragraph of its own.
            if breaks > 0 && inlines.is_empty() {
                if i < breaks {
                    self.open_list = None;
                    self.push(Block::PageBreak)?;
                }
                continue;
            }
            if let Some(level) = p.style.as_ref().and_then(|s| self.headings.get(s)) {
                let text = inlines.iter().map(Inline::display).collect();
                self.open_list = None;
                self.push(Block::Heading {
                    level: *level,
                    text,
                })?;
            } else if let Some(num) = &list {
                let item = ListItem {
                    level: p.ilvl,
                    inlines,
                };
                match self.blocks.last_mut() {
                    Some(Block::List { items, .. }) if self.open_list.as_ref() == Some(num) => {
                        items.push(item)
                    }
                    _ => {
                        let ordered = self.numbering.get(num).copied().unwrap_or(false);
                        self.open_list = Some(num.clone());
                        self.push(Block::List {
                            ordered,
                            items: vec![item],
                        })?;
                    }
                }
            } else {
                self.open_list = None;
                self.push(Block::Paragraph { inlines })?;
            }
            if i < breaks {
                self.open_list = None;
                self.push(Block::PageBreak)?;
            }
        }
        Ok(())
    }
}

/// Parses `word/document.xml`.
fn read_body(
    xml: &str,
    headings: &BTreeMap<String, u8>,
    numbering: &BTreeMap<String, bool>,
    limits: &Limits,
) -> Result<Vec<Block>, FormatError> {
    const PART: &str = "word/document.xml";
    let mut body = BodyReader {
        headings,
        numbering,
        limits,
        blocks: Vec::new(),
        open_list: None,
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut depth = 0usize;
    let mut para: Option<Para> = None;
    // Run state: in a run, its bold/italic, its text so far, whether it has
    // any text element, and whether we are inside a `w:t`.
    let mut in_run = false;
    let (mut bold, mut italic, mut in_rpr, mut in_t, mut has_t) =
        (false, false, false, false, false);
    let mut text = String::new();
    // Table state: depth of nested tables, rows being built, header flag.
    let mut table_depth = 0usize;
    let mut table: Option<Table> = None;
    let mut cell: Option<Vec<Inline>> = None;
    let mut in_trpr = false;
    let flush_run =
        |para: &mut Option<Para>, text: &mut String, bold: bool, italic: bool, has_t: bool| {
            if let Some(p) = para
                && has_t
            {
                p.parts.push(Some(Inline::Text {
                    text: std::mem::take(text),
                    bold,
                    italic,
                }));
            }
            text.clear();
        };
    loop {
        let ev = reader.read_event().map_err(|e| xml_err(PART, e))?;
        match &ev {
            Event::Start(e) | Event::Empty(e) => {
                let start = matches!(ev, Event::Start(_));
                if start {
                    depth += 1;
                    if depth > limits.max_xml_depth {
                        return Err(FormatError::Limit {
                            limit: "xml depth",
                            actual: depth as u64,
                            max: limits.max_xml_depth as u64,
                            context: PART.to_owned(),
                        });
                    }
                }
                match e.local_name().as_ref() {
                    "p" if start => para = Some(Para::default()),
                    "pStyle" => {
                        if let Some(p) = &mut para {
                            p.style = attr(e, "val");
                        }
                    }
                    "numId" => {
                        if let Some(p) = &mut para {
                            p.num_id = attr(e, "val");
                        }
                    }
                    "ilvl" => {
                        if let Some(p) = &mut para {
                            p.ilvl = attr(e, "val")
                                .and_then(|v| v.parse().ok())
                                .unwrap_or(0)
                                .min(8);
                        }
                    }
                    "r" if start => {
                        in_run = true;
                        (bold, italic, has_t) = (false, false, false);
                        text.clear();
                    }
                    "rPr" if in_run && start => in_rpr = true,
                    "b" if in_rpr => bold = toggle(e),
                    "i" if in_rpr => italic = toggle(e),
                    "t" if in_run => {
                        has_t = true;
                        in_t = start;
                    }
                    "tab" if in_run => {
                        text.push('\t');
                        has_t = true;
                    }
                    "br" if in_run => {
                        if attr(e, "type").as_deref() == Some("page") {
                            flush_run(&mut para, &mut text, bold, italic, has_t);
                            has_t = false;
                            if let Some(p) = &mut para {
                                p.parts.push(None);
                            }
                        } else {
                            text.push('\n');
                            has_t = true;
                        }
                    }
                    "tbl" if start => {
                        table_depth += 1;
                        if table_depth == 1 {
                            body.open_list = None;
                            table = Some(Table::default());
                        }
                    }
                    "tr" if start && table_depth == 1 => {
                        if let Some(t) = &mut table {
                            t.rows.push(Vec::new());
                        }
                    }
                    "trPr" if start => in_trpr = true,
                    "tblHeader" if in_trpr && table_depth == 1 => {
                        if let Some(t) = &mut table
                            && t.rows.len() == 1
                        {
                            t.header = toggle(e);
                        }
                    }
                    "tc" if start && table_depth == 1 => cell = Some(Vec::new()),
                    _ => {}
                }
            }
            Event::Text(t) if in_t => {
                let s = t.xml10_content();
                text.push_str(&s);
            }
            Event::GeneralRef(r) if in_t => {
                let c = resolve_ref(r)
                    .ok_or_else(|| malformed(format!("{PART}: unknown entity reference")))?;
                text.push(c);
            }
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                match e.local_name().as_ref() {
                    "t" => in_t = false,
                    "rPr" => in_rpr = false,
                    "trPr" => in_trpr = false,
                    "r" if in_run => {
                        flush_run(&mut para, &mut text, bold, italic, has_t);
                        in_run = false;
                    }
                    "p" => {
                        if let Some(p) = para.take() {
                            if let Some(c) = &mut cell {
                                if !c.is_empty() && p.parts.iter().any(Option::is_some) {
                                    c.push(Inline::text("\n"));
                                }
                                c.extend(p.parts.into_iter().flatten());
                            } else if table_depth == 0 {
                                body.finish_para(p)?;
                            }
                        }
                    }
                    "tc" if table_depth == 1 => {
                        if let (Some(t), Some(c)) = (&mut table, cell.take())
                            && let Some(row) = t.rows.last_mut()
                        {
                            row.push(c);
                        }
                    }
                    "tbl" => {
                        table_depth = table_depth.saturating_sub(1);
                        if table_depth == 0
                            && let Some(t) = table.take()
                        {
                            body.push(Block::Table(t))?;
                        }
                    }
                    _ => {}
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(body.blocks)
}

/// Reads `.docx` bytes into a document.
pub fn import_docx(bytes: &[u8], limits: &Limits) -> Result<Document, FormatError> {
    if bytes.is_empty() {
        return Err(malformed("empty file"));
    }
    let zip = zipguard::open_zip(bytes, limits, Format::Docx)?;
    let optional = |name: &str| -> Result<Option<String>, FormatError> {
        if zip.contains(name) {
            zip.read_xml(name).map(Some)
        } else {
            Ok(None)
        }
    };
    let document = zip.read_xml("word/document.xml")?;
    let headings = heading_levels(optional("word/styles.xml")?.as_deref())?;
    let numbering = numbering_kinds(optional("word/numbering.xml")?.as_deref())?;
    let title = match optional("docProps/core.xml")? {
        Some(xml) => core_title(&xml)?,
        None => None,
    };
    let blocks = read_body(&document, &headings, &numbering, limits)?;
    Ok(Document { title, blocks })
}

/// Reads `.docx` bytes into a document artifact.
pub fn import(bytes: &[u8], limits: &Limits) -> Result<Artifact, FormatError> {
    import_docx(bytes, limits).map(Artifact::Document)
}
