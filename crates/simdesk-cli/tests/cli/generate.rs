//! `simdesk generate`: byte-identical output, shards, the dataset index,
//! export/import round trip, and third-party readers on generated files.

use std::collections::BTreeMap;
use std::path::Path;

use crate::{TempDir, ok, simdesk};

fn files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

#[test]
fn same_seed_same_bytes_and_shards_partition_the_batch() {
    let dir = TempDir::new("gen");
    let d = &dir.0;
    ok(&simdesk(
        d,
        &[
            "generate",
            "--template",
            "paralegal",
            "--seed",
            "3",
            "--count",
            "2",
            "--jobs",
            "2",
            "--out",
            "a",
        ],
    ));
    ok(&simdesk(
        d,
        &[
            "generate",
            "--template",
            "paralegal",
            "--seed",
            "3",
            "--count",
            "2",
            "--out",
            "b",
        ],
    ));
    let (a, b) = (files(&d.join("a")), files(&d.join("b")));
    assert!(a.len() > 200, "{} files", a.len());
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, v) in &a {
        assert!(
            v == &b[k],
            "{k} differs between two runs (and thread counts)"
        );
    }
    // Shards 0/2 and 1/2 hold exactly the computers of the full batch.
    ok(&simdesk(
        d,
        &[
            "generate",
            "--template",
            "paralegal",
            "--seed",
            "3",
            "--count",
            "2",
            "--shard",
            "0/2",
            "--out",
            "s",
        ],
    ));
    ok(&simdesk(
        d,
        &[
            "generate",
            "--template",
            "paralegal",
            "--seed",
            "3",
            "--count",
            "2",
            "--shard",
            "1/2",
            "--out",
            "s",
        ],
    ));
    let s = files(&d.join("s"));
    for (k, v) in &a {
        if k != "index.jsonl" {
            assert!(s.get(k) == Some(v), "{k} differs in the sharded run");
        }
    }
    let index = String::from_utf8(a["index.jsonl"].clone()).unwrap();
    let shard_lines: String = [&s["index-0-of-2.jsonl"], &s["index-1-of-2.jsonl"]]
        .iter()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    assert_eq!(index.lines().count(), 2);
    let mut joined: Vec<&str> = shard_lines.lines().collect();
    joined.sort();
    let mut full: Vec<&str> = index.lines().collect();
    full.sort();
    assert_eq!(joined, full);
    let line: serde_json::Value = serde_json::from_str(index.lines().next().unwrap()).unwrap();
    assert!(line["artifacts"].as_u64().unwrap() >= 100, "{line}");
    assert!(line["objectives"].as_array().unwrap().len() >= 4, "{line}");
}

#[test]
fn templates_lists_six_occupations() {
    let dir = TempDir::new("templates");
    let out = simdesk(&dir.0, &["templates"]);
    ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    for t in [
        "financial-advisor",
        "construction-pm",
        "hr-business-partner",
        "paralegal",
        "marketing-manager",
        "clinical-research-coordinator",
    ] {
        assert!(text.contains(t), "{t} missing from:\n{text}");
    }
}

#[test]
fn generated_worlds_export_and_import_to_the_same_world() {
    let dir = TempDir::new("gen-roundtrip");
    let d = &dir.0;
    ok(&simdesk(
        d,
        &[
            "generate",
            "--template",
            "hr-business-partner",
            "--seed",
            "11",
            "--out",
            "g",
        ],
    ));
    let comp = first_computer(&d.join("g"));
    let world = comp.join("grading/world.simdesk");
    // The computer's folder: files/ read back against grading/.
    let out = simdesk(
        d,
        &["import", comp.to_str().unwrap(), "--out", "back.simdesk"],
    );
    ok(&out);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(comp.join("grading/manifest.json")).unwrap())
            .unwrap();
    let original = manifest["state_hash"].as_str().unwrap().to_owned();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("state {original}")),
        "import gave another world:\n{text}"
    );
    assert!(text.contains("0 written, 0 created"), "{text}");
    let la = simdesk(d, &["ls", world.to_str().unwrap()]);
    let lb = simdesk(d, &["ls", "back.simdesk"]);
    assert_eq!(la.stdout, lb.stdout);
}

