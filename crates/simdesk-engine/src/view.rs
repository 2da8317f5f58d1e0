//! Text views for agents: every artifact as plain text an LLM can read.

use std::fmt::Write as _;

use simdesk_model::{
    Artifact, CellAddr, Email, Mailbox, VPath, Workbook, format_value, inlines_text,
};

use crate::workspace::Workspace;
use simdesk_model::render::{deck_markdown, document_markdown};

/// Largest grid rendered per sheet (rows × columns); the rest is summarised.
const VIEW_MAX_ROWS: u32 = 500;
const VIEW_MAX_COLS: u32 = 52;

/// Renders one artifact as text: a workbook as a grid with A1 coordinates
/// and formulas, a document or deck as markdown, an email as headers and
/// body, a pdf as page text.
pub fn render(path: &VPath, a: &Artifact) -> String {
    match a {
        Artifact::Workbook(w) => workbook_view(w),
        Artifact::Document(d) => document_markdown(d),
        Artifact::Deck(d) => deck_markdown(d),
        Artifact::Pdf(p) => p
            .pages
            .iter()
            .enumerate()
            .map(|(i, pg)| format!("--- page {} of {} ---\n{}\n", i + 1, p.pages.len(), pg.text))
            .collect(),
        Artifact::Email(e) => email_text(e),
        Artifact::Text(t) => t.content.clone(),
        Artifact::Binary(b) => format!(
            "{path}: binary file, {} bytes, blake3 {}\n",
            b.bytes.len(),
            blake3::hash(&b.bytes).to_hex()
        ),
    }
}

/// A workbook as grids: per sheet a title, a column header, each row that
/// holds a cell within the shown columns, what is cut off, and the linked
/// cells. One pass over each sheet's cells (they are kept in row order).
fn workbook_view(w: &Workbook) -> String {
    let mut out = String::new();
    for s in &w.sheets {
        let (rows, cols) = s.extent();
        let _ = writeln!(out, "## Sheet {} ({rows} rows x {cols} columns)", s.name);
        let (vr, vc) = (rows.min(VIEW_MAX_ROWS), cols.min(VIEW_MAX_COLS));
        let mut header = String::from("     |");
        for c in 0..vc {
            let _ = write!(header, " {:<12}|", CellAddr::col_name(c));
        }
        out.push_str(header.trim_end());
        out.push('\n');
        // The row being written: its number and the next column to fill.
        let mut open: Option<(u32, u32)> = None;
        let mut line = String::new();
        let close = |line: &mut String, next: u32, out: &mut String| {
            for _ in next..vc {
                line.push_str(EMPTY_CELL);
            }
            out.push_str(line.trim_end());
            out.push('\n');
            line.clear();
        };
        for (a, cell) in s.cells.range(..CellAddr::new(vr, 0)) {
            if a.col >= vc {
                continue;
            }
            let next = match open {
                Some((r, next)) if r == a.row => next,
                other => {
                    if let Some((_, next)) = other {
                        close(&mut line, next, &mut out);
                    }
                    let _ = write!(line, "{:>4} |", a.row + 1);
                    0
                }
            };
            for _ in next..a.col {
                line.push_str(EMPTY_CELL);
            }
            // As `format!(" {text:<12}|")`: padded to twelve characters.
            line.push(' ');
            let from = line.len();
            line.push_str(&format_value(&cell.value, cell.format.as_deref()));
            if let Some(f) = &cell.formula {
                let _ = write!(line, " [={f}]");
            }
            let width = line[from..].chars().count();
            line.extend(std::iter::repeat_n(' ', 12usize.saturating_sub(width)));
            line.push('|');
            open = Some((a.row, a.col + 1));
        }
        if let Some((_, next)) = open {
            close(&mut line, next, &mut out);
        }
        if rows > vr || cols > vc {
            let _ = writeln!(
                out,
                "… {} more rows, {} more columns not shown",
                rows - vr,
                cols.saturating_sub(vc)
            );
        }
        let mut links = s
            .cells
            .iter()
            .filter_map(|(a, c)| c.link.as_ref().map(|l| (a, l)))
            .peekable();
        if links.peek().is_some() {
            out.push_str("Linked cells:\n");
            for (a, l) in links {
                let _ = writeln!(out, "  {a} <- {} ({})", l.source, l.policy.as_str());
            }
        }
        out.push('\n');
    }
    out
}

/// An empty cell of the grid: twelve spaces and the column's bar.
const EMPTY_CELL: &str = "             |";

fn mailboxes(m: &[Mailbox]) -> String {
    m.iter().map(mailbox).collect::<Vec<_>>().join(", ")
}

fn mailbox(m: &Mailbox) -> String {
    if m.name.is_empty() {
        m.address.clone()
    } else {
        format!("{} <{}>", m.name, m.address)
    }
}

fn email_text(e: &Email) -> String {
    let mut out = format!("From: {}\nTo: {}\n", mailbox(&e.from), mailboxes(&e.to));
    if !e.cc.is_empty() {
        out.push_str(&format!("Cc: {}\n", mailboxes(&e.cc)));
    }
    out.push_str(&format!(
        "Date: {}\nSubject: {}\nMessage-ID: <{}>\n",
        e.date, e.subject, e.message_id
    ));
    if let Some(r) = &e.in_reply_to {
        out.push_str(&format!("In-Reply-To: <{r}>\n"));
    }
    for a in &e.attachments {
        out.push_str(&format!("Attachment: {a}\n"));
    }
    out.push('\n');
    for p in &e.body {
        out.push_str(&inlines_text(&p.inlines));
        out.push_str("\n\n");
    }
    out
}

