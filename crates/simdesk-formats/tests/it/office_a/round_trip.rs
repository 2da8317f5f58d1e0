//! export → import gives the same artifact, up to the documented
//! exceptions (see the `xlsx` and `docx` module docs), normalised here and
//! nowhere else.

use proptest::prelude::*;
use simdesk_formats::{ExportOptions, Format, Limits, export, import, xlsx::DEFAULT_DATE_FORMAT};
use simdesk_model::{
    Artifact, Block, Cell, CellAddr, CellError, CellValue, Document, Field, Inline, ListItem, Ref,
    Sheet, Table, Text, TextFormat, Workbook,
};

use super::samples;

/// The workbook an xlsx round trip is expected to give back.
fn normal_workbook(mut w: Workbook) -> Workbook {
    for s in &mut w.sheets {
        s.col_widths.clear();
        s.cells.retain(|_, c| {
            !(c.value.is_empty() && c.formula.is_none() && c.format.is_none() && !c.bold)
        });
        for c in s.cells.values_mut() {
            c.link = None;
            if let CellValue::Error(CellError::Circ) = c.value {
                c.value = CellValue::Error(CellError::Ref);
            }
            if c.formula.is_some() && matches!(&c.value, CellValue::Empty)
                || c.value == CellValue::Text(String::new())
            {
                c.value = CellValue::Number(0.0);
            }
            if matches!(c.value, CellValue::Date(_)) && c.format.is_none() {
                c.format = Some(DEFAULT_DATE_FORMAT.to_owned());
            }
        }
    }
    w
}

/// The document a docx round trip is expected to give back.
fn normal_document(mut d: Document) -> Document {
    let plain = |i: &mut Inline| {
        if let Inline::Field(f) = i {
            *i = Inline::text(&f.display);
        }
    };
    for b in &mut d.blocks {
        match b {
            Block::Paragraph { inlines } => inlines.iter_mut().for_each(plain),
            Block::List { items, .. } => items
                .iter_mut()
                .flat_map(|i| &mut i.inlines)
                .for_each(plain),
            Block::Table(t) => t.rows.iter_mut().flatten().flatten().for_each(plain),
            Block::Heading { level, .. } => *level = (*level).clamp(1, 3),
            Block::PageBreak => {}
        }
    }
    d
}

fn round_trip(a: &Artifact, format: Format) -> Artifact {
    let bytes = export(a, format, &ExportOptions::default()).unwrap();
    import(&bytes, format, &Limits::default()).unwrap()
}

#[test]
fn portfolio_workbook_round_trips() {
    let w = samples::portfolio();
    let back = round_trip(&Artifact::Workbook(w.clone()), Format::Xlsx);
    assert_eq!(back, Artifact::Workbook(normal_workbook(w)));
}

#[test]
fn report_document_round_trips() {
    let d = samples::report();
    let back = round_trip(&Artifact::Document(d.clone()), Format::Docx);
    assert_eq!(back, Artifact::Document(normal_document(d)));
}

#[test]
fn exports_are_byte_identical() {
    let opts = samples::options();
    let w = Artifact::Workbook(samples::portfolio());
    let d = Artifact::Document(samples::report());
    for (a, f) in [
        (&w, Format::Xlsx),
        (&d, Format::Docx),
        (&d, Format::Markdown),
    ] {
        let one = export(a, f, &opts).unwrap();
        let two = export(a, f, &opts).unwrap();
        assert!(one == two, "{f:?}: two exports differ");
    }
    // And the options reach the bytes: another creation time, other bytes.
    let mut later = opts.clone();
    later.created = later.created.plus_secs(86_400);
    later.modified = later.modified.plus_secs(86_400);
    assert_ne!(
        export(&w, Format::Xlsx, &opts).unwrap(),
        export(&w, Format::Xlsx, &later).unwrap()
    );
    assert_ne!(
        export(&d, Format::Docx, &opts).unwrap(),
        export(&d, Format::Docx, &later).unwrap()
    );
}

#[test]
fn zip_entries_are_not_dated_now() {
    let opts = samples::options();
    for (a, f) in [
        (Artifact::Workbook(samples::portfolio()), Format::Xlsx),
        (Artifact::Document(samples::report()), Format::Docx),
    ] {
        let bytes = export(&a, f, &opts).unwrap();
        let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        for i in 0..z.len() {
            let e = z.by_index(i).unwrap();
            let t = e.last_modified().unwrap();
            // xlsx: rust_xlsxwriter's fixed 1980-01-01; docx: options.modified.
            let ok = (t.year(), t.month(), t.day()) == (1980, 1, 1)
                || (t.year(), t.month(), t.day()) == (2026, 1, 5);
            assert!(ok, "{f:?} {:?}: dated {t:?}", e.name());
        }
    }
}

