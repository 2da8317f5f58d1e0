//! `simdesk.World`: a world (`simdesk_engine::Workspace`) behind a lock,
//! its reads, its one mutation path and its checks, each a few lines over
//! the engine and the checker, run with the GIL released.

use std::sync::{Mutex, MutexGuard};

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use simdesk_engine::Workspace;
use simdesk_model::{Artifact, CellAddr, CellRange, Op, Persona, SimTime, VPath};

use crate::convert::{from_py, to_py};
use crate::errors::{self, InvalidInput, OpRefused, PathError, SimdeskError};

/// The most cells [`World::cells`] returns in one call, checked before the
/// rows are built.
pub const MAX_RANGE_CELLS: u64 = 1 << 20;

/// A synthetic computer: its folders and typed artifacts, the dependency
/// graph between them, the simulated clock, the objectives and the
/// trajectory of every op applied to it.
///
/// A `World` is safe to share between threads; every call takes its lock
/// with the GIL released. `fork()` copies nothing: the fork shares the
/// Rust world until one of the two changes.
#[pyclass(frozen, module = "simdesk", name = "World")]
pub struct World {
    ws: Mutex<Workspace>,
}

impl World {
    /// Wraps a workspace.
    pub(crate) fn new(ws: Workspace) -> World {
        World { ws: Mutex::new(ws) }
    }

    /// The workspace, locked. Only a panic in an earlier call can poison
    /// the lock; the world is then refused rather than read half-changed.
    pub(crate) fn lock(&self) -> PyResult<MutexGuard<'_, Workspace>> {
        self.ws
            .lock()
            .map_err(|_| errors::new::<SimdeskError>("world is unusable after an earlier panic"))
    }

    /// An O(1) copy of the workspace as it is now.
    pub(crate) fn workspace(&self) -> PyResult<Workspace> {
        Ok(self.lock()?.fork())
    }
}

/// `s` as a world path, or `PathError` naming it.
pub(crate) fn vpath(py: Python<'_>, s: &str) -> PyResult<VPath> {
    VPath::parse(s).map_err(|e| errors::wrap::<PathError>(py, format!("path {s:?}: {e}"), Some(&e)))
}

/// `range` (`B4:D9` or `B4`) as a cell range, or `InvalidInput`.
fn cell_range(py: Python<'_>, range: &str) -> PyResult<CellRange> {
    let addr = |s: &str| {
        CellAddr::parse(s.trim()).map_err(|e| {
            errors::wrap::<InvalidInput>(py, format!("cell range {range:?}: {e}"), Some(&e))
        })
    };
    Ok(match range.split_once(':') {
        Some((a, b)) => CellRange::new(addr(a)?, addr(b)?),
        None => {
            let a = addr(range)?;
            CellRange::new(a, a)
        }
    })
}

#[pymethods]
impl World {
    /// An empty world whose clock starts at `start` (RFC 3339, e.g.
    /// `"2026-01-05T09:00:00Z"`), for the person `persona` (a dict with
    /// `name`, and optionally `email`, `role`, `employer`, `profile`).
    #[new]
    #[pyo3(signature = (start = "2026-01-05T09:00:00Z", persona = None))]
    fn py_new(py: Python<'_>, start: &str, persona: Option<&Bound<'_, PyAny>>) -> PyResult<World> {
        let start = SimTime::parse(start).map_err(|e| {
            errors::wrap::<InvalidInput>(py, format!("start time {start:?}: {e}"), Some(&e))
        })?;
        let persona = match persona {
            Some(p) => from_py(p, "persona")?,
            None => Persona::default(),
        };
        Ok(World::new(Workspace::new(start, persona)))
    }

    /// A new world sharing this one's state; changes to either stay in it.
    /// O(1): nothing is copied until one of them changes.
    fn fork(&self, py: Python<'_>) -> PyResult<World> {
        py.detach(|| Ok(World::new(self.workspace()?)))
    }

    /// Same as `fork()`: `copy.copy` and `copy.deepcopy` give an
    /// independent world without copying anything.
    fn __copy__(&self, py: Python<'_>) -> PyResult<World> {
        self.fork(py)
    }

    /// Same as `fork()`.
    fn __deepcopy__(&self, py: Python<'_>, _memo: &Bound<'_, PyAny>) -> PyResult<World> {
        self.fork(py)
    }

