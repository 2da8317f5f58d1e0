//! Integration tests of simdesk-check: one binary, one module per area.

mod common;
mod generated;
mod infer_recall;
mod infer_table;
mod plain;
mod rules;
mod sarif;
mod scripted;
