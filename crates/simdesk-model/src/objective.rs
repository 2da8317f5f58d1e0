//! Objectives: work assigned to the persona, with machine-checkable goals,
//! the reference solution a careful professional would apply, the policy
//! for late delivery, and whose material may go to whom.
//!
//! Everything here is grading data: it lives in the world's snapshot and
//! spec, never in the tree of files an agent sees. The checker crate holds
//! the one evaluator of every [`Goal`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::artifact::ArtifactKind;
use crate::cell::CellValue;
use crate::op::Op;
use crate::refs::Ref;
use crate::time::SimTime;
use crate::vpath::VPath;

/// A piece of work with a due date and goals over the world's state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Objective {
    /// Stable id (`obj-1`).
    pub id: String,
    /// Short title.
    pub title: String,
    /// What is asked, in prose.
    #[serde(default)]
    pub description: String,
    /// Who asked (a collaborator's address).
    #[serde(default)]
    pub requested_by: String,
    /// The email that introduced it (Message-ID), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// When the request arrives in simulated time (a simulation schedules
    /// the request email then); `None` when it is there from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<SimTime>,
    /// Due date in simulated time.
    pub due: SimTime,
    /// How work finished after `due` is scored.
    #[serde(default, skip_serializing_if = "LatePolicy::is_fail")]
    pub late: LatePolicy,
    /// The goals; the objective is met when all are.
    pub goals: Vec<Goal>,
    /// The ops a careful professional applies, as the agent, for this
    /// objective, in order. The world's reference trajectory is every
    /// objective's reference in the order the requests arrive.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reference: Vec<Op>,
    /// Whose material may go to which addresses. These rules are
    /// world-level: the union over every recorded objective applies to
    /// every email the agent sends, whichever objective it serves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confidential: Vec<Confidential>,
}

/// How an objective finished after its due date is scored.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "policy", rename_all = "snake_case")]
pub enum LatePolicy {
    /// Late work scores 0.
    #[default]
    Fail,
    /// Late work scores `max(0, 1 - per_day * d)`, where `d` is the number
    /// of days (or started days) past the due time.
    Decay {
        /// Credit lost per started day late, in [0, 1].
        per_day: f64,
    },
}

impl LatePolicy {
    /// Whether this is the default policy ([`LatePolicy::Fail`]).
    pub fn is_fail(&self) -> bool {
        matches!(self, LatePolicy::Fail)
    }

    /// The credit left for work finished `late_secs` seconds after the due
    /// time (1 when on time or early), in [0, 1].
    pub fn credit(&self, late_secs: i64) -> f64 {
        if late_secs <= 0 {
            return 1.0;
        }
        match self {
            LatePolicy::Fail => 0.0,
            LatePolicy::Decay { per_day } => {
                let days = (late_secs / 86_400 + i64::from(late_secs % 86_400 != 0)) as f64;
                (1.0 - per_day.clamp(0.0, 1.0) * days).clamp(0.0, 1.0)
            }
        }
    }
}

/// One owner's material and the addresses entitled to receive it. An
/// email carrying the material (an attachment whose path, or the path of
/// anything it was exported, copied or imported from, matches one of
/// `material`) to any address outside `entitled` is a privacy violation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Confidential {
    /// Whose material it is (a client's or an employee's name).
    pub owner: String,
    /// Path patterns of the material (see [`path_matches`]).
    pub material: Vec<String>,
    /// Addresses entitled to it: a full address, or `@domain` for every
    /// address of a domain. The persona's own address always is.
    pub entitled: Vec<String>,
}

impl Confidential {
    /// Whether `address` may receive this material.
    pub fn entitles(&self, address: &str) -> bool {
        self.entitled.iter().any(|e| {
            if e.starts_with('@') {
                address.len() > e.len()
                    && address[address.len() - e.len()..].eq_ignore_ascii_case(e)
            } else {
                e.eq_ignore_ascii_case(address)
            }
        })
    }

