//! Incrementality: exactly which cells `recalc_dirty` recomputes.

use proptest::prelude::*;
use simdesk_formula::{CellKey, FormulaGraph, RecalcReport, recalc_all, recalc_dirty};
use simdesk_model::{Cell, CellError, CellValue, Code, Workbook};

use crate::{a, book, ctx, value};

fn keys(list: &[(&str, &str)]) -> Vec<CellKey> {
    list.iter().map(|(s, c)| (s.to_string(), a(c))).collect()
}

fn set(wb: &mut Workbook, sheet: &str, addr: &str, v: f64) {
    wb.sheet_mut(sheet)
        .unwrap()
        .cells
        .insert(a(addr), Cell::value(v));
}

#[test]
fn chain_recomputes_in_order() {
    let mut wb = book(&[(
        "S",
        &[
            ("A1", "1"),
            ("A2", "=A1+1"),
            ("A3", "=A2*2"),
            ("A4", "=A3-1"),
            ("B9", "7"),
        ],
    )]);
    recalc_all(&mut wb, &ctx());
    assert_eq!(value(&wb, "S", "A4"), &CellValue::Number(3.0));
    set(&mut wb, "S", "A1", 10.0);
    let r = recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    assert_eq!(r.recomputed, keys(&[("S", "A2"), ("S", "A3"), ("S", "A4")]));
    assert_eq!(r.changed, r.recomputed);
    assert_eq!(value(&wb, "S", "A4"), &CellValue::Number(21.0));
}

#[test]
fn fan_out_and_ranges() {
    let mut wb = book(&[(
        "S",
        &[
            ("A1", "1"),
            ("A2", "2"),
            ("B1", "=A1*2"),
            ("B2", "=SUM(A1:A2)"),
            ("B3", "=SUM(A:A)"),
            ("B4", "=A2"),
            ("C1", "=B1+B2"),
        ],
    )]);
    recalc_all(&mut wb, &ctx());
    set(&mut wb, "S", "A1", 5.0);
    let r = recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    // B4 reads only A2: not recomputed. C1 comes after B1 and B2.
    assert_eq!(
        r.recomputed,
        keys(&[("S", "B1"), ("S", "B2"), ("S", "B3"), ("S", "C1")])
    );
    assert_eq!(value(&wb, "S", "C1"), &CellValue::Number(17.0));
}

#[test]
fn early_cutoff_stops_at_unchanged_value() {
    let mut wb = book(&[(
        "S",
        &[
            ("A1", "1.2"),
            ("B1", "=ROUND(A1,0)"),
            ("C1", "=B1*10"),
            ("D1", "=C1+1"),
        ],
    )]);
    recalc_all(&mut wb, &ctx());
    set(&mut wb, "S", "A1", 1.3);
    let r = recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    assert_eq!(r.recomputed, keys(&[("S", "B1")]));
    assert!(r.changed.is_empty());
    // And when it does change, the whole chain follows.
    set(&mut wb, "S", "A1", 1.6);
    let r = recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    assert_eq!(r.recomputed, keys(&[("S", "B1"), ("S", "C1"), ("S", "D1")]));
    assert_eq!(value(&wb, "S", "D1"), &CellValue::Number(21.0));
}

#[test]
fn cutoff_in_a_diamond_wakes_only_what_changed() {
    // B1 changes, B2 does not; C1 reads both and is recomputed once; C2
    // reads only B2 and is not.
    let mut wb = book(&[(
        "S",
        &[
            ("A1", "1"),
            ("B1", "=A1+1"),
            ("B2", "=MIN(A1,0)"),
            ("C1", "=B1+B2"),
            ("C2", "=B2*3"),
        ],
    )]);
    recalc_all(&mut wb, &ctx());
    set(&mut wb, "S", "A1", 4.0);
    let r = recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    assert_eq!(r.recomputed, keys(&[("S", "B1"), ("S", "B2"), ("S", "C1")]));
    assert_eq!(r.changed, keys(&[("S", "B1"), ("S", "C1")]));
}

