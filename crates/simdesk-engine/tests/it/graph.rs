//! Staleness (live, manual, snapshot, transitive, early cutoff), the
//! stale-source diagnostic, cycles, delete and move, and incrementality.

use expect_test::expect;
use simdesk_engine::{EdgeKind, StaleExportPolicy, WorkspacePolicy};
use simdesk_model::*;

use crate::fixture::*;

#[test]
fn fresh_world_is_not_stale() {
    let ws = portfolio_world();
    assert!(ws.stale_paths().is_empty(), "{:?}", ws.stale_paths());
    assert!(ws.dangling().is_empty());
}

#[test]
fn live_fields_follow_at_once() {
    let mut ws = portfolio_world();
    let out = ok(
        &mut ws,
        set("/Models/portfolio.xlsx", "Prices", "B2", 255.0),
    );
    expect![[r#"
        # Quarterly review

        VTI closed at $255.00

        BND closed at $72.50
    "#]]
    .assert_eq(&ws.view(&p("/Reports/client.docx")).unwrap());
    assert_eq!(out.recomputed, vec![p("/Reports/client.docx")]);
    // The workbook and the report are current (live); the PDF is a snapshot.
    assert_eq!(ws.stale_paths(), vec![p("/Reports/client.pdf")]);
}

#[test]
fn manual_goes_stale_until_refreshed_and_staleness_is_transitive() {
    let mut ws = portfolio_world();
    ok(
        &mut ws,
        Op::Write {
            path: p("/Downloads/prices.csv"),
            artifact: text(PRICES_V2, TextFormat::Csv).into(),
        },
    );
    // Workbook behind its import; report and pdf stale through it.
    assert_eq!(
        ws.stale_paths(),
        vec![
            p("/Models/portfolio.xlsx"),
            p("/Reports/client.docx"),
            p("/Reports/client.pdf")
        ]
    );
    let why = ws.staleness(&p("/Reports/client.pdf")).unwrap();
    assert_eq!(why.causes.len(), 1);
    let c = &why.causes[0];
    assert_eq!(c.kind, EdgeKind::Import);
    assert_eq!(
        c.chain,
        vec![
            p("/Downloads/prices.csv"),
            p("/Models/portfolio.xlsx"),
            p("/Reports/client.docx"),
            p("/Reports/client.pdf")
        ]
    );
    assert_eq!(c.missing, "refresh /Models/portfolio.xlsx");
    // The report still shows old numbers until the refresh.
    assert!(
        ws.view(&p("/Reports/client.docx"))
            .unwrap()
            .contains("$250.00")
    );
    ok(
        &mut ws,
        Op::Refresh {
            path: p("/Models/portfolio.xlsx"),
        },
    );
    assert!(
        ws.view(&p("/Reports/client.docx"))
            .unwrap()
            .contains("VTI closed at $262.00")
    );
    assert_eq!(ws.stale_paths(), vec![p("/Reports/client.pdf")]);
    ok(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.pdf"),
            sheet: None,
        },
    );
    assert!(ws.stale_paths().is_empty());
}

#[test]
fn snapshot_records_the_source_revision() {
    let mut ws = portfolio_world();
    let e = ws.edges_into(&p("/Reports/client.pdf"));
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].kind, EdgeKind::Export);
    assert_eq!(
        e[0].seen,
        ws.revision_of(&p("/Reports/client.docx")).unwrap()
    );
    ok(
        &mut ws,
        Op::EditDocument {
            path: p("/Reports/client.docx"),
            edit: DocEdit::Insert {
                index: 3,
                block: Block::para("New paragraph."),
            },
        },
    );
    assert!(ws.is_stale(&p("/Reports/client.pdf")));
    // The PDF itself never changes by itself.
    let Some(Artifact::Pdf(pdf)) = ws.artifact(&p("/Reports/client.pdf")) else {
        panic!()
    };
    assert!(!pdf.pages[0].text.contains("New paragraph"));
}

