//! Text helpers of the inference: word tokens, similarity, a short account
//! of what differs, name stems and dates, and CSV records.

use std::collections::BTreeMap;

use simdesk_model::VPath;

/// The words of a text, as compared between a file and a rendering:
/// whitespace-separated, with punctuation trimmed from both ends (`$`, `%`,
/// `#` and `!` stay, so `$1,204` and `#REF!` are one word each). Table
/// rules and bullets vanish. A run of CJK, kana or Hangul is a word of its
/// own: a PDF sets it in another font than the Latin beside it, so
/// `김민지's` reads back as `김민지 's`.
pub(crate) fn words(s: &str) -> Vec<String> {
    let mut spaced = String::with_capacity(s.len());
    let mut prev: Option<bool> = None;
    for c in s.chars() {
        let cjk = is_cjk(c);
        if prev.is_some_and(|p| p != cjk) && !c.is_whitespace() {
            spaced.push(' ');
        }
        prev = if c.is_whitespace() { None } else { Some(cjk) };
        spaced.push(c);
    }
    spaced
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| {
                !(c.is_alphanumeric() || matches!(c, '$' | '%' | '#' | '!' | '€' | '£'))
            })
        })
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_owned)
        .collect()
}

/// Whether `c` is set in a CJK font: Han, kana or Hangul.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3040..=0x30FF | 0x3130..=0x318F | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF)
}

