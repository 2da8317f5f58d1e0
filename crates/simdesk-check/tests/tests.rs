//! Integration tests of simdesk-check: one binary, one module per area.

mod common;
mod desk;
mod generated;
mod hacks;
mod infer_recall;
mod infer_table;
mod mine_kinds;
mod plain;
mod rules;
mod sarif;
mod scripted;
mod solved;
