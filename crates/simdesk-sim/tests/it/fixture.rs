//! A small world and a scenario exercising every collaborator rule.

use std::sync::Arc;

use serde_json::Value;
use simdesk_engine::Workspace;
use simdesk_model::*;
use simdesk_sim::{Scenario, Session, ToolResult};

pub const HOME: &str = "/Users/ana";
pub const BOOK: &str = "/Users/ana/Models/fees.xlsx";
pub const MEMO: &str = "/Users/ana/Reports/fee memo.docx";

fn p(s: &str) -> VPath {
    s.parse().unwrap()
}

/// Ana's computer: a fee workbook, a memo quoting it, mail folders.
pub fn world() -> Workspace {
    let start = SimTime::parse("2026-01-05T08:00:00Z").unwrap();
    let persona = Persona {
        name: "Ana Ruiz".into(),
        email: "ana.ruiz@firm.example".into(),
        ..Persona::default()
    };
    let mut ws = Workspace::new(start, persona);
    for f in ["Mail/Inbox", "Mail/Sent", "Downloads"] {
        ws.apply_as(
            "generator",
            Op::Mkdir {
                path: p(&format!("{HOME}/{f}")),
            },
        );
    }
    let mut sheet = Sheet::new("Summary");
    let cells = [
        ("A1", Cell::value("Assets")),
        ("B1", Cell::value(1_000_000.0)),
        ("A2", Cell::value("Rate")),
        ("B2", Cell::value(0.01).with_format("0.00%")),
        ("A3", Cell::value("Fee")),
        ("B3", Cell::formula("B1*B2").with_format("#,##0.00")),
    ];
    for (a, c) in cells {
        sheet.cells.insert(a.parse().unwrap(), c);
    }
    let out = ws.apply_as(
        "generator",
        Op::Create {
            path: p(BOOK),
            artifact: Artifact::Workbook(Workbook {
                sheets: vec![sheet],
            })
            .into(),
        },
    );
    assert!(out.is_applied(), "{out:?}");
    let memo = Document {
        title: Some("Fee memo".into()),
        blocks: vec![
            Block::heading(1, "Fees"),
            Block::Paragraph {
                inlines: vec![
                    Inline::text("The annual fee is "),
                    Inline::field(
                        format!("{BOOK}#Summary!B3").parse().unwrap(),
                        Some("#,##0.00"),
                    ),
                    Inline::text("."),
                ],
            },
        ],
    };
    let out = ws.apply_as(
        "generator",
        Op::Create {
            path: p(MEMO),
            artifact: Artifact::Document(memo).into(),
        },
    );
    assert!(out.is_applied(), "{out:?}");
    ws
}

/// The scenario: a manager who reviews, a client who holds the new rate
/// back and disagrees with the manager, a custodian holding a corrected
/// file back, a peer waiting for a CSV.
pub const SCENARIO: &str = r#"
agent = { name = "Ana Ruiz", address = "ana.ruiz@firm.example" }
home = "/Users/ana"
brief = "You are Ana Ruiz, an advisor. Work through your inbox."
end = "2026-02-06T18:00:00Z"
follow_ups = { manager = "manager", remind_hours_before = 24, escalate_hours_after = 2 }

[[collaborators]]
key = "manager"
name = "Sam Lee"
email = "sam.lee@firm.example"
role = "Managing Director"
relation = "manager"
style = "terse"
latency_minutes = 30
reviews = ["obj-1"]

[[collaborators]]
key = "client"
name = "Rita Ruiz"
email = "rita.ruiz@mail.example"
role = "Client"
relation = "client"
style = "chatty"
latency_minutes = 120
hours = { start = "10:00", end = "16:00", days = ["mon", "tue", "wed", "thu", "fri"], utc_offset_minutes = -300 }

[[collaborators.knows]]
id = "new-rate"
keywords = ["rate", "fee"]
min_keywords = 2
fact = "The rate we agreed is 0.75%."
hold_back = true
objective = "obj-1"

[[collaborators]]
key = "ops"
name = "Omar Haddad"
email = "omar.haddad@custody.example"
relation = "vendor"
style = "formal"
latency_minutes = 60

