//! The rule table and the rules over the dependency graph and workbooks:
//! stale exports and dependents, stale attachments, broken references,
//! formula errors and circular references.

use std::collections::{BTreeMap, BTreeSet};

use simdesk_engine::{EdgeKind, EdgeView, Workspace};
use simdesk_model::{
    Artifact, Block, CellAddr, CellValue, Code, Diagnostic, Event, Op, OutcomeKind, Ref, RefTarget,
    Severity, VPath, Workbook, slug,
};

use crate::CheckOptions;

/// One consistency rule: a stable code, the most serious level it reports,
/// and what it is about.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// The stable code of its diagnostics.
    pub code: Code,
    /// The highest severity the rule reports (some findings are milder).
    pub severity: Severity,
    /// One line: what the rule finds.
    pub summary: &'static str,
    /// How to fix what it finds.
    pub help: &'static str,
    run: fn(&Ctx<'_>, &CheckOptions, &mut Vec<Diagnostic>),
}

/// Every rule, in the order they run. Codes are stable; the order of this
/// table is not part of any output (findings are sorted).
pub static RULES: &[Rule] = &[
    Rule {
        code: Code::StaleExport,
        severity: Severity::Error,
        summary: "an exported file or copy is older than what it was made from",
        help: "refresh the chain named in the finding, then export or copy again",
        run: stale_exports,
    },
    Rule {
        code: Code::StaleDependent,
        severity: Severity::Warning,
        summary: "an import or based-on dependent waits for a refresh from a changed source",
        help: "refresh the dependent",
        run: stale_dependents,
    },
    Rule {
        code: Code::StaleAttachment,
        severity: Severity::Error,
        summary: "an email was sent with an attachment that was stale then (error) or changed since (warning)",
        help: "send a new email with the current, fresh file attached",
        run: stale_attachments,
    },
    Rule {
        code: Code::BrokenReference,
        severity: Severity::Error,
        summary: "a field, cell link, formula or attachment points to a missing file, sheet, heading or slide",
        help: "point the reference at something that exists, or restore what was removed",
        run: broken_references,
    },
    Rule {
        code: Code::QuotedValueMismatch,
        severity: Severity::Error,
        summary: "a document, deck or email shows a number that disagrees with its source",
        help: "quote the source through a field, or retype the number from the current source",
        run: crate::quote::quoted_values,
    },
    Rule {
        code: Code::FormulaError,
        severity: Severity::Error,
        summary: "a formula cell holds an error value that starts there",
        help: "fix the formula or the cells it reads",
        run: formula_errors,
    },
    Rule {
        code: Code::CircularReference,
        severity: Severity::Error,
        summary: "formula cells read each other in a circle",
        help: "break the circle: one of the cells must not read the others",
        run: circular_references,
    },
    Rule {
        code: Code::VersionClutter,
        severity: Severity::Info,
        summary: "several versions of one file lie side by side (_final_v2_REAL)",
        help: "keep the current version under the plain name and archive the rest",
        run: crate::hygiene::version_clutter,
    },
    Rule {
        code: Code::DuplicateContent,
        severity: Severity::Info,
        summary: "two files have identical content",
        help: "keep one and refer to it",
        run: crate::hygiene::duplicates,
    },
    Rule {
        code: Code::Orphan,
        severity: Severity::Info,
        summary: "a workbook, document, deck or pdf is linked to nothing and nothing links to it",
        help: "link it where it is used, or archive it",
        run: crate::hygiene::orphans,
    },
    Rule {
        code: Code::NonPortableName,
        severity: Severity::Warning,
        summary: "a name cannot exist on Windows or macOS, or collides with a sibling by case",
        help: "rename it with letters, digits, spaces, '-', '_' and '.' only",
        run: crate::hygiene::names,
    },
];

/// The rule that reports a code, if any.
pub fn rule_for(code: Code) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// Runs every rule over the world and returns the findings sorted by file,
/// then severity (most serious first), code and message, without
/// duplicates.
pub fn check(ws: &Workspace, opts: &CheckOptions) -> Vec<Diagnostic> {
    let cx = Ctx::new(ws);
    let mut out = Vec::new();
    for rule in RULES {
        if !opts.info && rule.severity == Severity::Info {
            continue;
        }
        (rule.run)(&cx, opts, &mut out);
    }
    sort_findings(&mut out);
    out
}

