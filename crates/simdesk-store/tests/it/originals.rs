//! The bytes of imported files: an unchanged file exported byte for byte,
//! a changed one written from the model with a warning, the originals file
//! beside a world (issue 17).

use std::io::{Cursor, Write as _};

use simdesk_formats::{ExportOptions, Format, export};
use simdesk_model::{Artifact, Cell, CellAddr, Op, Sheet, Workbook};
use simdesk_store::{
    ExportSettings, ImportOptions, Originals, StoreError, export_world_with, import_dir,
    load_originals, originals_path, save_originals,
};

use crate::{TempDir, vp};

/// A workbook package with what no simdesk export would write: an image
/// part (the model holds no images) and an extra part.
fn foreign_xlsx() -> Vec<u8> {
    let mut s = Sheet::new("S");
    s.cells.insert(CellAddr::new(0, 0), Cell::value(1.0));
    let ours = export(
        &Artifact::Workbook(Workbook { sheets: vec![s] }),
        Format::Xlsx,
        &ExportOptions::default(),
    )
    .unwrap();
    let mut src = zip::ZipArchive::new(Cursor::new(ours)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..src.len() {
        out.raw_copy_file(src.by_index_raw(i).unwrap()).unwrap();
    }
    let opts = zip::write::SimpleFileOptions::default();
    out.start_file("xl/media/image1.png", opts).unwrap();
    out.write_all(b"\x89PNG not really").unwrap();
    out.finish().unwrap().into_inner()
}

#[test]
fn an_unchanged_file_is_exported_byte_for_byte_and_a_changed_one_warns() {
    let dir = TempDir::new("originals");
    std::fs::create_dir(dir.join("in")).unwrap();
    let bytes = foreign_xlsx();
    std::fs::write(dir.join("in/book.xlsx"), &bytes).unwrap();
    let r = import_dir(&dir.join("in"), &ImportOptions::default()).unwrap();
    assert_eq!(r.originals.len(), 1);
    let o = r.originals.get(&vp("/book.xlsx")).unwrap();
    assert_eq!(o.unmodelled.to_string(), "1 image");

    let export_to = |ws: &simdesk_engine::Workspace, name: &str, o: &Originals| {
        export_world_with(
            ws,
            &dir.join(name),
            &ExportSettings {
                originals: Some(o),
                ..ExportSettings::default()
            },
        )
        .unwrap()
    };
    let rep = export_to(&r.world, "out", &r.originals);
    assert!(rep.warnings.is_empty(), "{:?}", rep.warnings);
    assert_eq!(std::fs::read(dir.join("out/book.xlsx")).unwrap(), bytes);
    // Without the originals the model's own bytes are written.
    let plain =
        export_world_with(&r.world, &dir.join("plain"), &ExportSettings::default()).unwrap();
    assert!(plain.warnings.is_empty());
    assert_ne!(std::fs::read(dir.join("plain/book.xlsx")).unwrap(), bytes);

    let mut ws = r.world.clone();
    let op: Op = serde_json::from_str(
        r#"{"op":"set_cells","path":"/book.xlsx","sheet":"S","cells":[{"cell":"B1","value":{"number":2}}]}"#,
    )
    .unwrap();
    let out = ws.apply(op);
    assert!(out.is_applied(), "{:?}", out.diagnostics);
    let rep = export_to(&ws, "changed", &r.originals);
    assert_eq!(rep.warnings.len(), 1);
    assert_eq!(rep.warnings[0].path, vp("/book.xlsx"));
    assert_eq!(
        rep.warnings[0].message,
        "changed since import; written without 1 image"
    );
    assert_ne!(std::fs::read(dir.join("changed/book.xlsx")).unwrap(), bytes);
}

#[test]
fn originals_live_beside_the_world_file_and_go_with_it() {
    let dir = TempDir::new("originals-file");
    std::fs::create_dir(dir.join("in")).unwrap();
    std::fs::write(dir.join("in/book.xlsx"), foreign_xlsx()).unwrap();
    let r = import_dir(&dir.join("in"), &ImportOptions::default()).unwrap();
    let world = dir.join("w.simdesk");
    assert_eq!(originals_path(&world), dir.join("w.simdesk.originals"));
    save_originals(&world, &r.originals).unwrap();
    assert_eq!(load_originals(&world).unwrap(), r.originals);
    // A world with none removes what an earlier one left.
    save_originals(&world, &Originals::default()).unwrap();
    assert!(!originals_path(&world).exists());
    assert!(load_originals(&world).unwrap().is_empty());
    // Damage is a typed error naming the file.
    std::fs::write(
        originals_path(&world),
        b"simdesk-originals 1 blake3:00\n{}\n",
    )
    .unwrap();
    let e = load_originals(&world).unwrap_err();
    assert!(matches!(e, StoreError::Originals { .. }), "{e:?}");
    assert!(e.to_string().ends_with("checksum mismatch"), "{e}");
}
