//! Limits on tool-call arguments, checked before typed values are built:
//! total size, nesting depth, string length and array length.

use serde_json::Value;

use crate::error::ToolError;

/// Bounds on one call's arguments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolLimits {
    /// Largest argument text, in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
    /// Longest string (keys included), in bytes.
    pub max_string: usize,
    /// Longest array or object.
    pub max_items: usize,
}

impl Default for ToolLimits {
    fn default() -> Self {
        ToolLimits {
            max_bytes: 1 << 20,
            max_depth: 16,
            max_string: 256 * 1024,
            max_items: 20_000,
        }
    }
}

fn limit(what: &'static str, limit: usize, actual: usize) -> ToolError {
    ToolError::Limit {
        what,
        limit,
        actual,
    }
}

/// Checks raw JSON text: its size, the depth of its brackets and the
/// length of its strings, in one pass over the bytes and without
/// allocating.
pub fn check_text(text: &str, limits: &ToolLimits) -> Result<(), ToolError> {
    if text.len() > limits.max_bytes {
        return Err(limit(
            "argument size in bytes",
            limits.max_bytes,
            text.len(),
        ));
    }
    let (mut depth, mut in_string, mut escaped, mut string_len) = (0usize, false, false, 0usize);
    for b in text.bytes() {
        if in_string {
            string_len += 1;
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            if string_len > limits.max_string {
                return Err(limit(
                    "string length in bytes",
                    limits.max_string,
                    string_len,
                ));
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                string_len = 0;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > limits.max_depth {
                    return Err(limit("nesting depth", limits.max_depth, depth));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Checks a JSON value already built (by a door): depth, string lengths
/// and the number of items of every array and object.
pub fn check_value(v: &Value, limits: &ToolLimits) -> Result<(), ToolError> {
    fn walk(v: &Value, depth: usize, l: &ToolLimits) -> Result<(), ToolError> {
        if depth > l.max_depth {
            return Err(limit("nesting depth", l.max_depth, depth));
        }
        match v {
            Value::String(s) if s.len() > l.max_string => {
                Err(limit("string length in bytes", l.max_string, s.len()))
            }
            Value::Array(a) => {
                if a.len() > l.max_items {
                    return Err(limit("array length", l.max_items, a.len()));
                }
                a.iter().try_for_each(|x| walk(x, depth + 1, l))
            }
            Value::Object(o) => {
                if o.len() > l.max_items {
                    return Err(limit("object size", l.max_items, o.len()));
                }
                o.iter().try_for_each(|(k, x)| {
                    if k.len() > l.max_string {
                        return Err(limit("key length in bytes", l.max_string, k.len()));
                    }
                    walk(x, depth + 1, l)
                })
            }
            _ => Ok(()),
        }
    }
    walk(v, 1, limits)
}
