//! Excel's rounding of halves in `TEXT` and `FIXED`, over ironcalc's.
//!
//! Excel rounds the number `TEXT` and `FIXED` show half away from zero:
//! `TEXT(1234.5,"$#,##0")` is `$1,235`, `TEXT(2.5,"0")` is `3`,
//! `FIXED(2.5,0)` is `3`. ironcalc 0.9 formats with Rust's float
//! formatting, which rounds an exact half to even (`$1,234`, `2`, `2`).
//! ironcalc's `ROUND` is Excel's, so the text handed to the evaluator
//! rounds first, to the digits the call shows:
//!
//! - `FIXED(x, d, …)` becomes `FIXED(ROUND(x,d), d, …)` (`d` is 2 when
//!   absent);
//! - `TEXT(x, "fmt")` with a literal number format becomes
//!   `TEXT(IFERROR(ROUND(x,n),x), "fmt")`, where `n` is the format's
//!   decimal places, plus 2 per `%`, minus 3 per thousands-scaling comma
//!   (text that is not a number passes through `IFERROR` untouched, as
//!   `TEXT` of text is the text). Formats with dates, times, exponents,
//!   fractions, `@`, sections that show different digits, or a format
//!   that is not a literal are left to ironcalc.
//!
//! Only the evaluator's copy changes; the cell keeps the formula as
//! written, and the references read are the same.
//!
//! Upstream report for ironcalc (minimal case, not yet filed from here):
//! "`=TEXT(2.5,"0")` gives `2` and `=FIXED(2.5,0)` gives `2`; Excel gives
//! `3` for both (halves round away from zero in number formats, as in
//! ROUND). `format_number` and `format_abs` use Rust's `{:.*}` formatting,
//! which rounds ties to even."

/// The formula text ironcalc is given for `formula` (without `=`): every
/// `TEXT` and `FIXED` call rounds its number first (see the module docs).
/// Formulas without either call come back borrowed.
pub(crate) fn round_halves(formula: &str) -> std::borrow::Cow<'_, str> {
    let upper = formula.to_ascii_uppercase();
    if !upper.contains("TEXT(") && !upper.contains("FIXED(") {
        return std::borrow::Cow::Borrowed(formula);
    }
    std::borrow::Cow::Owned(rewrite(formula))
}

/// Rewrites every call in `s`, inside out.
fn rewrite(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 32);
    let mut i = 0;
    let mut copied = 0;
    while i < b.len() {
        match b[i] {
            b'"' => i = skip_string(b, i),
            b'\'' => i = skip_quoted_sheet(b, i),
            c if c.is_ascii_alphabetic() && (i == 0 || !is_name_char(b[i - 1])) => {
                let start = i;
                while i < b.len() && is_name_char(b[i]) {
                    i += 1;
                }
                let name = s[start..i].to_ascii_uppercase();
                let is_call = i < b.len() && b[i] == b'(';
                if !(is_call && (name == "TEXT" || name == "FIXED")) {
                    continue;
                }
                let Some((args, end)) = split_args(s, i) else {
                    // Unbalanced: leave the rest to the evaluator's parser.
                    break;
                };
                let args: Vec<String> = args.iter().map(|a| rewrite(a)).collect();
                let call = rounded(&name, &s[start..i], &args)
                    .unwrap_or_else(|| format!("{}({})", &s[start..i], args.join(",")));
                out.push_str(&s[copied..start]);
                out.push_str(&call);
                copied = end;
                i = end;
            }
            _ => i += 1,
        }
    }
    out.push_str(&s[copied..]);
    out
}

fn is_name_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
}

/// The index after the string literal starting at `i` (`""` escapes a
/// quote).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        if b[i] == b'"' {
            if b.get(i + 1) == Some(&b'"') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// The index after a quoted sheet name starting at `i` (`''` escapes).
