//! The tracker workbook that links every entity's key figures.

use super::*;

impl<'t> Gen<'t> {
    pub(super) fn tracker_kpis(
        &self,
        values: &[BTreeMap<String, f64>],
    ) -> Result<TrackerKpis, String> {
        let pack = self.pack;
        let tr = &pack.tracker;
        struct TScope<'a> {
            sheet: String,
            cols: BTreeMap<String, (u32, Vec<Val>)>,
            kpi: &'a TrackerKpis,
            n: usize,
        }
        impl Scope for TScope<'_> {
            fn scalar(&self, name: &str) -> Option<(String, Val)> {
                self.kpi
                    .get(name)
                    .map(|(row, _, v, _)| (format!("B{row}"), Val::Num(*v)))
            }
            fn column(&self, name: &str) -> Option<(String, Vec<Val>)> {
                self.cols.get(name).map(|(c, v)| {
                    let l = col(*c);
                    (
                        format!("{}!{l}2:{l}{}", quote_sheet(&self.sheet), self.n + 1),
                        v.clone(),
                    )
                })
            }
        }
        let mut cols = BTreeMap::new();
        let first = 1 + tr.attributes.len() as u32;
        for (j, a) in tr.attributes.iter().enumerate() {
            cols.insert(
                a[1].clone(),
                (
                    1 + j as u32,
                    self.entities
                        .iter()
                        .map(|e| Val::Text(e.attrs.get(&a[1]).cloned().unwrap_or_default()))
                        .collect(),
                ),
            );
        }
        for (j, k) in tr.linked.iter().enumerate() {
            cols.insert(
                k.clone(),
                (
                    first + j as u32,
                    values.iter().map(|v| Val::Num(v[k])).collect(),
                ),
            );
        }
        let mut out = BTreeMap::new();
        for (i, k) in tr.kpis.iter().enumerate() {
            let e = expr::parse(&k.expr)?;
            let (f, v) = {
                let s = TScope {
                    sheet: tr.sheet.clone(),
                    cols: cols.clone(),
                    kpi: &out,
                    n: values.len(),
                };
                e.compile(&s)?
            };
            let Val::Num(v) = v else {
                return Err(format!("tracker kpi {} is not a number", k.key));
            };
            out.insert(
                k.key.clone(),
                (i as u32 + 2, f, v, fmt_code(pack, k.format.as_deref())),
            );
        }
        Ok(out)
    }

    pub(super) fn kpi_values(&self) -> Vec<BTreeMap<String, f64>> {
        self.entities
            .iter()
            .map(|e| {
                e.book
                    .kpi
                    .iter()
                    .map(|(k, (_, _, v))| (k.clone(), *v))
                    .collect()
            })
            .collect()
    }

    pub(super) fn tracker(&mut self) -> Result<(), GenError> {
        let pack = self.pack;
        let tr = &pack.tracker;
        // Dated the day the backlog starts, or the first working day after
        // it when that Monday is a public holiday (its rows are no later).
        let day = self.working_day_back(self.start, Some(self.start));
        let stem = self.file_stem(&tr.stem, None, day);
        let dir = self.work.clone();
        let path = self.claim(&dir, &stem, "xlsx")?;
        let mut sheet = Sheet::new(&tr.sheet);
        let mut heads: Vec<String> = vec![tr.name_header.clone()];
        heads.extend(tr.attributes.iter().map(|a| a[0].clone()));
        let mut cols = BTreeMap::new();
        for k in &tr.linked {
            let kp = pack
                .workbook
                .kpis
                .iter()
                .find(|x| &x.key == k)
                .ok_or_else(|| self.e(format!("tracker: unknown kpi {k}")))?;
            cols.insert(k.clone(), heads.len() as u32);
            heads.push(kp.label.clone());
        }
        let hr: Vec<&str> = heads.iter().map(String::as_str).collect();
        header_row(&mut sheet, &hr);
        for (r, e) in self.entities.iter().enumerate() {
            let row = r as u32 + 1;
            sheet
                .cells
                .insert(CellAddr::new(row, 0), Cell::value(e.name.as_str()));
            for (j, a) in tr.attributes.iter().enumerate() {
                sheet.cells.insert(
                    CellAddr::new(row, 1 + j as u32),
                    Cell::value(e.attrs.get(&a[1]).map_or("", String::as_str)),
                );
            }
            for k in &tr.linked {
                let (krow, _, v) = e.book.kpi[k];
                let kp = pack.workbook.kpis.iter().find(|x| &x.key == k);
                let c = Cell {
                    value: CellValue::Number(v),
                    format: kp.and_then(|x| fmt_code(pack, x.format.as_deref())),
                    link: Some(Box::new(CellLink {
                        source: Ref::cell(
                            e.wb.clone(),
                            &pack.workbook.summary_sheet,
                            CellAddr::new(krow - 1, 1),
                        ),
                        policy: Policy::Live,
                    })),
                    ..Cell::default()
                };
                sheet.cells.insert(CellAddr::new(row, cols[k]), c);
            }
        }
        let kpis = self
            .tracker_kpis(&self.kpi_values())
            .map_err(|e| self.e(e))?;
        let mut summary = Sheet::new("Summary");
        header_row(&mut summary, &["Key figure", "Value"]);
        for k in &tr.kpis {
            let (row, f, v, fm) = &kpis[&k.key];
            summary
                .cells
                .insert(CellAddr::new(row - 1, 0), Cell::value(k.label.as_str()));
            let mut c = Cell::formula(f);
            c.value = CellValue::Number(*v);
            c.format = fm.clone();
            summary.cells.insert(CellAddr::new(row - 1, 1), c);
        }
        self.spec.artifacts.push(ArtifactSpec {
            path: path.clone(),
            artifact: Artifact::Workbook(Workbook {
                sheets: vec![summary, sheet],
            }),
        });
        self.globals.insert("tracker".into(), path.clone());
        // The base prose context shows the tracker's figures.
        self.base_fixed = None;
        self.tracker = Some(TrackerCalc {
            path,
            cols,
            kpi: kpis
                .into_iter()
                .map(|(k, (row, _, v, f))| (k, (row, v, f)))
                .collect(),
        });
        Ok(())
    }
}
