//! Every op kind: one success and at least one refusal that leaves the
//! world's state hash unchanged.

use simdesk_model::*;

use crate::fixture::*;

#[test]
fn mkdir() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Mkdir {
            path: p("/Clients/Chen/2026"),
        },
    );
    assert!(ws.is_folder(&p("/Clients/Chen")));
    ok(
        &mut ws,
        Op::Mkdir {
            path: p("/Clients/Chen"),
        },
    ); // like mkdir -p
    ok(
        &mut ws,
        Op::Create {
            path: p("/Clients/notes.txt"),
            artifact: text("x", TextFormat::Plain).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Mkdir {
            path: p("/Clients/notes.txt"),
        },
    );
    rejected(
        &mut ws,
        Op::Mkdir {
            path: p("/Clients/notes.txt/sub"),
        },
    );
    // Case and normalisation collisions with a sibling.
    rejected(
        &mut ws,
        Op::Mkdir {
            path: p("/clients"),
        },
    );
    ok(
        &mut ws,
        Op::Mkdir {
            path: p("/Caf\u{e9}"),
        },
    );
    let out = rejected(
        &mut ws,
        Op::Mkdir {
            path: p("/Cafe\u{301}"),
        },
    );
    assert!(
        out.diagnostics[0]
            .message
            .contains("collides with a sibling"),
        "{}",
        out.diagnostics[0]
    );
}

#[test]
fn create() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/a/b/notes.md"),
            artifact: text("# hi", TextFormat::Markdown).into(),
        },
    );
    assert!(ws.is_folder(&p("/a/b")));
    rejected(
        &mut ws,
        Op::Create {
            path: p("/a/b/notes.md"),
            artifact: text("again", TextFormat::Plain).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Create {
            path: p("/a/b/NOTES.md"),
            artifact: text("case", TextFormat::Plain).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Create {
            path: p("/a/b/notes.md/x.txt"),
            artifact: text("x", TextFormat::Plain).into(),
        },
    );
    // Invalid content: bad sheet name, duplicate sheet, heading level 7.
    rejected(
        &mut ws,
        Op::Create {
            path: p("/w.xlsx"),
            artifact: workbook(&[("a/b", &[])]).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Create {
            path: p("/w.xlsx"),
            artifact: workbook(&[("S", &[]), ("s", &[])]).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Create {
            path: p("/d.docx"),
            artifact: doc(vec![Block::heading(7, "x")]).into(),
        },
    );
}

#[test]
fn write() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/n.txt"),
            artifact: text("one", TextFormat::Plain).into(),
        },
    );
    let before = ws.revision_of(&p("/n.txt")).unwrap();
    ok(
        &mut ws,
        Op::Write {
            path: p("/n.txt"),
            artifact: text("two", TextFormat::Plain).into(),
        },
    );
    assert!(ws.revision_of(&p("/n.txt")).unwrap() > before);
    rejected(
        &mut ws,
        Op::Write {
            path: p("/n.txt"),
            artifact: doc(vec![]).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Write {
            path: p("/missing.txt"),
            artifact: text("x", TextFormat::Plain).into(),
        },
    );
}

#[test]
fn delete() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/f/a.txt"),
            artifact: text("a", TextFormat::Plain).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Delete {
            path: p("/f"),
            recursive: false,
        },
    );
    rejected(
        &mut ws,
        Op::Delete {
            path: p("/nothing"),
            recursive: true,
        },
    );
    rejected(
        &mut ws,
        Op::Delete {
            path: p("/"),
            recursive: true,
        },
    );
    ok(
        &mut ws,
        Op::Delete {
            path: p("/f"),
            recursive: true,
        },
    );
    assert!(ws.walk().is_empty());
}

#[test]
fn move_and_rename() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/f/a.txt"),
            artifact: text("a", TextFormat::Plain).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/g/b.txt"),
            artifact: text("b", TextFormat::Plain).into(),
        },
    );
    ok(
        &mut ws,
        Op::Move {
            from: p("/f/a.txt"),
            to: p("/f/A.txt"),
        },
    ); // case-only rename
    ok(
        &mut ws,
        Op::Move {
            from: p("/f"),
            to: p("/h/f"),
        },
    );
    assert!(ws.artifact(&p("/h/f/A.txt")).is_some());
    rejected(
        &mut ws,
        Op::Move {
            from: p("/h/f/A.txt"),
            to: p("/g/b.txt"),
        },
    );
    rejected(
        &mut ws,
        Op::Move {
            from: p("/h/f/A.txt"),
            to: p("/g/B.TXT"),
        },
    );
    rejected(
        &mut ws,
        Op::Move {
            from: p("/h"),
            to: p("/h/f/inner"),
        },
    );
    rejected(
        &mut ws,
        Op::Move {
            from: p("/nope"),
            to: p("/x"),
        },
    );
}

