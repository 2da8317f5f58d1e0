//! Tests of check, score and mine through the binary: formats, exit codes,
//! folders of files and bare trajectories.

use std::path::Path;

use expect_test::expect;

use crate::{TempDir, simdesk};

const SETUP: &str = r#"{"op":"create","path":"/Clients/Chen/model.xlsx","artifact":{"kind":"workbook","sheets":[{"name":"S","cells":{"A1":{"value":{"text":"Total"}},"B1":{"value":{"number":100}}}}]}}
{"op":"export","source":"/Clients/Chen/model.xlsx","target":"/Out/model.csv"}
{"op":"add_objective","objective":{"id":"obj-1","title":"Raise the total","due":"2026-01-09T00:00:00Z","goals":[{"goal":"cell_equals","cell":"/Clients/Chen/model.xlsx#S!B1","expected":{"number":120}},{"goal":"exported_fresh","path":"/Out/model.csv","source":"/Clients/Chen/model.xlsx"}]}}
"#;

/// The agent raises the total, forgets to export again, and makes a note.
const AGENT: &str = r#"{"op":"set_cells","path":"/Clients/Chen/model.xlsx","sheet":"S","cells":[{"cell":"B1","value":{"number":120}}]}
{"op":"create","path":"/Scratch/todo.md","artifact":{"kind":"text","format":"markdown","content":"- done"}}
{"op":"export","source":"/Clients/Chen/model.xlsx","target":"/Out/model.xyz"}
{"op":"export","source":"/Clients/Chen/model.xlsx","target":"/Out/model.xyz"}
"#;

