//! Resolving refs against the world: what a field shows, what a cell link
//! pulls, and which paths an artifact's content refers to.

use std::collections::BTreeSet;

use simdesk_model::{Artifact, Block, CellValue, Ref, RefTarget, VPath, format_value, slug};

use crate::state::{EdgeKind, State};

/// Why a ref could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Broken {
    /// No artifact at the path.
    MissingArtifact(VPath),
    /// The artifact exists but the part does not (sheet, heading, slide).
    MissingPart(String),
    /// The target does not fit the artifact kind.
    WrongKind(String),
}

impl Broken {
    pub fn describe(&self) -> String {
        match self {
            Broken::MissingArtifact(p) => format!("no artifact at {p}"),
            Broken::MissingPart(s) => s.clone(),
            Broken::WrongKind(s) => s.clone(),
        }
    }
}

/// The text shown for a broken field.
pub(crate) const BROKEN_TEXT: &str = "#REF!";

/// The value and number format a ref points to (cells), or its text.
pub(crate) fn resolve_value(
    st: &State,
    base: &VPath,
    r: &Ref,
) -> Result<(CellValue, Option<String>), Broken> {
    let path = r.path.clone().unwrap_or_else(|| base.clone());
    let id = st
        .id_at(&path)
        .ok_or(Broken::MissingArtifact(path.clone()))?;
    let artifact = st
        .artifact(id)
        .ok_or(Broken::MissingArtifact(path.clone()))?;
    resolve_in(artifact, &path, &r.target)
}

/// Resolves a target inside a given artifact.
pub(crate) fn resolve_in(
    artifact: &Artifact,
    path: &VPath,
    target: &RefTarget,
) -> Result<(CellValue, Option<String>), Broken> {
    match (artifact, target) {
        (_, RefTarget::Whole) => Ok((
            CellValue::Text(path.file_name().unwrap_or_default().to_owned()),
            None,
        )),
        (Artifact::Workbook(w), RefTarget::Cell { sheet, cell }) => {
            let s = w
                .sheet(sheet)
                .ok_or_else(|| Broken::MissingPart(format!("no sheet {sheet:?} in {path}")))?;
            let c = s.cells.get(cell);
            Ok((
                c.map(|c| c.value.clone()).unwrap_or_default(),
                c.and_then(|c| c.format.clone()),
            ))
        }
        (Artifact::Workbook(w), RefTarget::Range { sheet, range }) => {
            let s = w
                .sheet(sheet)
                .ok_or_else(|| Broken::MissingPart(format!("no sheet {sheet:?} in {path}")))?;
            let parts: Vec<String> = range
                .cells()
                .take(1000)
                .map(|a| {
                    let c = s.cells.get(&a);
                    format_value(
                        &c.map(|c| c.value.clone()).unwrap_or_default(),
                        c.and_then(|c| c.format.as_deref()),
                    )
                })
                .collect();
            Ok((CellValue::Text(parts.join(", ")), None))
        }
        (Artifact::Workbook(w), RefTarget::Sheet { sheet }) => {
            w.sheet(sheet)
                .ok_or_else(|| Broken::MissingPart(format!("no sheet {sheet:?} in {path}")))?;
            Ok((CellValue::Text(sheet.clone()), None))
        }
        (Artifact::Document(d), RefTarget::Heading { slug: want }) => d
            .blocks
            .iter()
            .find_map(|b| match b {
                Block::Heading { text, .. } if slug(text) == *want => Some(text.clone()),
                _ => None,
            })
            .map(|t| (CellValue::Text(t), None))
            .ok_or_else(|| Broken::MissingPart(format!("no heading #{want} in {path}"))),
        (Artifact::Deck(d), RefTarget::Slide { number }) => d
            .slides
            .get(*number as usize - 1)
            .map(|s| (CellValue::Text(s.title.clone()), None))
            .ok_or_else(|| {
                Broken::MissingPart(format!(
                    "no slide {number} in {path} ({} slides)",
                    d.slides.len()
                ))
            }),
        (a, t) => Err(Broken::WrongKind(format!(
            "a {} has no {}",
            a.kind(),
            match t {
                RefTarget::Cell { .. } | RefTarget::Range { .. } | RefTarget::Sheet { .. } => {
                    "sheets or cells"
                }
                RefTarget::Heading { .. } => "headings",
                RefTarget::Slide { .. } => "slides",
                RefTarget::Whole => "parts",
            }
        ))),
    }
}

/// The text a field shows for a ref, or the broken marker.
pub(crate) fn field_text(
    st: &State,
    base: &VPath,
    r: &Ref,
    format: Option<&str>,
) -> Result<String, Broken> {
    let (v, own_format) = resolve_value(st, base, r)?;
    Ok(format_value(&v, format.or(own_format.as_deref())))
}

/// Paths the content of an artifact refers to, with the edge kind.
/// References to the artifact itself (relative refs) are left out.
pub(crate) fn content_refs(artifact: &Artifact, own: &VPath) -> BTreeSet<(VPath, EdgeKind)> {
    let mut out = BTreeSet::new();
    for f in artifact.fields() {
        if let Some(p) = &f.source.path
            && p != own
        {
            out.insert((p.clone(), EdgeKind::Field));
        }
    }
    for (_, _, link) in artifact.cell_links() {
        if let Some(p) = &link.source.path
            && p != own
        {
            let kind = match link.policy {
                simdesk_model::Policy::Live => EdgeKind::CellLink,
                _ => EdgeKind::ManualCellLink,
            };
            out.insert((p.clone(), kind));
        }
    }
    out
}