    /// Applies one op (a dict in the op JSON form, e.g. `{"op": "set_cells",
    /// …}`) through the world's one mutation path and returns its outcome
    /// (`kind`, `seq`, `revision`, `diagnostics`, `recomputed`, …). A
    /// malformed op raises `InvalidInput` and records nothing; a refused
    /// op raises `OpRefused` (its `outcome` attribute holds the outcome) and
    /// leaves the world as it was, the refusal recorded in the trajectory.
    #[pyo3(signature = (op, actor = None))]
    fn apply<'py>(
        &self,
        py: Python<'py>,
        op: &Bound<'py, PyAny>,
        actor: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let op: Op = from_py(op, "op")?;
        let outcome = py.detach(|| {
            let mut ws = self.lock()?;
            PyResult::Ok(match actor {
                Some(a) => ws.apply_as(a, op),
                None => ws.apply(op),
            })
        })?;
        let value = to_py(py, &outcome)?;
        if outcome.is_applied() {
            return Ok(value);
        }
        let message = outcome
            .diagnostics
            .iter()
            .find(|d| d.is_error())
            .or(outcome.diagnostics.first())
            .map_or_else(
                || "op refused".to_owned(),
                |d| format!("op refused: {}", d.message),
            );
        let err = OpRefused::new_err(message);
        err.value(py).setattr("outcome", value)?;
        Err(err)
    }

    /// The entries of a folder (default: the root), each a dict with
    /// `path`, `kind` (None for folders), `rev` and `modified_at`.
    #[pyo3(signature = (path = "/"))]
    fn ls<'py>(&self, py: Python<'py>, path: &str) -> PyResult<Bound<'py, PyAny>> {
        let folder = vpath(py, path)?;
        let entries = py.detach(|| {
            let ws = self.lock()?;
            if !folder.is_root() && !ws.is_folder(&folder) {
                return Err(errors::new::<PathError>(format!("no folder at {folder}")));
            }
            Ok(ws.list(&folder))
        })?;
        to_py(py, &entries)
    }

    /// A file as the text an agent reads (a workbook as a grid with A1
    /// addresses and formulas, a document as markdown, an email with its
    /// headers …).
    fn read(&self, py: Python<'_>, path: &str) -> PyResult<String> {
        let path = vpath(py, path)?;
        py.detach(|| {
            self.lock()?
                .view(&path)
                .ok_or_else(|| errors::new::<PathError>(format!("no file at {path}")))
        })
    }

    /// The cells of `range` (`"B4:D9"` or `"B4"`) on one sheet of a
    /// workbook, as rows of dicts (`value`, and `formula`, `format` when
    /// set), None for an empty cell.
    fn cells<'py>(
        &self,
        py: Python<'py>,
        path: &str,
        sheet: &str,
        range: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let path = vpath(py, path)?;
        let range = cell_range(py, range)?;
        if range.len() > MAX_RANGE_CELLS {
            return Err(errors::new::<InvalidInput>(format!(
                "cell range {range} holds {} cells, over the limit of {MAX_RANGE_CELLS}",
                range.len()
            )));
        }
        let rows = py.detach(|| {
            let ws = self.lock()?;
            let book = match ws.artifact(&path) {
                Some(Artifact::Workbook(w)) => w,
                Some(a) => {
                    return Err(errors::new::<PathError>(format!(
                        "{path} is a {:?}, not a workbook",
                        a.kind()
                    )));
                }
                None => return Err(errors::new::<PathError>(format!("no file at {path}"))),
            };
            let sheet = book.sheet(sheet).ok_or_else(|| {
                errors::new::<InvalidInput>(format!("workbook {path} has no sheet {sheet:?}"))
            })?;
            let rows: Vec<Vec<Option<simdesk_model::Cell>>> = (range.start.row..=range.end.row)
                .map(|r| {
                    (range.start.col..=range.end.col)
                        .map(|c| sheet.cells.get(&CellAddr::new(r, c)).cloned())
                        .collect()
                })
                .collect();
            Ok(rows)
        })?;
        to_py(py, &rows)
    }

    /// Consistency findings (stale exports, broken references, quoted
    /// numbers that disagree with their source, formula errors …), each a
    /// diagnostic dict with `code`, `severity`, `message`, `refs`, `hints`.
    fn check<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let found = py.detach(|| {
            let ws = self.lock()?;
            PyResult::Ok(simdesk_check::check(
                &ws,
                &simdesk_check::CheckOptions::default(),
            ))
        })?;
        to_py(py, &found)
    }

    /// The score of the objectives recorded in the world (only `objective`
    /// when given), as the score report's JSON form.
    #[pyo3(signature = (objective = None))]
    fn score<'py>(&self, py: Python<'py>, objective: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let report = py.detach(|| PyResult::Ok(simdesk_check::score(&*self.lock()?, objective)))?;
        to_py(py, &report)
    }

    /// Stale artifacts, each with its causes and the chain from the source
    /// that moved on.
    fn stale<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stale = py.detach(|| PyResult::Ok(self.lock()?.stale()))?;
        to_py(py, &stale)
    }

    /// Every event so far (`seq`, `time`, `actor`, `op`, `outcome`,
    /// `revision`, `diagnostics`), oldest first.
    fn trajectory<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let events =
            py.detach(|| PyResult::Ok(self.lock()?.trajectory().cloned().collect::<Vec<_>>()))?;
        to_py(py, &events)
    }

    /// The trajectory as JSON Lines, exactly as `simdesk log --json` prints it.
    fn trajectory_jsonl(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| PyResult::Ok(self.lock()?.trajectory_jsonl()))?
            .map_err(|e| errors::to_py::<errors::SnapshotError>(py, &e))
    }

    /// The world as snapshot bytes (what `save` writes; `simdesk.loads`
    /// reads them back).
    fn snapshot<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let bytes = py
            .detach(|| PyResult::Ok(self.lock()?.save()))?
            .map_err(|e| errors::to_py::<errors::SnapshotError>(py, &e))?;
        Ok(PyBytes::new(py, &bytes))
    }

    /// The whole state (tree, artifacts, graph, clock, persona,
    /// objectives) as JSON data: what a JSON-state environment would copy
    /// to reset, and what `fork()` makes unnecessary.
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let state = py
            .detach(|| PyResult::Ok(self.lock()?.state_json()))?
            .map_err(|e| errors::to_py::<errors::SnapshotError>(py, &e))?;
        to_py(py, &state)
    }

    /// Writes the world file (a snapshot: state and trajectory) to `path`,
    /// through a temporary sibling renamed into place.
    fn save(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let ws = self.workspace()?;
        py.detach(|| simdesk_store::save_world(&ws, &path))
            .map_err(|e| crate::store::store_err(py, &e))
    }

    /// Writes the world as a tree of real files (xlsx, docx, pptx, pdf,
    /// eml, csv, md …) with `.simdesk/manifest.json`, exactly as `simdesk
    /// export` does; a non-empty `dir` is refused unless `force`. Returns
    /// `artifacts`, `folders`, `bytes` and `state_hash`.
    #[pyo3(signature = (dir, force = false))]
    fn export<'py>(
        &self,
        py: Python<'py>,
        dir: PathBuf,
        force: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ws = self.workspace()?;
        let r = py
            .detach(|| simdesk_store::export_world(&ws, &dir, force))
            .map_err(|e| crate::store::store_err(py, &e))?;
        to_py(
            py,
            &serde_json::json!({
                "artifacts": r.artifacts,
                "folders": r.folders,
                "bytes": r.bytes,
                "state_hash": r.state_hash,
            }),
        )
    }

    /// A digest of the state (tree, artifacts, graph, clock), equal for
    /// equal worlds.
    fn state_hash(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| PyResult::Ok(self.lock()?.state_hash()))?
            .map_err(|e| errors::to_py::<errors::SnapshotError>(py, &e))
    }

    /// Pickling goes through the snapshot, so worlds travel between
    /// processes (Ray workers, multiprocessing) whole.
    fn __reduce__<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<(Bound<'py, PyAny>, (Bound<'py, PyBytes>,))> {
        let loads = py.import("simdesk")?.getattr("loads")?;
        Ok((loads, (self.snapshot(py)?,)))
    }

    /// The simulated time, ISO 8601 (`2026-01-05T09:00:00Z`).
    #[getter]
    fn now(&self) -> PyResult<String> {
        Ok(self.lock()?.now().to_string())
    }

    /// The world revision: one logical clock every applied op advances.
    #[getter]
    fn revision(&self) -> PyResult<u64> {
        Ok(self.lock()?.revision())
    }

    /// The persona whose computer this is.
    #[getter]
    fn persona<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let persona = self.lock()?.persona().clone();
        to_py(py, &persona)
    }

    /// The objectives recorded in the world.
    #[getter]
    fn objectives<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let objectives: Vec<_> = self.lock()?.objectives().cloned().collect();
        to_py(py, &objectives)
    }

    /// How many artifacts the world holds.
    fn __len__(&self) -> PyResult<usize> {
        Ok(self.lock()?.artifact_count())
    }

    fn __repr__(&self) -> PyResult<String> {
        let ws = self.lock()?;
        Ok(format!(
            "<simdesk.World of {:?}: {} artifacts, revision {}, {}>",
            ws.persona().name,
            ws.artifact_count(),
            ws.revision(),
            ws.now()
        ))
    }
}