#[test]
fn copy() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/a.txt"),
            artifact: text("a", TextFormat::Plain).into(),
        },
    );
    ok(
        &mut ws,
        Op::Copy {
            from: p("/a.txt"),
            to: p("/b.txt"),
        },
    );
    assert_eq!(ws.artifact(&p("/a.txt")), ws.artifact(&p("/b.txt")));
    rejected(
        &mut ws,
        Op::Copy {
            from: p("/a.txt"),
            to: p("/b.txt"),
        },
    );
    rejected(
        &mut ws,
        Op::Copy {
            from: p("/zzz.txt"),
            to: p("/c.txt"),
        },
    );
}

#[test]
fn set_cells_and_ranges() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/w.xlsx"),
            artifact: workbook(&[("S", &[])]).into(),
        },
    );
    ok(&mut ws, set("/w.xlsx", "S", "B2", 4.5));
    ok(
        &mut ws,
        Op::SetRange {
            path: p("/w.xlsx"),
            sheet: "New sheet".into(),
            start: a1("C3"),
            rows: vec![
                vec![
                    Some(CellInput::value(1.0)),
                    None,
                    Some(CellInput::value("x")),
                ],
                vec![Some(CellInput::value(true))],
            ],
        },
    );
    let c = ws.cell(&p("/w.xlsx"), "New sheet", a1("E3")).unwrap();
    assert_eq!(c.value, CellValue::Text("x".into()));
    assert!(ws.cell(&p("/w.xlsx"), "New sheet", a1("D3")).is_none());
    assert_eq!(
        ws.cell(&p("/w.xlsx"), "S", a1("B2")).unwrap().value,
        CellValue::Number(4.5)
    );
    // Clearing a cell removes it.
    ok(
        &mut ws,
        Op::SetCells {
            path: p("/w.xlsx"),
            sheet: "S".into(),
            cells: vec![CellEdit {
                cell: a1("B2"),
                input: CellInput::default(),
            }],
        },
    );
    assert!(ws.cell(&p("/w.xlsx"), "S", a1("B2")).is_none());
    rejected(&mut ws, set("/missing.xlsx", "S", "A1", 1.0));
    rejected(&mut ws, set("/w.xlsx", "bad:name", "A1", 1.0));
    rejected(&mut ws, set("/w.xlsx", "s", "A1", 1.0)); // differs from "S" only by case
    rejected(&mut ws, set("/w.xlsx", "S", "A1", f64::NAN));
    rejected(
        &mut ws,
        Op::SetRange {
            path: p("/w.xlsx"),
            sheet: "S".into(),
            start: a1("XFD1"),
            rows: vec![vec![
                Some(CellInput::value(1.0)),
                Some(CellInput::value(2.0)),
            ]],
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/t.txt"),
            artifact: text("t", TextFormat::Plain).into(),
        },
    );
    rejected(&mut ws, set("/t.txt", "S", "A1", 1.0));
    let both = CellInput {
        value: Some(CellValue::Number(1.0)),
        formula: Some("1+1".into()),
        ..CellInput::default()
    };
    rejected(
        &mut ws,
        Op::SetCells {
            path: p("/w.xlsx"),
            sheet: "S".into(),
            cells: vec![CellEdit {
                cell: a1("A1"),
                input: both,
            }],
        },
    );
}

