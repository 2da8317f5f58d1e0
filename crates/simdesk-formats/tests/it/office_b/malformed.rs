//! Hostile input: every case is a typed error, quickly, never a panic.

use std::io::Write as _;
use std::time::Duration;

use proptest::prelude::*;
use simdesk_formats::{FormatError, Limits, eml, pdf, pptx};
use simdesk_model::Artifact;

use super::samples;

type Importer = fn(&[u8], &Limits) -> Result<Artifact, FormatError>;

const IMPORTERS: [(&str, Importer); 3] = [
    ("pptx", pptx::import_pptx),
    ("pdf", pdf::import_pdf),
    ("eml", eml::import_eml),
];

/// Runs an import on another thread and fails if it takes over 5 seconds
/// or panics; returns its result.
fn bounded(f: Importer, bytes: Vec<u8>, limits: Limits) -> Result<Artifact, FormatError> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f(&bytes, &limits));
    });
    rx.recv_timeout(Duration::from_secs(5))
        .expect("import panicked or took over 5 s")
}

fn check_err(name: &str, f: Importer, bytes: Vec<u8>, limits: Limits) -> FormatError {
    match bounded(f, bytes, limits) {
        Ok(a) => panic!("{name}: hostile input accepted as {:?}", a.kind()),
        Err(e) => {
            let first = match &e {
                FormatError::Malformed { reason, .. } => reason.chars().next(),
                FormatError::Limit { limit, .. } => limit.chars().next(),
                _ => None,
            };
            assert!(
                !first.is_some_and(char::is_uppercase),
                "{name}: message starts lowercase: {e}"
            );
            e
        }
    }
}

fn good_files() -> Vec<Vec<u8>> {
    let o = samples::opts();
    vec![
        pptx::export_pptx(&Artifact::Deck(samples::review_deck()), &o).unwrap(),
        pdf::export_pdf(&Artifact::Pdf(samples::statement()), &o).unwrap(),
        eml::export_eml(&Artifact::Email(samples::email()), &o).unwrap(),
    ]
}

#[test]
fn empty_files() {
    for (name, f) in IMPORTERS {
        let e = check_err(name, f, Vec::new(), Limits::default());
        assert!(matches!(e, FormatError::Malformed { .. }), "{name}: {e}");
    }
}

#[test]
fn truncated_files() {
    for ((name, f), good) in IMPORTERS.into_iter().zip(good_files()) {
        // eml has no end marker: a cut message is still a message. Cut it
        // inside the header block instead, leaving no From.
        let cut = if name == "eml" {
            b"Subject: hi\r\nTo: a@b.example\r\n".to_vec()
        } else {
            good[..good.len() / 2].to_vec()
        };
        check_err(name, f, cut, Limits::default());
        if name != "eml" {
            check_err(
                name,
                f,
                good[..20.min(good.len())].to_vec(),
                Limits::default(),
            );
        }
    }
}

