//! Markdown as agents write it, read into document blocks: `#` headings,
//! `- ` and `1. ` lists (two spaces per level), `| a | b |` tables, `---`
//! page breaks, paragraphs between blank lines, `**bold**`, and
//! `{{/path.xlsx#Sheet!B4}}` or `{{…|0.0%}}` for a live field.

use simdesk_model::{Block, Inline, ListItem, Ref, Table};

use crate::error::ToolError;

/// Reads markdown text into blocks.
pub(crate) fn blocks(md: &str) -> Result<Vec<Block>, ToolError> {
    let mut out = Vec::new();
    let mut para: Vec<&str> = Vec::new();
    let mut list: Option<(bool, Vec<ListItem>)> = None;
    let mut table: Vec<Vec<Vec<Inline>>> = Vec::new();
    let mut header = false;
    let flush_para = |para: &mut Vec<&str>, out: &mut Vec<Block>| -> Result<(), ToolError> {
        if !para.is_empty() {
            out.push(Block::Paragraph {
                inlines: inlines(&para.join(" "))?,
            });
            para.clear();
        }
        Ok(())
    };
    let md = md.replace("\r\n", "\n");
    for line in md.lines() {
        let trimmed = line.trim();
        let indent = line.len() - line.trim_start().len();
        let item = trimmed
            .strip_prefix("- ")
            .or_else(|| trimmed.strip_prefix("* "))
            .map(|t| (false, t))
            .or_else(|| {
                let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
                (digits > 0)
                    .then(|| trimmed[digits..].strip_prefix(". "))
                    .flatten()
                    .map(|t| (true, t))
            });
        if !trimmed.starts_with('|') && !table.is_empty() {
            out.push(Block::Table(Table {
                header,
                rows: std::mem::take(&mut table),
            }));
            header = false;
        }
        if item.is_none()
            && let Some((ordered, items)) = list.take()
        {
            out.push(Block::List { ordered, items });
        }
        if trimmed.is_empty() {
            flush_para(&mut para, &mut out)?;
        } else if let Some((ordered, text)) = item {
            flush_para(&mut para, &mut out)?;
            let entry = list.get_or_insert_with(|| (ordered, Vec::new()));
            entry.1.push(ListItem {
                level: u8::try_from(indent / 2).unwrap_or(u8::MAX).min(8),
                inlines: inlines(text)?,
            });
        } else if trimmed == "---" {
            flush_para(&mut para, &mut out)?;
            out.push(Block::PageBreak);
        } else if let Some(level) =
            (1..=3).find(|l| trimmed.starts_with(&"#".repeat(*l)) && trimmed[*l..].starts_with(' '))
        {
            flush_para(&mut para, &mut out)?;
            out.push(Block::Heading {
                level: level as u8,
                text: trimmed[level..].trim().to_owned(),
            });
        } else if trimmed.starts_with('|') {
            flush_para(&mut para, &mut out)?;
            let cells: Vec<&str> = trimmed
                .trim_matches('|')
                .split('|')
                .map(str::trim)
                .collect();
            if cells
                .iter()
                .all(|c| !c.is_empty() && c.chars().all(|ch| "-: ".contains(ch)))
            {
                header = table.len() == 1;
                continue;
            }
            table.push(cells.into_iter().map(inlines).collect::<Result<_, _>>()?);
        } else {
            para.push(trimmed);
        }
    }
    flush_para(&mut para, &mut out)?;
    if let Some((ordered, items)) = list {
        out.push(Block::List { ordered, items });
    }
    if !table.is_empty() {
        out.push(Block::Table(Table {
            header,
            rows: table,
        }));
    }
    Ok(out)
}

/// Reads one line's runs: text, `**bold**` and `{{ref|format}}` fields.
pub(crate) fn inlines(text: &str) -> Result<Vec<Inline>, ToolError> {
    let mut out = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let field = rest.find("{{");
        let bold = rest.find("**");
        match (field, bold) {
            (Some(f), b) if b.is_none_or(|b| f < b) => {
                let end = rest[f..].find("}}").ok_or_else(|| {
                    ToolError::invalid("field", &rest[f..], "a field {{…}} is not closed")
                })? + f;
                push_text(&mut out, &rest[..f], false);
                let inner = &rest[f + 2..end];
                let (r, fmt) = match inner.split_once('|') {
                    Some((r, fmt)) => (r.trim(), Some(fmt.trim())),
                    None => (inner.trim(), None),
                };
                let source: Ref = r.parse().map_err(|e: simdesk_model::RefError| {
                    ToolError::invalid("field", r, e.to_string())
                })?;
                out.push(Inline::field(source, fmt));
                rest = &rest[end + 2..];
            }
            (_, Some(b)) => {
                push_text(&mut out, &rest[..b], false);
                let after = &rest[b + 2..];
                match after.find("**") {
                    Some(e) => {
                        push_text(&mut out, &after[..e], true);
                        rest = &after[e + 2..];
                    }
                    None => {
                        push_text(&mut out, &rest[b..], false);
                        rest = "";
                    }
                }
            }
            _ => {
                push_text(&mut out, rest, false);
                rest = "";
            }
        }
    }
    Ok(out)
}

fn push_text(out: &mut Vec<Inline>, t: &str, bold: bool) {
    if !t.is_empty() {
        out.push(if bold {
            Inline::bold(t)
        } else {
            Inline::text(t)
        });
    }
}
