//! Writing a finished (or paused) session to disk: its world, trajectory
//! and score, as one folder that appears whole or not at all.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use simdesk_engine::Workspace;

/// File names inside a saved session folder.
pub const WORLD_FILE: &str = "world.simdesk";
/// The trajectory as JSON Lines, one event per line.
pub const TRAJECTORY_FILE: &str = "trajectory.jsonl";
/// The score report as JSON.
pub const SCORE_FILE: &str = "score.json";

/// Why a session could not be saved.
#[derive(Debug, thiserror::Error)]
pub enum SaveError {
    /// A file or folder could not be written, renamed or removed.
    #[error("cannot write {path}")]
    Io {
        /// What was being written.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The score report could not be serialised.
    #[error("cannot serialise the score for {path}")]
    Score {
        /// The folder being saved.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
}

/// Writes `world` to the folder `dir`: `world.simdesk`, `trajectory.jsonl`
/// and `score.json`. The files are written into a hidden temporary sibling
/// which is then renamed into place, so a reader sees the old folder or the
/// new one, never a half-written mix; a folder saved earlier is replaced.
pub fn save_session(world: &Workspace, dir: &Path) -> Result<(), SaveError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| SaveError::Io { path, source }
    };
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&parent).map_err(io(&parent))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "session".to_owned());
    let tmp = parent.join(format!(".{name}.simdesk-tmp-{}", unique()));
    fs::create_dir(&tmp).map_err(io(&tmp))?;
    let result = (|| {
        let score = simdesk_check::score(world, None);
        let score = serde_json::to_vec_pretty(&score).map_err(|source| SaveError::Score {
            path: dir.to_path_buf(),
            source,
        })?;
        for (file, bytes) in [
            (WORLD_FILE, world.save()),
            (TRAJECTORY_FILE, world.trajectory_jsonl().into_bytes()),
            (SCORE_FILE, score),
        ] {
            let path = tmp.join(file);
            let mut f = fs::File::create(&path).map_err(io(&path))?;
            f.write_all(&bytes).map_err(io(&path))?;
            f.sync_all().map_err(io(&path))?;
        }
        let old = parent.join(format!(".{name}.simdesk-old-{}", unique()));
        let had_old = match fs::rename(dir, &old) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => false,
            Err(e) => return Err(io(dir)(e)),
        };
        if let Err(e) = fs::rename(&tmp, dir) {
            if had_old {
                let _ = fs::rename(&old, dir);
            }
            return Err(io(dir)(e));
        }
        if had_old {
            fs::remove_dir_all(&old).map_err(io(&old))?;
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    result
}

/// A name part no other save of this process uses at the same time.
fn unique() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use simdesk_model::{Persona, SimTime};

    #[test]
    fn saving_twice_replaces_the_folder_and_leaves_no_temporary_siblings() {
        let root = std::env::temp_dir().join(format!("simdesk-serve-save-{}", unique()));
        let _ = fs::remove_dir_all(&root);
        let ws = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
        let dir = root.join("run");
        save_session(&ws, &dir).unwrap();
        save_session(&ws, &dir).unwrap();
        let mut names: Vec<String> = fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["run"]);
        let mut files: Vec<String> = fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(files, [SCORE_FILE, TRAJECTORY_FILE, WORLD_FILE]);
        let back = Workspace::load(&fs::read(dir.join(WORLD_FILE)).unwrap()).unwrap();
        assert_eq!(back.state_hash(), ws.state_hash());
        fs::remove_dir_all(&root).unwrap();
    }
}