#[test]
fn invalid_utf8() {
    // pptx: a slide part that is not UTF-8.
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opt = zip::write::SimpleFileOptions::default();
    for (name, body) in [
        ("_rels/.rels", &b"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"ppt/presentation.xml\"/></Relationships>"[..]),
        ("ppt/presentation.xml", &b"<p:presentation xmlns:p=\"p\">\xff\xfe</p:presentation>"[..]),
    ] {
        zip.start_file(name, opt).unwrap();
        zip.write_all(body).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    check_err("pptx", pptx::import_pptx, bytes, Limits::default());
    check_err(
        "pdf",
        pdf::import_pdf,
        b"%PDF-1.4\n\xff\xfe\xfd garbage \xc3\x28".to_vec(),
        Limits::default(),
    );
    check_err(
        "eml",
        eml::import_eml,
        b"\xff\xfe\xfd: \xc3\x28\r\n\r\nbody".to_vec(),
        Limits::default(),
    );
}

#[test]
fn deeply_nested_slide_xml() {
    let good =
        pptx::export_pptx(&Artifact::Deck(samples::review_deck()), &samples::opts()).unwrap();
    let limits = Limits {
        max_xml_depth: 8,
        ..Limits::default()
    };
    let e = check_err("pptx", pptx::import_pptx, good, limits);
    assert!(
        matches!(
            e,
            FormatError::Limit {
                limit: "xml depth",
                ..
            }
        ),
        "{e}"
    );
}

/// A PDF whose cross-reference section names itself as its previous one.
fn xref_loop_pdf() -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for obj in [
        "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n",
        "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n",
        "3 0 obj\n<< /Type /Page /Parent 2 0 R /Kids [2 0 R] /MediaBox [0 0 10 10] >>\nendobj\n",
    ] {
        offsets.push(out.len());
        out.extend_from_slice(obj.as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(b"xref\n0 4\n0000000000 65535 f \n");
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size 4 /Root 1 0 R /Prev {xref} >>\nstartxref\n{xref}\n%%EOF\n")
            .as_bytes(),
    );
    out
}

#[test]
fn pdf_with_an_xref_loop() {
    let r = bounded(pdf::import_pdf, xref_loop_pdf(), Limits::default());
    match r {
        Err(FormatError::Malformed { reason, .. }) => {
            assert!(reason.contains("cross-reference chain loops"), "{reason}")
        }
        other => panic!("expected a typed error, got {other:?}"),
    }
}

/// A PDF whose one page's content stream inflates to 4 MiB of spaces.
fn bomb_pdf() -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut content = Stream::new(dictionary! {}, vec![b' '; 4 << 20]);
    content.compress().unwrap();
    let content_id = doc.add_object(content);
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "Contents" => content_id,
        "MediaBox" => vec![0.into(), 0.into(), 10.into(), 10.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

#[test]
fn pdf_stream_inflating_beyond_the_limit() {
    let bytes = bomb_pdf();
    assert!(bytes.len() < 64 << 10, "the bomb is small: {}", bytes.len());
    let limits = Limits {
        max_pdf_decompressed: 1 << 20,
        ..Limits::default()
    };
    let e = check_err("pdf", pdf::import_pdf, bytes.clone(), limits);
    assert!(
        matches!(
            e,
            FormatError::Limit {
                limit: "pdf decompressed bytes",
                ..
            }
        ),
        "{e}"
    );
    // Under a larger limit the same file reads.
    assert!(pdf::import_pdf(&bytes, &Limits::default()).is_ok());
}

#[test]
fn too_many_pages_and_slides() {
    let limits = Limits {
        max_items: 2,
        ..Limits::default()
    };
    let deck =
        pptx::export_pptx(&Artifact::Deck(samples::review_deck()), &samples::opts()).unwrap();
    let e = check_err("pptx", pptx::import_pptx, deck, limits.clone());
    assert!(matches!(e, FormatError::Limit { .. }), "{e}");
    let doc = pdf::export_pdf(&Artifact::Document(samples::report()), &samples::opts()).unwrap();
    let e = check_err("pdf", pdf::import_pdf, doc, limits);
    assert!(
        matches!(e, FormatError::Limit { limit: "pages", .. }),
        "{e}"
    );
}

#[test]
fn oversized_input() {
    let limits = Limits {
        max_input_bytes: 100,
        ..Limits::default()
    };
    for ((name, f), good) in IMPORTERS.into_iter().zip(good_files()) {
        let e = check_err(name, f, good, limits.clone());
        assert!(
            matches!(
                e,
                FormatError::Limit {
                    limit: "input bytes",
                    ..
                }
            ),
            "{name}: {e}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048), which in 0usize..3) {
        let (name, f) = IMPORTERS[which];
        // eml accepts anything shaped like a header; the rest must refuse.
        let r = bounded(f, bytes, Limits::default());
        if name != "eml" {
            prop_assert!(r.is_err());
        }
    }

    #[test]
    fn damaged_files_never_panic(cut in 0.0f64..1.0, flip in 0usize..4096, which in 0usize..3) {
        let good = good_files().swap_remove(which);
        let mut bytes = good[..(good.len() as f64 * cut) as usize].to_vec();
        if !bytes.is_empty() {
            let i = flip % bytes.len();
            bytes[i] ^= 0x5a;
        }
        let _ = bounded(IMPORTERS[which].1, bytes, Limits::default());
    }
}