    /// Whether the artifact at `path` is this owner's material.
    pub fn covers(&self, path: &VPath) -> bool {
        self.material.iter().any(|p| path_matches(p, path))
    }
}

/// Whether `path` matches a path pattern. A pattern that starts with `/`
/// is matched against the whole path, any other against the file name;
/// `*` matches any characters but `/`, `**` any characters, `?` one
/// character but `/`. Letters match without regard to case, as names in
/// one folder cannot differ only by case.
///
/// ```
/// use simdesk_model::{path_matches, VPath};
/// let p: VPath = "/Clients/Chen/Chen Review 2026-01.pdf".parse().unwrap();
/// assert!(path_matches("chen review *.pdf", &p));
/// assert!(path_matches("/Clients/**/*.pdf", &p));
/// assert!(!path_matches("/Clients/*.pdf", &p));
/// ```
pub fn path_matches(pattern: &str, path: &VPath) -> bool {
    let subject = if pattern.starts_with('/') {
        path.as_str()
    } else {
        path.file_name().unwrap_or("")
    };
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let s: Vec<char> = subject.to_lowercase().chars().collect();
    glob(&p, &s)
}

/// Iterative glob matching with backtracking to the last star, so the
/// cost is bounded by `pattern.len() * subject.len()`.
fn glob(p: &[char], s: &[char]) -> bool {
    // Memo of (pattern index, subject index) pairs known to fail.
    let mut failed = vec![false; (p.len() + 1) * (s.len() + 1)];
    let mut todo = vec![(0usize, 0usize)];
    while let Some((i, j)) = todo.pop() {
        let key = i * (s.len() + 1) + j;
        if failed[key] {
            continue;
        }
        failed[key] = true;
        if i == p.len() {
            if j == s.len() {
                return true;
            }
            continue;
        }
        match p[i] {
            '*' => {
                let deep = p.get(i + 1) == Some(&'*');
                let next = if deep { i + 2 } else { i + 1 };
                todo.push((next, j));
                if j < s.len() && (deep || s[j] != '/') {
                    todo.push((i, j + 1));
                }
            }
            '?' => {
                if j < s.len() && s[j] != '/' {
                    todo.push((i + 1, j + 1));
                }
            }
            c => {
                if j < s.len() && s[j] == c {
                    todo.push((i + 1, j + 1));
                }
            }
        }
    }
    false
}

