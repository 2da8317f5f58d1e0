//! Tests for xlsx, csv, docx, markdown, text and the zip guard.
//!
//! - `round_trip`: model → export → import, by example and by proptest,
//!   normalising exactly the exceptions the format modules document;
//! - `hostile`: malformed, truncated, oversized and random input, each a
//!   typed error, fast;
//! - `golden`: normalised XML parts against `golden/formats/office_a/`
//!   (`UPDATE_GOLDEN=1` rewrites them);
//! - `fidelity`: realistic files checked by openpyxl, python-docx and
//!   LibreOffice through `tests/fidelity/check_office_a.py`.

mod fidelity;
mod golden;
mod hostile;
mod round_trip;
mod samples;
