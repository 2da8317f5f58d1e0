//! Generation: determinism, size and shape of every shipped template,
//! lowering, faults, loading templates from disk.

use std::collections::BTreeSet;

use simdesk_gen::{
    GenOptions, Style as _Style, builtin_template, generate, lower, schema, templates_from_files,
};
use simdesk_model::{Op, VPath};

use crate::common::*;

#[test]
fn same_inputs_give_identical_bytes() {
    for t in templates() {
        let a = serde_json::to_string(&make(&t, 42)).unwrap();
        let b = serde_json::to_string(&make(&t, 42)).unwrap();
        assert_eq!(a, b, "{}", t.id);
        let other =
            serde_json::to_string(&generate(&t, 42, 1, &GenOptions::default()).unwrap()).unwrap();
        assert_ne!(a, other, "{}: index must matter", t.id);
    }
}

#[test]
fn at_least_six_templates_ship() {
    let ids: Vec<String> = templates().into_iter().map(|t| t.id).collect();
    assert!(ids.len() >= 6, "{ids:?}");
    assert!(ids.contains(&simdesk_gen::DEFAULT_TEMPLATE.to_owned()));
}

#[test]
fn every_template_across_20_seeds_is_rich_linked_and_distinct() {
    for t in templates() {
        let mut seen = BTreeSet::new();
        let mut non_ascii_names = 0;
        let mut oses = BTreeSet::new();
        for seed in 0..20 {
            let s = make(&t, seed);
            let id = format!("{} seed {seed}", t.id);
            let n = s.artifact_count();
            assert!(n >= 100, "{id}: {n} artifacts");
            let kinds = s.kind_counts();
            assert!(kinds.len() >= 5, "{id}: kinds {kinds:?}");
            let e = s.edge_counts();
            assert!(
                e.total() >= n,
                "{id}: {} edges for {n} artifacts",
                e.total()
            );
            assert!(e.live > 0 && e.manual > 0 && e.snapshot > 0, "{id}: {e:?}");
            assert!(s.objectives.len() >= 4, "{id}");
            assert!(
                (3..=8).contains(&s.collaborators.len()),
                "{id}: {} collaborators",
                s.collaborators.len()
            );
            let styles: BTreeSet<_Style> = s.collaborators.iter().map(|c| c.style).collect();
            assert!(!styles.is_empty());
            let ids: BTreeSet<&str> = s
                .emails
                .iter()
                .map(|m| m.email.message_id.as_str())
                .collect();
            let mut update_then_export = false;
            for o in &s.objectives {
                let ob = &o.objective;
                assert!(!ob.goals.is_empty(), "{id}: {} has no goals", ob.id);
                assert!(ob.due > s.start, "{id}");
                let mid = ob.message_id.as_deref().expect("introduced by an email");
                assert!(
                    ids.contains(mid),
                    "{id}: {} not introduced by an email",
                    ob.id
                );
                for g in &ob.goals {
                    assert!(
                        !goal_met_in_spec(&s, g),
                        "{id}: {} goal already met: {g:?}",
                        ob.id
                    );
                }
                let has = |k: &str| {
                    ob.goals
                        .iter()
                        .any(|g| serde_json::to_value(g).unwrap()["goal"] == k)
                };
                if has("cell_equals") && has("exported_fresh") && has("email_sent") {
                    update_then_export = true;
                }
            }
            assert!(
                update_then_export,
                "{id}: no update-the-source-then-export objective"
            );
            assert!(
                seen.insert((s.persona.name.clone(), s.file_set())),
                "{id}: same persona and files as an earlier seed"
            );
            if !s.persona.name.is_ascii() {
                non_ascii_names += 1;
            }
            oses.insert(s.persona.profile["os"].as_str().unwrap_or("").to_owned());
            // Every email date increases; every attachment exists.
            let files: BTreeSet<String> = s.file_set().into_iter().collect();
            for w in s.emails.windows(2) {
                assert!(w[0].email.date <= w[1].email.date, "{id}");
            }
            for m in &s.emails {
                for a in &m.email.attachments {
                    assert!(files.contains(a.as_str()), "{id}: attachment {a} missing");
                }
            }
        }
        assert!(oses.len() == 2, "{}: only {oses:?} across 20 seeds", t.id);
        assert!(
            non_ascii_names > 0,
            "{}: no non-Latin persona names across 20 seeds",
            t.id
        );
    }
}

