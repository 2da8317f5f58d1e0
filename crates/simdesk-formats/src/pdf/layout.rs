//! Page layout: documents, decks, workbooks and Pdf artifacts become pages
//! of positioned text lines and rules, measured with the embedded fonts.
//!
//! One *block* is one logical line (a paragraph, a table row, a line of a
//! Pdf page); it is written as one `BT … ET` text object whose wrapped
//! pieces are placed with `Tm`, so a reader gets one line back per block.
//!
//! Page furniture — the running header and the page numbers — is kept
//! apart from the blocks: the writer marks it as a pagination artifact,
//! which readers of the text (this crate's among them) leave out.

use simdesk_model::{
    Block as DocBlock, CellValue, Deck, Document, Layout, Pdf, Table, Workbook, format_value,
    inlines_text,
};

use super::fonts::{FontSet, drawable, width};
use crate::PaperSize;
use crate::look::looks_numeric;

/// One visual line: where it starts (points from the bottom left), its
/// size, whether it is bold (headings, titles) and its text.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Piece {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub bold: bool,
    pub text: String,
}

/// A page: its size, its text blocks, its rules (x1, y1, x2, y2) and its
/// furniture (running header, page number: grey, marked as artifacts).
#[derive(Debug, Clone, Default)]
pub(crate) struct Page {
    pub width: f32,
    pub height: f32,
    pub blocks: Vec<Vec<Piece>>,
    pub rules: Vec<(f32, f32, f32, f32)>,
    pub furniture: Vec<Piece>,
}

/// A4 portrait, in points.
#[cfg(test)]
const A4: (f32, f32) = (595.28, 841.89);
/// A 16:9 slide, 10 in x 5.625 in.
const SLIDE: (f32, f32) = (720.0, 405.0);
const MARGIN: f32 = 56.0;
const BODY: f32 = 10.5;
const LEADING: f32 = 1.3;
/// Size of the running header and page numbers.
const FURNITURE: f32 = 8.0;

/// Splits text into lines no wider than `max_w`: at the last space where
/// there is one (the space stays at the end of the line, so the pieces
/// joined give the text back), anywhere in a word too long for a line.
pub(crate) fn wrap(fonts: &FontSet, text: &str, max_w: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur: Vec<char> = Vec::new();
    let mut cur_w = 0.0;
    let mut last_space: Option<usize> = None;
    for c in text.chars() {
        let w = super::fonts::advance(fonts, c, size);
        if cur_w + w > max_w && !cur.is_empty() && c != ' ' {
            let rest: Vec<char> = match last_space {
                Some(i) => cur.split_off(i + 1),
                None => Vec::new(),
            };
            lines.push(cur.iter().collect::<String>());
            cur = rest;
            cur_w = cur
                .iter()
                .map(|&c| super::fonts::advance(fonts, c, size))
                .sum();
            last_space = cur.iter().rposition(|&c| c == ' ');
        }
        cur.push(c);
        cur_w += w;
        if c == ' ' {
            last_space = Some(cur.len() - 1);
        }
    }
    lines.push(cur.iter().collect());
    lines
}

/// Lays text out top to bottom, page after page.
struct Flow<'f> {
    fonts: &'f FontSet,
    size: (f32, f32),
    margin: f32,
    /// Baseline of the next line.
    y: f32,
    pages: Vec<Page>,
    page: Page,
}

impl<'f> Flow<'f> {
    fn new(fonts: &'f FontSet, size: (f32, f32), margin: f32) -> Self {
        Flow {
            fonts,
            size,
            margin,
            y: size.1 - margin,
            pages: Vec::new(),
            page: Page {
                width: size.0,
                height: size.1,
                ..Page::default()
            },
        }
    }

    fn text_width(&self) -> f32 {
        self.size.0 - 2.0 * self.margin
    }

    fn new_page(&mut self) {
        let next = Page {
            width: self.size.0,
            height: self.size.1,
            ..Page::default()
        };
        self.pages.push(std::mem::replace(&mut self.page, next));
        self.y = self.size.1 - self.margin;
    }

    /// True when the page has nothing on it yet.
    fn page_empty(&self) -> bool {
        self.page.blocks.is_empty() && self.page.rules.is_empty()
    }

