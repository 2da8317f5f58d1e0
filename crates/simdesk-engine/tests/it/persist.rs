//! Snapshots, replay, forks and determinism.

use expect_test::expect;
use simdesk_engine::{SnapshotError, Workspace, parse_jsonl};
use simdesk_model::*;

use crate::fixture::*;

fn busy_world() -> Workspace {
    let mut ws = portfolio_world();
    ok(&mut ws, Op::AdvanceClock { seconds: 86_400 });
    ok(
        &mut ws,
        Op::Write {
            path: p("/Downloads/prices.csv"),
            artifact: text(PRICES_V2, TextFormat::Csv).into(),
        },
    );
    ws.apply(Op::Delete {
        path: p("/does/not/exist"),
        recursive: false,
    });
    ok(
        &mut ws,
        Op::Export {
            source: p("/Reports/client.docx"),
            target: p("/Reports/client.pdf"),
            sheet: None,
        },
    );
    ok(
        &mut ws,
        Op::Refresh {
            path: p("/Models/portfolio.xlsx"),
        },
    );
    ok(
        &mut ws,
        Op::Move {
            from: p("/Reports"),
            to: p("/Clients/Chen/Reports"),
        },
    );
    ok(
        &mut ws,
        Op::Copy {
            from: p("/Downloads/prices.csv"),
            to: p("/Archive/prices-2026-01-06.csv"),
        },
    );
    ok(
        &mut ws,
        Op::Delete {
            path: p("/Archive"),
            recursive: true,
        },
    );
    ws
}

#[test]
fn save_and_load_round_trip() {
    let ws = busy_world();
    let bytes = ws.save().unwrap();
    let back = Workspace::load(&bytes).unwrap();
    assert_eq!(back.state_hash().unwrap(), ws.state_hash().unwrap());
    assert_eq!(back.save().unwrap(), bytes);
    assert_eq!(back.stale_paths(), ws.stale_paths());
    assert_eq!(
        back.trajectory_jsonl().unwrap(),
        ws.trajectory_jsonl().unwrap()
    );
}

#[test]
fn same_ops_same_bytes() {
    assert_eq!(busy_world().save().unwrap(), busy_world().save().unwrap());
}

#[test]
fn replay_gives_the_same_world() {
    let ws = busy_world();
    let events = parse_jsonl(&ws.trajectory_jsonl().unwrap()).unwrap();
    assert!(events.iter().any(|e| e.outcome == OutcomeKind::Rejected));
    let mut again = empty();
    again.replay(&events).unwrap();
    assert_eq!(again.state_hash().unwrap(), ws.state_hash().unwrap());
    assert_eq!(
        again.trajectory_jsonl().unwrap(),
        ws.trajectory_jsonl().unwrap()
    );
}

#[test]
fn corrupt_snapshots_give_typed_errors() {
    let bytes = busy_world().save().unwrap();
    let truncated = &bytes[..bytes.len() / 2];
    assert!(matches!(
        Workspace::load(truncated),
        Err(SnapshotError::Checksum { .. })
    ));
    let mut flipped = bytes.clone();
    let n = flipped.len() - 10;
    flipped[n] ^= 0x20;
    assert!(matches!(
        Workspace::load(&flipped),
        Err(SnapshotError::Checksum { .. })
    ));
    assert!(matches!(
        Workspace::load(b""),
        Err(SnapshotError::NotASnapshot)
    ));
    assert!(matches!(
        Workspace::load(b"garbage\n{}"),
        Err(SnapshotError::NotASnapshot)
    ));
    let newer = String::from_utf8(bytes.clone()).unwrap().replacen(
        "simdesk-snapshot 1 ",
        "simdesk-snapshot 2 ",
        1,
    );
    assert!(matches!(
        Workspace::load(newer.as_bytes()),
        Err(SnapshotError::NewerVersion { found: 2 })
    ));
    // A body with a valid checksum but broken content.
    let body = br#"{"format":1,"state":{"start":"2026-01-01T00:00:00Z","clock":"2026-01-01T00:00:00Z","revision":1,"next_id":2,"persona":{"name":"x"},"folders":[],"artifacts":[],"edges":[{"source":1,"dependent":7,"kind":"export","seen":0}]}}"#;
    let file = [
        format!(
            "simdesk-snapshot 1 blake3:{}\n",
            blake3::hash(body).to_hex()
        )
        .as_bytes(),
        body,
    ]
    .concat();
    assert!(
        matches!(Workspace::load(&file), Err(SnapshotError::Inconsistent(_))),
        "{:?}",
        Workspace::load(&file).err()
    );
    let body = br#"{"format":1,"state":{"start":"2026-01-01T00:00:00Z","clock":"2026-01-01T00:00:00Z","revision":1,"next_id":2,"persona":{"name":"x"},"folders":["/a/../b"],"artifacts":[],"edges":[]}}"#;
    let file = [
        format!(
            "simdesk-snapshot 1 blake3:{}\n",
            blake3::hash(body).to_hex()
        )
        .as_bytes(),
        body,
    ]
    .concat();
    assert!(matches!(
        Workspace::load(&file),
        Err(SnapshotError::Body { .. })
    ));
    // Deep nesting is refused by the parser's recursion limit, not a stack overflow.
    let deep = format!(
        "{{\"format\":1,\"state\":{}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let file = [
        format!(
            "simdesk-snapshot 1 blake3:{}\n",
            blake3::hash(deep.as_bytes()).to_hex()
        )
        .as_bytes(),
        deep.as_bytes(),
    ]
    .concat();
    assert!(matches!(
        Workspace::load(&file),
        Err(SnapshotError::Body { .. })
    ));
}