/// One machine-checkable condition over the world's state (and, where it
/// says so, over the trajectory that led to it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "goal", rename_all = "snake_case")]
pub enum Goal {
    /// A cell holds a value (numbers within `tolerance`).
    CellEquals {
        /// The cell.
        cell: Ref,
        /// Expected value.
        expected: CellValue,
        /// Absolute tolerance for numbers.
        #[serde(default)]
        tolerance: f64,
    },
    /// An artifact exists (of a kind, when given).
    Exists {
        /// Where.
        path: VPath,
        /// Required kind.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kind: Option<ArtifactKind>,
    },
    /// A deliverable exists, was exported from `source`, and is not stale.
    ExportedFresh {
        /// The deliverable.
        path: VPath,
        /// What it must be exported from.
        source: VPath,
    },
    /// An email was sent to `to` (optionally with a fresh attachment).
    EmailSent {
        /// Recipient address.
        to: String,
        /// Text the subject must contain (case-insensitive).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject_contains: Option<String>,
        /// An artifact that must be attached, not stale when sent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<VPath>,
    },
    /// A text, document, deck or email shows `needle` somewhere.
    Contains {
        /// Where.
        path: VPath,
        /// What.
        needle: String,
    },
    /// A cell is still computed by a formula (a constant typed over it
    /// fails), the given one when `formula` is set.
    FormulaKept {
        /// The cell.
        cell: Ref,
        /// The formula it must hold (without `=`; compared without spaces
        /// and case), or any formula when unset.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        formula: Option<String>,
    },
    /// An import into `path` reads `source` (a newer file than the one it
    /// read before) and has taken in `source`'s current revision.
    RefreshedFrom {
        /// The importing artifact (a workbook).
        path: VPath,
        /// The file it must import from.
        source: VPath,
    },
    /// Every artifact matching `pattern` (at least one must) holds no error
    /// value (`#REF!`, `#N/A`, `#DIV/0!`, `#VALUE!`, `#NAME?` …), and every
    /// number it quotes from a source agreed with that source when it was
    /// exported and when it was sent.
    CleanDeliverable {
        /// Path pattern of the deliverable (see [`path_matches`]).
        pattern: String,
    },
    /// A deliverable named by `pattern` made from `source`: exported from
    /// it and fresh, or made elsewhere and showing the same text as an
    /// export of `source` would (similarity at least `min_similarity`).
    Deliverable {
        /// Path pattern of the deliverable (see [`path_matches`]); the
        /// request states the name or the pattern.
        pattern: String,
        /// What it must be made from.
        source: VPath,
        /// The least text similarity, in [0, 1], for a deliverable not
        /// exported from `source` by the engine.
        #[serde(default = "default_similarity")]
        min_similarity: f64,
    },
    /// The right recipient: an email sent to `to`, carrying an attachment
    /// that matches `attachment`, fresh and clean when sent, to no address
    /// that is not entitled to what it carries.
    DeliveredTo {
        /// Recipient address.
        to: String,
        /// Path pattern the attachment must match (see [`path_matches`]).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<String>,
        /// Text the subject must contain (case-insensitive).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        subject_contains: Option<String>,
    },
}

fn default_similarity() -> f64 {
    0.9
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_credit_follows_the_policy() {
        let decay = LatePolicy::Decay { per_day: 0.25 };
        let cases = [
            (LatePolicy::Fail, -5, 1.0),
            (LatePolicy::Fail, 0, 1.0),
            (LatePolicy::Fail, 1, 0.0),
            (decay, 0, 1.0),
            (decay, 1, 0.75),
            (decay, 86_400, 0.75),
            (decay, 86_401, 0.5),
            (decay, 10 * 86_400, 0.0),
            (LatePolicy::Decay { per_day: 7.0 }, 1, 0.0),
        ];
        for (policy, late, want) in cases {
            assert_eq!(policy.credit(late), want, "{policy:?} {late}s late");
        }
    }

    #[test]
    fn entitlement_by_address_or_domain() {
        let c = Confidential {
            owner: "Chen".into(),
            material: vec!["/Clients/Chen/**".into()],
            entitled: vec!["chen@home.example".into(), "@firm.example".into()],
        };
        for (addr, want) in [
            ("chen@home.example", true),
            ("CHEN@home.example", true),
            ("boss@firm.example", true),
            ("boss@notfirm.example", false),
            ("@firm.example", false),
            ("lee@home.example", false),
        ] {
            assert_eq!(c.entitles(addr), want, "{addr}");
        }
        let p = |s: &str| -> VPath { s.parse().unwrap() };
        assert!(c.covers(&p("/Clients/Chen/a/b.pdf")));
        assert!(!c.covers(&p("/Clients/Cheng/b.pdf")));
    }

    #[test]
    fn patterns_match_names_or_whole_paths() {
        let p: VPath = "/Out/Q1 Review 2026-01-16.pdf".parse().unwrap();
        for (pat, want) in [
            ("Q1 Review *.pdf", true),
            ("q1 review 2026-01-??.pdf", true),
            ("*.csv", false),
            ("/Out/*", true),
            ("/*", false),
            ("/**", true),
            ("/**/*.pdf", true),
            ("Review*", false),
            ("", false),
        ] {
            assert_eq!(path_matches(pat, &p), want, "{pat:?}");
        }
    }
}
