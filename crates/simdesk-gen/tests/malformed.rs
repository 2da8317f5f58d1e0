//! Malformed specs: each is answered with errors naming a JSON pointer and
//! a reason, never a panic. One `check` helper, many one-line cases.

use serde_json::{Value, json};
use simdesk_gen::{GenOptions, SpecLimits, builtin_template, generate, validate};

fn base() -> Value {
    json!({
        "version": 1,
        "start": "2026-01-05T08:00:00Z",
        "persona": {"name": "Ana Ruiz", "email": "ana@firm.example"},
        "home": "/Users/ana",
        "collaborators": [{"key": "boss", "name": "B", "role": "Manager", "email": "b@firm.example", "relation": "manager", "style": "terse"}],
        "folders": ["/Users/ana/Documents"],
        "artifacts": [
            {"path": "/Users/ana/Downloads/p.csv", "artifact": {"kind": "text", "format": "csv", "content": "a,b\n1,2\n"}},
            {"path": "/Users/ana/Documents/m.xlsx", "artifact": {"kind": "workbook", "sheets": [
                {"name": "Data", "cells": {}},
                {"name": "Summary", "cells": {"B2": {"formula": "SUM(Data!A2:A9)"}}}]}},
            {"path": "/Users/ana/Documents/r.docx", "artifact": {"kind": "document", "blocks": [
                {"type": "paragraph", "inlines": [{"type": "field", "source": "/Users/ana/Documents/m.xlsx#Summary!B2"}]}]}}
        ],
        "links": [{"source": "/Users/ana/Downloads/p.csv", "dependent": "/Users/ana/Documents/m.xlsx#Data", "kind": "import"}],
        "exports": [{"source": "/Users/ana/Documents/r.docx", "target": "/Users/ana/Documents/r.pdf"}],
        "emails": [{"path": "/Users/ana/Mail/Inbox/1.eml", "actor": "boss", "email": {
            "from": {"address": "b@firm.example"}, "to": [{"address": "ana@firm.example"}], "subject": "Report",
            "date": "2026-01-06T09:00:00Z", "message_id": "1@firm.example", "body": [], "attachments": ["/Users/ana/Documents/r.pdf"]}}],
        "objectives": [{"objective": {"id": "obj-1", "title": "T", "message_id": "1@firm.example", "due": "2026-01-09T17:00:00Z",
            "goals": [{"goal": "exported_fresh", "path": "/Users/ana/Documents/r2.pdf", "source": "/Users/ana/Documents/r.docx"}]}}]
    })
}

fn with(f: impl FnOnce(&mut Value)) -> String {
    let mut v = base();
    f(&mut v);
    serde_json::to_string(&v).unwrap()
}

/// Validates `json` and expects an error at `pointer` whose reason contains `reason`.
fn check(json: &str, pointer: &str, reason: &str) {
    let errs = validate(json, &SpecLimits::default()).expect_err("spec must be rejected");
    assert!(
        errs.iter()
            .any(|e| e.pointer == pointer && e.reason.contains(reason)),
        "expected {pointer:?} ~ {reason:?}, got {errs:#?}"
    );
}

#[test]
fn the_base_spec_is_valid() {
    validate(&with(|_| {}), &SpecLimits::default()).unwrap();
}

#[test]
fn generated_specs_validate() {
    for t in simdesk_gen::builtin_templates().unwrap() {
        let s = generate(&t, 5, 0, &GenOptions { faults: 2 }).unwrap();
        let json = serde_json::to_string(&s).unwrap();
        let back =
            validate(&json, &SpecLimits::default()).unwrap_or_else(|e| panic!("{}: {e:#?}", t.id));
        // Floats may differ in the last bit through serde_json; compare shape.
        assert_eq!(back.file_set(), s.file_set(), "{}", t.id);
        assert_eq!(back.objectives.len(), s.objectives.len(), "{}", t.id);
        assert_eq!(back.faults, s.faults, "{}", t.id);
    }
    let _ = builtin_template;
}

#[test]
fn wrong_types() {
    check(
        &with(|v| v["version"] = json!("one")),
        "/version",
        "unsupported version",
    );
    check(
        &with(|v| v["artifacts"] = json!({})),
        "/artifacts",
        "expected an array",
    );
    check(
        &with(|v| v["artifacts"][1]["artifact"]["sheets"] = json!(7)),
        "/artifacts/1/artifact",
        "invalid type",
    );
    check(&with(|v| v["start"] = json!(12)), "/start", "invalid type");
    check(
        &with(|v| v["collaborators"][0]["style"] = json!("rude")),
        "/collaborators/0/style",
        "unknown variant",
    );
}

#[test]
fn unknown_kinds_and_fields() {
    check(
        &with(|v| v["artifacts"][0]["artifact"]["kind"] = json!("spreadsheet")),
        "/artifacts/0/artifact/kind",
        "unknown variant `spreadsheet`",
    );
    check(
        &with(|v| v["links"][0]["kind"] = json!("hardlink")),
        "/links/0/kind",
        "unknown variant",
    );
    check(
        &with(|v| v["colaborators"] = json!([])),
        "/colaborators",
        "unknown field",
    );
    check(
        &with(|v| v["objectives"][0]["objective"]["goals"][0]["goal"] = json!("be_nice")),
        "/objectives/0/objective/goals/0/goal",
        "unknown variant",
    );
}

