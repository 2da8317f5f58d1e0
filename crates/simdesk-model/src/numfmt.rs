//! Excel number formats: the text a cell or a field shows for a value.
//!
//! Supports what office models use: `General`, digit placeholders `0 # ?`,
//! thousands separators, scaling by trailing commas, percent, scientific
//! (`0.00E+00`), literal text (`"USD "`, `\x`, `$ - + ( ) : /` and spaces),
//! literals between digit placeholders (`##\,##\,##0`), `[Red]`-style
//! colours (ignored), `[$€-407]` currency tags, up to four `;`-separated
//! sections (positive; negative; zero; text), conditional sections
//! (`[>=100000]…;…`) and date/time codes (`yyyy-mm-dd`, `d mmm yyyy`,
//! `mmmm d, yyyy`, `h:mm AM/PM`).
//!
//! A format code always writes `,` for thousands and `.` for decimals; a
//! locale tag (`[$-407]`, or the locale part of a currency tag
//! `[$€-407]`) makes the shown digits use that country's separators
//! (`1.234,50`), as LibreOffice shows them ([`NumberStyle::from_lcid`]).
//! India's lakh grouping has no format code: it is written with
//! conditional sections, `[>=10000000]##\,##\,##\,##0;[>=100000]##\,##\,##0;#,##0`
//! (`12,34,567`), which this module renders as Excel does.

use std::fmt::Write as _;

use crate::cell::CellValue;
use crate::numstyle::NumberStyle;
use crate::time::{MONTH_NAMES, SimTime};

/// Formats a value with an optional number format code.
///
/// ```
/// use simdesk_model::{format_value, CellValue};
/// let v = CellValue::Number(1234567.891);
/// assert_eq!(format_value(&v, Some("#,##0.00")), "1,234,567.89");
/// assert_eq!(format_value(&CellValue::Number(0.1234), Some("0.0%")), "12.3%");
/// assert_eq!(format_value(&CellValue::Number(-1500.0), Some("$#,##0")), "-$1,500");
/// ```
pub fn format_value(value: &CellValue, format: Option<&str>) -> String {
    let fmt = format.unwrap_or("General");
    match value {
        CellValue::Empty => String::new(),
        CellValue::Text(t) => format_text(t, fmt),
        CellValue::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        CellValue::Error(e) => e.as_str().to_owned(),
        CellValue::Number(n) => format_number(*n, fmt),
        CellValue::Date(n) => {
            if fmt.eq_ignore_ascii_case("general") {
                format_number(*n, "yyyy-mm-dd")
            } else {
                format_number(*n, fmt)
            }
        }
    }
}

fn format_text(t: &str, fmt: &str) -> String {
    let sections = split_sections(fmt);
    match sections.get(3) {
        Some(s) if s.contains('@') => s.replace('@', t).replace('"', ""),
        _ => t.to_owned(),
    }
}