#[test]
fn unrelated_edit_recomputes_nothing() {
    let mut wb = book(&[
        ("S", &[("A1", "1"), ("B1", "=A1*2"), ("Z99", "5")]),
        ("T", &[("A1", "=S!B1"), ("A2", "3")]),
    ]);
    recalc_all(&mut wb, &ctx());
    set(&mut wb, "S", "Z99", 6.0);
    set(&mut wb, "T", "A2", 4.0);
    let r = recalc_dirty(
        &mut wb,
        &keys(&[("S", "Z99"), ("T", "A2"), ("Nope", "A1")]),
        &ctx(),
    );
    assert!(r.recomputed.is_empty(), "{:?}", r.recomputed);
    assert!(r.diagnostics.is_empty());
}

#[test]
fn cross_sheet_dependents() {
    let mut wb = book(&[
        ("Data", &[("A1", "1"), ("A2", "2")]),
        (
            "My Sheet",
            &[("B1", "=SUM(Data!A1:A2)"), ("B2", "=data!A2*10")],
        ),
        ("Out", &[("C1", "='My Sheet'!B1+'my sheet'!B2")]),
    ]);
    recalc_all(&mut wb, &ctx());
    assert_eq!(value(&wb, "Out", "C1"), &CellValue::Number(23.0));
    set(&mut wb, "Data", "A2", 5.0);
    let r = recalc_dirty(&mut wb, &keys(&[("Data", "A2")]), &ctx());
    assert_eq!(
        r.recomputed,
        keys(&[("My Sheet", "B1"), ("My Sheet", "B2"), ("Out", "C1")])
    );
    assert_eq!(value(&wb, "Out", "C1"), &CellValue::Number(56.0));
}

#[test]
fn circular_reference_is_reported_with_its_path() {
    let mut wb = book(&[(
        "Sheet1",
        &[
            ("A1", "=B1"),
            ("B1", "=A1"),
            ("C1", "=A1+1"),
            ("D1", "5"),
            ("E1", "=D1*2"),
        ],
    )]);
    let r = recalc_all(&mut wb, &ctx());
    let circ: Vec<_> = r
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::CircularReference)
        .collect();
    assert_eq!(circ.len(), 1, "{:?}", r.diagnostics);
    assert!(
        circ[0]
            .message
            .contains("Sheet1!A1 -> Sheet1!B1 -> Sheet1!A1"),
        "{}",
        circ[0].message
    );
    for c in ["A1", "B1", "C1"] {
        assert_eq!(
            value(&wb, "Sheet1", c),
            &CellValue::Error(CellError::Circ),
            "{c}"
        );
    }
    assert_eq!(value(&wb, "Sheet1", "E1"), &CellValue::Number(10.0));
}

