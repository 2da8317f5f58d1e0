//! Shared helpers: short constructors and the demo-like portfolio world.

use simdesk_engine::{Outcome, Workspace};
use simdesk_model::*;

pub fn p(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

pub fn r(s: &str) -> Ref {
    Ref::parse(s).unwrap()
}

pub fn a1(s: &str) -> CellAddr {
    CellAddr::parse(s).unwrap()
}

pub fn start() -> SimTime {
    SimTime::parse("2026-01-05T09:00:00Z").unwrap()
}

pub fn empty() -> Workspace {
    Workspace::new(
        start(),
        Persona {
            name: "Mei Chen".into(),
            email: "mei.chen@northbridge.example".into(),
            role: "Financial advisor".into(),
            employer: "Northbridge Wealth".into(),
            ..Persona::default()
        },
    )
}

#[track_caller]
pub fn ok(ws: &mut Workspace, op: Op) -> Outcome {
    let out = ws.apply(op.clone());
    assert!(
        out.is_applied(),
        "{op:?} was rejected: {:#?}",
        out.diagnostics
    );
    out
}

#[track_caller]
pub fn rejected(ws: &mut Workspace, op: Op) -> Outcome {
    let before = ws.state_hash().unwrap();
    let out = ws.apply(op.clone());
    assert!(
        !out.is_applied(),
        "{op:?} was applied but should be refused"
    );
    assert!(out.diagnostics[0].is_error());
    assert_eq!(
        ws.state_hash().unwrap(),
        before,
        "a rejected op changed the world: {op:?}"
    );
    out
}

pub fn text(content: &str, format: TextFormat) -> Artifact {
    Artifact::Text(Text {
        format,
        content: content.into(),
    })
}

pub fn workbook(sheets: &[(&str, &[(&str, Cell)])]) -> Artifact {
    Artifact::Workbook(Workbook {
        sheets: sheets
            .iter()
            .map(|(name, cells)| {
                let mut s = Sheet::new(name);
                for (a, c) in cells.iter() {
                    s.cells.insert(a1(a), c.clone());
                }
                s
            })
            .collect(),
    })
}

pub fn doc(blocks: Vec<Block>) -> Artifact {
    Artifact::Document(Document {
        title: None,
        blocks,
    })
}

pub fn field_para(label: &str, source: &str, format: Option<&str>) -> Block {
    Block::Paragraph {
        inlines: vec![Inline::text(label), Inline::field(r(source), format)],
    }
}

pub fn set(path: &str, sheet: &str, cell: &str, v: f64) -> Op {
    Op::SetCells {
        path: p(path),
        sheet: sheet.into(),
        cells: vec![CellEdit {
            cell: a1(cell),
            input: CellInput::value(v),
        }],
    }
}

pub const PRICES_V2: &str = "Ticker,Price\nVTI,262\nBND,71.9\n";

/// A world from a fixture string: `//- /path` starts a file, `//- ops`
/// a block of JSON Lines ops; everything is applied in order (files as
/// `create`), and every op must apply.
///
/// File bodies by extension:
/// - `.xlsx`: `[Sheet]` starts a sheet; `A1 value` sets a cell, where a
///   value starting with `=` is a formula, a number is a number, `**x**`
///   is bold text and anything else is text;
/// - `.docx`: `# ` / `## ` / `### ` headings, other non-empty lines
///   paragraphs, `{/path#Sheet!B2|format}` a field (format optional);
/// - anything else: a text artifact (csv, markdown or plain by extension)
///   holding the body as written.
pub fn world(fixture: &str) -> Workspace {
    let mut ws = empty();
    for op in fixture_ops(fixture) {
        ok(&mut ws, op);
    }
    ws
}

/// The ops a fixture string stands for (see [`world`]).
pub fn fixture_ops(fixture: &str) -> Vec<Op> {
    let mut ops = Vec::new();
    let mut sections: Vec<(&str, Vec<&str>)> = Vec::new();
    for line in fixture.lines() {
        match line.trim_start().strip_prefix("//- ") {
            Some(head) => sections.push((head.trim(), Vec::new())),
            None => match sections.last_mut() {
                Some((_, body)) => body.push(line.trim()),
                None => assert!(line.trim().is_empty(), "text before the first //- line"),
            },
        }
    }
    for (head, body) in sections {
        if head == "ops" {
            for l in body.iter().filter(|l| !l.is_empty()) {
                ops.push(serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")));
            }
            continue;
        }
        let path = p(head);
        let artifact = match path.extension() {
            Some("xlsx") => fixture_workbook(&body),
            Some("docx") => fixture_document(&body),
            ext => {
                let format = match ext {
                    Some("csv") => TextFormat::Csv,
                    Some("md") => TextFormat::Markdown,
                    _ => TextFormat::Plain,
                };
                let mut content = body.join("\n").trim().to_owned();
                content.push('\n');
                text(&content, format)
            }
        };
        ops.push(Op::Create {
            path,
            artifact: artifact.into(),
        });
    }
    ops
}

fn fixture_workbook(body: &[&str]) -> Artifact {
    let mut sheets: Vec<Sheet> = Vec::new();
    for line in body.iter().filter(|l| !l.is_empty()) {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            sheets.push(Sheet::new(name));
            continue;
        }
        let (addr, value) = line.split_once(' ').unwrap_or((line, ""));
        let cell = if let Some(f) = value.strip_prefix('=') {
            Cell::formula(f)
        } else if let Ok(n) = value.parse::<f64>() {
            Cell::value(n)
        } else if let Some(b) = value.strip_prefix("**").and_then(|v| v.strip_suffix("**")) {
            Cell::value(b).bold()
        } else {
            Cell::value(value)
        };
        let sheet = sheets.last_mut().expect("a [Sheet] line before the cells");
        sheet.cells.insert(a1(addr), cell);
    }
    Artifact::Workbook(Workbook { sheets })
}

fn fixture_document(body: &[&str]) -> Artifact {
    let mut blocks = Vec::new();
    for line in body.iter().filter(|l| !l.is_empty()) {
        let hashes = line.chars().take_while(|c| *c == '#').count();
        if (1..=3).contains(&hashes) && line[hashes..].starts_with(' ') {
            blocks.push(Block::heading(hashes as u8, line[hashes..].trim()));
            continue;
        }
        let mut inlines = Vec::new();
        let mut rest = *line;
        while let Some(open) = rest.find('{') {
            let close = rest[open..].find('}').expect("a field closes with }") + open;
            if open > 0 {
                inlines.push(Inline::text(&rest[..open]));
            }
            let (source, format) = match rest[open + 1..close].split_once('|') {
                Some((s, f)) => (s, Some(f)),
                None => (&rest[open + 1..close], None),
            };
            inlines.push(Inline::field(r(source), format));
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            inlines.push(Inline::text(rest));
        }
        blocks.push(Block::Paragraph { inlines });
    }
    doc(blocks)
}

/// The classic chain: a market-data CSV imported into a portfolio
/// workbook (manual), a report quoting the workbook (live), a PDF of the
/// report (snapshot).
pub fn portfolio_world() -> Workspace {
    world(
        r#"
        //- /Downloads/prices.csv
        Ticker,Price
        VTI,250
        BND,72.5
        //- /Models/portfolio.xlsx
        [Holdings]
        A1 **Ticker**
        B1 **Units**
        A2 VTI
        B2 40
        //- ops
        {"op":"link","source":"/Downloads/prices.csv","dependent":"/Models/portfolio.xlsx#Prices","kind":"import"}
        //- /Reports/client.docx
        # Quarterly review
        VTI closed at {/Models/portfolio.xlsx#Prices!B2|$#,##0.00}
        BND closed at {/Models/portfolio.xlsx#Prices!B3|$#,##0.00}
        //- ops
        {"op":"export","source":"/Reports/client.docx","target":"/Reports/client.pdf"}
        "#,
    )
}
