//! The mistakes the goals reveal, one small world each: a constant over a
//! formula, a deliverable to the wrong person, a missed due date, a
//! reviewer's correction ignored, missing information nobody was asked for.
//! Each has a twin done right that mines clean.

use simdesk_check::mine;
use simdesk_model::*;

use crate::common::*;

const BOSS: &str = "boss@firm.example";

/// A workbook with a computed total, a memo quoting it, and an objective
/// from the boss: the memo as PDF, mentioning the new fee, by Jan 9.
fn desk(extra_goals: Vec<Goal>) -> W {
    let mut w = W::new();
    w.book(
        "/m.xlsx",
        "S",
        &[
            ("A1", Cell::value(1.0)),
            ("A2", Cell::value(2.0)),
            ("B1", Cell::formula("A1+A2")),
        ],
    )
    .doc("/r.docx", vec![field_para("Total ", "/m.xlsx#S!B1")]);
    let mut goals = vec![
        Goal::EmailSent {
            to: BOSS.into(),
            subject_contains: None,
            attachment: Some(vp("/r.pdf")),
        },
        Goal::Contains {
            path: vp("/r.docx"),
            needle: "fee 1.2%".into(),
        },
    ];
    goals.extend(extra_goals);
    w.op(Op::AddObjective {
        objective: Objective {
            id: "memo".into(),
            title: "Send the memo".into(),
            description: String::new(),
            requested_by: BOSS.into(),
            message_id: None,
            assigned: None,
            due: SimTime::from_ymd(2026, 1, 9).expect("date"),
            late: LatePolicy::Fail,
            reference: vec![],
            confidential: vec![],
            goals,
        },
    });
    w
}

fn agent(w: &mut W, op: Op) -> &mut W {
    w.op_as("agent", op)
}

fn note(w: &mut W) -> &mut W {
    agent(
        w,
        Op::EditDocument {
            path: vp("/r.docx"),
            edit: DocEdit::Insert {
                index: 0,
                block: Block::para("The fee 1.2% applies."),
            },
        },
    )
}

fn export(w: &mut W) -> &mut W {
    agent(
        w,
        Op::Export {
            source: vp("/r.docx"),
            target: vp("/r.pdf"),
            sheet: None,
        },
    )
}

fn send<'w>(w: &'w mut W, n: u32, to: &str, attachments: &[&str]) -> &'w mut W {
    let mut e = email(to, "Memo", attachments);
    e.message_id = format!("m{n}@firm.example");
    agent(
        w,
        Op::SendEmail {
            path: vp(&format!("/Mail/Sent/{n}.eml")),
            email: e,
        },
    )
}

/// The boss answers the agent's message `n`.
fn reply(w: &mut W, n: u32) -> &mut W {
    let e = Email {
        from: Mailbox::new("Boss", BOSS),
        to: vec![Mailbox::new("Mei Chen", ME)],
        subject: "Re: Memo".into(),
        message_id: format!("r{n}@firm.example"),
        in_reply_to: Some(format!("m{n}@firm.example")),
        body: vec![Paragraph::text("The fee is missing; please fix it.")],
        ..Email::default()
    };
    w.op_as(
        "boss",
        Op::SendEmail {
            path: vp(&format!("/Mail/Inbox/{n}.eml")),
            email: e,
        },
    )
}

/// Each mined mistake as `kind #events`.
fn mined(w: &W) -> Vec<String> {
    mine(&w.0)
        .mistakes
        .iter()
        .map(|m| {
            let ev: Vec<String> = m.events.iter().map(|e| format!("#{e}")).collect();
            format!("{} {}", m.kind.as_str(), ev.join(" "))
        })
        .collect()
}

fn last_seq(w: &W) -> u64 {
    w.0.trajectory().last().map(|e| e.seq).unwrap()
}