#[test]
fn early_cutoff_keeps_downstream_fresh() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/w.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(1.2))])]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/memo.docx"),
            artifact: doc(vec![field_para("About ", "/w.xlsx#S!A1", Some("0"))]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Export {
            source: p("/memo.docx"),
            target: p("/memo.pdf"),
            sheet: None,
        },
    );
    let memo_rev = ws.revision_of(&p("/memo.docx")).unwrap();
    let out = ok(&mut ws, set("/w.xlsx", "S", "A1", 1.3));
    // The memo was recomputed but still shows "About 1": same content, same
    // revision, so the PDF made from it is not stale.
    assert_eq!(out.recomputed, vec![p("/memo.docx")]);
    assert_eq!(ws.revision_of(&p("/memo.docx")).unwrap(), memo_rev);
    assert!(!ws.is_stale(&p("/memo.pdf")));
    ok(&mut ws, set("/w.xlsx", "S", "A1", 1.6));
    assert!(ws.is_stale(&p("/memo.pdf")));
}

#[test]
fn export_of_a_stale_source_reports_the_chain() {
    let mut ws = portfolio_world();
    ok(
        &mut ws,
        Op::Write {
            path: p("/Downloads/prices.csv"),
            artifact: text(PRICES_V2, TextFormat::Csv).into(),
        },
    );
    let out = ok(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.pdf"),
            sheet: None,
        },
    );
    let d = out
        .diagnostics
        .iter()
        .find(|d| d.code == Code::StaleSource)
        .expect("stale-source diagnostic");
    assert_eq!(d.severity, Severity::Warning);
    assert!(
        d.message
            .contains("/Downloads/prices.csv changed at revision"),
        "{}",
        d.message
    );
    assert!(
        d.message
            .contains("missing: refresh /Models/portfolio.xlsx"),
        "{}",
        d.message
    );
    assert!(
        d.message
            .contains("/Downloads/prices.csv -> /Models/portfolio.xlsx -> /Reports/client.docx"),
        "{}",
        d.message
    );
    assert!(d.refs.contains(&Ref::whole(p("/Models/portfolio.xlsx"))));
    // The right order reports nothing.
    ok(
        &mut ws,
        Op::Refresh {
            path: p("/Models/portfolio.xlsx"),
        },
    );
    let out = ok(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.pdf"),
            sheet: None,
        },
    );
    assert!(
        out.diagnostics.iter().all(|d| d.code != Code::StaleSource),
        "{:?}",
        out.diagnostics
    );
}

#[test]
fn refuse_policy_rejects_stale_exports() {
    let mut ws = portfolio_world().with_policy(WorkspacePolicy {
        stale_export: StaleExportPolicy::Refuse,
    });
    ok(
        &mut ws,
        Op::Write {
            path: p("/Downloads/prices.csv"),
            artifact: text(PRICES_V2, TextFormat::Csv).into(),
        },
    );
    let out = rejected(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client2.pdf"),
            sheet: None,
        },
    );
    assert_eq!(out.diagnostics[0].code, Code::StaleSource);
}

#[test]
fn stale_attachment_is_diagnosed() {
    let mut ws = portfolio_world();
    ok(
        &mut ws,
        set("/Models/portfolio.xlsx", "Prices", "B2", 300.0),
    );
    let out = ok(
        &mut ws,
        Op::SendEmail {
            path: p("/Mail/Sent/r.eml"),
            email: Email {
                from: Mailbox::new("", "a@b.example"),
                to: vec![Mailbox::new("", "c@d.example")],
                subject: "r".into(),
                attachments: vec![p("/Reports/client.pdf")],
                ..Email::default()
            },
        },
    );
    assert!(
        out.diagnostics
            .iter()
            .any(|d| d.code == Code::StaleAttachment),
        "{:?}",
        out.diagnostics
    );
}

#[test]
fn cycles_are_refused_with_the_cycle_printed() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/a.docx"),
            artifact: doc(vec![Block::heading(1, "A")]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/b.docx"),
            artifact: doc(vec![field_para("", "/a.docx#heading:a", None)]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/c.docx"),
            artifact: doc(vec![field_para("", "/b.docx", None)]).into(),
        },
    );
    let out = rejected(
        &mut ws,
        Op::EditDocument {
            path: p("/a.docx"),
            edit: DocEdit::Insert {
                index: 1,
                block: field_para("", "/c.docx", None),
            },
        },
    );
    assert_eq!(out.diagnostics[0].code, Code::Cycle);
    assert!(
        out.diagnostics[0]
            .message
            .contains("/c.docx -> /a.docx -> /b.docx -> /c.docx"),
        "{}",
        out.diagnostics[0].message
    );
    let out = rejected(
        &mut ws,
        Op::Link {
            source: r("/c.docx"),
            dependent: r("/a.docx"),
            kind: LinkKind::BasedOn,
        },
    );
    assert_eq!(out.diagnostics[0].code, Code::Cycle);
    rejected(
        &mut ws,
        Op::Link {
            source: r("/a.docx"),
            dependent: r("/a.docx"),
            kind: LinkKind::BasedOn,
        },
    );
}

