//! A scripted agent run: one objective done the wrong way (export before
//! refresh, then send the stale PDF), one done the right way; scored and
//! mined with the expected results.

use simdesk_check::{MistakeKind, StartMethod, mine, mine_events, score};
use simdesk_engine::Workspace;
use simdesk_model::*;

use crate::common::*;

const PRICES_V1: &str = "Ticker,Close\nVTI,250\nBND,72\n";
const PRICES_V2: &str = "Ticker,Close\nVTI,262\nBND,71\n";

fn client(w: &mut W, name: &str) {
    let dir = format!("/Clients/{name}");
    w.book(
        &format!("{dir}/portfolio.xlsx"),
        "Summary",
        &[
            ("A1", Cell::value("Total")),
            (
                "B1",
                Cell::formula("SUM(Prices!B2:B3)").with_format("#,##0"),
            ),
        ],
    )
    .op(Op::Link {
        source: rf("/Data/prices.csv"),
        dependent: rf(&format!("{dir}/portfolio.xlsx#Prices")),
        kind: LinkKind::Import,
    })
    .doc(
        &format!("{dir}/review.docx"),
        vec![field_para(
            "Total: ",
            &format!("{dir}/portfolio.xlsx#Summary!B1"),
        )],
    )
    .export(&format!("{dir}/review.docx"), &format!("{dir}/review.pdf"))
    .op(Op::AddObjective {
        objective: Objective {
            id: format!("send-{}", name.to_lowercase()),
            title: format!("Send {name} the review with today's prices"),
            description: String::new(),
            requested_by: "boss@firm.example".into(),
            message_id: None,
            assigned: None,
            due: SimTime::from_ymd(2026, 1, 9).expect("date"),
            late: LatePolicy::Fail,
            reference: vec![],
            confidential: vec![],
            goals: vec![
                Goal::ExportedFresh {
                    path: vp(&format!("{dir}/review.pdf")),
                    source: vp(&format!("{dir}/review.docx")),
                },
                Goal::EmailSent {
                    to: format!("{}@home.example", name.to_lowercase()),
                    subject_contains: Some("review".into()),
                    attachment: Some(vp(&format!("{dir}/review.pdf"))),
                },
            ],
        },
    });
}

/// The world as generated, then the custodian's new prices, then the
/// agent's run. Returns the world and the seq of the custodian's write.
fn run() -> (Workspace, u64) {
    let mut w = W::new();
    w.text("/Data/prices.csv", PRICES_V1);
    client(&mut w, "Chen");
    client(&mut w, "Lee");
    let out = w.0.apply_as(
        "custodian@bank.example",
        Op::Write {
            path: vp("/Data/prices.csv"),
            artifact: Artifact::Text(Text {
                format: TextFormat::Csv,
                content: PRICES_V2.into(),
            })
            .into(),
        },
    );
    assert!(out.is_applied());
    let agent = |w: &mut W, op: Op, applied: bool| {
        let out = w.0.apply(op);
        assert_eq!(out.is_applied(), applied, "{:?}", out.diagnostics);
    };
    // Chen, the wrong way: export at once (the workbook is stale) and send.
    agent(
        &mut w,
        Op::Export {
            source: vp("/Clients/Chen/review.docx"),
            target: vp("/Clients/Chen/review.pdf"),
            sheet: None,
        },
        true,
    );
    agent(
        &mut w,
        Op::SendEmail {
            path: vp("/Mail/Sent/chen.eml"),
            email: email(
                "chen@home.example",
                "Your review",
                &["/Clients/Chen/review.pdf"],
            ),
        },
        true,
    );
    // A wrong format, twice.
    for _ in 0..2 {
        agent(
            &mut w,
            Op::Export {
                source: vp("/Clients/Lee/review.docx"),
                target: vp("/Clients/Lee/review.xyz"),
                sheet: None,
            },
            false,
        );
    }
    // Lee, the right way: refresh the workbook, export, send.
    agent(
        &mut w,
        Op::Refresh {
            path: vp("/Clients/Lee/portfolio.xlsx"),
        },
        true,
    );
    agent(
        &mut w,
        Op::Export {
            source: vp("/Clients/Lee/review.docx"),
            target: vp("/Clients/Lee/review.pdf"),
            sheet: None,
        },
        true,
    );
    agent(
        &mut w,
        Op::SendEmail {
            path: vp("/Mail/Sent/lee.eml"),
            email: email(
                "lee@home.example",
                "Your review",
                &["/Clients/Lee/review.pdf"],
            ),
        },
        true,
    );
    // Something no goal asked for.
    agent(
        &mut w,
        Op::Create {
            path: vp("/Scratch/todo.md"),
            artifact: Artifact::Text(Text {
                format: TextFormat::Markdown,
                content: "- call Chen".into(),
            })
            .into(),
        },
        true,
    );
    (w.0, out.seq)
}

