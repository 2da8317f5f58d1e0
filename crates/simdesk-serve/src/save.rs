//! Writing a finished (or paused) session to disk: its world, trajectory
//! and score, as one folder that appears whole or not at all.

use std::path::{Path, PathBuf};

use simdesk_sim::Session;
use simdesk_store::{RunOrigin, write_run};

/// File names inside a saved session folder (a run folder: see
/// `simdesk_store::write_run` for the whole layout).
pub const WORLD_FILE: &str = simdesk_store::RUN_WORLD_FILE;
/// The trajectory as JSON Lines, one step per line.
pub const TRAJECTORY_FILE: &str = simdesk_store::RUN_STEPS_FILE;
/// The score report as JSON.
pub const SCORE_FILE: &str = simdesk_store::RUN_SCORE_FILE;

/// The door named in a saved session's `run.json`.
pub const DOOR: &str = "serve";

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
    /// The trajectory or the score could not be serialised.
    #[error("cannot serialise the trajectory or score for {path}")]
    Json {
        /// The folder being saved.
        path: PathBuf,
        /// The cause.
        #[source]
        source: serde_json::Error,
    },
    /// The world's state could not be serialised as a snapshot.
    #[error("cannot serialise the world for {path}")]
    Snapshot {
        /// The folder being saved.
        path: PathBuf,
        /// The cause.
        #[source]
        source: simdesk_engine::SnapshotError,
    },
    /// The run folder could not be written (the store's error names the
    /// file and the problem).
    #[error("cannot save the session to {path}")]
    Store {
        /// The folder being saved.
        path: PathBuf,
        /// The cause (boxed: the store's error is large).
        #[source]
        source: Box<simdesk_store::StoreError>,
    },
}

/// Writes `session` to the folder `dir` as a run folder
/// (`simdesk_store::write_run`, door `serve`): its world with the clock
/// brought to the session's time (`world.simdesk`), the world it started
/// from (`start.simdesk`), its scenario (`scenario.json`), its tool calls
/// as JSON Lines (`trajectory.jsonl`: arguments, results, simulated times,
/// arrivals), the world's score (`score.json`) and `run.json`. The files
/// are written into a hidden temporary sibling which is then renamed into
/// place, so a reader sees the old folder or the new one, never a
/// half-written mix; a session saved earlier is replaced.
pub fn save_session(session: &Session, dir: &Path) -> Result<(), SaveError> {
    let origin = RunOrigin {
        door: DOOR.to_owned(),
        ..RunOrigin::default()
    };
    write_run(dir, session, &origin)
        .map(|_| ())
        .map_err(|source| SaveError::Store {
            path: dir.to_path_buf(),
            source: Box::new(source),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use simdesk_engine::Workspace;
    use simdesk_model::{Persona, SimTime};
    use std::fs;

    #[test]
    fn saving_twice_replaces_the_folder_and_leaves_no_temporary_siblings() {
        let root = std::env::temp_dir().join(format!("simdesk-serve-save-{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        let ws = Workspace::new(SimTime::from_ymd(2026, 1, 5).unwrap(), Persona::default());
        let mut session = crate::Base::from_world(ws, None).unwrap().fork();
        let dir = root.join("run");
        save_session(&session, &dir).unwrap();
        session.call_raw("list_files", serde_json::json!({"path": "/"}));
        save_session(&session, &dir).unwrap();
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
        assert_eq!(
            files,
            [
                simdesk_store::RUN_FILE,
                simdesk_store::RUN_SCENARIO_FILE,
                SCORE_FILE,
                simdesk_store::RUN_START_FILE,
                TRAJECTORY_FILE,
                WORLD_FILE
            ]
        );
        let back = Workspace::load(&fs::read(dir.join(WORLD_FILE)).unwrap()).unwrap();
        assert_eq!(
            back.save().unwrap(),
            session.fork().into_world().save().unwrap()
        );
        let steps = fs::read_to_string(dir.join(TRAJECTORY_FILE)).unwrap();
        assert_eq!(steps, session.steps_jsonl().unwrap());
        assert_eq!(steps.lines().count(), 1);
        let run = simdesk_store::read_run(&dir).unwrap();
        assert_eq!(run.meta.origin.door, DOOR);
        assert_eq!(run.steps.len(), 1);
        fs::remove_dir_all(&root).unwrap();
    }
}
