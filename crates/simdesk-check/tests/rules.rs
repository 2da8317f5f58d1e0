//! Every rule: a fixture where it fires and a near miss where it must not,
//! in one table.

use simdesk_check::{CheckOptions, check, portable_name_diagnostics};
use simdesk_model::*;

use crate::common::*;

const BOOK: &str = "/Clients/Chen/portfolio.xlsx";

fn portfolio(w: &mut W) -> &mut W {
    w.book(
        BOOK,
        "Summary",
        &[
            ("A1", Cell::value("Total")),
            ("B1", Cell::value(22727.0).with_format("$#,##0.00")),
            ("A2", Cell::value("Annual return")),
            ("B2", Cell::value(0.073).with_format("0.0%")),
            ("A3", Cell::value("Number of holdings")),
            ("B3", Cell::value(9.0)),
        ],
    )
}

fn para(t: &str) -> Block {
    Block::para(t)
}

/// `Some(severity)`: the code must be reported at that severity; `None`:
/// it must not be reported at all.
struct Case {
    name: &'static str,
    build: fn(&mut W),
    code: Code,
    expect: Option<Severity>,
}

const fn fires(name: &'static str, code: Code, sev: Severity, build: fn(&mut W)) -> Case {
    Case {
        name,
        build,
        code,
        expect: Some(sev),
    }
}

const fn quiet(name: &'static str, code: Code, build: fn(&mut W)) -> Case {
    Case {
        name,
        build,
        code,
        expect: None,
    }
}

use Code::*;
use Severity::{Error as E, Info as I, Warning as Wn};

