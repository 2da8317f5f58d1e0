//! End-to-end tests across crates: worlds built through the engine, written
//! by the formats crate, read back by third-party Rust readers.

mod xlsx_cached_values;