    /// Starts a new page unless `height` more points fit on this one.
    fn ensure(&mut self, height: f32) {
        if self.y - height < self.margin && !self.page_empty() {
            self.new_page();
        }
    }

    /// A wrapped paragraph at `indent`, as one block per page it spans.
    fn paragraph(&mut self, text: &str, size: f32, indent: f32, space_after: f32) {
        self.styled(text, size, false, indent, space_after);
    }

    /// [`Self::paragraph`] in bold or regular.
    fn styled(&mut self, text: &str, size: f32, bold: bool, indent: f32, space_after: f32) {
        let text = drawable(self.fonts, text);
        let lines = wrap(self.fonts, &text, self.text_width() - indent, size);
        let step = size * LEADING;
        let mut block = Vec::new();
        for line in lines {
            if self.y - step < self.margin && !(self.page_empty() && block.is_empty()) {
                if !block.is_empty() {
                    self.page.blocks.push(std::mem::take(&mut block));
                }
                self.new_page();
            }
            self.y -= step;
            block.push(Piece {
                x: self.margin + indent,
                y: self.y,
                size,
                bold,
                text: line,
            });
        }
        self.page.blocks.push(block);
        self.y -= space_after;
    }

    /// A row of cells in columns (`cols`: x offset from the margin and width,
    /// `right`: right-aligned), as one block; a cell wraps inside its column.
    fn row(&mut self, cells: &[String], cols: &[(f32, f32)], right: &[bool], size: f32) {
        self.styled_row(cells, cols, right, size, false);
    }

    /// [`Self::row`] in bold or regular.
    fn styled_row(
        &mut self,
        cells: &[String],
        cols: &[(f32, f32)],
        right: &[bool],
        size: f32,
        bold: bool,
    ) {
        let step = size * LEADING;
        let wrapped: Vec<Vec<String>> = cells
            .iter()
            .zip(cols)
            .map(|(c, (_, w))| {
                wrap(
                    self.fonts,
                    &drawable(self.fonts, c),
                    (w - 4.0).max(size),
                    size,
                )
            })
            .collect();
        let lines = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        self.ensure(step * lines as f32 + 2.0);
        let top = self.y;
        let mut block = Vec::new();
        for (i, (lines, (x, w))) in wrapped.iter().zip(cols).enumerate() {
            for (k, line) in lines.iter().enumerate() {
                // A space before every cell but the first keeps the cells
                // apart in extracted text; it is drawn left of the column.
                let (text, lead) = if i > 0 && k == 0 {
                    (format!(" {line}"), width(self.fonts, " ", size))
                } else {
                    (line.clone(), 0.0)
                };
                let tw = width(self.fonts, line, size);
                let x0 = if right.get(i).copied().unwrap_or(false) {
                    self.margin + x + w - 4.0 - tw
                } else {
                    self.margin + x
                };
                block.push(Piece {
                    x: x0 - lead,
                    y: top - step * (k as f32 + 1.0),
                    size,
                    bold,
                    text,
                });
            }
        }
        if block.is_empty() {
            block.push(Piece {
                x: self.margin,
                y: top - step,
                size,
                bold,
                text: String::new(),
            });
        }
        self.page.blocks.push(block);
        self.y = top - step * lines as f32 - 2.0;
    }

    /// A horizontal rule across `width` points at the current position.
    fn rule(&mut self, width: f32) {
        let y = self.y + 1.0;
        self.page
            .rules
            .push((self.margin, y, self.margin + width, y));
    }

    fn finish(mut self) -> Vec<Page> {
        if !self.page_empty() || self.pages.is_empty() {
            self.pages.push(self.page);
        }
        self.pages
    }
}

/// Natural column widths of table rows: the widest cell plus a gap, at
/// least 24 points.
fn natural_widths<'r>(
    fonts: &FontSet,
    rows: impl IntoIterator<Item = &'r [String]>,
    size: f32,
) -> Vec<f32> {
    let mut natural: Vec<f32> = Vec::new();
    for r in rows {
        if natural.len() < r.len() {
            natural.resize(r.len(), 24.0);
        }
        for (i, c) in r.iter().enumerate() {
            natural[i] = natural[i].max(width(fonts, c, size) + COLUMN_GAP);
        }
    }
    natural
}

