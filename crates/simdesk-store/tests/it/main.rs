//! Tests of the store: one integration-test binary, one module per area.

mod answer_key;
mod originals;
mod reconcile;
mod render;
mod run;
mod tree;

use std::path::{Path, PathBuf};

use simdesk_engine::Workspace;
use simdesk_model::{Artifact, Op, Persona, SimTime, Text, TextFormat, VPath};

/// A world path.
pub fn vp(s: &str) -> VPath {
    VPath::parse(s).expect("valid path")
}

/// A text artifact.
pub fn text(format: TextFormat, content: &str) -> Artifact {
    Artifact::Text(Text {
        format,
        content: content.to_owned(),
    })
}

/// An empty world at the tests' start time.
pub fn empty() -> Workspace {
    Workspace::new(
        SimTime::parse("2026-01-05T09:00:00Z").expect("time"),
        Persona {
            name: "Mei Chen".into(),
            ..Persona::default()
        },
    )
}

/// Applies ops, each of which must be applied.
pub fn apply(ws: &mut Workspace, ops: Vec<Op>) {
    for op in ops {
        let name = op.name();
        let out = ws.apply(op);
        assert!(out.is_applied(), "{name}: {:?}", out.diagnostics);
    }
}

/// A fresh temporary directory removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// Makes a new, empty directory under the system temp dir.
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let p =
            std::env::temp_dir().join(format!("simdesk-store-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }

    /// A path inside.
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
