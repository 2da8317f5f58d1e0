//! SARIF output validates against the official SARIF 2.1.0 JSON schema.
//!
//! `tests/data/sarif-schema-2.1.0.json` is the OASIS SARIF 2.1.0 schema
//! (its final release candidate, `sarif-2.1.0-rtm.5`, as shipped in the
//! MIT-licensed npm package `@microsoft/jest-sarif` 1.0.0-beta.0 under
//! `lib/schemas/`). Validation is offline: the schema only refers to itself.

use simdesk_check::{CheckOptions, Report, check, portable_name_diagnostics, sarif, text_report};
use simdesk_model::*;

use crate::common::*;

/// A world with findings of every severity and several ref shapes.
fn messy() -> Vec<Diagnostic> {
    let mut w = W::new();
    w.book(
        "/Clients/Chen Family/portfolio #1.xlsx",
        "Summary",
        &[
            ("A1", Cell::value("Total")),
            ("B1", Cell::value(22727.0)),
            ("B2", Cell::formula("B1/0")),
            ("C1", Cell::formula("D1+1")),
            ("D1", Cell::formula("C1+1")),
        ],
    )
    .export("/Clients/Chen Family/portfolio #1.xlsx", "/Out/summary.csv")
    .set(
        "/Clients/Chen Family/portfolio #1.xlsx",
        "Summary",
        "B1",
        1.0,
    )
    .doc(
        "/Clients/Chen Family/review.docx",
        vec![Block::para("Total portfolio value: $1.10")],
    )
    .text("/Docs/plan.md", "x")
    .text("/Docs/plan_final_v2.md", "x");
    let mut found = check(&w.0, &CheckOptions::default());
    found.extend(portable_name_diagnostics(&["Odd/aux.txt".into()]));
    found
}

#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    // The official schema's patterns for `language` have a stray `]`
    // (`…-[a-zA-Z]{2}]?$`) that ECMAScript reads as a literal and the Rust
    // regex engine refuses; escape it so the schema compiles. No output of
    // ours has a `language`, so this changes nothing that is validated.
    let text = include_str!("data/sarif-schema-2.1.0.json");
    assert_eq!(text.matches("[a-zA-Z]{2}]?$").count(), 2);
    let text = text.replace("[a-zA-Z]{2}]?$", "[a-zA-Z]{2}\\\\]?$");
    let schema: serde_json::Value = serde_json::from_str(&text).expect("schema json");
    let validator = jsonschema::draft4::new(&schema).expect("schema compiles");
    let found = messy();
    assert!(found.iter().any(|d| d.severity == Severity::Error));
    assert!(found.iter().any(|d| d.severity == Severity::Info));
    for log in [sarif(&found), sarif(&[])] {
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}\n{log:#}");
    }
    // And an invalid log is caught, so the validator is really checking.
    let mut bad = sarif(&found);
    bad["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!validator.is_valid(&bad));
}

#[test]
fn sarif_has_rules_levels_and_locations() {
    let found = messy();
    let log = sarif(&found);
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    for r in simdesk_check::RULES {
        assert!(rules.iter().any(|x| x["id"] == r.code.as_str()));
    }
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), found.len());
    let stale = results
        .iter()
        .find(|r| r["ruleId"] == "SD013")
        .expect("stale export result");
    assert_eq!(stale["level"], "error");
    assert_eq!(
        stale["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "Out/summary.csv"
    );
    // Paths become URI references: spaces and '#' are escaped.
    let text = log.to_string();
    assert!(
        text.contains("Clients/Chen%20Family/portfolio%20%231.xlsx"),
        "{text}"
    );
    assert!(results.iter().any(|r| r["level"] == "note"));
}

#[test]
fn text_and_json_reports_group_by_file() {
    let found = messy();
    let text = text_report(&found, false);
    assert!(
        text.contains("/Out/summary.csv\n  error[SD013 stale-export]: "),
        "{text}"
    );
    assert!(!text.contains('\x1b'));
    assert!(text_report(&found, true).contains("\x1b[1;31merror\x1b[0m"));
    assert!(text.lines().last().expect("summary").contains("error(s)"));
    let json = serde_json::to_value(Report::new(&found)).expect("json");
    assert_eq!(
        json["summary"]["errors"],
        found.iter().filter(|d| d.is_error()).count()
    );
    assert_eq!(
        json["findings"][0]["code"]
            .as_str()
            .map(|c| c.starts_with("SD")),
        Some(true)
    );
}
