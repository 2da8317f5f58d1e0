//! Scripted runs on generated computers, shared by the tests and the
//! benchmark: a careful agent plays every objective's reference solution
//! as tool calls; planted mistakes change that script in known places.

use std::sync::Arc;

use simdesk_engine::Workspace;
use simdesk_gen::{GenOptions, WorldSpec, arrival_order, build, builtin_template, generate};
use simdesk_model::{Mailbox, Op};
use simdesk_sim::{CollaboratorSpec, Costs, FollowUps, Prose, Scenario, Session, WorkingHours};

/// A generated computer (template, seed) and its built world.
pub fn computer(template: &str, seed: u64) -> (WorldSpec, Workspace) {
    let t = builtin_template(template).expect("template");
    let spec = generate(&t, seed, 0, &GenOptions::default()).expect("generate");
    let ws = build(&spec).expect("build");
    (spec, ws)
}

/// The scenario a generated computer implies (as the simulation's own
/// tests build it): the spec's collaborators, each requester reviewing
/// what they asked for, the manager as escalation target.
pub fn scenario_for(spec: &WorldSpec) -> Arc<Scenario> {
    let collaborators = spec
        .collaborators
        .iter()
        .map(|c| CollaboratorSpec {
            key: c.key.clone(),
            name: c.name.clone(),
            called: String::new(),
            signature: String::new(),
            email: c.email.clone(),
            role: c.role.clone(),
            relation: c.relation.clone(),
            style: c.style.as_str().to_owned(),
            hours: WorkingHours::default(),
            location: None,
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
        agent_called: String::new(),
        home: spec.home.clone(),
        utc_offset_minutes: 0,
        timezone: None,
        date_format: None,
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

/// A mistake planted in the reference script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plant {
    /// Export the first deliverable once before the work it needs, then
    /// again where the reference does (exported before update).
    EarlyExport,
    /// Send the first delivery to a colleague instead of the requester.
    WrongRecipient,
}

/// The objective the plants touch: the first in arrival order whose
/// reference exports after changing something and sends the export.
fn planted_objective(order: &[simdesk_model::Objective]) -> usize {
    order
        .iter()
        .position(|o| {
            let export = o
                .reference
                .iter()
                .position(|op| matches!(op, Op::Export { .. }));
            let send = o
                .reference
                .iter()
                .position(|op| matches!(op, Op::SendEmail { .. }));
            matches!((export, send), (Some(e), Some(s)) if e > 0 && s > e)
        })
        .expect("an objective that changes, exports and sends")
}

/// Someone to send to by mistake: a collaborator of the persona's own
/// firm (entitled to everything, so no privacy rule fires) who did not
/// ask, else any other collaborator.
fn colleague(spec: &WorldSpec, requester: &str) -> String {
    let domain = spec.persona.email.rsplit_once('@').map(|(_, d)| d);
    let others: Vec<&str> = spec
        .collaborators
        .iter()
        .map(|c| c.email.as_str())
        .filter(|e| !e.eq_ignore_ascii_case(requester))
        .collect();
    others
        .iter()
        .find(|e| e.rsplit_once('@').map(|(_, d)| d) == domain)
        .or(others.first())
        .expect("another collaborator")
        .to_string()
}

/// Plays a computer's references as tool calls with `plants`, waits for
/// the reviews' mail, then calls `finish`. Rewards are tracked when `track` is set.
pub fn scripted(template: &str, seed: u64, plants: &[Plant], track: bool) -> Session {
    let (spec, ws) = computer(template, seed);
    let mut order = arrival_order(&ws);
    let mut s = Session::new(ws, scenario_for(&spec)).expect("scenario");
    s.track_rewards(track);
    let at = planted_objective(&order);
    for p in plants {
        let o = &mut order[at];
        match p {
            Plant::EarlyExport => {
                let e = o
                    .reference
                    .iter()
                    .position(|op| matches!(op, Op::Export { .. }))
                    .expect("export");
                let early = o.reference[e].clone();
                o.reference.insert(0, early);
            }
            Plant::WrongRecipient => {
                let wrong = colleague(&spec, &o.requested_by);
                for op in &mut o.reference {
                    if let Op::SendEmail { email, .. } = op {
                        email.to = vec![Mailbox::new("Colleague", &wrong)];
                        email.cc.clear();
                        break;
                    }
                }
            }
        }
    }
    // A deliverable goes out once: the reference's exports of a file that
    // later objectives made stale again (it keeps folders current) are
    // left out, so a good run has no early export to mine.
    let mut exported = std::collections::BTreeSet::new();
    for o in &order {
        let mut own = Vec::new();
        for op in &o.reference {
            if let Op::Export { target, .. } = op {
                if exported.contains(target) {
                    continue;
                }
                own.push(target.clone());
            }
            let call = simdesk_sim::tool_call_for(op).expect("a tool for every reference op");
            s.call(call);
        }
        exported.extend(own);
    }
    s.call_raw("wait_for_email", serde_json::json!({}));
    s.call_raw("finish", serde_json::json!({}));
    s
}