fn skip_quoted_sheet(b: &[u8], mut i: usize) -> usize {
    i += 1;
    while i < b.len() {
        if b[i] == b'\'' {
            if b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    i
}

/// The arguments of the call whose `(` is at `open`, split at top-level
/// commas, and the index after its `)`; `None` when unbalanced.
fn split_args(s: &str, open: usize) -> Option<(Vec<&str>, usize)> {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = open + 1;
    let mut start = i;
    let mut args = Vec::new();
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'\'' => {
                i = skip_quoted_sheet(b, i);
                continue;
            }
            b'(' | b'{' => depth += 1,
            b')' if depth == 0 => {
                args.push(&s[start..i]);
                return Some((args, i + 1));
            }
            b')' | b'}' => depth = depth.saturating_sub(1),
            b',' if depth == 0 => {
                args.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The call rewritten to round first, or `None` to keep it as it is.
fn rounded(name: &str, written: &str, args: &[String]) -> Option<String> {
    match (name, args) {
        ("FIXED", [x]) => Some(format!("{written}(ROUND({x},2))")),
        ("FIXED", [x, d, rest @ ..]) if !d.trim().is_empty() => {
            let mut call = format!("{written}(ROUND({x},{d}),{d}");
            for r in rest {
                call.push(',');
                call.push_str(r);
            }
            call.push(')');
            Some(call)
        }
        ("TEXT", [x, f]) => {
            let digits = shown_digits(&literal(f)?)?;
            Some(format!("{written}(IFERROR(ROUND({x},{digits}),{x}),{f})"))
        }
        _ => None,
    }
}

/// The text of a string literal argument (`"0.0"`), or `None`.
fn literal(arg: &str) -> Option<String> {
    let t = arg.trim();
    let inner = t.strip_prefix('"')?.strip_suffix('"')?;
    if inner.replace("\"\"", "").contains('"') {
        return None;
    }
    Some(inner.replace("\"\"", "\""))
}

/// The decimal places a number format shows, counting `%` (×100) and
/// thousands-scaling commas (÷1000): what `ROUND` must keep so that the
/// format has no half left to round. `None` for formats this does not
/// model (dates, times, exponents, fractions, text, sections that differ).
fn shown_digits(format: &str) -> Option<i32> {
    let mut result: Option<i32> = None;
    for section in sections(format) {
        let d = section_digits(&section)?;
        match result {
            Some(r) if r != d => return None,
            _ => result = Some(d),
        }
    }
    result
}

/// The sections of a format (split at `;` outside quotes), at most the
/// three numeric ones (the fourth is for text).
fn sections(format: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut quoted = false;
    let mut escaped = false;
    for c in format.chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if c == ';' && !quoted {
            out.push(String::new());
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.push(c);
        }
    }
    out.truncate(3);
    out
}

/// [`shown_digits`] of one section.
fn section_digits(section: &str) -> Option<i32> {
    let mut decimals = 0i32;
    let mut percent = 0i32;
    let mut after_point = false;
    let mut commas_pending = 0i32;
    let mut scaling = 0i32;
    let mut seen_digit = false;
    let mut chars = section.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                }
            }
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => {
                // Colours and conditions; a `[h]` elapsed time is a time.
                let mut inner = String::new();
                for q in chars.by_ref() {
                    if q == ']' {
                        break;
                    }
                    inner.push(q);
                }
                let lower = inner.to_ascii_lowercase();
                if matches!(lower.as_str(), "h" | "hh" | "m" | "mm" | "s" | "ss") {
                    return None;
                }
            }
            '0' | '#' | '?' => {
                seen_digit = true;
                // Commas between digits are grouping, not scaling.
                commas_pending = 0;
                if after_point {
                    decimals += 1;
                }
            }
            '.' => after_point = true,
            ',' if seen_digit => commas_pending += 1,
            '%' => percent += 1,
            '/' | 'E' | 'e' | '@' => return None,
            c if c.is_ascii_alphabetic() => {
                // d, m, y, h, s, AM/PM, General: not a plain number format.
                return None;
            }
            _ => {
                scaling += commas_pending;
                commas_pending = 0;
            }
        }
    }
    scaling += commas_pending;
    if !seen_digit {
        return None;
    }
    Some(decimals + 2 * percent - 3 * scaling)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(formula: &str, expect: &str) {
        assert_eq!(round_halves(formula), expect, "{formula}");
    }

    #[test]
    fn text_and_fixed_round_first() {
        check(
            "TEXT(1234.5,\"$#,##0\")",
            "TEXT(IFERROR(ROUND(1234.5,0),1234.5),\"$#,##0\")",
        );
        check(
            "text(A1,\"0.0%\")",
            "text(IFERROR(ROUND(A1,3),A1),\"0.0%\")",
        );
        check(
            "TEXT(A1,\"#,##0,\")",
            "TEXT(IFERROR(ROUND(A1,-3),A1),\"#,##0,\")",
        );
        check("FIXED(2.5,0)", "FIXED(ROUND(2.5,0),0)");
        check("FIXED(B2)", "FIXED(ROUND(B2,2))");
        check("FIXED(B2,1,TRUE)", "FIXED(ROUND(B2,1),1,TRUE)");
        check(
            "\"Total: \"&TEXT(SUM(A1:A3),\"0.00\")&\"!\"",
            "\"Total: \"&TEXT(IFERROR(ROUND(SUM(A1:A3),2),SUM(A1:A3)),\"0.00\")&\"!\"",
        );
        // Inside out.
        check(
            "TEXT(FIXED(A1,0),\"0\")",
            "TEXT(IFERROR(ROUND(FIXED(ROUND(A1,0),0),0),FIXED(ROUND(A1,0),0)),\"0\")",
        );
    }

    #[test]
    fn what_is_not_a_plain_number_format_is_left_alone() {
        for f in [
            "TEXT(A1,\"yyyy-mm-dd\")",
            "TEXT(A1,\"0.00E+00\")",
            "TEXT(A1,\"# ?/?\")",
            "TEXT(A1,\"@\")",
            "TEXT(A1,B1)",
            "TEXT(A1,\"0;0.0\")",
            "TEXT(A1,\"[h]:mm\")",
            "SUM(A1:A3)",
            "CONTEXT(1,\"0\")",
            "\"TEXT(1,\"\"0\"\")\"",
            "TEXT(A1,\"0\"",
        ] {
            check(f, f);
        }
        // Left alone, but what it holds is rounded.
        check("TEXT(FIXED(A1,0),B1)", "TEXT(FIXED(ROUND(A1,0),0),B1)");
    }

    #[test]
    fn digits_of_formats() {
        for (f, d) in [
            ("0", Some(0)),
            ("0.00", Some(2)),
            ("$#,##0.00", Some(2)),
            ("0%", Some(2)),
            ("0.0%", Some(3)),
            ("#,##0,,", Some(-6)),
            ("\"x\"0.0\" units\"", Some(1)),
            ("[Red]0.0;[Blue]-0.0", Some(1)),
            ("0.0;-0.00", None),
            ("General", None),
        ] {
            assert_eq!(shown_digits(f), d, "{f}");
        }
    }
}
