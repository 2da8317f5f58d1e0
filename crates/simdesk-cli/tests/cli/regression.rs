//! Regression tests, each named after the bug it pins (issue 17's disk
//! safety items).

use std::path::Path;
use std::process::{Command, Stdio};

use expect_test::expect;

use crate::{TempDir, simdesk};

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).replace('\\', "/")
}

/// A small world with one file, saved as `w.simdesk` under `d`.
fn small_world(d: &Path) {
    assert!(simdesk(d, &["new", "w.simdesk"]).status.success());
    apply_ops(
        d,
        "ops.jsonl",
        "{\"op\":\"create\",\"path\":\"/Notes/a.md\",\"artifact\":{\"kind\":\"text\",\"format\":\"markdown\",\"content\":\"# A\\n\"}}\n",
    );
}

/// Writes `lines` to the op file `name` under `d` and applies it to
/// `w.simdesk`, which must succeed.
fn apply_ops(d: &Path, name: &str, lines: &str) {
    std::fs::write(d.join(name), lines).unwrap();
    let out = simdesk(d, &["apply", "w.simdesk", name]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn regression_export_with_force_into_the_folder_of_its_world_deleted_it() {
    let dir = TempDir::new("self-export");
    let d = &dir.0;
    std::fs::create_dir(d.join("self")).unwrap();
    small_world(&d.join("self"));
    let before = std::fs::read(d.join("self/w.simdesk")).unwrap();
    let out = simdesk(d, &["export", "self/w.simdesk", "self", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    expect![[r#"
        error: self/w.simdesk is inside self, which the export would replace; export somewhere else
    "#]]
    .assert_eq(&stderr(&out));
    assert_eq!(std::fs::read(d.join("self/w.simdesk")).unwrap(), before);
    // Through another spelling of the same folder too.
    let out = simdesk(
        d,
        &["export", "self/w.simdesk", "./self/../self", "--force"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(d.join("self/w.simdesk")).unwrap(), before);
}

#[test]
fn regression_killed_exports_left_hidden_folders_forever() {
    let dir = TempDir::new("leftovers");
    let d = &dir.0;
    small_world(d);
    // What killed exports of `out` leave: process ids no system hands out.
    for name in [
        ".out.simdesk-export-4294967295-0",
        ".out.simdesk-old-4294967295-3",
    ] {
        std::fs::create_dir_all(d.join(name).join("Notes")).unwrap();
        std::fs::write(d.join(name).join("Notes/a.md"), "old").unwrap();
    }
    // Not an export's leftover: kept.
    std::fs::create_dir(d.join(".out.simdesk-export-mine")).unwrap();
    assert!(simdesk(d, &["export", "w.simdesk", "out"]).status.success());
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".out.simdesk-export-mine", "ops.jsonl", "out", "w.simdesk"]
    );
}

#[test]
fn regression_force_export_left_dir_missing_between_two_renames() {
    let dir = TempDir::new("swap");
    let d = &dir.0;
    small_world(d);
    assert!(simdesk(d, &["export", "w.simdesk", "out"]).status.success());
    std::fs::write(d.join("out/stray.txt"), "replaced").unwrap();
    assert!(
        simdesk(d, &["export", "w.simdesk", "out", "--force"])
            .status
            .success()
    );
    // The new tree is in place and nothing is left beside it (on Linux
    // the trees swapped in one step; see the store's `exchange` test).
    assert!(!d.join("out/stray.txt").exists());
    assert!(d.join("out/Notes/a.md").is_file());
    let hidden = std::fs::read_dir(d)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with('.')
        })
        .count();
    assert_eq!(hidden, 0);
}

#[test]
fn regression_generate_into_an_existing_output_overwrote_its_index() {
    let dir = TempDir::new("gen-again");
    let d = &dir.0;
    let generate = |extra: &[&str]| {
        let mut args = vec![
            "generate",
            "--template",
            "paralegal",
            "--seed",
            "2",
            "--out",
            "g",
        ];
        args.extend(extra);
        simdesk(d, &args)
    };
    assert!(generate(&[]).status.success());
    let index = std::fs::read(d.join("g/index.jsonl")).unwrap();
    std::fs::write(d.join("g/index.jsonl"), b"{\"mine\":1}\n").unwrap();
    let again = generate(&[]);
    assert_eq!(again.status.code(), Some(2));
    expect![[r#"
        error: g/index.jsonl exists; pass --force to overwrite it
    "#]]
    .assert_eq(&stderr(&again));
    assert_eq!(
        std::fs::read(d.join("g/index.jsonl")).unwrap(),
        b"{\"mine\":1}\n"
    );
    assert!(generate(&["--force"]).status.success());
    assert_eq!(std::fs::read(d.join("g/index.jsonl")).unwrap(), index);
}

#[test]
fn regression_output_into_a_closed_pipe_panicked() {
    let dir = TempDir::new("pipe");
    let d = &dir.0;
    small_world(d);
    for args in [&["log", "w.simdesk", "--json"][..], &["ls", "w.simdesk"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_simdesk"))
            .args(args)
            .current_dir(d)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before reading anything (`| head -0`).
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(stderr(&out), "", "{args:?}");
        assert_eq!(out.status.code(), Some(0), "{args:?}");
    }
}

#[test]
fn regression_import_exited_1_with_skip_reasons_on_stdout() {
    let dir = TempDir::new("skips");
    let d = &dir.0;
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(d.join("in/ok.md"), "# fine").unwrap();
    std::fs::write(d.join("in/broken.docx"), "not a zip").unwrap();
    let out = simdesk(d, &["import", "in", "--out", "w.simdesk"]);
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let kept: Vec<&str> = stdout
        .lines()
        .filter(|l| !l.starts_with("state "))
        .collect();
    assert_eq!(
        kept,
        [
            "imported in without a manifest: 1 artifacts in 0 folders, 0 inferred links",
            "1 skipped",
            "saved w.simdesk"
        ]
    );
    expect![[r#"
        skipped broken.docx: malformed docx file: not a zip package: 9 bytes, too short
    "#]]
    .assert_eq(&stderr(&out));
    assert!(d.join("w.simdesk").is_file(), "the others are saved");
}

#[test]
fn regression_byte_order_mark_refused_in_specs_and_op_files() {
    let dir = TempDir::new("bom");
    let d = &dir.0;
    assert!(simdesk(d, &["new", "w.simdesk"]).status.success());
    apply_ops(
        d,
        "ops.jsonl",
        "\u{feff}{\"op\":\"mkdir\",\"path\":\"/Clients\"}\n",
    );
    // A generated spec, saved by an editor that writes a BOM.
    assert!(
        simdesk(d, &["generate", "--template", "paralegal", "--out", "g"])
            .status
            .success()
    );
    let comp = std::fs::read_dir(d.join("g"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let mut spec = "\u{feff}".as_bytes().to_vec();
    spec.extend(std::fs::read(comp.join("grading/spec.json")).unwrap());
    std::fs::write(d.join("bom.json"), spec).unwrap();
    let out = simdesk(d, &["build", "bom.json", "--out", "built"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Runs the binary with stdout and stderr both going into a pipe nobody
/// reads (closed before the command starts, so nothing races); returns
/// its exit code (101 is a panic).
fn into_a_closed_pipe(d: &Path, args: &[&str]) -> Option<i32> {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(env!("CARGO_BIN_EXE_simdesk"))
        .args(args)
        .current_dir(d)
        .stdin(Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .status()
        .unwrap()
        .code()
}

#[test]
fn regression_warnings_into_a_closed_stderr_panicked() {
    let dir = TempDir::new("stderr-pipe");
    let d = &dir.0;
    small_world(d);
    // A workbook the model writes as .xlsx: export warns on stderr before
    // its summary (`simdesk export … 2>&1 | head -0`).
    apply_ops(
        d,
        "xlsm.jsonl",
        "{\"op\":\"create\",\"path\":\"/a.xlsm\",\"artifact\":{\"kind\":\"workbook\",\"sheets\":[{\"name\":\"S\",\"cells\":{}}]}}\n",
    );
    assert_eq!(
        into_a_closed_pipe(d, &["export", "w.simdesk", "out"]),
        Some(0)
    );
    assert!(d.join("out/a.xlsx").is_file(), "the export is done");
    // An error message: still exit 2, not a panic.
    assert_eq!(into_a_closed_pipe(d, &["ls", "missing.simdesk"]), Some(2));
    // Skip reasons into a closed stderr (stdout read): the world of the
    // others is saved and the exit code is 2 for the file not read.
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(d.join("in/ok.md"), "# fine").unwrap();
    std::fs::write(d.join("in/broken.docx"), "not a zip").unwrap();
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_simdesk"))
        .args(["import", "in", "--out", "i.simdesk"])
        .current_dir(d)
        .stderr(writer)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(d.join("i.simdesk").is_file());
}

#[test]
fn regression_killed_saves_left_hidden_temp_files_forever() {
    let dir = TempDir::new("save-leftovers");
    let d = &dir.0;
    small_world(d);
    // What saves of `w.simdesk` killed before their rename leave: process
    // ids no system hands out.
    for name in [".w.simdesk.tmp4294967295-0", ".w.simdesk.tmp4294967294-7"] {
        std::fs::write(d.join(name), "half a world").unwrap();
    }
    // Not a killed save's leftover: kept.
    std::fs::write(d.join(".w.simdesk.tmp-mine"), "mine").unwrap();
    std::fs::create_dir(d.join(".w.simdesk.tmp4294967295-1")).unwrap();
    apply_ops(d, "ops.jsonl", "{\"op\":\"mkdir\",\"path\":\"/More\"}\n");
    let mut names: Vec<String> = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ".w.simdesk.tmp-mine",
            ".w.simdesk.tmp4294967295-1",
            "ops.jsonl",
            "w.simdesk"
        ]
    );
}

#[test]
fn regression_byte_order_mark_refused_in_a_trajectory_to_mine() {
    let dir = TempDir::new("bom-mine");
    let d = &dir.0;
    small_world(d);
    let log = simdesk(d, &["log", "w.simdesk", "--json"]);
    assert!(log.status.success());
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(&log.stdout);
    std::fs::write(d.join("t.jsonl"), bytes).unwrap();
    let out = simdesk(d, &["mine", "t.jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).lines().next(),
        Some("0 mistake(s) in 1 event(s)")
    );
}

/// A workbook calamine refuses: its `<sheet>` names relationship `rId9`,
/// which the workbook's relationships do not hold.
fn workbook_with_a_dangling_sheet() -> Vec<u8> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    for (name, xml) in [
        (
            "[Content_Types].xml",
            "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
             <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
             <Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>"
                .to_owned(),
        ),
        (
            "_rels/.rels",
            format!(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{rel}/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
                 <Relationship Id=\"rId1\" Type=\"{rel}/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"{rel}\">\
                 <sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/>\
                 <sheet name=\"T\" sheetId=\"2\" r:id=\"rId9\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">\
             <sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData></worksheet>"
                .to_owned(),
        ),
    ] {
        w.start_file(name, opts).unwrap();
        w.write_all(xml.as_bytes()).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn regression_skip_reasons_dropped_the_readers_cause() {
    let dir = TempDir::new("skip-cause");
    let d = &dir.0;
    std::fs::create_dir(d.join("in")).unwrap();
    std::fs::write(d.join("in/dangling.xlsx"), workbook_with_a_dangling_sheet()).unwrap();
    // A document whose XML the reader refuses: the reason said only
    // "malformed docx file: word/document.xml".
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, xml) in [
        ("[Content_Types].xml", "<Types/>"),
        ("word/document.xml", "<w:document><w:body><w:p></w:body>"),
    ] {
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, xml.as_bytes()).unwrap();
    }
    std::fs::write(d.join("in/ill.docx"), w.finish().unwrap().into_inner()).unwrap();
    let out = simdesk(d, &["import", "in", "--out", "w.simdesk"]);
    assert_eq!(out.status.code(), Some(2));
    // Was "skipped dangling.xlsx: malformed xlsx file: workbook", without
    // what is wrong with it.
    expect![[r#"
        skipped dangling.xlsx: malformed xlsx file: xl/workbook.xml: sheet "T" names relationship "rId9", which xl/_rels/workbook.xml.rels does not hold
        skipped ill.docx: malformed docx file: word/document.xml: ill-formed document: expected `</w:p>`, but `</w:body>` was found
    "#]].assert_eq(&stderr(&out));
}
