//! Derived artifacts: what an export makes from its source (document, deck
//! or workbook → Pdf pages; workbook → csv Text; anything → markdown Text),
//! and CSV parsing for imports.

use simdesk_model::{
    Artifact, Block, CellAddr, CellValue, Deck, Document, Inline, Pdf, PdfPage, SimTime, Text,
    TextFormat, Workbook, format_value, inlines_text,
};

/// Lines per page when laying text out into PDF pages.
const LINES_PER_PAGE: usize = 48;
/// Characters per line when wrapping text into PDF pages.
const LINE_WIDTH: usize = 90;

/// What an export target's extension asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExportTarget {
    Pdf,
    Csv,
    Markdown,
    PlainText,
}

impl ExportTarget {
    pub fn from_extension(ext: Option<&str>) -> Option<ExportTarget> {
        match ext?.to_ascii_lowercase().as_str() {
            "pdf" => Some(ExportTarget::Pdf),
            "csv" => Some(ExportTarget::Csv),
            "md" | "markdown" => Some(ExportTarget::Markdown),
            "txt" => Some(ExportTarget::PlainText),
            _ => None,
        }
    }
}

/// Derives the exported artifact, or says why the pair is not supported.
pub(crate) fn derive(
    source: &Artifact,
    target: ExportTarget,
    sheet: Option<&str>,
) -> Result<Artifact, String> {
    Ok(match (source, target) {
        (Artifact::Document(d), ExportTarget::Pdf) => {
            Artifact::Pdf(paginate(d.title.clone(), &document_text(d)))
        }
        (Artifact::Deck(d), ExportTarget::Pdf) => Artifact::Pdf(Pdf {
            title: d.title.clone(),
            pages: d
                .slides
                .iter()
                .enumerate()
                .map(|(i, _)| PdfPage {
                    text: slide_text(d, i),
                })
                .collect(),
        }),
        (Artifact::Workbook(w), ExportTarget::Pdf) => {
            Artifact::Pdf(paginate(None, &workbook_plain(w)))
        }
        (Artifact::Pdf(p), ExportTarget::Pdf) => Artifact::Pdf(p.clone()),
        (Artifact::Workbook(w), ExportTarget::Csv) => {
            let s = match sheet {
                Some(name) => w
                    .sheet(name)
                    .ok_or_else(|| format!("no sheet {name:?} to export"))?,
                None => w.sheets.first().ok_or("the workbook has no sheets")?,
            };
            Artifact::Text(Text {
                format: TextFormat::Csv,
                content: sheet_csv(s),
            })
        }
        (Artifact::Text(t), ExportTarget::Csv) if t.format == TextFormat::Csv => {
            Artifact::Text(t.clone())
        }
        (a, ExportTarget::Markdown) => Artifact::Text(Text {
            format: TextFormat::Markdown,
            content: markdown(a).ok_or_else(|| format!("a {} has no markdown form", a.kind()))?,
        }),
        (a, ExportTarget::PlainText) => Artifact::Text(Text {
            format: TextFormat::Plain,
            content: markdown(a).ok_or_else(|| format!("a {} has no text form", a.kind()))?,
        }),
        (a, t) => return Err(format!("a {} cannot be exported to {t:?}", a.kind())),
    })
}

fn markdown(a: &Artifact) -> Option<String> {
    Some(match a {
        Artifact::Document(d) => document_markdown(d),
        Artifact::Deck(d) => deck_markdown(d),
        Artifact::Workbook(w) => workbook_markdown(w),
        Artifact::Pdf(p) => p
            .pages
            .iter()
            .map(|p| p.text.clone())
            .collect::<Vec<_>>()
            .join("\n\n"),
        Artifact::Text(t) => t.content.clone(),
        Artifact::Email(_) | Artifact::Binary(_) => return None,
    })
}

