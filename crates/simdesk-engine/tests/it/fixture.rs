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

pub const PRICES_V1: &str = "Ticker,Price\nVTI,250\nBND,72.5\n";
pub const PRICES_V2: &str = "Ticker,Price\nVTI,262\nBND,71.9\n";

/// The classic chain: a market-data CSV imported into a portfolio
/// workbook (manual), a report quoting the workbook (live), a PDF of the
/// report (snapshot).
pub fn portfolio_world() -> Workspace {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/Downloads/prices.csv"),
            artifact: text(PRICES_V1, TextFormat::Csv),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/Models/portfolio.xlsx"),
            artifact: workbook(&[(
                "Holdings",
                &[
                    ("A1", Cell::value("Ticker").bold()),
                    ("B1", Cell::value("Units").bold()),
                    ("A2", Cell::value("VTI")),
                    ("B2", Cell::value(40.0)),
                ],
            )]),
        },
    );
    ok(
        &mut ws,
        Op::Link {
            source: r("/Downloads/prices.csv"),
            dependent: r("/Models/portfolio.xlsx#Prices"),
            kind: LinkKind::Import,
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/Reports/client.docx"),
            artifact: doc(vec![
                Block::heading(1, "Quarterly review"),
                field_para(
                    "VTI closed at ",
                    "/Models/portfolio.xlsx#Prices!B2",
                    Some("$#,##0.00"),
                ),
                field_para(
                    "BND closed at ",
                    "/Models/portfolio.xlsx#Prices!B3",
                    Some("$#,##0.00"),
                ),
            ]),
        },
    );
    ok(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.pdf"),
            sheet: None,
        },
    );
    ws
}
