//! Realistic sample artifacts shared by the golden and fidelity tests.

use simdesk_formats::{ExportOptions, PaperSize};
use simdesk_model::{
    Block, Cell, CellValue, Document, Field, Inline, ListItem, Ref, Sheet, SimTime, Table, Workbook,
};

/// Export options with fixed times and author.
pub fn options() -> ExportOptions {
    let t = SimTime::parse("2026-01-05T09:30:00Z").unwrap();
    ExportOptions {
        created: t,
        modified: t.plus_secs(3600),
        author: "Dana Whitfield".to_owned(),
        paper: PaperSize::Letter,
        timezone: None,
        ident: "sample".to_owned(),
    }
}

fn put(s: &mut Sheet, a1: &str, c: Cell) {
    s.cells.insert(a1.parse().unwrap(), c);
}

/// A client portfolio: holdings with prices, weights (percent), purchase
/// dates, totals by formula, and a summary sheet reading the holdings.
pub fn portfolio() -> Workbook {
    let mut h = Sheet::new("Holdings");
    h.freeze_header = true;
    for (i, t) in ["Ticker", "Shares", "Price", "Value", "Weight", "Bought"]
        .iter()
        .enumerate()
    {
        let a1 = format!("{}1", simdesk_model::CellAddr::col_name(i as u32));
        put(&mut h, &a1, Cell::value(*t).bold());
    }
    let rows = [
        ("VTI", 120.0, 281.45, 46_027.0),
        ("BND", 300.0, 72.18, 45_901.0),
        ("VXUS", 210.0, 63.02, 45_812.5),
    ];
    let total: f64 = rows.iter().map(|r| r.1 * r.2).sum();
    for (i, (t, n, p, d)) in rows.iter().enumerate() {
        let r = i + 2;
        put(&mut h, &format!("A{r}"), Cell::value(*t));
        put(
            &mut h,
            &format!("B{r}"),
            Cell::value(*n).with_format("#,##0"),
        );
        put(
            &mut h,
            &format!("C{r}"),
            Cell::value(*p).with_format("$#,##0.00"),
        );
        let mut v = Cell::formula(&format!("B{r}*C{r}")).with_format("$#,##0.00");
        v.value = CellValue::Number(n * p);
        put(&mut h, &format!("D{r}"), v);
        let mut w = Cell::formula(&format!("D{r}/$D$5")).with_format("0.0%");
        w.value = CellValue::Number(n * p / total);
        put(&mut h, &format!("E{r}"), w);
        put(
            &mut h,
            &format!("F{r}"),
            Cell {
                value: CellValue::Date(*d),
                ..Cell::default()
            },
        );
    }
    put(&mut h, "A5", Cell::value("Total").bold());
    let mut t = Cell::formula("SUM(D2:D4)").with_format("$#,##0.00").bold();
    t.value = CellValue::Number(total);
    put(&mut h, "D5", t);
    let mut s = Sheet::new("Summary");
    put(&mut s, "A1", Cell::value("Client").bold());
    put(&mut s, "B1", Cell::value("Chen household — 陈"));
    put(&mut s, "A2", Cell::value("Portfolio value").bold());
    let mut pv = Cell::formula("Holdings!D5").with_format("$#,##0.00");
    pv.value = CellValue::Number(total);
    put(&mut s, "B2", pv);
    put(&mut s, "A3", Cell::value("Rebalance needed").bold());
    let mut rb = Cell::formula("MAX(Holdings!E2:E4)>0.5");
    rb.value = CellValue::Bool(n_max(&rows, total) > 0.5);
    put(&mut s, "B3", rb);
    put(&mut s, "A4", Cell::value("Review date").bold());
    put(
        &mut s,
        "B4",
        Cell {
            value: CellValue::Date(46_054.0),
            format: Some("d mmm yyyy".into()),
            ..Cell::default()
        },
    );
    Workbook { sheets: vec![h, s] }
}

fn n_max(rows: &[(&str, f64, f64, f64)], total: f64) -> f64 {
    rows.iter().map(|r| r.1 * r.2 / total).fold(0.0, f64::max)
}

fn field(r: &str, display: &str) -> Inline {
    Inline::Field(Field {
        source: Ref::parse(r).unwrap(),
        format: Some("$#,##0".into()),
        display: display.to_owned(),
    })
}

/// A multi-section client report: headings, styled runs, both list kinds
/// with levels, a table with a header row, fields, a page break and
/// non-Latin text.
pub fn report() -> Document {
    let item = |level, t: &str| ListItem {
        level,
        inlines: vec![Inline::text(t)],
    };
    Document {
        title: Some("Q4 review — Chen household".into()),
        blocks: vec![
            Block::heading(1, "Quarterly review"),
            Block::Paragraph {
                inlines: vec![
                    Inline::text("Portfolio value stands at "),
                    field("/Clients/Chen/portfolio.xlsx#Holdings!D5", "$70,634"),
                    Inline::text(", "),
                    Inline::bold("up 3.1%"),
                    Inline::text(" on the quarter. "),
                    Inline::Text {
                        text: "Figures are unaudited.".into(),
                        bold: false,
                        italic: true,
                    },
                ],
            },
            Block::heading(2, "Actions"),
            Block::List {
                ordered: true,
                items: vec![
                    item(0, "Rebalance bonds"),
                    item(1, "Sell 40 BND"),
                    item(0, "Review beneficiaries"),
                ],
            },
            Block::heading(2, "Notes"),
            Block::List {
                ordered: false,
                items: vec![item(0, "Client prefers email"), item(1, "Cc spouse")],
            },
            Block::heading(3, "Holdings"),
            Block::Table(Table::from_text(
                true,
                &[
                    &["Ticker", "Value", "Weight"],
                    &["VTI", "$33,774", "47.8%"],
                    &["BND", "$21,654", "30.7%"],
                ],
            )),
            Block::PageBreak,
            Block::heading(1, "Appendix"),
            Block::para("多言語テキスト: Grüße, привет, مرحبا."),
        ],
    }
}