#[test]
fn delete_turns_refs_into_broken_references_and_recreate_heals() {
    let mut ws = portfolio_world();
    let out = ok(
        &mut ws,
        Op::Delete {
            path: p("/Models/portfolio.xlsx"),
            recursive: false,
        },
    );
    let broken: Vec<_> = out
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::BrokenReference)
        .collect();
    assert!(
        broken.iter().any(|d| d
            .message
            .contains("/Reports/client.docx quotes it in a field")),
        "{broken:?}"
    );
    assert!(
        ws.view(&p("/Reports/client.docx"))
            .unwrap()
            .contains("VTI closed at #REF!")
    );
    assert_eq!(
        ws.dangling(),
        vec![(p("/Reports/client.docx"), p("/Models/portfolio.xlsx"))]
    );
    // Creating the file again reconnects the field.
    ok(
        &mut ws,
        Op::Create {
            path: p("/Models/portfolio.xlsx"),
            artifact: workbook(&[(
                "Prices",
                &[("B2", Cell::value(1.0)), ("B3", Cell::value(2.0))],
            )])
            .into(),
        },
    );
    assert!(
        ws.view(&p("/Reports/client.docx"))
            .unwrap()
            .contains("VTI closed at $1.00")
    );
    assert!(ws.dangling().is_empty());
}

#[test]
fn move_updates_refs_that_point_to_the_moved_path() {
    let mut ws = portfolio_world();
    let rev = ws.revision_of(&p("/Reports/client.docx")).unwrap();
    ok(
        &mut ws,
        Op::Move {
            from: p("/Models"),
            to: p("/Archive/Models 2025"),
        },
    );
    let Some(Artifact::Document(d)) = ws.artifact(&p("/Reports/client.docx")) else {
        panic!()
    };
    let f = Artifact::Document(d.clone());
    assert_eq!(
        f.fields()[0].source,
        r("/Archive/Models 2025/portfolio.xlsx#Prices!B2")
    );
    // What the report shows did not change, so it keeps its revision.
    assert_eq!(ws.revision_of(&p("/Reports/client.docx")).unwrap(), rev);
    ok(
        &mut ws,
        set("/Archive/Models 2025/portfolio.xlsx", "Prices", "B2", 199.0),
    );
    assert!(
        ws.view(&p("/Reports/client.docx"))
            .unwrap()
            .contains("$199.00")
    );
    assert!(
        ws.stale_paths()
            .iter()
            .all(|s| s != &p("/Archive/Models 2025/portfolio.xlsx"))
    );
}

#[test]
fn move_onto_a_dangling_path_reconnects() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/memo.docx"),
            artifact: doc(vec![field_para("x=", "/data/w.xlsx#S!A1", None)]).into(),
        },
    );
    assert_eq!(ws.dangling().len(), 1);
    ok(
        &mut ws,
        Op::Create {
            path: p("/tmp/w.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(42.0))])]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Move {
            from: p("/tmp/w.xlsx"),
            to: p("/data/w.xlsx"),
        },
    );
    assert!(ws.view(&p("/memo.docx")).unwrap().contains("x=42"));
    assert!(ws.dangling().is_empty());
}

