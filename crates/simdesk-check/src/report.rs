//! Reports of findings: merging findings from several sources in one
//! order, then human-readable text grouped by file, JSON, and SARIF 2.1.0
//! for code-scanning tools. Every door prints through [`render_check`].

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};
use simdesk_model::{Code, Diagnostic, RefTarget, Severity, VPath};

use crate::rules::{RULES, primary_path, rule_for};

/// Counts by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Error-level findings.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Information.
    pub infos: usize,
}

impl Summary {
    /// Counts the findings.
    pub fn of(found: &[Diagnostic]) -> Summary {
        let mut s = Summary::default();
        for d in found {
            match d.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// One finding in the JSON report: the file it is about, the rule's name,
/// and the diagnostic (code, severity, message, refs, hints).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportFinding {
    /// The file at fault, if any.
    pub path: Option<VPath>,
    /// The rule's kebab-case name (`stale-export`).
    pub rule: &'static str,
    /// The diagnostic.
    #[serde(flatten)]
    pub diagnostic: Diagnostic,
}

/// The JSON report of a check.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// Version of this JSON form.
    pub version: u32,
    /// Counts by severity.
    pub summary: Summary,
    /// The findings, grouped by file.
    pub findings: Vec<ReportFinding>,
}

impl Report {
    /// Wraps findings (as [`crate::check`] returns them).
    pub fn new(found: &[Diagnostic]) -> Report {
        Report {
            version: 1,
            summary: Summary::of(found),
            findings: found
                .iter()
                .map(|d| ReportFinding {
                    path: primary_path(d).cloned(),
                    rule: d.code.name(),
                    diagnostic: d.clone(),
                })
                .collect(),
        }
    }
}

/// `s` in an ANSI style when `color`.
pub(crate) fn paint(s: &str, code: &str, color: bool) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_owned()
    }
}

/// How a report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// Human-readable, grouped by file (ANSI colour when asked).
    Text,
    /// JSON ([`Report`], pretty-printed).
    Json,
    /// SARIF 2.1.0 ([`sarif`], pretty-printed).
    Sarif,
}

/// Findings from several sources as one list: `first` (for example the
/// names of a folder), then those of `more` that are not already there
/// (same code and message), in the library's order: by file, then
/// severity (errors first), code and message.
pub fn merge_findings(
    first: Vec<Diagnostic>,
    more: impl IntoIterator<Item = Diagnostic>,
) -> Vec<Diagnostic> {
    let mut found = first;
    let mut seen: std::collections::BTreeSet<(Code, String)> =
        found.iter().map(|d| (d.code, d.message.clone())).collect();
    for d in more {
        if seen.insert((d.code, d.message.clone())) {
            found.push(d);
        }
    }
    found.sort_by(|x, y| {
        let key = |d: &Diagnostic| {
            (
                primary_path(d).cloned(),
                std::cmp::Reverse(d.severity),
                d.code,
                d.message.clone(),
            )
        };
        key(x).cmp(&key(y))
    });
    found
}

/// The findings a report shows for one world: [`crate::check`]'s, and for
/// a world made from a folder of files without a manifest (`outside`
/// holds the names the importer refused and the copies its emails carry),
/// the links inferred from content ([`crate::check_plain`]) and the
/// portability of every name, kept and refused together so case
/// collisions between the two are seen; merged and ordered by
/// [`merge_findings`].
///
/// A world file saved by `simdesk import` from such a folder holds its
/// links as `inferred` edges, recorded when the files already disagreed:
/// their revisions say nothing is behind. Such a world is judged by
/// content as the folder is ([`crate::check_plain`]: exports against a
/// fresh rendering of their source, quoted numbers, `#REF!` shown), so
/// checking it finds what checking the folder finds at error level. The
/// copies its emails carried were not kept in it, so the attachment
/// comparison (warnings) is the folder's alone.
pub fn world_findings(
    ws: &simdesk_engine::Workspace,
    outside: Option<(&[String], &[crate::Attached])>,
    opts: &crate::CheckOptions,
) -> Vec<Diagnostic> {
    let names = match outside {
        Some((refused, _)) => {
            let mut names: Vec<String> = ws
                .walk()
                .into_iter()
                .map(|e| e.path.as_str().trim_start_matches('/').to_owned())
                .collect();
            names.extend(refused.iter().cloned());
            crate::portable_name_diagnostics(&names)
        }
        None => Vec::new(),
    };
    let rules = match outside {
        Some((_, attached)) => crate::check_plain(ws, attached, opts),
        None if has_inferred_links(ws) => crate::check_plain(ws, &[], opts),
        None => crate::check(ws, opts),
    };
    merge_findings(names, rules)
}