/// Wraps and paginates text into PDF pages.
fn paginate(title: Option<String>, text: &str) -> Pdf {
    let mut lines = Vec::new();
    for line in text.lines() {
        if line == PAGE_BREAK {
            let pad = (LINES_PER_PAGE - lines.len() % LINES_PER_PAGE) % LINES_PER_PAGE;
            lines.extend(std::iter::repeat_n(String::new(), pad));
            continue;
        }
        wrap(line, LINE_WIDTH, &mut lines);
    }
    let pages = lines
        .chunks(LINES_PER_PAGE)
        .map(|chunk| PdfPage {
            text: chunk.join("\n").trim_end().to_owned(),
        })
        .collect::<Vec<_>>();
    Pdf {
        title,
        pages: if pages.is_empty() {
            vec![PdfPage::default()]
        } else {
            pages
        },
    }
}

fn wrap(line: &str, width: usize, out: &mut Vec<String>) {
    // A table row stays one line: the PDF writer fits its columns.
    if line.contains('\t') || line.chars().count() <= width {
        out.push(line.to_owned());
        return;
    }
    let mut cur = String::new();
    for word in line.split(' ') {
        let need = cur.chars().count() + word.chars().count() + usize::from(!cur.is_empty());
        if need > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
        while cur.chars().count() > width {
            let split: String = cur.chars().take(width).collect();
            let rest: String = cur.chars().skip(width).collect();
            out.push(split);
            cur = rest;
        }
    }
    out.push(cur);
}

const PAGE_BREAK: &str = "\u{c}";

fn inline_md(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text {
                text, bold, italic, ..
            } if !text.trim().is_empty() => match (bold, italic) {
                (true, true) => format!("***{text}***"),
                (true, false) => format!("**{text}**"),
                (false, true) => format!("*{text}*"),
                _ => text.clone(),
            },
            other => other.display().to_owned(),
        })
        .collect()
}

fn table_md(rows: &[Vec<Vec<Inline>>], header: bool, out: &mut String) {
    let Some(first) = rows.first() else { return };
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let cell = |r: &Vec<Vec<Inline>>, i: usize| {
        r.get(i)
            .map(|c| inline_md(c).replace('|', "\\|").replace('\n', " "))
            .unwrap_or_default()
    };
    let line = |r: &Vec<Vec<Inline>>| {
        format!(
            "| {} |\n",
            (0..cols)
                .map(|i| cell(r, i))
                .collect::<Vec<_>>()
                .join(" | ")
        )
    };
    let (head, body) = if header {
        (line(first), &rows[1..])
    } else {
        (format!("|{}\n", " |".repeat(cols)), rows)
    };
    out.push_str(&head);
    out.push_str(&format!("|{}\n", " --- |".repeat(cols)));
    for r in body {
        out.push_str(&line(r));
    }
}

/// Text as one plain line: tabs and line breaks become spaces (a tab
/// would start a table cell on the PDF page).
fn one_line(s: &str) -> String {
    s.replace(['\t', '\n'], " ")
}

/// Inline text as one plain line (no markup).
fn inline_plain(inlines: &[Inline]) -> String {
    one_line(&inlines_text(inlines))
}

/// Table rows as lines of tab-separated cells.
fn table_text(rows: &[Vec<Vec<Inline>>], out: &mut String) {
    for r in rows {
        let cells: Vec<String> = r.iter().map(|c| inline_plain(c)).collect();
        out.push_str(&cells.join("\t"));
        out.push('\n');
    }
}

/// A list item's line: indent, bullet or number, text.
fn item_line(ordered: bool, n: usize, level: u8, text: &str) -> String {
    let indent = "    ".repeat(usize::from(level));
    if ordered {
        format!("{indent}{}. {text}\n", n + 1)
    } else {
        format!("{indent}\u{2022} {text}\n")
    }
}

/// A document as the text of its PDF export, the way a reader sees the
/// printed page: headings and paragraphs as lines, list items with their
/// bullet or number, table rows as tab-separated cells (the PDF writer
/// lays those out as columns), page breaks as form feeds. No markup.
pub(crate) fn document_text(d: &Document) -> String {
    let mut out = String::new();
    for b in &d.blocks {
        match b {
            Block::Heading { text, .. } => {
                out.push_str(&one_line(text));
                out.push_str("\n\n");
            }
            Block::Paragraph { inlines } => {
                out.push_str(&inline_plain(inlines));
                out.push_str("\n\n");
            }
            Block::List { ordered, items } => {
                for (n, item) in items.iter().enumerate() {
                    let text = inline_plain(&item.inlines);
                    out.push_str(&item_line(*ordered, n, item.level, &text));
                }
                out.push('\n');
            }
            Block::Table(t) => {
                table_text(&t.rows, &mut out);
                out.push('\n');
            }
            Block::PageBreak => {
                out.push_str(PAGE_BREAK);
                out.push('\n');
            }
        }
    }
    out.trim_end().to_owned() + "\n"
}

