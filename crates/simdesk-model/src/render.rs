//! The one renderer of artifacts as text: markdown (what `.md` exports and
//! the agents' views show) and plain text (what a PDF export prints). CSV
//! of a sheet is [`crate::csv::sheet_csv`]. Pure functions; the engine's
//! exports and views and the formats crate's writers all call these, so a
//! document reads the same wherever it is rendered.
//!
//! Markdown rules, one per case:
//! - headings `#`, `##`, `###` (levels clamp to 1–6), one line;
//! - bold and italic runs `**…**`, `*…*`, `***…***`, the markers hugging
//!   the text (surrounding spaces stay outside);
//! - `\`, `*`, `` ` ``, `[`, `]`, `<`, `>` are backslash-escaped, `_`
//!   unless it sits inside a word, `#` where it would start a heading;
//! - lists `-` or `1.` (numbers count per level), nested items indented
//!   by the width of their parent's marker: two spaces per level for
//!   bullets, three for numbers;
//! - tables are GFM pipe tables (a table without a header row gets an
//!   empty one, as GFM requires), `|` escaped and line breaks `<br>` in
//!   cells;
//! - a page break is a thematic break `---`;
//! - a field shows its current text.
//!
//! Plain text rules (a PDF page): no markup; list items with `•` or their
//! number (counted per level, as in markdown), indented four spaces per
//! level; table rows as tab-separated
//! cells (the PDF writer sets them in columns); tabs and line breaks inside
//! text become spaces; a page break is a form feed line ([`PAGE_BREAK`]).
//!
//! ```
//! use simdesk_model::{render, Block, Document};
//!
//! let d = Document { title: None, blocks: vec![Block::heading(1, "Q4 *review*"), Block::para("Net 3%")] };
//! assert_eq!(render::document_markdown(&d), "# Q4 \\*review\\*\n\nNet 3%\n");
//! assert_eq!(render::document_text(&d), "Q4 *review*\n\nNet 3%\n");
//! ```

use crate::artifact::{Artifact, Block, Deck, Document, Inline, Workbook, inlines_text};
use crate::cell::CellAddr;
use crate::numfmt::format_value;

/// The line that stands for a page break in plain text (a form feed).
pub const PAGE_BREAK: &str = "\u{c}";

/// Most rows of a sheet rendered as text.
pub const MAX_TEXT_ROWS: u32 = 10_000;

// ---------------------------------------------------------------- markdown

