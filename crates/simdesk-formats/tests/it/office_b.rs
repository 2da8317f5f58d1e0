//! Tests for pptx, pdf, eml and mbox.

mod eml;
mod fidelity;
mod golden;
mod malformed;
mod pdf;
mod pptx;
mod samples;