#[test]
fn csv_guards_formulas_and_quotes() {
    let mut s = Sheet::new("Data");
    let put = |s: &mut Sheet, a: &str, c: Cell| s.cells.insert(a.parse().unwrap(), c);
    put(&mut s, "A1", Cell::value("=HYPERLINK(\"x\")"));
    put(&mut s, "B1", Cell::value("a,b"));
    put(&mut s, "C1", Cell::value(-5.0));
    put(&mut s, "A2", Cell::value("@SUM"));
    put(&mut s, "B2", Cell::value(0.25).with_format("0%"));
    put(
        &mut s,
        "C2",
        Cell {
            value: CellValue::Date(46_027.0),
            ..Cell::default()
        },
    );
    let bytes = export(
        &Artifact::Workbook(Workbook { sheets: vec![s] }),
        Format::Csv,
        &ExportOptions::default(),
    )
    .unwrap();
    assert_eq!(
        String::from_utf8(bytes).unwrap(),
        "\"'=HYPERLINK(\"\"x\"\")\",\"a,b\",-5\r\n'@SUM,0.25,2026-01-05\r\n"
    );
    let two = Workbook {
        sheets: vec![Sheet::new("A"), Sheet::new("B")],
    };
    assert!(
        export(
            &Artifact::Workbook(two),
            Format::Csv,
            &ExportOptions::default()
        )
        .is_err()
    );
    let t = Artifact::Text(Text {
        format: TextFormat::Csv,
        content: "=1,2\n".into(),
    });
    assert_eq!(
        export(&t, Format::Csv, &ExportOptions::default()).unwrap(),
        b"=1,2\n"
    );
}

#[test]
fn markdown_of_the_report() {
    let md = String::from_utf8(
        export(
            &Artifact::Document(samples::report()),
            Format::Markdown,
            &ExportOptions::default(),
        )
        .unwrap(),
    )
    .unwrap();
    for needle in [
        "# Quarterly review",
        "Portfolio value stands at $70,634, **up 3.1%** on the quarter. *Figures are unaudited.*",
        "1. Rebalance bonds\n   1. Sell 40 BND\n2. Review beneficiaries",
        "- Client prefers email\n  - Cc spouse",
        "| Ticker | Value | Weight |\n| --- | --- | --- |\n| VTI | $33,774 | 47.8% |",
        "\n---\n",
    ] {
        assert!(md.contains(needle), "missing {needle:?} in\n{md}");
    }
}

// ---------------------------------------------------------------- proptest

fn text_strategy() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.:;()éüß中文€-]{1,16}"
}

/// Text a formula may cache: starts with a letter, so it cannot read as a
/// number, a boolean or an error code.
fn formula_text() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z ]{0,10}".prop_filter("not a boolean", |s| {
        !s.eq_ignore_ascii_case("true") && !s.eq_ignore_ascii_case("false")
    })
}

fn error_strategy() -> impl Strategy<Value = CellError> {
    prop_oneof![
        Just(CellError::Div0),
        Just(CellError::Ref),
        Just(CellError::Name),
        Just(CellError::Value),
        Just(CellError::Na),
        Just(CellError::Num),
        Just(CellError::Null),
        Just(CellError::Circ),
    ]
}

fn number_format() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("0.00".to_owned())),
        Just(Some("#,##0".to_owned())),
        Just(Some("0.0%".to_owned())),
        Just(Some("$#,##0.00".to_owned()))
    ]
}

fn date_format() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("yyyy-mm-dd".to_owned())),
        Just(Some("d mmm yyyy".to_owned()))
    ]
}

fn cell_strategy() -> impl Strategy<Value = Cell> {
    let number =
        (-1e12f64..1e12, number_format(), any::<bool>()).prop_map(|(n, format, bold)| Cell {
            value: CellValue::Number(n),
            format,
            bold,
            ..Cell::default()
        });
    let date = (
        (1u32..2_958_465),
        prop_oneof![Just(0.0), Just(0.5), Just(0.25)],
        date_format(),
    )
        .prop_map(|(d, frac, format)| Cell {
            value: CellValue::Date(f64::from(d) + frac),
            format,
            ..Cell::default()
        });
    let text = (text_strategy(), any::<bool>()).prop_map(|(t, bold)| Cell {
        value: CellValue::Text(t),
        bold,
        ..Cell::default()
    });
    let boolean = any::<bool>().prop_map(Cell::value);
    let error = error_strategy().prop_map(|e| Cell::value(CellValue::Error(e)));
    let formula_value = prop_oneof![
        (-1e9f64..1e9).prop_map(CellValue::Number),
        any::<bool>().prop_map(CellValue::Bool),
        formula_text().prop_map(CellValue::Text),
        // Text that reads as another type stays text (TEXT(2.5,"0") is "3").
        "-?[0-9]{1,4}(\\.[0-9]{1,2})?|TRUE|FALSE|#N/A|#DIV/0!".prop_map(CellValue::Text),
        error_strategy().prop_map(CellValue::Error),
        Just(CellValue::Empty),
    ];
    let formula = (
        prop_oneof![
            Just("SUM(A1:B2)"),
            Just("A1*2"),
            Just("IF(A1>0,\"yes\",\"no\")"),
            Just("Other!B3+1")
        ],
        formula_value,
        number_format(),
    )
        .prop_map(|(f, value, format)| Cell {
            value,
            formula: Some(f.to_owned()),
            format,
            ..Cell::default()
        });
    let blank = (number_format(), any::<bool>()).prop_map(|(format, bold)| Cell {
        format,
        bold,
        ..Cell::default()
    });
    prop_oneof![4 => number, 2 => date, 4 => text, 1 => boolean, 1 => error, 3 => formula, 1 => blank]
}