/// One slide as the text of its PDF page: title, subtitle, bullets and
/// table, no markup.
fn slide_text(d: &Deck, i: usize) -> String {
    let s = &d.slides[i];
    let mut out = format!("{}\n", one_line(&s.title));
    if let Some(sub) = &s.subtitle {
        out.push_str(&format!("{}\n", one_line(sub)));
    }
    if !s.bullets.is_empty() {
        out.push('\n');
    }
    for b in &s.bullets {
        out.push_str(&item_line(false, 0, b.level, &inline_plain(&b.inlines)));
    }
    if let Some(t) = &s.table {
        out.push('\n');
        table_text(&t.rows, &mut out);
    }
    out.trim_end().to_owned()
}

/// A document as markdown; page breaks become form feeds.
pub(crate) fn document_markdown(d: &Document) -> String {
    let mut out = String::new();
    for b in &d.blocks {
        match b {
            Block::Heading { level, text } => out.push_str(&format!(
                "{} {text}\n\n",
                "#".repeat((*level).clamp(1, 6) as usize)
            )),
            Block::Paragraph { inlines } => out.push_str(&format!("{}\n\n", inline_md(inlines))),
            Block::List { ordered, items } => {
                for (n, item) in items.iter().enumerate() {
                    let indent = "  ".repeat(item.level as usize);
                    let marker = if *ordered {
                        format!("{}.", n + 1)
                    } else {
                        "-".to_owned()
                    };
                    out.push_str(&format!("{indent}{marker} {}\n", inline_md(&item.inlines)));
                }
                out.push('\n');
            }
            Block::Table(t) => {
                table_md(&t.rows, t.header, &mut out);
                out.push('\n');
            }
            Block::PageBreak => out.push_str(&format!("{PAGE_BREAK}\n")),
        }
    }
    out.trim_end().to_owned() + "\n"
}

fn slide_markdown(d: &Deck, i: usize) -> String {
    let s = &d.slides[i];
    let mut out = format!("## {}\n", s.title);
    if let Some(sub) = &s.subtitle {
        out.push_str(&format!("\n{sub}\n"));
    }
    if !s.bullets.is_empty() {
        out.push('\n');
    }
    for b in &s.bullets {
        out.push_str(&format!(
            "{}- {}\n",
            "  ".repeat(b.level as usize),
            inline_md(&b.inlines)
        ));
    }
    if let Some(t) = &s.table {
        out.push('\n');
        table_md(&t.rows, t.header, &mut out);
    }
    out
}

/// A deck as markdown: one section per slide, notes as quotes.
pub(crate) fn deck_markdown(d: &Deck) -> String {
    let mut out = String::new();
    for (i, s) in d.slides.iter().enumerate() {
        out.push_str(&format!("<!-- slide {} -->\n", i + 1));
        out.push_str(&slide_markdown(d, i));
        if !s.notes.is_empty() {
            out.push_str(&format!("\n> Notes: {}\n", s.notes.replace('\n', "\n> ")));
        }
        out.push('\n');
    }
    out
}

/// A workbook as markdown tables of formatted values.
pub(crate) fn workbook_markdown(w: &Workbook) -> String {
    let mut out = String::new();
    for s in &w.sheets {
        out.push_str(&format!("## {}\n\n", s.name));
        let (rows, cols) = s.extent();
        let grid: Vec<Vec<Vec<Inline>>> = (0..rows.min(10_000))
            .map(|r| {
                (0..cols.min(200))
                    .map(|c| {
                        let cell = s.cells.get(&CellAddr::new(r, c));
                        vec![Inline::text(&cell.map_or(String::new(), |c| {
                            format_value(&c.value, c.format.as_deref())
                        }))]
                    })
                    .collect()
            })
            .collect();
        table_md(&grid, true, &mut out);
        out.push('\n');
    }
    out
}

