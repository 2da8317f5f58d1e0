//! A batch of scripted runs (good, bad, mixed) on generated computers,
//! written as run folders and read back: both dataset formats validate
//! against their schemas, repeat byte for byte, and every recorded result
//! replays exactly.

use std::path::Path;
use std::sync::OnceLock;

use simdesk_learn::{
    ChatOptions, Filter, LearnRun, ObjectiveOutcome, Per, chat_jsonl, chat_schema, steps_jsonl,
    steps_schema,
};
use simdesk_sim::{Session, TOOL_NAMES};

use crate::runs::{Plant, scripted};

/// The batch, as runs read back from run folders on disk.
pub fn batch() -> &'static [LearnRun] {
    static RUNS: OnceLock<Vec<LearnRun>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("simdesk-learn-batch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let plan: Vec<(&str, Vec<Plant>)> = vec![
            ("good-0", vec![]),
            ("good-1", vec![]),
            ("bad-export-0", vec![Plant::EarlyExport]),
            ("bad-export-1", vec![Plant::EarlyExport]),
            ("bad-export-2", vec![Plant::EarlyExport]),
            ("bad-recipient-0", vec![Plant::WrongRecipient]),
            ("mixed-0", vec![Plant::EarlyExport, Plant::WrongRecipient]),
        ];
        // Written in reverse order: the exports order runs by id anyway.
        for (id, plants) in plan.iter().rev() {
            let s = scripted("financial-advisor", 1, plants, true);
            let origin = simdesk_store::RunOrigin {
                door: "test".into(),
                template: Some("financial-advisor".into()),
                seed: Some(1),
                index: Some(0),
                label: Some((*id).to_owned()),
            };
            simdesk_store::write_run(&dir.join(id), &s, &origin).expect("write run");
        }
        let runs = simdesk_store::list_runs(&dir, 100)
            .expect("list")
            .iter()
            .map(|d| read(d.as_path()))
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        runs
    })
}

fn read(d: &Path) -> LearnRun {
    let r = simdesk_store::read_run(d).expect("read run");
    // Replay re-derives every recorded result, arrival and reward change
    // from the start world, the scenario and the calls alone.
    let again = Session::replay(r.start.clone(), r.scenario.clone(), &r.steps)
        .unwrap_or_else(|e| panic!("{}: {e}", r.id));
    assert_eq!(
        again.into_world().save().unwrap(),
        r.world.save().unwrap(),
        "{}",
        r.id
    );
    LearnRun {
        id: r.id,
        template: r.meta.origin.template,
        scenario: r.scenario,
        steps: r.steps,
        world: r.world,
        reward: r.score.reward,
        objectives: r
            .score
            .objectives
            .into_iter()
            .map(|o| ObjectiveOutcome {
                id: o.id,
                met: o.met,
                score: o.score,
            })
            .collect(),
    }
}

fn validate(schema: &serde_json::Value, jsonl: &str) -> usize {
    let v = jsonschema::draft202012::new(schema).expect("schema compiles");
    let mut n = 0;
    for l in jsonl.lines() {
        let value: serde_json::Value = serde_json::from_str(l).expect("a JSON line");
        let errors: Vec<String> = v.iter_errors(&value).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        n += 1;
    }
    n
}

#[test]
fn the_batch_records_what_the_agent_saw() {
    let runs = batch();
    assert_eq!(runs.len(), 7);
    let good = runs.iter().find(|r| r.id == "good-0").unwrap();
    assert_eq!(good.reward, 1.0, "{:?}", good.objectives);
    // Mail arrived with its text; reward changes were recorded and add up.
    let bodies = good
        .steps
        .iter()
        .flat_map(|s| &s.result.arrived)
        .filter(|a| !a.body.is_empty())
        .count();
    assert!(bodies > 0);
    let tracked: f64 = good.steps.iter().filter_map(|s| s.reward_delta).sum();
    assert!((tracked - good.reward).abs() < 1e-9, "{tracked}");
    let bad = runs.iter().find(|r| r.id == "bad-recipient-0").unwrap();
    assert!(bad.reward < 1.0);
}

