//! The small markup prose templates render to, and its conversion into
//! document blocks, slides, PDF pages and plain text.
//!
//! ```text
//! # Heading 1 / ## Heading 2 / ### Heading 3
//! A paragraph; lines join until a blank line. **bold** runs.
//! - bullet (two spaces of indent per level)   1. numbered item
//! | table | row |   (the first row of a table is its header)
//! ---                page break (documents, PDFs) / new slide (decks)
//! > speaker notes    (decks)
//! [[kpi:total_value]]  a field quoting a cell; `[[kpi:total_value|0.0%]]`
//!                      overrides the number format
//! {? one | other | third ?}  alternatives: one is kept, chosen by the
//!                      generator's prose stream (groups nest)
//! ```
//!
//! Which cell a marker names is decided by the caller's resolver.

use simdesk_model::{
    Block, Bullet, Deck, Document, Inline, Layout, ListItem, PdfPage, Ref, Slide, Table,
};

/// What a field marker resolves to: the cell, its number format, and the
/// text it shows now.
pub struct Resolved {
    /// The quoted cell.
    pub source: Ref,
    /// Number format.
    pub format: Option<String>,
    /// Display text.
    pub display: String,
}

/// Resolves the inside of a `[[…]]` marker.
pub type Resolver<'a> = dyn Fn(&str) -> Result<Resolved, String> + 'a;