[[collaborators.knows]]
id = "corrected-positions"
keywords = ["corrected", "positions"]
min_keywords = 2
refs = ["positions_corrected.csv"]
fact = "Here is the corrected positions file."
hold_back = true
file = { path = "/Users/ana/Downloads/positions_corrected.csv", artifact = { kind = "text", format = "csv", content = "Ticker,Qty\nVTI,120\n" } }

[[collaborators]]
key = "peer"
name = "Pia Berg"
email = "pia.berg@firm.example"
relation = "peer"
style = "skeptical"

[[schedule]]
at = "2026-01-05T09:30:00Z"
from = "manager"
subject = "New fee rate for the Ruiz account"
body = "Rita agreed a new advisory rate. Ask her for it, update the fee model, export the memo to PDF and send it to me."
[schedule.objective]
id = "obj-1"
title = "Apply the new fee rate"
requested_by = "sam.lee@firm.example"
due = "2026-01-09T17:00:00Z"
goals = [
  { goal = "cell_equals", cell = "/Users/ana/Models/fees.xlsx#Summary!B2", expected = { number = 0.0075 }, tolerance = 1e-9 },
  { goal = "exported_fresh", path = "/Users/ana/Reports/fee memo.pdf", source = "/Users/ana/Reports/fee memo.docx" },
  { goal = "email_sent", to = "sam.lee@firm.example", attachment = "/Users/ana/Reports/fee memo.pdf" },
]

[[schedule]]
at = "2026-01-06T11:00:00Z"
from = "peer"
subject = "Fee table as CSV"
body = "Could you export the fee table to CSV and send it over by Wednesday?"
[schedule.objective]
id = "obj-2"
title = "Send the fee table CSV"
requested_by = "pia.berg@firm.example"
due = "2026-01-07T17:00:00Z"
goals = [
  { goal = "exported_fresh", path = "/Users/ana/Models/fees.csv", source = "/Users/ana/Models/fees.xlsx" },
  { goal = "email_sent", to = "pia.berg@firm.example", attachment = "/Users/ana/Models/fees.csv" },
]

[[conflicts]]
id = "conflict-1"
objective = "obj-1"
winner = "manager"
keywords = ["disagree", "which rate"]
resolution = "Use 0.75%. The 0.70% Rita mentioned is not approved."
[[conflicts.instructions]]
from = "client"
at = "2026-01-06T15:00:00Z"
subject = "Our rate"
body = "Just to be clear, we expect 0.70% and nothing higher."
[[conflicts.instructions]]
from = "manager"
at = "2026-01-06T16:00:00Z"
subject = "Re: Our rate"
body = "Whatever is said now, we apply the rate in the signed agreement and nothing lower."
"#;

pub fn scenario() -> Arc<Scenario> {
    Arc::new(Scenario::from_toml(SCENARIO).unwrap())
}

pub fn session() -> Session {
    Session::new(world(), scenario()).unwrap()
}

/// Runs calls written one per line as `tool {json args}`; returns the
/// results.
pub fn run(s: &mut Session, calls: &str) -> Vec<ToolResult> {
    calls
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (name, args) = l.split_once(' ').unwrap_or((l, "{}"));
            let args: Value = serde_json::from_str(args).unwrap_or_else(|e| panic!("{l}: {e}"));
            s.call_raw(name, args)
        })
        .collect()
}

/// Every arrival of a session so far, one line each.
pub fn arrivals(s: &Session) -> String {
    s.steps()
        .flat_map(|st| st.result.arrived.iter())
        .map(|a| format!("{} {} {} {:?}\n", a.time, a.from, a.rule, a.subject))
        .collect()
}

/// The body of the newest email in the inbox whose arrival rule is `rule`.
pub fn last_body(s: &Session, rule: &str) -> String {
    let a = s
        .steps()
        .flat_map(|st| st.result.arrived.iter())
        .filter(|a| a.rule == rule)
        .last()
        .unwrap_or_else(|| panic!("no {rule} arrived"));
    match s.world().artifact(&a.path) {
        Some(Artifact::Email(e)) => e
            .body
            .iter()
            .map(|p| inlines_text(&p.inlines))
            .collect::<Vec<_>>()
            .join("\n"),
        other => panic!("{other:?}"),
    }
}
