//! Golden tests: a reference export of a small workbook and document,
//! compared part by part as normalised XML against
//! `golden/formats/office_a/`. `UPDATE_GOLDEN=1 cargo test -p
//! simdesk-formats` rewrites the references.
//!
//! Normalising: every XML part is re-indented one element per line with
//! its attributes sorted; the children of `[Content_Types].xml` and of
//! `.rels` parts are sorted (their order carries no meaning); nothing else
//! is removed — timestamps come from the export options and are compared.

use std::path::PathBuf;

use quick_xml::events::Event;
use simdesk_formats::{Format, export};
use simdesk_model::{
    Artifact, Block, Cell, CellValue, Document, Inline, ListItem, Sheet, Table, Workbook,
};

use super::samples;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../golden/formats/office_a")
}

/// One element or text per line, attributes sorted, indented by depth.
fn pretty(xml: &str, sort_children: bool) -> String {
    let mut r = quick_xml::Reader::from_str(xml);
    r.config_mut().trim_text(true);
    let mut lines: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let tag = |e: &quick_xml::events::BytesStart<'_>, close: &str| {
        let mut attrs: Vec<String> = e
            .attributes()
            .flatten()
            .map(|a| format!("{}=\"{}\"", a.key.as_ref(), a.value))
            .collect();
        attrs.sort();
        let name = e.name().as_ref().to_owned();
        if attrs.is_empty() {
            format!("<{name}{close}>")
        } else {
            format!("<{name} {}{close}>", attrs.join(" "))
        }
    };
    loop {
        match r.read_event().unwrap() {
            Event::Start(e) => {
                lines.push(format!("{}{}", "  ".repeat(depth), tag(&e, "")));
                depth += 1;
            }
            Event::Empty(e) => lines.push(format!("{}{}", "  ".repeat(depth), tag(&e, "/"))),
            Event::End(e) => {
                depth = depth.saturating_sub(1);
                lines.push(format!("{}</{}>", "  ".repeat(depth), e.name().as_ref()));
            }
            Event::Text(t) => lines.push(format!("{}{}", "  ".repeat(depth), t.as_ref())),
            Event::GeneralRef(g) => lines.push(format!("{}&{};", "  ".repeat(depth), g.as_ref())),
            Event::Eof => break,
            _ => {}
        }
    }
    if sort_children && lines.len() > 2 {
        let last = lines.len() - 1;
        lines[1..last].sort();
    }
    lines.join("\n")
}

/// All parts of a package, normalised, in name order.
fn normalise(bytes: &[u8]) -> String {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        if e.is_dir() {
            continue;
        }
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        let name = e.name().unwrap().into_owned();
        let text = String::from_utf8(data).unwrap();
        let sorted = name == "[Content_Types].xml" || name.ends_with(".rels");
        parts.push((name, pretty(&text, sorted)));
    }
    parts.sort();
    parts
        .iter()
        .map(|(n, p)| format!("=== {n}\n{p}\n"))
        .collect()
}

/// The first differing lines, with context, for a readable failure.
fn diff(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let first = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let from = first.saturating_sub(3);
    let mut out = format!("first difference at line {}:\n", first + 1);
    for i in from..(first + 6) {
        if let Some(l) = e.get(i) {
            out.push_str(&format!("- {l}\n"));
        }
        if let Some(l) = a.get(i) {
            out.push_str(&format!("+ {l}\n"));
        }
    }
    out
}

fn check(name: &str, actual: &str) {
    let path = golden_dir().join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_dir()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "{} is missing: run UPDATE_GOLDEN=1 cargo test -p simdesk-formats",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "{name} differs from the golden reference\n{}",
        diff(&expected, actual)
    );
}

fn small_workbook() -> Workbook {
    let mut s = Sheet::new("Budget");
    s.freeze_header = true;
    let mut put = |a: &str, c: Cell| s.cells.insert(a.parse().unwrap(), c);
    put("A1", Cell::value("Item").bold());
    put("B1", Cell::value("Amount").bold());
    put("A2", Cell::value("Rent"));
    put("B2", Cell::value(1850.0).with_format("#,##0.00"));
    put("A3", Cell::value("Due"));
    put(
        "B3",
        Cell {
            value: CellValue::Date(46_027.0),
            ..Cell::default()
        },
    );
    let mut total = Cell::formula("B2*12").with_format("#,##0.00");
    total.value = CellValue::Number(22_200.0);
    put("B4", total);
    Workbook { sheets: vec![s] }
}

fn small_document() -> Document {
    Document {
        title: Some("Memo".into()),
        blocks: vec![
            Block::heading(1, "Memo"),
            Block::Paragraph {
                inlines: vec![
                    Inline::text("Rent is "),
                    Inline::bold("due"),
                    Inline::text("."),
                ],
            },
            Block::List {
                ordered: true,
                items: vec![ListItem {
                    level: 0,
                    inlines: vec![Inline::text("Pay")],
                }],
            },
            Block::Table(Table::from_text(
                true,
                &[&["Item", "Amount"], &["Rent", "1,850.00"]],
            )),
            Block::PageBreak,
        ],
    }
}

#[test]
fn golden_xlsx() {
    let bytes = export(
        &Artifact::Workbook(small_workbook()),
        Format::Xlsx,
        &samples::options(),
    )
    .unwrap();
    check("budget.xlsx.txt", &normalise(&bytes));
}

#[test]
fn golden_docx() {
    let bytes = export(
        &Artifact::Document(small_document()),
        Format::Docx,
        &samples::options(),
    )
    .unwrap();
    check("memo.docx.txt", &normalise(&bytes));
}
