//! Pdf → pdf → Pdf, rendering of documents, decks and workbooks, and
//! determinism.

use proptest::prelude::*;
use simdesk_formats::pdf::{export_pdf, import_pdf, normal_form};
use simdesk_formats::{ExportOptions, Limits};
use simdesk_model::*;

use super::samples;

fn import(bytes: &[u8]) -> Pdf {
    match import_pdf(bytes, &Limits::default()).unwrap() {
        Artifact::Pdf(p) => p,
        other => panic!("not a pdf: {other:?}"),
    }
}

/// All text lopdf's own extractor finds, page by page.
fn lopdf_text(bytes: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    doc.extract_text(&pages).unwrap()
}

#[test]
fn statement_round_trips_with_non_latin_text() {
    let p = samples::statement();
    let bytes = export_pdf(&Artifact::Pdf(p.clone()), &samples::opts()).unwrap();
    assert_eq!(import(&bytes), normal_form(&p));
    let text = lopdf_text(&bytes);
    for s in ["陈伟", "Ελένη", "Анна", "प्रिया", "فاطمة", "$1,241,200.00"]
    {
        assert!(text.contains(s), "{s} missing from {text}");
    }
}

#[test]
fn report_renders_headings_tables_and_page_numbers() {
    let d = samples::report();
    let bytes = export_pdf(&Artifact::Document(d), &samples::opts()).unwrap();
    let back = import(&bytes);
    assert!(back.pages.len() >= 3, "{} pages", back.pages.len());
    assert!(back.pages[0].text.contains("Quarterly report"));
    assert!(
        back.pages[0].text.contains("Asset Weight Return"),
        "{}",
        back.pages[0].text
    );
    assert!(
        back.pages[0]
            .text
            .contains("The portfolio returned 7.3% against")
    );
    assert!(
        back.pages[1].text.starts_with("Contacts"),
        "page break: {}",
        back.pages[1].text
    );
    assert!(back.pages[1].text.contains("陈伟 (Wei Chen)"));
    // Page numbers and the running header are drawn (lopdf's extractor
    // sees them) but marked as page furniture, which this crate's reader
    // leaves out of the text.
    let n = back.pages.len();
    let drawn = lopdf_text(&bytes);
    assert!(drawn.contains(&format!("Page {n} of {n}")), "{drawn}");
    assert!(
        drawn.matches("Q4 report — Chen").count() >= n - 1,
        "{drawn}"
    );
    assert!(
        !back.pages[n - 1].text.contains("Page "),
        "{}",
        back.pages[n - 1].text
    );
    assert_eq!(back.title.as_deref(), Some("Q4 report — Chen"));
}

/// A Pdf artifact's title and headings, read from its text, are drawn
/// larger and bold; its pages are numbered and carry the title as a
/// running header from the second on, without changing the text a
/// reader gets back.
#[test]
fn pdf_artifacts_get_a_heading_hierarchy_and_page_furniture() {
    let p = Pdf {
        title: Some("Engagement letter".into()),
        pages: vec![
            PdfPage {
                text: "Engagement letter\n\nScope of work\n\nWe will review the filings.\nDear Ms. Levi,"
                    .into(),
            },
            PdfPage {
                text: "Fees\n\nOur rates are as follows.".into(),
            },
        ],
    };
    let bytes = export_pdf(&Artifact::Pdf(p.clone()), &samples::opts()).unwrap();
    assert_eq!(import(&bytes), normal_form(&p));
    let doc = lopdf::Document::load_mem(&bytes).unwrap();
    let pages: Vec<_> = doc.get_pages().values().copied().collect();
    let first = String::from_utf8_lossy(&doc.get_page_content(pages[0])).into_owned();
    // Title at 16 pt, heading at 12.5 pt, both stroked bold; body at 10 pt.
    assert!(first.contains("2 Tr 0.56 w\n/F0 16 Tf"), "{first}");
    assert!(first.contains("2 Tr 0.44 w\n/F0 12.5 Tf"), "{first}");
    assert!(first.contains("/F0 10 Tf"), "{first}");
    assert!(
        first.contains("/Artifact << /Type /Pagination >> BDC"),
        "{first}"
    );
    let drawn = lopdf_text(&bytes);
    assert!(
        drawn.contains("Page 1 of 2") && drawn.contains("Page 2 of 2"),
        "{drawn}"
    );
    assert_eq!(drawn.matches("Engagement letter").count(), 2, "{drawn}");
}

#[test]
fn deck_is_one_page_per_slide() {
    let deck = samples::review_deck();
    let bytes = export_pdf(&Artifact::Deck(deck.clone()), &samples::opts()).unwrap();
    let back = import(&bytes);
    assert_eq!(back.pages.len(), deck.slides.len());
    assert!(
        back.pages[2].text.contains("Equities 60% 63%"),
        "{}",
        back.pages[2].text
    );
    assert!(back.pages[4].text.contains("Анна Иванова"));
}

#[test]
fn workbook_sheets_are_grids() {
    let bytes = export_pdf(&Artifact::Workbook(samples::workbook()), &samples::opts()).unwrap();
    let back = import(&bytes);
    assert_eq!(back.pages.len(), 2);
    assert!(
        back.pages[0].text.contains("2 Equities 782,000.00"),
        "{}",
        back.pages[0].text
    );
    assert!(back.pages[0].text.contains("陈伟"));
    assert!(back.pages[1].text.starts_with("Trades"));
}

#[test]
fn two_exports_in_one_process_are_byte_identical() {
    let o = samples::opts();
    for a in [
        Artifact::Document(samples::report()),
        Artifact::Deck(samples::review_deck()),
        Artifact::Pdf(samples::statement()),
    ] {
        let x = export_pdf(&a, &o).unwrap();
        let y = export_pdf(&a, &o).unwrap();
        assert_eq!(x, y, "{:?}", a.kind());
        let s = String::from_utf8_lossy(&x);
        assert!(s.contains("D:20260105093000"), "creation date from options");
        assert!(
            s.contains("D:20260105103000"),
            "modification date from options"
        );
    }
    let other = ExportOptions {
        ident: "other".into(),
        ..o.clone()
    };
    assert_ne!(
        export_pdf(&Artifact::Pdf(samples::statement()), &o).unwrap(),
        export_pdf(&Artifact::Pdf(samples::statement()), &other).unwrap()
    );
}

#[test]
fn long_lines_wrap_and_still_read_back_whole() {
    let long = "word ".repeat(120) + &"长".repeat(150);
    let p = Pdf {
        title: None,
        pages: vec![PdfPage {
            text: format!("{long}\nshort"),
        }],
    };
    let bytes = export_pdf(&Artifact::Pdf(p.clone()), &ExportOptions::default()).unwrap();
    assert_eq!(import(&bytes), normal_form(&p));
}

#[test]
fn a_pdf_without_pages_gets_one_empty_page() {
    let p = Pdf::default();
    let bytes = export_pdf(&Artifact::Pdf(p.clone()), &ExportOptions::default()).unwrap();
    assert_eq!(import(&bytes), normal_form(&p));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn any_pdf_page_texts_round_trip(pages in proptest::collection::vec("[a-zA-Z0-9 ,.()\\-é陈伟Ωλжд\u{0928}\u{0627}\n\t\u{1F600}]{0,200}", 0..4)) {
        let p = Pdf { title: None, pages: pages.into_iter().map(|text| PdfPage { text }).collect() };
        let bytes = export_pdf(&Artifact::Pdf(p.clone()), &ExportOptions::default()).unwrap();
        prop_assert_eq!(import(&bytes).pages, normal_form(&p).pages);
    }
}
