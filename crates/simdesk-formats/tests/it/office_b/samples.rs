//! Realistic sample artifacts shared by the office_b tests.

use simdesk_formats::{ExportOptions, PaperSize};
use simdesk_model::*;

/// Options with fixed times, author and ident.
pub fn opts() -> ExportOptions {
    let t = SimTime::parse("2026-01-05T09:30:00Z").unwrap();
    ExportOptions {
        created: t,
        modified: t.plus_secs(3600),
        author: "Dana Whitfield".to_owned(),
        paper: PaperSize::A4,
        timezone: None,
        ident: "sample-ident".to_owned(),
    }
}

fn field(r: &str, display: &str) -> Inline {
    Inline::Field(Field {
        source: r.parse().unwrap(),
        format: Some("$#,##0".to_owned()),
        display: display.to_owned(),
    })
}

/// A six-slide quarterly review deck with a table, levels and notes.
pub fn review_deck() -> Deck {
    let mut slides = vec![Slide {
        layout: Layout::Title,
        title: "Q4 Portfolio Review".to_owned(),
        subtitle: Some("Chen Family Trust — January 2026".to_owned()),
        notes: "Welcome the clients.\nMention the new fee schedule.".to_owned(),
        ..Slide::default()
    }];
    slides.push(Slide {
        title: "Performance".to_owned(),
        bullets: vec![
            Bullet {
                level: 0,
                inlines: vec![
                    Inline::text("Portfolio return: "),
                    field("/Clients/Chen/portfolio.xlsx#Summary!B4", "$1,234,567"),
                ],
            },
            Bullet::text(1, "Equities outperformed the benchmark"),
            Bullet::text(2, "Technology led with 14.2%"),
            Bullet {
                level: 0,
                inlines: vec![Inline::bold("Bonds"), Inline::text(" were flat")],
            },
        ],
        notes: "Stress the long-term view.".to_owned(),
        ..Slide::default()
    });
    slides.push(Slide {
        title: "Allocation".to_owned(),
        table: Some(Table::from_text(
            true,
            &[
                &["Asset class", "Target", "Actual"],
                &["Equities", "60%", "63%"],
                &["Bonds", "30%", "28%"],
                &["Cash", "10%", "9%"],
            ],
        )),
        notes: "Rebalance proposal on the next slide.".to_owned(),
        ..Slide::default()
    });
    slides.push(Slide {
        title: "Rebalancing plan".to_owned(),
        bullets: vec![
            Bullet::text(0, "Sell 3% equities"),
            Bullet::text(0, "Buy 2% bonds, 1% cash"),
        ],
        table: Some(Table::from_text(
            true,
            &[
                &["Trade", "Amount"],
                &["Sell VTI", "$37,000"],
                &["Buy BND", "$24,700"],
            ],
        )),
        ..Slide::default()
    });
    slides.push(Slide {
        title: "Team / Команда / 团队".to_owned(),
        bullets: vec![
            Bullet::text(0, "陈伟 (Wei Chen) — client"),
            Bullet::text(0, "Ελένη Παπαδοπούλου — analyst"),
            Bullet::text(0, "Анна Иванова — operations"),
            Bullet::text(0, "प्रिया शर्मा — compliance"),
        ],
        ..Slide::default()
    });
    slides.push(Slide {
        title: "Next steps".to_owned(),
        bullets: vec![
            Bullet::text(0, "Sign the IPS update"),
            Bullet::text(1, "Schedule the March check-in"),
        ],
        notes: "Thank everyone.".to_owned(),
        ..Slide::default()
    });
    Deck {
        title: Some("Q4 Portfolio Review".to_owned()),
        slides,
    }
}

