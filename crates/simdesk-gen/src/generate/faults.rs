//! Planted faults, recorded as ground truth.

use super::*;

impl<'t> Gen<'t> {
    pub(super) fn faults(&mut self, n: u32, reserved: &BTreeSet<usize>) -> Result<(), GenError> {
        let pack = self.pack;
        let mut cands: Vec<usize> = (0..self.entities.len())
            .filter(|i| !reserved.contains(i))
            .collect();
        self.rng.shuffle(&mut cands);
        let kinds = ["stale_export", "wrong_quote", "broken_reference"];
        let k_start = self.rng.below(3);
        for (k0, i) in (k_start..).zip(cands) {
            if self.spec.faults.len() >= n as usize {
                break;
            }
            let e = self.entities[i].clone();
            let id = format!("fault-{}", self.spec.faults.len() + 1);
            let doc = pack.artifacts.iter().find(|a| {
                a.scope == "entity" && a.kind == "document" && e.paths.contains_key(&a.id)
            });
            let export = doc.and_then(|d| {
                d.export
                    .iter()
                    .find_map(|x| e.paths.get(&format!("{}.{x}", d.id)).cloned())
            });
            let kind = kinds[k0 % 3];
            match (kind, doc, export) {
                ("stale_export", Some(_), Some(export))
                    if !pack.workbook.assumptions.is_empty() =>
                {
                    let a = &pack.workbook.assumptions[0];
                    let (row, v) = e.book.asm[&a.key];
                    let nv = round_to(v * 1.25 + 10f64.powi(-(a.decimals as i32)), a.decimals);
                    self.spec.faults.push(Fault::StaleExport {
                        id,
                        export,
                        cell: Ref::cell(
                            e.wb.clone(),
                            &pack.workbook.assumptions_sheet,
                            CellAddr::new(row - 1, 1),
                        ),
                        value: CellValue::Number(nv),
                    });
                }
                ("wrong_quote", Some(d), _) => {
                    let path = e.paths[&d.id].clone();
                    let k = &pack.workbook.kpis[0];
                    let (row, _, v) = e.book.kpi[&k.key];
                    let f = fmt_code(pack, k.format.as_deref());
                    let sign = if self.rng.chance(0.5) { 1.0 } else { -1.0 };
                    let wrong = v * (1.0 + sign * self.rng.num(0.03, 0.09));
                    let written = format_value(&CellValue::Number(wrong), f.as_deref());
                    let actual = format_value(&CellValue::Number(v), f.as_deref());
                    if written == actual {
                        continue;
                    }
                    self.spec.faults.push(Fault::WrongQuote {
                        id,
                        path,
                        index: 1,
                        text: format!(
                            "Update for the file: {} now stands at {written}.",
                            k.label.to_lowercase()
                        ),
                        source: Ref::cell(
                            e.wb.clone(),
                            &pack.workbook.summary_sheet,
                            CellAddr::new(row - 1, 1),
                        ),
                        written,
                        actual,
                    });
                }
                _ => {
                    let mut by: Vec<VPath> = e
                        .paths
                        .iter()
                        .filter(|(k, _)| !k.contains('.') && *k != "csv" && *k != "workbook")
                        .map(|(_, p)| p.clone())
                        .collect();
                    if let Some(t) = &self.tracker {
                        by.push(t.path.clone());
                    }
                    by.sort();
                    self.spec.faults.push(Fault::BrokenReference {
                        id,
                        deleted: e.wb.clone(),
                        referenced_by: by,
                    });
                }
            }
        }
        Ok(())
    }
}
