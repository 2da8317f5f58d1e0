//! Integration tests of simdesk-sim: the tool surface, collaborator rules,
//! determinism, replay and fork, hostile calls, and scenarios over
//! generated computers.

mod fixture;
mod gen_fixture;
mod generated;
mod hostile;
mod month;
mod reference;
mod replay;
mod rules;
mod scenario;
mod surface;