/// A report with headings, paragraphs, a list, a table, a page break and
/// non-Latin text.
pub fn report() -> Document {
    let mut blocks = vec![
        Block::heading(1, "Quarterly report"),
        Block::para(
            "This report summarises the fourth quarter for the Chen Family Trust. It covers performance, allocation and the plan for the coming quarter, with the figures taken from the portfolio workbook.",
        ),
        Block::heading(2, "Performance"),
        Block::Paragraph {
            inlines: vec![
                Inline::text("The portfolio returned "),
                field("/Clients/Chen/portfolio.xlsx#Summary!B4", "7.3%"),
                Inline::text(" against a benchmark of 6.1%."),
            ],
        },
        Block::List {
            ordered: false,
            items: vec![
                ListItem {
                    level: 0,
                    inlines: vec![Inline::text("Equities up 11.2%")],
                },
                ListItem {
                    level: 1,
                    inlines: vec![Inline::text("Technology led")],
                },
                ListItem {
                    level: 0,
                    inlines: vec![Inline::text("Bonds flat")],
                },
            ],
        },
        Block::Table(Table::from_text(
            true,
            &[
                &["Asset", "Weight", "Return"],
                &["Equities", "63%", "11.2%"],
                &["Bonds", "28%", "0.4%"],
                &["Cash", "9%", "1.1%"],
            ],
        )),
        Block::PageBreak,
        Block::heading(2, "Contacts"),
        Block::para(
            "Client: 陈伟 (Wei Chen). Analyst: Ελένη Παπαδοπούλου. Operations: Анна Иванова. Compliance: प्रिया शर्मा. Arabic desk: فاطمة الزهراء.",
        ),
    ];
    for i in 1..=40 {
        blocks.push(Block::para(&format!("Appendix note {i}: holdings were reconciled against the custodian statement and no breaks were found.")));
    }
    Document {
        title: Some("Q4 report — Chen".to_owned()),
        blocks,
    }
}

/// A small workbook.
pub fn workbook() -> Workbook {
    let mut s = Sheet::new("Summary");
    let rows: &[(&str, f64)] = &[
        ("Equities", 782_000.0),
        ("Bonds", 347_500.0),
        ("Cash", 111_700.0),
    ];
    s.cells
        .insert("A1".parse().unwrap(), Cell::value("Asset").bold());
    s.cells
        .insert("B1".parse().unwrap(), Cell::value("Value").bold());
    for (i, (name, v)) in rows.iter().enumerate() {
        s.cells
            .insert(format!("A{}", i + 2).parse().unwrap(), Cell::value(*name));
        s.cells.insert(
            format!("B{}", i + 2).parse().unwrap(),
            Cell::value(*v).with_format("#,##0.00"),
        );
    }
    s.cells
        .insert("A6".parse().unwrap(), Cell::value("Owner: 陈伟"));
    let mut t = Sheet::new("Trades");
    t.cells.insert("A1".parse().unwrap(), Cell::value("Ticker"));
    t.cells.insert("B1".parse().unwrap(), Cell::value("Qty"));
    t.cells.insert("A2".parse().unwrap(), Cell::value("VTI"));
    t.cells.insert("B2".parse().unwrap(), Cell::value(-120.0));
    Workbook { sheets: vec![s, t] }
}

/// A Pdf artifact with non-Latin text.
pub fn statement() -> Pdf {
    Pdf {
        title: Some("Statement".to_owned()),
        pages: vec![
            PdfPage { text: "Custodian statement\nAccount 4471-2209\nHolder: 陈伟 / Wei Chen\nΕλένη, Анна, प्रिया, فاطمة".to_owned() },
            PdfPage { text: "Page two\n\nTotal: $1,241,200.00".to_owned() },
        ],
    }
}

/// An email with Cc, a reply id, non-ASCII names and two attachments.
pub fn email() -> Email {
    Email {
        from: Mailbox::new("Ελένη Παπαδοπούλου", "eleni@wealth.example"),
        to: vec![Mailbox::new("陈伟", "wei.chen@client.example")],
        cc: vec![Mailbox::new("Dana Whitfield", "dana@wealth.example")],
        subject: "Q4 review — материалы / 资料".to_owned(),
        date: SimTime::parse("2026-01-06T14:05:00Z").unwrap(),
        message_id: "q4-review-1@wealth.example".to_owned(),
        in_reply_to: Some("q4-request-7@client.example".to_owned()),
        body: vec![
            Paragraph::text("Dear Wei,"),
            Paragraph {
                inlines: vec![
                    Inline::text("The portfolio returned "),
                    field("/Clients/Chen/portfolio.xlsx#Summary!B4", "7.3%"),
                    Inline::text(" this quarter."),
                ],
            },
            Paragraph::text("From the attached deck you will see the plan.\nBest regards,\nEleni"),
        ],
        attachments: vec![
            VPath::parse("/Decks/q4-review.pptx").unwrap(),
            VPath::parse("/Reports/q4 report.pdf").unwrap(),
        ],
    }
}
