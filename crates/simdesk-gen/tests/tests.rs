//! The single integration-test binary of simdesk-gen: one module per area.

mod build;
mod common;
mod dates;
mod generate;
mod invariants;
mod locale;
mod malformed;
mod people;
mod schema;
mod variety;
