//! The formula table (`formulas.txt`): Excel semantics, case by case.

use simdesk_formula::recalc_all;
use simdesk_model::{Cell, CellAddr, CellError, CellValue, Sheet, Workbook};

use crate::{a, ctx};

/// The data every case reads; see the head of `formulas.txt`.
fn fixture() -> Workbook {
    let mut s1 = Sheet::new("Sheet1");
    let fruit = ["apple", "banana", "cherry", "apple", "date"];
    for i in 0..5u32 {
        let n = f64::from(i + 1);
        s1.cells.insert(a(&format!("A{}", i + 1)), Cell::value(n));
        s1.cells
            .insert(a(&format!("B{}", i + 1)), Cell::value(fruit[i as usize]));
        s1.cells
            .insert(a(&format!("C{}", i + 1)), Cell::value(n * 10.0));
    }
    s1.cells.insert(a("D1"), Cell::value("3"));
    s1.cells.insert(a("D2"), Cell::value(true));
    s1.cells
        .insert(a("D4"), Cell::value(CellValue::Error(CellError::Div0)));
    s1.cells.insert(a("D5"), Cell::value("  hello   world  "));
    s1.cells.insert(
        a("E1"),
        Cell::value(CellValue::Date(46_027.0)).with_format("yyyy-mm-dd"),
    );
    let mut s2 = Sheet::new("Sheet2");
    s2.cells.insert(a("A1"), Cell::value(100.0));
    s2.cells.insert(a("B1"), Cell::value("north"));
    let mut my = Sheet::new("My Sheet");
    for (i, addr) in ["A1", "B1", "A2", "B2", "A3", "B3"].iter().enumerate() {
        my.cells.insert(a(addr), Cell::value(i as f64 + 1.0));
    }
    Workbook {
        sheets: vec![s1, s2, my],
    }
}

enum Expect {
    Exact(CellValue),
    Near(f64),
}

fn parse_expect(s: &str) -> Expect {
    if let Some(x) = s.strip_prefix('~') {
        return Expect::Near(x.parse().unwrap());
    }
    if let Some(x) = s.strip_prefix("date:") {
        return Expect::Exact(CellValue::Date(x.parse().unwrap()));
    }
    if let Some(t) = s.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return Expect::Exact(CellValue::Text(t.to_owned()));
    }
    if let Some(e) = CellError::parse(s) {
        return Expect::Exact(CellValue::Error(e));
    }
    match s {
        "TRUE" => Expect::Exact(CellValue::Bool(true)),
        "FALSE" => Expect::Exact(CellValue::Bool(false)),
        _ => Expect::Exact(CellValue::Number(
            s.parse().unwrap_or_else(|_| panic!("bad expectation {s}")),
        )),
    }
}

fn matches(got: &CellValue, want: &Expect) -> bool {
    match want {
        Expect::Exact(v) => got == v,
        Expect::Near(x) => match got {
            CellValue::Number(n) => (n - x).abs() <= 1e-9 * x.abs().max(1.0),
            _ => false,
        },
    }
}

/// One case of the table: line, formula, expectation (parsed and as
/// written), cell.
type Case = (usize, String, Expect, String, CellAddr);

/// The fixture with every case of the table in column Z of Sheet1.
fn table() -> (Workbook, Vec<Case>) {
    let text = include_str!("formulas.txt");
    let mut wb = fixture();
    let mut cases = Vec::new();
    for (line_no, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let parts: Vec<&str> = line.rsplitn(3, " | ").collect();
        assert_eq!(
            parts.len(),
            3,
            "line {}: want `formula | expected | oracle`",
            line_no + 1
        );
        let (oracle, expected, formula) = (parts[0], parts[1], parts[2]);
        assert!(
            ["hand", "excel-doc", "ironcalc"].contains(&oracle),
            "line {}: oracle {oracle}",
            line_no + 1
        );
        let addr = a(&format!("Z{}", 20 + cases.len()));
        let mut cell = Cell::formula(formula);
        if expected.starts_with("date:") {
            cell = cell.with_format("yyyy-mm-dd");
        }
        wb.sheets[0].cells.insert(addr, cell);
        cases.push((
            line_no + 1,
            formula.to_owned(),
            parse_expect(expected),
            expected.to_owned(),
            addr,
        ));
    }
    (wb, cases)
}

/// The formula table's workbook, every case in it, not yet evaluated.
pub fn table_workbook() -> Workbook {
    table().0
}

/// Every case of the table, evaluated in one workbook; all failures are
/// listed together.
#[test]
fn formula_table() {
    let (mut wb, cases) = table();
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    recalc_all(&mut wb, &ctx());
    let mut failures = Vec::new();
    for (line, formula, want, shown, addr) in &cases {
        let got = wb.sheets[0].value(*addr);
        if !matches(got, want) {
            failures.push(format!(
                "line {line}: ={formula} gave {got:?}, want {shown}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