static CASES: &[Case] = &[
    // ---- stale export, with the chain
    fires("export then edit source", StaleExport, E, |w| {
        portfolio(w)
            .export(BOOK, "/Out/summary.csv")
            .set(BOOK, "Summary", "B1", 23000.0);
    }),
    quiet("edit source then export again", StaleExport, |w| {
        portfolio(w)
            .export(BOOK, "/Out/summary.csv")
            .set(BOOK, "Summary", "B1", 23000.0)
            .export(BOOK, "/Out/summary.csv");
    }),
    fires("copy then edit original", StaleExport, E, |w| {
        portfolio(w)
            .op(Op::Copy {
                from: vp(BOOK),
                to: vp("/Archive/portfolio.xlsx"),
            })
            .set(BOOK, "Summary", "B1", 1.0);
    }),
    quiet("copy of an unchanged original", StaleExport, |w| {
        portfolio(w).op(Op::Copy {
            from: vp(BOOK),
            to: vp("/Archive/portfolio.xlsx"),
        });
    }),
    // ---- stale dependent (manual links)
    fires("based-on source changed", StaleDependent, Wn, |w| {
        portfolio(w)
            .doc("/Clients/Chen/notes.docx", vec![para("notes")])
            .op(Op::Link {
                source: rf(BOOK),
                dependent: rf("/Clients/Chen/notes.docx"),
                kind: LinkKind::BasedOn,
            });
        w.set(BOOK, "Summary", "B1", 1.0);
    }),
    quiet(
        "based-on source changed, then refreshed",
        StaleDependent,
        |w| {
            portfolio(w)
                .doc("/Clients/Chen/notes.docx", vec![para("notes")])
                .op(Op::Link {
                    source: rf(BOOK),
                    dependent: rf("/Clients/Chen/notes.docx"),
                    kind: LinkKind::BasedOn,
                });
            w.set(BOOK, "Summary", "B1", 1.0).op(Op::Refresh {
                path: vp("/Clients/Chen/notes.docx"),
            });
        },
    ),
    // ---- stale attachment
    fires("attached a stale export", StaleAttachment, E, |w| {
        portfolio(w)
            .export(BOOK, "/Out/summary.csv")
            .set(BOOK, "Summary", "B1", 23000.0)
            .send(
                "/Mail/Sent/1.eml",
                "chen@home.example",
                "Summary",
                &["/Out/summary.csv"],
            );
    }),
    quiet("attached a fresh export", StaleAttachment, |w| {
        portfolio(w)
            .set(BOOK, "Summary", "B1", 23000.0)
            .export(BOOK, "/Out/summary.csv")
            .send(
                "/Mail/Sent/1.eml",
                "chen@home.example",
                "Summary",
                &["/Out/summary.csv"],
            );
    }),
    fires(
        "attachment changed after sending",
        StaleAttachment,
        Wn,
        |w| {
            portfolio(w)
                .send("/Mail/Sent/1.eml", "chen@home.example", "Model", &[BOOK])
                .set(BOOK, "Summary", "B1", 1.0);
        },
    ),
    quiet("attachment changed before sending", StaleAttachment, |w| {
        portfolio(w).set(BOOK, "Summary", "B1", 1.0).send(
            "/Mail/Sent/1.eml",
            "chen@home.example",
            "Model",
            &[BOOK],
        );
    }),
    // ---- broken references
    fires("field source deleted", BrokenReference, E, |w| {
        portfolio(w)
            .doc(
                "/Reports/q4.docx",
                vec![field_para(
                    "Total: ",
                    "/Clients/Chen/portfolio.xlsx#Summary!B1",
                )],
            )
            .op(Op::Delete {
                path: vp(BOOK),
                recursive: false,
            });
    }),
    quiet("field source present", BrokenReference, |w| {
        portfolio(w).doc(
            "/Reports/q4.docx",
            vec![field_para(
                "Total: ",
                "/Clients/Chen/portfolio.xlsx#Summary!B1",
            )],
        );
    }),
    fires("field reads a missing sheet", BrokenReference, E, |w| {
        portfolio(w).doc(
            "/Reports/q4.docx",
            vec![field_para(
                "Total: ",
                "/Clients/Chen/portfolio.xlsx#Totals!B1",
            )],
        );
    }),
    fires("field reads a missing heading", BrokenReference, E, |w| {
        w.doc("/Reports/a.docx", vec![Block::heading(1, "Performance")])
            .doc(
                "/Reports/b.docx",
                vec![field_para("See ", "/Reports/a.docx#heading:risk")],
            );
    }),
    quiet("field reads an existing heading", BrokenReference, |w| {
        w.doc("/Reports/a.docx", vec![Block::heading(1, "Performance")])
            .doc(
                "/Reports/b.docx",
                vec![field_para("See ", "/Reports/a.docx#heading:performance")],
            );
    }),
    fires("formula reads a missing sheet", BrokenReference, E, |w| {
        w.book(
            "/m.xlsx",
            "Main",
            &[
                ("A1", Cell::value(2.0)),
                ("A2", Cell::formula("Missing!A1*2")),
            ],
        );
    }),
    quiet(
        "formula reads its own sheet by name",
        BrokenReference,
        |w| {
            w.book(
                "/m.xlsx",
                "Main",
                &[("A1", Cell::value(2.0)), ("A2", Cell::formula("main!A1*2"))],
            );
        },
    ),
    fires("attachment deleted", BrokenReference, E, |w| {
        portfolio(w)
            .send("/Mail/Sent/1.eml", "chen@home.example", "Model", &[BOOK])
            .op(Op::Delete {
                path: vp(BOOK),
                recursive: false,
            });
    }),
    // ---- quoted value mismatch (typed by hand near a label)
    fires(
        "typed total disagrees with the workbook",
        QuotedValueMismatch,
        Wn,
        |w| {
            portfolio(w).doc(
                "/Clients/Chen/review.docx",
                vec![para("Total portfolio value: $22,192.00 as of today.")],
            );
        },
    ),
    quiet(
        "typed total agrees at its precision",
        QuotedValueMismatch,
        |w| {
            portfolio(w).doc(
                "/Clients/Chen/review.docx",
                vec![para("Total portfolio value: $22,727 as of today.")],
            );
        },
    ),
    fires("typed percentage disagrees", QuotedValueMismatch, Wn, |w| {
        portfolio(w).text(
            "/Clients/Chen/notes.md",
            "- Annual return came in at 6.1% this year\n",
        );
    }),
    quiet("typed percentage agrees", QuotedValueMismatch, |w| {
        portfolio(w).text(
            "/Clients/Chen/notes.md",
            "- Annual return came in at 7.3% this year\n",
        );
    }),
    quiet(
        "a different quantity under the same word",
        QuotedValueMismatch,
        |w| {
            portfolio(w).doc(
                "/Clients/Chen/review.docx",
                vec![para("Total meetings this year: 4.")],
            );
        },
    ),
    quiet(
        "a number in another sentence than the label",
        QuotedValueMismatch,
        |w| {
            portfolio(w).doc(
                "/Clients/Chen/review.docx",
                vec![para("Total is shown below. We spent $22,192.00 on fees.")],
            );
        },
    ),
    quiet(
        "a document in an unrelated folder",
        QuotedValueMismatch,
        |w| {
            portfolio(w).doc(
                "/Other/review.docx",
                vec![para("Total portfolio value: $22,192.00.")],
            );
        },
    ),
    fires(
        "a linked document elsewhere",
        QuotedValueMismatch,
        Wn,
        |w| {
            portfolio(w).doc(
                "/Reports/review.docx",
                vec![
                    field_para("Return: ", "/Clients/Chen/portfolio.xlsx#Summary!B2"),
                    para("Total portfolio value: $22,192.00."),
                ],
            );
        },
    ),
    // ---- formula errors and cycles
    fires("division by zero", FormulaError, E, |w| {
        w.book(
            "/m.xlsx",
            "Main",
            &[
                ("A1", Cell::value(1.0)),
                ("A2", Cell::value(0.0)),
                ("A3", Cell::formula("A1/A2")),
            ],
        );
    }),
    quiet("division by a number", FormulaError, |w| {
        w.book(
            "/m.xlsx",
            "Main",
            &[
                ("A1", Cell::value(1.0)),
                ("A2", Cell::value(2.0)),
                ("A3", Cell::formula("A1/A2")),
            ],
        );
    }),
    fires("two cells read each other", CircularReference, E, |w| {
        w.book(
            "/m.xlsx",
            "Main",
            &[("A1", Cell::formula("B1+1")), ("B1", Cell::formula("A1+1"))],
        );
    }),
    quiet("a chain, not a circle", CircularReference, |w| {
        w.book(
            "/m.xlsx",
            "Main",
            &[("A1", Cell::formula("B1+1")), ("B1", Cell::formula("C1+1"))],
        );
    }),
    // ---- housekeeping (information)
    fires(
        "final_v2_REAL beside the original",
        VersionClutter,
        I,
        |w| {
            w.text("/Docs/plan.md", "a")
                .text("/Docs/plan_final_v2_REAL.md", "b");
        },
    ),
    quiet("similar but different names", VersionClutter, |w| {
        w.text("/Docs/plan.md", "a").text("/Docs/planning.md", "b");
    }),
    fires("identical content", DuplicateContent, I, |w| {
        w.text("/Docs/a.md", "same text")
            .text("/Other/b.md", "same text");
    }),
    quiet("different content", DuplicateContent, |w| {
        w.text("/Docs/a.md", "same text")
            .text("/Other/b.md", "other text");
    }),
    fires("a document linked to nothing", Orphan, I, |w| {
        w.doc("/Docs/lonely.docx", vec![para("hello")]);
    }),
    quiet("a document quoting a workbook", Orphan, |w| {
        portfolio(w).doc(
            "/Docs/q.docx",
            vec![field_para(
                "Total: ",
                "/Clients/Chen/portfolio.xlsx#Summary!B1",
            )],
        );
    }),
    // ---- names: a world's paths are validated on entry
    quiet("validated world paths", NonPortableName, |w| {
        w.text("/Docs/Q4 plan (draft).md", "a");
    }),
];

