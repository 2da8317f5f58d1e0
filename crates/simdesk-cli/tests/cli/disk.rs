//! Tests of export and import of worlds on disk: real files with the
//! simulated clock's times, a manifest, determinism, target safety, the
//! round trip by state hash, edits on disk, and hostile folders.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use simdesk_engine::Workspace;
use simdesk_model::*;

use crate::{TempDir, simdesk};

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn ok(o: Output) -> String {
    assert!(o.status.success(), "{}", text(&o));
    text(&o)
}

/// The `state <hash>` line printed by export and import.
fn state_of(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("state "))
        .unwrap_or_else(|| panic!("no state line in {out}"))
        .to_owned()
}

fn vp(s: &str) -> VPath {
    VPath::parse(s).unwrap()
}

fn cells(list: &[(&str, Cell)]) -> BTreeMap<CellAddr, Cell> {
    list.iter()
        .map(|(a, c)| (CellAddr::parse(a).unwrap(), c.clone()))
        .collect()
}

/// A world with every kind, an import link, a field, an export, an email
/// carrying two attachments, a workbook under a `.csv` name, an empty
/// folder, and an edit afterwards so some edges are behind.
fn rich_world() -> Workspace {
    let start = SimTime::parse("2026-01-05T09:00:00Z").unwrap();
    let persona = Persona {
        name: "Mei Chen".into(),
        email: "mei@northbridge.example".into(),
        ..Persona::default()
    };
    let mut ws = Workspace::new(start, persona);
    let mut sheet = Sheet::new("Summary");
    sheet.freeze_header = true;
    sheet.cells = cells(&[
        ("A1", Cell::value("Item").bold()),
        ("B1", Cell::value("Amount").bold()),
        ("A2", Cell::value("Fees")),
        ("B2", Cell::value(1200.0).with_format("#,##0.00")),
        ("A3", Cell::value("Growth")),
        ("B3", Cell::value(0.07).with_format("0.0%")),
        ("B4", Cell::formula("B2*(1+B3)").with_format("#,##0.00")),
    ]);
    let mut wide = Sheet::new("Data");
    wide.cells = cells(&[("A1", Cell::value("x")), ("B1", Cell::value(2.0))]);
    let memo = Document {
        title: Some("Q4 memo".into()),
        blocks: vec![
            Block::heading(1, "Q4 review"),
            Block::Paragraph {
                inlines: vec![
                    Inline::text("Fees next year: "),
                    Inline::field(Ref::parse("/Models/model.xlsx#Summary!B4").unwrap(), None),
                ],
            },
            Block::Table(Table::from_text(
                true,
                &[&["Client", "Value"], &["Chen", "22,727"]],
            )),
        ],
    };
    let deck = Deck {
        title: Some("Review".into()),
        slides: vec![Slide {
            title: "Agenda".into(),
            bullets: vec![Bullet::text(0, "Performance"), Bullet::text(1, "Fees")],
            notes: "Keep it short".into(),
            ..Slide::default()
        }],
    };
    let csv = |c: &str| {
        Artifact::Text(Text {
            format: TextFormat::Csv,
            content: c.into(),
        })
    };
    let ops = vec![
        Op::Create {
            path: vp("/Data/prices.csv"),
            artifact: csv("Ticker,Close\nVTI,250\n").into(),
        },
        Op::Create {
            path: vp("/Models/model.xlsx"),
            artifact: Artifact::Workbook(Workbook {
                sheets: vec![sheet],
            })
            .into(),
        },
        Op::Link {
            source: Ref::whole(vp("/Data/prices.csv")),
            dependent: Ref::parse("/Models/model.xlsx#Prices").unwrap(),
            kind: LinkKind::Import,
        },
        Op::Create {
            path: vp("/Reports/memo.docx"),
            artifact: Artifact::Document(memo).into(),
        },
        Op::Create {
            path: vp("/Decks/review.pptx"),
            artifact: Artifact::Deck(deck).into(),
        },
        Op::AdvanceClock { seconds: 3600 },
        Op::Export {
            source: vp("/Reports/memo.docx"),
            target: vp("/Reports/memo.pdf"),
            sheet: None,
        },
        Op::Create {
            path: vp("/Notes/todo.md"),
            artifact: Artifact::Text(Text {
                format: TextFormat::Markdown,
                content: "# To do\n\n- call Chen\n".into(),
            })
            .into(),
        },
        Op::Create {
            path: vp("/Misc/logo.bin"),
            artifact: Artifact::Binary(Binary {
                bytes: vec![0, 159, 146, 150, 255],
            })
            .into(),
        },
        Op::Create {
            path: vp("/Models/wide.csv"),
            artifact: Artifact::Workbook(Workbook { sheets: vec![wide] }).into(),
        },
        Op::Mkdir {
            path: vp("/Archive/2025"),
        },
        Op::SendEmail {
            path: vp("/Mail/Sent/q4.eml"),
            email: Email {
                from: Mailbox::new("Mei Chen", "mei@northbridge.example"),
                to: vec![Mailbox::new("Ann Chen", "ann@chen.example")],
                subject: "Your Q4 review".into(),
                message_id: "q4@northbridge.example".into(),
                body: vec![Paragraph::text("Attached are the review and the model.")],
                attachments: vec![vp("/Reports/memo.pdf"), vp("/Models/model.xlsx")],
                ..Email::default()
            },
        },
        Op::AdvanceClock { seconds: 86_400 },
        Op::Write {
            path: vp("/Data/prices.csv"),
            artifact: csv("Ticker,Close\nVTI,262\n").into(),
        },
    ];
    for op in ops {
        let out = ws.apply_as("setup", op.clone());
        assert!(out.is_applied(), "{op:?}: {:?}", out.diagnostics);
    }
    ws
}

