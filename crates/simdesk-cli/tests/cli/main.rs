//! End-to-end tests of the `simdesk` binary: one test binary, one module
//! per area.

mod basics;
mod check;
mod disk;
mod generate;
mod issue17;
mod learn;
mod regression;
mod run;
mod serve;

use std::path::Path;
use std::process::{Command, Output};

/// Asserts the command succeeded, showing its output when it did not.
pub fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Runs the binary with arguments in a working directory.
pub fn simdesk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_simdesk"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run simdesk")
}

/// A fresh temporary directory removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl TempDir {
    /// Makes a new, empty directory under the system temp dir.
    pub fn new(tag: &str) -> TempDir {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let p = std::env::temp_dir().join(format!("simdesk-cli-{tag}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        TempDir(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