/// The `;`-separated sections of a format code (quoted and escaped `;`
/// do not separate), as slices of it.
fn split_sections(fmt: &str) -> Vec<&str> {
    let mut out = Vec::with_capacity(1);
    let mut start = 0;
    let mut in_quote = false;
    let mut chars = fmt.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => in_quote = !in_quote,
            '\\' if !in_quote => {
                chars.next();
            }
            ';' if !in_quote => {
                out.push(&fmt[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&fmt[start..]);
    out
}

/// Formats a number with a format code.
pub fn format_number(n: f64, fmt: &str) -> String {
    if !n.is_finite() {
        return "#NUM!".to_owned();
    }
    let style = locale_style(fmt);
    let sections = split_sections(fmt);
    let (section, value, neg_sign) = pick_section(&sections, n);
    let tokens = tokenize(section);
    let general_section = {
        let bare = without_brackets(section);
        bare.trim().is_empty() || bare.eq_ignore_ascii_case("general")
    };
    if tokens.iter().all(|t| matches!(t, Tok::Lit(_))) && !general_section {
        // A section of literals only (e.g. "-" for zero).
        return tokens
            .iter()
            .map(|t| if let Tok::Lit(s) = t { *s } else { "" })
            .collect();
    }
    if general_section {
        let g = general(n);
        if style.decimal == '.' {
            return g;
        }
        return g.replace('.', &style.decimal.to_string());
    }
    if tokens.iter().any(|t| matches!(t, Tok::Date(_))) {
        return format_date(n, &tokens);
    }
    let out = format_numeric(value.abs(), &tokens, &style);
    if neg_sign && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        format!("-{out}")
    } else {
        out
    }
}

/// The section that shows `n`, the value it shows and whether a minus
/// sign goes before it. With conditions (`[>=100000]`), the first section
/// whose condition holds, showing the value without its sign (as Excel
/// and LibreOffice do: `[<0](0)` shows `(5)`), else the first section
/// without one, where Excel puts a minus before a negative value
/// (LibreOffice does not); without, Excel's positive; negative; zero.
fn pick_section<'f>(sections: &[&'f str], n: f64) -> (&'f str, f64, bool) {
    if sections.iter().any(|s| condition(s).is_some()) {
        if let Some(hit) = sections
            .iter()
            .find(|s| condition(s).is_some_and(|c| c.holds(n)))
        {
            return (hit, n.abs(), false);
        }
        let other = sections
            .iter()
            .find(|s| condition(s).is_none())
            .unwrap_or(&sections[sections.len() - 1]);
        return (other, n, n < 0.0);
    }
    if sections.len() >= 2 && n < 0.0 {
        (sections[1], -n, false)
    } else if sections.len() >= 3 && n == 0.0 {
        (sections[2], n, false)
    } else {
        (sections[0], n, n < 0.0)
    }
}

/// A section's condition (`[>=100000]`): the comparison and its bound.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Condition {
    op: &'static str,
    bound: f64,
}

impl Condition {
    fn holds(self, n: f64) -> bool {
        match self.op {
            ">=" => n >= self.bound,
            "<=" => n <= self.bound,
            "<>" => n != self.bound,
            ">" => n > self.bound,
            "<" => n < self.bound,
            _ => n == self.bound,
        }
    }
}

/// The condition of a section, from its first bracket that holds one.
fn condition(section: &str) -> Option<Condition> {
    let mut rest = section;
    while let Some(open) = rest.find('[') {
        let close = rest[open..].find(']')? + open;
        let inner = rest[open + 1..close].trim();
        for op in [">=", "<=", "<>", ">", "<", "="] {
            if let Some(b) = inner.strip_prefix(op) {
                return b.trim().parse().ok().map(|bound| Condition { op, bound });
            }
        }
        rest = &rest[close + 1..];
    }
    None
}

/// A format code without its `[…]` parts (colours, tags, conditions).
fn without_brackets(section: &str) -> String {
    let mut out = String::with_capacity(section.len());
    let mut depth = false;
    for c in section.chars() {
        match c {
            '[' => depth = true,
            ']' => depth = false,
            c if !depth => out.push(c),
            _ => {}
        }
    }
    out
}

/// The separators a format's locale tag (`[$-407]`, `[$€-407]`) asks
/// for; a format code's own (`1,234.5`) without one.
fn locale_style(fmt: &str) -> NumberStyle {
    let mut rest = fmt;
    while let Some(open) = rest.find("[$") {
        let Some(close) = rest[open..].find(']').map(|c| c + open) else {
            break;
        };
        let tag = &rest[open + 2..close];
        if let Some((_, id)) = tag.rsplit_once('-')
            && let Ok(lcid) = u32::from_str_radix(id, 16)
            && let Some(style) = NumberStyle::from_lcid(lcid)
        {
            return style;
        }
        rest = &rest[close + 1..];
    }
    NumberStyle::WESTERN
}

