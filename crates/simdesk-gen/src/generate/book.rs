//! Entity workbooks: formulas and values of every sheet, and the data CSV.

use super::*;

/// A computed entity workbook: formulas and values of every sheet.
#[derive(Debug, Clone)]
pub(super) struct Book {
    pub(super) n: usize,
    /// Data values by column key.
    pub(super) data: BTreeMap<String, Vec<Val>>,
    /// Model columns: key → (column letter index, per-row formula+value).
    pub(super) model: BTreeMap<String, (u32, Vec<(String, Val)>)>,
    /// Assumptions: key → (row number 1-based, value).
    pub(super) asm: BTreeMap<String, (u32, f64)>,
    /// KPIs: key → (row number 1-based, formula, value).
    pub(super) kpi: BTreeMap<String, (u32, String, f64)>,
}

pub(super) struct RowScope<'a> {
    pack: &'a Pack,
    book: &'a Book,
    row: usize,
}

pub(super) fn data_col(pack: &Pack, key: &str) -> Option<u32> {
    pack.dataset
        .columns
        .iter()
        .position(|c| c.key == key)
        .map(|i| i as u32)
}

pub(super) fn col(i: u32) -> String {
    CellAddr::col_name(i)
}

impl Scope for RowScope<'_> {
    fn scalar(&self, name: &str) -> Option<(String, Val)> {
        let r = self.row as u32 + 2;
        let w = &self.pack.workbook;
        if let Some((c, cells)) = self.book.model.get(name) {
            return Some((format!("{}{r}", col(*c)), cells[self.row].1.clone()));
        }
        if let Some(c) = data_col(self.pack, name) {
            return Some((
                format!("{}!{}{r}", quote_sheet(&w.data_sheet), col(c)),
                self.book.data[name][self.row].clone(),
            ));
        }
        self.book.asm.get(name).map(|(row, v)| {
            (
                format!("{}!$B${row}", quote_sheet(&w.assumptions_sheet)),
                Val::Num(*v),
            )
        })
    }
    fn column(&self, name: &str) -> Option<(String, Vec<Val>)> {
        let last = self.book.n + 1;
        let w = &self.pack.workbook;
        if let Some((c, cells)) = self.book.model.get(name) {
            let l = col(*c);
            return Some((
                format!("${l}$2:${l}${last}"),
                cells.iter().map(|x| x.1.clone()).collect(),
            ));
        }
        data_col(self.pack, name).map(|c| {
            let l = col(c);
            (
                format!("{}!${l}$2:${l}${last}", quote_sheet(&w.data_sheet)),
                self.book.data[name].clone(),
            )
        })
    }
}

pub(super) struct KpiScope<'a> {
    pack: &'a Pack,
    book: &'a Book,
}

impl Scope for KpiScope<'_> {
    fn scalar(&self, name: &str) -> Option<(String, Val)> {
        if let Some((row, _, v)) = self.book.kpi.get(name) {
            return Some((format!("B{row}"), Val::Num(*v)));
        }
        self.book.asm.get(name).map(|(row, v)| {
            (
                format!(
                    "{}!B{row}",
                    quote_sheet(&self.pack.workbook.assumptions_sheet)
                ),
                Val::Num(*v),
            )
        })
    }
    fn column(&self, name: &str) -> Option<(String, Vec<Val>)> {
        let last = self.book.n + 1;
        let w = &self.pack.workbook;
        if let Some((c, cells)) = self.book.model.get(name) {
            let l = col(*c);
            return Some((
                format!("{}!{l}2:{l}{last}", quote_sheet(&w.model_sheet)),
                cells.iter().map(|x| x.1.clone()).collect(),
            ));
        }
        data_col(self.pack, name).map(|c| {
            let l = col(c);
            (
                format!("{}!{l}2:{l}{last}", quote_sheet(&w.data_sheet)),
                self.book.data[name].clone(),
            )
        })
    }
}

pub(super) fn compute_book(pack: &Pack, rows: &[Vec<Val>], asm: &[f64]) -> Result<Book, String> {
    let w = &pack.workbook;
    let mut book = Book {
        n: rows.len(),
        data: BTreeMap::new(),
        model: BTreeMap::new(),
        asm: BTreeMap::new(),
        kpi: BTreeMap::new(),
    };
    for (i, c) in pack.dataset.columns.iter().enumerate() {
        book.data
            .insert(c.key.clone(), rows.iter().map(|r| r[i].clone()).collect());
    }
    for (i, a) in w.assumptions.iter().enumerate() {
        book.asm.insert(a.key.clone(), (i as u32 + 2, asm[i]));
    }
    let first_model = w.copy.len() as u32;
    for (j, m) in w.model.iter().enumerate() {
        let e = expr::parse(&m.expr)?;
        let mut cells = Vec::with_capacity(rows.len());
        for r in 0..rows.len() {
            let scope = RowScope {
                pack,
                book: &book,
                row: r,
            };
            cells.push(
                e.compile(&scope)
                    .map_err(|x| format!("model column {}: {x}", m.key))?,
            );
        }
        book.model
            .insert(m.key.clone(), (first_model + j as u32, cells));
    }
    for (i, k) in w.kpis.iter().enumerate() {
        let e = expr::parse(&k.expr)?;
        let (f, v) = e
            .compile(&KpiScope { pack, book: &book })
            .map_err(|x| format!("kpi {}: {x}", k.key))?;
        let Val::Num(v) = v else {
            return Err(format!("kpi {} is not a number", k.key));
        };
        book.kpi.insert(k.key.clone(), (i as u32 + 2, f, v));
    }
    Ok(book)
}

pub(super) fn fmt_code(pack: &Pack, f: Option<&str>) -> Option<String> {
    f.map(|f| {
        if f == "money" {
            pack.meta.money_format.clone()
        } else {
            f.to_owned()
        }
    })
}

