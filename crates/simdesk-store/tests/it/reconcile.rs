//! `reconcile` and `plan_plain` without a disk: a world, a manifest and an
//! in-memory tree in, a plan of ops out.

use std::collections::BTreeMap;

use expect_test::{Expect, expect};
use simdesk_engine::Workspace;
use simdesk_model::{Op, TextFormat, VPath};
use simdesk_store::{
    Listing, Manifest, ManifestArtifact, Plan, ReadOptions, SnapshotEntry, plan_plain, reconcile,
};

use crate::{apply, empty, text, vp};

/// One line per step, then what is kept, skipped and noted.
fn show(plan: &Plan) -> String {
    let mut out = String::new();
    for s in &plan.steps {
        let detail = match &s.op {
            Op::Create { artifact, .. } | Op::Write { artifact, .. } => {
                format!(" ({})", artifact.kind())
            }
            _ => String::new(),
        };
        out.push_str(&format!(
            "{:?} {} {}{detail}\n",
            s.count,
            s.op.name(),
            s.shown
        ));
    }
    out.push_str(&format!("kept {}\n", plan.kept));
    for k in &plan.skipped {
        out.push_str(&format!("skipped {}: {}\n", k.path, k.reason));
    }
    for k in &plan.notes {
        out.push_str(&format!("note {}: {}\n", k.path, k.reason));
    }
    out
}

/// The manifest an export of `ws` would write, given the bytes each
/// artifact was written as.
fn manifest_of(ws: &Workspace, written: &BTreeMap<VPath, Vec<u8>>) -> Manifest {
    Manifest {
        format: "simdesk-manifest".into(),
        version: 1,
        state_hash: ws.state_hash().unwrap(),
        snapshot: SnapshotEntry {
            path: ".simdesk/world.snapshot".into(),
            bytes: 0,
            blake3: String::new(),
        },
        artifacts: ws
            .artifacts()
            .map(|(p, a)| ManifestArtifact {
                path: p.clone(),
                kind: a.kind(),
                format: "text".into(),
                revision: 1,
                modified_at: ws.now(),
                bytes: written[p].len() as u64,
                blake3: blake3::hash(&written[p]).to_hex().to_string(),
            })
            .collect(),
    }
}

fn world() -> (Workspace, BTreeMap<VPath, Vec<u8>>) {
    let mut ws = empty();
    apply(
        &mut ws,
        vec![
            Op::Mkdir { path: vp("/Old") },
            Op::Create {
                path: vp("/Notes/a.md"),
                artifact: text(TextFormat::Markdown, "# A\n").into(),
            },
            Op::Create {
                path: vp("/Data/prices.csv"),
                artifact: text(TextFormat::Csv, "Ticker,Close\nVTI,250\n").into(),
            },
            Op::Create {
                path: vp("/Notes/gone.txt"),
                artifact: text(TextFormat::Plain, "bye").into(),
            },
        ],
    );
    let written = ws
        .artifacts()
        .map(|(p, a)| match a {
            simdesk_model::Artifact::Text(t) => (p.clone(), t.content.clone().into_bytes()),
            _ => unreachable!("only text"),
        })
        .collect();
    (ws, written)
}

fn check_reconcile(tree: &[(&str, &[u8])], dirs: &[&str], expect: Expect) {
    let (ws, written) = world();
    let manifest = manifest_of(&ws, &written);
    let mut source: BTreeMap<VPath, Vec<u8>> =
        tree.iter().map(|(p, b)| (vp(p), b.to_vec())).collect();
    let listing = Listing {
        dirs: dirs.iter().map(|d| vp(d)).collect(),
        files: source.keys().cloned().collect(),
        skipped: Vec::new(),
    };
    let plan = reconcile(
        &ws,
        &manifest,
        &listing,
        &mut source,
        &ReadOptions::default(),
    );
    expect.assert_eq(&show(&plan));
}

#[test]
fn an_unchanged_tree_plans_nothing() {
    check_reconcile(
        &[
            ("/Notes/a.md", b"# A\n"),
            ("/Data/prices.csv", b"Ticker,Close\nVTI,250\n"),
            ("/Notes/gone.txt", b"bye"),
        ],
        &["/Data", "/Notes", "/Old"],
        expect![[r#"
            kept 3
        "#]],
    );
}

#[test]
fn changes_on_disk_become_deletes_folders_creates_and_writes() {
    check_reconcile(
        &[
            ("/Notes/a.md", b"# A\n"),
            ("/Data/prices.csv", b"Ticker,Close\nVTI,260\n"),
            ("/New/todo.txt", b"call Mei"),
            ("/New/broken.docx", b"not a zip"),
        ],
        &["/Data", "/New", "/Notes"],
        expect![[r#"
            Deleted delete Notes/gone.txt
            Deleted delete Old
            Folder mkdir New
            Created create New/todo.txt (text)
            Written write Data/prices.csv (text)
            kept 1
            skipped New/broken.docx: malformed docx file: not a zip package: 9 bytes, too short
        "#]],
    );
}

#[test]
fn a_plain_tree_plans_folders_then_files_then_emails() {
    let mut source: BTreeMap<VPath, Vec<u8>> = [
        ("/Mail/hello.eml", &b"From: a@example.com\r\nTo: b@example.com\r\nSubject: Hi\r\nDate: Mon, 5 Jan 2026 09:00:00 +0000\r\n\r\nHello\r\n"[..]),
        ("/Notes/a.md", b"# A\n"),
        ("/bin.dat", b"\x00\x01"),
    ]
    .into_iter()
    .map(|(p, b)| (vp(p), b.to_vec()))
    .collect();
    let listing = Listing {
        dirs: vec![vp("/Mail"), vp("/Notes")],
        files: source.keys().cloned().collect(),
        skipped: Vec::new(),
    };
    let plan = plan_plain(&listing, &mut source, &ReadOptions::default());
    expect![[r#"
        Folder mkdir Mail
        Folder mkdir Notes
        Created create Notes/a.md (text)
        Created create bin.dat (binary)
        Created create Mail/hello.eml (email)
        kept 0
    "#]]
    .assert_eq(&show(&plan));
    let mut ws = empty();
    let simdesk_store::Applied {
        counts, skipped, ..
    } = plan.apply(&mut ws);
    assert_eq!((counts.created, counts.folders, skipped.len()), (3, 2, 0));
}
