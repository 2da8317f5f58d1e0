//! Third-party fidelity: realistic samples written to a temporary folder
//! and checked by `tests/fidelity/check_office_b.py` with python-pptx,
//! pypdf, qpdf, Python's email package and LibreOffice. Skipped, with the
//! reason printed, when a tool is missing — unless `CI=true`, where a
//! missing tool fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::json;
use simdesk_formats::eml::{AttachmentData, export_eml_with};
use simdesk_formats::pdf::export_pdf;
use simdesk_formats::pptx::export_pptx;
use simdesk_model::{Artifact, inlines_text};

use super::samples;

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity/check_office_b.py")
}

/// Writes the samples and their expectations into `dir`.
fn write_samples(dir: &Path) {
    let o = samples::opts();
    let deck = samples::review_deck();
    let pptx = export_pptx(&Artifact::Deck(deck.clone()), &o).unwrap();
    std::fs::write(dir.join("review.pptx"), &pptx).unwrap();
    let report = export_pdf(&Artifact::Document(samples::report()), &o).unwrap();
    std::fs::write(dir.join("report.pdf"), &report).unwrap();
    std::fs::write(
        dir.join("review-deck.pdf"),
        export_pdf(&Artifact::Deck(deck.clone()), &o).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("workbook.pdf"),
        export_pdf(&Artifact::Workbook(samples::workbook()), &o).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("statement.pdf"),
        export_pdf(&Artifact::Pdf(samples::statement()), &o).unwrap(),
    )
    .unwrap();

    let mail = samples::email();
    let data = [
        AttachmentData {
            path: &mail.attachments[0],
            mime: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            bytes: &pptx,
        },
        AttachmentData {
            path: &mail.attachments[1],
            mime: "application/pdf",
            bytes: &report,
        },
    ];
    std::fs::write(
        dir.join("q4-review.eml"),
        export_eml_with(&mail, &data, &o).unwrap(),
    )
    .unwrap();
    let mut reference_only = mail.clone();
    reference_only.message_id = "q4-review-2@wealth.example".into();
    std::fs::write(
        dir.join("q4-refs.eml"),
        export_eml_with(&reference_only, &[], &o).unwrap(),
    )
    .unwrap();

    let table = |k: usize| -> Vec<Vec<String>> {
        deck.slides[k]
            .table
            .as_ref()
            .unwrap()
            .rows
            .iter()
            .map(|r| r.iter().map(|c| inlines_text(c)).collect())
            .collect()
    };
    let expectations = json!({
        "pptx": {"review.pptx": {
            "slides": 6,
            "titles": deck.slides.iter().map(|s| s.title.clone()).collect::<Vec<_>>(),
            "bullet_levels": {"2": [0, 1, 2, 0], "5": [0, 0, 0, 0], "6": [0, 1]},
            "tables": {"3": table(2), "4": table(3)},
            "notes": {"1": deck.slides[0].notes, "2": deck.slides[1].notes, "3": deck.slides[2].notes},
        }},
        "pdf": {
            "report.pdf": {"min_pages": 3, "contains": ["Quarterly report", "Performance", "Equities", "陈伟", "Ελένη", "Анна", "प्रिया", "Page 1 of"]},
            "review-deck.pdf": {"pages": 6, "contains": ["Q4 Portfolio Review", "Allocation", "团队", "Анна Иванова", "$1,234,567"]},
            "workbook.pdf": {"pages": 2, "contains": ["Summary", "782,000.00", "陈伟", "Trades", "VTI"]},
            "statement.pdf": {"pages": 2, "contains": ["Custodian statement", "陈伟", "Ελένη", "Анна", "प्रिया", "$1,241,200.00"]},
        },
        "eml": {
            "q4-review.eml": {
                "headers": {
                    "Subject": mail.subject,
                    "From": "Ελένη Παπαδοπούλου <eleni@wealth.example>",
                    "To": "陈伟 <wei.chen@client.example>",
                    "Cc": "Dana Whitfield <dana@wealth.example>",
                    "Message-ID": "<q4-review-1@wealth.example>",
                    "In-Reply-To": "<q4-request-7@client.example>",
                    "Date": "Tue, 06 Jan 2026 14:05:00 +0000",
                },
                "body_contains": ["Dear Wei,", "returned 7.3% this quarter", "Best regards,"],
                "attachments": [
                    {"filename": "q4-review.pptx", "content_type": "application/vnd.openxmlformats-officedocument.presentationml.presentation", "size": pptx.len(), "path": "/Decks/q4-review.pptx"},
                    {"filename": "q4 report.pdf", "content_type": "application/pdf", "size": report.len(), "path": "/Reports/q4 report.pdf"},
                ],
            },
            "q4-refs.eml": {
                "headers": {"Message-ID": "<q4-review-2@wealth.example>"},
                "attachments": [
                    {"filename": "q4-review.pptx", "content_type": "text/x-simdesk-ref", "path": "/Decks/q4-review.pptx"},
                    {"filename": "q4 report.pdf", "content_type": "text/x-simdesk-ref", "path": "/Reports/q4 report.pdf"},
                ],
            },
        },
    });
    std::fs::write(
        dir.join("expectations.json"),
        serde_json::to_string_pretty(&expectations).unwrap(),
    )
    .unwrap();
}

#[test]
fn third_party_readers_accept_the_samples() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("office_b_fidelity");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    write_samples(&dir);
    let out = match Command::new("python3").arg(script()).arg(&dir).output() {
        Ok(o) => o,
        Err(e) => {
            assert!(!ci, "CI=true but python3 cannot run: {e}");
            println!("SKIPPED office_b fidelity: python3 cannot run ({e})");
            return;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    println!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    if out.status.code() == Some(3) {
        assert!(!ci, "CI=true but fidelity tools are missing: {stdout}");
        println!("SKIPPED office_b fidelity: {}", stdout.trim());
        return;
    }
    assert!(
        out.status.success(),
        "fidelity checks failed (files in {}):\n{stdout}",
        dir.display()
    );
}