#[test]
fn edit_document() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/w.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(0.25))])]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/d.docx"),
            artifact: doc(vec![Block::heading(1, "Intro")]).into(),
        },
    );
    ok(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::Insert {
                index: 1,
                block: field_para("Share: ", "/w.xlsx#S!A1", Some("0%")),
            },
        },
    );
    ok(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::Replace {
                index: 0,
                block: Block::heading(2, "Overview"),
            },
        },
    );
    ok(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::Insert {
                index: 2,
                block: Block::para("tail"),
            },
        },
    );
    ok(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::Delete { index: 2 },
        },
    );
    assert!(ws.view(&p("/d.docx")).unwrap().contains("Share: 25%"));
    ok(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::SetField {
                field: 0,
                source: r("/w.xlsx#S!A1"),
                format: Some("0.0%".into()),
            },
        },
    );
    assert!(ws.view(&p("/d.docx")).unwrap().contains("Share: 25.0%"));
    rejected(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::Delete { index: 9 },
        },
    );
    rejected(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::Insert {
                index: 9,
                block: Block::para("x"),
            },
        },
    );
    rejected(
        &mut ws,
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::SetField {
                field: 3,
                source: r("/w.xlsx#S!A1"),
                format: None,
            },
        },
    );
    rejected(
        &mut ws,
        Op::EditDocument {
            path: p("/w.xlsx"),
            edit: DocEdit::Delete { index: 0 },
        },
    );
}

#[test]
fn edit_slides() {
    let mut ws = empty();
    let deck = Artifact::Deck(Deck {
        title: None,
        slides: vec![Slide {
            title: "One".into(),
            ..Slide::default()
        }],
    });
    ok(
        &mut ws,
        Op::Create {
            path: p("/d.pptx"),
            artifact: deck.into(),
        },
    );
    ok(
        &mut ws,
        Op::EditSlides {
            path: p("/d.pptx"),
            edit: SlideEdit::Insert {
                index: 1,
                slide: Slide {
                    title: "Two".into(),
                    bullets: vec![Bullet::text(0, "a"), Bullet::text(1, "b")],
                    ..Slide::default()
                },
            },
        },
    );
    ok(
        &mut ws,
        Op::EditSlides {
            path: p("/d.pptx"),
            edit: SlideEdit::Move { from: 1, to: 0 },
        },
    );
    ok(
        &mut ws,
        Op::EditSlides {
            path: p("/d.pptx"),
            edit: SlideEdit::Replace {
                index: 1,
                slide: Slide {
                    title: "Uno".into(),
                    ..Slide::default()
                },
            },
        },
    );
    let v = ws.view(&p("/d.pptx")).unwrap();
    assert!(v.find("## Two").unwrap() < v.find("## Uno").unwrap(), "{v}");
    ok(
        &mut ws,
        Op::EditSlides {
            path: p("/d.pptx"),
            edit: SlideEdit::Delete { index: 0 },
        },
    );
    rejected(
        &mut ws,
        Op::EditSlides {
            path: p("/d.pptx"),
            edit: SlideEdit::Delete { index: 5 },
        },
    );
    rejected(
        &mut ws,
        Op::EditSlides {
            path: p("/d.pptx"),
            edit: SlideEdit::Move { from: 0, to: 3 },
        },
    );
}

#[test]
fn link_and_unlink() {
    let mut ws = portfolio_world();
    assert_eq!(
        ws.cell(&p("/Models/portfolio.xlsx"), "Prices", a1("B2"))
            .unwrap()
            .value,
        CellValue::Number(250.0)
    );
    ok(
        &mut ws,
        Op::Link {
            source: r("/Downloads/prices.csv"),
            dependent: r("/Reports/client.docx"),
            kind: LinkKind::BasedOn,
        },
    );
    ok(
        &mut ws,
        Op::Unlink {
            source: p("/Downloads/prices.csv"),
            dependent: p("/Reports/client.docx"),
        },
    );
    rejected(
        &mut ws,
        Op::Unlink {
            source: p("/Downloads/prices.csv"),
            dependent: p("/Reports/client.docx"),
        },
    );
    // A field is content, not a link.
    let out = rejected(
        &mut ws,
        Op::Unlink {
            source: p("/Models/portfolio.xlsx"),
            dependent: p("/Reports/client.docx"),
        },
    );
    assert!(out.diagnostics[0].hints[0].contains("edit the field"));
    rejected(
        &mut ws,
        Op::Link {
            source: r("/Downloads/prices.csv"),
            dependent: r("/Reports/client.docx#Sheet"),
            kind: LinkKind::Import,
        },
    );
    rejected(
        &mut ws,
        Op::Link {
            source: r("/Downloads/prices.csv"),
            dependent: r("/Models/portfolio.xlsx#Prices"),
            kind: LinkKind::Import,
        },
    );
    rejected(
        &mut ws,
        Op::Link {
            source: r("/Downloads/none.csv"),
            dependent: r("/Models/portfolio.xlsx#P2"),
            kind: LinkKind::Import,
        },
    );
}