/// Escapes characters markdown would read as markup (see the module docs).
fn escape(text: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let intraword = c == '_'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if matches!(c, '\\' | '*' | '`' | '[' | ']' | '<' | '>')
            || (c == '_' && !intraword)
            || (in_table && c == '|')
        {
            out.push('\\');
        }
        match c {
            '\n' if in_table => out.push_str("<br>"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// A block's first line starting with `#` would read as a heading.
fn guard_heading(line: String) -> String {
    if line.starts_with('#') {
        format!("\\{line}")
    } else {
        line
    }
}

/// Runs as markdown: emphasis markers hugging the text, fields as their
/// current text.
pub fn inlines_markdown(runs: &[Inline], in_table: bool) -> String {
    let mut out = String::new();
    for r in runs {
        match r {
            Inline::Text { text, bold, italic } => {
                let t = escape(text, in_table);
                let core = t.trim();
                if core.is_empty() || (!bold && !italic) {
                    out.push_str(&t);
                    continue;
                }
                let lead = &t[..t.len() - t.trim_start().len()];
                let trail = &t[t.trim_end().len()..];
                let mark = match (bold, italic) {
                    (true, true) => "***",
                    (true, false) => "**",
                    _ => "*",
                };
                out.push_str(&format!("{lead}{mark}{core}{mark}{trail}"));
            }
            Inline::Field(f) => out.push_str(&escape(&f.display, in_table)),
        }
    }
    out
}

/// A GFM pipe table; `header`: the first row is the header row.
fn table_markdown(rows: &[Vec<Vec<Inline>>], header: bool) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
    let row = |cells: &[Vec<Inline>]| {
        let mut s = String::from("|");
        for c in 0..cols {
            let text = cells
                .get(c)
                .map(|x| inlines_markdown(x, true))
                .unwrap_or_default();
            s.push_str(&format!(" {text} |"));
        }
        s
    };
    let mut lines = Vec::new();
    let body = if header && !rows.is_empty() {
        lines.push(row(&rows[0]));
        &rows[1..]
    } else {
        lines.push(row(&[]));
        rows
    };
    lines.push(format!("|{}", " --- |".repeat(cols)));
    lines.extend(body.iter().map(|r| row(r)));
    lines.join("\n")
}

/// Deepest list level rendered; deeper items are shown at this level.
const MAX_LIST_LEVEL: u8 = 9;

/// Numbers of ordered list items: each level counts on its own and starts
/// again under a new parent item (one rule for markdown and plain text).
#[derive(Default)]
struct ListCounter([usize; MAX_LIST_LEVEL as usize + 1]);

impl ListCounter {
    /// The number of the next item at `level`.
    fn next(&mut self, level: u8) -> usize {
        let level = usize::from(level.min(MAX_LIST_LEVEL));
        self.0[level] += 1;
        self.0.iter_mut().skip(level + 1).for_each(|c| *c = 0);
        self.0[level]
    }
}

/// List items as markdown lines: `-` or per-level numbers, nested items
/// indented by their parent's marker width.
fn list_markdown<'a>(ordered: bool, items: impl IntoIterator<Item = (u8, &'a [Inline])>) -> String {
    let mut counter = ListCounter::default();
    let mut lines = Vec::new();
    for (level, runs) in items {
        let n = counter.next(level);
        let level = usize::from(level.min(MAX_LIST_LEVEL));
        let indent = " ".repeat(level * if ordered { 3 } else { 2 });
        let marker = if ordered {
            format!("{n}.")
        } else {
            "-".to_owned()
        };
        let text = guard_heading(inlines_markdown(runs, false).replace('\n', " "));
        lines.push(format!("{indent}{marker} {text}"));
    }
    lines.join("\n")
}

fn heading_markdown(level: u8, text: &str) -> String {
    let hashes = "#".repeat(usize::from(level.clamp(1, 6)));
    format!("{hashes} {}", escape(text, false).replace('\n', " "))
}

