//! Third-party fidelity: realistic exports checked by openpyxl,
//! python-docx and LibreOffice through `tests/fidelity/check_office_a.py`.
//!
//! Skips (and says why) when Python, its modules or `soffice` are missing,
//! except when `CI=true`, where a missing tool fails the test. Install them
//! with `scripts/install-fidelity-deps.sh`.

use std::path::PathBuf;
use std::process::Command;

use serde_json::json;
use simdesk_formats::{Format, export};
use simdesk_model::{Artifact, CellValue};

use super::samples;

#[test]
fn office_a_files_open_in_real_tools() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let dir =
        std::env::temp_dir().join(format!("simdesk-office-a-fidelity-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let opts = samples::options();

    let book = samples::portfolio();
    std::fs::write(
        dir.join("portfolio.xlsx"),
        export(&Artifact::Workbook(book.clone()), Format::Xlsx, &opts).unwrap(),
    )
    .unwrap();
    let mut formulas = Vec::new();
    for s in &book.sheets {
        for (addr, c) in &s.cells {
            if let Some(f) = &c.formula {
                let value = match &c.value {
                    CellValue::Number(n) | CellValue::Date(n) => json!(n),
                    CellValue::Bool(b) => json!(b),
                    CellValue::Text(t) => json!(t),
                    v => json!(v.to_plain()),
                };
                formulas.push(json!({"sheet": s.name, "cell": addr.to_string(), "formula": f, "value": value}));
            }
        }
    }
    let doc = samples::report();
    std::fs::write(
        dir.join("report.docx"),
        export(&Artifact::Document(doc), Format::Docx, &opts).unwrap(),
    )
    .unwrap();
    let expectations = json!({
        "portfolio.xlsx": {
            "sheets": ["Holdings", "Summary"],
            "formulas": formulas,
            "number_formats": [
                {"sheet": "Holdings", "cell": "E2", "format": "0.0%"},
                {"sheet": "Holdings", "cell": "C2", "format": "$#,##0.00"},
                {"sheet": "Holdings", "cell": "F2", "format": "yyyy-mm-dd"},
            ],
            "dates": [
                {"sheet": "Holdings", "cell": "F2", "date": "2026-01-05"},
                {"sheet": "Summary", "cell": "B4", "date": "2026-02-01"},
            ],
            "frozen": ["Holdings"],
        },
        "report.docx": {
            "title": "Q4 review — Chen household",
            "author": "Dana Whitfield",
            "headings": [
                {"text": "Quarterly review", "style": "Heading 1"},
                {"text": "Actions", "style": "Heading 2"},
                {"text": "Holdings", "style": "Heading 3"},
                {"text": "Appendix", "style": "Heading 1"},
            ],
            "normal": [
                "Portfolio value stands at $70,634, up 3.1% on the quarter. Figures are unaudited.",
                "多言語テキスト: Grüße, привет, مرحبا.",
            ],
            "list_items": ["Rebalance bonds", "Sell 40 BND", "Client prefers email", "Cc spouse"],
            "tables": [{"rows": 3, "header": ["Ticker", "Value", "Weight"]}],
            "contains": ["$70,634"],
        },
    });
    std::fs::write(
        dir.join("expectations.json"),
        serde_json::to_string_pretty(&expectations).unwrap(),
    )
    .unwrap();

    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/check_office_a.py");
    let out = match Command::new("python3").arg(&script).arg(&dir).output() {
        Ok(o) => o,
        Err(e) => {
            assert!(!ci, "CI=true but python3 cannot run: {e}");
            println!(
                "skipping fidelity check: python3 not found ({e}); run scripts/install-fidelity-deps.sh"
            );
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {
            println!("{stdout}");
            let _ = std::fs::remove_dir_all(&dir);
        }
        Some(2) if !ci => println!(
            "skipping fidelity check: {}; run scripts/install-fidelity-deps.sh",
            stderr.trim()
        ),
        _ => panic!(
            "fidelity check failed (files kept in {}):\n{stdout}\n{stderr}",
            dir.display()
        ),
    }
}
