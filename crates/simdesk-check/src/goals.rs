//! The one evaluator of every goal kind: what the goal wants, what the
//! world holds, whether it is met, the events that show it and when the
//! work was done (for the objective's due date).
//!
//! State goals (cells, formulas, imports, files) are judged on the world
//! as it is now; deliveries (emails) on the world right after the email
//! was sent, so a deliverable fixed after it went out does not count, and
//! one broken after it went out does not spoil it.

use simdesk_engine::{EdgeKind, Workspace};
use simdesk_model::{
    Artifact, CellValue, Code, Confidential, Event, Goal, RefTarget, SimTime, VPath, path_matches,
};

use crate::deliver::{export_text, owners, provenance, similarity, unclean};
use crate::history::{History, Sent};
use crate::score::GoalResult;

/// What a judge reads: the world now, its history, and the world-level
/// confidentiality rules.
pub(crate) struct Judge<'a, 'w> {
    /// The state judged: the world now, or as it was when an email went.
    pub ws: &'a Workspace,
    pub hist: &'a History<'w>,
    pub rules: Vec<&'w Confidential>,
}

fn shown(v: &CellValue) -> String {
    match v {
        CellValue::Text(t) => format!("{t:?}"),
        CellValue::Empty => "empty".to_owned(),
        v => v.to_plain(),
    }
}

/// A goal's result under construction.
struct R {
    met: bool,
    expected: String,
    actual: String,
    evidence: Vec<u64>,
    at: Option<SimTime>,
    similarity: Option<f64>,
}

impl R {
    fn new(expected: String) -> R {
        R {
            met: false,
            expected,
            actual: String::new(),
            evidence: Vec::new(),
            at: None,
            similarity: None,
        }
    }
    fn fail(mut self, actual: impl Into<String>) -> R {
        self.actual = actual.into();
        self
    }
    fn pass(mut self, actual: impl Into<String>) -> R {
        self.met = true;
        self.actual = actual.into();
        self
    }
    fn by(mut self, e: Option<&Event>) -> R {
        if let Some(e) = e {
            self.evidence.push(e.seq);
            self.at = Some(e.time);
        }
        self
    }
}

