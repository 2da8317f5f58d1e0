//! Integration tests of simdesk-check: one binary, one module per area.

mod common;
mod generated;
mod rules;
mod sarif;
mod scripted;