#[test]
fn cycle_made_by_an_edit_and_broken_by_another() {
    let mut wb = book(&[("S", &[("A1", "1"), ("B1", "=A1+1"), ("C1", "=B1*2")])]);
    let mut g = FormulaGraph::new(&wb);
    g.recalc_all(&mut wb, &ctx());
    // A1 becomes =C1: A1 -> C1 -> B1 -> A1.
    wb.sheet_mut("S")
        .unwrap()
        .cells
        .insert(a("A1"), Cell::formula("C1"));
    let r = g.recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == Code::CircularReference)
        .expect("a cycle diagnostic");
    assert!(
        d.message.contains("S!A1 -> S!C1 -> S!B1 -> S!A1"),
        "{}",
        d.message
    );
    for c in ["A1", "B1", "C1"] {
        assert_eq!(value(&wb, "S", c), &CellValue::Error(CellError::Circ));
    }
    // A self-reference through a range is a cycle too, and never hangs.
    wb.sheet_mut("S")
        .unwrap()
        .cells
        .insert(a("A1"), Cell::value(3.0));
    let r = g.recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    assert!(r.diagnostics.is_empty());
    assert_eq!(value(&wb, "S", "C1"), &CellValue::Number(8.0));
    wb.sheet_mut("S")
        .unwrap()
        .cells
        .insert(a("D1"), Cell::formula("SUM(A1:D1)"));
    let r = g.recalc_dirty(&mut wb, &keys(&[("S", "D1")]), &ctx());
    assert!(
        r.diagnostics[0].message.contains("S!D1 -> S!D1"),
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn missing_sheet_gives_ref_and_a_diagnostic() {
    let mut wb = book(&[("S", &[("A1", "='Gone Sheet'!A1+1"), ("A2", "=A1")])]);
    let r = recalc_all(&mut wb, &ctx());
    assert_eq!(value(&wb, "S", "A1"), &CellValue::Error(CellError::Ref));
    assert_eq!(value(&wb, "S", "A2"), &CellValue::Error(CellError::Ref));
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    let d = &r.diagnostics[0];
    assert_eq!(d.code, Code::FormulaError);
    assert!(
        d.message.contains("S!A1") && d.message.contains("'Gone Sheet'"),
        "{}",
        d.message
    );
    // Adding the sheet makes the graph rebuild and the formula work.
    wb.sheets
        .push(book(&[("Gone Sheet", &[("A1", "41")])]).sheets.remove(0));
    let mut g = FormulaGraph::new(&wb);
    g.recalc_all(&mut wb, &ctx());
    assert_eq!(value(&wb, "S", "A2"), &CellValue::Number(42.0));
}

#[test]
fn clock_comes_from_the_context() {
    let mut wb = book(&[(
        "S",
        &[("A1", "=TODAY()"), ("A2", "=A1+1"), ("A3", "=NOW()")],
    )]);
    let mut g = FormulaGraph::new(&wb);
    g.recalc_all(&mut wb, &ctx());
    assert_eq!(value(&wb, "S", "A1"), &CellValue::Number(46_027.0));
    assert_eq!(value(&wb, "S", "A3"), &CellValue::Number(46_027.375));
    let later = simdesk_formula::EvalContext {
        now: simdesk_model::SimTime::parse("2026-03-01T00:00:00Z").unwrap(),
    };
    let vol = g.volatile_cells();
    assert_eq!(vol, keys(&[("S", "A1"), ("S", "A3")]));
    let r = g.recalc_dirty(&mut wb, &vol, &later);
    assert_eq!(r.recomputed, keys(&[("S", "A1"), ("S", "A3"), ("S", "A2")]));
    assert_eq!(value(&wb, "S", "A2"), &CellValue::Number(46_083.0));
}

#[test]
fn unknown_function_is_diagnosed() {
    let mut wb = book(&[("S", &[("A1", "=FROBNICATE(1)"), ("A2", "=A1+1")])]);
    let r = recalc_all(&mut wb, &ctx());
    assert_eq!(value(&wb, "S", "A2"), &CellValue::Error(CellError::Name));
    assert_eq!(r.diagnostics.len(), 1, "{:?}", r.diagnostics);
    assert!(
        r.diagnostics[0]
            .message
            .contains("unknown function FROBNICATE"),
        "{}",
        r.diagnostics[0].message
    );
}

#[test]
fn formula_edits_are_followed_by_the_graph() {
    let mut wb = book(&[("S", &[("A1", "1"), ("A2", "2"), ("B1", "=A1")])]);
    let mut g = FormulaGraph::new(&wb);
    g.recalc_all(&mut wb, &ctx());
    wb.sheet_mut("S")
        .unwrap()
        .cells
        .insert(a("B1"), Cell::formula("A2*5"));
    let r = g.recalc_dirty(&mut wb, &keys(&[("S", "B1")]), &ctx());
    assert_eq!(r.recomputed, keys(&[("S", "B1")]));
    assert_eq!(value(&wb, "S", "B1"), &CellValue::Number(10.0));
    set(&mut wb, "S", "A1", 9.0);
    assert!(
        g.recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx())
            .recomputed
            .is_empty()
    );
    set(&mut wb, "S", "A2", 3.0);
    let r = g.recalc_dirty(&mut wb, &keys(&[("S", "A2")]), &ctx());
    assert_eq!(r.recomputed, keys(&[("S", "B1")]));
}

#[test]
fn indirect_falls_back_to_a_full_recalculation() {
    let mut wb = book(&[(
        "S",
        &[("A1", "1"), ("B1", "=INDIRECT(\"A1\")*2"), ("C1", "=7")],
    )]);
    recalc_all(&mut wb, &ctx());
    set(&mut wb, "S", "A1", 4.0);
    let r = recalc_dirty(&mut wb, &keys(&[("S", "A1")]), &ctx());
    assert_eq!(value(&wb, "S", "B1"), &CellValue::Number(8.0));
    assert!(r.recomputed.contains(&("S".to_string(), a("C1"))));
}