pub(crate) fn sort_findings(out: &mut Vec<Diagnostic>) {
    out.sort_by(|a, b| {
        let key = |d: &Diagnostic| {
            (
                primary_path(d).cloned(),
                std::cmp::Reverse(d.severity),
                d.code,
                d.message.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    out.dedup_by(|a, b| a.code == b.code && a.message == b.message && a.refs == b.refs);
}

/// The file a finding is about: the path of its first ref.
pub fn primary_path(d: &Diagnostic) -> Option<&VPath> {
    d.refs.first().and_then(|r| r.path.as_ref())
}

/// What the rules share: the world, its edges indexed by path, and its
/// send-email events by stored path.
pub(crate) struct Ctx<'a> {
    pub ws: &'a Workspace,
    pub edges: Vec<EdgeView>,
    pub into: BTreeMap<VPath, Vec<usize>>,
    pub from: BTreeMap<VPath, Vec<usize>>,
    pub sends: BTreeMap<VPath, Vec<&'a Event>>,
}

impl<'a> Ctx<'a> {
    pub fn new(ws: &'a Workspace) -> Ctx<'a> {
        let edges = ws.edges();
        let mut into: BTreeMap<VPath, Vec<usize>> = BTreeMap::new();
        let mut from: BTreeMap<VPath, Vec<usize>> = BTreeMap::new();
        for (i, e) in edges.iter().enumerate() {
            into.entry(e.dependent.clone()).or_default().push(i);
            from.entry(e.source.clone()).or_default().push(i);
        }
        let mut sends: BTreeMap<VPath, Vec<&Event>> = BTreeMap::new();
        for e in ws.trajectory() {
            if let (Op::SendEmail { path, .. }, OutcomeKind::Applied) = (&e.op, e.outcome) {
                sends.entry(path.clone()).or_default().push(e);
            }
        }
        Ctx {
            ws,
            edges,
            into,
            from,
            sends,
        }
    }

    /// Edges into `path`.
    pub fn edges_into(&self, path: &VPath) -> impl Iterator<Item = &EdgeView> {
        self.into
            .get(path)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
    }

    /// Edges out of `path`.
    pub fn edges_from(&self, path: &VPath) -> impl Iterator<Item = &EdgeView> {
        self.from
            .get(path)
            .into_iter()
            .flatten()
            .map(|&i| &self.edges[i])
    }
}

pub(crate) fn whole(p: &VPath) -> Ref {
    Ref::whole(p.clone())
}

fn push_unique(refs: &mut Vec<Ref>, r: Ref) {
    if !refs.contains(&r) {
        refs.push(r);
    }
}

// ------------------------------------------------------------ staleness

fn stale_exports(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    for s in cx.ws.stale() {
        let Some(made) = cx
            .edges_into(&s.path)
            .find(|e| matches!(e.kind, EdgeKind::Export | EdgeKind::Copy))
        else {
            continue;
        };
        let verb = if made.kind == EdgeKind::Export {
            "exported from"
        } else {
            "copied from"
        };
        let mut d = Diagnostic::error(
            Code::StaleExport,
            format!(
                "{} is out of date: it was {verb} {}, and {}",
                s.path,
                made.source,
                s.causes
                    .iter()
                    .map(|c| c.message.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        )
        .with_ref(whole(&s.path))
        .with_ref(whole(&made.source));
        for c in &s.causes {
            for p in &c.chain {
                push_unique(&mut d.refs, whole(p));
            }
            let h = c.missing.clone();
            if !d.hints.contains(&h) {
                d.hints.push(h);
            }
        }
        out.push(d);
    }
}

fn stale_dependents(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    for e in cx.edges.iter().filter(|e| e.behind) {
        if !matches!(
            e.kind,
            EdgeKind::Import | EdgeKind::BasedOn | EdgeKind::ManualCellLink | EdgeKind::Inferred
        ) {
            continue;
        }
        let what = match e.kind {
            EdgeKind::Import => "imports from",
            EdgeKind::BasedOn => "is based on",
            EdgeKind::Inferred => "is inferred to depend on",
            _ => "links cells to",
        };
        out.push(
            Diagnostic::warning(
                Code::StaleDependent,
                format!(
                    "{} {what} {}, which changed at revision {} after the revision {} it took in",
                    e.dependent, e.source, e.source_rev, e.seen
                ),
            )
            .with_ref(whole(&e.dependent))
            .with_ref(whole(&e.source))
            .with_hint(format!("refresh {}", e.dependent)),
        );
    }
}

fn stale_attachments(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    for (path, a) in cx.ws.artifacts() {
        let Artifact::Email(m) = a else { continue };
        if m.attachments.is_empty() {
            continue;
        }
        let staleness = cx.ws.staleness(path);
        for att in &m.attachments {
            // Stale when sent: the send event said so.
            let when_sent = cx.sends.get(path).into_iter().flatten().find_map(|ev| {
                ev.diagnostics
                    .iter()
                    .find(|d| {
                        d.code == Code::StaleAttachment
                            && d.refs.first().and_then(|r| r.path.as_ref()) == Some(att)
                    })
                    .map(|d| (ev.seq, d))
            });
            if let Some((seq, d)) = when_sent {
                let mut diag = Diagnostic::error(
                    Code::StaleAttachment,
                    format!(
                        "{path} was sent (event #{seq}) with {att} while {att} was stale: {}",
                        d.message
                    ),
                )
                .with_ref(whole(path))
                .with_ref(whole(att))
                .with_hint(format!(
                    "refresh what {att} is made from, then send a new email with it attached"
                ));
                for r in d.refs.iter().skip(1) {
                    push_unique(&mut diag.refs, r.clone());
                }
                out.push(diag);
                continue;
            }
            // Changed since: the attachment edge (or something upstream of
            // the attachment) moved on after the email was sent.
            let causes: Vec<_> = staleness
                .iter()
                .flat_map(|s| &s.causes)
                .filter(|c| c.chain.contains(att))
                .collect();
            if causes.is_empty() {
                continue;
            }
            let mut d = Diagnostic::warning(
                Code::StaleAttachment,
                format!(
                    "{path} carries {att} as it was when sent, and it has changed since: {}",
                    causes
                        .iter()
                        .map(|c| c.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            )
            .with_ref(whole(path))
            .with_ref(whole(att))
            .with_hint(format!(
                "if the recipients need the current {att}, send it again"
            ));
            for c in causes {
                for p in &c.chain {
                    push_unique(&mut d.refs, whole(p));
                }
            }
            out.push(d);
        }
    }
}

// ------------------------------------------------------------ references

/// Whether `target` exists inside `a` (stored at `path`); the reason when not.
pub(crate) fn resolve_part(a: &Artifact, path: &VPath, target: &RefTarget) -> Result<(), String> {
    match (a, target) {
        (_, RefTarget::Whole) => Ok(()),
        (
            Artifact::Workbook(w),
            RefTarget::Sheet { sheet }
            | RefTarget::Cell { sheet, .. }
            | RefTarget::Range { sheet, .. },
        ) => w
            .sheet(sheet)
            .map(|_| ())
            .ok_or_else(|| format!("no sheet {sheet:?} in {path}")),
        (Artifact::Document(d), RefTarget::Heading { slug: want }) => d
            .blocks
            .iter()
            .any(|b| matches!(b, Block::Heading { text, .. } if slug(text) == *want))
            .then_some(())
            .ok_or_else(|| format!("no heading #{want} in {path}")),
        (Artifact::Deck(d), RefTarget::Slide { number }) => {
            if (*number as usize) <= d.slides.len() {
                Ok(())
            } else {
                Err(format!(
                    "no slide {number} in {path} ({} slides)",
                    d.slides.len()
                ))
            }
        }
        (a, t) => Err(format!(
            "{path} is a {} and has no {}",
            a.kind(),
            match t {
                RefTarget::Heading { .. } => "headings",
                RefTarget::Slide { .. } => "slides",
                _ => "sheets or cells",
            }
        )),
    }
}

/// Resolves a ref written inside `base`: `Ok` when everything it names
/// exists, else why not.
pub(crate) fn resolve_ref(ws: &Workspace, base: &VPath, r: &Ref) -> Result<(), String> {
    let path = r.path.as_ref().unwrap_or(base);
    let a = ws
        .artifact(path)
        .ok_or_else(|| format!("no artifact at {path}"))?;
    resolve_part(a, path, &r.target)
}

fn broken_references(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    let ws = cx.ws;
    let mut missing_seen: BTreeSet<(VPath, VPath)> = BTreeSet::new();
    for (referrer, missing) in ws.dangling() {
        out.push(
            Diagnostic::error(
                Code::BrokenReference,
                format!("{referrer} refers to {missing}, which does not exist"),
            )
            .with_ref(whole(&referrer))
            .with_ref(whole(&missing))
            .with_hint(format!(
                "restore {missing}, or point the references in {referrer} elsewhere"
            )),
        );
        missing_seen.insert((referrer, missing));
    }
    // Dependencies the content does not show (based-on, imports, exports,
    // copies, attachments) leave no dangling ref when their source is
    // deleted: the delete event recorded them.
    for ev in ws.trajectory() {
        let (Op::Delete { path: deleted, .. }, OutcomeKind::Applied) = (&ev.op, ev.outcome) else {
            continue;
        };
        for d in ev
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::BrokenReference)
        {
            let Some(dependent) = d.refs.first().and_then(|r| r.path.clone()) else {
                continue;
            };
            let gone = d
                .refs
                .get(1)
                .and_then(|r| r.path.clone())
                .unwrap_or_else(|| deleted.clone());
            if ws.artifact(&gone).is_some()
                || ws.artifact(&dependent).is_none()
                || !missing_seen.insert((dependent.clone(), gone.clone()))
            {
                continue;
            }
            out.push(
                Diagnostic::error(
                    Code::BrokenReference,
                    format!(
                        "{dependent} depends on {gone}, which was deleted (event #{}): {}",
                        ev.seq, d.message
                    ),
                )
                .with_ref(whole(&dependent))
                .with_ref(whole(&gone))
                .with_hint(format!(
                    "restore {gone}, or rebuild {dependent} from what replaced it"
                )),
            );
        }
    }
    for (path, a) in ws.artifacts() {
        for f in a.fields() {
            if let Err(why) = resolve_ref(ws, path, &f.source) {
                let target = f.source.resolve(path);
                if missing_whole(&target, path, &missing_seen) {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        Code::BrokenReference,
                        format!("a field in {path} quotes {target}: {why}"),
                    )
                    .with_ref(whole(path))
                    .with_ref(target)
                    .with_hint("point the field at an existing sheet, heading or slide"),
                );
            }
        }
        for (sheet, addr, link) in a.cell_links() {
            if let Err(why) = resolve_ref(ws, path, &link.source) {
                let target = link.source.resolve(path);
                if missing_whole(&target, path, &missing_seen) {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        Code::BrokenReference,
                        format!(
                            "cell {}!{addr} of {path} links to {target}: {why}",
                            simdesk_model::quote_sheet(sheet)
                        ),
                    )
                    .with_ref(Ref::cell(path.clone(), sheet, addr))
                    .with_ref(target)
                    .with_hint("link the cell to an existing sheet and cell"),
                );
            }
        }
        match a {
            Artifact::Workbook(w) => formula_sheets(path, w, out),
            Artifact::Email(m) => {
                for att in &m.attachments {
                    if ws.artifact(att).is_none()
                        && missing_seen.insert((path.clone(), att.clone()))
                    {
                        out.push(
                            Diagnostic::error(
                                Code::BrokenReference,
                                format!("{path} lists the attachment {att}, which does not exist"),
                            )
                            .with_ref(whole(path))
                            .with_ref(whole(att))
                            .with_hint(format!("restore {att}")),
                        );
                    }
                }
            }
            _ => {}
        }
    }
}

fn missing_whole(target: &Ref, path: &VPath, seen: &BTreeSet<(VPath, VPath)>) -> bool {
    target
        .path
        .as_ref()
        .is_some_and(|t| seen.contains(&(path.clone(), t.clone())))
}

fn sheet_ci<'w>(w: &'w Workbook, name: &str) -> Option<&'w simdesk_model::Sheet> {
    w.sheets.iter().find(|s| s.name.eq_ignore_ascii_case(name))
}

/// Formulas that read a sheet the workbook does not have.
fn formula_sheets(path: &VPath, w: &Workbook, out: &mut Vec<Diagnostic>) {
    for s in &w.sheets {
        for (addr, c) in &s.cells {
            let Some(f) = &c.formula else { continue };
            let Ok(refs) = simdesk_formula::references(f, &s.name) else {
                continue;
            };
            let missing: BTreeSet<&str> = refs
                .iter()
                .filter(|r| sheet_ci(w, &r.sheet).is_none())
                .map(|r| r.sheet.as_str())
                .collect();
            for m in missing {
                out.push(
                    Diagnostic::error(
                        Code::BrokenReference,
                        format!(
                            "the formula ={f} in {path}#{}!{addr} reads sheet {m:?}, which does not exist",
                            simdesk_model::quote_sheet(&s.name)
                        ),
                    )
                    .with_ref(Ref::cell(path.clone(), &s.name, *addr))
                    .with_hint(format!("add sheet {m:?} or fix the formula")),
                );
            }
        }
    }
}

// ------------------------------------------------------------ formulas

/// Cells of `w` that `formula` (on `sheet`) reads and that hold a value,
/// with their values.
fn read_cells<'w>(
    w: &'w Workbook,
    sheet: &str,
    formula: &str,
) -> Vec<(String, CellAddr, &'w CellValue)> {
    let Ok(refs) = simdesk_formula::references(formula, sheet) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in refs {
        let Some(s) = sheet_ci(w, &r.sheet) else {
            continue;
        };
        match r.area {
            simdesk_formula::Area::Cell(a) => {
                if let Some(c) = s.cells.get(&a) {
                    out.push((s.name.clone(), a, &c.value));
                }
            }
            area => {
                let range = area.range();
                for (a, c) in s.cells.range(range.start..=range.end) {
                    if range.contains(*a) {
                        out.push((s.name.clone(), *a, &c.value));
                    }
                }
            }
        }
    }
    out
}

fn formula_errors(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    for (path, a) in cx.ws.artifacts() {
        let Artifact::Workbook(w) = a else { continue };
        for s in &w.sheets {
            for (addr, c) in &s.cells {
                let (Some(f), CellValue::Error(e)) = (&c.formula, &c.value) else {
                    continue;
                };
                if *e == simdesk_model::CellError::Circ {
                    continue;
                }
                // Report where an error starts, not every cell it reaches.
                let passed_on = read_cells(w, &s.name, f)
                    .iter()
                    .any(|(_, _, v)| matches!(v, CellValue::Error(_)));
                if passed_on {
                    continue;
                }
                out.push(
                    Diagnostic::error(
                        Code::FormulaError,
                        format!(
                            "{path}#{}!{addr} =({f}) evaluates to {}",
                            simdesk_model::quote_sheet(&s.name),
                            e.as_str()
                        ),
                    )
                    .with_ref(Ref::cell(path.clone(), &s.name, *addr))
                    .with_hint("fix the formula or the cells it reads"),
                );
            }
        }
    }
}

fn circular_references(cx: &Ctx<'_>, _: &CheckOptions, out: &mut Vec<Diagnostic>) {
    for (path, a) in cx.ws.artifacts() {
        let Artifact::Workbook(w) = a else { continue };
        // Only a workbook showing #CIRC! can hold a cycle: the others are
        // not indexed at all.
        let circ = CellValue::Error(simdesk_model::CellError::Circ);
        let shows_circ = w.sheets.iter().any(|s| {
            s.cells
                .values()
                .any(|c| c.formula.is_some() && c.value == circ)
        });
        if !shows_circ {
            continue;
        }
        for mut cycle in simdesk_formula::FormulaGraph::new(w).cycles() {
            cycle.sort();
            let cells: Vec<String> = cycle
                .iter()
                .map(|(sh, a)| format!("{}!{a}", simdesk_model::quote_sheet(sh)))
                .collect();
            let mut d = Diagnostic::error(
                Code::CircularReference,
                format!(
                    "formulas in {path} read each other in a circle: {}",
                    cells.join(", ")
                ),
            )
            .with_hint("break the circle: one of the cells must not read the others");
            for (sh, a) in &cycle {
                d.refs.push(Ref::cell(path.clone(), sh, *a));
            }
            out.push(d);
        }
    }
}
