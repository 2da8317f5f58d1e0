//! Tests of simdesk-learn: one binary, one module per area.

mod data;
mod runs;
mod skills;
