//! The `simdesk` Python package's native part (`simdesk._simdesk`): a thin
//! door over the Rust crates. Worlds come from the generator or from
//! snapshots, change only through the engine's one mutation path, and are
//! checked and scored by simdesk-check. Nothing here decides anything the
//! crates below do not: this layer converts arguments, releases the GIL
//! around the work and turns Rust errors into `simdesk.SimdeskError`
//! subclasses.
//!
//! **Architecture invariant:** doors are thin. A behaviour lives in the
//! crate that owns it; this crate only translates.

mod convert;
mod errors;
mod session;
mod store;
mod world;

use pyo3::prelude::*;
use simdesk_engine::Workspace;
use simdesk_gen::GenOptions;

use errors::{SnapshotError, StoreError, TemplateError};
use world::World;

/// One synthetic computer, generated in memory: a pure function of
/// (template, seed, index, faults). Same arguments, same world.
#[pyfunction]
#[pyo3(signature = (template = simdesk_gen::DEFAULT_TEMPLATE, seed = 0, index = 0, faults = 0))]
fn generate(py: Python<'_>, template: &str, seed: u64, index: u64, faults: u32) -> PyResult<World> {
    let built = py.detach(|| generated(template, seed, index, faults));
    built
        .map(|(ws, _)| World::new(ws))
        .map_err(|e| errors::to_py::<TemplateError>(py, &*e))
}

/// The world of (template, seed, index, faults), built in memory, with
/// the month it lives through.
pub(crate) fn generated(
    template: &str,
    seed: u64,
    index: u64,
    faults: u32,
) -> Result<(Workspace, Option<simdesk_sim::Scenario>), Box<dyn std::error::Error + Send + Sync>> {
    let t = simdesk_gen::builtin_template(template)?;
    let spec = simdesk_gen::generate(&t, seed, index, &GenOptions { faults })?;
    Ok((simdesk_gen::build(&spec)?, spec.scenario))
}

/// The templates built in, each a dict with `id` and `description`, sorted
/// by id.
#[pyfunction]
fn templates(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    let ts =
        simdesk_gen::builtin_templates().map_err(|e| errors::to_py::<TemplateError>(py, &e))?;
    let mut list: Vec<serde_json::Value> = ts
        .iter()
        .map(|t| serde_json::json!({"id": t.id, "description": t.pack.meta.description}))
        .collect();
    list.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    convert::to_py(py, &list)
}

/// A world from snapshot bytes (`World.snapshot()`, or a `.simdesk` file's
/// content). Every check the engine makes on loading applies.
#[pyfunction]
fn loads(py: Python<'_>, data: &[u8]) -> PyResult<World> {
    py.detach(|| Workspace::load(data).map(World::new))
        .map_err(|e| errors::to_py::<SnapshotError>(py, &e))
}

/// The Python module `simdesk._simdesk`.
#[pymodule]
#[pyo3(name = "_simdesk")]
fn simdesk_module(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_function(wrap_pyfunction!(generate, m)?)?;
    m.add_function(wrap_pyfunction!(templates, m)?)?;
    m.add_function(wrap_pyfunction!(store::load, m)?)?;
    m.add_function(wrap_pyfunction!(store::generate_dataset, m)?)?;
    m.add_function(wrap_pyfunction!(loads, m)?)?;
    m.add_class::<World>()?;
    m.add_class::<session::Session>()?;
    m.add_function(wrap_pyfunction!(session::tools, m)?)?;
    m.add("MAX_RANGE_CELLS", world::MAX_RANGE_CELLS)?;
    m.add("SimdeskError", py.get_type::<errors::SimdeskError>())?;
    m.add("InvalidInput", py.get_type::<errors::InvalidInput>())?;
    m.add("PathError", py.get_type::<errors::PathError>())?;
    m.add("TemplateError", py.get_type::<errors::TemplateError>())?;
    m.add("OpRefused", py.get_type::<errors::OpRefused>())?;
    m.add("SnapshotError", py.get_type::<SnapshotError>())?;
    m.add("StoreError", py.get_type::<StoreError>())?;
    m.add("ScenarioError", py.get_type::<errors::ScenarioError>())?;
    m.add("ReplayError", py.get_type::<errors::ReplayError>())?;
    m.add("ResponderError", py.get_type::<errors::ResponderError>())?;
    Ok(())
}