/// Saves the rich world into `dir` and returns its file.
fn save_rich(dir: &Path) -> PathBuf {
    let p = dir.join("w.simdesk");
    std::fs::write(&p, rich_world().save().unwrap()).unwrap();
    p
}

/// Every file under `root` (relative path → bytes, mtime), symlinks not followed.
fn tree(root: &Path) -> BTreeMap<String, (Vec<u8>, std::time::SystemTime)> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            if m.is_dir() {
                stack.push(p.clone());
                out.insert(format!("{rel}/"), (Vec::new(), m.modified().unwrap()));
            } else {
                out.insert(rel, (std::fs::read(&p).unwrap(), m.modified().unwrap()));
            }
        }
    }
    out
}

fn secs(t: std::time::SystemTime) -> i64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .try_into()
        .unwrap()
}

fn manifest(root: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(root.join(".simdesk/manifest.json")).unwrap()).unwrap()
}

#[test]
fn export_writes_real_files_with_simulated_times_and_a_manifest() {
    let dir = TempDir::new("export");
    let d = &dir.0;
    save_rich(d);
    let out = ok(simdesk(d, &["export", "w.simdesk", "out"]));
    assert!(out.contains("exported 9 artifacts"), "{out}");
    let root = d.join("out");
    let files = tree(&root);
    let magic = |p: &str, m: &[u8]| {
        let (bytes, _) = files.get(p).unwrap_or_else(|| panic!("no {p}"));
        assert!(bytes.starts_with(m), "{p} starts with {:?}", &bytes[..8]);
    };
    magic("Models/model.xlsx", b"PK\x03\x04");
    magic("Models/wide.csv", b"PK\x03\x04"); // a workbook by kind
    magic("Reports/memo.docx", b"PK\x03\x04");
    magic("Decks/review.pptx", b"PK\x03\x04");
    magic("Reports/memo.pdf", b"%PDF-");
    magic("Data/prices.csv", b"Ticker,Close\nVTI,262\n");
    magic("Notes/todo.md", b"# To do");
    magic("Misc/logo.bin", &[0, 159, 146, 150, 255]);
    let eml = String::from_utf8_lossy(&files["Mail/Sent/q4.eml"].0).into_owned();
    assert!(eml.contains("Subject: Your Q4 review"), "{eml}");
    assert!(eml.contains("X-Simdesk-Path: /Reports/memo.pdf"), "{eml}");
    assert!(eml.contains("application/pdf"), "{eml}");
    assert!(
        !eml.contains("text/x-simdesk-ref"),
        "attachments carry bytes: {eml}"
    );
    assert!(
        files.contains_key("Archive/2025/"),
        "empty folders are kept"
    );

    let m = manifest(&root);
    assert_eq!(m["version"], 1);
    assert_eq!(m["persona"]["name"], "Mei Chen");
    assert_eq!(m["start"], "2026-01-05T09:00:00Z");
    assert_eq!(m["now"], "2026-01-06T10:00:00Z");
    let world = Workspace::load(&std::fs::read(d.join("w.simdesk")).unwrap()).unwrap();
    assert_eq!(m["state_hash"], world.state_hash().unwrap().as_str());
    let arts = m["artifacts"].as_array().unwrap();
    assert_eq!(arts.len(), 9);
    for a in arts {
        let path = a["path"].as_str().unwrap();
        let (bytes, mtime) = &files[&path[1..]];
        assert_eq!(
            a["blake3"].as_str().unwrap(),
            blake3::hash(bytes).to_hex().as_str()
        );
        let modified = SimTime::parse(a["modified_at"].as_str().unwrap()).unwrap();
        assert_eq!(secs(*mtime), modified.secs(), "mtime of {path}");
        assert_eq!(
            Some(modified),
            world.modified_at(&vp(path)),
            "modified_at of {path}"
        );
        assert_eq!(a["revision"], world.revision_of(&vp(path)).unwrap());
    }
    let kind_of = |p: &str| {
        arts.iter()
            .find(|a| a["path"] == p)
            .map(|a| (a["kind"].as_str().unwrap(), a["format"].as_str().unwrap()))
            .unwrap()
    };
    assert_eq!(kind_of("/Models/wide.csv"), ("workbook", "xlsx"));
    assert_eq!(kind_of("/Data/prices.csv"), ("text", "text"));
    assert_eq!(kind_of("/Mail/Sent/q4.eml"), ("email", "eml"));
    // The edit at the end left the import behind its source.
    let edges = m["edges"].as_array().unwrap();
    let import = edges
        .iter()
        .find(|e| e["kind"] == "import")
        .expect("import edge");
    assert_eq!(import["source"], "/Data/prices.csv");
    assert_eq!(import["policy"], "manual");
    assert_eq!(import["behind"], true);
    assert!(import["source_rev"].as_u64() > import["seen"].as_u64());
    assert!(edges.iter().any(|e| e["kind"] == "attachment"));
    assert!(edges.iter().any(|e| e["kind"] == "export"));
    // Folders and .simdesk files carry the world's clock.
    assert_eq!(
        secs(files[".simdesk/manifest.json"].1),
        SimTime::parse("2026-01-06T10:00:00Z").unwrap().secs()
    );
    assert_eq!(
        secs(files["Archive/"].1),
        secs(files[".simdesk/manifest.json"].1)
    );
    assert_eq!(
        secs(std::fs::metadata(&root).unwrap().modified().unwrap()),
        secs(files["Archive/"].1)
    );
    // Nothing left behind next to the target.
    let siblings: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(siblings.len(), 2, "{siblings:?}");
}