#[test]
fn forks_are_isolated() {
    let parent = portfolio_world();
    let hash = parent.state_hash().unwrap();
    let mut child = parent.fork();
    ok(
        &mut child,
        set("/Models/portfolio.xlsx", "Prices", "B2", 1.0),
    );
    ok(
        &mut child,
        Op::Delete {
            path: p("/Reports"),
            recursive: true,
        },
    );
    assert_eq!(parent.state_hash().unwrap(), hash);
    assert!(
        parent
            .view(&p("/Reports/client.docx"))
            .unwrap()
            .contains("$250.00")
    );
    assert_ne!(child.state_hash().unwrap(), hash);
    assert_eq!(parent.trajectory_len() + 2, child.trajectory_len());
}

#[test]
fn fork_shares_artifacts() {
    let parent = portfolio_world();
    let child = parent.fork();
    let a = parent.artifact_arc(&p("/Reports/client.docx")).unwrap();
    let b = child.artifact_arc(&p("/Reports/client.docx")).unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&a, &b),
        "a fork must not copy artifacts"
    );
}

#[test]
fn views_render_every_kind() {
    let mut ws = portfolio_world();
    ok(
        &mut ws,
        Op::SendEmail {
            path: p("/Mail/Sent/a.eml"),
            email: Email {
                from: Mailbox::new("Mei", "m@x.example"),
                to: vec![Mailbox::new("Bo", "b@x.example")],
                subject: "Numbers".into(),
                body: vec![Paragraph::text("See attached.")],
                attachments: vec![p("/Reports/client.pdf")],
                ..Email::default()
            },
        },
    );
    ok(
        &mut ws,
        Op::Create {
            path: p("/bin/blob.dat"),
            artifact: Artifact::Binary(Binary {
                bytes: vec![0, 1, 2],
            })
            .into(),
        },
    );
    let view = |path: &str| ws.view(&p(path)).unwrap();
    expect![[r#"
        ## Sheet Holdings (2 rows x 2 columns)
             | A           | B           |
           1 | Ticker      | Units       |
           2 | VTI         | 40          |

        ## Sheet Prices (3 rows x 2 columns)
             | A           | B           |
           1 | Ticker      | Price       |
           2 | VTI         | 250         |
           3 | BND         | 72.5        |

    "#]]
    .assert_eq(&view("/Models/portfolio.xlsx"));
    expect![[r#"
        # Quarterly review

        VTI closed at $250.00

        BND closed at $72.50
    "#]]
    .assert_eq(&view("/Reports/client.docx"));
    expect![[r#"
        --- page 1 of 1 ---
        Quarterly review

        VTI closed at $250.00

        BND closed at $72.50
    "#]]
    .assert_eq(&view("/Reports/client.pdf"));
    expect![[r#"
        From: Mei <m@x.example>
        To: Bo <b@x.example>
        Date: 2026-01-05T09:00:00Z
        Subject: Numbers
        Message-ID: <r6.5@simdesk.invalid>
        Attachment: /Reports/client.pdf

        See attached.

    "#]]
    .assert_eq(&view("/Mail/Sent/a.eml"));
    expect![[r#"
        /bin/blob.dat: binary file, 3 bytes, blake3 e1be4d7a8ab5560aa4199eea339849ba8e293d55ca0a81006726d184519e647f
    "#]].assert_eq(&view("/bin/blob.dat"));
    expect![[r#"
        /
          Downloads/
            prices.csv  (text, rev 1)
          Mail/
            Sent/
              a.eml  (email, rev 6)
          Models/
            portfolio.xlsx  (workbook, rev 3)
          Reports/
            client.docx  (document, rev 4)
            client.pdf  (pdf, rev 5)
          bin/
            blob.dat  (binary, rev 7)
    "#]]
    .assert_eq(&ws.tree_text());
}

/// Regression: floats whose shortest decimal form needs 17 digits came
/// back one ulp off from a snapshot, so a loaded world hashed differently.
#[test]
fn floats_survive_save_and_load_exactly() {
    let mut ws = empty();
    let tricky = [
        0.1 + 0.2,
        1.0 / 3.0,
        2.675 * 1.1,
        1e-300 * 3.3,
        123_456.789_012_345_67,
        -0.000_123_456_789_012_345,
    ];
    let cells: Vec<(&str, Cell)> = ["A1", "A2", "A3", "A4", "A5", "A6"]
        .iter()
        .zip(tricky)
        .map(|(a, v)| (*a, Cell::value(v)))
        .collect();
    ok(
        &mut ws,
        Op::Create {
            path: p("/f.xlsx"),
            artifact: workbook(&[("S", &cells)]).into(),
        },
    );
    let back = Workspace::load(&ws.save().unwrap()).unwrap();
    assert_eq!(back.state_hash().unwrap(), ws.state_hash().unwrap());
    for (i, v) in tricky.iter().enumerate() {
        let got = back
            .cell(&p("/f.xlsx"), "S", CellAddr::new(i as u32, 0))
            .unwrap()
            .value
            .as_number()
            .unwrap();
        assert_eq!(got.to_bits(), v.to_bits());
    }
}

/// The snapshot and the state hash made together are the ones made apart,
/// and the body is the plain JSON document it claims to be.
#[test]
fn save_with_state_hash_agrees_with_save_and_state_hash() {
    let ws = busy_world();
    let (bytes, hash) = ws.save_with_state_hash().unwrap();
    assert_eq!(bytes, ws.save().unwrap());
    assert_eq!(hash, ws.state_hash().unwrap());
    let body = &bytes[bytes.iter().position(|b| *b == b'\n').unwrap() + 1..];
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["format"], 1);
    assert_eq!(v["state"], ws.state_json().unwrap());
    assert!(!v["trajectory"].as_array().unwrap().is_empty());
    assert_eq!(Workspace::load(&bytes).unwrap().state_hash().unwrap(), hash);
}