#[test]
fn every_problem_is_reported() {
    let json = with(|v| {
        v["artifacts"][0]["path"] = json!("relative.csv");
        v["artifacts"][2]["artifact"]["kind"] = json!("memo");
        v["exports"][0]["target"] = json!("/Users/ana/CON.pdf");
    });
    let errs = validate(&json, &SpecLimits::default()).unwrap_err();
    let ptrs: Vec<&str> = errs.iter().map(|e| e.pointer.as_str()).collect();
    assert!(ptrs.contains(&"/artifacts/0/path"), "{errs:#?}");
    assert!(ptrs.contains(&"/artifacts/2/artifact/kind"), "{errs:#?}");
    assert!(ptrs.contains(&"/exports/0/target"), "{errs:#?}");
}

#[test]
fn dangling_refs() {
    check(
        &with(|v| v["links"][0]["source"] = json!("/Users/ana/Downloads/gone.csv")),
        "/links/0/source",
        "dangling",
    );
    check(
        &with(|v| {
            v["artifacts"][2]["artifact"]["blocks"][0]["inlines"][0]["source"] =
                json!("/Users/ana/Documents/m.xlsx#Nope!B2")
        }),
        "/artifacts/2/artifact",
        "no sheet",
    );
    check(
        &with(|v| v["emails"][0]["email"]["attachments"][0] = json!("/Users/ana/x.pdf")),
        "/emails/0/email/attachments/0",
        "dangling",
    );
    check(
        &with(|v| v["exports"][0]["source"] = json!("/Users/ana/none.docx")),
        "/exports/0/source",
        "dangling",
    );
    check(
        &with(|v| v["objectives"][0]["objective"]["message_id"] = json!("zzz")),
        "/objectives/0/objective/message_id",
        "no email",
    );
    check(
        &with(|v| v["emails"][0]["actor"] = json!("stranger")),
        "/emails/0/actor",
        "unknown actor",
    );
}

#[test]
fn cycles() {
    check(
        &with(|v| {
            v["links"].as_array_mut().unwrap().push(json!({"source": "/Users/ana/Documents/r.docx", "dependent": "/Users/ana/Downloads/p.csv", "kind": "based_on"}));
            v["links"].as_array_mut().unwrap().push(json!({"source": "/Users/ana/Documents/m.xlsx", "dependent": "/Users/ana/Documents/m.xlsx", "kind": "based_on"}));
        }),
        "/links/2",
        "itself",
    );
    let json = with(|v| {
        v["links"].as_array_mut().unwrap().push(json!({"source": "/Users/ana/Documents/r.docx", "dependent": "/Users/ana/Downloads/p.csv", "kind": "based_on"}));
    });
    let errs = validate(&json, &SpecLimits::default()).unwrap_err();
    assert!(errs.iter().any(|e| e.reason.contains("cycle")), "{errs:#?}");
}

#[test]
fn hostile_paths() {
    for (p, why) in [
        ("/Users/ana/../../etc/passwd", "'..'"),
        ("C:\\Windows\\system.xlsx", "must start with '/'"),
        ("/Users/ana/aux.xlsx", "reserved"),
        ("/Users/ana/a\u{0}b.xlsx", "control"),
        ("/Users/ana/x:y.xlsx", "reserved"),
        ("/Users/ana/trailing.xlsx.", "dot"),
    ] {
        check(
            &with(|v| v["artifacts"][1]["path"] = json!(p)),
            "/artifacts/1/path",
            why,
        );
    }
    check(
        &with(|v| v["artifacts"][1]["path"] = json!("/Users/ana/Downloads/P.CSV")),
        "/artifacts/1/path",
        "already used",
    );
    check(
        &with(|v| v["artifacts"][1]["path"] = json!("/Users/ana/Documents/m.docx")),
        "/artifacts/1/path",
        "extensions",
    );
    check(&with(|v| v["home"] = json!("/")), "/home", "root");
}

#[test]
fn huge_strings_and_deep_nesting_are_refused_before_parsing() {
    let big = "x".repeat(100 << 20);
    let json = with(|v| v["artifacts"][0]["artifact"]["content"] = json!(big));
    check(&json, "", "more than the limit");
    let limits = SpecLimits {
        max_bytes: 200 << 20,
        ..SpecLimits::default()
    };
    let errs = validate(&json, &limits).unwrap_err();
    assert_eq!(errs[0].pointer, "/artifacts/0/artifact/content", "{errs:?}");
    let deep = format!(
        "{{\"version\":1,\"persona\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let errs = validate(&deep, &SpecLimits::default()).unwrap_err();
    assert!(errs[0].reason.contains("nesting"), "{errs:?}");
    assert!(errs[0].pointer.starts_with("/persona/0/0"), "{errs:?}");
}

#[test]
fn garbage_never_panics() {
    for s in [
        "",
        "null",
        "[]",
        "{",
        "{\"version\":1",
        "\"",
        "{\"a\":}",
        "[[[[",
        "{\"version\":1,\"artifacts\":[null,1,\"x\",{}]}",
    ] {
        let errs = validate(s, &SpecLimits::default()).unwrap_err();
        assert!(!errs.is_empty(), "{s}");
    }
}
