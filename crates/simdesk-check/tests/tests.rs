//! Integration tests of simdesk-check: one binary, one module per area.

mod common;
mod desk;
mod generated;
mod hacks;
mod rules;
mod sarif;
mod scripted;