pub(super) fn cell_value(v: &Val) -> CellValue {
    match v {
        Val::Num(n) => CellValue::Number(*n),
        Val::Text(t) => CellValue::Text(t.clone()),
    }
}

/// A dataset cell as the workbook holds it: a date column's ISO text as a
/// date (shown `yyyy-mm-dd`, as an import of its CSV gives it), anything
/// else as [`cell_value`] with the column's format.
fn data_cell(pack: &Pack, column: usize, v: &Val) -> (CellValue, Option<String>) {
    let c = &pack.dataset.columns[column];
    if c.days_ago.is_some()
        && let Val::Text(t) = v
        && let Ok(d) = simdesk_model::SimTime::parse(t)
    {
        return (
            CellValue::Date(d.excel_serial()),
            Some(c.format.clone().unwrap_or_else(|| "yyyy-mm-dd".to_owned())),
        );
    }
    (cell_value(v), fmt_code(pack, c.format.as_deref()))
}

pub(super) fn header_row(sheet: &mut Sheet, headers: &[&str]) {
    for (i, h) in headers.iter().enumerate() {
        sheet
            .cells
            .insert(CellAddr::new(0, i as u32), Cell::value(*h).bold());
    }
    sheet.freeze_header = true;
}

pub(super) fn book_artifact(pack: &Pack, book: &Book, rows: &[Vec<Val>], title: &str) -> Workbook {
    let w = &pack.workbook;
    let mut summary = Sheet::new(&w.summary_sheet);
    header_row(&mut summary, &[title, "Value"]);
    for k in &w.kpis {
        let (row, f, v) = &book.kpi[&k.key];
        let r = row - 1;
        summary
            .cells
            .insert(CellAddr::new(r, 0), Cell::value(k.label.as_str()));
        let mut c = Cell::formula(f);
        c.value = CellValue::Number(*v);
        c.format = fmt_code(pack, k.format.as_deref());
        summary.cells.insert(CellAddr::new(r, 1), c);
    }
    let mut model = Sheet::new(&w.model_sheet);
    let mut heads: Vec<&str> = Vec::new();
    for c in &w.copy {
        heads.push(
            pack.dataset
                .columns
                .iter()
                .find(|d| &d.key == c)
                .map_or(c.as_str(), |d| d.header.as_str()),
        );
    }
    heads.extend(w.model.iter().map(|m| m.header.as_str()));
    header_row(&mut model, &heads);
    for (ci, key) in w.copy.iter().enumerate() {
        let dc = data_col(pack, key).unwrap_or(0);
        for r in 0..book.n {
            let mut c = Cell::formula(&format!(
                "{}!{}{}",
                quote_sheet(&w.data_sheet),
                col(dc),
                r + 2
            ));
            (c.value, c.format) = data_cell(pack, dc as usize, &book.data[key][r]);
            model
                .cells
                .insert(CellAddr::new(r as u32 + 1, ci as u32), c);
        }
    }
    let total_row = book.n as u32 + 1;
    let mut any_total = false;
    for m in &w.model {
        let (ci, cells) = &book.model[&m.key];
        for (r, (f, v)) in cells.iter().enumerate() {
            let mut c = Cell::formula(f);
            c.value = cell_value(v);
            c.format = fmt_code(pack, m.format.as_deref());
            model.cells.insert(CellAddr::new(r as u32 + 1, *ci), c);
        }
        if m.total.as_deref() == Some("sum") {
            any_total = true;
            let l = col(*ci);
            let mut c = Cell::formula(&format!("SUM({l}2:{l}{})", book.n + 1)).bold();
            c.value = CellValue::Number(
                cells
                    .iter()
                    .map(|x| if let Val::Num(n) = x.1 { n } else { 0.0 })
                    .sum(),
            );
            c.format = fmt_code(pack, m.format.as_deref());
            model.cells.insert(CellAddr::new(total_row, *ci), c);
        }
    }
    if any_total {
        model
            .cells
            .insert(CellAddr::new(total_row, 0), Cell::value("Total").bold());
    }
    let mut data = Sheet::new(&w.data_sheet);
    let dh: Vec<&str> = pack
        .dataset
        .columns
        .iter()
        .map(|c| c.header.as_str())
        .collect();
    header_row(&mut data, &dh);
    for (r, row) in rows.iter().enumerate() {
        for (ci, v) in row.iter().enumerate() {
            let (value, format) = data_cell(pack, ci, v);
            let mut c = Cell::value(value);
            c.format = format;
            data.cells.insert(CellAddr::new(r as u32 + 1, ci as u32), c);
        }
    }
    let mut asm = Sheet::new(&w.assumptions_sheet);
    header_row(&mut asm, &["Assumption", "Value"]);
    for a in &w.assumptions {
        let (row, v) = book.asm[&a.key];
        asm.cells
            .insert(CellAddr::new(row - 1, 0), Cell::value(a.label.as_str()));
        let mut c = Cell::value(v);
        c.format = fmt_code(pack, a.format.as_deref());
        asm.cells.insert(CellAddr::new(row - 1, 1), c);
    }
    let mut sheets = vec![summary, model, data];
    if !w.assumptions.is_empty() {
        sheets.push(asm);
    }
    Workbook { sheets }
}

pub(super) fn csv_text(pack: &Pack, rows: &[Vec<Val>]) -> String {
    let esc = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_owned()
        }
    };
    let mut out = pack
        .dataset
        .columns
        .iter()
        .map(|c| esc(&c.header))
        .collect::<Vec<_>>()
        .join(",");
    out.push('\n');
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|v| match v {
                Val::Num(n) => format!("{n}"),
                Val::Text(t) => esc(t),
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}
