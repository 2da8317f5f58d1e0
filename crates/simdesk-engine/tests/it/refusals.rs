//! What every door refuses alike (issues 11 and 17): regression tests named
//! after the bugs they pin down.

use simdesk_engine::{SnapshotError, Workspace, validate};
use simdesk_model::*;

use crate::fixture::*;

fn send(path: &str, date: SimTime) -> Op {
    Op::SendEmail {
        path: p(path),
        email: Email {
            from: Mailbox::new("Mei", "mei.chen@northbridge.example"),
            to: vec![Mailbox::new("Bo", "bo@client.example")],
            subject: "Review".into(),
            date,
            ..Email::default()
        },
    }
}

/// Issue 11: a back-dated email from the agent passed as on time.
#[test]
fn agent_email_dated_away_from_the_clock_is_refused() {
    let mut ws = empty();
    let back = SimTime::from_ymd(2019, 3, 1).unwrap();
    let out = rejected(&mut ws, send("/Mail/Sent/a.eml", back));
    assert_eq!(
        out.diagnostics[0].message,
        "an email the agent sends is dated by the world's clock (2026-01-05T09:00:00Z), not 2019-03-01T00:00:00Z: leave its date unset"
    );
    // Unset, it takes the clock; at the clock, it is accepted as it is.
    ok(&mut ws, send("/Mail/Sent/b.eml", SimTime(0)));
    ok(&mut ws, send("/Mail/Sent/c.eml", start()));
    let Some(Artifact::Email(e)) = ws.artifact(&p("/Mail/Sent/b.eml")) else {
        panic!("no email")
    };
    assert_eq!(e.date, start());
    // A collaborator's mail keeps the date it was written with.
    let out = ws.apply_as("bo@client.example", send("/Mail/Inbox/d.eml", back));
    assert!(out.is_applied(), "{:?}", out.diagnostics);
}

/// Issue 17: a refused 2300×2300 `set_range` still took gigabytes; the
/// cell count is now checked before any edit is built.
#[test]
fn set_range_over_the_cell_limit_is_refused_before_building_edits() {
    let mut ws = world(
        r#"
        //- /a.xlsx
        [S]
        A1 1
        "#,
    );
    let rows = vec![vec![Some(CellInput::default()); 1_000]; 1_001];
    // Starting at the last cell, building the edits would have failed on
    // the second one; the count is what refuses it.
    let op = Op::SetRange {
        path: p("/a.xlsx"),
        sheet: "S".into(),
        start: a1("XFD1048576"),
        rows,
    };
    let want = "1001000 cell edits in one op, at most 1000000";
    assert_eq!(validate::op(&op).unwrap_err().message, want);
    let out = rejected(&mut ws, op);
    assert_eq!(out.diagnostics[0].code, Code::LimitExceeded);
    assert_eq!(out.diagnostics[0].message, want);
}

/// A snapshot whose body was edited, with its checksum made to match.
fn tampered(ws: &Workspace, edit: impl Fn(&str) -> String) -> Vec<u8> {
    let bytes = ws.save().unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let (_, body) = text.split_once('\n').unwrap();
    let body = edit(body);
    let sum = blake3::hash(body.as_bytes()).to_hex();
    format!("simdesk-snapshot 1 blake3:{sum}\n{body}").into_bytes()
}

/// Issue 17: a crafted snapshot at revision 2^64−1 loaded, `apply` wrapped
/// the revision to 0 and saved a world nothing could load again.
#[test]
fn revision_at_the_last_value_refuses_ops_instead_of_wrapping() {
    let ws = empty();
    let rev = ws.revision();
    let bytes = tampered(&ws, |b| {
        b.replacen(
            &format!("\"revision\":{rev}"),
            &format!("\"revision\":{}", u64::MAX),
            1,
        )
    });
    let mut ws = Workspace::load(&bytes).unwrap();
    let out = rejected(
        &mut ws,
        Op::Mkdir {
            path: p("/Reports"),
        },
    );
    assert_eq!(out.diagnostics[0].code, Code::LimitExceeded);
    assert_eq!(ws.revision(), u64::MAX);
    let again = Workspace::load(&ws.save().unwrap()).unwrap();
    assert_eq!(again.revision(), u64::MAX);
}

/// Issue 17: `apply` accepted `/.simdesk/*` paths that export refused
/// later (an exported tree keeps its manifest there).
#[test]
fn reserved_simdesk_paths_are_refused_by_apply_and_load() {
    let mut ws = empty();
    for path in ["/.simdesk/manifest.json", "/.SimDesk/notes.txt"] {
        let out = rejected(
            &mut ws,
            Op::Create {
                path: p(path),
                artifact: text("x\n", TextFormat::Plain).into(),
            },
        );
        assert_eq!(out.diagnostics[0].code, Code::InvalidPath);
    }
    rejected(
        &mut ws,
        Op::Mkdir {
            path: p("/.simdesk"),
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/notes.txt"),
            artifact: text("x\n", TextFormat::Plain).into(),
        },
    );
    rejected(
        &mut ws,
        Op::Move {
            from: p("/notes.txt"),
            to: p("/.simdesk/notes.txt"),
        },
    );
    let bytes = tampered(&ws, |b| {
        b.replace("\"/notes.txt\"", "\"/.simdesk/notes.txt\"")
    });
    let e = Workspace::load(&bytes).err().unwrap();
    assert!(matches!(e, SnapshotError::Refused { .. }), "{e}");
    assert_eq!(
        e.to_string(),
        "snapshot holds what apply refuses: invalid path /.simdesk/notes.txt: /.simdesk is reserved for simdesk's own files"
    );
}

