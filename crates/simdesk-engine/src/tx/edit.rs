//! Edits inside an artifact: cells of a workbook, blocks of a document,
//! slides of a deck.

use std::collections::BTreeSet;

use simdesk_formula::CellKey;
use simdesk_model::{
    Artifact, ArtifactKind, Cell, CellAddr, CellEdit, CellInput, Code, DocEdit, SlideEdit, VPath,
};

use super::{Tx, TxResult, err, path_ref};
use crate::resolve::{self};
use crate::validate::{self, MAX_CELLS_PER_OP, MAX_CELLS_PER_WORKBOOK};

impl Tx<'_> {
    /// Writes a rectangle of cells starting at `start` (row-major; `None`
    /// leaves a cell alone).
    pub(super) fn set_range(
        &mut self,
        path: &VPath,
        sheet: &str,
        start: CellAddr,
        rows: &[Vec<Option<CellInput>>],
    ) -> TxResult<()> {
        validate::range_fits(start, rows)?;
        let mut edits = Vec::new();
        for (r, row) in rows.iter().enumerate() {
            for (c, input) in row.iter().enumerate() {
                if let Some(input) = input {
                    let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                        continue;
                    };
                    edits.push(CellEdit {
                        cell: CellAddr::new(start.row + r, start.col + c),
                        input: input.clone(),
                    });
                }
            }
        }
        self.set_cells(path, sheet, &edits)
    }

    pub(super) fn set_cells(
        &mut self,
        path: &VPath,
        sheet: &str,
        edits: &[CellEdit],
    ) -> TxResult<()> {
        let id = self.lookup(path)?;
        self.expect_kind(path, id, ArtifactKind::Workbook)?;
        validate::sheet_name(sheet).map_err(|d| d.with_ref(path_ref(path)))?;
        if edits.len() > MAX_CELLS_PER_OP {
            return Err(err(
                Code::LimitExceeded,
                format!(
                    "{} cell edits in one op, at most {MAX_CELLS_PER_OP}",
                    edits.len()
                ),
            ));
        }
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        let Artifact::Workbook(mut w) = self.artifact_of(id).clone() else {
            return Ok(());
        };
        if w.sheet(sheet).is_none() {
            if w.sheets.iter().any(|s| s.name.eq_ignore_ascii_case(sheet)) {
                return Err(err(
                    Code::InvalidArgument,
                    format!("sheet {sheet:?} differs from an existing sheet only by case"),
                ));
            }
            w.sheets.push(simdesk_model::Sheet::new(sheet));
        }
        let mut changed: BTreeSet<CellKey> = BTreeSet::new();
        let mut links_changed = false;
        {
            let s = w
                .sheet_mut(sheet)
                .ok_or_else(|| err(Code::NotFound, "sheet"))?;
            for e in edits {
                validate::cell_edit(path, sheet, e)?;
                let before = s.cells.get(&e.cell).cloned();
                let mut cell = before.clone().unwrap_or_default();
                apply_input(&mut cell, &e.input);
                links_changed |=
                    before.as_ref().and_then(|c| c.link.as_ref()) != cell.link.as_ref();
                if cell == Cell::default() {
                    s.cells.remove(&e.cell);
                } else {
                    s.cells.insert(e.cell, cell);
                }
                changed.insert((sheet.to_owned(), e.cell));
            }
            if s.cells.len() > MAX_CELLS_PER_WORKBOOK {
                return Err(err(
                    Code::LimitExceeded,
                    format!("sheet {sheet} would hold more than {MAX_CELLS_PER_WORKBOOK} cells"),
                ));
            }
        }
        let report = self.recalc(
            id,
            &mut w,
            Some(&changed.iter().cloned().collect::<Vec<_>>()),
        );
        for d in report.diagnostics {
            self.warn(d.with_ref(path_ref(path)));
        }
        changed.extend(report.changed);
        self.set_content(id, Artifact::Workbook(w), Some(changed.clone()));
        if links_changed {
            self.sync_refs(id, &old_refs)?;
            // Pull the values of new links now.
            self.recompute(id, None, false)?;
        }
        Ok(())
    }

    pub(super) fn edit_document(&mut self, path: &VPath, edit: &DocEdit) -> TxResult<()> {
        let id = self.lookup(path)?;
        self.expect_kind(path, id, ArtifactKind::Document)?;
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        let Artifact::Document(mut d) = self.artifact_of(id).clone() else {
            return Ok(());
        };
        let n = d.blocks.len();
        let bad = |i: usize, max: usize| {
            err(
                Code::InvalidArgument,
                format!("block index {i} out of range 0..={max} in {path}"),
            )
            .with_ref(path_ref(path))
        };
        match edit {
            DocEdit::Insert { index, block } => {
                if *index > n {
                    return Err(bad(*index, n));
                }
                validate::block(path, block)?;
                d.blocks.insert(*index, block.clone());
            }
            DocEdit::Replace { index, block } => {
                if *index >= n {
                    return Err(bad(*index, n.saturating_sub(1)));
                }
                validate::block(path, block)?;
                d.blocks[*index] = block.clone();
            }
            DocEdit::Delete { index } => {
                if *index >= n {
                    return Err(bad(*index, n.saturating_sub(1)));
                }
                d.blocks.remove(*index);
            }
            DocEdit::SetField {
                field,
                source,
                format,
            } => {
                let mut art = Artifact::Document(d);
                let mut fields = art.fields_mut();
                let count = fields.len();
                let f = fields.get_mut(*field).ok_or_else(|| {
                    err(
                        Code::InvalidArgument,
                        format!("{path} has {count} fields, no field {field}"),
                    )
                })?;
                f.source = source.clone();
                if let Some(fmt) = format {
                    f.format = Some(fmt.clone());
                }
                let Artifact::Document(d2) = art else {
                    return Ok(());
                };
                d = d2;
            }
        }
        self.set_content(id, Artifact::Document(d), None);
        self.sync_refs(id, &old_refs)?;
        self.recompute(id, None, false)?;
        Ok(())
    }

    pub(super) fn edit_slides(&mut self, path: &VPath, edit: &SlideEdit) -> TxResult<()> {
        let id = self.lookup(path)?;
        self.expect_kind(path, id, ArtifactKind::Deck)?;
        let old_refs = resolve::content_refs(self.artifact_of(id), path);
        let Artifact::Deck(mut d) = self.artifact_of(id).clone() else {
            return Ok(());
        };
        let n = d.slides.len();
        let bad = |i: usize| {
            err(
                Code::InvalidArgument,
                format!("slide index {i} out of range for {path} ({n} slides)"),
            )
            .with_ref(path_ref(path))
        };
        match edit {
            SlideEdit::Insert { index, slide } => {
                if *index > n {
                    return Err(bad(*index));
                }
                d.slides.insert(*index, slide.clone());
            }
            SlideEdit::Replace { index, slide } => {
                *d.slides.get_mut(*index).ok_or_else(|| bad(*index))? = slide.clone();
            }
            SlideEdit::Delete { index } => {
                if *index >= n {
                    return Err(bad(*index));
                }
                d.slides.remove(*index);
            }
            SlideEdit::Move { from, to } => {
                if *from >= n {
                    return Err(bad(*from));
                }
                if *to >= n {
                    return Err(bad(*to));
                }
                let s = d.slides.remove(*from);
                d.slides.insert(*to, s);
            }
        }
        self.set_content(id, Artifact::Deck(d), None);
        self.sync_refs(id, &old_refs)?;
        self.recompute(id, None, false)?;
        Ok(())
    }
}

fn apply_input(cell: &mut Cell, input: &CellInput) {
    if input.value.is_none() && input.formula.is_none() && input.link.is_none() {
        if input.format.is_some() {
            cell.format.clone_from(&input.format);
        } else {
            *cell = Cell::default();
        }
        return;
    }
    cell.formula = input
        .formula
        .as_ref()
        .map(|f| f.trim_start_matches('=').to_owned());
    cell.link = input.link.clone().map(Box::new);
    cell.value = input.value.clone().unwrap_or_default();
    if input.format.is_some() {
        cell.format.clone_from(&input.format);
    }
}