/// A document as markdown (the title is not written: markdown has no place
/// for it that every reader agrees on).
pub fn document_markdown(doc: &Document) -> String {
    let mut parts: Vec<String> = Vec::new();
    for block in &doc.blocks {
        parts.push(match block {
            Block::Heading { level, text } => heading_markdown(*level, text),
            Block::Paragraph { inlines } => guard_heading(inlines_markdown(inlines, false)),
            Block::List { ordered, items } => list_markdown(
                *ordered,
                items.iter().map(|i| (i.level, i.inlines.as_slice())),
            ),
            Block::Table(t) => table_markdown(&t.rows, t.header),
            Block::PageBreak => "---".to_owned(),
        });
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
}

/// One slide as markdown: `##` title, subtitle, bullets, table.
fn slide_markdown(d: &Deck, i: usize) -> String {
    let s = &d.slides[i];
    let mut parts = vec![heading_markdown(2, &s.title)];
    if let Some(sub) = &s.subtitle {
        parts.push(guard_heading(escape(sub, false)));
    }
    if !s.bullets.is_empty() {
        parts.push(list_markdown(
            false,
            s.bullets.iter().map(|b| (b.level, b.inlines.as_slice())),
        ));
    }
    if let Some(t) = &s.table {
        parts.push(table_markdown(&t.rows, t.header));
    }
    parts.join("\n\n")
}

/// A deck as markdown: one section per slide behind an HTML comment naming
/// it, speaker notes as a quote.
pub fn deck_markdown(d: &Deck) -> String {
    let mut out = String::new();
    for (i, s) in d.slides.iter().enumerate() {
        out.push_str(&format!("<!-- slide {} -->\n", i + 1));
        out.push_str(&slide_markdown(d, i));
        out.push('\n');
        if !s.notes.is_empty() {
            out.push_str(&format!(
                "\n> Notes: {}\n",
                escape(&s.notes, false).replace('\n', "\n> ")
            ));
        }
        out.push('\n');
    }
    out
}

/// A workbook as markdown: per sheet a `##` heading and a table of
/// formatted values (at most [`MAX_TEXT_ROWS`] rows and 200 columns).
pub fn workbook_markdown(w: &Workbook) -> String {
    let mut out = String::new();
    for s in &w.sheets {
        out.push_str(&heading_markdown(2, &s.name));
        out.push_str("\n\n");
        let (rows, cols) = s.extent();
        let grid: Vec<Vec<Vec<Inline>>> = (0..rows.min(MAX_TEXT_ROWS))
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
        out.push_str(&table_markdown(&grid, true));
        out.push_str("\n\n");
    }
    out
}

/// Any artifact with a markdown form: documents, decks, workbooks, PDFs
/// (pages' text) and texts (as they are). Emails and binaries have none.
pub fn markdown(a: &Artifact) -> Option<String> {
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

/// Text of a whole artifact, for searches and goals: markdown where there
/// is one, subject and body of an email, nothing for a binary.
pub fn searchable_text(a: &Artifact) -> String {
    match a {
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
        Artifact::Binary(_) => String::new(),
        a => markdown(a).unwrap_or_default(),
    }
}

// ---------------------------------------------------------------- plain text

/// Text as one plain line: tabs and line breaks become spaces (a tab
/// would start a table cell on the PDF page).
pub fn one_line(s: &str) -> String {
    s.replace(['\t', '\n'], " ")
}

/// Runs as one plain line (no markup).
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

/// A list item's line: indent, bullet or number `n`, text.
fn item_line(ordered: bool, n: usize, level: u8, text: &str) -> String {
    let indent = "    ".repeat(usize::from(level));
    if ordered {
        format!("{indent}{n}. {text}\n")
    } else {
        format!("{indent}\u{2022} {text}\n")
    }
}

/// A document as the text of its PDF export, the way a reader sees the
/// printed page: headings and paragraphs as lines, list items with their
/// bullet or number, table rows as tab-separated cells, page breaks as
/// form feeds. No markup.
pub fn document_text(d: &Document) -> String {
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
                let mut counter = ListCounter::default();
                for item in items {
                    let text = inline_plain(&item.inlines);
                    let n = counter.next(item.level);
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

/// Slide `i` of a deck as the text of its PDF page: title, subtitle,
/// bullets and table, no markup.
pub fn slide_text(d: &Deck, i: usize) -> String {
    let Some(s) = d.slides.get(i) else {
        return String::new();
    };
    let mut out = format!("{}\n", one_line(&s.title));
    if let Some(sub) = &s.subtitle {
        out.push_str(&format!("{}\n", one_line(sub)));
    }
    if !s.bullets.is_empty() {
        out.push('\n');
    }
    for b in &s.bullets {
        out.push_str(&item_line(false, 1, b.level, &inline_plain(&b.inlines)));
    }
    if let Some(t) = &s.table {
        out.push('\n');
        table_text(&t.rows, &mut out);
    }
    out.trim_end().to_owned()
}

/// A workbook as the text of its PDF export: each sheet's name, then its
/// rows as tab-separated formatted values (at most [`MAX_TEXT_ROWS`] rows
/// and 50 columns), sheets separated by page breaks.
pub fn workbook_text(w: &Workbook) -> String {
    let mut out = String::new();
    for (i, s) in w.sheets.iter().enumerate() {
        if i > 0 {
            out.push_str(PAGE_BREAK);
            out.push('\n');
        }
        out.push_str(&format!("{}\n\n", s.name));
        let (rows, cols) = s.extent();
        let (rows, cols) = (rows.min(MAX_TEXT_ROWS), cols.min(50));
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

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::*;
    use crate::{Bullet, Cell, CellValue, Layout, ListItem, Sheet, Slide, Table};

    fn item(level: u8, text: &str) -> ListItem {
        ListItem {
            level,
            inlines: vec![Inline::text(text)],
        }
    }

    /// Every markdown rule of the module docs in one document.
    fn sample_document() -> Document {
        Document {
            title: Some("Review".into()),
            blocks: vec![
                Block::heading(1, "Q4 *review* #2"),
                Block::Paragraph {
                    inlines: vec![
                        Inline::text("Net "),
                        Inline::bold("up 3% "),
                        Inline::text("for client_id <7> and _x_"),
                    ],
                },
                Block::para("#1 priority"),
                Block::List {
                    ordered: true,
                    items: vec![item(0, "one"), item(1, "sub"), item(0, "two")],
                },
                Block::List {
                    ordered: false,
                    items: vec![item(0, "a"), item(1, "b")],
                },
                Block::Table(Table::from_text(false, &[&["A|B", "x\ny"], &["1"]])),
                Block::PageBreak,
                Block::para("After\tthe break"),
            ],
        }
    }

    #[test]
    fn document_markdown_rules() {
        expect![[r#"
            # Q4 \*review\* #2

            Net **up 3%** for client_id \<7\> and \_x\_

            \#1 priority

            1. one
               1. sub
            2. two

            - a
              - b

            |  |  |
            | --- | --- |
            | A\|B | x<br>y |
            | 1 |  |

            ---

            After	the break
        "#]]
        .assert_eq(&document_markdown(&sample_document()));
    }

    #[test]
    fn document_text_rules() {
        expect![[r#"
            Q4 *review* #2

            Net up 3% for client_id <7> and _x_

            #1 priority

            1. one
                1. sub
            2. two

            • a
                • b

            A|B	x y
            1

            <FF>
            After the break
        "#]]
        .assert_eq(&document_text(&sample_document()).replace(PAGE_BREAK, "<FF>"));
    }

    fn sample_deck() -> Deck {
        Deck {
            title: None,
            slides: vec![Slide {
                layout: Layout::default(),
                title: "Results".into(),
                subtitle: Some("Q4 *draft*".into()),
                bullets: vec![
                    Bullet {
                        level: 0,
                        inlines: vec![Inline::text("Up 3%")],
                    },
                    Bullet {
                        level: 1,
                        inlines: vec![Inline::text("bonds")],
                    },
                ],
                table: Some(Table::from_text(
                    true,
                    &[&["Fund", "Value"], &["VTI", "$1,200"]],
                )),
                notes: "Say it\nslowly".into(),
            }],
        }
    }

    #[test]
    fn deck_markdown_and_text() {
        let d = sample_deck();
        expect![[r#"
            <!-- slide 1 -->
            ## Results

            Q4 \*draft\*

            - Up 3%
              - bonds

            | Fund | Value |
            | --- | --- |
            | VTI | $1,200 |

            > Notes: Say it
            > slowly

        "#]]
        .assert_eq(&deck_markdown(&d));
        expect![[r#"
            Results
            Q4 *draft*

            • Up 3%
                • bonds

            Fund	Value
            VTI	$1,200"#]]
        .assert_eq(&slide_text(&d, 0));
        assert_eq!(slide_text(&d, 5), "");
    }

    #[test]
    fn workbook_markdown_text_and_csv() {
        let mut s = Sheet::new("Summary");
        let mut put = |a: &str, c: Cell| {
            s.cells.insert(a.parse().unwrap(), c);
        };
        put("A1", Cell::value("Fund"));
        put("B1", Cell::value("Value"));
        put("C1", Cell::value("As of"));
        put("A2", Cell::value("=VTI"));
        put("B2", Cell::value(1234.5).with_format("$#,##0"));
        put(
            "C2",
            Cell {
                value: CellValue::Date(46_027.0),
                ..Cell::default()
            },
        );
        put("B3", Cell::value(0.25).with_format("0%"));
        let w = Workbook {
            sheets: vec![s.clone(), Sheet::new("Empty")],
        };
        expect![[r#"
            ## Summary

            | Fund | Value | As of |
            | --- | --- | --- |
            | =VTI | $1,235 | 2026-01-05 |
            |  | 25% |  |

            ## Empty

            |  |
            | --- |

        "#]]
        .assert_eq(&workbook_markdown(&w));
        expect![[r#"
            Summary

            Fund	Value	As of
            =VTI	$1,235	2026-01-05
            	25%
            <FF>
            Empty

        "#]]
        .assert_eq(&workbook_text(&w).replace(PAGE_BREAK, "<FF>"));
        assert_eq!(
            crate::csv::sheet_csv(&s),
            "Fund,Value,As of\r\n'=VTI,1234.5,2026-01-05\r\n,0.25,\r\n"
        );
    }
}
