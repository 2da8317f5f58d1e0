//! Tests for pptx, pdf, eml and mbox.