/// Excel's General format: integers as is, others to 10 significant digits.
fn general(n: f64) -> String {
    if n == 0.0 {
        return "0".to_owned();
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return format!("{n:.0}");
    }
    let abs = n.abs();
    if !(1e-9..1e15).contains(&abs) {
        let s = format!("{n:.5E}");
        return tidy_exp(&s);
    }
    let digits = 10 - (abs.log10().floor() as i32 + 1);
    let digits = digits.clamp(0, 15) as usize;
    let s = format!("{n:.digits$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

fn tidy_exp(s: &str) -> String {
    // "1.23450E6" -> "1.2345E+06"
    let Some((mant, exp)) = s.split_once('E') else {
        return s.to_owned();
    };
    let mant = if mant.contains('.') {
        mant.trim_end_matches('0').trim_end_matches('.')
    } else {
        mant
    };
    let e: i32 = exp.parse().unwrap_or(0);
    format!("{mant}E{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

#[derive(Debug, Clone, PartialEq)]
enum Tok<'a> {
    /// Literal text, a slice of the format code (or a constant).
    Lit(&'a str),
    /// Digit placeholders and separators of the numeric part: 0 # ? , .
    Num(char),
    Percent,
    Exp(bool),
    Date(String),
}

fn tokenize(section: &str) -> Vec<Tok<'_>> {
    let mut out = Vec::new();
    // Characters with their byte offsets, so literals can be slices.
    let chars: Vec<(usize, char)> = section.char_indices().collect();
    let at = |i: usize| chars.get(i).map_or(section.len(), |(b, _)| *b);
    let lower = |i: usize| chars[i].1.to_ascii_lowercase();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        match c {
            '"' => {
                let from = i + 1;
                i += 1;
                while i < chars.len() && chars[i].1 != '"' {
                    i += 1;
                }
                out.push(Tok::Lit(&section[at(from)..at(i)]));
            }
            '\\' => {
                if i + 1 < chars.len() {
                    out.push(Tok::Lit(&section[at(i + 1)..at(i + 2)]));
                    i += 1;
                }
            }
            '_' => {
                out.push(Tok::Lit(" "));
                i += 1;
            }
            '*' => {
                i += 1;
            }
            '[' => {
                let from = i + 1;
                i += 1;
                while i < chars.len() && chars[i].1 != ']' {
                    i += 1;
                }
                if let Some(cur) = section[at(from)..at(i)].strip_prefix('$') {
                    let sym = cur.split('-').next().unwrap_or("");
                    out.push(Tok::Lit(sym));
                }
            }
            '0' | '#' | '?' | ',' | '.' => out.push(Tok::Num(c)),
            '%' => out.push(Tok::Percent),
            'E' | 'e' if matches!(chars.get(i + 1), Some((_, '+' | '-'))) => {
                out.push(Tok::Exp(chars[i + 1].1 == '+'));
                i += 1;
            }
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => {
                let lc = lower(i);
                let mut s = String::new();
                while i < chars.len() && lower(i) == lc {
                    s.push(lc);
                    i += 1;
                }
                out.push(Tok::Date(s));
                continue;
            }
            'A' | 'a'
                if i + 5 <= chars.len() && (i..i + 5).map(lower).eq(['a', 'm', '/', 'p', 'm']) =>
            {
                out.push(Tok::Date("am/pm".to_owned()));
                i += 5;
                continue;
            }
            _ => out.push(Tok::Lit(&section[at(i)..at(i + 1)])),
        }
        i += 1;
    }
    out
}

fn format_numeric(mut v: f64, tokens: &[Tok], style: &NumberStyle) -> String {
    // Split placeholders into integer part, fraction part, exponent part.
    let mut int_ph = String::new();
    let mut frac_ph = String::new();
    let mut exp_ph = String::new();
    let mut seen_dot = false;
    let mut seen_exp = None;
    let mut thousands = false;
    let mut percent = 0;
    // Trailing commas right after the last digit placeholder scale by 1000.
    let mut scale_commas = 0;
    let last_digit = tokens
        .iter()
        .rposition(|t| matches!(t, Tok::Num('0' | '#' | '?')));
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Tok::Num(',') => {
                let after_last = last_digit.is_some_and(|l| i > l);
                if after_last && seen_exp.is_none() {
                    scale_commas += 1;
                } else if !seen_dot {
                    thousands = true;
                }
            }
            Tok::Num('.') => seen_dot = true,
            Tok::Num(c) => {
                if seen_exp.is_some() {
                    exp_ph.push(*c);
                } else if seen_dot {
                    frac_ph.push(*c);
                } else {
                    int_ph.push(*c);
                }
            }
            Tok::Percent => percent += 1,
            Tok::Exp(plus) => seen_exp = Some(*plus),
            _ => {}
        }
    }
    v *= 100f64.powi(percent);
    v /= 1000f64.powi(scale_commas);
    let decimals = frac_ph.len();
    let mut exponent = 0i32;
    if seen_exp.is_some() && v != 0.0 {
        let int_digits = int_ph.len().max(1) as i32;
        exponent = v.log10().floor() as i32 - (int_digits - 1);
        v /= 10f64.powi(exponent);
        if round_half_away(v, decimals) >= 10f64.powi(int_digits) {
            v /= 10.0;
            exponent += 1;
        }
    }
    let rounded = round_half_away(v, decimals);
    let s = format!("{rounded:.decimals$}");
    let (int_s, frac_s) = s.split_once('.').unwrap_or((&s, ""));
    let mut int_digits: String = int_s.trim_start_matches('0').to_owned();
    let min_int = int_ph.chars().filter(|c| *c == '0').count();
    while int_digits.len() < min_int {
        int_digits.insert(0, '0');
    }
    // Fraction: drop trailing zeros that stand for '#' placeholders (the
    // digits and placeholders are ASCII).
    let (frac, ph) = (frac_s.as_bytes(), frac_ph.as_bytes());
    let mut keep = frac.len();
    while keep > 0 && frac[keep - 1] == b'0' && ph.get(keep - 1).is_some_and(|p| *p != b'0') {
        keep -= 1;
    }
    let mut frac_part = String::new();
    if seen_dot {
        frac_part.push(style.decimal);
        frac_part.push_str(&frac_s[..keep]);
    }
    let mut exp_part = String::new();
    if let Some(plus) = seen_exp {
        let sign = if exponent < 0 {
            "-"
        } else if plus {
            "+"
        } else {
            ""
        };
        let width = exp_ph.len().max(1);
        exp_part = format!("E{sign}{:0width$}", exponent.abs());
    }
    // Literals between the integer placeholders (`##\,##\,##0`): each
    // placeholder takes its digit from the right, the first one every
    // digit left over, and the literals stay where they are.
    let int_at: Vec<usize> = tokens
        .iter()
        .enumerate()
        .take_while(|(_, t)| !matches!(t, Tok::Num('.') | Tok::Exp(_)))
        .filter(|(_, t)| matches!(t, Tok::Num('0' | '#' | '?')))
        .map(|(i, _)| i)
        .collect();
    if let (Some(&lo), Some(&hi)) = (int_at.first(), int_at.last())
        && tokens[lo..hi]
            .iter()
            .any(|t| matches!(t, Tok::Lit(l) if !l.is_empty()))
    {
        return interleaved(tokens, &int_at, &int_digits, &frac_part, &exp_part);
    }
    let mut number = if thousands {
        style.group(&int_digits)
    } else {
        int_digits
    };
    number.push_str(&frac_part);
    number.push_str(&exp_part);
    // Re-assemble with literals in place: literals before the first
    // placeholder go before, the rest after.
    let first = tokens
        .iter()
        .position(|t| matches!(t, Tok::Num(_) | Tok::Exp(_)));
    let mut out = String::new();
    let mut placed = false;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Tok::Lit(s) => out.push_str(s),
            Tok::Percent => out.push('%'),
            Tok::Num(_) | Tok::Exp(_) => {
                if !placed && Some(i) >= first {
                    out.push_str(&number);
                    placed = true;
                }
            }
            Tok::Date(d) => out.push_str(d),
        }
    }
    if !placed {
        out.push_str(&number);
    }
    out
}