/// Splits a line into runs: text, bold text and fields.
pub fn inlines(line: &str, resolve: &Resolver<'_>) -> Result<Vec<Inline>, String> {
    let mut out = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let f = rest.find("[[");
        let b = rest.find("**");
        match (f, b) {
            (Some(i), _) if b.is_none_or(|b| i < b) => {
                push_text(&mut out, &rest[..i], false);
                let end = rest[i..]
                    .find("]]")
                    .ok_or_else(|| format!("unclosed field marker in {line:?}"))?
                    + i;
                let r = resolve(&rest[i + 2..end])?;
                out.push(Inline::Field(simdesk_model::Field {
                    source: r.source,
                    format: r.format,
                    display: r.display,
                }));
                rest = &rest[end + 2..];
            }
            (_, Some(i)) => {
                push_text(&mut out, &rest[..i], false);
                let after = &rest[i + 2..];
                match after.find("**") {
                    Some(j) => {
                        push_text(&mut out, &after[..j], true);
                        rest = &after[j + 2..];
                    }
                    None => {
                        push_text(&mut out, "**", false);
                        rest = after;
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
    if t.is_empty() {
        return;
    }
    if let Some(Inline::Text { text, bold: b, .. }) = out.last_mut()
        && *b == bold
    {
        text.push_str(t);
        return;
    }
    out.push(if bold {
        Inline::bold(t)
    } else {
        Inline::text(t)
    });
}

/// Plain text of a line: markers replaced by what they show, bold marks dropped.
pub fn plain(line: &str, resolve: &Resolver<'_>) -> Result<String, String> {
    Ok(inlines(line, resolve)?
        .iter()
        .map(Inline::display)
        .collect())
}

fn table_row(line: &str, resolve: &Resolver<'_>) -> Result<Vec<Vec<Inline>>, String> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    // Split on '|' outside `[[…]]` markers (a marker may carry `|format`).
    let mut cells = Vec::new();
    let mut depth = 0usize;
    let mut cur = String::new();
    let mut chars = t.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '[' if chars.peek() == Some(&'[') => {
                chars.next();
                depth += 1;
                cur.push_str("[[");
            }
            ']' if depth > 0 && chars.peek() == Some(&']') => {
                chars.next();
                depth -= 1;
                cur.push_str("]]");
            }
            '|' if depth == 0 => cells.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    cells.push(cur);
    cells.iter().map(|c| inlines(c.trim(), resolve)).collect()
}

fn list_item(line: &str) -> Option<(u8, bool, &str)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    let t = line.trim_start();
    let level = (indent / 2).min(4) as u8;
    if let Some(r) = t.strip_prefix("- ") {
        return Some((level, false, r));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0
        && let Some(r) = t[digits..].strip_prefix(". ")
    {
        return Some((level, true, r));
    }
    None
}

/// Converts rendered markup into a document.
pub fn document(title: &str, src: &str, resolve: &Resolver<'_>) -> Result<Document, String> {
    let mut blocks = Vec::new();
    let mut para: Vec<String> = Vec::new();
    let mut table: Option<Table> = None;
    let mut list: Option<(bool, Vec<ListItem>)> = None;
    let flush = |blocks: &mut Vec<Block>,
                 para: &mut Vec<String>,
                 table: &mut Option<Table>,
                 list: &mut Option<(bool, Vec<ListItem>)>|
     -> Result<(), String> {
        if !para.is_empty() {
            blocks.push(Block::Paragraph {
                inlines: inlines(&para.join(" "), resolve)?,
            });
            para.clear();
        }
        if let Some(t) = table.take() {
            blocks.push(Block::Table(t));
        }
        if let Some((ordered, items)) = list.take() {
            blocks.push(Block::List { ordered, items });
        }
        Ok(())
    };
    for line in src.lines() {
        let t = line.trim_end();
        if t.trim().is_empty() {
            flush(&mut blocks, &mut para, &mut table, &mut list)?;
            continue;
        }
        if let Some((level, text)) = heading(t) {
            flush(&mut blocks, &mut para, &mut table, &mut list)?;
            blocks.push(Block::heading(level, text));
        } else if t.trim() == "---" {
            flush(&mut blocks, &mut para, &mut table, &mut list)?;
            blocks.push(Block::PageBreak);
        } else if t.trim_start().starts_with('|') {
            if table.is_none() {
                flush(&mut blocks, &mut para, &mut table, &mut list)?;
                table = Some(Table {
                    header: true,
                    rows: Vec::new(),
                });
            }
            if let Some(tb) = &mut table {
                tb.rows.push(table_row(t, resolve)?);
            }
        } else if let Some((level, ordered, text)) = list_item(t) {
            if list.as_ref().is_none_or(|(o, _)| *o != ordered) {
                flush(&mut blocks, &mut para, &mut table, &mut list)?;
                list = Some((ordered, Vec::new()));
            }
            if let Some((_, items)) = &mut list {
                items.push(ListItem {
                    level,
                    inlines: inlines(text, resolve)?,
                });
            }
        } else {
            if table.is_some() || list.is_some() {
                flush(&mut blocks, &mut para, &mut table, &mut list)?;
            }
            para.push(t.trim().to_owned());
        }
    }
    flush(&mut blocks, &mut para, &mut table, &mut list)?;
    Ok(Document {
        title: Some(title.to_owned()),
        blocks,
    })
}

fn heading(t: &str) -> Option<(u8, &str)> {
    let hashes = t.bytes().take_while(|b| *b == b'#').count();
    if (1..=3).contains(&hashes) {
        t[hashes..]
            .strip_prefix(' ')
            .map(|r| (hashes as u8, r.trim()))
    } else {
        None
    }
}

/// Converts rendered markup into a deck: `#` starts the title slide (the
/// next paragraph line is its subtitle), `##` starts a slide.
pub fn deck(title: &str, src: &str, resolve: &Resolver<'_>) -> Result<Deck, String> {
    let mut slides: Vec<Slide> = Vec::new();
    for line in src.lines() {
        let t = line.trim_end();
        if t.trim().is_empty() || t.trim() == "---" {
            continue;
        }
        if let Some((level, text)) = heading(t) {
            slides.push(Slide {
                layout: if level == 1 {
                    Layout::Title
                } else {
                    Layout::TitleAndContent
                },
                title: text.to_owned(),
                ..Slide::default()
            });
            continue;
        }
        let Some(slide) = slides.last_mut() else {
            return Err(format!("deck text before the first slide heading: {t:?}"));
        };
        if let Some(n) = t.trim_start().strip_prefix('>') {
            if !slide.notes.is_empty() {
                slide.notes.push(' ');
            }
            slide.notes.push_str(&plain(n.trim(), resolve)?);
        } else if t.trim_start().starts_with('|') {
            let tb = slide.table.get_or_insert_with(|| Table {
                header: true,
                rows: Vec::new(),
            });
            tb.rows.push(table_row(t, resolve)?);
        } else if let Some((level, _, text)) = list_item(t) {
            slide.bullets.push(Bullet {
                level,
                inlines: inlines(text, resolve)?,
            });
        } else if slide.layout == Layout::Title && slide.subtitle.is_none() {
            slide.subtitle = Some(plain(t.trim(), resolve)?);
        } else {
            slide.bullets.push(Bullet {
                level: 0,
                inlines: inlines(t.trim(), resolve)?,
            });
        }
    }
    Ok(Deck {
        title: Some(title.to_owned()),
        slides,
    })
}

/// Resolves every `{? a | b | … ?}` group of `src` to one of its
/// alternatives, asking `pick(n)` for the index (below `n`) of each group
/// in reading order; groups nest, and a `|` inside a `[[…]]` field marker
/// does not separate alternatives. Alternatives are trimmed, so a group
/// can be written across lines; an empty one takes the space before it
/// along when punctuation, a space or a line end follows. Text without
/// groups comes back unchanged.
pub fn choose(src: &str, pick: &mut dyn FnMut(usize) -> usize) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = src;
    while let Some(i) = rest.find("{?") {
        out.push_str(&rest[..i]);
        let (alts, after) = group(&rest[i + 2..])
            .ok_or_else(|| format!("unclosed {{? group in {:?}", clip(&rest[i..])))?;
        let k = pick(alts.len()).min(alts.len() - 1);
        let chosen = choose(alts[k].trim(), pick)?;
        // An empty alternative leaves no stray space before punctuation,
        // a line end or another space.
        if chosen.is_empty()
            && out.ends_with(' ')
            && after.chars().next().is_none_or(|c| " \n.,;:!?".contains(c))
        {
            out.pop();
        }
        out.push_str(&chosen);
        rest = after;
    }
    out.push_str(rest);
    Ok(out)
}

/// The top-level alternatives of a group whose `{?` is already consumed,
/// and the text after its closing `?}`.
fn group(s: &str) -> Option<(Vec<&str>, &str)> {
    let (mut depth, mut field, mut start, mut i) = (0usize, false, 0usize, 0usize);
    let b = s.as_bytes();
    let mut alts = Vec::new();
    while i < b.len() {
        let two = &b[i..(i + 2).min(b.len())];
        match two {
            b"[[" if !field => (field, i) = (true, i + 2),
            b"]]" if field => (field, i) = (false, i + 2),
            b"{?" => (depth, i) = (depth + 1, i + 2),
            b"?}" if depth > 0 => (depth, i) = (depth - 1, i + 2),
            b"?}" => {
                alts.push(&s[start..i]);
                return Some((alts, &s[i + 2..]));
            }
            [b'|', ..] if depth == 0 && !field => {
                alts.push(&s[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    None
}

fn clip(s: &str) -> String {
    s.chars().take(60).collect()
}

/// Converts rendered markup into PDF pages (`---` breaks pages).
pub fn pdf_pages(src: &str, resolve: &Resolver<'_>) -> Result<Vec<PdfPage>, String> {
    let mut pages = vec![String::new()];
    for line in src.lines() {
        if line.trim() == "---" {
            pages.push(String::new());
            continue;
        }
        let t = line.trim_start_matches('#').trim_start();
        let text = plain(t, resolve)?;
        let page = pages.last_mut().ok_or("no page")?;
        page.push_str(&text);
        page.push('\n');
    }
    Ok(pages
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .map(|text| PdfPage { text })
        .collect())
}

/// Plain text of rendered markup (notes, emails): markers become what they show.
pub fn text(src: &str, resolve: &Resolver<'_>) -> Result<String, String> {
    let mut out = String::new();
    for line in src.lines() {
        out.push_str(&plain(line.trim_end(), resolve)?);
        out.push('\n');
    }
    Ok(collapse_blank_lines(&out))
}

/// Trims and collapses runs of blank lines to one.
pub fn collapse_blank_lines(s: &str) -> String {
    let mut out = String::new();
    let mut blank = 0;
    for line in s.trim().lines() {
        if line.trim().is_empty() {
            blank += 1;
            if blank == 1 {
                out.push('\n');
            }
        } else {
            blank = 0;
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(key: &str) -> Result<Resolved, String> {
        let (k, fmt) = key
            .split_once('|')
            .map_or((key, None), |(a, b)| (a, Some(b.to_owned())));
        if k == "bad" {
            return Err("unknown".into());
        }
        Ok(Resolved {
            source: "/A/b.xlsx#Summary!B2".parse().map_err(|e| format!("{e}"))?,
            format: fmt,
            display: "$1,000".into(),
        })
    }

    #[test]
    fn document_blocks() {
        let d = document(
            "T",
            "# Title\n\nSome text\nwith [[kpi:x]] and **bold**.\n\n- a\n  - b\n1. one\n\n| H | V |\n| a | [[kpi:x|0%]] |\n---\n## Next",
            &res,
        )
        .unwrap();
        let kinds: Vec<&str> = d
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { .. } => "h",
                Block::Paragraph { .. } => "p",
                Block::List { ordered: false, .. } => "ul",
                Block::List { .. } => "ol",
                Block::Table(_) => "t",
                Block::PageBreak => "br",
            })
            .collect();
        assert_eq!(kinds, ["h", "p", "ul", "ol", "t", "br", "h"]);
        let a = simdesk_model::Artifact::Document(d);
        assert_eq!(a.fields().len(), 2);
        assert_eq!(a.fields()[1].format.as_deref(), Some("0%"));
    }

    #[test]
    fn deck_slides() {
        let d = deck(
            "T",
            "# Review\nQ1 2026\n## Numbers\n- Total [[kpi:x]]\n  - detail\n> say it\n| a | b |",
            &res,
        )
        .unwrap();
        assert_eq!(d.slides.len(), 2);
        assert_eq!(d.slides[0].subtitle.as_deref(), Some("Q1 2026"));
        assert_eq!(d.slides[1].bullets[1].level, 1);
        assert_eq!(d.slides[1].notes, "say it");
        assert!(d.slides[1].table.is_some());
    }

    #[test]
    fn choose_keeps_one_alternative_per_group() {
        let mut k = 0;
        let mut next = |n: usize| {
            k += 1;
            k % n
        };
        let src = "A {? b | c [[kpi:x|0.0%]] | d ?} e {? f {? g | h ?} | i ?}.";
        assert_eq!(choose(src, &mut next).unwrap(), "A c [[kpi:x|0.0%]] e f h.");
        assert_eq!(choose("plain | text", &mut |_| 0).unwrap(), "plain | text");
        assert_eq!(
            choose("Done {? | so far ?}. Next {? | step ?} here", &mut |_| 0).unwrap(),
            "Done. Next here"
        );
        assert!(choose("open {? a | b", &mut |_| 0).is_err());
    }

    #[test]
    fn errors_and_plain() {
        assert!(inlines("x [[bad]]", &res).is_err());
        assert!(inlines("x [[open", &res).is_err());
        assert_eq!(
            text("a [[kpi:x]]\n\n\n\nb", &res).unwrap(),
            "a $1,000\n\nb\n"
        );
        assert_eq!(pdf_pages("# A\nx\n---\nB", &res).unwrap().len(), 2);
    }
}
