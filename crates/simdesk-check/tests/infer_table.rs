//! One table for every inference: a fixture where it fires and a near miss
//! where it must not. Each fixture is built with ops (exports and all),
//! then stripped to a plain folder — the same files, no edges — and the
//! whole inference (links and findings) is compared with the expectation.

use simdesk_check::{Attached, infer};
use simdesk_engine::Workspace;
use simdesk_model::*;

use crate::common::{W, email, vp};

/// The same files without edges or trajectory: what importing a folder
/// without a manifest gives (the fixtures hold no fields).
fn plain(ws: &Workspace) -> Workspace {
    let mut out = Workspace::new(ws.start(), Persona::default());
    for e in ws.walk() {
        let op = match ws.artifact(&e.path) {
            None => Op::Mkdir { path: e.path },
            Some(a) => Op::Create {
                path: e.path,
                artifact: a.clone().into(),
            },
        };
        assert!(out.apply_as("import", op).is_applied());
    }
    out
}

/// The inference as lines: links, then findings.
fn render(ws: &Workspace, attached: &[Attached]) -> String {
    let inf = infer(ws, attached);
    let mut out = String::new();
    for l in &inf.links {
        out.push_str(&format!(
            "link {} {} -> {} ({:.2}): {}\n",
            l.relation.as_str(),
            l.source,
            l.dependent,
            l.confidence,
            l.evidence
        ));
    }
    for d in &inf.findings {
        out.push_str(&format!("{d}\n"));
    }
    out
}

fn para(t: &str) -> Block {
    Block::para(t)
}

fn book(w: &mut W, path: &str, rows: &[(&str, f64, Option<&str>)]) {
    let cells: Vec<(String, Cell)> = rows
        .iter()
        .enumerate()
        .flat_map(|(i, (label, v, fmt))| {
            let mut c = Cell::value(*v);
            if let Some(f) = fmt {
                c = c.with_format(f);
            }
            [
                (format!("A{}", i + 1), Cell::value(*label)),
                (format!("B{}", i + 1), c),
            ]
        })
        .collect();
    let refs: Vec<(&str, Cell)> = cells.iter().map(|(a, c)| (a.as_str(), c.clone())).collect();
    w.book(path, "Summary", &refs);
}

fn review(w: &mut W) {
    w.doc(
        "/R/q4 review.docx",
        vec![
            Block::heading(1, "Q4 review"),
            para("Total portfolio value: $1,204,331 as of the quarter end."),
            para("We met twice and agreed the plan."),
        ],
    );
}

fn csv(w: &mut W, path: &str, content: &str) {
    w.text(path, content);
}

fn prices(w: &mut W) {
    let rows: &[(&str, Cell, Cell)] = &[
        ("A1", Cell::value("Ticker"), Cell::value("Close")),
        ("A2", Cell::value("VTI"), Cell::value(250.5)),
        ("A3", Cell::value("BND"), Cell::value(72.0)),
    ];
    let mut cells = Vec::new();
    for (i, (_, a, b)) in rows.iter().enumerate() {
        cells.push((format!("A{}", i + 1), a.clone()));
        cells.push((format!("B{}", i + 1), b.clone()));
    }
    let refs: Vec<(&str, Cell)> = cells.iter().map(|(a, c)| (a.as_str(), c.clone())).collect();
    w.book("/M/model.xlsx", "Prices", &refs);
}

struct Case {
    name: &'static str,
    build: fn(&mut W) -> Vec<Attached>,
    expect: &'static str,
}