/// How much two word lists share, in [0, 1]: twice the common words
/// (as multisets) over the total.
pub(crate) fn similarity(a: &[String], b: &[String]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let mut count: BTreeMap<&str, i64> = BTreeMap::new();
    for w in a {
        *count.entry(w).or_default() += 1;
    }
    let mut common = 0i64;
    for w in b {
        if let Some(c) = count.get_mut(w.as_str())
            && *c > 0
        {
            *c -= 1;
            common += 1;
        }
    }
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// What differs between `old` (the copy) and `new` (the current source),
/// in at most three short phrases: word pairs where the two line up,
/// otherwise the words one has and the other lacks.
pub(crate) fn differences(
    old: &[String],
    new: &[String],
    old_name: &str,
    new_name: &str,
) -> String {
    let pre = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let post = old[pre..]
        .iter()
        .rev()
        .zip(new[pre..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let a = &old[pre..old.len() - post];
    let b = &new[pre..new.len() - post];
    let snippet = |w: &[String]| {
        let mut s = w.iter().take(8).cloned().collect::<Vec<_>>().join(" ");
        if w.len() > 8 {
            s.push_str(" …");
        }
        s
    };
    if a.len() == b.len() {
        let pairs: Vec<String> = a
            .iter()
            .zip(b)
            .filter(|(x, y)| x != y)
            .map(|(x, y)| format!("{old_name} shows {x:?} where {new_name} now shows {y:?}"))
            .collect();
        let n = pairs.len();
        let mut s = pairs.into_iter().take(3).collect::<Vec<_>>().join("; ");
        if n > 3 {
            s.push_str(&format!(" (and {} more)", n - 3));
        }
        return s;
    }
    let mut parts = Vec::new();
    if !b.is_empty() {
        parts.push(format!(
            "{new_name} now has {:?}, which {old_name} lacks",
            snippet(b)
        ));
    }
    if !a.is_empty() {
        parts.push(format!(
            "{old_name} has {:?}, which {new_name} no longer has",
            snippet(a)
        ));
    }
    parts.join("; ")
}

/// A file name reduced to what names the thing (lowercase, dates, version
/// marks, `copy` and separators dropped) and the newest date it carries
/// (`2025-10-06 Portfolio Costa` → `portfolio costa`, `2025-10-06`).
pub(crate) fn name_key(path: &VPath) -> (String, Option<String>) {
    let stem = path.file_stem().unwrap_or_default().to_lowercase();
    let mut date: Option<String> = None;
    let mut kept: Vec<String> = Vec::new();
    for w in stem.split(|c: char| !c.is_alphanumeric() && c != '-') {
        for part in split_dates(w, &mut date) {
            let p = part.trim_matches('-');
            let version =
                p.len() > 1 && p.starts_with('v') && p[1..].chars().all(|c| c.is_ascii_digit());
            if p.is_empty() || version || matches!(p, "copy" | "final" | "draft" | "new" | "old") {
                continue;
            }
            kept.push(p.to_owned());
        }
    }
    (kept.join(" "), date)
}

/// Splits dates (`2025-10-06`, `20251006`) out of one word, keeping the
/// newest in `date`.
fn split_dates<'a>(w: &'a str, date: &mut Option<String>) -> Vec<&'a str> {
    let is_date = |s: &str| {
        let b = s.as_bytes();
        (b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && s.chars().filter(char::is_ascii_digit).count() == 8)
            || (b.len() == 8
                && b.iter().all(u8::is_ascii_digit)
                && (b"19" == &b[..2] || b"20" == &b[..2]))
    };
    let mut out = Vec::new();
    let mut rest = w;
    while !rest.is_empty() {
        let found = (0..rest.len()).find_map(|i| {
            [10usize, 8]
                .into_iter()
                .find_map(|n| rest.get(i..i + n).filter(|s| is_date(s)).map(|s| (i, n, s)))
        });
        match found {
            Some((i, n, s)) => {
                let norm = s.replace('-', "");
                if date.as_ref().is_none_or(|d| *d < norm) {
                    *date = Some(norm);
                }
                out.push(&rest[..i]);
                rest = &rest[i + n..];
            }
            None => {
                out.push(rest);
                break;
            }
        }
    }
    out
}

/// The records of a CSV text, read by the model's one CSV reader
/// ([`simdesk_model::csv::parse`]), at most `max_cells` fields in all;
/// `None` when it is larger or is not CSV (a quoted field left open).
pub(crate) fn csv_rows(text: &str, max_cells: usize) -> Option<Vec<Vec<String>>> {
    simdesk_model::csv::parse(text, max_cells).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vp(s: &str) -> VPath {
        s.parse().unwrap()
    }

    #[test]
    fn name_keys_drop_dates_and_versions() {
        assert_eq!(
            name_key(&vp("/d/costa_holdings_2025-11-03.csv")),
            ("costa holdings".to_owned(), Some("20251103".to_owned()))
        );
        assert_eq!(
            name_key(&vp("/d/2025-10-06 Portfolio Costa - Copy.xlsx")),
            ("portfolio costa".to_owned(), Some("20251006".to_owned()))
        );
        assert_eq!(
            name_key(&vp("/d/report_v2_final.docx")),
            ("report".to_owned(), None)
        );
    }

    #[test]
    fn words_keep_money_and_errors() {
        assert_eq!(
            words("| Total | $1,204,331 | 12.4% |\n- shows #REF! today."),
            ["Total", "$1,204,331", "12.4%", "shows", "#REF!", "today"]
        );
    }

    #[test]
    fn a_cjk_run_is_a_word_of_its_own_in_a_file_and_its_pdf_alike() {
        assert_eq!(words("김민지's plan"), ["김민지", "s", "plan"]);
        assert_eq!(words("김민지's plan"), words("김민지 's plan"));
        assert_eq!(words("王芳の件"), ["王芳の件"]);
        assert_eq!(words("Maria's plan"), ["Maria's", "plan"]);
    }

    #[test]
    fn differences_name_changed_words() {
        let a = words("value $100 and fee $5");
        let b = words("value $120 and fee $6");
        assert_eq!(
            differences(&a, &b, "the pdf", "the docx"),
            "the pdf shows \"$100\" where the docx now shows \"$120\"; the pdf shows \"$5\" where the docx now shows \"$6\""
        );
    }

    #[test]
    fn csv_records_with_quotes() {
        assert_eq!(
            csv_rows("a,b\n\"x, y\",\"q\"\"\"\n", 100).unwrap(),
            vec![vec!["a", "b"], vec!["x, y", "q\""]]
        );
        assert!(csv_rows("a,b,c\n", 2).is_none());
    }

    /// The checker reads CSV by the engine's rules: a lone CR ends a
    /// record (it used to be dropped, gluing two records' fields) and an
    /// open quote is not CSV (it used to swallow the rest of the text).
    #[test]
    fn csv_rows_reads_lone_cr_and_refuses_an_open_quote() {
        assert_eq!(
            csv_rows("a,b\rc,d\r\n", 100).unwrap(),
            vec![vec!["a", "b"], vec!["c", "d"]]
        );
        assert!(csv_rows("a,\"open\n", 100).is_none());
    }
}
