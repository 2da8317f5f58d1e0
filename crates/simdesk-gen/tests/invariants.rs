//! Domain invariants: every rule a template declares holds on every
//! template × 20 seeds, and the evaluator catches a world that breaks one.

use simdesk_gen::{WorldSpec, check_invariants, templates_from_files};
use simdesk_model::{Artifact, CellValue};

use crate::common::{data_column, make, templates};

#[test]
fn every_declared_rule_holds_on_every_template_and_20_seeds() {
    for t in templates() {
        assert!(
            !t.pack.invariants.is_empty(),
            "{} declares no [[invariants]]",
            t.id
        );
        let mut broken = Vec::new();
        for seed in 0..20 {
            let spec = make(&t, seed);
            for v in check_invariants(&t, &spec) {
                broken.push(format!("seed {seed}: {v}"));
            }
        }
        assert!(
            broken.is_empty(),
            "{}: {} broken rules, first: {:#?}",
            t.id,
            broken.len(),
            &broken[..broken.len().min(8)]
        );
    }
}

/// The first entity workbook's data sheet (by the pack's sheet name).
fn first_data_sheet<'a>(
    t: &simdesk_gen::Template,
    spec: &'a mut WorldSpec,
) -> &'a mut simdesk_model::Sheet {
    spec.artifacts
        .iter_mut()
        .filter_map(|a| match &mut a.artifact {
            Artifact::Workbook(w) => Some(w),
            _ => None,
        })
        .find(|w| {
            w.sheets
                .iter()
                .any(|s| s.name == t.pack.workbook.summary_sheet)
                && w.sheets
                    .iter()
                    .any(|s| s.name == t.pack.workbook.data_sheet)
        })
        .and_then(|w| {
            w.sheets
                .iter_mut()
                .find(|s| s.name == t.pack.workbook.data_sheet)
        })
        .expect("an entity workbook")
}

/// Sets a data column of row `row` (0-based, below the header) of the
/// first entity workbook.
fn set_data(t: &simdesk_gen::Template, spec: &mut WorldSpec, column: &str, row: u32, v: f64) {
    let c = data_column(t, column);
    let s = first_data_sheet(t, spec);
    let cell = s
        .cells
        .get_mut(&simdesk_model::CellAddr::new(row + 1, c))
        .expect("cell");
    cell.value = CellValue::Number(v);
}

fn data(t: &simdesk_gen::Template, spec: &mut WorldSpec, column: &str, row: u32) -> f64 {
    let c = data_column(t, column);
    match first_data_sheet(t, spec)
        .cells
        .get(&simdesk_model::CellAddr::new(row + 1, c))
        .map(|c| &c.value)
    {
        Some(CellValue::Number(n)) => *n,
        other => panic!("{column}: {other:?}"),
    }
}

#[test]
fn the_evaluator_catches_a_broken_rule_in_every_template() {
    // Per template: a column, a row and what to make of its value; the
    // kinds of rule that must then report.
    type Break = fn(f64) -> f64;
    let cases: &[(&str, &str, u32, Break, &[&str])] = &[
        ("financial-advisor", "price", 0, |v| v * 1.5, &["one_value"]),
        ("financial-advisor", "units", 0, |v| v * 1000.0, &["share"]),
        ("paralegal", "rate", 0, |_| 990.0, &["range", "one_value"]),
        (
            "clinical-research-coordinator",
            "completed",
            0,
            |_| 9.0,
            &["range"],
        ),
        (
            "hr-business-partner",
            "salary",
            0,
            |_| 400_000.0,
            &["range", "monotonic"],
        ),
        (
            "construction-pm",
            "invoiced",
            0,
            |v| v * 20.0 + 1e6,
            &["ratio"],
        ),
        ("marketing-manager", "clicks", 0, |v| v * 30.0, &["ratio"]),
    ];
    let all = templates();
    for (id, column, row, f, kinds) in cases {
        let t = all.iter().find(|t| t.id == *id).expect("template");
        let mut spec = make(t, 3);
        assert!(check_invariants(t, &spec).is_empty(), "{id}: clean before");
        let v = data(t, &mut spec, column, *row);
        set_data(t, &mut spec, column, *row, f(v));
        let found = check_invariants(t, &spec);
        for k in *kinds {
            assert!(
                found.iter().any(|x| x.kind == *k),
                "{id}: changing {column} did not break a {k} rule: {found:#?}"
            );
        }
    }
}

#[test]
fn a_fee_rate_off_the_schedule_is_caught() {
    let t = templates()
        .into_iter()
        .find(|t| t.id == "financial-advisor")
        .expect("template");
    let mut spec = make(&t, 4);
    let label = &t.pack.workbook.assumptions[0].label;
    assert_eq!(t.pack.workbook.assumptions[0].key, "fee_rate");
    let mut changed = 0;
    for a in &mut spec.artifacts {
        let Artifact::Workbook(w) = &mut a.artifact else {
            continue;
        };
        let Some(s) = w
            .sheets
            .iter_mut()
            .find(|s| s.name == t.pack.workbook.assumptions_sheet)
        else {
            continue;
        };
        let rows: Vec<u32> = s
            .cells
            .iter()
            .filter(|(_, c)| c.value == CellValue::Text(label.clone()))
            .map(|(a, _)| a.row)
            .collect();
        for r in rows {
            if let Some(c) = s.cells.get_mut(&simdesk_model::CellAddr::new(r, 1)) {
                c.value = CellValue::Number(0.0119);
                changed += 1;
            }
        }
    }
    assert!(changed > 0);
    let found = check_invariants(&t, &spec);
    assert!(found.iter().any(|v| v.kind == "tiered"), "{found:#?}");
}

