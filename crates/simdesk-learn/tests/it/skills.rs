//! Skills over the batch: the planted mistakes ranked by frequency, with
//! the runs and events where they happened and a run that did it right.

use simdesk_engine::DEFAULT_ACTOR;
use simdesk_learn::{skills, skills_markdown, skills_schema};
use simdesk_model::Op;

use crate::data::batch;

#[test]
fn planted_mistakes_rank_in_order_with_their_evidence() {
    let runs = batch();
    let report = skills(runs).unwrap();
    let kinds: Vec<(&str, usize)> = report
        .skills
        .iter()
        .map(|s| (s.kind.as_str(), s.runs))
        .collect();
    // Early exports in four runs, wrong recipients in two, nothing else.
    assert_eq!(
        kinds,
        [("exported-before-update", 4), ("wrong-recipient", 2)],
        "{}",
        skills_markdown(&report)
    );
    let export = &report.skills[0];
    assert_eq!(export.rank, 1);
    assert_eq!(export.context.template, "financial-advisor");
    let evidence: Vec<&str> = export.evidence.iter().map(|e| e.run.as_str()).collect();
    assert_eq!(
        evidence,
        ["bad-export-0", "bad-export-1", "bad-export-2", "mixed-0"]
    );
    // The events are the run's early export, the change, and the export again.
    for e in &export.evidence {
        let run = runs.iter().find(|r| r.id == e.run).unwrap();
        let ops: Vec<&Op> = e
            .events
            .iter()
            .map(|seq| &run.world.trajectory().find(|ev| ev.seq == *seq).unwrap().op)
            .collect();
        assert!(matches!(ops.first(), Some(Op::Export { .. })), "{ops:?}");
        assert!(matches!(ops.last(), Some(Op::Export { .. })), "{ops:?}");
    }
    assert!(!export.lesson.is_empty());
    let counter = export.counterexample.as_ref().unwrap();
    assert!(
        counter.run.starts_with("good-") || counter.run == "bad-recipient-0",
        "{counter:?}"
    );
    assert!(!counter.events.is_empty());

    let wrong = &report.skills[1];
    let evidence: Vec<&str> = wrong.evidence.iter().map(|e| e.run.as_str()).collect();
    assert_eq!(evidence, ["bad-recipient-0", "mixed-0"]);
    for e in &wrong.evidence {
        let run = runs.iter().find(|r| r.id == e.run).unwrap();
        let ev = run
            .world
            .trajectory()
            .find(|ev| ev.seq == e.events[0])
            .unwrap();
        assert!(matches!(ev.op, Op::SendEmail { .. }) && ev.actor == DEFAULT_ACTOR);
    }
    assert!(wrong.reward_lost > 0.0);
    assert_eq!(wrong.lesson, "Send a deliverable to whoever requested it");
    let counter = wrong.counterexample.as_ref().unwrap();
    assert!(counter.run.starts_with("good-") || counter.run.starts_with("bad-export"));

    // The JSON validates against its schema; the same runs, the same bytes.
    let json = serde_json::to_value(&report).unwrap();
    let v = jsonschema::draft202012::new(&skills_schema()).unwrap();
    assert!(v.is_valid(&json));
    assert_eq!(skills(runs).unwrap(), report);
    let md = skills_markdown(&report);
    assert!(md.starts_with("# Skills from 7 run(s)\n"), "{md}");
    assert!(md.contains("\n1. **"), "{md}");
}
