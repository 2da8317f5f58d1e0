//! The hostile-file set of issue 17 (files that lost data silently or
//! stalled the readers), written at test time by
//! `tests/hostile/make_issue17.py` with openpyxl; each test is named after
//! what went wrong.
//!
//! Skips (and says why) when Python or its modules are missing, except
//! when `CI=true`, where that fails the test.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use simdesk_formats::{Feature, FormatError, Limits, import_auto, unmodelled};
use simdesk_model::{Artifact, CellValue};

/// The folder holding the set, made once per test binary; `None` (after
/// saying why) when the tools are missing outside CI.
pub fn hostile_set() -> Option<&'static Path> {
    static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("simdesk-issue17-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/make_issue17.py");
        let out = Command::new("python3").arg(&script).arg(&dir).output();
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        match out {
            Ok(o) if o.status.success() => Some(dir),
            Ok(o) => {
                let why = String::from_utf8_lossy(&o.stderr).into_owned();
                assert!(
                    !ci && o.status.code() == Some(3),
                    "make_issue17.py failed: {why}"
                );
                eprintln!("skipped: {why}");
                None
            }
            Err(e) => {
                assert!(!ci, "python3: {e}");
                eprintln!("skipped: python3: {e}");
                None
            }
        }
    })
    .as_deref()
}

fn read(name: &str) -> Option<Vec<u8>> {
    Some(std::fs::read(hostile_set()?.join(name)).expect("made by the script"))
}

/// comment03.xlsx, issue_174.xlsx, pivots.xlsx: the xlsx reader refused
/// them, the pptx reader read them as empty decks, export wrote pptx
/// bytes under the .xlsx name.
#[test]
fn refused_xlsx_never_becomes_an_empty_deck() {
    let Some(bytes) = read("refused_dimension.xlsx") else {
        return;
    };
    let r = import_auto("xlsx", &bytes, &Limits::default());
    let Err(FormatError::Limit { limit, context, .. }) = &r else {
        panic!("expected the xlsx reader's refusal, got {r:?}")
    };
    assert_eq!(*limit, "sheet cells (declared dimension)");
    assert_eq!(context, "xl/worksheets/sheet1.xml");
    // Under a docx or pptx name the same bytes are refused by that reader.
    assert!(import_auto("pptx", &bytes, &Limits::default()).is_err());
    assert!(import_auto("docx", &bytes, &Limits::default()).is_err());
}

/// A 101 KB workbook with 20,000 `<sheet>` entries pointing at one part
/// took 76 s and 1 GB: each name scanned the part again.
#[test]
fn twenty_thousand_sheets_on_one_part_are_refused_at_once() {
    let Some(bytes) = read("duplicate_targets.xlsx") else {
        return;
    };
    let r = import_auto("xlsx", &bytes, &Limits::default());
    let Err(FormatError::Malformed { reason, .. }) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(
        reason,
        "xl/workbook.xml: sheets \"S0\" and \"S1\" both point at xl/worksheets/sheet1.xml"
    );
}

/// Charts, images, hyperlinks, tables, defined names, comments,
/// conditional formats, merged cells, validation, autofilters and
/// protection vanished without a word: they are counted.
#[test]
fn what_the_model_drops_is_counted() {
    let Some(bytes) = read("features.xlsx") else {
        return;
    };
    let u = unmodelled("xlsx", &bytes, &Limits::default()).unwrap();
    let counts: Vec<(Feature, u64)> = u.iter().collect();
    assert_eq!(
        counts,
        [
            (Feature::Charts, 2),
            (Feature::Images, 1),
            (Feature::Hyperlinks, 2),
            (Feature::Tables, 1),
            (Feature::DefinedNames, 2),
            (Feature::Comments, 2),
            (Feature::ConditionalFormats, 1),
            (Feature::MergedCells, 1),
            (Feature::DataValidations, 1),
            (Feature::AutoFilters, 1),
            (Feature::Protection, 1),
        ]
    );
    assert_eq!(
        u.to_string(),
        "2 charts, 1 image, 2 hyperlinks, 1 table, 2 defined names, 2 comments, \
         1 conditional format, 1 merged range, 1 data validation, 1 autofilter, 1 protection"
    );
    // The workbook itself still reads.
    let (a, _) = import_auto("xlsx", &bytes, &Limits::default()).unwrap();
    assert!(matches!(a, Artifact::Workbook(_)));

    let plain = read("plain.xlsx").unwrap();
    assert!(
        unmodelled("xlsx", &plain, &Limits::default())
            .unwrap()
            .is_empty()
    );
}

/// The .xlsm lost its macros on export without a word.
#[test]
fn xlsm_macros_are_counted() {
    let Some(bytes) = read("macros.xlsm") else {
        return;
    };
    let u = unmodelled("xlsm", &bytes, &Limits::default()).unwrap();
    assert_eq!(u.count(Feature::Vba), 1, "{u}");
    let (a, _) = import_auto("xlsm", &bytes, &Limits::default()).unwrap();
    let Artifact::Workbook(book) = a else {
        panic!("{a:?}")
    };
    assert_eq!(
        book.sheets[0].cells[&"A1".parse().unwrap()].value,
        CellValue::Text("a".into())
    );
}

/// `TEXT(2.5,"0")` was cached in the written file as the number 2 (and 3
/// once rounded right): a formula's text result is written as text.
#[test]
fn text_of_a_half_was_cached_as_a_number() {
    use simdesk_formats::{ExportOptions, Format, export, import};
    use simdesk_model::{Cell, Sheet, Workbook};
    let mut s = Sheet::new("S");
    for (at, f, v) in [
        ("A1", "TEXT(2.5,\"0\")", "3"),
        ("A2", "TEXT(1234.5,\"$#,##0\")", "$1,235"),
        ("A3", "IF(TRUE,\"TRUE\")", "TRUE"),
        ("A4", "\"#N/A\"", "#N/A"),
    ] {
        let mut c = Cell::formula(f);
        c.value = CellValue::Text(v.into());
        s.cells.insert(at.parse().unwrap(), c);
    }
    let book = Artifact::Workbook(Workbook { sheets: vec![s] });
    let opts = ExportOptions::default();
    let bytes = export(&book, Format::Xlsx, &opts).unwrap();
    assert_eq!(
        bytes,
        export(&book, Format::Xlsx, &opts).unwrap(),
        "deterministic"
    );
    let back = import(&bytes, Format::Xlsx, &Limits::default()).unwrap();
    assert_eq!(back, book);
    // The file openpyxl wrote with Excel's cached values reads as text too.
    let Some(file) = read("rounding.xlsx") else {
        return;
    };
    let Artifact::Workbook(w) = import(&file, Format::Xlsx, &Limits::default()).unwrap() else {
        panic!()
    };
    let v = |a: &str| w.sheets[0].cells[&a.parse().unwrap()].value.clone();
    assert_eq!(v("A1"), CellValue::Text("$1,235".into()));
    assert_eq!(v("A2"), CellValue::Text("3".into()));
}