/// Space between table columns, in points.
const COLUMN_GAP: f32 = 10.0;

/// Column widths for a table: natural widths, scaled down to fit.
fn columns(fonts: &FontSet, rows: &[Vec<String>], size: f32, available: f32) -> Vec<(f32, f32)> {
    let natural = natural_widths(fonts, rows.iter().map(Vec::as_slice), size);
    let total: f32 = natural.iter().sum();
    let scale = if total > available {
        available / total
    } else {
        1.0
    };
    let mut x = 0.0;
    natural
        .iter()
        .map(|w| {
            let col = (x, w * scale);
            x += w * scale;
            col
        })
        .collect()
}

fn table(flow: &mut Flow<'_>, t: &Table, size: f32) {
    let rows: Vec<Vec<String>> = t
        .rows
        .iter()
        .map(|r| r.iter().map(|c| inlines_text(c)).collect())
        .collect();
    let cols = columns(flow.fonts, &rows, size, flow.text_width());
    let total: f32 = cols.last().map_or(0.0, |(x, w)| x + w);
    let mut right = crate::look::numeric_columns(&rows, t.header);
    right.resize(cols.len(), false);
    if let Some(first) = right.first_mut() {
        *first = false;
    }
    for (i, r) in rows.iter().enumerate() {
        let mut cells = r.clone();
        cells.resize(cols.len(), String::new());
        let header = i == 0 && t.header;
        let sum = i + 1 == rows.len()
            && !header
            && cells
                .first()
                .is_some_and(|c| crate::look::is_total_label(c));
        if sum {
            flow.rule(total);
        }
        flow.styled_row(&cells, &cols, &right, size, header || sum);
        if header {
            flow.rule(total);
        }
    }
    flow.y -= size * 0.6;
}

/// Adds the page furniture: `Page n of N` under every page (`n / N` at
/// the bottom right of slides) and, when `header` is not empty, a running
/// header above the text of every page but the first (which carries the
/// title itself).
fn number_pages(fonts: &FontSet, pages: &mut [Page], slides: bool, header: &str) {
    let n = pages.len();
    let header = drawable(fonts, header.lines().next().unwrap_or_default());
    for (i, p) in pages.iter_mut().enumerate() {
        let text = if slides {
            format!("{} / {n}", i + 1)
        } else {
            format!("Page {} of {n}", i + 1)
        };
        let w = width(fonts, &text, FURNITURE);
        p.furniture.push(Piece {
            x: if slides {
                p.width - 36.0 - w
            } else {
                (p.width - w) / 2.0
            },
            y: if slides { 14.0 } else { 28.0 },
            size: FURNITURE,
            bold: false,
            text,
        });
        if !slides && i > 0 && !header.is_empty() {
            let max = p.width - 2.0 * MARGIN;
            let line = wrap(fonts, &header, max, FURNITURE)
                .into_iter()
                .next()
                .unwrap_or_default();
            p.furniture.push(Piece {
                x: MARGIN,
                y: p.height - 34.0,
                size: FURNITURE,
                bold: false,
                text: line.trim_end().to_owned(),
            });
        }
    }
}

