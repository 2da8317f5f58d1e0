//! End-to-end tests across the simdesk crates live in `e2e/`; this library
//! is empty and exists so the tests have a package.
