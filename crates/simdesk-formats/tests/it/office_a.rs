//! Tests for xlsx, csv, docx, markdown, text and the zip guard.
