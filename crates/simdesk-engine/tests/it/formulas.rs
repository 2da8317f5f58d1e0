//! Formulas through the engine's one mutation path: exact recompute sets
//! within and across workbooks, early cutoff, cycles, the clock, hostile
//! formula text.

use simdesk_model::*;

use crate::fixture::*;

fn formula(path: &str, sheet: &str, cell: &str, f: &str) -> Op {
    Op::SetCells {
        path: p(path),
        sheet: sheet.into(),
        cells: vec![CellEdit {
            cell: a1(cell),
            input: CellInput::formula(f),
        }],
    }
}

fn value(ws: &simdesk_engine::Workspace, path: &str, sheet: &str, cell: &str) -> CellValue {
    ws.cell(&p(path), sheet, a1(cell))
        .map(|c| c.value.clone())
        .unwrap_or_default()
}

fn live(source: &str) -> Cell {
    Cell {
        link: Some(Box::new(CellLink {
            source: r(source),
            policy: Policy::Live,
        })),
        ..Cell::default()
    }
}

/// input.xlsx!A1 → (formulas) → summary.xlsx (live link + formulas) →
/// memo.docx (field).
fn three_books() -> simdesk_engine::Workspace {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/in.xlsx"),
            artifact: workbook(&[(
                "S",
                &[
                    ("A1", Cell::value(10.0)),
                    ("A2", Cell::value(1.0)),
                    ("B1", Cell::formula("A1*2")),
                    ("B2", Cell::formula("B1+1")),
                    ("C1", Cell::formula("ROUND(A1/100,0)")),
                    ("D1", Cell::formula("C1*5")),
                    ("E1", Cell::formula("A2+1")),
                ],
            )])
            .into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/mid.xlsx"),
            artifact: workbook(&[(
                "T",
                &[
                    ("A1", live("/in.xlsx#S!B2")),
                    ("A2", Cell::formula("A1*10")),
                ],
            )])
            .into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/out.xlsx"),
            artifact: workbook(&[(
                "U",
                &[
                    ("A1", live("/mid.xlsx#T!A2")),
                    ("A2", Cell::formula("SUM(A1,1)")),
                ],
            )])
            .into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/memo.docx"),
            artifact: doc(vec![field_para("Total ", "/out.xlsx#U!A2", Some("#,##0"))]).into(),
        },
    );
    ws
}

#[test]
fn values_are_computed_on_create() {
    let ws = three_books();
    assert_eq!(value(&ws, "/in.xlsx", "S", "B2"), CellValue::Number(21.0));
    assert_eq!(value(&ws, "/mid.xlsx", "T", "A2"), CellValue::Number(210.0));
    assert_eq!(value(&ws, "/out.xlsx", "U", "A2"), CellValue::Number(211.0));
    assert!(ws.view(&p("/memo.docx")).unwrap().contains("Total 211"));
}

#[test]
fn an_edit_recomputes_exactly_its_dependents_across_workbooks() {
    let mut ws = three_books();
    let out = ok(&mut ws, set("/in.xlsx", "S", "A1", 20.0));
    assert_eq!(
        out.recomputed_cells,
        vec![
            "/in.xlsx#S!B1",
            "/in.xlsx#S!C1",
            "/in.xlsx#S!B2",
            "/mid.xlsx#T!A2",
            "/out.xlsx#U!A2",
        ],
        "C1 = ROUND(0.2) stays 0, so D1 is not woken (early cutoff); E1 does not read A1"
    );
    assert_eq!(
        out.recomputed,
        vec![p("/mid.xlsx"), p("/out.xlsx"), p("/memo.docx")]
    );
    assert!(ws.view(&p("/memo.docx")).unwrap().contains("Total 411"));
    // An unrelated input wakes only its own reader.
    let out = ok(&mut ws, set("/in.xlsx", "S", "A2", 5.0));
    assert_eq!(out.recomputed_cells, vec!["/in.xlsx#S!E1"]);
    assert!(out.recomputed.is_empty());
}

