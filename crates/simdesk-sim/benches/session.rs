//! Benchmarks of a session (filled in below).

fn main() {}
