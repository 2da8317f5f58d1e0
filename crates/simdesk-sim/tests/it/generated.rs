//! Sessions over generated computers: a null agent that only waits gets
//! reminders and escalations and meets nothing; tools work on real
//! generated files; replay holds.

use simdesk_sim::Session;

use crate::gen_fixture::{computer, scenario_for};

#[test]
fn a_null_agent_is_reminded_escalated_and_meets_nothing() {
    for template in ["financial-advisor", "paralegal"] {
        let (spec, ws) = computer(template, 3);
        let mut s = Session::new(ws, scenario_for(&spec)).unwrap();
        for _ in 0..40 {
            if s.pending() == 0 {
                break;
            }
            let r = s.call_raw("wait_for_email", serde_json::json!({"max_minutes": 43200}));
            assert!(!r.is_error, "{}", r.text);
        }
        let rules: Vec<&str> = s
            .steps()
            .flat_map(|st| st.result.arrived.iter())
            .map(|a| a.rule.as_str())
            .collect();
        assert!(rules.contains(&"reminder"), "{template}: {rules:?}");
        assert!(rules.contains(&"escalation"), "{template}: {rules:?}");
        let score = simdesk_check::score(s.world(), None);
        assert!(
            score.objectives.iter().all(|o| !o.met),
            "{template}: {score:?}"
        );
        // Replaying the recorded steps gives the same world.
        let steps: Vec<_> = s.steps().cloned().collect();
        let (spec2, ws2) = computer(template, 3);
        let again = Session::replay(ws2, scenario_for(&spec2), &steps).unwrap();
        assert_eq!(
            again.into_world().save().unwrap(),
            s.into_world().save().unwrap()
        );
    }
}

/// A careful agent on a generated computer: finds the objective's files,
/// refreshes, exports, sends, and the requester accepts.
#[test]
fn a_generated_export_objective_is_done_through_tools_and_accepted() {
    let (spec, ws) = computer("financial-advisor", 0);
    let o = spec
        .objectives
        .iter()
        .find(|o| o.shape.as_deref() == Some("export_send"))
        .map(|o| o.objective.clone())
        .unwrap();
    // The objective's reference solution says which file to export where.
    let (target, source, to) = o
        .reference
        .iter()
        .find_map(|op| match op {
            simdesk_model::Op::Export { target, source, .. } => {
                Some((target.clone(), source.clone(), o.requested_by.clone()))
            }
            _ => None,
        })
        .unwrap();
    let mut s = Session::new(ws, scenario_for(&spec)).unwrap();
    let ext = target.extension().unwrap().to_owned();
    let export = if ext == "pdf" {
        "export_pdf"
    } else {
        "export_csv"
    };
    let calls = [
        ("read_calendar", serde_json::json!({})),
        ("list_emails", serde_json::json!({})),
        ("read_file", serde_json::json!({"path": source})),
        (
            export,
            serde_json::json!({"path": source, "target": target}),
        ),
        (
            "send_email",
            serde_json::json!({"to": [to], "subject": o.title, "body": "Attached.", "attachments": [target]}),
        ),
        ("wait_for_email", serde_json::json!({})),
    ];
    for (name, args) in calls {
        let r = s.call_raw(name, args);
        assert!(!r.is_error, "{name}: {}", r.text);
    }
    let last = s.steps().last().unwrap();
    assert_eq!(
        last.result.arrived[0].rule, "review_pass",
        "{}",
        last.result.text
    );
    let score = simdesk_check::score(s.world(), Some(&o.id));
    assert!(score.objectives[0].met, "{score:?}");
}

/// Every objective's reference, as tool calls played through a session in
/// arrival order, meets every objective, as the generator's own solve does.
#[test]
fn references_played_as_tool_calls_meet_every_objective() {
    for template in ["financial-advisor", "construction-pm"] {
        let (spec, ws) = computer(template, 1);
        let order = simdesk_gen::arrival_order(&ws);
        let mut s = Session::new(ws, scenario_for(&spec)).unwrap();
        let mut calls = 0;
        for o in &order {
            for op in &o.reference {
                let call = simdesk_sim::tool_call_for(op)
                    .unwrap_or_else(|| panic!("{template} {}: no tool for {op:?}", o.id));
                let r = s.call(call);
                assert!(!r.is_error, "{template} {}: {}", o.id, r.text);
                calls += 1;
            }
        }
        let score = simdesk_check::score(s.world(), None);
        let unmet: Vec<&str> = score
            .objectives
            .iter()
            .filter(|o| !o.met)
            .map(|o| o.id.as_str())
            .collect();
        assert!(
            unmet.is_empty(),
            "{template}: {unmet:?} after {calls} calls"
        );
        assert_eq!(score.reward, 1.0, "{template}: {:?}", score.collateral);
        eprintln!(
            "{template}: {} objectives met with {calls} tool calls",
            order.len()
        );
    }
}