fn sheet_strategy(name: String) -> impl Strategy<Value = Sheet> {
    (
        prop::collection::btree_map(
            (0u32..40, 0u32..12).prop_map(|(r, c)| CellAddr::new(r, c)),
            cell_strategy(),
            0..30,
        ),
        any::<bool>(),
    )
        .prop_map(move |(cells, freeze_header)| Sheet {
            name: name.clone(),
            cells,
            freeze_header,
            ..Sheet::default()
        })
}

fn workbook_strategy() -> impl Strategy<Value = Workbook> {
    (1usize..4).prop_flat_map(|n| {
        let names = ["Summary", "Data 2026", "Other", "Übersicht"];
        names[..n]
            .iter()
            .map(|s| sheet_strategy((*s).to_owned()))
            .collect::<Vec<_>>()
            .prop_map(|sheets| Workbook { sheets })
    })
}

fn run_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.éü中\t\n-]{0,12}"
}

fn inline_strategy() -> impl Strategy<Value = Inline> {
    prop_oneof![
        4 => (run_text(), any::<bool>(), any::<bool>()).prop_map(|(text, bold, italic)| Inline::Text { text, bold, italic }),
        1 => "[0-9$,.%]{1,8}".prop_map(|display| Inline::Field(Field {
            source: Ref::parse("/Finance/model.xlsx#Summary!B4").unwrap(),
            format: None,
            display,
        })),
    ]
}

fn inlines() -> impl Strategy<Value = Vec<Inline>> {
    prop::collection::vec(inline_strategy(), 0..4)
}

fn block_strategy() -> impl Strategy<Value = Block> {
    prop_oneof![
        2 => ((1u8..=3), "[a-zA-Z0-9 é中-]{0,20}").prop_map(|(level, text)| Block::Heading { level, text }),
        4 => inlines().prop_map(|inlines| Block::Paragraph { inlines }),
        2 => (any::<bool>(), prop::collection::vec(((0u8..3), inlines()).prop_map(|(level, inlines)| ListItem { level, inlines }), 1..5))
            .prop_map(|(ordered, items)| Block::List { ordered, items }),
        1 => (any::<bool>(), (1usize..4)).prop_flat_map(|(header, cols)| {
            prop::collection::vec(prop::collection::vec(inlines(), cols), 1..4).prop_map(move |rows| Block::Table(Table { header, rows }))
        }),
        1 => Just(Block::PageBreak),
    ]
}

fn document_strategy() -> impl Strategy<Value = Document> {
    (
        prop::option::of("[a-zA-Z0-9 é—-]{0,24}"),
        prop::collection::vec(block_strategy(), 0..10),
    )
        .prop_map(|(title, blocks)| Document { title, blocks })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn xlsx_round_trip(w in workbook_strategy()) {
        let back = round_trip(&Artifact::Workbook(w.clone()), Format::Xlsx);
        prop_assert_eq!(back, Artifact::Workbook(normal_workbook(w)));
    }

    #[test]
    fn docx_round_trip(d in document_strategy()) {
        let back = round_trip(&Artifact::Document(d.clone()), Format::Docx);
        prop_assert_eq!(back, Artifact::Document(normal_document(d)));
    }

    #[test]
    fn text_round_trip(content in any::<String>(), kind in prop_oneof![Just(TextFormat::Plain), Just(TextFormat::Json)]) {
        let a = Artifact::Text(Text { format: TextFormat::Plain, content: content.clone() });
        let bytes = export(&a, Format::Text, &ExportOptions::default()).unwrap();
        let back = simdesk_formats::import_text(&bytes, kind, &Limits::default()).unwrap();
        prop_assert_eq!(back, Artifact::Text(Text { format: kind, content }));
    }

    #[test]
    fn csv_and_markdown_text_round_trip(content in any::<String>()) {
        for (tf, f) in [(TextFormat::Csv, Format::Csv), (TextFormat::Markdown, Format::Markdown)] {
            let a = Artifact::Text(Text { format: tf, content: content.clone() });
            let bytes = export(&a, f, &ExportOptions::default()).unwrap();
            prop_assert_eq!(import(&bytes, f, &Limits::default()).unwrap(), a);
        }
    }
}
