//! Where a mistake happened, in words that group across runs: the
//! artifact kind it touched and the shape of the objective it hurt.

use simdesk_engine::Workspace;
use simdesk_model::{Goal, Objective, VPath};

/// The kind of the first of `paths` that is an artifact in `ws` (`email`,
/// `workbook` …), else its extension, else `-`.
pub(crate) fn artifact_kind(ws: &Workspace, paths: &[VPath]) -> String {
    for p in paths {
        if let Some(a) = ws.artifact(p) {
            return a.kind().as_str().to_owned();
        }
    }
    paths
        .first()
        .and_then(|p| p.file_name())
        .and_then(|n| n.rsplit_once('.'))
        .map_or_else(|| "-".to_owned(), |(_, ext)| ext.to_ascii_lowercase())
}

/// The objective a mistake concerns: the first (in the world's order)
/// whose goals name one of `paths`, else the first whose due date the
/// mistake's explanation names by id.
pub(crate) fn objective_of<'a>(
    ws: &'a Workspace,
    paths: &[VPath],
    explanation: &str,
) -> Option<&'a Objective> {
    ws.objectives()
        .find(|o| {
            o.goals
                .iter()
                .any(|g| goal_paths(g).iter().any(|p| paths.contains(p)))
        })
        .or_else(|| {
            ws.objectives()
                .find(|o| explanation.contains(&format!(" {} ", o.id)))
        })
}

/// An objective's shape: the sorted, distinct kinds of its goals joined by
/// `+` (`cell_equals+email_sent+exported_fresh`).
pub(crate) fn shape(o: &Objective) -> String {
    let mut kinds: Vec<String> = o.goals.iter().map(goal_kind).collect();
    kinds.sort();
    kinds.dedup();
    kinds.join("+")
}

fn goal_kind(g: &Goal) -> String {
    serde_json::to_value(g)
        .ok()
        .and_then(|v| v.get("goal").and_then(|k| k.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "goal".to_owned())
}

/// Every path a goal names (strings in its JSON form that read as paths or
/// refs), so goal kinds added later are covered too.
fn goal_paths(g: &Goal) -> Vec<VPath> {
    fn walk(v: &serde_json::Value, out: &mut Vec<VPath>) {
        match v {
            serde_json::Value::String(s) if s.starts_with('/') => {
                let p = s.split('#').next().unwrap_or(s);
                if let Ok(p) = VPath::parse(p) {
                    out.push(p);
                }
            }
            serde_json::Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            serde_json::Value::Object(o) => o.values().for_each(|x| walk(x, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::to_value(g) {
        walk(&v, &mut out);
    }
    out
}