#[test]
fn a_tracker_attribute_that_disagrees_with_the_data_is_caught() {
    // The risk profile the book of business shows picks the bands: a
    // household shown as the opposite profile breaks its share and its
    // assumptions' bands.
    let t = templates()
        .into_iter()
        .find(|t| t.id == "financial-advisor")
        .expect("template");
    let mut spec = make(&t, 5);
    let mut swapped = 0;
    for a in &mut spec.artifacts {
        let Artifact::Workbook(w) = &mut a.artifact else {
            continue;
        };
        for s in &mut w.sheets {
            for c in s.cells.values_mut() {
                if let CellValue::Text(x) = &mut c.value {
                    let to = match x.as_str() {
                        "Conservative" => "Growth",
                        "Growth" => "Conservative",
                        "Moderate" => "Growth",
                        "Balanced" => "Conservative",
                        _ => continue,
                    };
                    *x = to.to_owned();
                    swapped += 1;
                }
            }
        }
    }
    assert!(swapped > 0);
    let found = check_invariants(&t, &spec);
    assert!(found.iter().any(|v| v.kind == "share"), "{found:#?}");
    assert!(found.iter().any(|v| v.kind == "range"), "{found:#?}");
}

#[test]
fn rules_naming_what_the_pack_lacks_are_refused() {
    // Each case: the rule appended to the adviser's pack, and what the
    // load error must say.
    let bad = [
        (
            "kind = \"range\"\nvalue = \"column:nope\"\nrange = [0, 1]",
            "no data column",
        ),
        (
            "kind = \"range\"\nvalue = \"kpi:total_value\"\nby = \"attribute:segmentx\"\nrange = [0, 1]",
            "attribute",
        ),
        (
            "kind = \"range\"\nvalue = \"risk\"\nrange = [0, 1]",
            "expected column:",
        ),
        (
            "kind = \"allowed\"\nkey = \"ticker\"\ncolumn = \"nope\"\nvalues = { X = [\"a\"] }",
            "no data column nope",
        ),
        (
            "kind = \"allowed\"\nkey = \"ticker\"\ncolumn = \"class\"\nvalues = { VTI = [] }",
            "values.VTI allows nothing",
        ),
        (
            "kind = \"allowed\"\nkey = \"ticker\"\ncolumn = \"class\"\nvalues = {}",
            "values lists no key",
        ),
    ];
    for (body, want) in bad {
        let files = simdesk_gen::embedded_files().iter().filter_map(|(rel, c)| {
            rel.strip_prefix("financial-advisor/").map(|rest| {
                let c = if rest == "pack.toml" {
                    format!("{c}\n[[invariants]]\n{body}\n")
                } else {
                    (*c).to_owned()
                };
                (format!("fa2/{rest}"), c)
            })
        });
        let err = templates_from_files(files, "test").expect_err(body);
        assert!(err.to_string().contains(want), "{body}: {err}");
    }
}

/// A job title its level does not allow (a Principal Engineer at L2, an
/// Analyst at L6) is caught, and the generator never draws one.
#[test]
fn a_title_its_level_does_not_allow_is_caught() {
    let all = templates();
    let t = all
        .iter()
        .find(|t| t.id == "hr-business-partner")
        .expect("template");
    let mut spec = make(t, 3);
    assert!(check_invariants(t, &spec).is_empty(), "clean before");
    let (level_col, role_col) = (data_column(t, "level"), data_column(t, "role"));
    let s = first_data_sheet(t, &mut spec);
    let level = match s
        .cells
        .get(&simdesk_model::CellAddr::new(1, level_col))
        .map(|c| &c.value)
    {
        Some(CellValue::Text(l)) => l.clone(),
        other => panic!("level: {other:?}"),
    };
    let wrong = if level == "L6" {
        "Analyst"
    } else {
        "Principal Engineer"
    };
    s.cells
        .get_mut(&simdesk_model::CellAddr::new(1, role_col))
        .expect("role cell")
        .value = CellValue::Text(wrong.to_owned());
    let found = check_invariants(t, &spec);
    assert!(
        found
            .iter()
            .any(|v| v.kind == "allowed" && v.message.contains(wrong)),
        "{found:#?}"
    );
}

/// A construction line is billed as its trade stands in the project's
/// phase: during the structure, earthwork is nearly all billed and
/// finishes hardly at all; general conditions follow the phase alone.
/// (`every_declared_rule_holds_on_every_template_and_20_seeds` then holds
/// every generated line to these bands.)
#[test]
fn a_trades_billing_follows_the_phase() {
    let all = templates();
    let t = all
        .iter()
        .find(|t| t.id == "construction-pm")
        .expect("template");
    let rule = t
        .pack
        .invariants
        .iter()
        .find_map(|r| match r {
            simdesk_gen::Invariant::Ratio(r) if r.column == "invoiced" => Some(r),
            _ => None,
        })
        .expect("the invoiced rule");
    let band = |phase: &str, trade: &str| rule.band(Some(phase), Some(trade)).expect("a band");
    assert!(band("Structure", "Sitework")[0] >= 0.85);
    assert!(band("Structure", "Finishes")[1] <= 0.02);
    assert!(band("Foundations", "Masonry")[1] <= 0.02);
    assert!(band("Interiors", "Drywall")[0] >= 0.5);
    assert_eq!(
        band("Structure", "GC"),
        rule.band(Some("Structure"), None).expect("phase")
    );
    // Every trade of the cost codes has its own band in every phase but
    // general conditions.
    for r in &t.pack.tables["cost_codes"] {
        let trade = r["trade"].as_str().expect("trade");
        for phase in ["Foundations", "Structure", "Envelope", "Interiors"] {
            let own = rule.bands.contains_key(&format!("{phase}/{trade}"));
            assert_eq!(own, trade != "GC", "{phase}/{trade}");
        }
    }
}
