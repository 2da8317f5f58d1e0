//! Integration tests of the formats crate: one binary, one module per area.

mod office_a;
mod office_b;