/// A document: title, headings (larger), paragraphs, lists, tables as
/// aligned columns, page breaks, page numbers.
pub(crate) fn document(fonts: &FontSet, d: &Document, paper: PaperSize) -> Vec<Page> {
    let mut flow = Flow::new(fonts, paper.points(), MARGIN);
    if let Some(t) = &d.title {
        flow.styled(t, 20.0, true, 0.0, 10.0);
    }
    for b in &d.blocks {
        match b {
            DocBlock::Heading { level, text } => {
                let size = match level {
                    1 => 17.0,
                    2 => 14.0,
                    _ => 12.0,
                };
                flow.ensure(size * 4.0);
                flow.y -= size * 0.4;
                flow.styled(text, size, true, 0.0, size * 0.3);
            }
            DocBlock::Paragraph { inlines } => {
                flow.paragraph(&inlines_text(inlines), BODY, 0.0, BODY * 0.6)
            }
            DocBlock::List { ordered, items } => {
                for (i, item) in items.iter().enumerate() {
                    let marker = if *ordered {
                        format!("{}. ", i + 1)
                    } else {
                        "\u{2022} ".to_owned()
                    };
                    let indent = 14.0 + 18.0 * f32::from(item.level.min(8));
                    flow.paragraph(
                        &format!("{marker}{}", inlines_text(&item.inlines)),
                        BODY,
                        indent,
                        2.0,
                    );
                }
                flow.y -= BODY * 0.5;
            }
            DocBlock::Table(t) => table(&mut flow, t, 9.5),
            DocBlock::PageBreak => flow.new_page(),
        }
    }
    let mut pages = flow.finish();
    number_pages(
        fonts,
        &mut pages,
        false,
        d.title.as_deref().unwrap_or_default(),
    );
    pages
}

/// A deck: one 16:9 page per slide, the title larger, bullets indented by
/// level, the table below them; speaker notes are not printed.
pub(crate) fn deck(fonts: &FontSet, d: &Deck) -> Vec<Page> {
    let mut pages = Vec::new();
    for s in &d.slides {
        let mut flow = Flow::new(fonts, SLIDE, 36.0);
        match s.layout {
            Layout::Title => {
                flow.y = SLIDE.1 * 0.62;
                flow.styled(&s.title, 28.0, true, 0.0, 8.0);
            }
            Layout::TitleAndContent => flow.styled(&s.title, 22.0, true, 0.0, 10.0),
        }
        if let Some(sub) = &s.subtitle {
            flow.paragraph(sub, 15.0, 0.0, 10.0);
        }
        for b in &s.bullets {
            let indent = 14.0 + 20.0 * f32::from(b.level.min(8));
            let size = if b.level == 0 { 14.0 } else { 12.0 };
            flow.paragraph(
                &format!("\u{2022} {}", inlines_text(&b.inlines)),
                size,
                indent,
                3.0,
            );
        }
        if let Some(t) = &s.table {
            flow.y -= 6.0;
            table(&mut flow, t, 10.0);
        }
        // A slide is one page; text that does not fit runs onto extra pages
        // rather than being lost.
        pages.extend(flow.finish());
    }
    if pages.is_empty() {
        pages.push(Page {
            width: SLIDE.0,
            height: SLIDE.1,
            ..Page::default()
        });
    }
    number_pages(fonts, &mut pages, true, "");
    pages
}