/// The number of a format whose integer placeholders have literals
/// between them, assembled token by token.
fn interleaved(
    tokens: &[Tok],
    int_at: &[usize],
    digits: &str,
    frac_part: &str,
    exp_part: &str,
) -> String {
    let (p, l) = (int_at.len(), digits.len());
    let extra = l.saturating_sub(p);
    let mut out = String::new();
    let mut k = 0;
    let mut frac_done = false;
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Tok::Num(c) if int_at.contains(&i) => {
                // Placeholder k shows digit k + l - p (from the left).
                let j = (k + l).checked_sub(p);
                match j {
                    Some(j) if k == 0 => out.push_str(&digits[..=j.max(extra)]),
                    Some(j) => out.push_str(&digits[j..=j]),
                    None if *c == '?' => out.push(' '),
                    None => {}
                }
                k += 1;
            }
            Tok::Num('.') if !frac_done => {
                out.push_str(frac_part);
                frac_done = true;
            }
            Tok::Num(_) => {}
            Tok::Exp(_) => out.push_str(exp_part),
            Tok::Lit(s) => out.push_str(s),
            Tok::Percent => out.push('%'),
            Tok::Date(d) => out.push_str(d),
        }
    }
    out
}

fn round_half_away(v: f64, decimals: usize) -> f64 {
    // Round the shortest decimal representation, as Excel does, so that
    // 2.675 with two decimals gives 2.68 although its binary value is below.
    let factor = 10f64.powi(decimals as i32);
    let scaled = v * factor;
    // Away from a half, the decimal representation (within 1e-15 of `v`,
    // so within 1e-6 of `scaled` below 1e9) rounds to the same integer:
    // the common case needs no round trip through text.
    if scaled.abs() < 1e9 && (scaled.abs().fract() - 0.5).abs() > 1e-6 {
        return scaled.round() / factor;
    }
    round_through_text(v, decimals)
}