/// Every exported file of a generated computer opens in the third-party
/// readers (openpyxl, python-docx, python-pptx, pypdf, qpdf, Python's email
/// package, LibreOffice for a sample). Skipped when the tools are missing,
/// except under CI=true.
#[test]
fn generated_files_pass_third_party_readers() {
    let have = std::process::Command::new("python3")
        .args(["-c", "import openpyxl, docx, pptx, pypdf"])
        .status()
        .is_ok_and(|s| s.success())
        && std::process::Command::new("qpdf")
            .arg("--version")
            .output()
            .is_ok()
        && std::process::Command::new("soffice")
            .arg("--version")
            .output()
            .is_ok();
    if !have {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but the fidelity tools are missing; run scripts/install-fidelity-deps.sh"
        );
        eprintln!(
            "skipped: python readers, qpdf or soffice missing (scripts/install-fidelity-deps.sh installs them)"
        );
        return;
    }
    let dir = TempDir::new("gen-fidelity");
    let d = &dir.0;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fidelity/check_tree.py");
    for (template, seed) in [
        ("financial-advisor", "1"),
        ("clinical-research-coordinator", "2"),
    ] {
        ok(&simdesk(
            d,
            &[
                "generate",
                "--template",
                template,
                "--seed",
                seed,
                "--faults",
                "2",
                "--out",
                template,
            ],
        ));
        for comp in std::fs::read_dir(d.join(template))
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_dir())
        {
            let out = std::process::Command::new("python3")
                .arg(&script)
                .arg(comp.path().join("files"))
                .args(["--soffice", "1"])
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn build_accepts_a_generated_spec_and_refuses_a_malformed_one() {
    let dir = TempDir::new("build");
    let d = &dir.0;
    ok(&simdesk(
        d,
        &[
            "generate",
            "--template",
            "marketing-manager",
            "--seed",
            "4",
            "--out",
            "g",
        ],
    ));
    let comp = first_computer(&d.join("g"));
    let spec = comp.join("grading/spec.json");
    ok(&simdesk(
        d,
        &["build", spec.to_str().unwrap(), "--out", "built"],
    ));
    assert!(d.join("built/grading/world.simdesk").is_file());
    let la = simdesk(
        d,
        &["ls", comp.join("grading/world.simdesk").to_str().unwrap()],
    );
    let lb = simdesk(d, &["ls", "built/grading/world.simdesk"]);
    assert_eq!(la.stdout, lb.stdout, "the built world has the same tree");
    // A malformed spec: every problem with its JSON pointer, nothing written.
    let mut v: serde_json::Value = serde_json::from_slice(&std::fs::read(&spec).unwrap()).unwrap();
    v["artifacts"][0]["path"] = serde_json::json!("/Users/x/../etc/passwd");
    v["artifacts"][1]["artifact"]["kind"] = serde_json::json!("spreadsheet-ish");
    std::fs::write(d.join("bad.json"), serde_json::to_vec(&v).unwrap()).unwrap();
    let out = simdesk(d, &["build", "bad.json", "--out", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/artifacts/0/path"), "{err}");
    assert!(err.contains("/artifacts/1"), "{err}");
    assert!(
        !d.join("nope").exists(),
        "nothing may be written for a malformed spec"
    );
    // The schema is generated from the types.
    let schema = simdesk(d, &["schema"]);
    ok(&schema);
    let s: serde_json::Value = serde_json::from_slice(&schema.stdout).unwrap();
    assert!(s["properties"]["artifacts"].is_object(), "{s}");
}

/// One computer's folder: `files/` holds what the agent sees and nothing
/// else; `grading/` holds the snapshot the manifest names, the spec, the
/// goals and the planted faults.
#[test]
fn a_computer_keeps_its_answer_key_beside_the_files() {
    let dir = TempDir::new("gen-layout");
    let d = &dir.0;
    ok(&simdesk(
        d,
        &[
            "generate",
            "--template",
            "paralegal",
            "--seed",
            "5",
            "--faults",
            "3",
            "--out",
            "g",
        ],
    ));
    let comp = first_computer(&d.join("g"));
    let names = |p: &Path| {
        let mut names: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    // Nothing but the two folders, no temporary leftovers.
    assert_eq!(names(&comp), ["files", "grading"]);
    assert!(!comp.join("files/.simdesk").exists());
    let grading = names(&comp.join("grading"));
    for want in [
        "faults.json",
        "goals.json",
        "manifest.json",
        "spec.json",
        "world.simdesk",
    ] {
        assert!(grading.iter().any(|n| n == want), "{want}: {grading:?}");
    }
    let snapshot = std::fs::read(comp.join("grading/world.simdesk")).unwrap();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(comp.join("grading/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(manifest["snapshot"]["path"], "../grading/world.simdesk");
    assert_eq!(
        manifest["snapshot"]["blake3"].as_str().unwrap(),
        blake3_hex(&snapshot)
    );
    let faults: serde_json::Value =
        serde_json::from_slice(&std::fs::read(comp.join("grading/faults.json")).unwrap()).unwrap();
    assert_eq!(faults.as_array().unwrap().len(), 3, "{faults}");
    // check and score work on the computer's folder as on its world file.
    for cmd in ["check", "score"] {
        let folder = simdesk(d, &[cmd, comp.to_str().unwrap()]);
        let world = simdesk(
            d,
            &[cmd, comp.join("grading/world.simdesk").to_str().unwrap()],
        );
        assert_eq!(
            String::from_utf8_lossy(&folder.stdout),
            String::from_utf8_lossy(&world.stdout),
            "{cmd}"
        );
        assert_eq!(folder.status.code(), world.status.code(), "{cmd}");
    }
}

fn blake3_hex(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex().to_string()
}

/// The first computer folder of a `generate --out` folder.
fn first_computer(out: &std::path::Path) -> std::path::PathBuf {
    std::fs::read_dir(out)
        .unwrap()
        .filter_map(|e| e.ok())
        .find(|e| e.path().is_dir())
        .unwrap()
        .path()
}

#[test]
fn a_solved_computer_scores_full_marks_and_the_untouched_one_fails() {
    let dir = TempDir::new("solve");
    let d = &dir.0;
    ok(&simdesk(
        d,
        &["generate", "--template", "paralegal", "--out", "out"],
    ));
    let world = "out/paralegal-0-0/grading/world.simdesk";
    let untouched = simdesk(d, &["score", world, "--format", "json"]);
    assert_eq!(untouched.status.code(), Some(1));
    let o = simdesk(d, &["solve", world, "--out", "solved.simdesk"]);
    ok(&o);
    assert!(
        String::from_utf8_lossy(&o.stdout).ends_with("; saved solved.simdesk\n"),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );
    let again = simdesk(d, &["solve", world, "--out", "solved.simdesk"]);
    assert!(!again.status.success(), "refuses to overwrite");
    let o = simdesk(d, &["score", "solved.simdesk", "--format", "json"]);
    ok(&o);
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["reward"], 1.0, "{report:#}");
}
