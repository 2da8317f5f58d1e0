//! Placeholder until the disk benchmarks land.

fn main() {}
