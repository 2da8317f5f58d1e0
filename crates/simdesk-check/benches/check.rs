//! Benchmarks of `check`.
fn main() {}
