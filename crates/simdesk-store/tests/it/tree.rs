//! Export, import and template folders on a real disk.

use expect_test::expect;
use simdesk_model::{Op, TextFormat};
use simdesk_store::{ImportOptions, StoreError, export_world, import_dir, load_templates_dir};

use crate::{TempDir, apply, empty, text, vp};

fn small_world() -> simdesk_engine::Workspace {
    let mut ws = empty();
    apply(
        &mut ws,
        vec![
            Op::Create {
                path: vp("/Data/prices.csv"),
                artifact: text(TextFormat::Csv, "Ticker,Close\nVTI,250\n").into(),
            },
            Op::Mkdir { path: vp("/Empty") },
        ],
    );
    ws
}

#[test]
fn the_manifest_of_a_small_world() {
    let dir = TempDir::new("manifest");
    let ws = small_world();
    export_world(&ws, &dir.join("tree"), false).unwrap();
    let manifest = std::fs::read_to_string(dir.join("tree/.simdesk/manifest.json")).unwrap();
    let snapshot_digest = blake3::hash(&ws.save().unwrap()).to_hex().to_string();
    let manifest = manifest.replace(&snapshot_digest, "<snapshot digest>");
    expect![[r#"
        {
          "format": "simdesk-manifest",
          "version": 1,
          "persona": {
            "name": "Mei Chen",
            "email": "",
            "role": "",
            "employer": ""
          },
          "start": "2026-01-05T09:00:00Z",
          "now": "2026-01-05T09:00:00Z",
          "revision": 2,
          "state_hash": "3575f23c7b385f1131b8e83baab53d5fd5f16e81393f1b7b5dd258bda078eda6",
          "snapshot": {
            "path": ".simdesk/world.snapshot",
            "bytes": 906,
            "blake3": "<snapshot digest>"
          },
          "folders": [
            "/Data",
            "/Empty"
          ],
          "artifacts": [
            {
              "path": "/Data/prices.csv",
              "kind": "text",
              "format": "text",
              "revision": 1,
              "modified_at": "2026-01-05T09:00:00Z",
              "bytes": 21,
              "blake3": "bf451f7549856947fe1eef535923282b41a2b963db2ef3d76247dbef221269f0"
            }
          ],
          "edges": []
        }
    "#]]
    .assert_eq(&manifest);
}

#[test]
fn an_unchanged_export_imports_to_the_same_world() {
    let dir = TempDir::new("round");
    let ws = small_world();
    let r = export_world(&ws, &dir.join("tree"), false).unwrap();
    let back = import_dir(&dir.join("tree"), &ImportOptions::default()).unwrap();
    assert!(back.with_manifest);
    assert_eq!((back.kept, back.skipped.len()), (1, 0));
    assert_eq!(back.world.state_hash().unwrap(), r.state_hash);
}

#[test]
fn a_full_target_is_refused_with_its_path() {
    let dir = TempDir::new("full");
    std::fs::create_dir_all(dir.join("tree")).unwrap();
    std::fs::write(dir.join("tree/keep.txt"), "mine").unwrap();
    let e = export_world(&small_world(), &dir.join("tree"), false).unwrap_err();
    assert!(matches!(&e, StoreError::NotEmpty { path } if path == &dir.join("tree")));
    assert_eq!(std::fs::read(dir.join("tree/keep.txt")).unwrap(), b"mine");
}

#[test]
fn a_template_folder_is_read_from_disk() {
    let dir = TempDir::new("templates");
    for (rel, content) in simdesk_gen::embedded_files() {
        if let Some(rest) = rel.strip_prefix("paralegal/") {
            let p = dir.join("insurance-adjuster").join(rest);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(
                p,
                content.replace("Litigation paralegal", "Claims adjuster"),
            )
            .unwrap();
        }
    }
    let loaded = load_templates_dir(&dir.0).unwrap();
    assert_eq!(loaded.len(), 1);
    assert_eq!(loaded[0].id, "insurance-adjuster");
    let e = load_templates_dir(&dir.join("missing")).unwrap_err();
    assert!(matches!(e, StoreError::Io { action: "list", .. }), "{e}");

    // An editor's byte-order mark in front of pack.toml is accepted.
    let pack = dir.join("insurance-adjuster/pack.toml");
    let text = std::fs::read(&pack).unwrap();
    std::fs::write(&pack, [&b"\xef\xbb\xbf"[..], &text].concat()).unwrap();
    let loaded = load_templates_dir(&dir.0).unwrap();
    assert_eq!(loaded[0].id, "insurance-adjuster");

    // A file past the cap is refused by its size, before it is read.
    let big = dir.join("insurance-adjuster/huge.j2");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(simdesk_store::MAX_TEMPLATE_FILE_BYTES + 1)
        .unwrap();
    let e = load_templates_dir(&dir.0).unwrap_err();
    assert!(
        matches!(&e, StoreError::TooLarge { path, limit, .. }
            if path == &big && *limit == simdesk_store::MAX_TEMPLATE_FILE_BYTES),
        "{e}"
    );
}
