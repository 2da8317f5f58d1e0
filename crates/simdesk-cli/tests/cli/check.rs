//! Tests of check, score and mine.
