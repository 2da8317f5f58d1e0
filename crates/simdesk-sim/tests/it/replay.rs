//! Determinism, replay (with a recorded responder) and fork.

use std::sync::Arc;

use simdesk_sim::{Responder, ResponseContext, Session};

use crate::fixture::*;

/// A month in miniature: reads, questions, waits, edits, exports, mail.
pub const SCRIPT: &str = r#"
    read_calendar {}
    wait_for_email {}
    read_email {"path": "/Users/ana/Mail/Inbox/2026-01-05 0930 New fee rate for the Ruiz account.eml"}
    send_email {"to": ["rita.ruiz@mail.example"], "subject": "Rate", "body": "Which fee rate did we agree?"}
    read_file {"path": "/Users/ana/Models/fees.xlsx"}
    wait_for_email {}
    list_emails {}
    write_cells {"path": "/Users/ana/Models/fees.xlsx", "sheet": "Summary", "cells": [{"cell": "B2", "value": 0.0075}]}
    export_pdf {"path": "/Users/ana/Reports/fee memo.docx"}
    send_email {"to": ["sam.lee@firm.example"], "subject": "Fee memo", "body": "Attached.", "attachments": ["/Users/ana/Reports/fee memo.pdf"]}
    wait_for_email {}
    wait_for_email {}
    export_csv {"path": "/Users/ana/Models/fees.xlsx"}
    send_email {"to": ["pia.berg@firm.example"], "subject": "Fee table", "body": "Here it is.", "attachments": ["/Users/ana/Models/fees.csv"]}
    wait {"minutes": 600}
    finish {}
"#;

fn played() -> Session {
    let mut s = session();
    for r in run(&mut s, SCRIPT) {
        assert!(!r.is_error, "{}", r.text);
    }
    s
}

#[test]
fn same_world_and_calls_give_identical_steps_and_world() {
    let (a, b) = (played(), played());
    assert_eq!(a.steps_jsonl().unwrap(), b.steps_jsonl().unwrap());
    assert_eq!(
        a.clone().into_world().save().unwrap(),
        b.clone().into_world().save().unwrap()
    );
    let score = simdesk_check::score(a.world(), None);
    assert!(score.objectives.iter().all(|o| o.met), "{score:?}");
}

#[test]
fn replay_reproduces_a_session() {
    let a = played();
    let steps: Vec<_> = a.steps().cloned().collect();
    let b = Session::replay(world(), scenario(), &steps).unwrap();
    assert_eq!(a.steps_jsonl().unwrap(), b.steps_jsonl().unwrap());
    assert_eq!(
        a.into_world().save().unwrap(),
        b.into_world().save().unwrap()
    );
}

/// Writes every message in capitals, numbered: output no template gives.
struct Shouting(std::sync::atomic::AtomicU32);

impl Responder for Shouting {
    fn respond(&self, ctx: &ResponseContext<'_>) -> Option<String> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(format!(
            "#{n} {} SAYS: {}",
            ctx.rule.to_uppercase(),
            ctx.text.to_uppercase()
        ))
    }
}

#[test]
fn replay_with_a_recorded_responder_needs_no_responder() {
    let mut a = session();
    a.set_responder(Some(Arc::new(Shouting(0.into()))));
    run(&mut a, SCRIPT);
    let steps: Vec<_> = a.steps().cloned().collect();
    let written: Vec<&String> = steps
        .iter()
        .flat_map(|s| s.responses.iter().flatten())
        .collect();
    assert_eq!(written.len(), 2, "{written:?}");
    assert!(a.world().artifacts().any(|(_, art)| {
        match art {
            simdesk_model::Artifact::Email(e) => {
                simdesk_model::inlines_text(e.body.get(1).map_or(&[][..], |p| &p.inlines[..]))
                    .starts_with("#0 ANSWER SAYS")
            }
            _ => false,
        }
    }));
    // No responder on replay: the recorded text is used.
    let b = Session::replay(world(), scenario(), &steps).unwrap();
    assert_eq!(a.steps_jsonl().unwrap(), b.steps_jsonl().unwrap());
    assert_eq!(
        a.into_world().save().unwrap(),
        b.into_world().save().unwrap()
    );
    // Steps read back from JSON Lines replay the same.
    let back: Vec<simdesk_sim::Step> = steps
        .iter()
        .map(|s| serde_json::from_str(&serde_json::to_string(s).unwrap()).unwrap())
        .collect();
    assert_eq!(back, steps);
}

#[test]
fn a_fork_continued_with_the_same_calls_equals_the_original() {
    let calls: Vec<&str> = SCRIPT
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let full = played();
    for k in [0, 3, 7, 12] {
        let mut s = session();
        run(&mut s, &calls[..k].join("\n"));
        let mut fork = s.fork();
        // The original goes elsewhere; the fork does not see it.
        run(
            &mut s,
            "write_cells {\"path\": \"/Users/ana/Models/fees.xlsx\", \"sheet\": \"Summary\", \"cells\": [{\"cell\": \"B1\", \"value\": 5}]}",
        );
        run(&mut fork, &calls[k..].join("\n"));
        assert_eq!(
            fork.steps_jsonl().unwrap(),
            full.steps_jsonl().unwrap(),
            "fork at {k}"
        );
        assert_eq!(
            fork.into_world().save().unwrap(),
            full.clone().into_world().save().unwrap(),
            "fork at {k}"
        );
    }
}

/// Views rendered ahead (as a server's base session does) are only a cache:
/// a fork of a session that rendered them gives the same steps and world
/// as a session that never did, also when it reads a rendered workbook
/// again after editing it.
#[test]
fn views_rendered_ahead_change_no_result() {
    let script = SCRIPT.replace(
        "finish {}",
        r#"read_file {"path": "/Users/ana/Models/fees.xlsx"}"#,
    );
    let mut plain = session();
    let base = session();
    base.render_views();
    let mut rendered = base.fork();
    for s in [&mut plain, &mut rendered] {
        for r in run(s, &script) {
            assert!(!r.is_error, "{}", r.text);
        }
    }
    let last = plain.steps_jsonl().unwrap();
    assert_eq!(rendered.steps_jsonl().unwrap(), last);
    assert_eq!(
        rendered.into_world().save().unwrap(),
        plain.into_world().save().unwrap()
    );
}
