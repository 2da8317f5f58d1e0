//! The published JSON Schema (`simdesk schema`) describes specs down to
//! every artifact's content: every generated spec validates, and specs
//! with content of the wrong shape do not.

use serde_json::{Value, json};

use crate::common::{make, templates};

fn validator() -> jsonschema::Validator {
    jsonschema::validator_for(&simdesk_gen::schema()).expect("schema compiles")
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

#[test]
fn every_generated_spec_validates() {
    let v = validator();
    for t in templates() {
        for seed in [1, 2] {
            let spec = serde_json::to_value(make(&t, seed)).unwrap();
            let errs = errors(&v, &spec);
            assert!(errs.is_empty(), "{} seed {seed}: {errs:#?}", t.id);
        }
    }
}

/// A change that makes a spec invalid.
type Edit = Box<dyn Fn(&mut Value)>;

/// The first artifact of `kind` in a generated spec, as JSON, with its
/// index.
fn first_of(spec: &Value, kind: &str) -> usize {
    spec["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .position(|a| a["artifact"]["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind}"))
}

#[test]
fn content_of_the_wrong_shape_is_refused() {
    let v = validator();
    let t = &templates()[0];
    let spec = serde_json::to_value(make(t, 3)).unwrap();
    let wb = first_of(&spec, "workbook");
    let doc = first_of(&spec, "document");
    let cases: Vec<(&str, Edit)> = vec![
        (
            "unknown artifact kind",
            Box::new(move |s| s["artifacts"][wb]["artifact"]["kind"] = json!("spreadsheet")),
        ),
        (
            "sheets not a list",
            Box::new(move |s| s["artifacts"][wb]["artifact"]["sheets"] = json!("Q2")),
        ),
        (
            "a cell keyed by something that is not an address",
            Box::new(move |s| {
                s["artifacts"][wb]["artifact"]["sheets"][0]["cells"]["not a cell"] =
                    json!({"value": 1});
            }),
        ),
        (
            "an unknown block type",
            Box::new(move |s| {
                s["artifacts"][doc]["artifact"]["blocks"][0] = json!({"type": "banner"});
            }),
        ),
        (
            "a relative path",
            Box::new(move |s| s["artifacts"][doc]["path"] = json!("Documents/x.docx")),
        ),
        (
            "a start time that is not a date",
            Box::new(|s| s["start"] = json!(12)),
        ),
    ];
    for (what, edit) in cases {
        let mut bad = spec.clone();
        edit(&mut bad);
        assert!(!v.is_valid(&bad), "{what}: accepted");
    }
}
