//! Lowering: a [`WorldSpec`] becomes the ordered list of ops the engine
//! applies, each with the actor it is recorded under.
//!
//! Order: folders; artifacts with sources before dependents; manual links,
//! then a refresh of every link dependent so nothing starts stale; copies;
//! exports; the email backlog with clock advances between messages;
//! objectives; planted faults last.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_model::{Block, CellEdit, CellInput, DocEdit, Inline, Op, VPath};

use crate::spec::{Fault, WorldSpec};
use crate::validate::{SpecError, check_spec};

/// The actor recorded for setup ops.
pub const GENERATOR: &str = "generator";
/// The actor recorded for planted faults.
pub const FAULT_ACTOR: &str = "generator:fault";

/// Turns a spec into `(actor, op)` pairs in the order they must be applied.
/// The spec is checked first; every problem found is returned.
pub fn lower(spec: &WorldSpec) -> Result<Vec<(String, Op)>, Vec<SpecError>> {
    check_spec(spec)?;
    let g = || GENERATOR.to_owned();
    let mut ops = Vec::new();
    // Folders: every ancestor once, shallow first.
    let mut dirs: BTreeSet<VPath> = BTreeSet::new();
    dirs.extend(spec.home.ancestors());
    dirs.insert(spec.home.clone());
    for f in &spec.folders {
        dirs.extend(f.ancestors());
        dirs.insert(f.clone());
    }
    dirs.remove(&VPath::root());
    let mut dirs: Vec<VPath> = dirs.into_iter().collect();
    dirs.sort_by_key(|d| (d.components().count(), d.clone()));
    for d in dirs {
        ops.push((g(), Op::Mkdir { path: d }));
    }
    // Artifacts, sources first.
    for i in creation_order(spec) {
        let a = &spec.artifacts[i];
        ops.push((
            g(),
            Op::Create {
                path: a.path.clone(),
                artifact: a.artifact.clone().into(),
            },
        ));
    }
    for l in &spec.links {
        ops.push((
            g(),
            Op::Link {
                source: l.source.clone(),
                dependent: l.dependent.clone(),
                kind: l.kind,
            },
        ));
    }
    // Refresh link dependents in creation order so upstream goes first.
    let dependents: BTreeSet<&VPath> = spec
        .links
        .iter()
        .filter_map(|l| l.dependent.path.as_ref())
        .collect();
    for i in creation_order(spec) {
        let p = &spec.artifacts[i].path;
        if dependents.contains(p) {
            ops.push((g(), Op::Refresh { path: p.clone() }));
        }
    }
    for c in &spec.copies {
        ops.push((
            g(),
            Op::Copy {
                from: c.from.clone(),
                to: c.to.clone(),
            },
        ));
    }
    for e in &spec.exports {
        ops.push((
            g(),
            Op::Export {
                source: e.source.clone(),
                target: e.target.clone(),
                sheet: e.sheet.clone(),
            },
        ));
    }
    let addr: BTreeMap<&str, &str> = spec
        .collaborators
        .iter()
        .map(|c| (c.key.as_str(), c.email.as_str()))
        .collect();
    let mut clock = spec.start;
    for m in &spec.emails {
        if m.email.date > clock {
            ops.push((
                g(),
                Op::AdvanceClock {
                    seconds: m.email.date.secs() - clock.secs(),
                },
            ));
            clock = m.email.date;
        }
        let actor = match m.actor.as_str() {
            "persona" => spec.persona.email.clone(),
            k => addr
                .get(k)
                .map_or_else(|| k.to_owned(), |a| (*a).to_owned()),
        };
        ops.push((
            actor,
            Op::SendEmail {
                path: m.path.clone(),
                email: m.email.clone(),
            },
        ));
    }
    for o in &spec.objectives {
        ops.push((
            g(),
            Op::AddObjective {
                objective: o.objective.clone(),
            },
        ));
    }
    for f in &spec.faults {
        let op = match f {
            Fault::StaleExport { cell, value, .. } => Op::SetCells {
                path: cell.path.clone().unwrap_or_else(VPath::root),
                sheet: cell.sheet().unwrap_or_default().to_owned(),
                cells: vec![CellEdit {
                    cell: match &cell.target {
                        simdesk_model::RefTarget::Cell { cell, .. } => *cell,
                        _ => simdesk_model::CellAddr::new(0, 0),
                    },
                    input: CellInput::value(value.clone()),
                }],
            },
            Fault::BrokenReference { deleted, .. } => Op::Delete {
                path: deleted.clone(),
                recursive: false,
            },
            Fault::WrongQuote {
                path, index, text, ..
            } => Op::EditDocument {
                path: path.clone(),
                edit: DocEdit::Insert {
                    index: *index,
                    block: Block::Paragraph {
                        inlines: vec![Inline::text(text)],
                    },
                },
            },
        };
        ops.push((FAULT_ACTOR.to_owned(), op));
    }
    Ok(ops)
}

/// Indexes of `spec.artifacts` in an order where every artifact comes after
/// the artifacts its fields and cell links read (stable: spec order
/// otherwise). Cycles are reported by [`check_spec`]; here they fall back
/// to spec order.
pub(crate) fn creation_order(spec: &WorldSpec) -> Vec<usize> {
    let index: BTreeMap<&VPath, usize> = spec
        .artifacts
        .iter()
        .enumerate()
        .map(|(i, a)| (&a.path, i))
        .collect();
    let deps: Vec<BTreeSet<usize>> = spec
        .artifacts
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let mut d = BTreeSet::new();
            for f in a.artifact.fields() {
                if let Some(p) = &f.source.path
                    && let Some(&j) = index.get(p)
                    && j != i
                {
                    d.insert(j);
                }
            }
            for (_, _, l) in a.artifact.cell_links() {
                if let Some(p) = &l.source.path
                    && let Some(&j) = index.get(p)
                    && j != i
                {
                    d.insert(j);
                }
            }
            d
        })
        .collect();
    let mut done = vec![false; deps.len()];
    let mut out = Vec::with_capacity(deps.len());
    // Repeated passes in spec order: linear for already-ordered specs.
    loop {
        let before = out.len();
        for i in 0..deps.len() {
            if !done[i] && deps[i].iter().all(|&j| done[j]) {
                done[i] = true;
                out.push(i);
            }
        }
        if out.len() == deps.len() {
            break;
        }
        if out.len() == before {
            out.extend((0..deps.len()).filter(|&i| !done[i]));
            break;
        }
    }
    out
}
