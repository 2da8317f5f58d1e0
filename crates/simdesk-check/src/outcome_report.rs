//! Reports of scores and mined mistakes, as text or JSON: what every
//! door prints for `score` and `mine`.

use std::fmt::Write as _;

use crate::mine::MineReport;
use crate::report::paint;
use crate::score::{ScoreReport, StartMethod};

/// How a score or mining report is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutcomeFormat {
    /// Human-readable (ANSI colour when asked).
    Text,
    /// JSON, pretty-printed.
    Json,
}

/// A score report as text: per objective its status and goals with
/// expected and actual values, then collateral changes and the total.
pub fn score_text(r: &ScoreReport, color: bool) -> String {
    let mut out = String::new();
    for o in &r.objectives {
        let passed = o.goals.iter().filter(|g| g.passed).count();
        let status = if o.met {
            paint("MET", "1;32", color)
        } else {
            paint("NOT MET", "1;31", color)
        };
        let _ = writeln!(
            out,
            "{} {}: {status} ({passed}/{})",
            o.id,
            o.title,
            o.goals.len()
        );
        for g in &o.goals {
            let mark = if g.passed {
                paint("pass", "32", color)
            } else {
                paint("FAIL", "31", color)
            };
            let _ = writeln!(out, "  {mark} expected: {}", g.expected);
            let _ = writeln!(out, "       actual:   {}", g.actual);
        }
    }
    let col = &r.collateral;
    let _ = writeln!(
        out,
        "collateral changes (start: {} events before the agent's first, by {}): {}",
        col.start_events,
        match col.method {
            StartMethod::Replay => "replay",
            StartMethod::Revisions => "revisions",
        },
        if col.changes.is_empty() { "none" } else { "" }
    );
    for ch in &col.changes {
        let evs: Vec<String> = ch.events.iter().map(|s| format!("#{s}")).collect();
        let _ = writeln!(out, "  {} {} ({})", ch.change, ch.path, evs.join(", "));
    }
    let _ = writeln!(out, "{}/{} goals met", r.goals_passed, r.goals_total);
    out
}

/// A score report in `format`, ending with a newline.
pub fn render_score(
    r: &ScoreReport,
    format: OutcomeFormat,
    color: bool,
) -> Result<String, serde_json::Error> {
    Ok(match format {
        OutcomeFormat::Text => score_text(r, color),
        OutcomeFormat::Json => serde_json::to_string_pretty(r)? + "\n",
    })
}

/// Mined mistakes as text, one line each, then a note if the replay
/// diverged and the count.
pub fn mine_text(report: &MineReport) -> String {
    let mut out = String::new();
    for m in &report.mistakes {
        let evs: Vec<String> = m.events.iter().map(|s| format!("#{s}")).collect();
        let _ = writeln!(
            out,
            "{} {} ({}): {}",
            evs.join(" "),
            m.kind.as_str(),
            m.actor,
            m.explanation
        );
    }
    if let Some(at) = report.diverged_at {
        let _ = writeln!(
            out,
            "note: replay diverged from the record at event #{at}; later events were judged by their recorded diagnostics only"
        );
    }
    let _ = writeln!(
        out,
        "{} mistake(s) in {} event(s)",
        report.mistakes.len(),
        report.events
    );
    out
}

/// A mining report in `format`, ending with a newline.
pub fn render_mine(
    report: &MineReport,
    format: OutcomeFormat,
) -> Result<String, serde_json::Error> {
    Ok(match format {
        OutcomeFormat::Text => mine_text(report),
        OutcomeFormat::Json => serde_json::to_string_pretty(report)? + "\n",
    })
}
