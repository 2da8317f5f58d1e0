//! Slide decks as PresentationML packages (`.pptx`), written by hand on
//! `zip` (deflate) and read back with `quick-xml` through the zip guard.
//!
//! No crate writes a usable, deterministic pptx, so the package is built
//! here from a fixed set of parts: content types, package and part
//! relationships, core and app properties (times and author from
//! [`ExportOptions`](crate::ExportOptions)), the presentation, one theme, a slide master with a
//! title layout and a title-and-content layout, one part per slide, and a
//! notes master with one notes slide per slide that has speaker notes.
//! Every zip entry carries the options' modified time, so the same deck and
//! options give the same bytes. The parts every deck shares (themes,
//! master, layouts, notes master) are deflated once per process and copied
//! into each package.
//!
//! The theme (`Simdesk`) has its own colours (navy text and titles, a
//! blue accent) and fonts (Calibri Light for titles, Calibri for text);
//! the master draws an accent rule under the title and the slide number
//! at the bottom right of every content slide (the title layout hides
//! both).
//!
//! What a slide becomes:
//!
//! - the title: a `title` placeholder (`ctrTitle` on the title layout);
//! - the subtitle: a `subTitle` placeholder;
//! - bullets: paragraphs of the `body` placeholder, the level in
//!   `a:pPr/@lvl`, bold and italic runs as `a:rPr/@b` and `@i`; the
//!   space before each grows with the room the body area leaves, so a
//!   short list spreads over the body rather than sitting under the title;
//! - the table: a `graphicFrame` holding an `a:tbl` below the bullets,
//!   columns as wide as their content asks, rows as tall as the room
//!   allows, numeric columns right-aligned, the header row marked with
//!   `a:tblPr/@firstRow` and a last `Total` row with `@lastRow` (the
//!   table style sets both bold);
//! - the slide number: a `sldNum` placeholder holding the `slidenum`
//!   field on content slides;
//! - speaker notes: the body placeholder of the slide's notes slide, one
//!   paragraph per line.
//!
//! # What the format cannot carry (round-trip exceptions)
//!
//! [`normal_form`] applies exactly these; `import(export(deck)) ==
//! normal_form(deck)`.
//!
//! - A field is written as its current [`Field::display`] text and comes
//!   back as a plain text run (PowerPoint has no linked-field run that
//!   other readers keep).
//! - Characters XML 1.0 cannot hold (control characters other than tab
//!   and line feed, `U+FFFE`, `U+FFFF`) are dropped; `\r` is dropped too.
//! - A line break inside a run is written as `a:br`, and a break always
//!   comes back at the start of the run that follows it (or at the end of
//!   the last run of the paragraph).
//! - Bullet levels above 8 (PresentationML's deepest) are written as 8.
//! - Table rows are padded with empty cells to the widest row; a table
//!   with no cells is not written.
//! - A deck title that is empty comes back as no title.
//!
//! [`Field::display`]: simdesk_model::Field::display

mod read;
mod write;

use simdesk_model::{Artifact, Bullet, Deck, Inline, Table};

pub use read::import_pptx;
pub use write::export_pptx;

/// Deepest bullet level PresentationML has (`lvl` is 0-8).
pub const MAX_LEVEL: u8 = 8;

/// The deck as it comes back from a pptx round trip: the documented
/// exceptions above applied, nothing else changed.
pub fn normal_form(deck: &Deck) -> Deck {
    let mut d = deck.clone();
    if d.title
        .as_deref()
        .map(clean_text)
        .is_some_and(|t| t.is_empty())
    {
        d.title = None;
    }
    d.title = d.title.map(|t| clean_text(&t));
    for s in &mut d.slides {
        s.title = clean_text(&s.title);
        s.subtitle = s.subtitle.as_deref().map(clean_text);
        s.notes = clean_text(&s.notes);
        for b in &mut s.bullets {
            b.level = b.level.min(MAX_LEVEL);
            b.inlines = normal_runs(&b.inlines);
        }
        s.table = s.table.take().and_then(|t| {
            let cols = t.rows.iter().map(Vec::len).max().unwrap_or(0);
            if cols == 0 {
                return None;
            }
            let rows = t
                .rows
                .iter()
                .map(|r| {
                    let mut cells: Vec<Vec<Inline>> = r.iter().map(|c| normal_runs(c)).collect();
                    cells.resize(cols, Vec::new());
                    cells
                })
                .collect();
            Some(Table {
                header: t.header,
                rows,
            })
        });
    }
    d
}

/// Runs as they come back: fields as text, invalid characters dropped,
/// line breaks moved to the start of the following run.
fn normal_runs(inlines: &[Inline]) -> Vec<Inline> {
    // Each run is split at its line breaks; every break then opens a new
    // piece that joins the following run, exactly as the reader rebuilds it.
    let mut out: Vec<Inline> = Vec::new();
    let mut pending_breaks = String::new();
    for i in inlines {
        let (text, bold, italic) = match i {
            Inline::Text { text, bold, italic } => (clean_text(text), *bold, *italic),
            Inline::Field(f) => (clean_text(&f.display), false, false),
        };
        let mut pieces = text.split('\n');
        let first = pieces.next().unwrap_or_default();
        let rest: Vec<&str> = pieces.collect();
        let push = |t: String, out: &mut Vec<Inline>| {
            out.push(Inline::Text {
                text: t,
                bold,
                italic,
            });
        };
        // The first piece is a run of its own (possibly empty) — unless it
        // is empty and there are breaks, in which case the writer emits no
        // run for it.
        if rest.is_empty() || !first.is_empty() {
            push(format!("{pending_breaks}{first}"), &mut out);
            pending_breaks.clear();
        }
        for piece in rest {
            pending_breaks.push('\n');
            if !piece.is_empty() {
                push(format!("{pending_breaks}{piece}"), &mut out);
                pending_breaks.clear();
            }
        }
    }
    if !pending_breaks.is_empty() {
        match out.last_mut() {
            Some(Inline::Text { text, .. }) => text.push_str(&pending_breaks),
            _ => out.push(Inline::text(&pending_breaks)),
        }
    }
    out
}

/// Drops the characters XML 1.0 cannot carry, and `\r`.
pub(crate) fn clean_text(s: &str) -> String {
    s.chars().filter(|&c| xml_char(c) && c != '\r').collect()
}

fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// A slide's bullets, for readers that want the plain text.
pub fn bullet_text(b: &Bullet) -> String {
    simdesk_model::inlines_text(&b.inlines)
}

/// Reads a deck back from an [`Artifact`], or says it is not one.
fn deck_of(a: &Artifact) -> Option<&Deck> {
    match a {
        Artifact::Deck(d) => Some(d),
        _ => None,
    }
}
