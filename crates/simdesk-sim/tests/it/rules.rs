//! Collaborator rules as one data-driven table: each rule with a case that
//! fires and a near miss that does not.

use expect_test::expect;
use simdesk_model::VPath;

use crate::fixture::*;

/// One row: the calls an agent makes, the rule and sender to look for
/// among arrivals, whether it must fire, and a file that exists iff it
/// fires.
struct Case {
    name: &'static str,
    calls: &'static str,
    rule: &'static str,
    from: &'static str,
    fires: bool,
    file: Option<&'static str>,
}

const SEND_MEMO: &str = r#"send_email {"to": ["sam.lee@firm.example"], "subject": "Fee memo", "body": "Attached.", "attachments": ["/Users/ana/Reports/fee memo.pdf"]}"#;

const CASES: &[Case] = &[
    Case {
        name: "answer: asked with enough keywords",
        calls: r#"
            wait_for_email {}
            send_email {"to": ["Rita Ruiz <rita.ruiz@mail.example>"], "subject": "New fee rate", "body": "Hi Rita, which fee rate did you agree with Sam?"}
            wait_for_email {}
        "#,
        rule: "answer",
        from: "client",
        fires: true,
        file: None,
    },
    Case {
        name: "answer near miss: one keyword of two",
        calls: r#"
            wait_for_email {}
            send_email {"to": ["rita.ruiz@mail.example"], "subject": "Hello", "body": "Hi Rita, how is the fee review going?"}
            wait_for_email {}
        "#,
        rule: "answer",
        from: "client",
        fires: false,
        file: None,
    },
    Case {
        name: "hold-back: the right person sends the file",
        calls: r#"
            send_email {"to": ["omar.haddad@custody.example"], "subject": "Positions", "body": "Could you send the corrected positions file?"}
            wait_for_email {"max_minutes": 600}
        "#,
        rule: "answer",
        from: "ops",
        fires: true,
        file: Some("/Users/ana/Downloads/positions_corrected.csv"),
    },
    Case {
        name: "hold-back near miss: the wrong person cannot",
        calls: r#"
            send_email {"to": ["sam.lee@firm.example"], "subject": "Positions", "body": "Could you send the corrected positions file?"}
            wait {"minutes": 600}
        "#,
        rule: "answer",
        from: "manager",
        fires: false,
        file: Some("/Users/ana/Downloads/positions_corrected.csv"),
    },
    Case {
        name: "review: a failing deliverable gets a push-back",
        calls: r#"
            wait_for_email {}
            export_pdf {"path": "/Users/ana/Reports/fee memo.docx"}
            SEND_MEMO
            wait_for_email {}
        "#,
        rule: "review_fail",
        from: "manager",
        fires: true,
        file: None,
    },
    Case {
        name: "review near miss: a correct deliverable is accepted",
        calls: r#"
            wait_for_email {}
            write_cells {"path": "/Users/ana/Models/fees.xlsx", "sheet": "Summary", "cells": [{"cell": "B2", "value": 0.0075}]}
            export_pdf {"path": "/Users/ana/Reports/fee memo.docx"}
            SEND_MEMO
            wait_for_email {}
        "#,
        rule: "review_fail",
        from: "manager",
        fires: false,
        file: None,
    },
    Case {
        name: "conflict: asked after both sides spoke, the winner answers",
        calls: r#"
            wait_until {"time": "2026-01-06T16:30:00Z"}
            send_email {"to": ["rita.ruiz@mail.example"], "subject": "Rate", "body": "You and Sam seem to disagree - which rate should I use?"}
            wait_for_email {}
        "#,
        rule: "resolution",
        from: "manager",
        fires: true,
        file: None,
    },
    Case {
        name: "conflict near miss: asked before the second instruction",
        calls: r#"
            wait_until {"time": "2026-01-06T15:30:00Z"}
            send_email {"to": ["rita.ruiz@mail.example"], "subject": "Rate", "body": "You and Sam seem to disagree - which rate should I use?"}
            wait_for_email {}
            wait_for_email {}
        "#,
        rule: "resolution",
        from: "manager",
        fires: false,
        file: None,
    },
    Case {
        name: "reminder: nothing sent a day before the due date",
        calls: r#"
            wait_until {"time": "2026-01-06T18:00:00Z"}
        "#,
        rule: "reminder",
        from: "peer",
        fires: true,
        file: None,
    },
    Case {
        name: "reminder near miss: the work is done",
        calls: r#"
            wait_until {"time": "2026-01-06T11:00:00Z"}
            export_csv {"path": "/Users/ana/Models/fees.xlsx"}
            send_email {"to": ["pia.berg@firm.example"], "subject": "Fee table", "body": "Here it is.", "attachments": ["/Users/ana/Models/fees.csv"]}
            wait_until {"time": "2026-01-06T18:00:00Z"}
        "#,
        rule: "reminder",
        from: "peer",
        fires: false,
        file: None,
    },
    Case {
        name: "escalation: past the due date, the manager writes",
        calls: r#"
            wait_until {"time": "2026-01-08T10:00:00Z"}
        "#,
        rule: "escalation",
        from: "manager",
        fires: true,
        file: None,
    },
    Case {
        name: "escalation near miss: done on time",
        calls: r#"
            wait_until {"time": "2026-01-06T11:00:00Z"}
            export_csv {"path": "/Users/ana/Models/fees.xlsx"}
            send_email {"to": ["pia.berg@firm.example"], "subject": "Fee table", "body": "Here it is.", "attachments": ["/Users/ana/Models/fees.csv"]}
            wait_until {"time": "2026-01-08T10:00:00Z"}
        "#,
        rule: "escalation",
        from: "manager",
        fires: false,
        file: None,
    },
];