const CASES: &[Case] = &[
    // ------------------------------------------------------------ exports
    Case {
        name: "export: a pdf of the same name rendering the document",
        build: |w| {
            review(w);
            w.export("/R/q4 review.docx", "/R/q4 review.pdf");
            vec![]
        },
        expect: "\
link export /R/q4 review.docx -> /R/q4 review.pdf (1.00): same base name in the same folder, 100% of the words agree\n",
    },
    Case {
        name: "export: stale when the document changed since",
        build: |w| {
            review(w);
            w.export("/R/q4 review.docx", "/R/q4 review.pdf");
            w.op(Op::EditDocument {
                path: vp("/R/q4 review.docx"),
                edit: DocEdit::Replace {
                    index: 1,
                    block: para("Total portfolio value: $1,310,000 as of the quarter end."),
                },
            });
            vec![]
        },
        expect: "\
link export /R/q4 review.docx -> /R/q4 review.pdf (0.98): same base name in the same folder, 94% of the words agree\n\
error[SD013 stale-export]: /R/q4 review.pdf looks like an export of /R/q4 review.docx (same base name in the same folder, 94% of the words agree), but /R/q4 review.docx has changed since: q4 review.pdf shows \"$1,204,331\" where q4 review.docx now shows \"$1,310,000\"\n",
    },
    Case {
        name: "export near miss: same name, unrelated text",
        build: |w| {
            review(w);
            w.op(Op::Create {
                path: vp("/R/q4 review.pdf"),
                artifact: Artifact::Pdf(Pdf {
                    title: None,
                    pages: vec![PdfPage {
                        text: "Minutes of the staff lunch, nothing more.".into(),
                    }],
                })
                .into(),
            });
            vec![]
        },
        expect: "",
    },
    Case {
        name: "export: another name, same text",
        build: |w| {
            review(w);
            w.export("/R/q4 review.docx", "/Out/sent to client.pdf");
            vec![]
        },
        expect: "\
link export /R/q4 review.docx -> /Out/sent to client.pdf (0.90): 100% of the words agree with what it renders to\n",
    },
    // ------------------------------------------------------------ quotes
    Case {
        name: "quote: a number after a workbook label, written another way",
        build: |w| {
            book(
                w,
                "/R/portfolio.xlsx",
                &[("Total portfolio value", 1_204_331.0, Some("$#,##0"))],
            );
            w.doc(
                "/R/memo.docx",
                vec![para("The total portfolio value is now $1.2M.")],
            );
            vec![]
        },
        expect: "\
link quote /R/portfolio.xlsx#Summary!B1 -> /R/memo.docx (0.84): $1.2M follows the words of the label \"Total portfolio value\", and the cell holds $1,204,331 (in: \"The total portfolio value is now $1.2M.\")\n",
    },
    Case {
        name: "quote: a mismatch names both values",
        build: |w| {
            book(
                w,
                "/R/portfolio.xlsx",
                &[
                    ("Total portfolio value", 1_204_331.0, Some("$#,##0")),
                    ("Equity allocation", 0.124, Some("0.0%")),
                ],
            );
            w.doc(
                "/R/memo.docx",
                vec![para("Equity allocation: 13.9% of the portfolio.")],
            );
            vec![]
        },
        expect: "\
link quote /R/portfolio.xlsx#Summary!B2 -> /R/memo.docx (0.61): 13.9% follows the words of the label \"Equity allocation\", but the cell holds 12.4% (in: \"Equity allocation: 13.9% of the portfolio.\")\n\
warning[SD012 quoted-value-mismatch]: /R/memo.docx says 13.9% for \"Equity allocation\", but /R/portfolio.xlsx#Summary!B2 shows 12.4% (in: \"Equity allocation: 13.9% of the portfolio.\")\n",
    },
    Case {
        name: "quote near miss: the label's workbook is in another folder",
        build: |w| {
            book(
                w,
                "/Other/portfolio.xlsx",
                &[("Total portfolio value", 1_204_331.0, Some("$#,##0"))],
            );
            w.doc(
                "/R/memo.docx",
                vec![para("The total portfolio value is now $1.5M.")],
            );
            vec![]
        },
        expect: "",
    },
    Case {
        name: "quote near miss: a number after other words",
        build: |w| {
            book(
                w,
                "/R/portfolio.xlsx",
                &[("Total portfolio value", 1_204_331.0, Some("$#,##0"))],
            );
            w.doc(
                "/R/memo.docx",
                vec![para("Fees came to $1,100,000 this year.")],
            );
            vec![]
        },
        expect: "",
    },
    // ------------------------------------------------------------ imports
    Case {
        name: "import: a csv with the sheet's columns, keys and values feeds it",
        build: |w| {
            prices(w);
            csv(
                w,
                "/D/prices_2025-10-01.csv",
                "Ticker,Close\nVTI,250.5\nBND,72\n",
            );
            vec![]
        },
        expect: "\
link import /D/prices_2025-10-01.csv -> /M/model.xlsx#Prices (0.95): the csv's header row is the sheet's, 2 keys are in both, and the sheet holds every value\n",
    },
    Case {
        name: "import: a newer csv of the same stem with other values",
        build: |w| {
            prices(w);
            csv(
                w,
                "/D/prices_2025-10-01.csv",
                "Ticker,Close\nVTI,250.5\nBND,72\n",
            );
            csv(
                w,
                "/D/prices_2025-10-08.csv",
                "Ticker,Close\nVTI,255.25\nBND,72\n",
            );
            vec![]
        },
        expect: "\
link import /D/prices_2025-10-01.csv -> /M/model.xlsx#Prices (0.95): the csv's header row is the sheet's, 2 keys are in both, and the sheet holds every value\n\
warning[SD014 stale-dependent]: /M/model.xlsx#Prices holds the values of /D/prices_2025-10-01.csv, but the newer /D/prices_2025-10-08.csv has different ones: Close of VTI: 255.25 in the csv, 250.5 in the sheet\n",
    },
    Case {
        name: "import near miss: other columns",
        build: |w| {
            prices(w);
            csv(
                w,
                "/D/prices_2025-10-01.csv",
                "Ticker,Open\nVTI,250.5\nBND,72\n",
            );
            vec![]
        },
        expect: "",
    },
    // ------------------------------------------------------------ attachments
    Case {
        name: "attachment: the copy sent is the file now",
        build: |w| {
            w.text("/R/notes.md", "Plan: rebalance in January.\n");
            w.send(
                "/Mail/Sent/plan.eml",
                "ann@client.example",
                "Plan",
                &["/R/notes.md"],
            );
            vec![attached(
                "/Mail/Sent/plan.eml",
                "/R/notes.md",
                "Plan: rebalance in January.\n",
            )]
        },
        expect: "\
link attachment /R/notes.md -> /Mail/Sent/plan.eml (0.99): the attached copy has the same name and content as the file\n",
    },
    Case {
        name: "attachment: the file changed after sending",
        build: |w| {
            w.text("/R/notes.md", "Plan: rebalance in March.\n");
            w.send(
                "/Mail/Sent/plan.eml",
                "ann@client.example",
                "Plan",
                &["/R/notes.md"],
            );
            vec![attached(
                "/Mail/Sent/plan.eml",
                "/R/notes.md",
                "Plan: rebalance in January.\n",
            )]
        },
        expect: "\
link attachment /R/notes.md -> /Mail/Sent/plan.eml (0.83): the attached copy has the file's name; 75% of their words agree\n\
warning[SD011 stale-attachment]: /Mail/Sent/plan.eml was sent with a copy of /R/notes.md that differs from the file now: the attached copy shows \"January\" where the file now shows \"March\"\n",
    },
    Case {
        name: "attachment near miss: no file of that name on disk",
        build: |w| {
            w.op(Op::Create {
                path: vp("/Mail/Sent/plan.eml"),
                artifact: Artifact::Email(email("ann@client.example", "Plan", &[])).into(),
            });
            vec![attached(
                "/Mail/Sent/plan.eml",
                "/R/notes.md",
                "Plan: rebalance in January.\n",
            )]
        },
        expect: "",
    },
    // ------------------------------------------------------------ #REF! shown
    Case {
        name: "broken: a document shows #REF! where a value was",
        build: |w| {
            w.doc(
                "/R/memo.docx",
                vec![para("The portfolio is valued at #REF! today.")],
            );
            vec![]
        },
        expect: "\
error[SD002 broken-reference]: /R/memo.docx shows #REF! where it quoted a value (in: \"The portfolio is valued at #REF! today.\"): the file or cell it quoted is gone\n",
    },
    Case {
        name: "broken near miss: a reference number is no error value",
        build: |w| {
            w.doc(
                "/R/memo.docx",
                vec![para("See REF 12 and item #4 for the details!")],
            );
            vec![]
        },
        expect: "",
    },
];

fn attached(email: &str, path: &str, content: &str) -> Attached {
    Attached {
        email: vp(email),
        path: vp(path),
        artifact: Artifact::Text(Text {
            format: TextFormat::from_extension(vp(path).extension().unwrap_or("")),
            content: content.to_owned(),
        }),
    }
}

#[test]
fn every_inference_fires_and_misses_as_expected() {
    let mut failed = Vec::new();
    let mut actual_all = String::new();
    for c in CASES {
        let mut w = W::new();
        let attached = (c.build)(&mut w);
        let got = render(&plain(&w.0), &attached);
        actual_all.push_str(&format!("=== {}\n{got}", c.name));
        if got != c.expect {
            failed.push(format!(
                "--- {}\nexpected:\n{}\nactual:\n{got}",
                c.name, c.expect
            ));
        }
    }
    if std::env::var_os("PRINT_INFER").is_some() {
        println!("{actual_all}");
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