impl<'w> Judge<'_, 'w> {
    /// The agent's last applied event that targeted `path`.
    fn last_touch(&self, path: &VPath) -> Option<&'w Event> {
        self.hist
            .agent_events()
            .filter(|e| crate::score::op_targets(&e.op).contains(&path))
            .last()
    }

    /// The agent's event since which a goal on `path` has held: walking
    /// back over the agent's events that targeted `path`, the earliest
    /// one after which the goal held at every later such event (and now).
    /// Later work on the same file that leaves the goal's part alone does
    /// not make an objective done later.
    fn held_since(
        &self,
        path: &VPath,
        holds: impl Fn(&Judge<'_, 'w>) -> bool,
    ) -> Option<&'w Event> {
        let touches: Vec<&'w Event> = self
            .hist
            .agent_events()
            .filter(|e| crate::score::op_targets(&e.op).contains(&path))
            .collect();
        let mut at = touches.last().copied();
        for e in touches.iter().rev().skip(1) {
            let Some(state) = self.hist.after_agent(e.seq) else {
                break;
            };
            let then = Judge {
                ws: state,
                hist: self.hist,
                rules: self.rules.clone(),
            };
            if !holds(&then) {
                break;
            }
            at = Some(e);
        }
        at
    }

    /// A met state goal's evidence: the event since which it has held.
    fn since(&self, mut r: R, path: Option<&VPath>, holds: impl Fn(&Judge<'_, 'w>) -> bool) -> R {
        if !r.met {
            return r;
        }
        if let Some(p) = path
            && let Some(e) = self.held_since(p, holds)
        {
            r.evidence = vec![e.seq];
            r.at = Some(e.time);
        }
        r
    }

    /// Judges one goal.
    pub fn judge(&self, g: &Goal) -> GoalResult {
        let r = self.judge_now(g);
        let r = match g {
            Goal::CellEquals {
                cell,
                expected,
                tolerance,
            } => self.since(r, cell.path.as_ref(), |j| {
                j.cell_equals(cell, expected, *tolerance).met
            }),
            Goal::FormulaKept { cell, formula } => self.since(r, cell.path.as_ref(), |j| {
                j.formula_kept(cell, formula.as_deref()).met
            }),
            Goal::RefreshedFrom { path, source } => {
                self.since(r, Some(path), |j| j.refreshed_from(path, source).met)
            }
            _ => r,
        };
        GoalResult {
            goal: g.clone(),
            passed: r.met,
            expected: r.expected,
            actual: r.actual,
            evidence: r.evidence,
            at: r.at,
            similarity: r.similarity,
        }
    }

    /// Judges one goal on [`Judge::ws`], its evidence the agent's last
    /// event on what it names.
    fn judge_now(&self, g: &Goal) -> R {
        match g {
            Goal::CellEquals {
                cell,
                expected,
                tolerance,
            } => self.cell_equals(cell, expected, *tolerance),
            Goal::Exists { path, kind } => {
                let want = match kind {
                    Some(k) => format!("a {k} at {path}"),
                    None => format!("something at {path}"),
                };
                let r = R::new(want).by(self.last_touch(path));
                match self.ws.artifact(path) {
                    None => r.fail(format!("nothing at {path}")),
                    Some(a) if kind.is_none_or(|k| a.kind() == k) => {
                        r.pass(format!("a {} at {path}", a.kind()))
                    }
                    Some(a) => r.fail(format!("a {} at {path}", a.kind())),
                }
            }
            Goal::ExportedFresh { path, source } => self.exported_fresh(path, source),
            Goal::EmailSent {
                to,
                subject_contains,
                attachment,
            } => {
                let mut want = format!("an email sent to {to}");
                if let Some(s) = subject_contains {
                    want.push_str(&format!(" with {s:?} in the subject"));
                }
                if let Some(a) = attachment {
                    want.push_str(&format!(" attaching {a}, fresh when sent"));
                }
                self.delivered(
                    R::new(want),
                    to,
                    subject_contains.as_deref(),
                    attachment.as_ref().map(Attach::Path),
                    false,
                )
            }
            Goal::DeliveredTo {
                to,
                attachment,
                subject_contains,
            } => {
                let mut want = format!("an email sent to {to}");
                if let Some(s) = subject_contains {
                    want.push_str(&format!(" with {s:?} in the subject"));
                }
                if let Some(a) = attachment {
                    want.push_str(&format!(
                        " attaching a file matching {a:?}, fresh and clean when sent"
                    ));
                }
                want.push_str(", to nobody not entitled to it");
                self.delivered(
                    R::new(want),
                    to,
                    subject_contains.as_deref(),
                    attachment.as_deref().map(Attach::Pattern),
                    true,
                )
            }
            Goal::Contains { path, needle } => {
                let r = R::new(format!("{path} shows {needle:?}")).by(self.last_touch(path));
                match self.ws.artifact(path) {
                    None => r.fail(format!("nothing at {path}")),
                    Some(a) => {
                        let text = simdesk_engine::plain_text(a);
                        if text.contains(needle.as_str()) {
                            r.pass(format!("{path} shows {needle:?}"))
                        } else {
                            let excerpt: String = text.chars().take(160).collect();
                            r.fail(format!("{path} does not show it; it begins {excerpt:?}"))
                        }
                    }
                }
            }
            Goal::FormulaKept { cell, formula } => self.formula_kept(cell, formula.as_deref()),
            Goal::RefreshedFrom { path, source } => self.refreshed_from(path, source),
            Goal::CleanDeliverable { pattern } => self.clean_deliverable(pattern),
            Goal::Deliverable {
                pattern,
                source,
                min_similarity,
            } => self.deliverable(pattern, source, *min_similarity),
        }
    }

    fn cell_equals(&self, cell: &simdesk_model::Ref, expected: &CellValue, tolerance: f64) -> R {
        let want = if tolerance > 0.0 {
            format!("{cell} = {} ± {tolerance}", shown(expected))
        } else {
            format!("{cell} = {}", shown(expected))
        };
        let r = R::new(want);
        let (Some(path), RefTarget::Cell { sheet, cell: addr }) = (&cell.path, &cell.target) else {
            return r.fail("the goal does not name one cell");
        };
        let r = r.by(self.last_touch(path));
        let actual = match self.ws.artifact(path) {
            None => return r.fail(format!("no artifact at {path}")),
            Some(Artifact::Workbook(w)) => match w.sheet(sheet) {
                None => return r.fail(format!("no sheet {sheet:?} in {path}")),
                Some(s) => s.value(*addr).clone(),
            },
            Some(a) => return r.fail(format!("{path} is a {}", a.kind())),
        };
        let met = match (actual.as_number(), expected.as_number()) {
            (Some(a), Some(e)) => (a - e).abs() <= tolerance + 1e-9 * e.abs().max(1.0),
            _ => &actual == expected,
        };
        let shown = format!("{cell} = {}", shown(&actual));
        if met { r.pass(shown) } else { r.fail(shown) }
    }

    fn formula_kept(&self, cell: &simdesk_model::Ref, formula: Option<&str>) -> R {
        let want = match formula {
            Some(f) => format!("{cell} computed by ={f}"),
            None => format!("{cell} computed by a formula"),
        };
        let r = R::new(want);
        let (Some(path), RefTarget::Cell { sheet, cell: addr }) = (&cell.path, &cell.target) else {
            return r.fail("the goal does not name one cell");
        };
        let r = r.by(self.last_touch(path));
        let Some(c) = self.ws.cell(path, sheet, *addr) else {
            return r.fail(format!("{cell} is empty or missing"));
        };
        let norm = |f: &str| -> String {
            f.trim_start_matches('=')
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect()
        };
        match (&c.formula, formula) {
            (None, _) => r.fail(format!(
                "{cell} holds the constant {} (a value typed over its formula)",
                shown(&c.value)
            )),
            (Some(f), Some(want)) if norm(f) != norm(want) => {
                r.fail(format!("{cell} is computed by ={f}"))
            }
            (Some(f), _) => r.pass(format!("{cell} is computed by ={f}")),
        }
    }

    fn refreshed_from(&self, path: &VPath, source: &VPath) -> R {
        let r = R::new(format!(
            "{path} imports {source} and has taken in its current revision"
        ))
        .by(self.last_touch(path));
        if self.ws.artifact(path).is_none() {
            return r.fail(format!("nothing at {path}"));
        }
        if self.ws.artifact(source).is_none() {
            return r.fail(format!("nothing at {source}"));
        }
        let imports: Vec<_> = self
            .ws
            .edges_into(path)
            .into_iter()
            .filter(|e| matches!(e.kind, EdgeKind::Import | EdgeKind::ManualCellLink))
            .collect();
        match imports.iter().find(|e| &e.source == source) {
            Some(e) if e.behind => r.fail(format!(
                "{path} imports {source} but holds its revision {}, not {}",
                e.seen, e.source_rev
            )),
            Some(e) => r.pass(format!(
                "{path} imports {source} at its current revision {}",
                e.source_rev
            )),
            None if imports.is_empty() => r.fail(format!("{path} imports nothing")),
            None => r.fail(format!(
                "{path} imports {}, not {source}",
                imports
                    .iter()
                    .map(|e| e.source.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    fn exported_fresh(&self, path: &VPath, source: &VPath) -> R {
        let r = R::new(format!("{path} exported from {source} and not stale"))
            .by(self.last_touch(path));
        if self.ws.artifact(path).is_none() {
            return r.fail(format!("nothing at {path}"));
        }
        let from = self
            .ws
            .edges_into(path)
            .into_iter()
            .find(|e| e.kind == EdgeKind::Export);
        match from {
            None => r.fail(format!("{path} was not exported (written by hand)")),
            Some(e) if &e.source != source => r.fail(format!(
                "{path} was exported from {}, not {source}",
                e.source
            )),
            Some(_) => match unclean(self.ws, path) {
                Some(why) => r.fail(why),
                None => r.pass(format!("{path} exported from {source}, fresh")),
            },
        }
    }

    /// Current artifacts whose path matches `pattern`.
    fn matching(&self, pattern: &str) -> Vec<&VPath> {
        self.ws
            .artifacts()
            .map(|(p, _)| p)
            .filter(|p| path_matches(pattern, p))
            .collect()
    }

    fn clean_deliverable(&self, pattern: &str) -> R {
        let mut r = R::new(format!(
            "a file matching {pattern:?}, free of error values and agreeing with its sources when made and when sent"
        ));
        let found = self.matching(pattern);
        if found.is_empty() {
            return r.fail(format!("no file matches {pattern:?}"));
        }
        let mut bad = Vec::new();
        for p in &found {
            if let Some(e) = self.last_touch(p) {
                r = r.by(Some(e));
            }
            if let Some(why) = unclean(self.ws, p) {
                bad.push(why);
            }
        }
        for s in &self.hist.sent {
            for a in s
                .email
                .attachments
                .iter()
                .filter(|a| path_matches(pattern, a))
            {
                r = r.by(Some(s.event));
                if let Some(why) = self.unclean_when_sent(s, a) {
                    bad.push(format!("when sent at #{}: {why}", s.event.seq));
                }
            }
        }
        if bad.is_empty() {
            let names: Vec<&str> = found.iter().map(|p| p.as_str()).collect();
            r.pass(format!("clean: {}", names.join(", ")))
        } else {
            r.fail(bad.join("; "))
        }
    }

    fn unclean_when_sent(&self, s: &Sent<'_>, a: &VPath) -> Option<String> {
        let stale = s.event.diagnostics.iter().find(|d| {
            d.code == Code::StaleAttachment
                && d.refs.first().and_then(|r| r.path.as_ref()) == Some(a)
        });
        if let Some(d) = stale {
            return Some(format!("{a} was stale ({})", d.message));
        }
        unclean(self.hist.after_send(s.event.seq).unwrap_or(self.ws), a)
    }

    fn deliverable(&self, pattern: &str, source: &VPath, min: f64) -> R {
        let r = R::new(format!(
            "a file matching {pattern:?} made from {source}: exported from it and fresh, or showing the same text as its export (similarity at least {min:.2}, the same numbers)"
        ));
        let found = self.matching(pattern);
        if found.is_empty() {
            return r.fail(format!("no file matches {pattern:?}"));
        }
        let mut near = Vec::new();
        let mut best: Option<f64> = None;
        let style = crate::quote::world_style(self.ws);
        for p in found {
            let exported = self
                .ws
                .edges_into(p)
                .into_iter()
                .any(|e| e.kind == EdgeKind::Export && &e.source == source);
            let r = R::new(r.expected.clone()).by(self.last_touch(p));
            if exported {
                match unclean(self.ws, p) {
                    None => {
                        let mut r = r.pass(format!("{p} exported from {source}, fresh"));
                        r.similarity = Some(1.0);
                        return r;
                    }
                    Some(why) => near.push(why),
                }
                continue;
            }
            let Some(text) = self.ws.artifact(p).map(simdesk_engine::plain_text) else {
                continue;
            };
            let Some(want) = export_text(self.ws, source, p, None) else {
                near.push(format!("{source} cannot be exported as {p}"));
                continue;
            };
            let s = similarity(&text, &want, &style);
            best = Some(best.map_or(s.words, |b: f64| b.max(s.words)));
            if s.words + 1e-12 >= min && s.numbers_agree {
                let mut r = r.pass(format!(
                    "{p} was not exported here but shows the text of an export of {source} (similarity {:.3}, same numbers)",
                    s.words
                ));
                r.similarity = Some(s.words);
                return r;
            }
            near.push(format!(
                "{p} is not an export of {source}; its text has similarity {:.3} with that export{}",
                s.words,
                if s.numbers_agree {
                    ""
                } else {
                    " and quotes other numbers"
                }
            ));
        }
        let mut r = r.fail(near.join("; "));
        r.similarity = best;
        r
    }

    /// The first email to `to` that meets the goal, judged as it was sent.
    fn delivered(
        &self,
        r: R,
        to: &str,
        subject: Option<&str>,
        attachment: Option<Attach<'_>>,
        strict: bool,
    ) -> R {
        let mut near = Vec::new();
        for s in self.hist.sent.iter().filter(|s| s.goes_to(to)) {
            let seq = s.event.seq;
            if let Some(d) = s.misdated() {
                near.push(format!(
                    "#{seq} {} is dated {d} but was sent at {}",
                    s.path, s.event.time
                ));
                continue;
            }
            if let Some(want) = subject
                && !s
                    .email
                    .subject
                    .to_lowercase()
                    .contains(&want.to_lowercase())
            {
                near.push(format!(
                    "#{seq} {} has subject {:?}",
                    s.path, s.email.subject
                ));
                continue;
            }
            let mut carried = None;
            if let Some(want) = attachment {
                let Some(a) = s.email.attachments.iter().find(|a| want.matches(a)) else {
                    near.push(format!("#{seq} {} does not attach {want}", s.path));
                    continue;
                };
                let why = if strict {
                    self.unclean_when_sent(s, a)
                } else {
                    self.stale_when_sent(s, a)
                };
                if let Some(why) = why {
                    near.push(format!("#{seq} {}: {why}", s.path));
                    continue;
                }
                carried = Some(a);
            }
            if strict && let Some(why) = self.violation(s) {
                near.push(format!("#{seq} {}: {why}", s.path));
                continue;
            }
            return r.by(Some(s.event)).pass(format!(
                "#{seq} {} sent to {to} at {}, subject {:?}{}",
                s.path,
                s.event.time,
                s.email.subject,
                carried.map_or(String::new(), |a| format!(", with {a} fresh"))
            ));
        }
        if near.is_empty() {
            r.fail(format!("no email was sent to {to}"))
        } else {
            r.fail(near.join("; "))
        }
    }

    fn stale_when_sent(&self, s: &Sent<'_>, a: &VPath) -> Option<String> {
        let d = s.event.diagnostics.iter().find(|d| {
            d.code == Code::StaleAttachment
                && d.refs.first().and_then(|r| r.path.as_ref()) == Some(a)
        })?;
        Some(format!("attached {a} while it was stale ({})", d.message))
    }

    /// The first privacy violation of an email: a recipient not entitled
    /// to the material it carries.
    pub fn violation(&self, s: &Sent<'_>) -> Option<String> {
        violations(self, s).into_iter().next().map(|v| v.message)
    }
}

/// One privacy violation: whose material went to whom.
pub(crate) struct Violation<'w> {
    pub rule: &'w Confidential,
    pub attachment: VPath,
    pub recipient: String,
    pub message: String,
}

/// Every privacy violation of one sent email, judged on the world as it
/// was sent.
pub(crate) fn violations<'w>(j: &Judge<'_, 'w>, s: &Sent<'_>) -> Vec<Violation<'w>> {
    let me = &j.ws.persona().email;
    let at = j.hist.after_send(s.event.seq).unwrap_or(j.ws);
    let mut out = Vec::new();
    for a in &s.email.attachments {
        let made_from = provenance(at, a);
        for rule in owners(&j.rules, &made_from) {
            for to in s.recipients() {
                if to.eq_ignore_ascii_case(me) || rule.entitles(to) {
                    continue;
                }
                out.push(Violation {
                    rule,
                    attachment: a.clone(),
                    recipient: to.to_owned(),
                    message: format!(
                        "{a} is {}'s material and {to} is not entitled to it",
                        rule.owner
                    ),
                });
            }
        }
    }
    out
}

#[derive(Clone, Copy)]
enum Attach<'a> {
    Path(&'a VPath),
    Pattern(&'a str),
}

impl Attach<'_> {
    fn matches(self, p: &VPath) -> bool {
        match self {
            Attach::Path(want) => want == p,
            Attach::Pattern(pat) => path_matches(pat, p),
        }
    }
}

impl std::fmt::Display for Attach<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Attach::Path(p) => write!(f, "{p}"),
            Attach::Pattern(p) => write!(f, "a file matching {p:?}"),
        }
    }
}