fn world(d: &Path) {
    std::fs::write(d.join("setup.jsonl"), SETUP).expect("write");
    std::fs::write(d.join("agent.jsonl"), AGENT).expect("write");
    assert!(simdesk(d, &["new", "w.simdesk"]).status.success());
    let o = simdesk(
        d,
        &["apply", "w.simdesk", "setup.jsonl", "--actor", "generator"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    simdesk(d, &["apply", "w.simdesk", "agent.jsonl"]);
}

fn json(o: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn check_reports_a_stale_export_in_every_format() {
    let dir = TempDir::new("check");
    let d = &dir.0;
    world(d);
    let text = simdesk(d, &["check", "w.simdesk"]);
    assert_eq!(text.status.code(), Some(1));
    // The whole report, without colour when not on a terminal.
    expect![[r#"
        /Out/model.csv
          error[SD013 stale-export]: /Out/model.csv is out of date: it was exported from /Clients/Chen/model.xlsx, and /Clients/Chen/model.xlsx changed at revision 4 but /Out/model.csv still holds its revision 1 (missing: export /Clients/Chen/model.xlsx to /Out/model.csv again); chain: /Clients/Chen/model.xlsx -> /Out/model.csv
              see: /Clients/Chen/model.xlsx
              hint: export /Clients/Chen/model.xlsx to /Out/model.csv again
        1 finding(s): 1 error(s), 0 warning(s), 0 info
    "#]]
    .assert_eq(&String::from_utf8_lossy(&text.stdout));

    let j = json(&simdesk(d, &["check", "w.simdesk", "--format", "json"]));
    assert_eq!(j["summary"]["errors"], 1);
    assert_eq!(j["findings"][0]["code"], "SD013");
    assert_eq!(j["findings"][0]["rule"], "stale-export");
    assert_eq!(j["findings"][0]["path"], "/Out/model.csv");

    let sarif = json(&simdesk(d, &["check", "w.simdesk", "--format", "sarif"]));
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "SD013");
    assert_eq!(
        sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Out/model.csv"
    );
}

#[test]
fn check_exit_codes() {
    let dir = TempDir::new("check-exit");
    let d = &dir.0;
    assert!(simdesk(d, &["new", "clean.simdesk"]).status.success());
    let o = simdesk(d, &["check", "clean.simdesk"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&o.stdout), "no findings\n");
    assert_eq!(
        simdesk(d, &["check", "missing.simdesk"]).status.code(),
        Some(2)
    );
    assert_eq!(
        simdesk(d, &["check", "clean.simdesk", "--format", "xml"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn check_a_folder_of_files() {
    let dir = TempDir::new("check-dir");
    let d = &dir.0;
    let docs = d.join("tree/Docs");
    std::fs::create_dir_all(&docs).expect("mkdir");
    std::fs::write(docs.join("plan.md"), "# Plan\nsame words\n").expect("write");
    std::fs::write(docs.join("plan_final_v2.md"), "# Plan\nsame words\n").expect("write");
    let o = simdesk(d, &["check", "tree", "--format", "json"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let j = json(&o);
    let codes: Vec<&str> = j["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["code"].as_str())
        .collect();
    assert!(
        codes.contains(&"SD015") && codes.contains(&"SD016"),
        "{j:#}"
    );
}

#[test]
fn score_shows_evidence_and_collateral() {
    let dir = TempDir::new("score");
    let d = &dir.0;
    world(d);
    let o = simdesk(d, &["score", "w.simdesk", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let j = json(&o);
    let goals = &j["objectives"][0]["goals"];
    assert_eq!(goals[0]["met"], true);
    assert_eq!(goals[1]["met"], false);
    assert!(
        goals[1]["actual"]
            .as_str()
            .is_some_and(|a| a.contains("is stale"))
    );
    assert_eq!(j["collateral"]["method"], "replay");
    assert_eq!(j["collateral"]["changes"][0]["path"], "/Scratch/todo.md");
    assert_eq!(j["collateral"]["changes"][0]["change"], "created");
    let text = simdesk(d, &["score", "w.simdesk", "--objective", "obj-1"]);
    expect![[r#"
        obj-1 Raise the total: NOT MET (1/2)
          pass expected: /Clients/Chen/model.xlsx#S!B1 = 120
               actual:   /Clients/Chen/model.xlsx#S!B1 = 120
          FAIL expected: /Out/model.csv exported from /Clients/Chen/model.xlsx and not stale
               actual:   /Out/model.csv is stale: /Clients/Chen/model.xlsx changed at revision 4 but /Out/model.csv still holds its revision 1 (missing: export /Clients/Chen/model.xlsx to /Out/model.csv again); chain: /Clients/Chen/model.xlsx -> /Out/model.csv
        collateral changes (start: 3 events before the agent's first, by replay): 
          created /Scratch/todo.md (#5)
        1/2 goals met
    "#]]
    .assert_eq(&String::from_utf8_lossy(&text.stdout));
    assert_eq!(
        simdesk(d, &["score", "w.simdesk", "--objective", "nope"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn mine_a_world_and_a_bare_trajectory() {
    let dir = TempDir::new("mine");
    let d = &dir.0;
    world(d);
    let from_world = json(&simdesk(d, &["mine", "w.simdesk", "--format", "json"]));
    assert_eq!(from_world["mistakes"][0]["kind"], "repeated-failure");
    assert_eq!(
        from_world["mistakes"][0]["events"],
        serde_json::json!([6, 7])
    );
    let log = simdesk(d, &["log", "w.simdesk", "--json"]);
    std::fs::write(d.join("t.jsonl"), &log.stdout).expect("write");
    let from_log = json(&simdesk(d, &["mine", "t.jsonl", "--format", "json"]));
    assert_eq!(from_log["mistakes"], from_world["mistakes"]);
    let text = simdesk(d, &["mine", "t.jsonl"]);
    expect![[r#"
        #6 #7 repeated-failure (agent): the same export was refused 2 times in a row (#6, #7): cannot tell the export format from /Out/model.xyz: use .pdf, .csv, .md or .txt; read the refusal and change the op instead of retrying it
        1 mistake(s) in 7 event(s)
    "#]]
    .assert_eq(&String::from_utf8_lossy(&text.stdout));
}

/// `check` finds the same planted faults whichever way it is pointed at a
/// computer: its generation output, its folder, or its world file; and
/// exits 1 for each.
#[test]
fn check_a_generation_output_a_computer_folder_and_its_world_alike() {
    let dir = TempDir::new("check-targets");
    let d = &dir.0;
    let out = simdesk(
        d,
        &[
            "generate",
            "--template",
            "construction-pm",
            "--seed",
            "9",
            "--count",
            "2",
            "--faults",
            "3",
            "--out",
            "g",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all = simdesk(d, &["check", "g", "--format", "json", "--jobs", "2"]);
    assert_eq!(all.status.code(), Some(1));
    let all = json(&all);
    let computers = all["computers"].as_array().expect("computers");
    assert_eq!(computers.len(), 2);
    for c in computers {
        let id = c["id"].as_str().unwrap();
        let folder = simdesk(d, &["check", &format!("g/{id}"), "--format", "json"]);
        let world = simdesk(
            d,
            &[
                "check",
                &format!("g/{id}/grading/world.simdesk"),
                "--format",
                "json",
            ],
        );
        assert_eq!(folder.status.code(), Some(1), "{id}");
        assert_eq!(world.status.code(), Some(1), "{id}");
        let (folder, world) = (json(&folder), json(&world));
        assert_eq!(folder["findings"], world["findings"], "{id}");
        assert_eq!(c["findings"], world["findings"], "{id}");
        assert!(world["summary"]["errors"].as_u64().unwrap() > 0, "{id}");
    }
    // The text report ends with a line per computer and the totals.
    let text = simdesk(d, &["check", "g", "--no-info"]);
    let s = String::from_utf8_lossy(&text.stdout);
    let summary = s.split("== summary ==\n").nth(1).expect("a summary");
    assert_eq!(summary.lines().count(), 3, "{summary}");
    assert!(
        summary
            .lines()
            .last()
            .unwrap()
            .starts_with("2 computer(s), 2 with errors: "),
        "{summary}"
    );
}

/// Generates one financial-advisor computer with five planted faults under
/// `d/g` and returns its `files/` relative to `d`: a folder of office files
/// without a manifest.
fn planted_files(d: &Path) -> String {
    let out = simdesk(
        d,
        &[
            "generate",
            "--template",
            "financial-advisor",
            "--seed",
            "9",
            "--faults",
            "5",
            "--out",
            "g",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = std::fs::read_to_string(d.join("g/index.jsonl")).expect("index");
    let line: serde_json::Value =
        serde_json::from_str(index.lines().next().expect("one computer")).expect("index line");
    let files = format!("g/{}/files", line["dir"].as_str().expect("dir"));
    assert!(!d.join(&files).join(".simdesk").exists(), "{files}");
    files
}

/// The error-level findings of a JSON report.
fn errors(report: &serde_json::Value) -> Vec<serde_json::Value> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .cloned()
        .collect()
}

/// A plain folder (no manifest) holding planted faults: stale exports,
/// `#REF!` shown, quoted numbers that disagree are errors, and `check`
/// exits 1.
#[test]
fn check_a_plain_folder_with_planted_faults_exits_1() {
    let dir = TempDir::new("check-plain-faults");
    let d = &dir.0;
    let files = planted_files(d);
    let o = simdesk(d, &["check", &files, "--format", "json", "--no-info"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let j = json(&o);
    assert!(j["summary"]["errors"].as_u64().unwrap() > 0, "{j:#}");
    assert_eq!(
        j["summary"]["errors"].as_u64().unwrap() as usize,
        errors(&j).len()
    );
}

/// `import` of a folder without a manifest records the links it infers
/// as edges, and checking the world it saves finds at error level what
/// checking the folder itself finds (the edges were recorded when the
/// files already disagreed, so revisions alone would say nothing).
#[test]
fn import_then_check_finds_the_errors_of_checking_the_folder() {
    let dir = TempDir::new("check-import-plain");
    let d = &dir.0;
    let files = planted_files(d);
    let imported = simdesk(d, &["import", &files, "--out", "w.simdesk"]);
    let summary = String::from_utf8_lossy(&imported.stdout);
    let line = summary
        .lines()
        .find(|l| l.contains("without a manifest"))
        .unwrap_or_else(|| panic!("{summary}"));
    let links: usize = line
        .strip_suffix(" inferred links")
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{line}"));
    assert!(links > 0, "{line}");

    let direct = simdesk(d, &["check", &files, "--format", "json"]);
    let world = simdesk(d, &["check", "w.simdesk", "--format", "json"]);
    assert_eq!(direct.status.code(), Some(1));
    assert_eq!(
        world.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&world.stdout)
    );
    let (direct, world) = (json(&direct), json(&world));
    assert!(!errors(&direct).is_empty(), "{direct:#}");
    assert_eq!(errors(&world), errors(&direct));
    assert_eq!(world["summary"]["errors"], direct["summary"]["errors"]);
}
