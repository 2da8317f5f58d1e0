//! `simdesk demo`: the classic stale-export mistake, then the right order.

use std::fmt::Write as _;

use simdesk_engine::Workspace;
use simdesk_model::*;

/// The paths of the demo world.
pub struct DemoPaths {
    /// Market data downloaded from the custodian.
    pub csv: VPath,
    /// The client's portfolio model.
    pub workbook: VPath,
    /// The quarterly report quoting the model.
    pub report: VPath,
    /// The PDF sent to the client.
    pub pdf: VPath,
}

fn vp(s: &str) -> VPath {
    VPath::parse(s).unwrap_or_else(|_| VPath::root())
}

/// Paths used by the demo.
pub fn paths() -> DemoPaths {
    DemoPaths {
        csv: vp("/Users/mei.chen/Downloads/market-data.csv"),
        workbook: vp("/Users/mei.chen/Clients/Chen Family/portfolio.xlsx"),
        report: vp("/Users/mei.chen/Clients/Chen Family/Q4 review.docx"),
        pdf: vp("/Users/mei.chen/Clients/Chen Family/Q4 review.pdf"),
    }
}

const MARKET_V1: &str = "Ticker,Close\nVTI,250.00\nBND,72.50\nVXUS,58.20\n";
const MARKET_V2: &str = "Ticker,Close\nVTI,262.40\nBND,71.90\nVXUS,60.05\n";

fn cell(a: &str, c: Cell) -> (CellAddr, Cell) {
    (CellAddr::parse(a).unwrap_or(CellAddr::new(0, 0)), c)
}

fn portfolio() -> Artifact {
    let mut s = Sheet::new("Holdings");
    s.freeze_header = true;
    let rows = [("VTI", 40.0), ("BND", 120.0), ("VXUS", 60.0)];
    let mut cells = vec![
        cell("A1", Cell::value("Ticker").bold()),
        cell("B1", Cell::value("Units").bold()),
        cell("C1", Cell::value("Price").bold()),
        cell("D1", Cell::value("Value").bold()),
        cell("E1", Cell::value("Weight").bold()),
    ];
    for (i, (t, u)) in rows.iter().enumerate() {
        let r = i + 2;
        cells.push(cell(&format!("A{r}"), Cell::value(*t)));
        cells.push(cell(&format!("B{r}"), Cell::value(*u)));
        cells.push(cell(
            &format!("C{r}"),
            Cell::formula(&format!("VLOOKUP(A{r},Prices!$A$2:$B$20,2,FALSE)"))
                .with_format("#,##0.00"),
        ));
        cells.push(cell(
            &format!("D{r}"),
            Cell::formula(&format!("B{r}*C{r}")).with_format("#,##0.00"),
        ));
        cells.push(cell(
            &format!("E{r}"),
            Cell::formula(&format!("D{r}/$D$5")).with_format("0.0%"),
        ));
    }
    cells.push(cell("A5", Cell::value("Total").bold()));
    cells.push(cell(
        "D5",
        Cell::formula("SUM(D2:D4)").with_format("#,##0.00").bold(),
    ));
    cells.push(cell(
        "E5",
        Cell::formula("SUM(E2:E4)").with_format("0.0%").bold(),
    ));
    s.cells = cells.into_iter().collect();
    Artifact::Workbook(Workbook { sheets: vec![s] })
}

fn report(book: &VPath) -> Artifact {
    let f = |cell: &str, fmt: &str| {
        Inline::field(
            Ref::cell(
                book.clone(),
                "Holdings",
                CellAddr::parse(cell).unwrap_or(CellAddr::new(0, 0)),
            ),
            Some(fmt),
        )
    };
    Artifact::Document(Document {
        title: Some("Chen Family — Q4 portfolio review".into()),
        blocks: vec![
            Block::heading(1, "Q4 portfolio review"),
            Block::Paragraph {
                inlines: vec![
                    Inline::text("The portfolio closed the quarter at "),
                    f("D5", "$#,##0.00"),
                    Inline::text(", with US equities (VTI) at "),
                    f("E2", "0.0%"),
                    Inline::text(" of the total."),
                ],
            },
            Block::heading(2, "Holdings"),
            Block::List {
                ordered: false,
                items: vec![
                    ListItem {
                        level: 0,
                        inlines: vec![Inline::text("VTI: "), f("D2", "$#,##0.00")],
                    },
                    ListItem {
                        level: 0,
                        inlines: vec![Inline::text("BND: "), f("D3", "$#,##0.00")],
                    },
                    ListItem {
                        level: 0,
                        inlines: vec![Inline::text("VXUS: "), f("D4", "$#,##0.00")],
                    },
                ],
            },
        ],
    })
}

fn field_line(ws: &Workspace, path: &VPath) -> String {
    match ws.artifact(path) {
        Some(Artifact::Document(d)) => d
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Paragraph { inlines } => Some(inlines_text(inlines)),
                _ => None,
            })
            .unwrap_or_default(),
        Some(Artifact::Pdf(p)) => p
            .pages
            .first()
            .and_then(|pg| pg.text.lines().find(|l| l.contains("closed the quarter")))
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

