//! Mistakes only the end of a run shows, judged on the replayed final
//! state and its score: a deliverable sent to someone other than who asked
//! for it, a collaborator's correction left unanswered, and missing
//! information nobody was asked for.

use simdesk_engine::DEFAULT_ACTOR;
use simdesk_model::{Event, Goal, Objective, VPath, path_matches};

use crate::mine::{Miner, Mistake, MistakeKind};

/// Runs the end-of-run checks (the replay matched the recording).
pub(crate) fn end_of_run(m: &mut Miner, events: &[Event]) {
    let Some(last) = events.iter().rev().find(|e| e.actor == DEFAULT_ACTOR) else {
        return;
    };
    let objectives: Vec<Objective> = m.cur.objectives().cloned().collect();
    if objectives.is_empty() {
        return;
    }
    let report = crate::score::score(&m.cur, None);
    let met = |id: &str| report.objectives.iter().any(|o| o.id == id && o.met);
    let me = m.cur.persona().email.to_lowercase();
    let mut found = Vec::new();
    for o in &objectives {
        wrong_recipient(m, o, &me, &mut found);
        if met(&o.id) {
            continue;
        }
        ignored_correction(m, o, &mut found);
        asked_nobody(m, o, last.seq, &mut found);
    }
    m.out.extend(found);
}

fn mistake(kind: MistakeKind, events: Vec<u64>, explanation: String, paths: Vec<VPath>) -> Mistake {
    Mistake {
        kind,
        events,
        actor: DEFAULT_ACTOR.to_owned(),
        explanation,
        paths,
    }
}

/// A deliverable a goal names: one path, or a name pattern.
enum Wanted<'a> {
    Path(&'a VPath),
    Pattern(&'a str),
}

impl Wanted<'_> {
    fn is(&self, p: &VPath) -> bool {
        match self {
            Wanted::Path(a) => p == *a,
            Wanted::Pattern(pat) => path_matches(pat, p),
        }
    }
}

/// The recipient each delivery goal wants (lowercase) and the deliverable.
fn deliveries(o: &Objective) -> Vec<(String, Wanted<'_>)> {
    o.goals
        .iter()
        .filter_map(|g| match g {
            Goal::EmailSent {
                to,
                attachment: Some(a),
                ..
            } => Some((to.to_lowercase(), Wanted::Path(a))),
            Goal::DeliveredTo {
                to,
                attachment: Some(pat),
                ..
            } => Some((to.to_lowercase(), Wanted::Pattern(pat))),
            _ => None,
        })
        .collect()
}

/// An objective's deliverable sent without the person who asked for it
/// among the recipients.
fn wrong_recipient(m: &Miner, o: &Objective, me: &str, found: &mut Vec<Mistake>) {
    for (to, wanted) in deliveries(o) {
        for s in &m.mail {
            let Some(a) = s.attachments.iter().find(|a| wanted.is(a)) else {
                continue;
            };
            let others: Vec<&str> =
                s.to.iter()
                    .map(String::as_str)
                    .filter(|r| *r != me)
                    .collect();
            // A send the privacy rules already named is one mistake.
            let named = m
                .out
                .iter()
                .any(|x| x.kind == MistakeKind::WrongRecipient && x.events == [s.seq]);
            if others.is_empty() || s.to.contains(&to) || named {
                continue;
            }
            found.push(mistake(
                MistakeKind::WrongRecipient,
                vec![s.seq],
                format!(
                    "sent {a}, the deliverable of {} ({:?}), to {} at #{}, but {to} asked for it; send a deliverable to whoever requested it",
                    o.id,
                    o.title,
                    others.join(", "),
                    s.seq
                ),
                vec![a.clone()],
            ));
        }
    }
}

/// The requester answered a delivery of this (unmet) objective's
/// deliverable and the agent sent them nothing with an attachment
/// afterwards.
fn ignored_correction(m: &Miner, o: &Objective, found: &mut Vec<Mistake>) {
    let requester = o.requested_by.to_lowercase();
    let wanted = deliveries(o);
    for (seq, from, answered, path) in &m.replies {
        if *from != requester {
            continue;
        }
        // The reply answers a delivery of this objective's deliverable.
        let Some(sent) = m.mail.iter().find(|s| {
            s.message_id == *answered
                && s.attachments
                    .iter()
                    .any(|a| wanted.iter().any(|(_, w)| w.is(a)))
        }) else {
            continue;
        };
        let resent = m
            .mail
            .iter()
            .any(|s| s.seq > *seq && !s.attachments.is_empty() && s.to.contains(from));
        if resent {
            continue;
        }
        let mut paths = sent.attachments.clone();
        paths.push(path.clone());
        found.push(mistake(
            MistakeKind::IgnoredCorrection,
            vec![sent.seq, *seq],
            format!(
                "{from} answered the delivery sent at #{} for {} ({:?}) at #{seq}; the objective is still not met and nothing was sent to them again; read a reviewer's reply, fix what it points out and send the corrected deliverable",
                sent.seq, o.id, o.title
            ),
            paths,
        ));
    }
}

/// Sources this (unmet) objective needs that never were on the computer,
/// while the agent wrote to nobody without a deliverable.
fn asked_nobody(m: &Miner, o: &Objective, last: u64, found: &mut Vec<Mistake>) {
    let missing: Vec<VPath> = o
        .goals
        .iter()
        .filter_map(|g| match g {
            Goal::RefreshedFrom { source, .. }
            | Goal::ExportedFresh { source, .. }
            | Goal::Deliverable { source, .. } => Some(source),
            _ => None,
        })
        // Never in the world: not there now, and no event ever wrote it
        // (a file the agent deleted was not missing information).
        .filter(|p| m.cur.artifact(p).is_none() && !m.last_change.contains_key(*p))
        .cloned()
        .collect();
    if missing.is_empty() || m.mail.iter().any(|s| s.question) {
        return;
    }
    let names: Vec<String> = missing.iter().map(ToString::to_string).collect();
    found.push(mistake(
        MistakeKind::AskedNobody,
        vec![last],
        format!(
            "{} ({:?}) needed {}, which never reached this computer, and the agent asked nobody for it; when information is missing, ask the requester or whoever holds it by email",
            o.id,
            o.title,
            names.join(", ")
        ),
        missing,
    ));
}