/// Column letters of a zero-based column (`0` → `A`, `27` → `AB`).
fn col_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A workbook: each sheet as an aligned grid under its name, with column
/// letters and row numbers, numbers right-aligned; columns that do not fit
/// the (landscape) page continue on the following pages.
pub(crate) fn workbook(fonts: &FontSet, w: &Workbook, paper: PaperSize) -> Vec<Page> {
    let size = 8.5;
    let (pw, ph) = paper.points();
    let landscape = (ph, pw);
    let mut pages = Vec::new();
    for sheet in &w.sheets {
        let (rows, cols) = sheet.extent();
        let mut flow = Flow::new(fonts, landscape, 40.0);
        let mut text = vec![vec![String::new(); cols as usize]; rows as usize];
        let mut numeric = vec![vec![false; cols as usize]; rows as usize];
        for (addr, cell) in &sheet.cells {
            let (r, c) = (addr.row as usize, addr.col as usize);
            text[r][c] = format_value(&cell.value, cell.format.as_deref());
            numeric[r][c] = matches!(cell.value, CellValue::Number(_) | CellValue::Date(_));
        }
        // Natural column widths, capped, then cut into bands that fit.
        let avail = flow.text_width();
        let row_head = width(fonts, &rows.max(1).to_string(), size) + 10.0;
        let widths: Vec<f32> = (0..cols as usize)
            .map(|c| {
                text.iter()
                    .map(|r| width(fonts, &r[c], size) + 10.0)
                    .fold(30.0_f32, f32::max)
                    .min(220.0)
            })
            .collect();
        let mut bands: Vec<(usize, usize)> = Vec::new();
        let mut start = 0;
        let mut used = row_head;
        for (c, w) in widths.iter().enumerate() {
            if used + w > avail && c > start {
                bands.push((start, c));
                start = c;
                used = row_head;
            }
            used += w;
        }
        if cols > 0 {
            bands.push((start, cols as usize));
        }
        let band_count = bands.len();
        for (bi, (c0, c1)) in bands.into_iter().enumerate() {
            if bi > 0 {
                flow.new_page();
            }
            let title = if band_count > 1 {
                format!(
                    "{} (columns {}\u{2013}{})",
                    sheet.name,
                    col_name(c0 as u32),
                    col_name(c1 as u32 - 1)
                )
            } else {
                sheet.name.clone()
            };
            flow.styled(&title, 13.0, true, 0.0, 6.0);
            let mut layout = vec![(0.0, row_head)];
            let mut x = row_head;
            for w in &widths[c0..c1] {
                layout.push((x, *w));
                x += w;
            }
            let mut header = vec![String::new()];
            header.extend((c0..c1).map(|c| col_name(c as u32)));
            let mut right = vec![true];
            right.extend(std::iter::repeat_n(false, c1 - c0));
            flow.styled_row(&header, &layout, &right, size, true);
            flow.rule(x);
            for r in 0..rows as usize {
                let mut cells = vec![(r + 1).to_string()];
                cells.extend(text[r][c0..c1].iter().cloned());
                let mut right = vec![true];
                right.extend(numeric[r][c0..c1].iter().copied());
                flow.row(&cells, &layout, &right, size);
            }
        }
        if cols == 0 {
            flow.styled(&sheet.name, 13.0, true, 0.0, 6.0);
        }
        pages.extend(flow.finish());
    }
    if pages.is_empty() {
        pages.push(Page {
            width: landscape.0,
            height: landscape.1,
            ..Page::default()
        });
    }
    number_pages(fonts, &mut pages, false, "");
    pages
}

/// What a line of a Pdf page is, read from its text alone (a Pdf carries
/// no structure): the document's title, a heading, or body text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LineKind {
    Title,
    Heading,
    Body,
}

impl LineKind {
    /// Size relative to the page's body size.
    fn scale(self) -> f32 {
        match self {
            LineKind::Title => 1.6,
            LineKind::Heading => 1.25,
            LineKind::Body => 1.0,
        }
    }
}

/// Whether a line on its own between blank lines reads as a heading:
/// short, starting with a capital letter, not a list item, not ending like
/// a sentence or a salutation.
fn heading_like(line: &str) -> bool {
    let t = line.trim();
    let n = t.chars().count();
    let Some(first) = t.chars().next() else {
        return false;
    };
    (2..=70).contains(&n)
        && first.is_alphabetic()
        && !first.is_lowercase()
        && !t.ends_with(['.', ',', ';', '!', '?'])
        && !t.starts_with(['-', '*', '\u{2022}', '\u{2013}'])
}

/// The kind of every line of every page: the first line of the document
/// is its title when it reads as a heading; a heading-like line with a
/// blank line (or the page's edge) before it and a blank line or a table
/// after it is a heading; the rest is body text.
fn line_kinds(pages: &[Vec<&str>]) -> Vec<Vec<LineKind>> {
    let mut title_done = false;
    pages
        .iter()
        .map(|lines| {
            (0..lines.len())
                .map(|i| {
                    let l = lines[i];
                    if l.trim().is_empty() || l.contains('\t') || !heading_like(l) {
                        if !l.trim().is_empty() {
                            title_done = true;
                        }
                        return LineKind::Body;
                    }
                    let before = i == 0 || lines[i - 1].trim().is_empty();
                    let after = lines
                        .get(i + 1)
                        .is_none_or(|n| n.trim().is_empty() || n.contains('\t'));
                    let kind = if !title_done && before {
                        LineKind::Title
                    } else if before && after {
                        LineKind::Heading
                    } else {
                        LineKind::Body
                    };
                    title_done = true;
                    kind
                })
                .collect()
        })
        .collect()
}

/// One line of a Pdf page as laid out: plain text (wrapped at the page
/// width) or a table row (tab-separated cells in the columns of its run of
/// rows).
enum PdfLine {
    Text(Vec<String>, LineKind),
    Row(Vec<String>),
}