#[test]
fn lowering_yields_parseable_ops_in_order() {
    for t in templates() {
        let s = generate(&t, 3, 0, &GenOptions { faults: 3 }).unwrap();
        assert_eq!(s.faults.len(), 3, "{}", t.id);
        let ops = lower(&s).unwrap_or_else(|e| panic!("{}: {e:?}", t.id));
        // Through JSON and back: every path and ref parses again.
        let json = serde_json::to_string(&ops.iter().map(|(_, o)| o).collect::<Vec<_>>()).unwrap();
        let back: Vec<Op> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.len(), ops.len());
        let pos = |f: &dyn Fn(&Op) -> bool| ops.iter().position(|(_, o)| f(o));
        let last_create = ops
            .iter()
            .rposition(|(_, o)| matches!(o, Op::Create { .. }))
            .unwrap();
        let first_export = pos(&|o| matches!(o, Op::Export { .. })).unwrap();
        let first_mail = pos(&|o| matches!(o, Op::SendEmail { .. })).unwrap();
        let first_obj = pos(&|o| matches!(o, Op::AddObjective { .. })).unwrap();
        assert!(
            last_create < first_export && first_export < first_mail && first_mail < first_obj,
            "{}",
            t.id
        );
        let faults: Vec<_> = ops
            .iter()
            .filter(|(a, _)| a == simdesk_gen::FAULT_ACTOR)
            .collect();
        assert_eq!(faults.len(), 3);
        assert!(
            ops.iter()
                .rposition(|(a, _)| a != simdesk_gen::FAULT_ACTOR)
                .unwrap()
                < ops.len() - 3
        );
        // Sources are created before the documents that quote them.
        let created: Vec<&VPath> = ops
            .iter()
            .filter_map(|(_, o)| {
                if let Op::Create { path, .. } = o {
                    Some(path)
                } else {
                    None
                }
            })
            .collect();
        for (i, (_, o)) in ops.iter().enumerate() {
            if let Op::Create { artifact, path } = o {
                for f in artifact.fields() {
                    let src = f.source.path.as_ref().unwrap();
                    let at = created.iter().position(|p| *p == src).unwrap();
                    let me = created.iter().position(|p| *p == path).unwrap();
                    assert!(at < me, "{}: op {i} quotes {src} before it exists", t.id);
                }
            }
        }
    }
}

#[test]
fn a_seventh_template_is_only_files() {
    let files = simdesk_gen::embedded_files()
        .iter()
        .filter_map(|(rel, content)| {
            rel.strip_prefix("paralegal/").map(|rest| {
                let text = content.replace("Litigation paralegal", "Insurance claims adjuster");
                (format!("insurance-adjuster/{rest}"), text)
            })
        });
    let loaded = templates_from_files(files, "test").unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].id, "insurance-adjuster");
    let s = generate(&loaded[0], 1, 0, &GenOptions::default()).unwrap();
    assert!(s.artifact_count() >= 100);
}

#[test]
fn unknown_template_is_an_error() {
    assert!(builtin_template("astronaut").is_err());
}

#[test]
fn schema_is_generated_from_the_types() {
    let s = schema();
    let props = &s["properties"];
    for k in [
        "version",
        "start",
        "persona",
        "home",
        "artifacts",
        "links",
        "exports",
        "emails",
        "objectives",
        "faults",
    ] {
        assert!(props.get(k).is_some(), "schema lacks {k}");
    }
}

#[test]
fn shards_partition_the_indexes() {
    let all: Vec<u64> = (0..4)
        .flat_map(|k| simdesk_gen::shard_indexes(10, k, 4))
        .collect();
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(sorted, (0..10).collect::<Vec<_>>());
}