/// Builds the demo world: the CSV imported into the workbook, the report
/// quoting it, the PDF exported from the report.
pub fn build() -> Workspace {
    let d = paths();
    let persona = Persona {
        name: "Mei Chen".into(),
        email: "mei.chen@northbridge-wealth.example".into(),
        role: "Financial advisor".into(),
        employer: "Northbridge Wealth".into(),
        ..Persona::default()
    };
    let start = SimTime::parse("2026-01-05T09:00:00Z").unwrap_or_default();
    let mut ws = Workspace::new(start, persona);
    let ops = vec![
        Op::Create {
            path: d.csv.clone(),
            artifact: Artifact::Text(Text {
                format: TextFormat::Csv,
                content: MARKET_V1.into(),
            })
            .into(),
        },
        Op::Create {
            path: d.workbook.clone(),
            artifact: portfolio().into(),
        },
        Op::Link {
            source: Ref::whole(d.csv.clone()),
            dependent: Ref {
                path: Some(d.workbook.clone()),
                target: RefTarget::Sheet {
                    sheet: "Prices".into(),
                },
            },
            kind: LinkKind::Import,
        },
        Op::Create {
            path: d.report.clone(),
            artifact: report(&d.workbook).into(),
        },
        Op::Export {
            source: d.report.clone(),
            target: d.pdf.clone(),
            sheet: None,
        },
    ];
    for op in ops {
        ws.apply_as("setup", op);
    }
    ws
}

/// A day passes and the custodian's new prices land in the download.
fn new_market_data(ws: &mut Workspace, d: &DemoPaths, out: &mut String) {
    ws.apply(Op::AdvanceClock { seconds: 86_400 });
    ws.apply(Op::Write {
        path: d.csv.clone(),
        artifact: Artifact::Text(Text {
            format: TextFormat::Csv,
            content: MARKET_V2.into(),
        })
        .into(),
    });
    let _ = writeln!(out, "1. new market data arrives in {}", d.csv);
}

/// Runs the demo and returns what it prints, and whether each order
/// behaved as expected (a stale-source diagnostic for the wrong order, none
/// for the right one).
pub fn run() -> (String, bool) {
    let d = paths();
    let mut out = String::new();
    let base = build();
    let _ = writeln!(
        out,
        "simdesk demo: exporting a report before updating the model it quotes\n"
    );
    let _ = writeln!(
        out,
        "World of {} ({}, {}), {}:",
        base.persona().name,
        base.persona().role,
        base.persona().employer,
        base.now().date_string()
    );
    for e in base.edges() {
        let _ = writeln!(
            out,
            "  {}  --{} ({})-->  {}",
            e.source,
            e.kind.as_str(),
            e.policy.as_str(),
            e.dependent
        );
    }
    let _ = writeln!(out, "\nThe report says: {}", field_line(&base, &d.report));

    // Wrong order, in a fork of the world.
    let mut wrong = base.fork();
    let _ = writeln!(out, "\n== Wrong order ==");
    new_market_data(&mut wrong, &d, &mut out);
    let export = wrong.apply(Op::Export {
        source: d.report.clone(),
        target: d.pdf.clone(),
        sheet: None,
    });
    let _ = writeln!(out, "2. the report is exported to PDF right away");
    let stale_diags: Vec<&Diagnostic> = export
        .diagnostics
        .iter()
        .filter(|x| x.code == Code::StaleSource)
        .collect();
    for diag in &stale_diags {
        let _ = writeln!(out, "   {diag}");
        for h in &diag.hints {
            let _ = writeln!(out, "   hint: {h}");
        }
    }
    let _ = writeln!(out, "   the PDF still says: {}", field_line(&wrong, &d.pdf));
    let _ = writeln!(
        out,
        "   stale now: {}",
        wrong
            .stale_paths()
            .iter()
            .map(VPath::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Right order, in another fork.
    let mut right = base.fork();
    let _ = writeln!(out, "\n== Right order ==");
    new_market_data(&mut right, &d, &mut out);
    let refresh = right.apply(Op::Refresh {
        path: d.workbook.clone(),
    });
    let _ = writeln!(
        out,
        "2. the workbook is refreshed from it; recomputed: {}",
        refresh
            .recomputed
            .iter()
            .map(VPath::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = writeln!(
        out,
        "   the report now says: {}",
        field_line(&right, &d.report)
    );
    let export2 = right.apply(Op::Export {
        source: d.report.clone(),
        target: d.pdf.clone(),
        sheet: None,
    });
    let right_diags: Vec<&Diagnostic> = export2
        .diagnostics
        .iter()
        .filter(|x| x.severity >= Severity::Warning)
        .collect();
    let _ = writeln!(
        out,
        "3. the report is exported to PDF: {}",
        if right_diags.is_empty() {
            "no diagnostics".to_owned()
        } else {
            right_diags
                .iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        }
    );
    let _ = writeln!(out, "   the PDF says: {}", field_line(&right, &d.pdf));
    let _ = writeln!(
        out,
        "   stale now: {}",
        if right.stale_paths().is_empty() {
            "nothing".to_owned()
        } else {
            right
                .stale_paths()
                .iter()
                .map(VPath::as_str)
                .collect::<Vec<_>>()
                .join(", ")
        }
    );
    let ok = !stale_diags.is_empty() && right_diags.is_empty() && right.stale_paths().is_empty();
    (out, ok)
}
