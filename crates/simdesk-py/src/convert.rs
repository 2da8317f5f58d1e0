//! Plain data across the boundary as JSON text: Python's C JSON encoder on
//! the way in (it guards recursion itself), serde_json with a size cap and
//! its depth limit into typed Rust values, and Python's `json.loads` on the
//! way out. No value is interpreted here; the Rust types decide.

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::errors::{InvalidInput, SimdeskError};

/// The largest JSON text accepted from Python for one value (an op, a tool
/// call's arguments), checked before any Rust value is built.
pub(crate) const MAX_INPUT_BYTES: usize = 16 << 20;

static ENCODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
static LOADS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn encoder(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    ENCODE
        .get_or_try_init(py, || {
            let json = py.import("json")?;
            let kwargs = pyo3::types::PyDict::new(py);
            kwargs.set_item("allow_nan", false)?;
            kwargs.set_item("separators", (",", ":"))?;
            let enc = json.getattr("JSONEncoder")?.call((), Some(&kwargs))?;
            Ok(enc.getattr("encode")?.unbind())
        })
        .map(|f| f.bind(py))
}

/// `obj` (dicts, lists, strings, numbers, booleans, None) as compact JSON
/// text, refused past [`MAX_INPUT_BYTES`]. `what` names the value in errors.
pub(crate) fn json_text(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<String> {
    let py = obj.py();
    let text: String = encoder(py)?
        .call1((obj,))
        .and_then(|t| t.extract())
        .map_err(|e| {
            let err = InvalidInput::new_err(format!("{what} is not plain JSON data: {e}"));
            err.set_cause(py, Some(e));
            err
        })?;
    if text.len() > MAX_INPUT_BYTES {
        return Err(InvalidInput::new_err(format!(
            "{what} is {} bytes as JSON, over the limit of {MAX_INPUT_BYTES} bytes",
            text.len()
        )));
    }
    Ok(text)
}

/// `obj` as the Rust type `T`, through its JSON form.
pub(crate) fn from_py<T: DeserializeOwned>(obj: &Bound<'_, PyAny>, what: &str) -> PyResult<T> {
    let text = json_text(obj, what)?;
    serde_json::from_str(&text).map_err(|e| {
        crate::errors::wrap::<InvalidInput>(obj.py(), format!("invalid {what}: {e}"), Some(&e))
    })
}

/// A Rust value as Python data (dicts, lists, strings, numbers).
pub(crate) fn to_py<'py, T: Serialize + ?Sized>(
    py: Python<'py>,
    value: &T,
) -> PyResult<Bound<'py, PyAny>> {
    let text =
        serde_json::to_string(value).map_err(|e| crate::errors::to_py::<SimdeskError>(py, &e))?;
    LOADS.import(py, "json", "loads")?.call1((text,))
}
