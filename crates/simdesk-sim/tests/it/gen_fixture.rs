//! Scenarios built from generated computers plus data, until the
//! generator emits a month of work itself: the spec's collaborators with
//! default hours and latency, the manager as escalation target, each
//! requester reviewing what they asked for.

use std::sync::Arc;

use simdesk_engine::Workspace;
use simdesk_gen::{GenOptions, WorldSpec, build, builtin_template, generate};
use simdesk_model::Mailbox;
use simdesk_sim::{CollaboratorSpec, Costs, FollowUps, Prose, Scenario, WorkingHours};

/// A generated computer (template, seed) and its built world.
pub fn computer(template: &str, seed: u64) -> (WorldSpec, Workspace) {
    let t = builtin_template(template).unwrap();
    let spec = generate(&t, seed, 0, &GenOptions::default()).unwrap();
    let ws = build(&spec).unwrap();
    (spec, ws)
}

/// The scenario a generated computer implies.
pub fn scenario_for(spec: &WorldSpec) -> Arc<Scenario> {
    let collaborators = spec
        .collaborators
        .iter()
        .map(|c| CollaboratorSpec {
            key: c.key.clone(),
            name: c.name.clone(),
            email: c.email.clone(),
            role: c.role.clone(),
            relation: c.relation.clone(),
            style: c.style.as_str().to_owned(),
            hours: WorkingHours::default(),
            latency_minutes: 45,
            knows: Vec::new(),
            reviews: spec
                .objectives
                .iter()
                .filter(|o| o.objective.requested_by == c.email)
                .map(|o| o.objective.id.clone())
                .collect(),
        })
        .collect();
    let manager = spec
        .collaborators
        .iter()
        .find(|c| c.relation == "manager")
        .map(|c| c.key.clone());
    Arc::new(Scenario {
        version: simdesk_sim::SCENARIO_VERSION,
        agent: Mailbox::new(&spec.persona.name, &spec.persona.email),
        home: spec.home.clone(),
        utc_offset_minutes: 0,
        brief: format!("You are {}. Work through your inbox.", spec.persona.name),
        end: None,
        costs: Costs::builtin(),
        collaborators,
        schedule: Vec::new(),
        conflicts: Vec::new(),
        follow_ups: FollowUps {
            manager,
            ..FollowUps::default()
        },
        prose: Prose::builtin(),
    })
}
