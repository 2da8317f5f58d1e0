//! `simdesk.Session`: a world lived in by an agent (`simdesk_sim::Session`)
//! with its tool surface, and the responder hook that lets a Python
//! callable write collaborators' messages. Calls run with the GIL released;
//! the tool behaviour is the simulation crate's, written once there.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::types::PyDict;
use simdesk_sim::{Responder, ResponseContext, Scenario, Step};

use crate::convert::{from_py, json_text, to_py};
use crate::errors::{self, InvalidInput, ResponderError, ScenarioError, SimdeskError};
use crate::world::World;

/// A Python callable as the session's [`Responder`]. The first exception
/// it raises during a call is kept and raised once the call is over; the
/// message it was asked for keeps the template's text.
struct PyResponder {
    callable: Py<PyAny>,
    failure: Mutex<Option<PyErr>>,
}

impl Responder for PyResponder {
    fn respond(&self, ctx: &ResponseContext<'_>) -> Option<String> {
        Python::attach(|py| {
            let answer = context(py, ctx)
                .and_then(|c| self.callable.call1(py, (c,)))
                .and_then(|v| v.extract::<Option<String>>(py));
            match answer {
                Ok(text) => text,
                Err(e) => {
                    if let Ok(mut slot) = self.failure.lock() {
                        slot.get_or_insert(e);
                    }
                    None
                }
            }
        })
    }
}

/// What the responder is told, as a dict: `collaborator` (the scenario's
/// entry), `rule`, `agent`, `incoming` (the agent's email being answered,
/// or None) and `text` (the template's body).
fn context<'py>(py: Python<'py>, ctx: &ResponseContext<'_>) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("collaborator", to_py(py, ctx.collaborator)?)?;
    d.set_item("rule", ctx.rule)?;
    d.set_item("agent", to_py(py, ctx.agent)?)?;
    d.set_item("incoming", to_py(py, &ctx.incoming)?)?;
    d.set_item("text", ctx.text)?;
    Ok(d)
}

/// A world, its scenario (what arrives when, who answers and how, what
/// each call costs) and the agent, answering tool calls.
///
/// Safe to share between threads; each call takes the session's lock with
/// the GIL released. `fork()` copies nothing.
#[pyclass(frozen, module = "simdesk", name = "Session")]
pub struct Session {
    inner: Mutex<simdesk_sim::Session>,
    responder: Mutex<Option<Arc<PyResponder>>>,
    /// The thread holding `inner` during a call (0: none), so that a
    /// responder calling back into its own session is refused rather than
    /// left waiting for itself.
    owner: AtomicU64,
}

/// A number for the current thread, never 0.
fn thread_key() -> u64 {
    thread_local!(static KEY: u64 = {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        NEXT.fetch_add(1, Ordering::Relaxed)
    });
    KEY.with(|k| *k)
}

impl Session {
    fn wrap(inner: simdesk_sim::Session) -> Session {
        Session {
            inner: Mutex::new(inner),
            responder: Mutex::new(None),
            owner: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> PyResult<MutexGuard<'_, simdesk_sim::Session>> {
        if self.owner.load(Ordering::Acquire) == thread_key() {
            return Err(errors::new::<SimdeskError>(
                "session is busy: a responder called back into the session it answers for",
            ));
        }
        self.inner
            .lock()
            .map_err(|_| errors::new::<SimdeskError>("session is unusable after an earlier panic"))
    }

    /// Runs `f` on the session with the GIL released, then raises what the
    /// responder raised meanwhile, if anything (`result` carries `f`'s
    /// value as Python data).
    fn run<'py, T: serde::Serialize + Send>(
        &self,
        py: Python<'py>,
        f: impl FnOnce(&mut simdesk_sim::Session) -> T + Send,
    ) -> PyResult<(T, Option<PyErr>)> {
        let value = py.detach(|| {
            let mut s = self.lock()?;
            self.owner.store(thread_key(), Ordering::Release);
            let v = f(&mut s);
            self.owner.store(0, Ordering::Release);
            PyResult::Ok(v)
        })?;
        let failure = self
            .responder
            .lock()
            .ok()
            .and_then(|r| r.as_ref().and_then(|r| r.failure.lock().ok()?.take()));
        Ok((value, failure))
    }
}

