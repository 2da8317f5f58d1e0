//! What the office writers share about how a table looks: which cells are
//! numbers (set right-aligned), which row is a total (set bold), and how
//! wide each column should be.

/// Whether a cell reads as a number: digits with currency signs,
/// separators, percent, sign or accounting parentheses only (`$1,234.50`,
/// `-3.1%`, `(1,200)`, `2026-01-05`, `04/03/2026`, `S$1,200`, `AED 900`).
pub(crate) fn looks_numeric(t: &str) -> bool {
    let t = t.trim();
    // A currency written with letters before the amount: `S$`, `HK$`, `AED `.
    let signs = t.len() - t.trim_start_matches(['-', '−', '(']).len();
    let rest = &t[signs..];
    let letters = rest.len()
        - rest
            .trim_start_matches(|c: char| c.is_ascii_uppercase())
            .len();
    let after = &rest[letters..];
    let prefixed = (1..=3).contains(&letters) && after.starts_with('$')
        || letters == 3 && after.starts_with(' ');
    let t = if prefixed { after } else { t };
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || " .,%$€£¥₹()+-−/".contains(c))
}

/// Whether a row whose first cell reads `first` is a total row (`Total`,
/// `Grand total`, `Subtotal`, `Totals:` …).
pub(crate) fn is_total_label(first: &str) -> bool {
    let t = first.trim().to_lowercase();
    t.starts_with("total") || t.starts_with("grand total") || t.starts_with("subtotal")
}

/// For each column of `rows` (cells as text), whether it holds numbers:
/// every non-empty cell below the header row (when `header`) reads as one
/// and there is at least one. A header cell then aligns with its column.
pub(crate) fn numeric_columns(rows: &[Vec<String>], header: bool) -> Vec<bool> {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let body = if header && rows.len() > 1 {
        &rows[1..]
    } else {
        rows
    };
    (0..n)
        .map(|c| {
            let mut cells = body
                .iter()
                .filter_map(|r| r.get(c))
                .map(|t| t.trim())
                .filter(|t| !t.is_empty())
                .peekable();
            cells.peek().is_some() && cells.all(looks_numeric)
        })
        .collect()
}

/// Column widths in `total` units for cells set at `unit` units per
/// character. Each column wants its widest cell (at least `min_chars`, at
/// most `max_chars`) plus two characters of padding. When all fit, the
/// spare width is shared out in proportion; when not, the columns whose
/// widest cell is short (16 characters or fewer: codes, numbers, dates,
/// headers) keep their width, so they never wrap, and the long ones share
/// what is left.
pub(crate) fn column_widths(
    rows: &[Vec<String>],
    total: u32,
    unit: u32,
    min_chars: usize,
    max_chars: usize,
) -> Vec<u32> {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    if n == 0 {
        return Vec::new();
    }
    let chars: Vec<u64> = (0..n)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|t| t.lines().map(|l| l.chars().count()).max().unwrap_or(0))
                .max()
                .unwrap_or(0)
                .clamp(min_chars, max_chars) as u64
                + 2
        })
        .collect();
    let want: Vec<u64> = chars.iter().map(|c| c * u64::from(unit)).collect();
    let total = u64::from(total);
    let short: u64 = chars
        .iter()
        .zip(&want)
        .filter(|(c, _)| **c <= 18)
        .map(|(_, w)| w)
        .sum();
    let share = |weights: &[u64], room: u64| -> Vec<u64> {
        let sum = weights.iter().sum::<u64>().max(1);
        weights.iter().map(|w| room * w / sum).collect()
    };
    let mut widths: Vec<u64> = if want.iter().sum::<u64>() <= total || short >= total {
        share(&want, total)
    } else {
        let long: Vec<u64> = chars.iter().map(|&c| if c <= 18 { 0 } else { c }).collect();
        let rest = share(&long, total - short);
        chars
            .iter()
            .zip(&want)
            .zip(rest)
            .map(|((&c, &w), r)| if c <= 18 { w } else { r })
            .collect()
    };
    // Rounding leftovers go to the last column so the widths add up.
    let used: u64 = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += total.saturating_sub(used);
    }
    widths.into_iter().map(|w| w as u32).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_totals_and_widths() {
        for t in [
            "$1,234.50",
            "-3.1%",
            "(1,200)",
            "2026-01-05",
            " 42 ",
            "€7",
            "S$1,200",
            "AED 9,000",
            "-HK$5",
            "₹40",
            "04/03/2026",
        ] {
            assert!(looks_numeric(t), "{t}");
        }
        for t in ["", "Q4 2025", "VTI", "n/a", "-"] {
            assert!(!looks_numeric(t), "{t}");
        }
        assert!(is_total_label("Total"));
        assert!(is_total_label("Grand total fees"));
        assert!(!is_total_label("Subject"));
        let rows: Vec<Vec<String>> = [["Ticker", "Value"], ["VTI", "$1,000"], ["BND", ""]]
            .iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect();
        assert_eq!(numeric_columns(&rows, true), [false, true]);
        assert_eq!(numeric_columns(&rows, false), [false, false]);
        let w = column_widths(&rows, 9000, 100, 4, 40);
        assert_eq!(w.iter().sum::<u32>(), 9000);
        assert!(w[0] == w[1], "{w:?}");
        // A long column gives way; the short ones keep what they need.
        let long = "a long description of the holding ".repeat(3);
        let rows = vec![vec!["VTI".to_owned(), long, "$339,836.31".to_owned()]];
        let w = column_widths(&rows, 6000, 100, 4, 40);
        assert_eq!(w.iter().sum::<u32>(), 6000);
        assert_eq!(w[0], 600);
        assert_eq!(w[2], 1300);
    }
}
