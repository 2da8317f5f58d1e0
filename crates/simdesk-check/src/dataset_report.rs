//! Reports over many computers (a generation output): each computer's
//! findings under its id, a summary line per computer, and the totals —
//! as text, JSON, or SARIF 2.1.0 with one run per computer.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};
use simdesk_model::Diagnostic;

use crate::report::{Report, ReportFormat, Summary, paint, sarif, text_report};

/// One computer's findings.
#[derive(Debug, Clone, PartialEq)]
pub struct ComputerFindings {
    /// The computer's id.
    pub id: String,
    /// Its findings, in the library's order ([`crate::merge_findings`]).
    pub findings: Vec<Diagnostic>,
}

#[derive(Serialize)]
struct ComputerJson<'a> {
    id: &'a str,
    #[serde(flatten)]
    report: Report,
}

#[derive(Serialize)]
struct DatasetJson<'a> {
    version: u32,
    summary: Summary,
    computers: Vec<ComputerJson<'a>>,
}

/// Counts over every computer.
pub fn dataset_summary(computers: &[ComputerFindings]) -> Summary {
    let mut s = Summary::default();
    for c in computers {
        let one = Summary::of(&c.findings);
        s.errors += one.errors;
        s.warnings += one.warnings;
        s.infos += one.infos;
    }
    s
}

/// Many computers' findings printed in `format`, ending with a newline;
/// `color` applies to text only.
pub fn render_dataset(
    computers: &[ComputerFindings],
    format: ReportFormat,
    color: bool,
) -> Result<String, serde_json::Error> {
    Ok(match format {
        ReportFormat::Text => dataset_text(computers, color),
        ReportFormat::Json => {
            let j = DatasetJson {
                version: 1,
                summary: dataset_summary(computers),
                computers: computers
                    .iter()
                    .map(|c| ComputerJson {
                        id: &c.id,
                        report: Report::new(&c.findings),
                    })
                    .collect(),
            };
            serde_json::to_string_pretty(&j)? + "\n"
        }
        ReportFormat::Sarif => {
            let runs: Vec<Value> = computers
                .iter()
                .filter_map(|c| {
                    let mut log = sarif(&c.findings);
                    let mut run = log["runs"].get_mut(0)?.take();
                    run["automationDetails"] = json!({ "id": c.id });
                    Some(run)
                })
                .collect();
            let mut log = sarif(&[]);
            log["runs"] = Value::Array(runs);
            serde_json::to_string_pretty(&log)? + "\n"
        }
    })
}

fn dataset_text(computers: &[ComputerFindings], color: bool) -> String {
    let mut out = String::new();
    for c in computers {
        let _ = writeln!(out, "{}", paint(&format!("== {} ==", c.id), "1", color));
        out.push_str(&text_report(&c.findings, color));
    }
    let _ = writeln!(out, "{}", paint("== summary ==", "1", color));
    let width = computers.iter().map(|c| c.id.len()).max().unwrap_or(0);
    for c in computers {
        let s = Summary::of(&c.findings);
        let _ = writeln!(
            out,
            "{:<width$}  {} error(s), {} warning(s), {} info",
            c.id, s.errors, s.warnings, s.infos
        );
    }
    let t = dataset_summary(computers);
    let with_errors = computers
        .iter()
        .filter(|c| c.findings.iter().any(Diagnostic::is_error))
        .count();
    let _ = writeln!(
        out,
        "{} computer(s), {with_errors} with errors: {} error(s), {} warning(s), {} info",
        computers.len(),
        t.errors,
        t.warnings,
        t.infos
    );
    out
}