/// A scenario from a dict (its JSON form) or TOML text.
fn scenario(py: Python<'_>, obj: &Bound<'_, PyAny>) -> PyResult<Scenario> {
    let parsed = match obj.extract::<String>() {
        Ok(toml) => Scenario::from_toml(&toml),
        Err(_) => Scenario::from_json(&json_text(obj, "scenario")?),
    };
    parsed.map_err(|e| errors::to_py::<ScenarioError>(py, &e))
}

/// The tools every session answers, in the JSON-schema form LLM function
/// calling uses: `name`, `description`, `input_schema` (an object schema).
#[pyfunction]
pub(crate) fn tools(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    to_py(py, &simdesk_sim::specs())
}

#[pymethods]
impl Session {
    /// A session over `world` (a fork of it: the world passed in does not
    /// change) following `scenario` (a dict in the scenario's JSON form, or
    /// TOML text), which is checked against the world first.
    /// `responder(context) -> str | None` may write collaborators' message
    /// text; see `set_responder`.
    #[new]
    #[pyo3(signature = (world, scenario, responder = None))]
    fn py_new(
        py: Python<'_>,
        world: &World,
        scenario: &Bound<'_, PyAny>,
        responder: Option<Py<PyAny>>,
    ) -> PyResult<Session> {
        let sc = Arc::new(self::scenario(py, scenario)?);
        let ws = world.workspace()?;
        let inner = py
            .detach(|| simdesk_sim::Session::new(ws, sc))
            .map_err(|e| errors::to_py::<ScenarioError>(py, &e))?;
        let s = Session::wrap(inner);
        s.set_responder(responder)?;
        Ok(s)
    }

    /// A session in the generated computer (template, seed, index,
    /// faults) — see `simdesk.generate`. `scenario` defaults to the
    /// computer's own month: requests arriving over four weeks,
    /// collaborators who answer, review, disagree and follow up.
    #[staticmethod]
    #[pyo3(signature = (template = simdesk_gen::DEFAULT_TEMPLATE, seed = 0, index = 0, faults = 0, scenario = None, responder = None))]
    #[allow(clippy::too_many_arguments)]
    fn generate(
        py: Python<'_>,
        template: &str,
        seed: u64,
        index: u64,
        faults: u32,
        scenario: Option<&Bound<'_, PyAny>>,
        responder: Option<Py<PyAny>>,
    ) -> PyResult<Session> {
        let (ws, month) = py
            .detach(|| crate::generated(template, seed, index, faults))
            .map_err(|e| errors::to_py::<crate::errors::TemplateError>(py, &*e))?;
        let sc = match (scenario, month) {
            (Some(s), _) => self::scenario(py, s)?,
            (None, Some(m)) => m,
            (None, None) => {
                least_scenario(&ws).map_err(|e| errors::to_py::<ScenarioError>(py, &e))?
            }
        };
        let inner = py
            .detach(|| simdesk_sim::Session::new(ws, Arc::new(sc)))
            .map_err(|e| errors::to_py::<ScenarioError>(py, &e))?;
        let s = Session::wrap(inner);
        s.set_responder(responder)?;
        Ok(s)
    }

    /// Lets `responder` write collaborators' messages from now on (None:
    /// the template's prose). It is called with a dict (`collaborator`,
    /// `rule`, `agent`, `incoming`, `text`) and returns the body or None
    /// to keep `text`. What it returns is recorded with the step, so
    /// `Session.replay` never calls it. If it raises, the template's text
    /// is used and the exception is raised as `ResponderError` (its
    /// `result` attribute holds the call's result) once the call is over.
    #[pyo3(signature = (responder))]
    fn set_responder(&self, responder: Option<Py<PyAny>>) -> PyResult<()> {
        let r = responder.map(|callable| {
            Arc::new(PyResponder {
                callable,
                failure: Mutex::new(None),
            })
        });
        let as_dyn = r.clone().map(|r| r as Arc<dyn Responder>);
        self.lock()?.set_responder(as_dyn);
        *self.responder.lock().map_err(|_| {
            errors::new::<SimdeskError>("session is unusable after an earlier panic")
        })? = r;
        Ok(())
    }

