//! Integration tests of the engine: one binary, one module per area.

mod fixture;
mod formulas;
mod graph;
mod ops;
mod persist;
mod random_ops;
mod refusals;
