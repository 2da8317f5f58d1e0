//! Generated computers and the month each carries (the spec's scenario).

use std::sync::Arc;

use simdesk_engine::Workspace;
use simdesk_gen::{GenOptions, WorldSpec, build, builtin_template, generate};
use simdesk_sim::Scenario;

/// A generated computer (template, seed) and its built world.
pub fn computer(template: &str, seed: u64) -> (WorldSpec, Workspace) {
    let t = builtin_template(template).unwrap();
    let spec = generate(&t, seed, 0, &GenOptions::default()).unwrap();
    let ws = build(&spec).unwrap();
    (spec, ws)
}

/// The month a generated computer carries.
pub fn scenario_for(spec: &WorldSpec) -> Arc<Scenario> {
    Arc::new(
        spec.scenario
            .clone()
            .expect("a generated computer carries its month"),
    )
}