#[test]
fn overwrote_a_computed_cell() {
    let mut w = desk(vec![]);
    agent(
        &mut w,
        Op::SetCells {
            path: vp("/m.xlsx"),
            sheet: "S".into(),
            cells: vec![CellEdit {
                cell: "B1".parse().unwrap(),
                input: CellInput::value(4.0),
            }],
        },
    );
    let at = last_seq(&w);
    note(&mut w);
    export(&mut w);
    send(&mut w, 1, BOSS, &["/r.pdf"]);
    assert_eq!(mined(&w), [format!("overwrote-computed-cell #{at}")]);
    let m = &mine(&w.0).mistakes[0];
    assert!(m.explanation.contains("S!B1 (=A1+A2)"), "{}", m.explanation);
    // Changing an input instead mines clean.
    let mut w = desk(vec![]);
    w.set("/m.xlsx", "S", "A1", 3.0);
    note(&mut w);
    export(&mut w);
    send(&mut w, 1, BOSS, &["/r.pdf"]);
    assert_eq!(mined(&w), Vec::<String>::new());
}

#[test]
fn sent_the_deliverable_to_the_wrong_recipient() {
    let mut w = desk(vec![]);
    note(&mut w);
    export(&mut w);
    send(&mut w, 1, "pat@firm.example", &["/r.pdf"]);
    let at = last_seq(&w);
    assert_eq!(mined(&w), [format!("wrong-recipient #{at}")]);
    let m = &mine(&w.0).mistakes[0];
    assert!(
        m.explanation.contains("to pat@firm.example at")
            && m.explanation.contains("but boss@firm.example asked for it"),
        "{}",
        m.explanation
    );
    // Copying a colleague on the right delivery is no mistake.
    let mut w = desk(vec![]);
    note(&mut w);
    export(&mut w);
    let mut e = email(BOSS, "Memo", &["/r.pdf"]);
    e.cc = vec![Mailbox::new("", "pat@firm.example")];
    agent(
        &mut w,
        Op::SendEmail {
            path: vp("/Mail/Sent/1.eml"),
            email: e,
        },
    );
    assert_eq!(mined(&w), Vec::<String>::new());
}

#[test]
fn missed_the_due_date() {
    let mut w = desk(vec![]);
    note(&mut w);
    export(&mut w);
    w.op_as(
        "clock",
        Op::AdvanceClock {
            seconds: 7 * 86_400,
        },
    );
    send(&mut w, 1, BOSS, &["/r.pdf"]);
    let at = last_seq(&w);
    assert_eq!(mined(&w), [format!("missed-due-date #{at}")]);
    // On time, clean.
    let mut w = desk(vec![]);
    note(&mut w);
    export(&mut w);
    send(&mut w, 1, BOSS, &["/r.pdf"]);
    assert_eq!(mined(&w), Vec::<String>::new());
}

#[test]
fn ignored_a_collaborators_correction() {
    // The memo goes out without the fee; the boss says so; nothing follows.
    let mut w = desk(vec![]);
    export(&mut w);
    send(&mut w, 1, BOSS, &["/r.pdf"]);
    let sent = last_seq(&w);
    reply(&mut w, 1);
    let replied = last_seq(&w);
    assert_eq!(
        mined(&w),
        [format!("ignored-correction #{sent} #{replied}")]
    );
    // Fixed and sent again after the reply: the correction was heeded
    // (what remains is the first export, made before the memo was final).
    note(&mut w);
    let fixed = last_seq(&w);
    export(&mut w);
    let again = last_seq(&w);
    send(&mut w, 2, BOSS, &["/r.pdf"]);
    assert_eq!(
        mined(&w),
        [format!(
            "exported-before-update #{} #{fixed} #{again}",
            sent - 1
        )]
    );
}

#[test]
fn asked_nobody_when_information_was_missing() {
    // The objective needs new prices that never came; the agent sent only
    // the deliverable.
    let needs = vec![Goal::RefreshedFrom {
        path: vp("/m.xlsx"),
        source: vp("/Data/prices-new.csv"),
    }];
    let mut w = desk(needs.clone());
    note(&mut w);
    export(&mut w);
    send(&mut w, 1, BOSS, &["/r.pdf"]);
    let at = last_seq(&w);
    assert_eq!(mined(&w), [format!("asked-nobody #{at}")]);
    let m = &mine(&w.0).mistakes[0];
    assert_eq!(m.paths, [vp("/Data/prices-new.csv")]);
    // Asking for them (a message without attachments) is no mistake, even
    // when the answer never comes.
    let mut w = desk(needs);
    send(&mut w, 1, BOSS, &[]);
    note(&mut w);
    export(&mut w);
    send(&mut w, 2, BOSS, &["/r.pdf"]);
    assert_eq!(mined(&w), Vec::<String>::new());
}