#[test]
fn scripted_run_is_scored() {
    let (ws, _) = run();
    let r = score(&ws, None);
    assert_eq!(r.objectives.len(), 2);
    let chen = &r.objectives[0];
    assert_eq!(chen.id, "send-chen");
    assert!(!chen.met);
    assert!(chen.goals.iter().all(|g| !g.passed), "{chen:#?}");
    assert!(
        chen.goals[0].actual.contains("is stale"),
        "{}",
        chen.goals[0].actual
    );
    assert!(
        chen.goals[1].actual.contains("while it was stale"),
        "{}",
        chen.goals[1].actual
    );
    let lee = &r.objectives[1];
    assert!(lee.met, "{lee:#?}");
    assert_eq!((r.goals_passed, r.goals_total), (2, 4));
    // Collateral: only the scratch note (the refreshed workbook is upstream
    // of an asked-for export; exports and emails were asked for).
    assert_eq!(r.collateral.method, StartMethod::Replay);
    let changed: Vec<(String, &str)> = r
        .collateral
        .changes
        .iter()
        .map(|c| (c.path.to_string(), c.change))
        .collect();
    assert_eq!(changed, [("/Scratch/todo.md".to_owned(), "created")]);
    // One objective alone.
    let only = score(&ws, Some("send-lee"));
    assert_eq!(only.objectives.len(), 1);
    assert!(only.objectives[0].met);
}

#[test]
fn scripted_run_is_mined() {
    let (ws, custodian) = run();
    let r = mine(&ws);
    assert_eq!(r.diverged_at, None);
    let kinds: Vec<MistakeKind> = r.mistakes.iter().map(|m| m.kind).collect();
    assert_eq!(
        kinds,
        [
            MistakeKind::ExportedBeforeUpdate,
            MistakeKind::SentStaleAttachment,
            MistakeKind::RepeatedFailure
        ],
        "{:#?}",
        r.mistakes
    );
    let first = ws
        .trajectory()
        .position(|e| e.actor == "agent")
        .expect("agent") as u64
        + 1;
    let export = &r.mistakes[0];
    assert_eq!(export.events, [custodian, first]);
    assert!(
        export
            .explanation
            .contains("refresh /Clients/Chen/portfolio.xlsx first"),
        "{}",
        export.explanation
    );
    assert_eq!(r.mistakes[1].events.last(), Some(&(first + 1)));
    assert_eq!(r.mistakes[2].events, [first + 2, first + 3]);
    assert!(r.mistakes.iter().all(|m| m.actor == "agent"));

    // The trajectory alone (JSON Lines) gives the same mistakes.
    let events = simdesk_engine::parse_jsonl(&ws.trajectory_jsonl().unwrap()).expect("jsonl");
    let alone = mine_events(&events, Workspace::new(events[0].time, Persona::default()));
    assert_eq!(alone.mistakes, r.mistakes);
}

#[test]
fn mined_mistakes_of_each_kind() {
    // Overwrote a sent file, edited an export, deleted a dependency.
    let mut w = W::new();
    w.book("/m.xlsx", "S", &[("A1", Cell::value(1.0))])
        .doc("/r.docx", vec![field_para("x ", "/m.xlsx#S!A1")])
        .export("/r.docx", "/r.pdf")
        .send("/Mail/1.eml", "a@b.example", "r", &["/m.xlsx"]);
    let mut ws = w.0;
    ws.apply(Op::Write {
        path: vp("/m.xlsx"),
        artifact: Artifact::Workbook(Workbook {
            sheets: vec![Sheet::new("S")],
        })
        .into(),
    });
    ws.apply(Op::Write {
        path: vp("/r.pdf"),
        artifact: Artifact::Pdf(Pdf {
            title: None,
            pages: vec![PdfPage {
                text: "edited".into(),
            }],
        })
        .into(),
    });
    ws.apply(Op::Delete {
        path: vp("/m.xlsx"),
        recursive: false,
    });
    // Export then change the source, then export again.
    ws.apply(Op::Export {
        source: vp("/r.docx"),
        target: vp("/r.md"),
        sheet: None,
    });
    ws.apply(Op::EditDocument {
        path: vp("/r.docx"),
        edit: DocEdit::Insert {
            index: 0,
            block: Block::para("new"),
        },
    });
    ws.apply(Op::Export {
        source: vp("/r.docx"),
        target: vp("/r.md"),
        sheet: None,
    });
    let kinds: Vec<&str> = mine(&ws).mistakes.iter().map(|m| m.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "overwrote-source",
            "edited-derived",
            "deleted-dependency",
            "exported-before-update"
        ]
    );
}