#[test]
fn chat_lines_validate_repeat_and_call_the_declared_tools() {
    let runs = batch();
    let opts = ChatOptions {
        per: Per::Run,
        tools: true,
    };
    let chat = chat_jsonl(runs, &Filter::default(), &opts).unwrap();
    assert_eq!(validate(&chat_schema(), &chat), 7);
    // Byte-identical across exports, whatever order the runs come in.
    let mut reversed = runs.to_vec();
    reversed.reverse();
    assert_eq!(
        chat_jsonl(&reversed, &Filter::default(), &opts).unwrap(),
        chat
    );
    let ids: Vec<String> = chat
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        ids,
        [
            "bad-export-0",
            "bad-export-1",
            "bad-export-2",
            "bad-recipient-0",
            "good-0",
            "good-1",
            "mixed-0"
        ]
    );
    // Every assistant message calls one declared tool with object arguments
    // and is answered by the next message.
    for l in chat.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        let m = v["messages"].as_array().unwrap();
        assert_eq!(m[0]["role"], "system");
        for (i, msg) in m.iter().enumerate() {
            if msg["role"] == "assistant" {
                let call = &msg["tool_calls"][0];
                let name = call["function"]["name"].as_str().unwrap();
                assert!(TOOL_NAMES.contains(&name), "{name}");
                let args: serde_json::Value =
                    serde_json::from_str(call["function"]["arguments"].as_str().unwrap()).unwrap();
                assert!(args.is_object());
                assert_eq!(m[i + 1]["role"], "tool");
                assert_eq!(m[i + 1]["tool_call_id"], call["id"]);
            }
        }
    }
}

#[test]
fn filters_pick_runs_and_objectives() {
    let runs = batch();
    let opts = ChatOptions::default();
    let perfect = Filter {
        min_reward: Some(1.0),
        ..Filter::default()
    };
    let chat = chat_jsonl(runs, &perfect, &opts).unwrap();
    let kept: Vec<f64> = chat
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["reward"]
                .as_f64()
                .unwrap()
        })
        .collect();
    assert!(
        kept.len() >= 2 && kept.iter().all(|r| *r >= 1.0),
        "{kept:?}"
    );
    let other = Filter {
        template: Some("paralegal".into()),
        ..Filter::default()
    };
    assert_eq!(chat_jsonl(runs, &other, &opts).unwrap(), "");
    // Per objective, one objective: one line per run, labelled with it.
    let first = runs[0].objectives[0].id.clone();
    let per = ChatOptions {
        per: Per::Objective,
        tools: false,
    };
    let one = Filter {
        objective: Some(first.clone()),
        ..Filter::default()
    };
    let chat = chat_jsonl(runs, &one, &per).unwrap();
    assert_eq!(validate(&chat_schema(), &chat), runs.len());
    for l in chat.lines() {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert_eq!(v["objective"], first.as_str());
        assert!(v["id"].as_str().unwrap().ends_with(&format!("/{first}")));
    }
}

#[test]
fn step_lines_validate_repeat_and_add_up_to_the_reward() {
    let runs = batch();
    let steps = steps_jsonl(runs, &Filter::default()).unwrap();
    let n: usize = runs.iter().map(|r| r.steps.len()).sum();
    assert_eq!(validate(&steps_schema(), &steps), n);
    assert_eq!(steps_jsonl(runs, &Filter::default()).unwrap(), steps);
    for r in runs {
        let lines: Vec<serde_json::Value> = steps
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .filter(|v: &serde_json::Value| v["run"] == r.id.as_str())
            .collect();
        let total: f64 = lines.iter().map(|v| v["reward"].as_f64().unwrap()).sum();
        assert!(
            (total - r.reward).abs() < 1e-9,
            "{}: {total} vs {}",
            r.id,
            r.reward
        );
        let done: Vec<bool> = lines.iter().map(|v| v["done"].as_bool().unwrap()).collect();
        assert_eq!(done.iter().filter(|d| **d).count(), 1);
        assert_eq!(done.last(), Some(&true));
        // Each observation after the first is the previous call's result.
        for w in lines.windows(2) {
            assert!(
                w[1]["observation"]
                    .as_str()
                    .unwrap()
                    .starts_with(w[0]["result"].as_str().unwrap())
            );
        }
    }
}
