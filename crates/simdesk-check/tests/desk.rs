//! A small hand-built advisor's desk with every new goal kind, a
//! reference solution and confidentiality rules: two clients whose
//! portfolios import a custodian's price file, a review quoting the
//! portfolio total, last quarter's review PDF, and new prices that arrive
//! before the agent starts. Each objective asks to re-import the new
//! prices, keep the total computed, export the review under a stated
//! name pattern and send it to the client, on time and to no one else.

use simdesk_engine::Workspace;
use simdesk_model::*;

use crate::common::*;

pub const OLD_PRICES: &str = "/Data/Custodian/prices-2025-12.csv";
pub const NEW_PRICES: &str = "/Data/Custodian/prices-2026-01.csv";
const PRICES_V1: &str = "Ticker,Close\nVTI,250\nBND,72\n";
const PRICES_V2: &str = "Ticker,Close\nVTI,262\nBND,71\n";

/// The clients: name, late policy.
pub const CLIENTS: [(&str, LatePolicy); 2] = [
    ("Chen", LatePolicy::Fail),
    ("Lee", LatePolicy::Decay { per_day: 0.25 }),
];

fn address(name: &str) -> String {
    format!("{}@home.example", name.to_lowercase())
}

fn objective(name: &str, late: LatePolicy) -> Objective {
    let dir = format!("/Clients/{name}");
    let book = vp(&format!("{dir}/portfolio.xlsx"));
    let review = vp(&format!("{dir}/review.docx"));
    let pattern = format!("{dir}/{name} Review 2026-01*.pdf");
    let target = vp(&format!("{dir}/{name} Review 2026-01.pdf"));
    let total = rf(&format!("{book}#Summary!B1"));
    Objective {
        id: format!("obj-{}", name.to_lowercase()),
        title: format!("Send {name} the January review"),
        description: format!(
            "Re-import the January prices into {name}'s portfolio and send the review as \"{name} Review 2026-01.pdf\"."
        ),
        requested_by: "boss@firm.example".into(),
        message_id: None,
        assigned: Some(start()),
        due: SimTime::from_ymd(2026, 1, 9).expect("date").at(17, 0, 0),
        late,
        goals: vec![
            Goal::RefreshedFrom {
                path: book.clone(),
                source: vp(NEW_PRICES),
            },
            Goal::FormulaKept {
                cell: total.clone(),
                formula: Some("SUM(Prices!B2:B3)".into()),
            },
            Goal::CellEquals {
                cell: total,
                expected: CellValue::Number(333.0),
                tolerance: 0.0,
            },
            Goal::Deliverable {
                pattern: pattern.clone(),
                source: review.clone(),
                min_similarity: 0.9,
            },
            Goal::CleanDeliverable {
                pattern: pattern.clone(),
            },
            Goal::DeliveredTo {
                to: address(name),
                attachment: Some(format!("{name} Review 2026-01*.pdf")),
                subject_contains: None,
            },
        ],
        reference: vec![
            Op::Unlink {
                source: vp(OLD_PRICES),
                dependent: book.clone(),
            },
            Op::Link {
                source: rf(NEW_PRICES),
                dependent: rf(&format!("{book}#Prices")),
                kind: LinkKind::Import,
            },
            Op::Refresh { path: book },
            Op::Export {
                source: review,
                target: target.clone(),
                sheet: None,
            },
            Op::SendEmail {
                path: vp(&format!("/Mail/Sent/{name} review.eml")),
                email: email(&address(name), "Your January review", &[target.as_str()]),
            },
        ],
        confidential: vec![Confidential {
            owner: name.into(),
            material: vec![format!("{dir}/**")],
            entitled: vec![address(name), "@firm.example".into()],
        }],
    }
}

fn start() -> SimTime {
    SimTime::from_ymd(2026, 1, 5).expect("date").at(9, 0, 0)
}

/// The desk as the agent finds it.
pub fn desk() -> Workspace {
    let mut w = W::new();
    w.text(OLD_PRICES, PRICES_V1);
    for (name, late) in CLIENTS {
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
                ("A2", Cell::value("Fee rate")),
                ("B2", Cell::value(0.01)),
            ],
        )
        .op(Op::Link {
            source: rf(OLD_PRICES),
            dependent: rf(&format!("{dir}/portfolio.xlsx#Prices")),
            kind: LinkKind::Import,
        })
        .doc(
            &format!("{dir}/review.docx"),
            vec![
                Block::heading(1, &format!("{name} portfolio review")),
                Block::Paragraph {
                    inlines: vec![Inline::text(
                        "Markets were calm this month and your allocation is unchanged.",
                    )],
                },
                field_para(
                    "Total portfolio value: ",
                    &format!("{dir}/portfolio.xlsx#Summary!B1"),
                ),
            ],
        )
        .export(
            &format!("{dir}/review.docx"),
            &format!("{dir}/{name} Review 2025-Q4.pdf"),
        )
        .op(Op::AddObjective {
            objective: objective(name, late),
        });
    }
    w.op_as(
        "custodian@bank.example",
        Op::Create {
            path: vp(NEW_PRICES),
            artifact: Artifact::Text(Text {
                format: TextFormat::Csv,
                content: PRICES_V2.into(),
            })
            .into(),
        },
    );
    w.0
}