/// Rounds the shortest decimal representation of `v` (`{:.15e}` read
/// back), halves away from zero.
fn round_through_text(v: f64, decimals: usize) -> f64 {
    let factor = 10f64.powi(decimals as i32);
    let mut buf = StackStr::default();
    if write!(buf, "{v:.15e}").is_err() {
        return v;
    }
    let Ok(repr) = buf.as_str().parse::<f64>() else {
        return v;
    };
    let scaled = repr * factor;
    let r = scaled.round();
    // Correct a representation error just below .5.
    let r = if (scaled - scaled.trunc() - 0.5).abs() < 1e-9 {
        scaled.trunc() + scaled.signum()
    } else {
        r
    };
    r / factor
}

/// A short string on the stack: `{:.15e}` of any f64 (at most 24 bytes)
/// without a heap allocation.
#[derive(Default)]
struct StackStr {
    buf: [u8; 32],
    len: usize,
}

impl StackStr {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

impl std::fmt::Write for StackStr {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

const DAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

fn format_date(serial: f64, tokens: &[Tok]) -> String {
    let t = SimTime::from_excel_serial(serial);
    let (y, mo, d) = t.date();
    let (h, mi, s) = t.time_of_day();
    let ampm = tokens.iter().any(|t| *t == Tok::Date("am/pm".to_owned()));
    let weekday = DAYS[(t.secs().div_euclid(86_400)).rem_euclid(7) as usize];
    let mut out = String::new();
    for (i, tok) in tokens.iter().enumerate() {
        match tok {
            Tok::Lit(l) => out.push_str(l),
            Tok::Num(c) => out.push(*c),
            Tok::Percent => out.push('%'),
            Tok::Exp(_) => out.push('E'),
            Tok::Date(code) => {
                // `m` after `h` or before `s` means minutes.
                let prev_h = tokens[..i].iter().rev().find_map(|t| match t {
                    Tok::Date(c) => Some(c.starts_with('h')),
                    _ => None,
                });
                let next_s = tokens[i + 1..].iter().find_map(|t| match t {
                    Tok::Date(c) => Some(c.starts_with('s')),
                    _ => None,
                });
                let minutes = code.starts_with('m')
                    && code.len() <= 2
                    && (prev_h == Some(true) || next_s == Some(true));
                let text = match code.as_str() {
                    "yy" => format!("{:02}", y.rem_euclid(100)),
                    c if c.starts_with('y') => format!("{y:04}"),
                    "m" if minutes => mi.to_string(),
                    "mm" if minutes => format!("{mi:02}"),
                    "m" => mo.to_string(),
                    "mm" => format!("{mo:02}"),
                    "mmm" => MONTH_NAMES[mo as usize - 1][..3].to_owned(),
                    "mmmmm" => MONTH_NAMES[mo as usize - 1][..1].to_owned(),
                    c if c.starts_with('m') => MONTH_NAMES[mo as usize - 1].to_owned(),
                    "d" => d.to_string(),
                    "dd" => format!("{d:02}"),
                    "ddd" => weekday[..3].to_owned(),
                    c if c.starts_with('d') => weekday.to_owned(),
                    "h" | "hh" => {
                        let hh = if ampm { (h + 11) % 12 + 1 } else { h };
                        if code == "hh" {
                            format!("{hh:02}")
                        } else {
                            hh.to_string()
                        }
                    }
                    "s" => s.to_string(),
                    c if c.starts_with('s') => format!("{s:02}"),
                    "am/pm" => if h < 12 { "AM" } else { "PM" }.to_owned(),
                    other => other.to_owned(),
                };
                out.push_str(&text);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(v: f64, fmt: &str, expect: &str) {
        assert_eq!(format_number(v, fmt), expect, "{v} with {fmt:?}");
    }

    #[test]
    fn number_formats() {
        check(1234567.891, "#,##0.00", "1,234,567.89");
        check(-1234.5, "#,##0.00", "-1,234.50");
        check(0.1234, "0.0%", "12.3%");
        check(0.5, "0%", "50%");
        check(1500.0, "$#,##0", "$1,500");
        check(-1500.0, "$#,##0", "-$1,500");
        check(-1500.0, "$#,##0;($#,##0)", "($1,500)");
        check(0.0, "#,##0;-#,##0;\"-\"", "-");
        check(2.675, "0.00", "2.68");
        check(1.005, "0.00", "1.01");
        check(0.0, "0.00", "0.00");
        check(7.0, "000", "007");
        check(1234.0, "#,##0,\"K\"", "1K");
        check(1_250_000.0, "#,##0.0,,\"M\"", "1.3M");
        check(12345.678, "0.00E+00", "1.23E+04");
        check(0.000123, "0.0E+00", "1.2E-04");
        check(3.5, "#.##", "3.5");
        check(3.0, "#.##", "3.");
        check(1234.5, "[$€-407]#,##0.00", "€1.234,50");
        check(1234.5, "[$€-809]#,##0.00", "€1,234.50");
        check(42.0, "[Red]0", "42");
        check(-0.004, "0.00", "0.00");
        check(12.0, "\"USD \"0", "USD 12");
    }

    /// India's lakh and crore grouping as conditional sections, the form
    /// Excel and LibreOffice show (no format code groups by two).
    const LAKH: &str =
        "[>=10000000]\"₹\"##\\,##\\,##\\,##0;[>=100000]\"₹\"##\\,##\\,##0;\"₹\"#,##0";

    #[test]
    fn lakh_and_crore_by_conditional_sections() {
        check(0.0, LAKH, "₹0");
        check(999.0, LAKH, "₹999");
        check(12_345.0, LAKH, "₹12,345");
        check(99_999.0, LAKH, "₹99,999");
        check(100_000.0, LAKH, "₹1,00,000");
        check(1_234_567.0, LAKH, "₹12,34,567");
        check(9_999_999.0, LAKH, "₹99,99,999");
        check(10_000_000.0, LAKH, "₹1,00,00,000");
        check(123_456_789.0, LAKH, "₹12,34,56,789");
        check(999_999_999.0, LAKH, "₹99,99,99,999");
        // Beyond the sections: from 100 crore the first group grows.
        check(1_234_567_890.0, LAKH, "₹123,45,67,890");
        // A negative amount takes the last section, with a minus sign (in
        // Excel; LibreOffice shows none) and groups of three.
        check(-1_234_567.0, LAKH, "-₹1,234,567");
        // With a section of its own, a negative amount shows as that
        // section writes it, without a sign of its own.
        let signed = "[>=100000]\"₹\"##\\,##\\,##0;[<0](\"₹\"#,##0);\"₹\"#,##0";
        check(-1_234_567.0, signed, "(₹1,234,567)");
        check(1_234_567.0, signed, "₹12,34,567");
        check(500.0, signed, "₹500");
        check(30_000_000.0, signed, "₹300,00,000");
        // Decimals follow the digits.
        check(
            1_234_567.5,
            "[>=100000]##\\,##\\,##0.00;#,##0.00",
            "12,34,567.50",
        );
        check(150.0, "[>=100]\"big\";[<0]\"neg\";0", "big");
        check(-3.0, "[>=100]\"big\";[<0]\"neg \"0;0", "neg 3");
        check(42.0, "[>=100]\"big\";[<0]\"neg\";0", "42");
    }

    #[test]
    fn a_locale_tag_picks_the_separators() {
        check(1234567.891, "[$-407]#,##0.00", "1.234.567,89");
        check(-1234.5, "[$-407]#,##0.00\" €\"", "-1.234,50 €");
        check(0.1234, "[$-407]0.0%", "12,3%");
        check(2.5, "[$-407]General", "2,5");
        check(1234.5, "[$-409]#,##0.00", "1,234.50");
        check(1234.5, "[$-0407]#,##0", "1.235");
        let serial = SimTime::from_ymd(2026, 3, 4).unwrap().excel_serial();
        check(serial, "[$-407]dd.mm.yyyy", "04.03.2026");
    }

    #[test]
    fn rounding_without_text_agrees_with_rounding_through_text() {
        // Money, rates, halves in binary and decimal, large and negative
        // values, from a fixed sequence.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut values = vec![
            2.675,
            1.005,
            0.125,
            1234.5,
            -2.5,
            0.0,
            1e-12,
            41376.079999999994,
        ];
        for i in 0..20_000 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
            let magnitude = 10f64.powi((i % 14) - 4);
            values.push(unit * magnitude);
            // Decimal halves at every scale: k + 0.5 / 10^d.
            values.push(((x >> 40) as f64 + 0.5) / 10f64.powi(i % 5));
            values.push(-unit * magnitude);
        }
        for v in values {
            for d in 0..6 {
                let (fast, slow) = (round_half_away(v, d), round_through_text(v, d));
                assert!(
                    fast.to_bits() == slow.to_bits(),
                    "{v} to {d} decimals: {fast} vs {slow}"
                );
            }
        }
    }

    #[test]
    fn general_format() {
        check(3.0, "General", "3");
        check(0.1 + 0.2, "General", "0.3");
        check(1.0 / 3.0, "General", "0.3333333333");
        check(123456.789, "General", "123456.789");
        check(1e20, "General", "1E+20");
        check(-2.5, "General", "-2.5");
    }

    #[test]
    fn dates() {
        let serial = SimTime::from_ymd(2026, 1, 5)
            .unwrap()
            .at(14, 7, 9)
            .excel_serial();
        check(serial, "yyyy-mm-dd", "2026-01-05");
        check(serial, "d mmm yyyy", "5 Jan 2026");
        check(serial, "mmmm d, yyyy", "January 5, 2026");
        check(serial, "dd/mm/yy", "05/01/26");
        check(serial, "hh:mm:ss", "14:07:09");
        check(serial, "h:mm AM/PM", "2:07 PM");
        check(serial, "dddd", "Monday");
        assert_eq!(
            format_value(&CellValue::Date(serial.floor()), None),
            "2026-01-05"
        );
    }

    #[test]
    fn other_values() {
        assert_eq!(format_value(&CellValue::Bool(true), Some("0.00")), "TRUE");
        assert_eq!(
            format_value(&CellValue::Text("x".into()), Some("0.00")),
            "x"
        );
        assert_eq!(format_value(&CellValue::Empty, Some("0.00")), "");
    }
}
