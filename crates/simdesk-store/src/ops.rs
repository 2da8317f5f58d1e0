//! Reading a JSON Lines stream of ops (`simdesk apply`'s input) with
//! limits: the whole stream and every line are capped, and a line's
//! length is checked before any JSON value is built from it.

use std::io::{BufRead, BufReader, Read};

use simdesk_model::Op;

use crate::error::StoreError;
use crate::fsio::MAX_INPUT_BYTES;

/// Most bytes of one line of an op stream.
pub const MAX_OP_LINE: usize = 256 << 20;

/// Ops from a JSON Lines stream, one per non-blank line, with their
/// 1-based line numbers. A UTF-8 byte-order mark at the start is skipped.
///
/// ```
/// use simdesk_store::OpStream;
///
/// let text = "\u{feff}{\"op\":\"mkdir\",\"path\":\"/Clients\"}\n\n{\"op\":\"mkdir\",\"path\":\"/Out\"}\n";
/// let ops: Vec<_> = OpStream::new(text.as_bytes()).collect::<Result<_, _>>().unwrap();
/// assert_eq!(ops.iter().map(|(n, op)| (*n, op.name())).collect::<Vec<_>>(), [(1, "mkdir"), (3, "mkdir")]);
/// ```
#[derive(Debug)]
pub struct OpStream<R> {
    reader: BufReader<std::io::Take<R>>,
    line: usize,
    max_line: usize,
    buf: Vec<u8>,
    failed: bool,
}

impl<R: Read> OpStream<R> {
    /// Reads at most [`MAX_INPUT_BYTES`] from `reader`, lines of at most
    /// [`MAX_OP_LINE`] bytes.
    pub fn new(reader: R) -> OpStream<R> {
        OpStream::with_limits(reader, MAX_INPUT_BYTES, MAX_OP_LINE)
    }

    /// [`OpStream::new`] with other limits.
    pub fn with_limits(reader: R, max_total: u64, max_line: usize) -> OpStream<R> {
        OpStream {
            reader: BufReader::new(reader.take(max_total)),
            line: 0,
            max_line,
            buf: Vec::new(),
            failed: false,
        }
    }

    /// The next op and its line number; `None` at the end of the stream.
    pub fn next_op(&mut self) -> Result<Option<(usize, Op)>, StoreError> {
        loop {
            self.buf.clear();
            let read = (&mut self.reader)
                .take(self.max_line as u64 + 1)
                .read_until(b'\n', &mut self.buf)
                .map_err(|source| StoreError::OpStream { source })?;
            if read == 0 {
                return Ok(None);
            }
            self.line += 1;
            if self.buf.len() > self.max_line {
                return Err(StoreError::OpLineTooLong {
                    line: self.line,
                    limit: self.max_line,
                });
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
            }
            let text = std::str::from_utf8(bytes)
                .map_err(|_| StoreError::OpNotUtf8 { line: self.line })?;
            if text.trim().is_empty() {
                continue;
            }
            let op = serde_json::from_str(text).map_err(|source| StoreError::NotAnOp {
                line: self.line,
                source,
            })?;
            return Ok(Some((self.line, op)));
        }
    }
}

impl<R: Read> Iterator for OpStream<R> {
    type Item = Result<(usize, Op), StoreError>;

    /// Ends after the first error.
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let r = self.next_op().transpose();
        self.failed = matches!(r, Some(Err(_)));
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8], max_line: usize) -> Vec<String> {
        OpStream::with_limits(text, 1 << 20, max_line)
            .map(|r| match r {
                Ok((n, op)) => format!("{n}: {}", op.name()),
                Err(e) => format!("error: {}", crate::error::chain(&e)),
            })
            .collect()
    }

    #[test]
    fn lines_blank_lines_and_errors() {
        let ops = b"{\"op\":\"mkdir\",\"path\":\"/a\"}\n  \n{\"op\":\"mkdir\"}\n{\"op\":\"mkdir\",\"path\":\"/b\"}\n";
        expect_test::expect![[r#"
            [
                "1: mkdir",
                "error: line 3: not an op: missing field `path`",
            ]
        "#]]
        .assert_debug_eq(&read(ops, 100));
    }

    #[test]
    fn regression_an_op_line_was_parsed_before_its_length_was_checked() {
        let mut ops = b"{\"op\":\"mkdir\",\"path\":\"/".to_vec();
        ops.extend(std::iter::repeat_n(b'a', 200));
        ops.extend(b"\"}\n");
        assert_eq!(read(&ops, 64), ["error: line 1: longer than 64 bytes"]);
    }

    #[test]
    fn regression_byte_order_mark_refused_in_op_files() {
        assert_eq!(
            read(b"\xef\xbb\xbf{\"op\":\"mkdir\",\"path\":\"/a\"}\n", 100),
            ["1: mkdir"]
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_is_named() {
        assert_eq!(
            read(b"\xff\xfe\n", 100),
            ["error: line 2: not UTF-8"].map(|s| s.replace('2', "1"))
        );
    }
}