    /// The tools this session answers (the same for every session; see
    /// `simdesk.tools()`).
    #[pyo3(name = "tools")]
    fn list_tools<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        tools(py)
    }

    /// Calls the tool `name` with `args` (a dict) and returns the text the
    /// agent reads. A refused call is not an exception: its text says what
    /// was wrong and how to fix it, as an agent must see it.
    #[pyo3(signature = (name, args = None))]
    fn call(
        &self,
        py: Python<'_>,
        name: &str,
        args: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let result = self.invoke(py, name, args)?;
        result.get_item("text")?.extract()
    }

    /// Like `call`, but the whole result as a dict: `text`, `is_error`,
    /// `error` (a stable code), `time`, `arrived` (mail and files that came
    /// in), `finished`, and `done` (finished, or the month is over).
    #[pyo3(signature = (name, args = None))]
    fn invoke<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        args: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let text = match args {
            Some(a) => json_text(a, "tool arguments")?,
            None => "{}".to_owned(),
        };
        let ((result, done), failure) = self.run(py, |s| {
            let r = s.call_json(name, &text);
            let done = is_done(s);
            (r, done)
        })?;
        let value = to_py(py, &result)?;
        value.set_item("done", done)?;
        if let Some(cause) = failure {
            let err = ResponderError::new_err("the responder raised; the template's text was used");
            err.set_cause(py, Some(cause));
            err.value(py).setattr("result", &value)?;
            return Err(err);
        }
        Ok(value)
    }

    /// Renders every file's text view now, so forks made afterwards share
    /// them and read an unchanged file without rendering it (the base
    /// sessions `simdesk.gym` resets from do this). Changes no result.
    fn render_views(&self, py: Python<'_>) -> PyResult<()> {
        py.detach(|| {
            self.lock()?.render_views();
            PyResult::Ok(())
        })
    }

    /// An independent session sharing all unchanged state: O(1). The
    /// responder is shared too.
    fn fork(&self, py: Python<'_>) -> PyResult<Session> {
        let inner = py.detach(|| PyResult::Ok(self.lock()?.fork()))?;
        let s = Session::wrap(inner);
        *s.responder
            .lock()
            .map_err(|_| errors::new::<SimdeskError>("poisoned"))? = self
            .responder
            .lock()
            .map_err(|_| errors::new::<SimdeskError>("session is unusable after an earlier panic"))?
            .clone();
        Ok(s)
    }

    /// The world as it is now (a fork: changing it leaves the session as
    /// it is).
    #[getter]
    fn world(&self, py: Python<'_>) -> PyResult<World> {
        py.detach(|| Ok(World::new(self.lock()?.world().fork())))
    }

    /// The simulated time, ISO 8601.
    #[getter]
    fn now(&self) -> PyResult<String> {
        Ok(self.lock()?.now().to_string())
    }

    /// What the agent is told when the session starts.
    #[getter]
    fn brief(&self) -> PyResult<String> {
        Ok(self.lock()?.brief().to_owned())
    }

    /// True once the agent called `finish` or the month is over.
    #[getter]
    fn done(&self) -> PyResult<bool> {
        Ok(is_done(&*self.lock()?))
    }

    /// The emails in the agent's inbox, oldest first: each a dict with
    /// `path` and the email (`from`, `to`, `subject`, `date`, `body` …).
    fn inbox<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let mail = py.detach(|| {
            let s = self.lock()?;
            PyResult::Ok(inbox(&s))
        })?;
        to_py(py, &mail)
    }

    /// The score of the world's objectives now (see `World.score`).
    #[pyo3(signature = (objective = None))]
    fn score<'py>(&self, py: Python<'py>, objective: Option<&str>) -> PyResult<Bound<'py, PyAny>> {
        let report =
            py.detach(|| PyResult::Ok(simdesk_check::score(self.lock()?.world(), objective)))?;
        to_py(py, &report)
    }

    /// Every recorded step (`index`, `tool`, `args`, `started`, `result`,
    /// `responses`), oldest first.
    fn steps<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let steps: Vec<Step> =
            py.detach(|| PyResult::Ok(self.lock()?.steps().cloned().collect()))?;
        to_py(py, &steps)
    }

    /// Writes the session as a run folder at `dir`, exactly as the CLI and
    /// the MCP server write theirs (`simdesk_store::write_run`: start and
    /// final worlds, scenario, steps, score and `run.json`, renamed into
    /// place whole; an earlier run there is replaced, any other non-empty
    /// folder refused). `template`, `seed` and `label` go into
    /// `run.json`. Returns the contents of `run.json`.
    #[pyo3(signature = (dir, template = None, seed = None, label = None))]
    fn save_run<'py>(
        &self,
        py: Python<'py>,
        dir: std::path::PathBuf,
        template: Option<String>,
        seed: Option<u64>,
        label: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let session = self.lock()?.fork();
        let origin = simdesk_store::RunOrigin {
            door: "python".to_owned(),
            template,
            seed,
            index: None,
            label,
        };
        let meta = py
            .detach(|| simdesk_store::write_run(&dir, &session, &origin))
            .map_err(|e| crate::store::store_err(py, &e))?;
        to_py(py, &meta)
    }

    /// The recorded steps as JSON Lines.
    fn steps_jsonl(&self, py: Python<'_>) -> PyResult<String> {
        py.detach(|| {
            self.lock()?
                .steps_jsonl()
                .map_err(|e| Python::attach(|py| errors::to_py::<SimdeskError>(py, &e)))
        })
    }

    /// A session made again from `world` and `scenario` by replaying
    /// `steps` (`Session.steps()` of an earlier run, or its JSON Lines):
    /// each call is made again with what the responder wrote then, so no
    /// responder is needed, and each result must equal the recorded one.
    #[staticmethod]
    fn replay(
        py: Python<'_>,
        world: &World,
        scenario: &Bound<'_, PyAny>,
        steps: &Bound<'_, PyAny>,
    ) -> PyResult<Session> {
        let sc = Arc::new(self::scenario(py, scenario)?);
        let steps: Vec<Step> = match steps.extract::<String>() {
            Ok(jsonl) => jsonl
                .lines()
                .filter(|l| !l.trim().is_empty())
                .enumerate()
                .map(|(i, l)| {
                    serde_json::from_str(l).map_err(|e| {
                        errors::wrap::<InvalidInput>(
                            py,
                            format!("steps line {}: {e}", i + 1),
                            Some(&e),
                        )
                    })
                })
                .collect::<PyResult<_>>()?,
            Err(_) => from_py(steps, "steps")?,
        };
        let ws = world.workspace()?;
        let inner = py
            .detach(|| simdesk_sim::Session::replay(ws, sc, &steps))
            .map_err(|e| errors::to_py::<crate::errors::ReplayError>(py, &e))?;
        Ok(Session::wrap(inner))
    }

    fn __repr__(&self) -> PyResult<String> {
        let s = self.lock()?;
        Ok(format!(
            "<simdesk.Session at {}: {} steps{}>",
            s.now(),
            s.step_count(),
            if is_done(&s) { ", done" } else { "" }
        ))
    }
}

