//! Worlds and datasets on disk through simdesk-store, the IO edge every
//! door shares: world files, exported trees and generated computers are
//! written exactly as the CLI writes them (atomically, nothing outside the
//! target), with the GIL released.

use std::path::PathBuf;

use pyo3::prelude::*;
use simdesk_gen::GenOptions;
use simdesk_store::{DatasetOptions, StoreError};

use crate::convert::to_py;
use crate::errors::{self, InvalidInput, TemplateError};
use crate::world::World;

/// A store error as `simdesk.StoreError`, with its causes; a world file
/// that is not a snapshot is `simdesk.SnapshotError` (`PATH: why`), as
/// `simdesk.loads` reports the same bytes.
pub(crate) fn store_err(py: Python<'_>, e: &StoreError) -> PyErr {
    match e {
        StoreError::Load { path, source } | StoreError::Save { path, source } => {
            errors::wrap::<crate::errors::SnapshotError>(
                py,
                format!("{}: {source}", path.display()),
                Some(source),
            )
        }
        _ => errors::to_py::<crate::errors::StoreError>(py, e),
    }
}

/// A world from a world file (`simdesk generate`'s `world.simdesk`,
/// `World.save`), refused past the store's size limit before reading.
#[pyfunction]
pub(crate) fn load(py: Python<'_>, path: PathBuf) -> PyResult<World> {
    py.detach(|| simdesk_store::load_world(&path))
        .map(World::new)
        .map_err(|e| store_err(py, &e))
}

/// Generates computers `0..count` of (template, seed) under `out` exactly
/// as `simdesk generate` does: one folder per computer and the dataset
/// index (`index.jsonl`, or `index-K-of-N.jsonl` for `shard=(K, N)`: the
/// indexes `i` with `i % N == K`). Returns `written`, `total`, `index` and
/// `failures` (`index`, `error` for each computer that could not be made).
#[pyfunction]
#[pyo3(signature = (out, template = simdesk_gen::DEFAULT_TEMPLATE, seed = 0, count = 1, shard = (0, 1), faults = 0, jobs = 1, force = false))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn generate_dataset<'py>(
    py: Python<'py>,
    out: PathBuf,
    template: &str,
    seed: u64,
    count: u64,
    shard: (u64, u64),
    faults: u32,
    jobs: usize,
    force: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let (k, n) = shard;
    if n == 0 || k >= n {
        return Err(errors::new::<InvalidInput>(format!(
            "shard ({k}, {n}): need 0 <= K < N"
        )));
    }
    let t = simdesk_gen::builtin_template(template)
        .map_err(|e| errors::to_py::<TemplateError>(py, &e))?;
    let report = py
        .detach(|| {
            simdesk_store::generate_dataset(
                &DatasetOptions {
                    template: &t,
                    seed,
                    count,
                    shard,
                    jobs,
                    options: GenOptions { faults },
                    out: &out,
                    force,
                },
                &|_, _, _| {},
            )
        })
        .map_err(|e| store_err(py, &e))?;
    let failures: Vec<serde_json::Value> = report
        .failures
        .iter()
        .map(|(i, e)| serde_json::json!({"index": i, "error": simdesk_store::chain(e)}))
        .collect();
    to_py(
        py,
        &serde_json::json!({
            "written": report.written,
            "total": report.total,
            "index": report.index,
            "failures": failures,
        }),
    )
}