#[test]
fn circular_references_are_diagnosed_not_hung() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/c.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(1.0))])]).into(),
        },
    );
    ok(&mut ws, formula("/c.xlsx", "S", "B1", "A1+C1"));
    let out = ok(&mut ws, formula("/c.xlsx", "S", "C1", "B1*2"));
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == Code::CircularReference)
        .expect("cycle diagnostic");
    assert!(
        d.message.contains("S!B1") && d.message.contains("S!C1"),
        "{}",
        d.message
    );
    assert_eq!(
        value(&ws, "/c.xlsx", "S", "B1"),
        CellValue::Error(CellError::Circ)
    );
    // Breaking the cycle heals it.
    ok(&mut ws, set("/c.xlsx", "S", "C1", 3.0));
    assert_eq!(value(&ws, "/c.xlsx", "S", "B1"), CellValue::Number(4.0));
}

#[test]
fn today_follows_the_simulated_clock() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/t.xlsx"),
            artifact: workbook(&[(
                "S",
                &[
                    ("A1", Cell::formula("TODAY()").with_format("yyyy-mm-dd")),
                    ("B1", Cell::formula("A1+1").with_format("yyyy-mm-dd")),
                ],
            )])
            .into(),
        },
    );
    let today = start().excel_serial().floor();
    assert_eq!(value(&ws, "/t.xlsx", "S", "A1").as_number(), Some(today));
    ok(
        &mut ws,
        Op::AdvanceClock {
            seconds: 3 * 86_400,
        },
    );
    assert_eq!(
        value(&ws, "/t.xlsx", "S", "A1").as_number(),
        Some(today + 3.0)
    );
    assert_eq!(
        value(&ws, "/t.xlsx", "S", "B1").as_number(),
        Some(today + 4.0)
    );
}

#[test]
fn missing_sheets_and_hostile_formulas_give_error_values() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/h.xlsx"),
            artifact: workbook(&[("S", &[])]).into(),
        },
    );
    let out = ok(&mut ws, formula("/h.xlsx", "S", "A1", "Gone!B2*2"));
    assert_eq!(
        value(&ws, "/h.xlsx", "S", "A1"),
        CellValue::Error(CellError::Ref)
    );
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.code == Code::FormulaError && d.message.contains("Gone")),
        "{:?}",
        out.diagnostics
    );
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let out = ok(&mut ws, formula("/h.xlsx", "S", "A2", &deep));
    assert!(matches!(
        value(&ws, "/h.xlsx", "S", "A2"),
        CellValue::Error(_)
    ));
    assert!(!out.diagnostics.is_empty());
    let long = format!("1{}", "+1".repeat(5000));
    ok(&mut ws, formula("/h.xlsx", "S", "A3", &long));
    assert!(matches!(
        value(&ws, "/h.xlsx", "S", "A3"),
        CellValue::Error(_)
    ));
    ok(&mut ws, formula("/h.xlsx", "S", "A4", "NOSUCHFUNCTION(1)"));
    assert_eq!(
        value(&ws, "/h.xlsx", "S", "A4"),
        CellValue::Error(CellError::Name)
    );
}

#[test]
fn import_refresh_recomputes_formulas_reading_the_imported_sheet() {
    let mut ws = portfolio_world();
    ok(
        &mut ws,
        formula(
            "/Models/portfolio.xlsx",
            "Holdings",
            "C2",
            "VLOOKUP(A2,Prices!$A$2:$B$9,2,FALSE)*B2",
        ),
    );
    assert_eq!(
        value(&ws, "/Models/portfolio.xlsx", "Holdings", "C2"),
        CellValue::Number(10_000.0)
    );
    ok(
        &mut ws,
        Op::Write {
            path: p("/Downloads/prices.csv"),
            artifact: text(PRICES_V2, TextFormat::Csv).into(),
        },
    );
    assert_eq!(
        value(&ws, "/Models/portfolio.xlsx", "Holdings", "C2"),
        CellValue::Number(10_000.0),
        "manual: not yet"
    );
    let out = ok(
        &mut ws,
        Op::Refresh {
            path: p("/Models/portfolio.xlsx"),
        },
    );
    assert_eq!(
        value(&ws, "/Models/portfolio.xlsx", "Holdings", "C2"),
        CellValue::Number(10_480.0)
    );
    assert!(
        out.recomputed_cells
            .contains(&"/Models/portfolio.xlsx#Holdings!C2".to_owned())
    );
}