#[test]
fn refresh() {
    let mut ws = portfolio_world();
    ok(
        &mut ws,
        Op::Write {
            path: p("/Downloads/prices.csv"),
            artifact: text(PRICES_V2, TextFormat::Csv).into(),
        },
    );
    assert!(ws.is_stale(&p("/Models/portfolio.xlsx")));
    ok(
        &mut ws,
        Op::Refresh {
            path: p("/Models/portfolio.xlsx"),
        },
    );
    assert_eq!(
        ws.cell(&p("/Models/portfolio.xlsx"), "Prices", a1("B2"))
            .unwrap()
            .value,
        CellValue::Number(262.0)
    );
    rejected(
        &mut ws,
        Op::Refresh {
            path: p("/nothing.xlsx"),
        },
    );
}

#[test]
fn export() {
    let mut ws = portfolio_world();
    let pdf = ws.artifact(&p("/Reports/client.pdf")).unwrap().clone();
    let Artifact::Pdf(pdf) = pdf else {
        panic!("not a pdf")
    };
    assert!(
        pdf.pages[0].text.contains("VTI closed at $250.00"),
        "{:?}",
        pdf.pages
    );
    ok(
        &mut ws,
        Op::Export {
            source: p("/Models/portfolio.xlsx"),
            target: p("/Exports/prices.csv"),
            sheet: Some("Prices".into()),
        },
    );
    let Some(Artifact::Text(csv)) = ws.artifact(&p("/Exports/prices.csv")) else {
        panic!()
    };
    assert!(
        csv.content.starts_with("Ticker,Price\r\nVTI,250\r\n"),
        "{}",
        csv.content
    );
    ok(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.md"),
            sheet: None,
        },
    );
    // Re-export over an earlier export of the same source is allowed.
    ok(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.pdf"),
            sheet: None,
        },
    );
    rejected(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Downloads/prices.csv"),
            sheet: None,
        },
    );
    rejected(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.zip"),
            sheet: None,
        },
    );
    rejected(
        &mut ws,
        Op::Export {
            source: p("/Models/portfolio.xlsx"),
            target: p("/x.csv"),
            sheet: Some("Nope".into()),
        },
    );
    rejected(
        &mut ws,
        Op::Export {
            source: p("/Reports/nope.docx"),
            target: p("/x.pdf"),
            sheet: None,
        },
    );
}

fn email(to: &str, atts: &[&str]) -> Email {
    Email {
        from: Mailbox::new("Mei Chen", "mei.chen@northbridge.example"),
        to: vec![Mailbox::new("", to)],
        subject: "Q4 review".into(),
        body: vec![Paragraph::text("Attached.")],
        attachments: atts.iter().map(|a| p(a)).collect(),
        ..Email::default()
    }
}

#[test]
fn send_email() {
    let mut ws = portfolio_world();
    ok(
        &mut ws,
        Op::SendEmail {
            path: p("/Mail/Sent/q4.eml"),
            email: email("client@example.com", &["/Reports/client.pdf"]),
        },
    );
    let Some(Artifact::Email(e)) = ws.artifact(&p("/Mail/Sent/q4.eml")) else {
        panic!()
    };
    assert_eq!(e.date, start());
    assert!(!e.message_id.is_empty());
    assert!(
        ws.edges_into(&p("/Mail/Sent/q4.eml"))
            .iter()
            .any(|e| e.kind == simdesk_engine::EdgeKind::Attachment)
    );
    rejected(
        &mut ws,
        Op::SendEmail {
            path: p("/Mail/Sent/q5.eml"),
            email: email("client@example.com", &["/Reports/missing.pdf"]),
        },
    );
    rejected(
        &mut ws,
        Op::SendEmail {
            path: p("/Mail/Sent/q6.eml"),
            email: email("not an address", &[]),
        },
    );
    rejected(
        &mut ws,
        Op::SendEmail {
            path: p("/Mail/Sent/q4.eml"),
            email: email("client@example.com", &[]),
        },
    );
}

#[test]
fn advance_clock_and_objectives() {
    let mut ws = empty();
    ok(&mut ws, Op::AdvanceClock { seconds: 3600 });
    assert_eq!(ws.now(), start().plus_secs(3600));
    rejected(&mut ws, Op::AdvanceClock { seconds: 0 });
    rejected(&mut ws, Op::AdvanceClock { seconds: -5 });
    let obj = Objective {
        id: "obj-1".into(),
        title: "Update".into(),
        description: String::new(),
        requested_by: String::new(),
        message_id: None,
        assigned: None,
        due: start(),
        late: LatePolicy::Fail,
        goals: vec![],
        reference: vec![],
        confidential: vec![],
    };
    ok(
        &mut ws,
        Op::AddObjective {
            objective: obj.clone(),
        },
    );
    rejected(&mut ws, Op::AddObjective { objective: obj });
    assert_eq!(ws.objectives().count(), 1);
}

