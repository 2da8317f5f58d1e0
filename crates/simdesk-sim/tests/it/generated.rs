//! Scenarios over generated computers.
