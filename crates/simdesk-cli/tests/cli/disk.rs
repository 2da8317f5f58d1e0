//! Tests of export and import of worlds on disk.