/// The scenario of a world with nothing scheduled: its persona as the
/// agent, in the home folder the generator recorded in the profile.
fn least_scenario(ws: &simdesk_engine::Workspace) -> Result<Scenario, simdesk_sim::ScenarioError> {
    let p = ws.persona();
    Scenario::from_json(
        &serde_json::json!({
            "agent": {"name": p.name, "address": p.email},
            "home": p.profile.get("home").and_then(|h| h.as_str()).unwrap_or("/"),
        })
        .to_string(),
    )
}

fn is_done(s: &simdesk_sim::Session) -> bool {
    s.is_finished() || s.scenario().end.is_some_and(|end| s.now() >= end)
}

/// The emails in `<home>/Mail/Inbox`, where the simulation delivers mail.
fn inbox(s: &simdesk_sim::Session) -> Vec<serde_json::Value> {
    let ws = s.world();
    let Ok(folder) = s.scenario().home.join("Mail").and_then(|m| m.join("Inbox")) else {
        return Vec::new();
    };
    ws.list(&folder)
        .into_iter()
        .filter_map(|e| match ws.artifact(&e.path) {
            Some(simdesk_model::Artifact::Email(m)) => {
                Some(serde_json::json!({"path": e.path, "email": m}))
            }
            _ => None,
        })
        .collect()
}