impl Workspace {
    /// The text view of the artifact at `path`.
    pub fn view(&self, path: &VPath) -> Option<String> {
        self.artifact(path).map(|a| render(path, a))
    }

    /// The tree as an indented listing with kinds and revisions.
    pub fn tree_text(&self) -> String {
        let mut out = String::from("/\n");
        let stale: std::collections::BTreeSet<VPath> = self.stale_paths().into_iter().collect();
        for e in self.walk() {
            let depth = e.path.components().count();
            let name = e.path.file_name().unwrap_or_default();
            let indent = "  ".repeat(depth);
            match e.kind {
                None => out.push_str(&format!("{indent}{name}/\n")),
                Some(k) => {
                    let mark = if stale.contains(&e.path) {
                        "  STALE"
                    } else {
                        ""
                    };
                    out.push_str(&format!("{indent}{name}  ({k}, rev {}){mark}\n", e.rev))
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use simdesk_model::{Cell, CellLink, CellValue, Policy, Ref, Sheet};

    use super::*;

    /// The grid as first written: every position of the shown grid looked
    /// up and padded with `format!`. The one-pass view must equal it.
    fn grid_by_lookup(w: &Workbook) -> String {
        let mut out = String::new();
        for s in &w.sheets {
            let (rows, cols) = s.extent();
            out.push_str(&format!(
                "## Sheet {} ({rows} rows x {cols} columns)\n",
                s.name
            ));
            let (vr, vc) = (rows.min(VIEW_MAX_ROWS), cols.min(VIEW_MAX_COLS));
            let mut header = String::from("     |");
            for c in 0..vc {
                header.push_str(&format!(" {:<12}|", CellAddr::col_name(c)));
            }
            out.push_str(header.trim_end());
            out.push('\n');
            for r in 0..vr {
                let mut line = format!("{:>4} |", r + 1);
                let mut any = false;
                for c in 0..vc {
                    let t = s
                        .cells
                        .get(&CellAddr::new(r, c))
                        .map_or(String::new(), |cell| {
                            any = true;
                            let v = format_value(&cell.value, cell.format.as_deref());
                            match &cell.formula {
                                Some(f) => format!("{v} [={f}]"),
                                None => v,
                            }
                        });
                    line.push_str(&format!(" {t:<12}|"));
                }
                if any {
                    out.push_str(line.trim_end());
                    out.push('\n');
                }
            }
            if rows > vr || cols > vc {
                out.push_str(&format!(
                    "… {} more rows, {} more columns not shown\n",
                    rows - vr,
                    cols.saturating_sub(vc)
                ));
            }
            let links: Vec<String> = s
                .cells
                .iter()
                .filter_map(|(a, c)| {
                    c.link
                        .as_ref()
                        .map(|l| format!("  {a} <- {} ({})", l.source, l.policy.as_str()))
                })
                .collect();
            if !links.is_empty() {
                out.push_str("Linked cells:\n");
                out.push_str(&links.join("\n"));
                out.push('\n');
            }
            out.push('\n');
        }
        out
    }

    /// Gaps within and between rows, formulas, formats, text longer than a
    /// column, non-Latin text, links, a sheet wider and taller than shown,
    /// a row whose cells all lie past the shown columns, an empty sheet.
    fn awkward_workbook() -> Workbook {
        let mut cells = BTreeMap::new();
        let mut put = |r: u32, c: u32, cell: Cell| {
            cells.insert(CellAddr::new(r, c), cell);
        };
        put(0, 0, Cell::value("Ticker"));
        put(0, 3, Cell::value("A heading longer than twelve"));
        put(
            2,
            1,
            Cell {
                value: CellValue::Number(1234.5),
                format: Some("$#,##0.00".into()),
                ..Cell::default()
            },
        );
        put(
            2,
            2,
            Cell {
                value: CellValue::Number(2469.0),
                formula: Some("B3*2".into()),
                ..Cell::default()
            },
        );
        put(3, 4, Cell::value("Анна Смирнова"));
        put(4, 60, Cell::value("past the shown columns"));
        put(
            5,
            0,
            Cell {
                value: CellValue::Number(250.0),
                link: Some(Box::new(CellLink {
                    source: Ref::parse("/Models/prices.xlsx#Prices!B2").expect("ref"),
                    policy: Policy::Manual,
                })),
                ..Cell::default()
            },
        );
        put(700, 1, Cell::value("past the shown rows"));
        let wide = Sheet {
            name: "Wide".into(),
            cells,
            ..Sheet::default()
        };
        let small = Sheet {
            name: "Small".into(),
            cells: BTreeMap::from([(CellAddr::new(0, 0), Cell::value(true))]),
            ..Sheet::default()
        };
        let empty = Sheet {
            name: "Empty".into(),
            ..Sheet::default()
        };
        Workbook {
            sheets: vec![wide, small, empty],
        }
    }

    #[test]
    fn the_one_pass_workbook_view_equals_the_grid_by_lookup() {
        let w = awkward_workbook();
        let view = render(
            &VPath::parse("/a.xlsx").expect("path"),
            &Artifact::Workbook(w.clone()),
        );
        assert_eq!(view, grid_by_lookup(&w));
        assert!(view.contains("Linked cells:\n  A6 <- /Models/prices.xlsx#Prices!B2 (manual)\n"));
        assert!(view.contains("… 201 more rows, 9 more columns not shown"));
    }
}