#[test]
fn export_twice_gives_identical_trees() {
    let dir = TempDir::new("export-twice");
    let d = &dir.0;
    save_rich(d);
    ok(simdesk(d, &["export", "w.simdesk", "a"]));
    ok(simdesk(d, &["export", "w.simdesk", "b"]));
    let (a, b) = (tree(&d.join("a")), tree(&d.join("b")));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for (k, (bytes, mtime)) in &a {
        assert!(bytes == &b[k].0, "{k} differs");
        assert_eq!(mtime, &b[k].1, "mtime of {k}");
    }
}

#[test]
fn non_empty_target_is_refused_without_force_and_replaced_with_it() {
    let dir = TempDir::new("export-force");
    let d = &dir.0;
    save_rich(d);
    std::fs::create_dir(d.join("out")).unwrap();
    std::fs::write(d.join("out/keep.txt"), "mine").unwrap();
    let out = simdesk(d, &["export", "w.simdesk", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("is not empty; pass --force"),
        "{}",
        text(&out)
    );
    assert_eq!(std::fs::read(d.join("out/keep.txt")).unwrap(), b"mine");
    // An empty folder is simply filled.
    std::fs::create_dir(d.join("empty")).unwrap();
    ok(simdesk(d, &["export", "w.simdesk", "empty"]));
    assert!(d.join("empty/.simdesk/manifest.json").is_file());

    ok(simdesk(d, &["export", "w.simdesk", "out", "--force"]));
    assert!(!d.join("out/keep.txt").exists());
    assert!(d.join("out/Models/model.xlsx").is_file());
    // A file in the way is never replaced.
    std::fs::write(d.join("file"), "x").unwrap();
    let out = simdesk(d, &["export", "w.simdesk", "file", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("is not a folder"), "{}", text(&out));
    let names: Vec<_> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(names.is_empty(), "no temporary folders left: {names:?}");
}

#[cfg(unix)]
#[test]
fn planted_symlinks_write_and_delete_nothing_outside() {
    let dir = TempDir::new("export-symlink");
    let d = &dir.0;
    save_rich(d);
    let outside = d.join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("precious.txt"), "keep").unwrap();
    // The target itself is a symlink: refused, even with --force.
    std::os::unix::fs::symlink(&outside, d.join("link")).unwrap();
    for args in [
        &["export", "w.simdesk", "link"][..],
        &["export", "w.simdesk", "link", "--force"][..],
    ] {
        let out = simdesk(d, args);
        assert_eq!(out.status.code(), Some(2), "{}", text(&out));
        assert!(text(&out).contains("symbolic link"), "{}", text(&out));
    }
    // A symlink planted inside the target: --force replaces the tree and
    // removes the link, never what it points to.
    std::fs::create_dir_all(d.join("out/Models")).unwrap();
    std::os::unix::fs::symlink(&outside, d.join("out/Models/model.xlsx")).unwrap();
    std::os::unix::fs::symlink(&outside, d.join("out/Reports")).unwrap();
    ok(simdesk(d, &["export", "w.simdesk", "out", "--force"]));
    assert!(
        std::fs::symlink_metadata(d.join("out/Reports"))
            .unwrap()
            .is_dir()
    );
    assert!(
        std::fs::symlink_metadata(d.join("out/Models/model.xlsx"))
            .unwrap()
            .is_file()
    );
    let left: Vec<_> = std::fs::read_dir(&outside)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(left, vec![std::ffi::OsString::from("precious.txt")]);
    assert_eq!(
        std::fs::read(outside.join("precious.txt")).unwrap(),
        b"keep"
    );
    assert!(
        std::fs::read_link(d.join("link")).is_ok(),
        "the link is untouched"
    );
}

#[test]
fn demo_world_round_trips_with_the_same_state_hash() {
    let dir = TempDir::new("demo-trip");
    let d = &dir.0;
    ok(simdesk(d, &["demo", "--save", "demo.simdesk"]));
    let exported = state_of(&ok(simdesk(d, &["export", "demo.simdesk", "out"])));
    let imported = ok(simdesk(d, &["import", "out", "--out", "back.simdesk"]));
    assert!(
        imported.contains("4 artifacts (4 unchanged, 0 written, 0 created)"),
        "{imported}"
    );
    assert_eq!(state_of(&imported), exported);
    // The world files themselves agree too (same state and trajectory).
    assert_eq!(
        std::fs::read(d.join("back.simdesk")).unwrap(),
        std::fs::read(d.join("demo.simdesk")).unwrap()
    );
}

#[test]
fn rich_world_round_trips_with_the_same_state_hash() {
    let dir = TempDir::new("rich-trip");
    let d = &dir.0;
    save_rich(d);
    let exported = state_of(&ok(simdesk(d, &["export", "w.simdesk", "out"])));
    let imported = ok(simdesk(d, &["import", "out", "--out", "back.simdesk"]));
    assert_eq!(state_of(&imported), exported);
    assert!(imported.contains("0 skipped"), "{imported}");
    // An existing world file is not overwritten without --force.
    let again = simdesk(d, &["import", "out", "--out", "back.simdesk"]);
    assert_eq!(again.status.code(), Some(2));
    ok(simdesk(
        d,
        &["import", "out", "--out", "back.simdesk", "--force"],
    ));
}

/// The import events of a world, as (op name, path) pairs.
fn import_events(d: &Path, world: &str) -> Vec<(String, String)> {
    let log = ok(simdesk(d, &["log", world, "--json"]));
    log.lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|e| e["actor"] == "import")
        .map(|e| {
            (
                e["op"]["op"].as_str().unwrap().to_owned(),
                e["op"]["path"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[test]
fn an_edited_file_becomes_exactly_one_write() {
    let dir = TempDir::new("edit");
    let d = &dir.0;
    save_rich(d);
    let before = state_of(&ok(simdesk(d, &["export", "w.simdesk", "out"])));
    std::fs::write(
        d.join("out/Notes/todo.md"),
        "# To do\n\n- call Chen\n- send fees\n",
    )
    .unwrap();
    let out = ok(simdesk(d, &["import", "out", "--out", "back.simdesk"]));
    assert!(out.contains("(8 unchanged, 1 written, 0 created)"), "{out}");
    assert_ne!(state_of(&out), before);
    assert_eq!(
        import_events(d, "back.simdesk"),
        vec![("write".to_owned(), "/Notes/todo.md".to_owned())]
    );
    let cat = ok(simdesk(d, &["cat", "back.simdesk", "/Notes/todo.md"]));
    assert!(cat.contains("send fees"), "{cat}");

    // A changed office file is read back in the format it was written in,
    // even under a name that says otherwise; the world learns of the change.
    std::fs::copy(
        d.join("out/Models/model.xlsx"),
        d.join("out/Models/wide.csv"),
    )
    .unwrap();
    std::fs::remove_file(d.join("out/Decks/review.pptx")).unwrap();
    std::fs::write(d.join("out/Notes/new.txt"), "fresh").unwrap();
    let out = ok(simdesk(
        d,
        &["import", "out", "--out", "back.simdesk", "--force"],
    ));
    assert_eq!(
        import_events(d, "back.simdesk"),
        vec![
            ("delete".to_owned(), "/Decks/review.pptx".to_owned()),
            ("create".to_owned(), "/Notes/new.txt".to_owned()),
            ("write".to_owned(), "/Models/wide.csv".to_owned()),
            ("write".to_owned(), "/Notes/todo.md".to_owned()),
        ],
        "{out}"
    );
    let cat = ok(simdesk(d, &["cat", "back.simdesk", "/Models/wide.csv"]));
    assert!(cat.contains("Summary"), "{cat}");
}

#[test]
fn a_tampered_snapshot_is_refused() {
    let dir = TempDir::new("tamper");
    let d = &dir.0;
    save_rich(d);
    ok(simdesk(d, &["export", "w.simdesk", "out"]));
    let snap = d.join("out/.simdesk/world.snapshot");
    let mut bytes = std::fs::read(&snap).unwrap();
    let n = bytes.len();
    bytes.truncate(n - 10);
    std::fs::write(&snap, bytes).unwrap();
    let out = simdesk(d, &["import", "out", "--out", "back.simdesk"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("does not match the manifest"),
        "{}",
        text(&out)
    );
    assert!(!d.join("back.simdesk").exists());
}

/// `ls` lines as (path, kind).
fn kinds(d: &Path, world: &str) -> BTreeMap<String, String> {
    let out = ok(simdesk(d, &["log", world, "--json"]));
    let mut m = BTreeMap::new();
    for l in out.lines() {
        let e: serde_json::Value = serde_json::from_str(l).unwrap();
        if e["op"]["op"] == "create" && e["outcome"] == "applied" {
            m.insert(
                e["op"]["path"].as_str().unwrap().to_owned(),
                e["op"]["artifact"]["kind"].as_str().unwrap().to_owned(),
            );
        }
    }
    m
}

#[test]
fn a_folder_without_manifest_becomes_a_world_of_its_files() {
    let dir = TempDir::new("plain");
    let d = &dir.0;
    save_rich(d);
    ok(simdesk(d, &["export", "w.simdesk", "out"]));
    std::fs::remove_dir_all(d.join("out/.simdesk")).unwrap();
    std::fs::write(d.join("out/Misc/notes.txt"), "plain text").unwrap();
    std::fs::write(d.join("out/Misc/data.json"), "{\"a\": 1}").unwrap();
    let out = ok(simdesk(
        d,
        &["import", "out", "--out", "plain.simdesk", "--name", "Ana"],
    ));
    assert!(out.contains("without a manifest: 11 artifacts"), "{out}");
    assert!(out.contains("0 skipped"), "{out}");
    let k = kinds(d, "plain.simdesk");
    let expect = [
        ("/Data/prices.csv", "text"),
        ("/Decks/review.pptx", "deck"),
        ("/Mail/Sent/q4.eml", "email"),
        ("/Misc/data.json", "text"),
        ("/Misc/logo.bin", "binary"),
        ("/Misc/notes.txt", "text"),
        ("/Models/model.xlsx", "workbook"),
        ("/Models/wide.csv", "workbook"), // xlsx bytes, found by content
        ("/Notes/todo.md", "text"),
        ("/Reports/memo.docx", "document"),
        ("/Reports/memo.pdf", "pdf"),
    ];
    assert_eq!(
        k.iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect::<Vec<_>>(),
        expect,
        "{out}"
    );
    // A folder gone from disk is deleted from the world.
    std::fs::remove_dir_all(d.join("out/Archive")).unwrap();
    ok(simdesk(d, &["export", "w.simdesk", "out2"]));
    std::fs::remove_dir_all(d.join("out2/Archive")).unwrap();
    ok(simdesk(d, &["import", "out2", "--out", "gone.simdesk"]));
    assert_eq!(
        import_events(d, "gone.simdesk"),
        vec![
            ("delete".to_owned(), "/Archive/2025".to_owned()),
            ("delete".to_owned(), "/Archive".to_owned()),
        ]
    );
    let ls = ok(simdesk(d, &["ls", "plain.simdesk"]));
    assert!(ls.contains("2025/"), "empty folders come back: {ls}");
    let cat = ok(simdesk(d, &["cat", "plain.simdesk", "/Reports/memo.docx"]));
    assert!(cat.contains("Q4 review"), "{cat}");
}

#[test]
fn an_email_from_elsewhere_brings_its_attachments() {
    let dir = TempDir::new("mail");
    let d = &dir.0;
    save_rich(d);
    ok(simdesk(d, &["export", "w.simdesk", "out"]));
    // Only the message: its attachments come back from its parts.
    std::fs::create_dir(d.join("inbox")).unwrap();
    std::fs::copy(d.join("out/Mail/Sent/q4.eml"), d.join("inbox/q4.eml")).unwrap();
    let out = ok(simdesk(d, &["import", "inbox", "--out", "mail.simdesk"]));
    let k = kinds(d, "mail.simdesk");
    assert_eq!(
        k.get("/Reports/memo.pdf").map(String::as_str),
        Some("pdf"),
        "{out}"
    );
    assert_eq!(
        k.get("/Models/model.xlsx").map(String::as_str),
        Some("workbook"),
        "{out}"
    );
    assert_eq!(k.get("/q4.eml").map(String::as_str), Some("email"), "{out}");
}

/// A zip whose one entry inflates far past any sane ratio.
fn zip_bomb() -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    w.start_file("xl/worksheets/sheet1.xml", opts).unwrap();
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..16 {
        w.write_all(&zeros).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[cfg(unix)]
#[test]
fn a_hostile_folder_is_reported_not_fatal() {
    let dir = TempDir::new("hostile");
    let d = &dir.0;
    let h = d.join("in");
    std::fs::create_dir_all(h.join("sub")).unwrap();
    std::fs::write(h.join("a:b.txt"), "bad name").unwrap();
    std::fs::write(h.join("aux.txt"), "reserved name").unwrap();
    std::fs::write(h.join("bomb.xlsx"), zip_bomb()).unwrap();
    std::fs::write(h.join("empty.docx"), b"").unwrap();
    std::fs::write(h.join("latin1.txt"), b"caf\xe9").unwrap();
    std::fs::write(h.join("sub/good.md"), "# fine").unwrap();
    std::fs::write(h.join("blob.dat"), [1u8, 2, 3]).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", h.join("passwd.txt")).unwrap();
    std::os::unix::fs::symlink("/etc", h.join("etc")).unwrap();
    let fifo = std::process::Command::new("mkfifo")
        .arg(h.join("pipe.txt"))
        .status()
        .is_ok_and(|s| s.success());

    let out = simdesk(d, &["import", "in", "--out", "h.simdesk"]);
    let t = text(&out);
    // Files that could not be read: exit 2, each named on stderr.
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("skipped "),
        "{t}"
    );
    for (path, reason) in [
        ("a:b.txt", "cannot be a world path: character reserved"),
        ("aux.txt", "name reserved on Windows"),
        ("bomb.xlsx", "limit exceeded"),
        ("empty.docx", "malformed docx file"),
        ("latin1.txt", "not UTF-8"),
        ("passwd.txt", "symbolic link"),
        ("etc", "symbolic link"),
    ] {
        let line = t
            .lines()
            .find(|l| l.contains(&format!("skipped {path}:")))
            .unwrap_or_else(|| panic!("{path} not reported: {t}"));
        assert!(line.contains(reason), "{line}");
    }
    if fifo {
        assert!(t.contains("skipped pipe.txt: not a regular file"), "{t}");
    }
    let k = kinds(d, "h.simdesk");
    assert_eq!(
        k.keys().map(String::as_str).collect::<Vec<_>>(),
        ["/blob.dat", "/sub/good.md"],
        "{t}"
    );

    // Kept as binaries on request.
    let out = simdesk(
        d,
        &["import", "in", "--out", "k.simdesk", "--keep-unreadable"],
    );
    let t = text(&out);
    assert!(t.contains("note bomb.xlsx: kept as binary"), "{t}");
    let k = kinds(d, "k.simdesk");
    assert_eq!(
        k.get("/bomb.xlsx").map(String::as_str),
        Some("binary"),
        "{t}"
    );
    assert_eq!(
        k.get("/empty.docx").map(String::as_str),
        Some("binary"),
        "{t}"
    );
}

#[test]
fn limits_are_checked_before_reading() {
    let dir = TempDir::new("limits");
    let d = &dir.0;
    std::fs::create_dir(d.join("in")).unwrap();
    for i in 0..5 {
        std::fs::write(d.join(format!("in/{i}.txt")), "0123456789").unwrap();
    }
    let out = simdesk(
        d,
        &["import", "in", "--out", "w.simdesk", "--max-files", "3"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("more than 3 files"), "{}", text(&out));
    let out = simdesk(
        d,
        &["import", "in", "--out", "w.simdesk", "--max-bytes", "25"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).contains("more than 25 bytes"), "{}", text(&out));
    assert!(!d.join("w.simdesk").exists());
    ok(simdesk(d, &["import", "in", "--out", "w.simdesk"]));
}

#[test]
fn a_world_holding_the_manifest_folder_is_refused() {
    // The engine refuses the folder an export keeps its manifest in, so no
    // world can hold it and no export can be asked to overwrite it.
    let mut ws = rich_world();
    let before = ws.state_hash().unwrap();
    let out = ws.apply(Op::Mkdir {
        path: vp("/.simdesk"),
    });
    assert!(!out.is_applied());
    assert!(
        out.diagnostics[0].message.contains("reserved"),
        "{:?}",
        out.diagnostics
    );
    assert_eq!(ws.state_hash().unwrap(), before);
}

/// Opens every file of an exported world with readers nobody here wrote:
/// openpyxl (formula cells carry cached values), python-docx, python-pptx,
/// pypdf, Python's email parser, and `qpdf --check`. Skipped when Python or
/// the libraries are missing (`.ci/run` installs them).
#[test]
fn third_party_readers_open_an_exported_world() {
    const CHECK: &str = r#"
import sys, os, email, email.policy, subprocess, shutil
import openpyxl, docx, pptx, pypdf
root = sys.argv[1]
seen = set()
for dirpath, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if d != ".simdesk"]
    for f in files:
        p = os.path.join(dirpath, f)
        with open(p, "rb") as h:
            head = h.read(5)
        ext = f.rsplit(".", 1)[-1]
        if head.startswith(b"PK") and (ext in ("xlsx", "csv")):
            # A file object: openpyxl refuses a `.csv` name by extension.
            wb = openpyxl.load_workbook(open(p, "rb"), data_only=True)
            wf = openpyxl.load_workbook(open(p, "rb"))
            for ws in wf.worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        if isinstance(c.value, str) and c.value.startswith("="):
                            v = wb[ws.title][c.coordinate].value
                            assert v is not None, (p, c.coordinate, "no cached value")
            seen.add("xlsx")
        elif ext == "docx":
            assert docx.Document(p).paragraphs, p
            seen.add("docx")
        elif ext == "pptx":
            assert len(pptx.Presentation(p).slides) > 0, p
            seen.add("pptx")
        elif ext == "pdf":
            r = pypdf.PdfReader(p)
            assert "".join(pg.extract_text() for pg in r.pages).strip(), p
            if shutil.which("qpdf"):
                subprocess.run(["qpdf", "--check", p], check=True, capture_output=True)
            seen.add("pdf")
        elif ext == "eml":
            with open(p, "rb") as h:
                m = email.message_from_binary_file(h, policy=email.policy.default)
            names = [a.get_filename() for a in m.iter_attachments()]
            assert names == ["memo.pdf", "model.xlsx"], names
            for a in m.iter_attachments():
                assert len(a.get_content()) > 100, a.get_filename()
            seen.add("eml")
assert seen == {"xlsx", "docx", "pptx", "pdf", "eml"}, seen
print("third-party readers: ok", sorted(seen))
"#;
    let probe = std::process::Command::new("python3")
        .args(["-c", "import openpyxl, docx, pptx, pypdf"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: python3 with openpyxl, python-docx, python-pptx, pypdf not found");
        return;
    }
    let dir = TempDir::new("third-party");
    let d = &dir.0;
    save_rich(d);
    ok(simdesk(d, &["export", "w.simdesk", "out"]));
    let out = std::process::Command::new("python3")
        .args(["-c", CHECK])
        .arg(d.join("out"))
        .output()
        .expect("run python3");
    assert!(out.status.success(), "{}", text(&out));
}