#[test]
fn every_rule_fires_and_has_a_near_miss() {
    let mut failures = Vec::new();
    for case in CASES {
        let mut w = W::new();
        (case.build)(&mut w);
        let found = check(&w.0, &CheckOptions::default());
        let of_code: Vec<&Diagnostic> = found.iter().filter(|d| d.code == case.code).collect();
        let ok = match case.expect {
            Some(sev) => of_code.iter().any(|d| d.severity == sev),
            None => of_code.is_empty(),
        };
        if !ok {
            failures.push(format!(
                "{}: expected {:?} {:?}, found:\n    {}",
                case.name,
                case.code,
                case.expect,
                found
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("\n    ")
            ));
        }
    }
    // Every rule of the table has both a firing and a quiet case.
    for r in simdesk_check::RULES {
        assert!(
            CASES.iter().any(|c| c.code == r.code && c.expect.is_none()),
            "no near miss for {:?}",
            r.code
        );
        assert!(
            CASES.iter().any(|c| c.code == r.code && c.expect.is_some())
                || r.code == NonPortableName,
            "no firing case for {:?}",
            r.code
        );
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn non_portable_names_of_imported_folders() {
    for (paths, expect) in [
        (&["Reports/aux.txt"][..], 1),
        (&["Reports/q4.docx "], 1),
        (&["Reports/a<b>.docx"], 1),
        (&["Reports/Q4.docx", "Reports/q4.docx"], 1),
        (&["Reports/Q4.docx", "Other/q4.docx"], 0),
        (&["Reports/auxiliary.txt", "Reports/Q4 review (v2).docx"], 0),
    ] {
        let paths: Vec<String> = paths.iter().map(|s| (*s).to_owned()).collect();
        let found = portable_name_diagnostics(&paths);
        assert_eq!(found.len(), expect, "{paths:?}: {found:?}");
        assert!(found.iter().all(|d| d.code == Code::NonPortableName));
    }
}

#[test]
fn stale_export_names_the_chain_and_what_is_missing() {
    let mut w = W::new();
    portfolio(&mut w)
        .doc(
            "/Reports/q4.docx",
            vec![field_para(
                "Total: ",
                "/Clients/Chen/portfolio.xlsx#Summary!B1",
            )],
        )
        .op(Op::Link {
            source: rf(BOOK),
            dependent: rf("/Reports/q4.docx"),
            kind: LinkKind::BasedOn,
        })
        .export("/Reports/q4.docx", "/Reports/q4.pdf")
        .set(BOOK, "Summary", "B2", 0.08);
    let found = check(&w.0, &CheckOptions::default());
    let d = found
        .iter()
        .find(|d| d.code == Code::StaleExport)
        .expect("stale export");
    assert_eq!(d.refs[0].to_string(), "/Reports/q4.pdf");
    assert!(
        d.message
            .contains("chain: /Clients/Chen/portfolio.xlsx -> /Reports/q4.docx -> /Reports/q4.pdf"),
        "{}",
        d.message
    );
    assert!(
        d.hints.iter().any(|h| h == "refresh /Reports/q4.docx"),
        "{:?}",
        d.hints
    );
}

#[test]
fn formula_errors_are_reported_where_they_start() {
    let mut w = W::new();
    w.book(
        "/m.xlsx",
        "Main",
        &[
            ("A1", Cell::value(1.0)),
            ("A2", Cell::value(0.0)),
            ("A3", Cell::formula("A1/A2")),
            ("A4", Cell::formula("A3*2")),
            ("B1", Cell::formula("C1+1")),
            ("C1", Cell::formula("B1+1")),
            ("D1", Cell::formula("B1*2")),
        ],
    );
    let found = check(&w.0, &CheckOptions::default());
    let errs: Vec<String> = found
        .iter()
        .filter(|d| matches!(d.code, Code::FormulaError | Code::CircularReference))
        .map(|d| d.message.clone())
        .collect();
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs.iter()
            .any(|m| m.contains("Main!A3") && m.contains("#DIV/0!"))
    );
    assert!(errs.iter().any(|m| m.contains("Main!B1, Main!C1")));
}
