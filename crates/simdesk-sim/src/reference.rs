//! Ops as tool calls: what an agent calls to make the change an op
//! describes. A reference solution written as ops (the objectives'
//! `reference`) is played through a session this way, so it pays the same
//! time and meets the same collaborators as any agent.

use serde_json::{Value, json};
use simdesk_model::{Artifact, CellValue, DocEdit, Op, SlideEdit, TextFormat, inlines_text};

use crate::markdown;
use crate::tools::ToolCall;

fn scalar(v: &CellValue) -> Option<Value> {
    match v {
        CellValue::Empty => None,
        CellValue::Number(n) => Some(json!(n)),
        CellValue::Text(t) => Some(json!(t)),
        CellValue::Bool(b) => Some(json!(b)),
        CellValue::Date(_) | CellValue::Error(_) => None,
    }
}

fn slide_json(s: &simdesk_model::Slide) -> Option<Value> {
    if s.subtitle.is_some()
        || s.table.is_some()
        || s.layout != simdesk_model::Layout::TitleAndContent
        || s.bullets.iter().any(|b| {
            b.inlines.iter().any(|i| {
                !matches!(
                    i,
                    simdesk_model::Inline::Text {
                        bold: false,
                        italic: false,
                        ..
                    }
                )
            })
        })
    {
        return None;
    }
    let bullets: Vec<String> = s
        .bullets
        .iter()
        .map(|b| {
            format!(
                "{}{}",
                "  ".repeat(usize::from(b.level)),
                inlines_text(&b.inlines)
            )
        })
        .collect();
    Some(json!({"title": s.title, "bullets": bullets, "notes": s.notes}))
}

/// The tool call that makes the change `op` describes, when one does
/// exactly; `None` for ops no tool expresses (objectives, whole rewrites,
/// formats a tool cannot carry).
pub fn tool_call_for(op: &Op) -> Option<ToolCall> {
    let (name, args) = match op {
        Op::Mkdir { path } => ("create_folder", json!({"path": path})),
        Op::Create { path, artifact } => match &**artifact {
            Artifact::Document(d) => (
                "create_document",
                json!({"path": path, "markdown": markdown::write(&d.blocks)?, "title": d.title}),
            ),
            Artifact::Text(t)
                if t.format != TextFormat::Json || path.extension() == Some("json") =>
            {
                ("create_note", json!({"path": path, "text": t.content}))
            }
            Artifact::Deck(d) => {
                let slides: Option<Vec<Value>> = d.slides.iter().map(slide_json).collect();
                (
                    "create_deck",
                    json!({"path": path, "title": d.title, "slides": slides?}),
                )
            }
            Artifact::Workbook(w) if w.sheets.iter().all(|s| s.cells.is_empty()) => {
                let names: Vec<&str> = w.sheets.iter().map(|s| s.name.as_str()).collect();
                ("create_workbook", json!({"path": path, "sheets": names}))
            }
            _ => return None,
        },
        Op::Delete { path, recursive } => {
            ("delete_file", json!({"path": path, "recursive": recursive}))
        }
        Op::Move { from, to } => ("move_file", json!({"from": from, "to": to})),
        Op::Copy { from, to } => ("copy_file", json!({"from": from, "to": to})),
        Op::SetCells { path, sheet, cells } => {
            let mut out = Vec::new();
            for c in cells {
                if c.input.link.is_some() {
                    return None;
                }
                let mut w = json!({"cell": c.cell.to_string()});
                if let Some(f) = &c.input.formula {
                    w["formula"] = json!(f);
                } else if let Some(v) = &c.input.value {
                    w["value"] = scalar(v)?;
                }
                if let Some(f) = &c.input.format {
                    w["format"] = json!(f);
                }
                out.push(w);
            }
            (
                "write_cells",
                json!({"path": path, "sheet": sheet, "cells": out}),
            )
        }
        Op::SetRange {
            path,
            sheet,
            start,
            rows,
        } => {
            let mut out = Vec::new();
            for r in rows {
                let mut row = Vec::new();
                for c in r {
                    row.push(match c {
                        None => Value::Null,
                        Some(i) if i.format.is_some() || i.link.is_some() => return None,
                        Some(i) => match (&i.formula, &i.value) {
                            (Some(f), _) => json!(format!("={f}")),
                            (None, Some(CellValue::Text(t))) if t.starts_with('=') => return None,
                            (None, Some(v)) => scalar(v)?,
                            (None, None) => return None,
                        },
                    });
                }
                out.push(row);
            }
            (
                "write_range",
                json!({"path": path, "sheet": sheet, "start": start.to_string(), "rows": out}),
            )
        }
        Op::EditDocument { path, edit } => match edit {
            DocEdit::Insert { index, block } => (
                "edit_document",
                json!({"path": path, "action": "insert", "index": index, "markdown": markdown::write(std::slice::from_ref(block))?}),
            ),
            DocEdit::Replace { index, block } => (
                "edit_document",
                json!({"path": path, "action": "replace", "index": index, "markdown": markdown::write(std::slice::from_ref(block))?}),
            ),
            DocEdit::Delete { index } => (
                "edit_document",
                json!({"path": path, "action": "delete", "index": index}),
            ),
            DocEdit::SetField { .. } => return None,
        },
        Op::EditSlides { path, edit } => match edit {
            SlideEdit::Insert { index, slide } => (
                "edit_slide",
                json!({"path": path, "action": "insert", "index": index, "slide": slide_json(slide)?}),
            ),
            SlideEdit::Replace { index, slide } => (
                "edit_slide",
                json!({"path": path, "action": "replace", "index": index, "slide": slide_json(slide)?}),
            ),
            SlideEdit::Delete { index } => (
                "edit_slide",
                json!({"path": path, "action": "delete", "index": index}),
            ),
            SlideEdit::Move { .. } => return None,
        },
        Op::Refresh { path } => ("refresh_import", json!({"path": path})),
        Op::Link {
            source,
            dependent,
            kind,
        } => (
            "link_import",
            json!({"source": source, "dependent": dependent, "kind": kind}),
        ),
        Op::Unlink { source, dependent } => (
            "unlink_import",
            json!({"source": source, "dependent": dependent}),
        ),
        Op::Export {
            source,
            target,
            sheet,
        } => match target.extension().map(str::to_ascii_lowercase).as_deref() {
            Some("pdf") => ("export_pdf", json!({"path": source, "target": target})),
            Some("csv") => (
                "export_csv",
                json!({"path": source, "target": target, "sheet": sheet}),
            ),
            _ => return None,
        },
        Op::SendEmail { email, .. } => {
            let addr = |m: &simdesk_model::Mailbox| m.address.clone();
            let body: Vec<String> = email
                .body
                .iter()
                .map(|p| inlines_text(&p.inlines))
                .collect();
            (
                "send_email",
                json!({
                    "to": email.to.iter().map(addr).collect::<Vec<_>>(),
                    "cc": email.cc.iter().map(addr).collect::<Vec<_>>(),
                    "subject": email.subject,
                    "body": body.join("\n\n"),
                    "attachments": email.attachments,
                }),
            )
        }
        Op::AdvanceClock { seconds } if *seconds >= 60 && seconds % 60 == 0 => {
            ("wait", json!({"minutes": seconds / 60}))
        }
        _ => return None,
    };
    // Nulls stand for absent optional arguments.
    let args = match args {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(_, v)| !v.is_null()).collect()),
        v => v,
    };
    ToolCall::parse(name, args).ok()
}
