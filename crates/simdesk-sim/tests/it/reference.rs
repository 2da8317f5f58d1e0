//! Ops played as tool calls make the same change as the ops themselves.

use serde_json::json;
use simdesk_model::{Artifact, Op, VPath};
use simdesk_sim::tool_call_for;

use crate::fixture::*;

fn op(v: serde_json::Value) -> Op {
    serde_json::from_value(v).unwrap()
}

#[test]
fn a_tool_call_for_an_op_changes_the_world_as_the_op_does() {
    let ops = [
        op(json!({"op": "mkdir", "path": "/Users/ana/Work"})),
        op(
            json!({"op": "set_cells", "path": BOOK, "sheet": "Summary", "cells": [
            {"cell": "B2", "value": {"number": 0.0075}},
            {"cell": "C3", "formula": "B3*2", "format": "#,##0"},
            {"cell": "A5", "value": {"text": "Note"}}]}),
        ),
        op(
            json!({"op": "set_range", "path": BOOK, "sheet": "Extra", "start": "A1", "rows": [
            [{"value": {"number": 1.0}}, {"formula": "A1+1"}], [null, {"value": {"bool": true}}]]}),
        ),
        op(
            json!({"op": "create", "path": "/Users/ana/Work/memo.docx", "artifact": {"kind": "document", "title": "M", "blocks": [
            {"type": "heading", "level": 2, "text": "Fees"},
            {"type": "paragraph", "inlines": [{"type": "text", "text": "Fee is "}, {"type": "field", "source": format!("{BOOK}#Summary!B3"), "format": "#,##0.00"}, {"type": "text", "text": " now", "bold": true}]},
            {"type": "list", "ordered": true, "items": [{"inlines": [{"type": "text", "text": "one"}]}, {"level": 1, "inlines": [{"type": "text", "text": "two"}]}]},
            {"type": "table", "header": true, "rows": [[[{"type": "text", "text": "a"}], [{"type": "text", "text": "b"}]], [[{"type": "text", "text": "1"}], [{"type": "text", "text": "2"}]]]},
            {"type": "page_break"}]}}),
        ),
        op(
            json!({"op": "edit_document", "path": MEMO, "edit": {"action": "insert", "index": 1, "block": {"type": "heading", "level": 2, "text": "Summary"}}}),
        ),
        op(json!({"op": "edit_document", "path": MEMO, "edit": {"action": "delete", "index": 0}})),
        op(
            json!({"op": "create", "path": "/Users/ana/Work/n.md", "artifact": {"kind": "text", "format": "markdown", "content": "# hi\n"}}),
        ),
        op(
            json!({"op": "create", "path": "/Users/ana/Work/d.pptx", "artifact": {"kind": "deck", "slides": [{"title": "One", "bullets": [{"level": 0, "inlines": [{"type": "text", "text": "x"}]}], "notes": "n"}]}}),
        ),
        op(
            json!({"op": "edit_slides", "path": "/Users/ana/Work/d.pptx", "edit": {"action": "insert", "index": 1, "slide": {"title": "Two"}}}),
        ),
        op(json!({"op": "export", "source": MEMO, "target": "/Users/ana/Work/memo.pdf"})),
        op(
            json!({"op": "export", "source": BOOK, "target": "/Users/ana/Work/fees.csv", "sheet": "Summary"}),
        ),
        op(json!({"op": "copy", "from": BOOK, "to": "/Users/ana/Work/copy.xlsx"})),
        op(
            json!({"op": "move", "from": "/Users/ana/Work/copy.xlsx", "to": "/Users/ana/Work/moved.xlsx"}),
        ),
        op(json!({"op": "delete", "path": "/Users/ana/Work/moved.xlsx"})),
        op(json!({"op": "refresh", "path": "/Users/ana/Work/memo.pdf"})),
    ];
    let mut direct = session();
    let mut played = session();
    for o in ops {
        let call = tool_call_for(&o).unwrap_or_else(|| panic!("no tool for {o:?}"));
        let r = played.call(call);
        assert!(!r.is_error, "{o:?}: {}", r.text);
        // The direct world gets the same op at the same time.
        let t = played.world().now();
        let d = t.secs() - direct.world().now().secs();
        let mut w = direct.into_world();
        if d > 0 {
            w.apply(Op::AdvanceClock { seconds: d });
        }
        assert!(w.apply(o.clone()).is_applied(), "{o:?}");
        direct = simdesk_sim::Session::new(w, scenario()).unwrap();
    }
    let a: Vec<(&VPath, &Artifact)> = direct.world().artifacts().collect();
    let b: Vec<(&VPath, &Artifact)> = played.world().artifacts().collect();
    assert_eq!(a, b);
}

#[test]
fn ops_no_tool_expresses_have_no_call() {
    for o in [
        op(
            json!({"op": "add_objective", "objective": {"id": "o", "title": "t", "due": "2026-01-09T17:00:00Z", "goals": []}}),
        ),
        op(
            json!({"op": "edit_document", "path": MEMO, "edit": {"action": "insert", "index": 0, "block": {"type": "paragraph", "inlines": [{"type": "text", "text": "x", "italic": true}]}}}),
        ),
    ] {
        assert!(tool_call_for(&o).is_none(), "{o:?}");
    }
}
