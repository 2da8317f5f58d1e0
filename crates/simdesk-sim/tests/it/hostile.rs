//! Hostile and malformed calls: typed tool errors, nothing changed.

use expect_test::expect;
use serde_json::json;
use simdesk_sim::{ToolCall, ToolError};

use crate::fixture::*;

fn deep(n: usize) -> String {
    format!("{}{}", "[".repeat(n), "]".repeat(n))
}

#[test]
fn hostile_calls_are_typed_errors_that_change_nothing() {
    let huge = "x".repeat(300 * 1024);
    let cases: Vec<(&str, serde_json::Value)> = vec![
        ("rm_rf", json!({})),
        ("read_file", json!({"path": 42})),
        ("read_file", json!({"path": "/Users/ana/../etc/passwd"})),
        ("read_file", json!({"path": "relative.txt"})),
        (
            "read_file",
            json!({"path": "/Users/ana/Models/fees.xlsx", "page": 99}),
        ),
        ("read_file", json!({"path": "/Users/ana/missing.docx"})),
        (
            "read_file",
            json!({"path": "/Users/ana/Models/fees.xlsx", "extra": true}),
        ),
        ("read_file", json!(["not", "an", "object"])),
        (
            "create_note",
            json!({"path": "/Users/ana/n.txt", "text": huge}),
        ),
        (
            "write_cells",
            json!({"path": "/Users/ana/Reports/fee memo.docx", "sheet": "S", "cells": []}),
        ),
        (
            "write_cells",
            json!({"path": "/Users/ana/Models/fees.xlsx", "sheet": "Summary", "cells": [{"cell": "ZZZZ99999999", "value": 1}]}),
        ),
        (
            "write_cells",
            json!({"path": "/Users/ana/Models/fees.xlsx", "sheet": "Summary", "cells": [{"cell": "B2", "value": {"nested": 1}}]}),
        ),
        (
            "edit_document",
            json!({"path": "/Users/ana/Reports/fee memo.docx", "action": "replace", "index": 99, "markdown": "x"}),
        ),
        (
            "send_email",
            json!({"to": ["not an address"], "subject": "s", "body": "b"}),
        ),
        (
            "send_email",
            json!({"to": ["a@b.example"], "subject": "s", "body": "b", "attachments": ["/Users/ana/nope.pdf"]}),
        ),
        (
            "copy_file",
            json!({"from": "/Users/ana/Models/fees.xlsx", "to": "/Users/ana/Reports/fee memo.docx"}),
        ),
        ("wait", json!({"minutes": 0})),
        ("wait_until", json!({"time": "2020-01-01T00:00:00Z"})),
        (
            "export_pdf",
            json!({"path": "/Users/ana/Models/fees.xlsx", "target": "/Users/ana/fees.docx"}),
        ),
    ];
    let mut s = session();
    let before = s.world().save().unwrap();
    let steps_before = s.step_count();
    let mut log = String::new();
    for (name, args) in cases {
        let r = s.call_raw(name, args);
        assert!(r.is_error, "{name}: {}", r.text);
        log.push_str(&format!(
            "{name}: [{}] {}\n",
            r.error.as_deref().unwrap_or(""),
            r.text.replace('\n', " | ")
        ));
    }
    // Deep JSON and huge text are refused on the raw text.
    let r = s.call_json("read_file", &deep(10_000));
    log.push_str(&format!("deep: {}\n", r.text.replace('\n', " | ")));
    let r = s.call_json("read_file", "{\"path\": ");
    log.push_str(&format!("truncated: {}\n", r.text.replace('\n', " | ")));
    assert_eq!(
        s.world().save().unwrap(),
        before,
        "a refused call changed the world"
    );
    assert_eq!(s.step_count(), steps_before + 21);
    expect![[r#"
        rm_rf: [unknown_tool] error: unknown tool "rm_rf" | hint: tools are: list_files, search_files, read_file, read_range, write_cells, write_range, create_workbook, create_document, create_deck, create_note, edit_document, replace_text, edit_slide, copy_file, move_file, rename_file, delete_file, create_folder, refresh_import, link_import, unlink_import, export_pdf, export_csv, list_emails, read_email, send_email, reply_email, forward_email, read_calendar, wait, wait_until, wait_for_email, finish
        read_file: [bad_args] error: bad arguments for read_file: invalid type: integer `42`, expected a string | hint: check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx
        read_file: [bad_args] error: bad arguments for read_file: invalid path "/Users/ana/../etc/passwd": '..' component (component "..") | hint: check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx
        read_file: [bad_args] error: bad arguments for read_file: invalid path "relative.txt": path must start with '/' (component "relative.txt") | hint: check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx
        read_file: [invalid] error: invalid page "99": the file has 1 page(s) | hint: check the value against the tool's description
        read_file: [not_found] error: no file or folder at /Users/ana/missing.docx | hint: list_files /Users/ana shows what is there, or search_files by name
        read_file: [bad_args] error: bad arguments for read_file: unknown field `extra`, expected `path` or `page` | hint: check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx
        read_file: [not_an_object] error: arguments of read_file must be a JSON object | hint: check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx
        create_note: [limit] error: string length in bytes exceeds the limit of 262144 (got 307200) | hint: split the work into smaller calls
        write_cells: [wrong_kind] error: /Users/ana/Reports/fee memo.docx is a document, not a workbook | hint: this tool works on a workbook; read_file shows any file
        write_cells: [invalid] error: invalid cell "ZZZZ99999999": invalid cell address "ZZZZ99999999": column out of range A..XFD | hint: check the value against the tool's description
        write_cells: [bad_args] error: bad arguments for write_cells: data did not match any variant of untagged enum Scalar | hint: check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx
        edit_document: [invalid] error: invalid index "99": the document has 2 block(s), numbered from 0 | hint: check the value against the tool's description
        send_email: [invalid] error: invalid address "not an address": expected name@domain.example | hint: check the value against the tool's description
        send_email: [not_found] error: no file or folder at /Users/ana/nope.pdf | hint: list_files /Users/ana shows what is there, or search_files by name
        copy_file: [exists] error: /Users/ana/Reports/fee memo.docx already exists | hint: pick another name, or edit the existing file
        wait: [invalid] error: invalid minutes "0": wait 1 to 43200 minutes | hint: check the value against the tool's description
        wait_until: [invalid] error: invalid time "2020-01-01T00:00:00Z": must be after now (2026-01-05T08:05:40Z) and within 30 days | hint: check the value against the tool's description
        export_pdf: [invalid] error: invalid target "/Users/ana/fees.docx": the target must end in .pdf | hint: check the value against the tool's description
        deep: error: nesting depth exceeds the limit of 16 (got 17) | hint: split the work into smaller calls
        truncated: error: arguments are not valid json: EOF while parsing a value at line 1 column 9 | hint: check the tool's input schema; paths are absolute like /Users/name/Documents/file.xlsx
    "#]].assert_eq(&log);
}

#[test]
fn limits_are_checked_before_values_are_built() {
    assert!(matches!(
        ToolCall::parse_json("read_file", &deep(100)),
        Err(ToolError::Limit {
            what: "nesting depth",
            ..
        })
    ));
    let big = format!("{{\"path\": \"/{}\"}}", "a".repeat(2 << 20));
    assert!(matches!(
        ToolCall::parse_json("read_file", &big),
        Err(ToolError::Limit {
            what: "argument size in bytes",
            ..
        })
    ));
    let long_name = "t".repeat(400 * 1024);
    assert!(matches!(
        ToolCall::parse(&long_name, json!({})),
        Err(ToolError::Limit { .. })
    ));
}

#[test]
fn calls_after_finish_are_refused_and_not_recorded() {
    let mut s = session();
    run(&mut s, "finish {\"summary\": \"done\"}");
    let world = s.world().save().unwrap();
    let n = s.step_count();
    let r = s.call_raw(
        "write_cells",
        json!({"path": BOOK, "sheet": "Summary", "cells": [{"cell": "B2", "value": 9}]}),
    );
    assert!(r.is_error && r.finished);
    assert_eq!(r.error.as_deref(), Some("finished"));
    assert_eq!(s.step_count(), n);
    assert_eq!(s.world().save().unwrap(), world);
}
