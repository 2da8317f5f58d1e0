//! Integration tests of the formats crate: one binary, one module per area.

mod issue17;
mod office_a;
mod office_b;