/// A Pdf artifact: one page per model page, each line as one block; a run
/// of lines holding tabs is a table, its cells set in columns measured over
/// the run (at a smaller size when the columns would not fit); the title
/// and headings ([`line_kinds`]) larger and bold. The text shrinks until
/// the page's lines fit its height. Every page gets its number below and
/// the title as a running header above (from the second page on).
pub(crate) fn pdf(fonts: &FontSet, p: &Pdf, paper: PaperSize) -> Vec<Page> {
    let (pw, ph) = paper.points();
    let avail_w = pw - 2.0 * MARGIN;
    let avail_h = ph - 2.0 * MARGIN;
    let raw_pages: Vec<Vec<&str>> = p
        .pages
        .iter()
        .map(|pg| pg.text.split('\n').collect())
        .collect();
    let kinds = line_kinds(&raw_pages);
    let mut pages = Vec::new();
    for (raw, kinds) in raw_pages.iter().zip(&kinds) {
        let mut size = 10.0_f32;
        let mut laid: Vec<PdfLine>;
        loop {
            laid = raw
                .iter()
                .zip(kinds)
                .map(|(l, &kind)| {
                    if l.contains('\t') {
                        PdfLine::Row(l.split('\t').map(|c| drawable(fonts, c)).collect())
                    } else {
                        let s = size * kind.scale();
                        PdfLine::Text(wrap(fonts, &drawable(fonts, l), avail_w, s), kind)
                    }
                })
                .collect();
            let height: f32 = laid
                .iter()
                .map(|l| match l {
                    PdfLine::Text(w, kind) => w.len() as f32 * kind.scale(),
                    PdfLine::Row(_) => 1.0,
                })
                .sum::<f32>()
                * size
                * LEADING;
            if height <= avail_h || size < 0.5 {
                break;
            }
            size = (size * avail_h / height).min(size * 0.9);
        }
        let mut out = Page {
            width: pw,
            height: ph,
            ..Page::default()
        };
        let mut y = ph - MARGIN;
        let mut i = 0;
        while i < laid.len() {
            match &laid[i] {
                PdfLine::Text(pieces, kind) => {
                    let s = size * kind.scale();
                    let mut block = Vec::new();
                    for text in pieces {
                        y -= s * LEADING;
                        block.push(Piece {
                            x: MARGIN,
                            y,
                            size: s,
                            bold: *kind != LineKind::Body,
                            text: text.clone(),
                        });
                    }
                    out.blocks.push(block);
                    i += 1;
                }
                PdfLine::Row(_) => {
                    let end = laid[i..]
                        .iter()
                        .position(|l| matches!(l, PdfLine::Text(..)))
                        .map_or(laid.len(), |n| i + n);
                    let rows: Vec<&Vec<String>> = laid[i..end]
                        .iter()
                        .filter_map(|l| match l {
                            PdfLine::Row(r) => Some(r),
                            PdfLine::Text(..) => None,
                        })
                        .collect();
                    for block in pdf_table(fonts, &rows, size, avail_w, &mut y) {
                        out.blocks.push(block);
                    }
                    i = end;
                }
            }
        }
        pages.push(out);
    }
    if pages.is_empty() {
        pages.push(Page {
            width: pw,
            height: ph,
            ..Page::default()
        });
    }
    number_pages(
        fonts,
        &mut pages,
        false,
        p.title.as_deref().unwrap_or_default(),
    );
    pages
}

