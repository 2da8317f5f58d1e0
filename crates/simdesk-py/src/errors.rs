//! Python exceptions for Rust errors: one `SimdeskError` family whose
//! instances carry the Rust message, with each `source()` of the Rust error
//! as the exception's `__cause__`.

use std::error::Error;

use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::{PyTypeInfo, create_exception};

create_exception!(
    simdesk,
    SimdeskError,
    PyException,
    "Base class of every error simdesk raises. `str(e)` is the Rust message; \
     `e.__cause__` is the error beneath it, when there is one."
);
create_exception!(
    simdesk,
    InvalidInput,
    SimdeskError,
    "A value handed in is malformed: an op, a tool call's arguments, a cell range, \
     or anything that is not plain JSON data."
);
create_exception!(
    simdesk,
    PathError,
    SimdeskError,
    "A path is not a valid world path, or names nothing in the world."
);
create_exception!(
    simdesk,
    TemplateError,
    SimdeskError,
    "No template has this name, or generating from it failed."
);
create_exception!(
    simdesk,
    OpRefused,
    SimdeskError,
    "The world refused an op and did not change; `e.outcome` holds the outcome \
     with its diagnostics."
);
create_exception!(
    simdesk,
    SnapshotError,
    SimdeskError,
    "A world snapshot is malformed, too large, or fails its checks."
);
create_exception!(
    simdesk,
    ScenarioError,
    SimdeskError,
    "A session's scenario is malformed or does not fit its world."
);
create_exception!(
    simdesk,
    ReplayError,
    SimdeskError,
    "Replaying recorded steps gave a different result than was recorded."
);
create_exception!(
    simdesk,
    ResponderError,
    SimdeskError,
    "A session's responder raised; the call went on with the template's text. \
     `e.result` holds the call's result, `e.__cause__` what the responder raised."
);
create_exception!(
    simdesk,
    StoreError,
    SimdeskError,
    "Reading or writing files on disk failed."
);

/// An exception of class `T` with `err`'s message and its chain of causes.
pub(crate) fn to_py<T: PyTypeInfo>(py: Python<'_>, err: &(dyn Error + 'static)) -> PyErr {
    wrap::<T>(py, err.to_string(), err.source())
}

/// An exception of class `T` with this layer's `message` (naming what was
/// wrong) over the Rust error `source` and its chain.
pub(crate) fn wrap<T: PyTypeInfo>(
    py: Python<'_>,
    message: String,
    source: Option<&(dyn Error + 'static)>,
) -> PyErr {
    let e = PyErr::new::<T, _>(message);
    if let Some(source) = source {
        e.set_cause(py, Some(cause(py, source)));
    }
    e
}

/// A cause: an `OSError` (with its errno subclass) for an IO error, a
/// `SimdeskError` for anything else.
fn cause(py: Python<'_>, err: &(dyn Error + 'static)) -> PyErr {
    let e = match err.downcast_ref::<std::io::Error>() {
        Some(io) => PyErr::from(match io.raw_os_error() {
            Some(code) => std::io::Error::from_raw_os_error(code),
            None => std::io::Error::new(io.kind(), io.to_string()),
        }),
        None => PyErr::new::<SimdeskError, _>(err.to_string()),
    };
    if let Some(source) = err.source() {
        e.set_cause(py, Some(cause(py, source)));
    }
    e
}

/// An exception of class `T` with a message of this layer's own (a missing
/// path, a range too large), no Rust error beneath it.
pub(crate) fn new<T: PyTypeInfo>(message: impl Into<String>) -> PyErr {
    PyErr::new::<T, _>(message.into())
}