/// Whether the world records links inferred from content (it was
/// imported from a folder without a manifest).
fn has_inferred_links(ws: &simdesk_engine::Workspace) -> bool {
    ws.edges()
        .iter()
        .any(|e| e.kind == simdesk_engine::EdgeKind::Inferred)
}

/// Findings printed in `format`, ending with a newline; `color` applies
/// to text only.
pub fn render_check(
    found: &[Diagnostic],
    format: ReportFormat,
    color: bool,
) -> Result<String, serde_json::Error> {
    Ok(match format {
        ReportFormat::Text => text_report(found, color),
        ReportFormat::Json => serde_json::to_string_pretty(&Report::new(found))? + "\n",
        ReportFormat::Sarif => serde_json::to_string_pretty(&sarif(found))? + "\n",
    })
}

/// Findings as text grouped by file, with ANSI colour when `color`.
pub fn text_report(found: &[Diagnostic], color: bool) -> String {
    let mut groups: BTreeMap<Option<&VPath>, Vec<&Diagnostic>> = BTreeMap::new();
    for d in found {
        groups.entry(primary_path(d)).or_default().push(d);
    }
    let mut out = String::new();
    for (path, ds) in groups {
        let title = path.map_or_else(|| "(world)".to_owned(), VPath::to_string);
        let _ = writeln!(out, "{}", paint(&title, "1", color));
        for d in ds {
            let (label, c) = match d.severity {
                Severity::Error => ("error", "1;31"),
                Severity::Warning => ("warning", "1;33"),
                Severity::Info => ("info", "1;36"),
            };
            let _ = writeln!(
                out,
                "  {}[{} {}]: {}",
                paint(label, c, color),
                d.code.as_str(),
                d.code.name(),
                d.message
            );
            if d.refs.len() > 1 {
                let refs: Vec<String> = d.refs.iter().skip(1).map(ToString::to_string).collect();
                let _ = writeln!(out, "      see: {}", refs.join(", "));
            }
            for h in &d.hints {
                let _ = writeln!(out, "      {} {h}", paint("hint:", "32", color));
            }
        }
    }
    let s = Summary::of(found);
    if found.is_empty() {
        out.push_str("no findings\n");
    } else {
        let _ = writeln!(
            out,
            "{} finding(s): {} error(s), {} warning(s), {} info",
            found.len(),
            s.errors,
            s.warnings,
            s.infos
        );
    }
    out
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A world path as a relative URI reference: percent-encoded except for
/// unreserved characters and '/'.
fn uri(p: &VPath) -> String {
    let mut out = String::new();
    for b in p.as_str().trim_start_matches('/').bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn location(r: &simdesk_model::Ref) -> Option<Value> {
    let path = r.path.as_ref()?;
    let mut loc = json!({ "physicalLocation": { "artifactLocation": { "uri": uri(path) } } });
    if r.target != RefTarget::Whole {
        let full = r.to_string();
        let frag = full.split_once('#').map_or(full.as_str(), |(_, f)| f);
        loc["logicalLocations"] =
            json!([{ "fullyQualifiedName": full, "name": frag, "kind": "element" }]);
    }
    Some(loc)
}

/// Findings as a SARIF 2.1.0 log: one run whose driver lists every rule
/// (ids are the stable codes), one result per finding with its level,
/// message, location (the file at fault) and related locations (the other
/// refs); hints travel in the result's properties.
pub fn sarif(found: &[Diagnostic]) -> Value {
    let mut codes: Vec<Code> = RULES.iter().map(|r| r.code).collect();
    for d in found {
        if !codes.contains(&d.code) {
            codes.push(d.code);
        }
    }
    let rules: Vec<Value> = codes
        .iter()
        .map(|c| {
            let (summary, help, sev) = rule_for(*c).map_or(("", "", Severity::Warning), |r| {
                (r.summary, r.help, r.severity)
            });
            json!({
                "id": c.as_str(),
                "name": c.name(),
                "shortDescription": { "text": if summary.is_empty() { c.name() } else { summary } },
                "help": { "text": if help.is_empty() { c.name() } else { help } },
                "defaultConfiguration": { "level": level(sev) },
            })
        })
        .collect();
    let results: Vec<Value> = found
        .iter()
        .map(|d| {
            let mut r = json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": level(d.severity),
                "message": { "text": d.message },
            });
            let mut locs = d.refs.iter().filter_map(location);
            if let Some(first) = locs.next() {
                r["locations"] = json!([first]);
                let related: Vec<Value> = locs
                    .enumerate()
                    .map(|(i, mut l)| {
                        l["id"] = json!(i);
                        l
                    })
                    .collect();
                if !related.is_empty() {
                    r["relatedLocations"] = Value::Array(related);
                }
            }
            if !d.hints.is_empty() {
                r["properties"] = json!({ "hints": d.hints });
            }
            r
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "simdesk",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "results": results,
        }],
    })
}