/// A run of table rows on a Pdf page: columns at their natural widths
/// (numeric columns right-aligned, header included), the size reduced to fit `avail_w`, each row a
/// block whose cells after the first start with a space (drawn left of the
/// column) so extracted text keeps the cells apart.
fn pdf_table(
    fonts: &FontSet,
    rows: &[&Vec<String>],
    size: f32,
    avail_w: f32,
    y: &mut f32,
) -> Vec<Vec<Piece>> {
    let natural = natural_widths(fonts, rows.iter().map(|r| r.as_slice()), size);
    let n = natural.len();
    // A column is numeric when its cells below the first row (a header,
    // perhaps) all read as numbers; the header then aligns with them.
    let body = if rows.len() > 1 { &rows[1..] } else { rows };
    let numeric: Vec<bool> = (0..n)
        .map(|c| {
            let cells: Vec<&str> = body
                .iter()
                .filter_map(|r| r.get(c))
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .collect();
            !cells.is_empty() && cells.iter().all(|t| looks_numeric(t))
        })
        .collect();
    let total: f32 = natural.iter().sum();
    let cell_size = if total > avail_w {
        (size * avail_w / total).max(0.5)
    } else {
        size
    };
    let scale = cell_size / size;
    let mut blocks = Vec::with_capacity(rows.len());
    for r in rows {
        *y -= size * LEADING;
        let mut x = MARGIN;
        let mut block = Vec::with_capacity(r.len());
        for (c, text) in r.iter().enumerate() {
            let col_w = natural[c] * scale;
            let tw = width(fonts, text, cell_size);
            let x0 = if numeric[c] && c > 0 {
                x + col_w - COLUMN_GAP * scale - tw
            } else {
                x
            };
            let (text, lead) = if c > 0 {
                (format!(" {text}"), width(fonts, " ", cell_size))
            } else {
                (text.clone(), 0.0)
            };
            block.push(Piece {
                x: x0 - lead,
                y: *y,
                size: cell_size,
                bold: false,
                text,
            });
            x += col_w;
        }
        blocks.push(block);
    }
    blocks
}

/// Every run of text an artifact puts on its pages, for the font subsets.
pub(crate) fn all_text(pages: &[Page]) -> impl Iterator<Item = &str> {
    pages.iter().flat_map(|p| {
        p.blocks
            .iter()
            .flatten()
            .chain(&p.furniture)
            .map(|piece| piece.text.as_str())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf::fonts::base_fonts;
    use simdesk_model::PdfPage;

    /// Tab-separated lines on a Pdf page are set as a table: every row's
    /// cells start at the same column positions, a numeric column is
    /// right-aligned, and plain lines around it stay at the margin.
    #[test]
    fn tab_rows_become_aligned_columns() {
        let fonts = base_fonts().unwrap();
        let p = Pdf {
            title: None,
            pages: vec![PdfPage {
                text: "Households\nName\tValue\nLevi Household\t$955,381\nIyer\t$8,644\nEnd".into(),
            }],
        };
        let pages = pdf(fonts, &p, PaperSize::A4);
        let blocks = &pages[0].blocks;
        assert_eq!(blocks.len(), 5);
        assert_eq!(blocks[0][0].x, MARGIN);
        assert_eq!(blocks[4][0].x, MARGIN);
        let rows = &blocks[1..4];
        for r in rows {
            assert_eq!(r.len(), 2);
            assert_eq!(r[0].x, MARGIN);
            assert!(r[1].x > MARGIN + width(fonts, "Levi Household", 10.0));
        }
        // Right edges of the numbers line up (header text is not numeric
        // but the column is, so the header is right-aligned too).
        let right = |p: &Piece| p.x + width(fonts, &p.text, p.size);
        let r1 = right(&rows[1][1]);
        let r2 = right(&rows[2][1]);
        assert!((r1 - r2).abs() < 0.01, "{r1} vs {r2}");
        // Cells after the first carry a leading space for extraction.
        assert_eq!(rows[1][1].text, " $955,381");
        // Each row is one line, one below the other.
        assert!(rows[0][0].y > rows[1][0].y && rows[1][0].y > rows[2][0].y);
    }

    #[test]
    fn wide_tables_shrink_to_the_page() {
        let fonts = base_fonts().unwrap();
        let cell = "a long cell of text".repeat(3);
        let line = [cell.as_str(); 6].join("\t");
        let p = Pdf {
            title: None,
            pages: vec![PdfPage { text: line }],
        };
        let pages = pdf(fonts, &p, PaperSize::A4);
        let row = &pages[0].blocks[0];
        let last = row.last().unwrap();
        let right = last.x + width(fonts, &last.text, last.size);
        assert!(right <= A4.0 - MARGIN + 0.5, "{right}");
        assert!(last.size < 10.0);
    }
}
