//! The demo and the world-file commands.

use expect_test::expect;

use crate::{TempDir, simdesk};

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn demo_shows_stale_source_for_the_wrong_order_only() {
    let dir = TempDir::new("demo");
    let out = simdesk(&dir.0, &["demo"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    let (wrong, right) = text.split_once("== Right order ==").expect("two parts");
    assert!(wrong.contains("warning[SD001 stale-source]"), "{text}");
    assert!(
        wrong.contains("missing: refresh /Users/mei.chen/Clients/Chen Family/portfolio.xlsx"),
        "{text}"
    );
    assert!(!right.contains("stale-source"), "{text}");
    assert!(
        right.contains("the PDF says: The portfolio closed the quarter at $22,727.00"),
        "{text}"
    );
    assert!(right.contains("stale now: nothing"), "{text}");
}

#[test]
fn new_apply_ls_cat_stale_log_replay() {
    let dir = TempDir::new("basics");
    let d = &dir.0;
    assert!(
        simdesk(d, &["new", "w.simdesk", "--name", "Ana"])
            .status
            .success()
    );
    // A second `new` without --force refuses to overwrite.
    assert_eq!(simdesk(d, &["new", "w.simdesk"]).status.code(), Some(2));
    let ops = [
        r#"{"op":"create","path":"/Data/p.csv","artifact":{"kind":"text","format":"csv","content":"T,P\nA,1\n"}}"#,
        r#"{"op":"create","path":"/Models/m.xlsx","artifact":{"kind":"workbook","sheets":[{"name":"S","cells":{"A1":{"value":{"number":2},"formula":null}}}]}}"#,
        r#"{"op":"link","source":"/Data/p.csv","dependent":"/Models/m.xlsx#Prices","kind":"import"}"#,
        r#"{"op":"set_cells","path":"/Models/m.xlsx","sheet":"S","cells":[{"cell":"B1","formula":"A1*Prices!B2"}]}"#,
        r#"{"op":"write","path":"/Data/p.csv","artifact":{"kind":"text","format":"csv","content":"T,P\nA,5\n"}}"#,
        r#"{"op":"delete","path":"/nope"}"#,
    ];
    std::fs::write(d.join("ops.jsonl"), ops.join("\n")).unwrap();
    let out = simdesk(d, &["apply", "w.simdesk", "ops.jsonl"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "one op is refused: {}",
        stdout(&out)
    );
    expect![[r#"
        #1 line 1: applied (revision 1)
        #2 line 2: applied (revision 2)
        #3 line 3: applied (revision 3)
        #4 line 4: applied (revision 4)
        #5 line 5: applied (revision 5)
        #6 line 6: REFUSED (revision 5)
            error[SD005 not-found]: nothing at /nope
        5 applied, 1 refused; saved w.simdesk
    "#]]
    .assert_eq(&stdout(&out).replace(&d.display().to_string(), "DIR"));
    expect![[r#"
        /
          Data/
            p.csv  (text, rev 5)
          Models/
            m.xlsx  (workbook, rev 4)  STALE
    "#]]
    .assert_eq(&stdout(&simdesk(d, &["ls", "w.simdesk"])));
    expect![[r#"
        ## Sheet S (1 rows x 2 columns)
             | A           | B           |
           1 | 2           | 2 [=A1*Prices!B2]|

        ## Sheet Prices (2 rows x 2 columns)
             | A           | B           |
           1 | T           | P           |
           2 | A           | 1           |

    "#]]
    .assert_eq(&stdout(&simdesk(
        d,
        &["cat", "w.simdesk", "/Models/m.xlsx"],
    )));
    let stale = simdesk(d, &["stale", "w.simdesk"]);
    assert_eq!(stale.status.code(), Some(1));
    expect![[r#"
        /Models/m.xlsx
          /Data/p.csv changed at revision 5 but /Models/m.xlsx still holds its revision 1 (missing: refresh /Models/m.xlsx); chain: /Data/p.csv -> /Models/m.xlsx
    "#]]
    .assert_eq(&stdout(&stale));
    let log = stdout(&simdesk(d, &["log", "w.simdesk", "--json"]));
    assert_eq!(log.lines().count(), 6);
    std::fs::write(d.join("t.jsonl"), &log).unwrap();
    assert!(
        simdesk(d, &["new", "empty.simdesk", "--name", "Ana"])
            .status
            .success()
    );
    let rep = simdesk(
        d,
        &[
            "replay",
            "empty.simdesk",
            "t.jsonl",
            "--out",
            "again.simdesk",
        ],
    );
    assert!(
        rep.status.success(),
        "{}",
        String::from_utf8_lossy(&rep.stderr)
    );
    assert_eq!(
        std::fs::read(d.join("again.simdesk")).unwrap(),
        std::fs::read(d.join("w.simdesk")).unwrap()
    );
    // Bad input: a malformed op line saves nothing.
    std::fs::write(
        d.join("bad.jsonl"),
        "{\"op\":\"mkdir\",\"path\":\"/a/../b\"}\n",
    )
    .unwrap();
    let before = std::fs::read(d.join("w.simdesk")).unwrap();
    let bad = simdesk(d, &["apply", "w.simdesk", "bad.jsonl"]);
    assert_eq!(bad.status.code(), Some(2));
    expect![[r#"
        error: nothing was saved: line 1: not an op: invalid path "/a/../b": '..' component (component "..")
    "#]]
    .assert_eq(&String::from_utf8_lossy(&bad.stderr));
    assert_eq!(std::fs::read(d.join("w.simdesk")).unwrap(), before);
    // A corrupt world file is a clear error.
    std::fs::write(d.join("corrupt.simdesk"), &before[..before.len() / 2]).unwrap();
    let c = simdesk(d, &["ls", "corrupt.simdesk"]);
    assert_eq!(c.status.code(), Some(2));
    expect![[r#"
        error: cannot load world corrupt.simdesk: snapshot checksum mismatch: the file is truncated or corrupted (expected 8e5a220addfe84a9070495fe49effd208ccfd7e25d8d55527b86439e8fe88df2, found f1b9f630a66b9f2c5dbfe5a4c52fd9a84c52e5d034758ad1ec081c6f6c1a06c1)
    "#]]
    .assert_eq(&String::from_utf8_lossy(&c.stderr));
}
