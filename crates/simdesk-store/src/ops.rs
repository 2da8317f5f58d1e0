//! Reading a JSON Lines stream of ops (`simdesk apply`'s input) with
//! limits: the whole stream and every line are capped, and a line's
//! length is checked before any JSON value is built from it. A
//! `set_cells` or `set_range` line has its JSON values counted first
//! (nothing is allocated): more than [`MAX_CELL_OP_VALUES`] is refused
//! before the op is built, so a refused 2300×2300 range costs a pass over
//! its text, not gigabytes of cell values.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use simdesk_engine::MAX_CELLS_PER_OP;
use simdesk_model::Op;

use crate::error::StoreError;
use crate::fsio::MAX_INPUT_BYTES;

/// Most bytes of one line of an op stream.
pub const MAX_OP_LINE: usize = 256 << 20;

/// Most JSON values (objects, arrays and scalars) in one `set_cells` or
/// `set_range` line: eight per cell of the most cells one op may edit
/// (`{"cell":"B2","value":{"number":1},"format":"0.0"}` is five).
pub const MAX_CELL_OP_VALUES: u64 = 8 * MAX_CELLS_PER_OP as u64;

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
            self.count_cell_values(text)?;
            let op = serde_json::from_str(text).map_err(|source| StoreError::NotAnOp {
                line: self.line,
                source,
            })?;
            return Ok(Some((self.line, op)));
        }
    }
}

impl<R: Read> OpStream<R> {
    /// Refuses a `set_cells` or `set_range` line with more than
    /// [`MAX_CELL_OP_VALUES`] JSON values, counted without building any.
    fn count_cell_values(&self, text: &str) -> Result<(), StoreError> {
        #[derive(serde::Deserialize)]
        struct Kind<'a> {
            #[serde(borrow)]
            op: Cow<'a, str>,
        }
        // Not an op at all: the real parse says why.
        let Ok(kind) = serde_json::from_str::<Kind<'_>>(text) else {
            return Ok(());
        };
        if !matches!(kind.op.as_ref(), "set_cells" | "set_range") {
            return Ok(());
        }
        let n = Cell::new(0u64);
        let seed = Count {
            n: &n,
            max: MAX_CELL_OP_VALUES,
        };
        let mut de = serde_json::Deserializer::from_str(text);
        match seed.deserialize(&mut de) {
            Err(_) if n.get() > MAX_CELL_OP_VALUES => Err(StoreError::OpTooManyValues {
                line: self.line,
                op: kind.op.into_owned(),
                limit: MAX_CELL_OP_VALUES,
            }),
            _ => Ok(()),
        }
    }
}

/// Counts the JSON values it is given into `n`, failing past `max`;
/// allocates nothing (strings are seen borrowed or in serde_json's
/// scratch buffer).
#[derive(Clone, Copy)]
struct Count<'a> {
    n: &'a Cell<u64>,
    max: u64,
}

impl Count<'_> {
    fn bump<E: de::Error>(self) -> Result<(), E> {
        let v = self.n.get().saturating_add(1);
        self.n.set(v);
        if v > self.max {
            return Err(E::custom("too many values"));
        }
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Count<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Count<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.bump()
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.bump()
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.bump()
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.bump()
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.bump()
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.bump()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.bump()
    }

    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        self.deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.bump()?;
        while seq.next_element_seed(self)?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.bump()?;
        while map.next_key_seed(self)?.is_some() {
            map.next_value_seed(self)?;
        }
        Ok(())
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

    /// A refused 2300×2300 `set_range` line took 3.1 GB: its 5.3M cell
    /// values were built before the engine counted them.
    #[test]
    fn regression_a_huge_set_range_was_built_before_it_was_refused() {
        let row = format!("[{}]", vec!["{\"value\":{\"number\":1}}"; 2300].join(","));
        let rows = vec![row.as_str(); 2300].join(",");
        let line = format!(
            "{{\"op\":\"set_range\",\"path\":\"/a.xlsx\",\"sheet\":\"S\",\"start\":\"A1\",\"rows\":[{rows}]}}\n"
        );
        let r: Vec<String> = OpStream::with_limits(line.as_bytes(), 1 << 30, 1 << 30)
            .map(|r| match r {
                Ok((n, op)) => format!("{n}: {}", op.name()),
                Err(e) => format!("error: {e}"),
            })
            .collect();
        assert_eq!(
            r,
            ["error: line 1: set_range holds more than 8000000 JSON values"]
        );
        // Within the limit the op is read as before.
        let small = "{\"op\":\"set_range\",\"path\":\"/a.xlsx\",\"sheet\":\"S\",\"start\":\"A1\",\"rows\":[[{\"value\":{\"number\":1}}]]}\n";
        assert_eq!(read(small.as_bytes(), 1 << 20), ["1: set_range"]);
    }

    #[test]
    fn a_line_that_is_not_utf8_is_named() {
        assert_eq!(
            read(b"\xff\xfe\n", 100),
            ["error: line 2: not UTF-8"].map(|s| s.replace('2', "1"))
        );
    }
}
