//! Text views for agents: every artifact as plain text an LLM can read.

use simdesk_model::{Artifact, CellAddr, Email, Mailbox, VPath, format_value, inlines_text};

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
        Artifact::Workbook(w) => {
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
