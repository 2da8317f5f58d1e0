//! The tool surface: every schema an object, names stable, parsing typed.

use expect_test::expect;
use serde_json::json;
use simdesk_sim::{TOOL_NAMES, ToolCall, specs};

use crate::fixture::*;

#[test]
fn every_input_schema_is_an_object_at_the_root() {
    let specs = specs();
    assert_eq!(specs.len(), TOOL_NAMES.len());
    for s in &specs {
        assert_eq!(
            s.input_schema["type"], "object",
            "{}: {}",
            s.name, s.input_schema
        );
        assert!(s.input_schema.get("oneOf").is_none(), "{}", s.name);
        assert!(
            !s.description.is_empty() && !s.description.ends_with('.'),
            "{}",
            s.name
        );
    }
    let listing: String = specs
        .iter()
        .map(|s| format!("{} — {}\n", s.name, s.description))
        .collect();
    expect![[r#"
        list_files — List the files and folders in a folder
        search_files — Find files whose name or content holds every word of a query
        read_file — Show a file as text, one page at a time (workbooks as a grid with formulas)
        read_range — Show a range of cells of a workbook sheet with values and formulas
        write_cells — Write values or formulas into cells of a workbook
        write_range — Write a block of values (or =formulas) starting at a cell
        create_workbook — Create an empty workbook with named sheets
        create_document — Create a document from markdown (fields {{ref}} quote cells live)
        create_deck — Create a slide deck from titles, bullets and notes
        create_note — Create a text or markdown note
        edit_document — Insert, replace or delete a paragraph, heading or list of a document
        replace_text — Replace text in a document, deck or note
        edit_slide — Insert, replace or delete a slide of a deck
        copy_file — Copy a file to a new path
        move_file — Move a file or folder to a new path
        rename_file — Rename a file or folder in place
        delete_file — Delete a file or folder
        create_folder — Create a folder
        refresh_import — Bring a file up to date with its sources (re-run its imports)
        link_import — Import a file into a workbook sheet (or mark a file as based on another)
        unlink_import — Stop importing a file into another
        export_pdf — Export a document, deck or workbook to PDF
        export_csv — Export a workbook sheet to CSV
        list_emails — List the emails of a mail folder, newest first
        read_email — Show an email with its headers and attachments
        send_email — Send an email, attaching files by path
        reply_email — Reply to an email
        forward_email — Forward an email with its attachments
        read_calendar — Show the work assigned to you and when each piece is due
        wait — Let simulated time pass; due mail and files arrive
        wait_until — Let simulated time pass until a given time
        wait_for_email — Let simulated time pass until the next email arrives
        finish — End the session
    "#]]
    .assert_eq(&listing);
}

#[test]
fn a_schema_names_its_fields_and_requirements() {
    let s = specs()
        .into_iter()
        .find(|s| s.name == "write_cells")
        .unwrap();
    expect![[r##"
        {
          "$defs": {
            "CellWrite": {
              "additionalProperties": false,
              "description": "One cell to write: a value or a formula, optionally a number format.",
              "properties": {
                "cell": {
                  "description": "The cell in A1 form (`B4`).",
                  "type": "string"
                },
                "format": {
                  "description": "An Excel number format (`#,##0.00`, `0.0%`).",
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "formula": {
                  "description": "A formula, with or without the leading `=` (`=SUM(B2:B9)`).",
                  "type": [
                    "string",
                    "null"
                  ]
                },
                "value": {
                  "anyOf": [
                    {
                      "$ref": "#/$defs/Scalar"
                    },
                    {
                      "type": "null"
                    }
                  ],
                  "description": "A constant; omit it (and `formula`) to clear the cell."
                }
              },
              "required": [
                "cell"
              ],
              "type": "object"
            },
            "Scalar": {
              "anyOf": [
                {
                  "description": "`true` or `false`.",
                  "type": "boolean"
                },
                {
                  "description": "A number.",
                  "format": "double",
                  "type": "number"
                },
                {
                  "description": "Text (in `write_range`, text starting with `=` is a formula).",
                  "type": "string"
                }
              ],
              "description": "A cell value as an agent writes it: a number, text or a boolean."
            },
            "VPath": {
              "description": "An absolute world path with / separators, valid as a file name on Windows, macOS and Linux (no . or .. component, none of <>:\"\\|?*, components of at most 255 bytes, at most 1024 bytes in all).",
              "maxLength": 1024,
              "pattern": "^/",
              "type": "string"
            }
          },
          "$schema": "https://json-schema.org/draft/2020-12/schema",
          "additionalProperties": false,
          "description": "Arguments of `write_cells`.",
          "properties": {
            "cells": {
              "description": "The cells, written in order.",
              "items": {
                "$ref": "#/$defs/CellWrite"
              },
              "type": "array"
            },
            "path": {
              "$ref": "#/$defs/VPath",
              "description": "The workbook."
            },
            "sheet": {
              "description": "The sheet (created when missing).",
              "type": "string"
            }
          },
          "required": [
            "path",
            "sheet",
            "cells"
          ],
          "title": "WriteCells",
          "type": "object"
        }"##]].assert_eq(&serde_json::to_string_pretty(&s.input_schema).unwrap());
}

#[test]
fn calls_round_trip_through_their_json_arguments() {
    for (name, args) in [
        ("read_file", json!({"path": "/a/b.txt", "page": 2})),
        (
            "write_cells",
            json!({"path": "/a.xlsx", "sheet": "S", "cells": [{"cell": "B2", "value": 1.5}, {"cell": "B3", "formula": "=B2*2"}]}),
        ),
        (
            "send_email",
            json!({"to": ["x@y.example"], "subject": "s", "body": "b", "attachments": ["/a.pdf"]}),
        ),
        ("wait", json!({"minutes": 30})),
        ("read_calendar", json!({})),
    ] {
        let c = ToolCall::parse(name, args).unwrap();
        assert_eq!(c.name(), name);
        assert_eq!(ToolCall::parse(name, c.args()).unwrap(), c);
    }
    // Null arguments read as an empty object.
    assert_eq!(
        ToolCall::parse("finish", serde_json::Value::Null)
            .unwrap()
            .name(),
        "finish"
    );
}

/// A read shows a document with the block numbers the edit tools take; an
/// edit through a field-quoting memo propagates at once.
#[test]
fn read_and_edit_tools_show_what_they_did() {
    let mut s = session();
    let r = run(
        &mut s,
        r#"
        read_file {"path": "/Users/ana/Reports/fee memo.docx"}
        write_cells {"path": "/Users/ana/Models/fees.xlsx", "sheet": "Summary", "cells": [{"cell": "B2", "value": 0.0075}]}
        read_range {"path": "/Users/ana/Models/fees.xlsx", "sheet": "Summary", "range": "A1:B3"}
        edit_document {"path": "/Users/ana/Reports/fee memo.docx", "action": "insert", "index": 2, "markdown": "Rate: {{/Users/ana/Models/fees.xlsx#Summary!B2|0.00%}}"}
        read_file {"path": "/Users/ana/Reports/fee memo.docx"}
        list_files {"path": "/Users/ana", "recursive": true}
        read_calendar {}
        "#,
    );
    let text: String = r
        .iter()
        .map(|r| format!("--- {}\n{}\n", r.time, r.text))
        .collect();
    expect![[r#"
        --- 2026-01-05T08:01:00Z
        /Users/ana/Reports/fee memo.docx (document, page 1 of 1)
        Title: Fee memo
        [0] # Fees
        [1] The annual fee is 10,000.00.
        Fields (live quotes; write {{ref|format}} to keep one):
          [1] 10,000.00 = {{/Users/ana/Models/fees.xlsx#Summary!B3|#,##0.00}}

        --- 2026-01-05T08:02:30Z
        wrote 1 cell(s) in /Users/ana/Models/fees.xlsx#Summary
        updated: /Users/ana/Reports/fee memo.docx
        B2 = 0.75%
        --- 2026-01-05T08:03:00Z
        /Users/ana/Models/fees.xlsx#Summary!A1:B3
        A1 = Assets
        B1 = 1000000
        A2 = Rate
        B2 = 0.75%
        A3 = Fee
        B3 = 7,500.00  [=B1*B2]

        --- 2026-01-05T08:07:00Z
        edited /Users/ana/Reports/fee memo.docx at block 2
        --- 2026-01-05T08:08:00Z
        /Users/ana/Reports/fee memo.docx (document, page 1 of 1)
        Title: Fee memo
        [0] # Fees
        [1] The annual fee is 7,500.00.
        [2] Rate: 0.75%
        Fields (live quotes; write {{ref|format}} to keep one):
          [1] 7,500.00 = {{/Users/ana/Models/fees.xlsx#Summary!B3|#,##0.00}}
          [2] 0.75% = {{/Users/ana/Models/fees.xlsx#Summary!B2|0.00%}}

        --- 2026-01-05T08:08:10Z
        /Users/ana (8 entries)
        /Users/ana/Downloads/
        /Users/ana/Mail/
        /Users/ana/Mail/Inbox/
        /Users/ana/Mail/Sent/
        /Users/ana/Models/
        /Users/ana/Models/fees.xlsx  (workbook, modified 2026-01-05T08:01:00Z)
        /Users/ana/Reports/
        /Users/ana/Reports/fee memo.docx  (document, modified 2026-01-05T08:03:00Z)

        --- 2026-01-05T08:08:25Z
        now: 2026-01-05T08:08:10Z
        nothing assigned yet

    "#]]
    .assert_eq(&text);
}
