//! The answer key never lives in the tree the agent sees: no byte under a
//! generated computer's `files/` (nor inside its zip packages) holds an
//! expected value, a goal or a planted fault.

use std::io::Read;
use std::path::Path;

use simdesk_model::{CellValue, Goal, format_number};

use crate::TempDir;

/// Every regular file under `root`, its bytes, and the inflated entries of
/// those that are zip packages (xlsx, docx, pptx).
fn contents(root: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).unwrap();
            let shown = p.strip_prefix(root).unwrap().display().to_string();
            if let Ok(mut z) = zip::ZipArchive::new(std::io::Cursor::new(&bytes)) {
                for i in 0..z.len() {
                    let mut f = z.by_index(i).unwrap();
                    let mut part = Vec::new();
                    f.read_to_end(&mut part).unwrap();
                    let name = f.name().map(|n| n.into_owned()).unwrap_or_default();
                    out.push((format!("{shown}!{name}"), part));
                }
            }
            out.push((shown, bytes));
        }
    }
    out
}

/// The strings an expected value shows as: the raw JSON, and for numbers
/// the usual Excel renderings. Renderings of fewer than five digits (or a
/// text of fewer than five characters) are left out: "120", "0.071" or
/// "7.1%" stand in any office file by chance (a rate another project's
/// budget also uses), a total like "637,709" does not.
fn renderings(v: &CellValue) -> Vec<String> {
    let mut out = vec![serde_json::to_string(v).unwrap()];
    match v {
        CellValue::Number(n) => {
            let mut shown = vec![n.to_string()];
            for f in ["#,##0", "#,##0.00", "0.00", "$#,##0", "$#,##0.00", "0.0%"] {
                shown.push(format_number(*n, f));
            }
            shown.retain(|s| s.chars().filter(char::is_ascii_digit).count() >= 5);
            out.extend(shown);
        }
        CellValue::Text(t) if t.len() >= 5 => out.push(t.clone()),
        _ => {}
    }
    out
}

/// Whether a workbook outside the folder of `goal` (the goal's own
/// workbook, its copies and versions) holds `expected` in a cell.
fn held_elsewhere(
    ws: &simdesk_engine::Workspace,
    goal: Option<&simdesk_model::VPath>,
    expected: &CellValue,
) -> bool {
    let folder = goal.and_then(|p| p.parent());
    ws.artifacts().any(|(p, a)| {
        p.parent() != folder
            && matches!(a, simdesk_model::Artifact::Workbook(wb) if wb
                .sheets
                .iter()
                .any(|s| s.cells.values().any(|c| &c.value == expected)))
    })
}

/// Whether `needle` stands in `haystack` as a whole value: not part of a
/// longer number (`253925.28` does not show `53925`).
fn find(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    let numeric = |b: u8| b.is_ascii_digit() || b == b'.' || b == b',';
    haystack.windows(n.len()).enumerate().any(|(i, w)| {
        w == n
            && (i == 0 || !numeric(haystack[i - 1]) || !numeric(n[0]))
            && haystack
                .get(i + n.len())
                .is_none_or(|&b| !numeric(b) || !numeric(n[n.len() - 1]))
    })
}

#[test]
fn no_expected_value_goal_or_fault_is_under_files() {
    let dir = TempDir::new("answer-key");
    for t in simdesk_gen::builtin_templates().unwrap() {
        let opts = simdesk_gen::GenOptions { faults: 3 };
        let spec = simdesk_gen::generate(&t, 5, 0, &opts).unwrap();
        let comp = dir.join(&t.id);
        simdesk_store::write_computer(&spec, &comp, false).unwrap();
        let ws = simdesk_store::load_world(&comp.join("grading/world.simdesk")).unwrap();
        let mut secrets: Vec<String> = Vec::new();
        // What the world itself shows (a request stating the new figure,
        // a number that happens to recur) is the agent's to read; what
        // only the grader knows must not be on disk.
        let shown: String = ws
            .artifacts()
            .map(|(_, a)| simdesk_engine::plain_text(a))
            .collect::<Vec<_>>()
            .join("\n");
        for o in ws.objectives() {
            secrets.push(serde_json::to_string(&o.goals).unwrap());
            for g in &o.goals {
                secrets.push(serde_json::to_string(g).unwrap());
                match g {
                    // A number another folder's workbook also holds (one
                    // study's 10 of 13 enrolled is another's amended 10/13)
                    // is a coincidence of small figures, not the answer.
                    Goal::CellEquals { cell, expected, .. }
                        if !held_elsewhere(&ws, cell.path.as_ref(), expected) =>
                    {
                        secrets.extend(
                            renderings(expected)
                                .into_iter()
                                .filter(|r| !find(shown.as_bytes(), r)),
                        )
                    }
                    Goal::Contains { needle, .. } if needle.len() >= 5 => {
                        secrets.push(needle.clone());
                    }
                    _ => {}
                }
            }
        }
        for f in &spec.faults {
            secrets.push(f.id().to_owned());
            secrets.push(serde_json::to_string(f).unwrap());
        }
        assert!(
            secrets.len() > spec.faults.len() * 2,
            "{}: nothing to look for",
            t.id
        );
        let files = contents(&comp.join("files"));
        assert!(files.len() > 100, "{}: {} files", t.id, files.len());
        let leaks: Vec<String> = files
            .iter()
            .flat_map(|(name, bytes)| {
                secrets
                    .iter()
                    .filter(|s| find(bytes, s))
                    .map(move |s| format!("{name}: {s}"))
            })
            .collect();
        assert!(leaks.is_empty(), "{}: {leaks:#?}", t.id);
    }
}
