//! Integration tests of simdesk-check: one binary, one module per area.

mod common;
mod rules;
mod scripted;