/// A workbook as the text of its PDF export: each sheet's name, then its
/// rows as tab-separated formatted values (the PDF writer lays those out
/// as columns), sheets separated by page breaks.
fn workbook_plain(w: &Workbook) -> String {
    let mut out = String::new();
    for (i, s) in w.sheets.iter().enumerate() {
        if i > 0 {
            out.push_str(PAGE_BREAK);
            out.push('\n');
        }
        out.push_str(&format!("{}\n\n", s.name));
        let (rows, cols) = s.extent();
        let (rows, cols) = (rows.min(10_000), cols.min(50));
        for r in 0..rows {
            let line: Vec<String> = (0..cols)
                .map(|c| {
                    s.cells
                        .get(&CellAddr::new(r, c))
                        .map_or(String::new(), |c| {
                            one_line(&format_value(&c.value, c.format.as_deref()))
                        })
                })
                .collect();
            out.push_str(line.join("\t").trim_end());
            out.push('\n');
        }
    }
    out
}

/// One sheet as CSV (RFC 4180): numbers in general format (so the file
/// reads back as numbers), other values formatted, and text that a
/// spreadsheet would run as a formula prefixed by `'`.
pub(crate) fn sheet_csv(s: &simdesk_model::Sheet) -> String {
    use simdesk_model::csv::{guard_formula, quote_field};
    let (rows, cols) = s.extent();
    let mut out = String::new();
    for r in 0..rows {
        let line: Vec<String> = (0..cols)
            .map(|c| {
                let t = s
                    .cells
                    .get(&CellAddr::new(r, c))
                    .map_or(String::new(), |c| match &c.value {
                        CellValue::Number(n) => format_value(&CellValue::Number(*n), None),
                        CellValue::Text(t) => guard_formula(t),
                        v => format_value(v, c.format.as_deref()),
                    });
                quote_field(&t)
            })
            .collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Limits for CSV parsing in imports.
pub(crate) const MAX_CSV_CELLS: usize = 2_000_000;

/// Parses CSV text into rows of typed values: numbers, ISO dates, TRUE and
/// FALSE, percentages (`5%` → 0.05), everything else text.
pub(crate) fn parse_csv(text: &str) -> Result<Vec<Vec<CellValue>>, String> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut cells = 0usize;
    let mut chars = text.chars().peekable();
    let mut line = 1;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                _ => {
                    if c == '\n' {
                        line += 1;
                    }
                    field.push(c)
                }
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            ',' => row.push(typed(&std::mem::take(&mut field))),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(typed(&std::mem::take(&mut field)));
                cells += row.len();
                rows.push(std::mem::take(&mut row));
                line += 1;
            }
            _ => field.push(c),
        }
        if cells > MAX_CSV_CELLS {
            return Err(format!("more than {MAX_CSV_CELLS} cells (line {line})"));
        }
    }
    if in_quotes {
        return Err(format!("unterminated quoted field at line {line}"));
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(typed(&field));
        rows.push(row);
    }
    Ok(rows)
}

fn typed(s: &str) -> CellValue {
    let t = s.trim();
    if t.is_empty() {
        return CellValue::Empty;
    }
    if let Some(rest) = t.strip_prefix('\'') {
        return CellValue::Text(rest.to_owned());
    }
    if t.eq_ignore_ascii_case("true") {
        return CellValue::Bool(true);
    }
    if t.eq_ignore_ascii_case("false") {
        return CellValue::Bool(false);
    }
    if let Some(p) = t.strip_suffix('%')
        && let Ok(n) = p.trim().parse::<f64>()
    {
        return CellValue::Number(n / 100.0);
    }
    if t.bytes()
        .all(|b| b.is_ascii_digit() || b"+-.eE".contains(&b))
        && let Ok(n) = t.parse::<f64>()
        && n.is_finite()
    {
        return CellValue::Number(n);
    }
    if t.len() == 10
        && let Ok(d) = SimTime::parse(t)
    {
        return CellValue::Date(d.excel_serial());
    }
    CellValue::Text(s.to_owned())
}

