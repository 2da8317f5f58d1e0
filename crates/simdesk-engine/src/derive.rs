//! Derived artifacts: what an export makes from its source (document, deck
//! or workbook → Pdf pages; workbook → csv Text; anything → markdown Text),
//! and CSV parsing for imports.

use simdesk_model::csv::sheet_csv;
use simdesk_model::render::{PAGE_BREAK, document_text, markdown, slide_text, workbook_text};
use simdesk_model::{Artifact, CellValue, Pdf, PdfPage, SimTime, Text, TextFormat};

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
            Artifact::Pdf(paginate(None, &workbook_text(w)))
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

/// Limits for CSV parsing in imports.
pub(crate) const MAX_CSV_CELLS: usize = 2_000_000;

/// Parses CSV text into rows of typed values: numbers, ISO dates, TRUE and
/// FALSE, percentages (`5%` → 0.05), everything else text. The records are
/// read by the model's one CSV reader ([`simdesk_model::csv::parse`]).
pub(crate) fn parse_csv(text: &str) -> Result<Vec<Vec<CellValue>>, String> {
    let rows = simdesk_model::csv::parse(text, MAX_CSV_CELLS).map_err(|e| e.to_string())?;
    Ok(rows
        .iter()
        .map(|row| row.iter().map(|f| typed(f)).collect())
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use simdesk_model::{Block, CellAddr, Document, Inline};

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