/// Issue 17: a workbook at `x.pdf` was accepted and only export refused
/// it; a copy or move to another extension changes the kind it claims.
#[test]
fn kind_and_extension_mismatch_is_refused() {
    let mut ws = world(
        r#"
        //- /a.xlsx
        [S]
        A1 1
        //- /notes.md
        # Notes
        "#,
    );
    let book = ws.artifact(&p("/a.xlsx")).unwrap().clone();
    let out = rejected(
        &mut ws,
        Op::Create {
            path: p("/x.pdf"),
            artifact: book.into(),
        },
    );
    assert_eq!(
        out.diagnostics[0].message,
        "/x.pdf cannot hold a workbook: its extension names another kind of file"
    );
    rejected(
        &mut ws,
        Op::Copy {
            from: p("/a.xlsx"),
            to: p("/a.docx"),
        },
    );
    rejected(
        &mut ws,
        Op::Move {
            from: p("/notes.md"),
            to: p("/notes.csv"),
        },
    );
    rejected(&mut ws, send("/Mail/Sent/a.txt", SimTime(0)));
    // The extensions that hold them.
    ok(
        &mut ws,
        Op::Copy {
            from: p("/a.xlsx"),
            to: p("/b.xlsx"),
        },
    );
    ok(
        &mut ws,
        Op::Move {
            from: p("/notes.md"),
            to: p("/notes.txt"),
        },
    );
}

/// Issue 17: date serials of 1e300 and duplicate or over-long sheet names
/// were accepted by `apply` and refused only by export.
#[test]
fn out_of_range_dates_and_bad_sheet_names_are_refused() {
    let mut ws = world(
        r#"
        //- /a.xlsx
        [S]
        A1 1
        "#,
    );
    let out = rejected(
        &mut ws,
        Op::SetCells {
            path: p("/a.xlsx"),
            sheet: "S".into(),
            cells: vec![CellEdit {
                cell: a1("B1"),
                input: CellInput::value(CellValue::Date(1e300)),
            }],
        },
    );
    assert_eq!(
        out.diagnostics[0].message,
        "/a.xlsx#S!B1: date serial 1e300 is outside Excel's range 0 to 2958465"
    );
    let mut dated = Sheet::new("D");
    dated.cells.insert(
        a1("A1"),
        Cell {
            value: CellValue::Date(-1.0),
            ..Cell::default()
        },
    );
    rejected(
        &mut ws,
        Op::Create {
            path: p("/d.xlsx"),
            artifact: Artifact::Workbook(Workbook {
                sheets: vec![dated],
            })
            .into(),
        },
    );
    let out = rejected(
        &mut ws,
        Op::Create {
            path: p("/twice.xlsx"),
            artifact: Artifact::Workbook(Workbook {
                sheets: vec![Sheet::new("Data"), Sheet::new("DATA")],
            })
            .into(),
        },
    );
    assert_eq!(
        out.diagnostics[0].message,
        "/twice.xlsx: two sheets named \"DATA\""
    );
    rejected(&mut ws, set("/a.xlsx", &"L".repeat(32), "A1", 1.0));
}

/// Issue 17: unknown fields in ops were ignored (a typo like `valu` wrote
/// an empty cell) while specs refused them.
#[test]
fn unknown_fields_in_ops_are_refused() {
    let refused = [
        r#"{"op":"mkdir","path":"/a","recursive":true}"#,
        r#"{"op":"set_cells","path":"/a.xlsx","sheet":"S","cells":[{"cell":"A1","valu":3}]}"#,
        r#"{"op":"set_range","path":"/a.xlsx","sheet":"S","start":"A1","rows":[[{"value":{"number":1.0},"colour":"red"}]]}"#,
        r#"{"op":"edit_document","path":"/d.docx","edit":{"action":"delete","index":0,"force":true}}"#,
        r#"{"op":"create","path":"/t.txt","artifact":{"kind":"text","content":"x","encoding":"utf-8"}}"#,
    ];
    for line in refused {
        let e = serde_json::from_str::<Op>(line).unwrap_err();
        assert!(e.to_string().starts_with("unknown field"), "{line}: {e}");
    }
    // The flat cell edit still reads and writes as it did.
    let line = r#"{"op":"set_cells","path":"/a.xlsx","sheet":"S","cells":[{"cell":"A1","value":{"number":3.0},"format":"0.0"}]}"#;
    let op: Op = serde_json::from_str(line).unwrap();
    assert_eq!(serde_json::to_string(&op).unwrap(), line);
}