#[test]
fn collaborator_rules_fire_and_near_misses_do_not() {
    let mut log = String::new();
    for c in CASES {
        let mut s = session();
        let calls = c.calls.replace("SEND_MEMO", SEND_MEMO);
        for (i, r) in run(&mut s, &calls).iter().enumerate() {
            assert!(!r.is_error, "{}: call {i}: {}", c.name, r.text);
        }
        let fired = s
            .steps()
            .flat_map(|st| st.result.arrived.iter())
            .any(|a| a.rule == c.rule && a.from == c.from);
        assert_eq!(fired, c.fires, "{}\n{}", c.name, arrivals(&s));
        if let Some(f) = c.file {
            let exists = s.world().artifact(&f.parse::<VPath>().unwrap()).is_some();
            assert_eq!(exists, c.fires, "{}: {f}", c.name);
        }
        log.push_str(&format!("## {}\n{}", c.name, arrivals(&s)));
    }
    expect![[r###"
        ## answer: asked with enough keywords
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-05T15:00:00Z client answer "Re: New fee rate"
        ## answer near miss: one keyword of two
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-05T15:00:00Z client unknown "Re: Hello"
        ## hold-back: the right person sends the file
        2026-01-05T09:00:00Z ops answer "Re: Positions"
        ## hold-back near miss: the wrong person cannot
        2026-01-05T09:00:00Z manager unknown "Re: Positions"
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        ## review: a failing deliverable gets a push-back
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-05T10:00:45Z manager review_fail "Re: Fee memo"
        ## review near miss: a correct deliverable is accepted
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-05T10:02:15Z manager review_pass "Re: Fee memo"
        ## conflict: asked after both sides spoke, the winner answers
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-06T11:00:00Z peer request "Fee table as CSV"
        2026-01-06T15:00:00Z client instruction "Our rate"
        2026-01-06T16:00:00Z manager instruction "Re: Our rate"
        2026-01-06T17:00:00Z peer reminder "Reminder: Send the fee table CSV"
        2026-01-06T17:00:00Z manager resolution "Re: Rate"
        ## conflict near miss: asked before the second instruction
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-06T11:00:00Z peer request "Fee table as CSV"
        2026-01-06T15:00:00Z client instruction "Our rate"
        2026-01-06T16:00:00Z manager instruction "Re: Our rate"
        2026-01-06T17:00:00Z peer reminder "Reminder: Send the fee table CSV"
        ## reminder: nothing sent a day before the due date
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-06T11:00:00Z peer request "Fee table as CSV"
        2026-01-06T15:00:00Z client instruction "Our rate"
        2026-01-06T16:00:00Z manager instruction "Re: Our rate"
        2026-01-06T17:00:00Z peer reminder "Reminder: Send the fee table CSV"
        ## reminder near miss: the work is done
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-06T11:00:00Z peer request "Fee table as CSV"
        2026-01-06T15:00:00Z client instruction "Our rate"
        2026-01-06T16:00:00Z manager instruction "Re: Our rate"
        ## escalation: past the due date, the manager writes
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-06T11:00:00Z peer request "Fee table as CSV"
        2026-01-06T15:00:00Z client instruction "Our rate"
        2026-01-06T16:00:00Z manager instruction "Re: Our rate"
        2026-01-06T17:00:00Z peer reminder "Reminder: Send the fee table CSV"
        2026-01-08T09:00:00Z manager escalation "Overdue: Send the fee table CSV"
        ## escalation near miss: done on time
        2026-01-05T09:30:00Z manager request "New fee rate for the Ruiz account"
        2026-01-06T11:00:00Z peer request "Fee table as CSV"
        2026-01-06T15:00:00Z client instruction "Our rate"
        2026-01-06T16:00:00Z manager instruction "Re: Our rate"
    "###]]
    .assert_eq(&log);
}

#[test]
fn push_back_names_what_is_wrong() {
    let mut s = session();
    run(
        &mut s,
        &format!(
            "wait_for_email {{}}\nexport_pdf {{\"path\": \"{MEMO}\"}}\n{SEND_MEMO}\nwait_for_email {{}}"
        ),
    );
    expect![[r#"
        Hi,
        Needs another pass: expected /Users/ana/Models/fees.xlsx#Summary!B2 = 0.0075 ± 0.000000001, but found /Users/ana/Models/fees.xlsx#Summary!B2 = 0.01.
        - Sam"#]].assert_eq(&last_body(&s, "review_fail"));
}

/// The new rate is nowhere on disk until the client is asked: waiting out
/// the whole week leaves the objective unmet and the figure unfindable.
#[test]
fn hold_back_objective_cannot_be_completed_without_asking() {
    let mut s = session();
    let r = run(
        &mut s,
        r#"
        wait_until {"time": "2026-01-09T12:00:00Z"}
        search_files {"query": "0.75", "path": "/Users/ana"}
        search_files {"query": "0.0075", "path": "/Users/ana"}
        "#,
    );
    assert!(r[1].text.starts_with("0 match(es)"), "{}", r[1].text);
    assert!(r[2].text.starts_with("0 match(es)"), "{}", r[2].text);
    let score = simdesk_check::score(s.world(), Some("obj-1"));
    assert!(!score.objectives[0].met);

    // Asking the client brings the figure; then the work can be done.
    let mut s = session();
    let r = run(
        &mut s,
        r#"
        wait_for_email {}
        send_email {"to": ["rita.ruiz@mail.example"], "subject": "Rate", "body": "Which fee rate did we agree?"}
        wait_for_email {}
        search_files {"query": "0.75%", "path": "/Users/ana/Mail"}
        write_cells {"path": "/Users/ana/Models/fees.xlsx", "sheet": "Summary", "cells": [{"cell": "B2", "value": 0.0075}]}
        export_pdf {"path": "/Users/ana/Reports/fee memo.docx"}
        SEND_MEMO
        "#
        .replace("SEND_MEMO", SEND_MEMO)
        .as_str(),
    );
    assert!(r[3].text.starts_with("1 match(es)"), "{}", r[3].text);
    let score = simdesk_check::score(s.world(), Some("obj-1"));
    assert!(score.objectives[0].met, "{score:?}");
}

/// Replies greet the agent by the name they are called in their own
/// script, never the full name, and sign with the collaborator's own
/// signature; a public holiday where the collaborator lives moves the
/// answer to their next working day.
#[test]
fn replies_greet_by_the_called_name_sign_alike_and_skip_holidays() {
    let edits = [
        (
            "agent = { name = \"Ana Ruiz\", address = \"ana.ruiz@firm.example\" }\n",
            "agent = { name = \"Ana Ruiz\", address = \"ana.ruiz@firm.example\" }\nagent_called = \"Анита\"\n",
        ),
        (
            "name = \"Rita Ruiz\"\n",
            "name = \"Rita Ruiz\"\nsignature = \"Рита\"\n",
        ),
        (
            "utc_offset_minutes = -300 }",
            "utc_offset_minutes = -300, holidays = [\"2026-01-05\"] }",
        ),
    ];
    let mut text = SCENARIO.to_owned();
    for (from, to) in edits {
        assert_eq!(text.matches(from).count(), 1, "{from}");
        text = text.replace(from, to);
    }
    let sc = std::sync::Arc::new(simdesk_sim::Scenario::from_toml(&text).unwrap());
    assert_eq!(sc.agent_greeting_name(), "Анита");
    let mut s = simdesk_sim::Session::new(world(), sc).unwrap();
    run(
        &mut s,
        r#"
        wait_for_email {}
        send_email {"to": ["rita.ruiz@mail.example"], "subject": "Rate", "body": "Which fee rate did we agree?"}
        wait_until {"time": "2026-01-07T12:00:00Z"}
        "#,
    );
    let body = last_body(&s, "answer");
    let lines: Vec<&str> = body.lines().collect();
    assert!(
        lines[0].contains("Анита") && !lines[0].contains("Ana"),
        "{body}"
    );
    assert_eq!(lines.last(), Some(&"Рита"), "{body}");
    // Monday 2026-01-05 is Rita's holiday: she answers Tuesday from 10:00
    // her time (15:00 UTC), not on Monday afternoon.
    let answered = s
        .steps()
        .flat_map(|st| st.result.arrived.iter())
        .find(|a| a.rule == "answer")
        .map(|a| a.time)
        .expect("an answer");
    assert_eq!(answered.to_string(), "2026-01-06T15:00:00Z");
}

/// A collaborator abroad answers in their own working hours and skips
/// their own public holidays: a client in Bengaluru (Asia/Kolkata, 10:00
/// to 16:00 there) asked on a Sunday by a New York persona answers on
/// Tuesday morning India time, because Monday 26 January is Republic Day.
/// Without the location, the same hours read in New York's offset give
/// another instant.
#[test]
fn a_collaborator_abroad_answers_in_their_own_hours_and_holidays() {
    let hours = "hours = { start = \"10:00\", end = \"16:00\", days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"], utc_offset_minutes = -300 }";
    assert_eq!(SCENARIO.matches(hours).count(), 1);
    let answered = |abroad: bool| {
        let to = if abroad {
            "hours = { start = \"10:00\", end = \"16:00\", days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\"], holidays = [\"2026-01-26\"] }\nlocation = { city = \"Bengaluru\", country = \"India\", timezone = \"Asia/Kolkata\" }"
        } else {
            hours
        };
        let sc = simdesk_sim::Scenario::from_toml(&SCENARIO.replace(hours, to)).unwrap();
        let mut s = simdesk_sim::Session::new(world(), std::sync::Arc::new(sc)).unwrap();
        run(
            &mut s,
            r#"
            wait_until {"time": "2026-01-25T14:00:00Z"}
            send_email {"to": ["rita.ruiz@mail.example"], "subject": "Rate", "body": "Which fee rate did we agree?"}
            wait_until {"time": "2026-01-28T12:00:00Z"}
            "#,
        );
        s.steps()
            .flat_map(|st| st.result.arrived.iter())
            .find(|a| a.rule == "answer")
            .map(|a| a.time)
            .expect("an answer")
    };
    // Tuesday 27 January 10:00 IST (UTC+5:30).
    assert_eq!(answered(true).to_string(), "2026-01-27T04:30:00Z");
    // Monday 26 January 10:00 in New York (UTC-5).
    assert_eq!(answered(false).to_string(), "2026-01-26T15:00:00Z");
}

/// Mail is filed under the persona's wall-clock time, and a reminder
/// names the due date as the persona's calendar reads it. In Auckland
/// (UTC+13 in January) the peer's request sent at 11:00 UTC on 6 January
/// arrives at midnight on the 7th, and work due at 17:00 UTC on the 7th is
/// due on the 8th there; without a zone both read in UTC.
#[test]
fn mail_names_and_due_dates_follow_the_personas_zone() {
    let played = |zone: &str| {
        let home = "home = \"/Users/ana\"\n";
        assert_eq!(SCENARIO.matches(home).count(), 1);
        let text = SCENARIO.replace(home, &format!("{home}{zone}"));
        let sc = simdesk_sim::Scenario::from_toml(&text).unwrap();
        let mut s = simdesk_sim::Session::new(world(), std::sync::Arc::new(sc)).unwrap();
        run(&mut s, r#"wait_until {"time": "2026-01-06T18:00:00Z"}"#);
        let paths: Vec<String> = s
            .steps()
            .flat_map(|st| st.result.arrived.iter())
            .map(|a| a.path.to_string())
            .collect();
        (paths, last_body(&s, "reminder"))
    };
    let (paths, reminder) = played("timezone = \"Pacific/Auckland\"\n");
    let request = "/Users/ana/Mail/Inbox/2026-01-07 0000 Fee table as CSV.eml".to_owned();
    assert!(paths.contains(&request), "{paths:#?}");
    assert!(
        reminder.contains("2026-01-08") && !reminder.contains("2026-01-07"),
        "{reminder}"
    );
    let (paths, reminder) = played("");
    let request = "/Users/ana/Mail/Inbox/2026-01-06 1100 Fee table as CSV.eml".to_owned();
    assert!(paths.contains(&request), "{paths:#?}");
    assert!(reminder.contains("2026-01-07"), "{reminder}");
}

/// A place in a time zone simdesk does not know is refused when the
/// scenario is read, naming the zone.
#[test]
fn an_unknown_time_zone_is_a_scenario_error() {
    let text = SCENARIO.replace(
        "relation = \"client\"\n",
        "relation = \"client\"\nlocation = { city = \"Atlantis\", country = \"Sea\", timezone = \"Ocean/Atlantis\" }\n",
    );
    let err = simdesk_sim::Scenario::from_toml(&text).unwrap_err();
    assert!(err.to_string().contains("Ocean/Atlantis"), "{err}");
}
