//! Deck → pptx → Deck.

use proptest::prelude::*;
use simdesk_formats::pptx::{export_pptx, import_pptx, normal_form};
use simdesk_formats::{ExportOptions, Limits};
use simdesk_model::*;

use super::samples;

fn round_trip(deck: &Deck) -> Deck {
    let bytes = export_pptx(&Artifact::Deck(deck.clone()), &ExportOptions::default()).unwrap();
    match import_pptx(&bytes, &Limits::default()).unwrap() {
        Artifact::Deck(d) => d,
        other => panic!("not a deck: {other:?}"),
    }
}

#[test]
fn review_deck_round_trips() {
    let deck = samples::review_deck();
    let back = round_trip(&deck);
    assert_eq!(back, normal_form(&deck));
    // The field came back as its text; levels, table and notes survived.
    assert_eq!(
        inlines_text(&back.slides[1].bullets[0].inlines),
        "Portfolio return: $1,234,567"
    );
    assert_eq!(back.slides[1].bullets[2].level, 2);
    assert!(back.slides[2].table.as_ref().unwrap().header);
    assert_eq!(
        back.slides[0].notes,
        "Welcome the clients.\nMention the new fee schedule."
    );
    assert_eq!(back.slides[0].layout, Layout::Title);
}

#[test]
fn export_is_deterministic_and_uses_option_times() {
    let a = Artifact::Deck(samples::review_deck());
    let o = samples::opts();
    let x = export_pptx(&a, &o).unwrap();
    let y = export_pptx(&a, &o).unwrap();
    assert_eq!(x, y);
    let other = ExportOptions {
        modified: o.modified.plus_secs(60),
        ..o.clone()
    };
    assert_ne!(x, export_pptx(&a, &other).unwrap());
}

#[test]
fn line_breaks_move_to_the_following_run() {
    let deck = Deck {
        title: Some(String::new()),
        slides: vec![Slide {
            title: "two\nlines".to_owned(),
            bullets: vec![Bullet {
                level: 12,
                inlines: vec![
                    Inline::text("a\n"),
                    Inline::bold("b"),
                    Inline::text("\n\nc\n"),
                ],
            }],
            table: Some(Table::from_text(false, &[&["x"], &["y", "z"]])),
            ..Slide::default()
        }],
    };
    let back = round_trip(&deck);
    assert_eq!(back, normal_form(&deck));
    assert_eq!(back.title, None);
    assert_eq!(back.slides[0].title, "two\nlines");
    assert_eq!(back.slides[0].bullets[0].level, 8);
    assert_eq!(
        back.slides[0].bullets[0].inlines,
        vec![
            Inline::text("a"),
            Inline::Text {
                text: "\nb".into(),
                bold: true,
                italic: false
            },
            Inline::text("\n\nc\n")
        ]
    );
    assert_eq!(back.slides[0].table.as_ref().unwrap().rows[0].len(), 2);
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,.&<>'\"é陈Ωж\n]{0,12}"
}

fn inline() -> impl Strategy<Value = Inline> {
    prop_oneof![
        (text(), any::<bool>(), any::<bool>()).prop_map(|(text, bold, italic)| Inline::Text {
            text,
            bold,
            italic
        }),
        text().prop_map(|display| Inline::Field(Field {
            source: "/a.xlsx#S!A1".parse().unwrap(),
            format: None,
            display,
        })),
    ]
}

fn slide() -> impl Strategy<Value = Slide> {
    (
        any::<bool>(),
        text(),
        proptest::option::of(text()),
        proptest::collection::vec((0u8..10, proptest::collection::vec(inline(), 0..4)), 0..4),
        proptest::option::of((
            any::<bool>(),
            proptest::collection::vec(
                proptest::collection::vec(proptest::collection::vec(inline(), 0..3), 0..4),
                0..4,
            ),
        )),
        text(),
    )
        .prop_map(
            |(title_layout, title, subtitle, bullets, table, notes)| Slide {
                layout: if title_layout {
                    Layout::Title
                } else {
                    Layout::TitleAndContent
                },
                title,
                subtitle,
                bullets: bullets
                    .into_iter()
                    .map(|(level, inlines)| Bullet { level, inlines })
                    .collect(),
                table: table.map(|(header, rows)| Table { header, rows }),
                notes,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]
    #[test]
    fn any_deck_round_trips(title in proptest::option::of(text()), slides in proptest::collection::vec(slide(), 0..5)) {
        let deck = Deck { title, slides };
        prop_assert_eq!(round_trip(&deck), normal_form(&deck));
    }
}