fn random_book(formulas: &[(u8, u8, u8)], inputs: &[f64]) -> Workbook {
    // Column A holds inputs; columns B.. hold formulas reading cells to
    // their left (no cycles) with a mix of functions that cut off.
    let mut wb = book(&[("S", &[])]);
    let s = wb.sheet_mut("S").unwrap();
    for (i, v) in inputs.iter().enumerate() {
        s.cells
            .insert(simdesk_model::CellAddr::new(i as u32, 0), Cell::value(*v));
    }
    let rows = inputs.len() as u32;
    for (n, (kind, r1, r2)) in formulas.iter().enumerate() {
        let col = 1 + n as u32 / rows;
        let row = n as u32 % rows;
        let src = |r: u8| {
            let c = u32::from(r) % col;
            simdesk_model::CellAddr::new(u32::from(r) % rows, c).to_string()
        };
        let f = match kind % 5 {
            0 => format!("{}+{}", src(*r1), src(*r2)),
            1 => format!("ROUND({},0)", src(*r1)),
            2 => format!("SUM({}:{})", src(*r1), src(*r2)),
            3 => format!("IF({}>2,{},0)", src(*r1), src(*r2)),
            _ => format!("MAX({},1)*2", src(*r1)),
        };
        s.cells
            .insert(simdesk_model::CellAddr::new(row, col), Cell::formula(&f));
    }
    wb
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the edit, an incremental recalculation leaves the workbook
    /// exactly as a full one does.
    #[test]
    fn dirty_agrees_with_full(
        formulas in prop::collection::vec((0u8..5, 0u8..40, 0u8..40), 1..40),
        inputs in prop::collection::vec(-5.0f64..5.0, 4..8),
        edit_row in 0usize..8,
        new_value in -5.0f64..5.0,
    ) {
        let mut wb = random_book(&formulas, &inputs);
        let mut g = FormulaGraph::new(&wb);
        g.recalc_all(&mut wb, &ctx());
        let row = (edit_row % inputs.len()) as u32;
        let addr = simdesk_model::CellAddr::new(row, 0);
        wb.sheet_mut("S").unwrap().cells.insert(addr, Cell::value(new_value.round() / 2.0));
        let r = g.recalc_dirty(&mut wb, &[("S".to_string(), addr)], &ctx());
        let mut full = wb.clone();
        recalc_all(&mut full, &ctx());
        prop_assert_eq!(&wb, &full);
        for c in &r.changed {
            prop_assert!(r.recomputed.contains(c));
        }
    }
}

/// Evaluations in a new thread, where nothing is remembered yet.
fn fresh_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::spawn(f).join().unwrap()
}

/// Formulas put into a model from what earlier models made of them
/// evaluate exactly as when ironcalc parses them afresh, also when the
/// sheet already shares other formulas (so the shared indexes differ).
#[test]
fn remembered_formulas_evaluate_like_fresh_ones() {
    use crate::formulas::table_workbook as table;
    // The table with formulas in front of it, some with the R1C1 form of
    // later ones, some the same text in other cells.
    fn crowded() -> Workbook {
        let mut wb = table();
        let s = &mut wb.sheets[0];
        for (i, f) in ["A1+1", "SUM(A1:A5)", "Z20", "A2+1", "B1&\"x\"", "A1+1"]
            .iter()
            .enumerate()
        {
            s.cells.insert(a(&format!("Y{}", i + 1)), Cell::formula(f));
        }
        wb
    }
    fn run(mut wb: Workbook) -> (Workbook, RecalcReport) {
        let r = recalc_all(&mut wb, &ctx());
        (wb, r)
    }
    let cold_table = fresh_thread(|| run(table()));
    let cold_crowded = fresh_thread(|| run(crowded()));
    let warm = fresh_thread(|| {
        let first = run(table());
        // Remembered now: the same workbook again, and another one.
        (first, run(table()), run(crowded()))
    });
    assert!(cold_table.0.sheets[0].cells.len() > 300);
    assert_eq!(warm.0, cold_table);
    assert_eq!(warm.1, cold_table);
    assert_eq!(warm.2, cold_crowded);
}