/// Plain text of a whole artifact, for searches and goals.
pub fn plain_text(a: &Artifact) -> String {
    match a {
        Artifact::Document(d) => document_markdown(d),
        Artifact::Deck(d) => deck_markdown(d),
        Artifact::Workbook(w) => workbook_markdown(w),
        Artifact::Pdf(p) => p
            .pages
            .iter()
            .map(|p| p.text.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        Artifact::Email(e) => format!(
            "{}\n{}",
            e.subject,
            e.body
                .iter()
                .map(|p| inlines_text(&p.inlines))
                .collect::<Vec<_>>()
                .join("\n")
        ),
        Artifact::Text(t) => t.content.clone(),
        Artifact::Binary(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document's PDF export reads like the printed page: no markdown
    /// markers, bullets and numbers on list items, table rows as
    /// tab-separated cells for the PDF writer to set in columns.
    #[test]
    fn document_pdf_text_is_plain() {
        let d = Document {
            title: Some("Review".into()),
            blocks: vec![
                Block::heading(1, "Q2 Review"),
                Block::para("Assets stand at $1,200."),
                Block::List {
                    ordered: false,
                    items: vec![simdesk_model::ListItem {
                        level: 0,
                        inlines: vec![Inline::text("Call the client")],
                    }],
                },
                Block::List {
                    ordered: true,
                    items: vec![simdesk_model::ListItem {
                        level: 1,
                        inlines: vec![Inline::text("Send the letter")],
                    }],
                },
                Block::Table(simdesk_model::Table::from_text(
                    true,
                    &[&["Household", "Value"], &["Levi", "$955,381"]],
                )),
            ],
        };
        let Artifact::Pdf(p) = derive(&Artifact::Document(d), ExportTarget::Pdf, None).unwrap()
        else {
            panic!("not a pdf")
        };
        let text = &p.pages[0].text;
        assert_eq!(
            text,
            "Q2 Review\n\nAssets stand at $1,200.\n\n\u{2022} Call the client\n\n    \
             1. Send the letter\n\nHousehold\tValue\nLevi\t$955,381"
        );
        for marker in ["#", "|", "---", "**"] {
            assert!(!text.contains(marker), "{marker} in {text}");
        }
    }

    #[test]
    fn csv_parses_types_and_quotes() {
        let rows = parse_csv("Ticker,Price,Date,Note\r\nAAPL,189.5,2026-01-05,\"a, \"\"quoted\"\"\"\nX,5%,TRUE,'=1\n").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1][1], CellValue::Number(189.5));
        assert!(matches!(rows[1][2], CellValue::Date(_)));
        assert_eq!(rows[1][3], CellValue::Text("a, \"quoted\"".into()));
        assert_eq!(rows[2][1], CellValue::Number(0.05));
        assert_eq!(rows[2][2], CellValue::Bool(true));
        assert_eq!(rows[2][3], CellValue::Text("=1".into()));
        assert!(parse_csv("\"open").is_err());
    }

    #[test]
    fn csv_guards_text_formulas_but_not_numbers() {
        let mut s = simdesk_model::Sheet::new("S");
        let cells = ["=SUM(A1)", "-x", "@cmd", "a,b", "-5"];
        for (i, t) in cells.iter().enumerate() {
            s.cells
                .insert(CellAddr::new(0, i as u32), simdesk_model::Cell::value(*t));
        }
        s.cells
            .insert(CellAddr::new(1, 0), simdesk_model::Cell::value(-5.0));
        assert_eq!(
            sheet_csv(&s),
            "'=SUM(A1),'-x,'@cmd,\"a,b\",'-5\r\n-5,,,,\r\n"
        );
    }

    #[test]
    fn wraps_long_lines() {
        let mut out = Vec::new();
        wrap(&"word ".repeat(40), 20, &mut out);
        assert!(out.iter().all(|l| l.chars().count() <= 20));
        assert!(out.len() >= 10);
    }
}
