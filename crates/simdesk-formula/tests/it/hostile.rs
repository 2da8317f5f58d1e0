//! Untrusted formula text: refused with an error value and a diagnostic,
//! never a panic, a stack overflow or a hang.

use proptest::prelude::*;
use simdesk_formula::{FormulaError, MAX_CHAIN, MAX_FORMULA_CHARS, recalc_all, references};
use simdesk_model::{Cell, CellError, CellValue, Code};

use crate::{a, book, ctx, value};

fn eval_one(formula: &str) -> (CellValue, Vec<simdesk_model::Diagnostic>) {
    let mut wb = book(&[("S", &[("A1", "1")])]);
    wb.sheets[0].cells.insert(a("B1"), Cell::formula(formula));
    let r = recalc_all(&mut wb, &ctx());
    (value(&wb, "S", "B1").clone(), r.diagnostics)
}

#[test]
fn hundred_thousand_parentheses() {
    let f = format!("{}1{}", "(".repeat(50_000), ")".repeat(50_000));
    let (v, d) = eval_one(&f);
    assert_eq!(v, CellValue::Error(CellError::Value));
    assert_eq!(d[0].code, Code::LimitExceeded);
    assert!(d[0].message.contains("S!B1"), "{}", d[0].message);
    let unbalanced = "(".repeat(100_000);
    assert!(matches!(
        references(&unbalanced, "S"),
        Err(FormulaError::TooLong { .. })
    ));
}

#[test]
fn nesting_over_64_levels() {
    let f = format!("{}1{}", "SUM(".repeat(65), ")".repeat(65));
    let (v, d) = eval_one(&f);
    assert_eq!(v, CellValue::Error(CellError::Value));
    assert!(
        d[0].message.contains("nests deeper than 64"),
        "{}",
        d[0].message
    );
    let ok = format!("{}1{}", "SUM(".repeat(64), ")".repeat(64));
    assert_eq!(eval_one(&ok).0, CellValue::Number(1.0));
}

#[test]
fn too_long() {
    let f = format!("1{}", "+1".repeat(MAX_FORMULA_CHARS / 2));
    let (v, d) = eval_one(&f);
    assert_eq!(v, CellValue::Error(CellError::Value));
    assert!(
        d[0].message.contains("longer than the limit of 8192"),
        "{}",
        d[0].message
    );
}

#[test]
fn long_operator_chains_do_not_overflow_the_stack() {
    for op in ["+", "&", "^", "-", "*", "="] {
        let f = format!("1{}", format!("{op}1").repeat(MAX_CHAIN * 10));
        let (v, _) = eval_one(&f);
        assert_eq!(v, CellValue::Error(CellError::Value), "{op}");
        let f = format!("{}1", "-".repeat(MAX_CHAIN * 10));
        assert_eq!(eval_one(&f).0, CellValue::Error(CellError::Value));
    }
    // Just under the limit still evaluates, in a thread with a small stack.
    let f = format!(
        "{}1{}{}",
        "SUM(".repeat(64),
        "+1".repeat(MAX_CHAIN - 64),
        ")".repeat(64)
    );
    let v = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || eval_one(&f).0)
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(v, CellValue::Number((MAX_CHAIN - 64 + 1) as f64));
}

#[test]
fn long_formula_chains_between_cells() {
    // 20,000 cells each reading the previous one: no recursion limit hit.
    let mut wb = book(&[("S", &[("A1", "1")])]);
    for r in 2..=20_000 {
        wb.sheets[0]
            .cells
            .insert(a(&format!("A{r}")), Cell::formula(&format!("A{}+1", r - 1)));
    }
    recalc_all(&mut wb, &ctx());
    assert_eq!(value(&wb, "S", "A20000"), &CellValue::Number(20_000.0));
}

#[test]
fn unknown_and_random_functions() {
    let (v, d) = eval_one("NOPE(1)+1");
    assert_eq!(v, CellValue::Error(CellError::Name));
    assert!(
        d[0].message.contains("unknown function NOPE"),
        "{}",
        d[0].message
    );
    let (v, d) = eval_one("RAND()");
    assert_eq!(v, CellValue::Error(CellError::Name));
    assert!(
        d[0].message.contains("RAND is not deterministic"),
        "{}",
        d[0].message
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Random text never panics the lexer or the evaluator.
    #[test]
    fn random_text_never_panics(s in "\\PC{0,60}") {
        let _ = references(&s, "S");
        let _ = eval_one(&s);
    }

    /// Random formula-ish text, from the characters formulas are made of.
    #[test]
    fn random_formula_soup(s in "[A-Z0-9$:!'\"(),+*/^&=<>%{};. #-]{0,80}") {
        let _ = references(&s, "S");
        let _ = eval_one(&s);
    }
}