#[test]
fn every_event_is_recorded_with_outcome() {
    let mut ws = empty();
    ok(&mut ws, Op::Mkdir { path: p("/a") });
    rejected(
        &mut ws,
        Op::Delete {
            path: p("/b"),
            recursive: false,
        },
    );
    let events: Vec<_> = ws.trajectory().collect();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0].outcome, OutcomeKind::Applied);
    assert_eq!(events[1].outcome, OutcomeKind::Rejected);
    assert_eq!(events[1].diagnostics[0].code, Code::NotFound);
    assert_eq!((events[0].seq, events[1].seq), (1, 2));
    assert_eq!(
        events[1].revision, 1,
        "a refused op does not advance the revision"
    );
}

/// What `validate::op` refuses without a world, `apply` refuses with the
/// same message; what it accepts, it leaves to `apply`.
#[test]
fn validate_op_refuses_what_apply_refuses() {
    let mut ws = world(
        r#"
        //- /a.xlsx
        [S]
        A1 1
        //- /d.docx
        # Title
        "#,
    );
    let both = |input: CellInput| Op::SetCells {
        path: p("/a.xlsx"),
        sheet: "S".into(),
        cells: vec![CellEdit {
            cell: a1("B1"),
            input,
        }],
    };
    let bad = [
        both(CellInput {
            value: Some(CellValue::Number(1.0)),
            formula: Some("2".into()),
            ..CellInput::default()
        }),
        both(CellInput::value(f64::NAN)),
        Op::SetRange {
            path: p("/a.xlsx"),
            sheet: "S".into(),
            start: a1("XFD1"),
            rows: vec![vec![None, Some(CellInput::value(1.0))]],
        },
        Op::EditDocument {
            path: p("/d.docx"),
            edit: DocEdit::Insert {
                index: 0,
                block: Block::heading(4, "Too deep"),
            },
        },
        Op::SendEmail {
            path: p("/Mail/x.eml"),
            email: Email {
                to: vec![Mailbox::new("X", "no at sign")],
                ..Email::default()
            },
        },
        Op::AdvanceClock { seconds: 0 },
    ];
    for op in bad {
        let pre = simdesk_engine::validate::op(&op).unwrap_err();
        let out = rejected(&mut ws, op);
        assert_eq!(pre.message, out.diagnostics[0].message);
    }
    let fine = set("/a.xlsx", "S", "B1", 2.0);
    assert!(simdesk_engine::validate::op(&fine).is_ok());
    ok(&mut ws, fine);
}

/// A created artifact is stored as the very value the op carries (the
/// trajectory and the world share one copy: an imported million-cell
/// workbook is held once), and a formula's recalculation still gives the
/// world its own copy without touching the op's.
#[test]
fn create_shares_the_ops_artifact() {
    use std::sync::Arc;
    let mut ws = empty();
    let plain = Arc::new(workbook(&[("S", &[("A1", Cell::value(1.0))])]));
    ok(
        &mut ws,
        Op::Create {
            path: p("/plain.xlsx"),
            artifact: Arc::clone(&plain),
        },
    );
    let stored = ws.artifact_arc(&p("/plain.xlsx")).unwrap();
    assert!(Arc::ptr_eq(&stored, &plain));

    let with_formula = Arc::new(workbook(&[(
        "S",
        &[("A1", Cell::value(2.0)), ("A2", Cell::formula("A1*3"))],
    )]));
    ok(
        &mut ws,
        Op::Create {
            path: p("/f.xlsx"),
            artifact: Arc::clone(&with_formula),
        },
    );
    let Some(Artifact::Workbook(w)) = ws.artifact(&p("/f.xlsx")) else {
        panic!("workbook");
    };
    assert_eq!(
        w.sheets[0].value("A2".parse().unwrap()),
        &CellValue::Number(6.0)
    );
    let Artifact::Workbook(orig) = &*with_formula else {
        panic!("workbook");
    };
    assert_eq!(
        orig.sheets[0].value("A2".parse().unwrap()),
        &CellValue::Empty
    );
}
