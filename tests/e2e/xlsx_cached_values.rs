//! Every formula cell of a workbook exported by the project carries its
//! computed result: read back with calamine, which never recalculates.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use simdesk_engine::Workspace;
use simdesk_formats::{ExportOptions, Format, export};
use simdesk_model::*;

fn vp(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

fn model_world() -> Workspace {
    let mut ws = Workspace::new(
        SimTime::parse("2026-01-05T09:00:00Z").unwrap(),
        Persona::default(),
    );
    let ops = vec![
        Op::Create {
            path: vp("/Data/prices.csv"),
            artifact: Artifact::Text(Text {
                format: TextFormat::Csv,
                content: "Ticker,Close\nVTI,250\nBND,72.5\nVXUS,58.2\n".into(),
            })
            .into(),
        },
        Op::Create {
            path: vp("/Models/portfolio.xlsx"),
            artifact: Artifact::Workbook(Workbook {
                sheets: vec![Sheet::new("Holdings")],
            })
            .into(),
        },
        Op::Link {
            source: Ref::whole(vp("/Data/prices.csv")),
            dependent: Ref {
                path: Some(vp("/Models/portfolio.xlsx")),
                target: RefTarget::Sheet {
                    sheet: "Prices".into(),
                },
            },
            kind: LinkKind::Import,
        },
    ];
    for op in ops {
        assert!(ws.apply(op).is_applied());
    }
    let rows: Vec<Vec<Option<CellInput>>> = vec![
        ["Ticker", "Units", "Price", "Value", "Weight", "Note"]
            .iter()
            .map(|h| Some(CellInput::value(*h)))
            .collect(),
        vec![
            Some(CellInput::value("VTI")),
            Some(CellInput::value(40.0)),
            Some(CellInput::formula("VLOOKUP(A2,Prices!$A$2:$B$9,2,FALSE)")),
            Some(CellInput::formula("B2*C2")),
            Some(CellInput::formula("D2/$D$5")),
            Some(CellInput::formula("IF(E2>0.4,\"overweight\",\"ok\")")),
        ],
        vec![
            Some(CellInput::value("BND")),
            Some(CellInput::value(120.0)),
            Some(CellInput::formula("VLOOKUP(A3,Prices!$A$2:$B$9,2,FALSE)")),
            Some(CellInput::formula("B3*C3")),
            Some(CellInput::formula("D3/$D$5")),
            Some(CellInput::formula("TEXT(E3,\"0.0%\")")),
        ],
        vec![
            Some(CellInput::value("VXUS")),
            Some(CellInput::value(60.0)),
            Some(CellInput::formula("VLOOKUP(A4,Prices!$A$2:$B$9,2,FALSE)")),
            Some(CellInput::formula("B4*C4")),
            Some(CellInput::formula("D4/$D$5")),
            Some(CellInput::formula("E4>0.5")),
        ],
        vec![
            Some(CellInput::value("Total")),
            Some(CellInput::formula("SUM(B2:B4)")),
            None,
            Some(CellInput::formula("SUM(D2:D4)")),
            Some(CellInput::formula("ROUND(SUM(E2:E4),10)")),
            Some(CellInput::formula("COUNTIF(E2:E4,\">0.2\")")),
        ],
        vec![
            Some(CellInput::value("As of")),
            Some(CellInput {
                formula: Some("TODAY()".into()),
                format: Some("yyyy-mm-dd".into()),
                ..CellInput::default()
            }),
            None,
            Some(CellInput::formula("PMT(0.05/12,360,-D5)")),
            Some(CellInput::formula("1/0")),
            Some(CellInput::formula("NA()")),
        ],
    ];
    let out = ws.apply(Op::SetRange {
        path: vp("/Models/portfolio.xlsx"),
        sheet: "Holdings".into(),
        start: CellAddr::new(0, 0),
        rows,
    });
    assert!(out.is_applied(), "{:?}", out.diagnostics);
    ws
}

fn same(ours: &CellValue, theirs: &Data) -> bool {
    match (ours, theirs) {
        (CellValue::Number(a), Data::Float(b)) | (CellValue::Date(a), Data::Float(b)) => {
            (a - b).abs() < 1e-9
        }
        (CellValue::Number(a), Data::Int(b)) => (a - *b as f64).abs() < 1e-9,
        (CellValue::Date(a), Data::DateTime(d)) => (a - d.as_f64()).abs() < 1e-9,
        (CellValue::Text(a), Data::String(b)) => a == b,
        (CellValue::Bool(a), Data::Bool(b)) => a == b,
        (CellValue::Error(e), Data::Error(c)) => e.as_str() == c.to_string(),
        _ => false,
    }
}

#[test]
fn every_formula_cell_carries_its_computed_result() {
    let ws = model_world();
    let path = vp("/Models/portfolio.xlsx");
    let Some(Artifact::Workbook(book)) = ws.artifact(&path) else {
        panic!("no workbook")
    };
    assert_eq!(
        book.sheet("Holdings")
            .unwrap()
            .value(CellAddr::parse("D5").unwrap()),
        &CellValue::Number(22_192.0)
    );
    let bytes = export(
        ws.artifact(&path).unwrap(),
        Format::Xlsx,
        &ExportOptions::default(),
    )
    .unwrap();
    let mut x: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    let mut checked = 0;
    for sheet in &book.sheets {
        let range = x.worksheet_range(&sheet.name).unwrap();
        let formulas = x.worksheet_formula(&sheet.name).unwrap();
        for (addr, cell) in &sheet.cells {
            let Some(f) = &cell.formula else { continue };
            let theirs = range
                .get_value((addr.row, addr.col))
                .cloned()
                .unwrap_or(Data::Empty);
            assert!(
                same(&cell.value, &theirs),
                "{}!{addr} = {f}: ours {:?}, cached {:?}",
                sheet.name,
                cell.value,
                theirs
            );
            let written = formulas
                .get_value((addr.row, addr.col))
                .cloned()
                .unwrap_or_default();
            assert_eq!(
                written.trim_start_matches('='),
                f.as_str(),
                "formula text at {addr}"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 20);
}