#[test]
fn live_cell_links_across_workbooks() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/src.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(10.0))])]).into(),
        },
    );
    let link = |policy| Cell {
        link: Some(Box::new(CellLink {
            source: r("/src.xlsx#S!A1"),
            policy,
        })),
        ..Cell::default()
    };
    ok(
        &mut ws,
        Op::Create {
            path: p("/live.xlsx"),
            artifact: workbook(&[("T", &[("B1", link(Policy::Live))])]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/manual.xlsx"),
            artifact: workbook(&[("T", &[("B1", link(Policy::Manual))])]).into(),
        },
    );
    assert_eq!(
        ws.cell(&p("/live.xlsx"), "T", a1("B1")).unwrap().value,
        CellValue::Number(10.0)
    );
    assert_eq!(
        ws.cell(&p("/manual.xlsx"), "T", a1("B1")).unwrap().value,
        CellValue::Number(10.0)
    );
    let out = ok(&mut ws, set("/src.xlsx", "S", "A1", 11.0));
    assert_eq!(out.recomputed, vec![p("/live.xlsx")]);
    assert_eq!(
        ws.cell(&p("/live.xlsx"), "T", a1("B1")).unwrap().value,
        CellValue::Number(11.0)
    );
    assert_eq!(
        ws.cell(&p("/manual.xlsx"), "T", a1("B1")).unwrap().value,
        CellValue::Number(10.0)
    );
    assert_eq!(ws.stale_paths(), vec![p("/manual.xlsx")]);
    ok(
        &mut ws,
        Op::Refresh {
            path: p("/manual.xlsx"),
        },
    );
    assert_eq!(
        ws.cell(&p("/manual.xlsx"), "T", a1("B1")).unwrap().value,
        CellValue::Number(11.0)
    );
    assert!(ws.stale_paths().is_empty());
}

/// Propagation touches only what depends on the edit, in dependency order.
#[test]
fn recomputes_exactly_the_dependents() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/a.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(1.0)), ("A2", Cell::value(2.0))])])
                .into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/other.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(1.0))])]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/m1.docx"),
            artifact: doc(vec![field_para("", "/a.xlsx#S!A1", None)]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/m2.docx"),
            artifact: doc(vec![field_para("", "/a.xlsx#S!A2", None)]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/summary.docx"),
            artifact: doc(vec![field_para("", "/m1.docx#heading:x", None)]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/o.docx"),
            artifact: doc(vec![field_para("", "/other.xlsx#S!A1", None)]).into(),
        },
    );
    // Only m1 quotes A1 (and summary quotes m1); m2 quotes A2 and is not
    // touched.
    let out = ok(&mut ws, set("/a.xlsx", "S", "A1", 5.0));
    assert_eq!(out.recomputed, vec![p("/m1.docx"), p("/summary.docx")]);
    let out = ok(&mut ws, set("/a.xlsx", "S", "A2", 7.0));
    assert_eq!(out.recomputed, vec![p("/m2.docx")]);
    // An unrelated edit recomputes nothing.
    let out = ok(
        &mut ws,
        Op::Create {
            path: p("/unrelated.txt"),
            artifact: text("x", TextFormat::Plain).into(),
        },
    );
    assert!(out.recomputed.is_empty());
    let out = ok(&mut ws, set("/other.xlsx", "S", "B9", 5.0));
    assert!(out.recomputed.is_empty(), "{:?}", out.recomputed);
    // Early cutoff in a chain a → m1 → summary: an edit that leaves m1's
    // text as it was stops there.
    ok(
        &mut ws,
        Op::EditDocument {
            path: p("/m1.docx"),
            edit: DocEdit::Insert {
                index: 0,
                block: Block::heading(1, "X"),
            },
        },
    );
    assert!(ws.view(&p("/summary.docx")).unwrap().contains('X'));
    let out = ok(&mut ws, set("/a.xlsx", "S", "A1", 6.0));
    assert_eq!(out.recomputed, vec![p("/m1.docx"), p("/summary.docx")]);
    let out = ok(&mut ws, set("/a.xlsx", "S", "A1", 6.0));
    assert_eq!(
        out.recomputed,
        Vec::<VPath>::new(),
        "same value: nothing changed"
    );
}

/// Regression: deleting a folder that holds both a source and its
/// dependent left the edge between them in the graph, and the snapshot
/// could not be loaded again.
#[test]
fn deleting_a_source_and_its_dependent_together_leaves_no_edge() {
    let mut ws = empty();
    ok(
        &mut ws,
        Op::Create {
            path: p("/d/n.docx"),
            artifact: doc(vec![field_para("v ", "/d/m.xlsx#S!A1", None)]).into(),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/d/m.xlsx"),
            artifact: workbook(&[("S", &[("A1", Cell::value(1.0))])]).into(),
        },
    );
    assert_eq!(ws.edges().len(), 1);
    ok(
        &mut ws,
        Op::Delete {
            path: p("/d"),
            recursive: true,
        },
    );
    assert!(ws.edges().is_empty());
    let back = simdesk_engine::Workspace::load(&ws.save().unwrap()).unwrap();
    assert_eq!(back.state_hash().unwrap(), ws.state_hash().unwrap());
}
