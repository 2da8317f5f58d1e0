//! Documents and markdown text to `.md`.
//!
//! Headings become `#`, `##`, `###`; bold and italic runs `**…**` and
//! `*…*`; lists `-` or `1.` items indented two spaces (bullets) or three
//! (numbers) per level; tables GFM pipe tables (a table without a header
//! row gets an empty one, as GFM requires); a page break a thematic break
//! `---`; a field its current text. Characters markdown would read as
//! markup are backslash-escaped, and `|` is escaped inside tables. The
//! document title is not written (markdown has no place for it that every
//! reader agrees on).
//!
//! A `.md` file is imported as a markdown text artifact, not as a document.

use simdesk_model::{Artifact, Block, Document, Inline, TextFormat};

use crate::{ExportOptions, Format, FormatError};

/// Escapes characters markdown would read as markup.
fn escape(text: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#')
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

fn inlines(runs: &[Inline], in_table: bool) -> String {
    let mut out = String::new();
    for r in runs {
        match r {
            Inline::Text { text, bold, italic } => {
                let t = escape(text, in_table);
                // Markers hug the text; surrounding spaces stay outside.
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

/// Writes a document as markdown text.
pub fn export_document(doc: &Document) -> String {
    let mut parts: Vec<String> = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let hashes = "#".repeat(usize::from((*level).clamp(1, 6)));
                parts.push(format!(
                    "{hashes} {}",
                    escape(text, false).replace('\n', " ")
                ));
            }
            Block::Paragraph { inlines: runs } => parts.push(inlines(runs, false)),
            Block::List { ordered, items } => {
                let mut counters = [0usize; 10];
                let mut lines = Vec::new();
                for item in items {
                    let level = usize::from(item.level.min(9));
                    counters[level] += 1;
                    counters.iter_mut().skip(level + 1).for_each(|c| *c = 0);
                    let indent = " ".repeat(level * if *ordered { 3 } else { 2 });
                    let marker = if *ordered {
                        format!("{}.", counters[level])
                    } else {
                        "-".to_owned()
                    };
                    lines.push(format!(
                        "{indent}{marker} {}",
                        inlines(&item.inlines, false).replace('\n', " ")
                    ));
                }
                parts.push(lines.join("\n"));
            }
            Block::Table(t) => {
                let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
                let row = |cells: &[Vec<Inline>]| {
                    let mut s = String::from("|");
                    for c in 0..cols {
                        let text = cells.get(c).map(|x| inlines(x, true)).unwrap_or_default();
                        s.push_str(&format!(" {text} |"));
                    }
                    s
                };
                let mut lines = Vec::new();
                let body = if t.header && !t.rows.is_empty() {
                    lines.push(row(&t.rows[0]));
                    &t.rows[1..]
                } else {
                    lines.push(row(&[]));
                    &t.rows[..]
                };
                lines.push(format!("|{}", " --- |".repeat(cols)));
                lines.extend(body.iter().map(|r| row(r)));
                parts.push(lines.join("\n"));
            }
            Block::PageBreak => parts.push("---".to_owned()),
        }
    }
    let mut out = parts.join("\n\n");
    out.push('\n');
    out
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

#[cfg(test)]
mod tests {
    use super::*;
    use simdesk_model::{ListItem, Table};

    #[test]
    fn blocks() {
        let doc = Document {
            title: None,
            blocks: vec![
                Block::heading(1, "Q4 *review*"),
                Block::Paragraph {
                    inlines: vec![
                        Inline::text("Net "),
                        Inline::bold("up "),
                        Inline::text("3%"),
                    ],
                },
                Block::List {
                    ordered: true,
                    items: vec![
                        ListItem {
                            level: 0,
                            inlines: vec![Inline::text("one")],
                        },
                        ListItem {
                            level: 1,
                            inlines: vec![Inline::text("sub")],
                        },
                        ListItem {
                            level: 0,
                            inlines: vec![Inline::text("two")],
                        },
                    ],
                },
                Block::Table(Table::from_text(true, &[&["A", "B|C"], &["1", "2"]])),
                Block::PageBreak,
            ],
        };
        let md = export_document(&doc);
        assert_eq!(
            md,
            "# Q4 \\*review\\*\n\nNet **up** 3%\n\n1. one\n   1. sub\n2. two\n\n| A | B\\|C |\n| --- | --- |\n| 1 | 2 |\n\n---\n"
        );
    }
}
