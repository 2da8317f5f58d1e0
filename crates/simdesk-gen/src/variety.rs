//! Variety: how much of a computer's prose is the same sentence skeleton
//! with other names and numbers in it.
//!
//! A practitioner reading a generated computer notices at once when every
//! client's review says the same sentences. This module measures that.
//!
//! **What counts as prose.** Every artifact the spec writes and every email:
//!
//! - documents: paragraphs and list items; *not* headings, table cells or
//!   the title;
//! - decks: bullets and speaker notes; *not* slide titles, subtitles or
//!   tables;
//! - text notes and PDF pages: each line, less its list marker (`- `,
//!   `1. `, `- [ ] `); *not* Markdown headings (`#`), table rows (`|`) or
//!   page rules (`---`); on PDF pages, whose headings have lost their
//!   markup, a line of at most six words with no punctuation is a heading;
//! - emails: every body paragraph (greetings and sign-offs included when
//!   they are long enough to be sentences, below); *not* the subject;
//! - workbooks, data files (CSV, TSV) and binaries hold no prose; exports and copies
//!   repeat an artifact already counted and are not counted again.
//!
//! A unit of prose is a *form field*, not prose, when it is `Label: value`
//! with a label of at most five words (`Date: 2026-01-10`,
//! `Estimated income: …`): those are labels a form or a slide repeats by
//! design. A unit with no terminal punctuation (`.`, `!`, `?`) and fewer
//! than seven words once masked (a name counts as one word) is a *fragment* — a title line, a byline, a to-do or a
//! bullet such as `Agree rebalancing trades` — and is not prose either.
//!
//! **Sentences.** A unit is masked (below), then split after `.`, `!` or
//! `?` followed by a space or the end. A sentence needs at least four
//! words; shorter ones (`Thanks, Ana.`, `Looks good.`, `In re Doe.`) are
//! formulas, not sentences, and are not counted.
//!
//! **Skeletons.** A sentence's skeleton is the sentence with every name the
//! spec knows (persona, employer, collaborators and their organisations,
//! everyone in the mail, every folder and file name under the persona's
//! home, and each word of those names that starts with a capital letter)
//! replaced by `<name>`, every file name by `<file>`, every ISO date,
//! month or weekday name by `<date>`, every number (with its currency
//! sign, separators, sign, `%` or unit suffix) by `<num>`, field values by
//! `<num>`, then lower-cased with whitespace collapsed. Content-free hedges
//! ([`HEDGES`]: `so far`, `to date`, `at present`, `currently` …) are
//! dropped, so tacking one onto a sentence cannot make a new skeleton.
//! Masking more than strictly needed only makes the measure stricter.
//!
//! ```
//! use simdesk_gen::{GenOptions, builtin_template, generate, variety::Variety};
//!
//! let t = builtin_template("financial-advisor").unwrap();
//! let spec = generate(&t, 7, 0, &GenOptions::default()).unwrap();
//! let v = Variety::of(&spec);
//! assert!(v.sentences > 100);
//! assert!(v.ratio() > 0.0 && v.ratio() <= 1.0);
//! ```

use std::collections::{BTreeMap, BTreeSet};

use simdesk_model::{Artifact, Block, Inline, VPath};

use crate::WorldSpec;

/// The names and file names a spec knows, to be masked out of sentences.
#[derive(Debug, Clone, Default)]
pub struct Masks {
    /// Names by their first word, each list longest first.
    names: BTreeMap<String, Vec<String>>,
    /// File names by their first word, each list longest first.
    files: BTreeMap<String, Vec<String>>,
}

/// Groups strings by their first word (what a sentence must contain for
/// the string to be in it), longest first.
fn by_first_word(set: BTreeSet<String>) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for s in set {
        let first = words(&s).next().map(str::to_owned);
        if let Some(w) = first {
            out.entry(w).or_default().push(s);
        }
    }
    for v in out.values_mut() {
        v.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    }
    out
}

/// The alphanumeric words of `s`.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// The strings of `index` that may occur in `s`, longest first.
fn candidates<'a>(index: &'a BTreeMap<String, Vec<String>>, s: &str) -> Vec<&'a str> {
    let present: BTreeSet<&str> = words(s).collect();
    let mut out: Vec<&str> = present
        .iter()
        .filter_map(|w| index.get(*w))
        .flatten()
        .map(String::as_str)
        .collect();
    out.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    out
}

impl Masks {
    /// Masks from explicit lists of names and file names.
    pub fn new(
        names: impl IntoIterator<Item = String>,
        files: impl IntoIterator<Item = String>,
    ) -> Masks {
        let mut names: BTreeSet<String> = names
            .into_iter()
            .map(|n| n.trim().to_owned())
            .filter(|n| n.chars().count() >= 2)
            .collect();
        // Each capitalised word of a name, so "Okafor" alone is masked too.
        let words: Vec<String> = names
            .iter()
            .flat_map(|n| n.split([' ', '-', ',', '.', '(', ')', '&', '/']))
            .filter(|w| w.chars().count() >= 2 && w.chars().next().is_some_and(char::is_uppercase))
            .map(str::to_owned)
            .collect();
        names.extend(words);
        let files: BTreeSet<String> = files.into_iter().filter(|f| !f.is_empty()).collect();
        Masks {
            names: by_first_word(names),
            files: by_first_word(files),
        }
    }

    /// Every name and file name `spec` knows.
    pub fn of(spec: &WorldSpec) -> Masks {
        let mut names = vec![spec.persona.name.clone(), spec.persona.employer.clone()];
        for c in &spec.collaborators {
            names.push(c.name.clone());
            names.push(c.organisation.clone());
        }
        for m in &spec.emails {
            let e = &m.email;
            for b in std::iter::once(&e.from).chain(&e.to).chain(&e.cc) {
                names.push(b.name.clone());
            }
        }
        let home = spec.home.as_str().trim_end_matches('/').to_owned();
        let mut files = Vec::new();
        let mut below_home = |p: &VPath, is_file: bool, names: &mut Vec<String>| {
            let Some(rest) = p.as_str().strip_prefix(&home) else {
                return;
            };
            let parts: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
            let dirs = if is_file {
                parts.len().saturating_sub(1)
            } else {
                parts.len()
            };
            names.extend(parts[..dirs].iter().map(|s| (*s).to_owned()));
            if is_file && let Some(f) = parts.last() {
                files.push((*f).to_owned());
                if let Some((stem, _)) = f.rsplit_once('.') {
                    files.push(stem.to_owned());
                }
            }
        };
        for f in &spec.folders {
            below_home(f, false, &mut names);
        }
        for a in &spec.artifacts {
            below_home(&a.path, true, &mut names);
        }
        for x in &spec.exports {
            below_home(&x.target, true, &mut names);
        }
        for m in &spec.emails {
            for a in &m.email.attachments {
                below_home(a, true, &mut names);
            }
        }
        Masks::new(names, files)
    }

    /// The skeleton of one sentence (see the module documentation).
    pub fn skeleton(&self, sentence: &str) -> String {
        let mut s = sentence.to_owned();
        for f in candidates(&self.files, sentence) {
            s = replace_whole(&s, f, "\u{1}");
        }
        for n in candidates(&self.names, &s.clone()) {
            s = replace_whole(&s, n, "\u{2}");
        }
        let s = mask_numbers_and_dates(&s);
        let s = s.replace('\u{1}', " <file> ").replace('\u{2}', " <name> ");
        normalise(&s)
    }
}

/// How varied one computer's prose is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variety {
    /// Sentences counted.
    pub sentences: usize,
    /// Each skeleton and how many sentences have it.
    pub skeletons: BTreeMap<String, usize>,
}

impl Variety {
    /// The variety of a generated (or hand-written) computer.
    pub fn of(spec: &WorldSpec) -> Variety {
        Variety::from_units(&Masks::of(spec), &prose_units(spec))
    }

    /// The variety of units of prose (paragraphs, list items, lines) under
    /// `masks`.
    pub fn from_units(masks: &Masks, units: &[String]) -> Variety {
        let mut v = Variety::default();
        for u in units {
            if is_form_field(u) {
                continue;
            }
            let masked = masks.skeleton(u);
            if is_fragment(&masked) {
                continue;
            }
            for sentence in split_sentences(&masked) {
                v.sentences += 1;
                *v.skeletons.entry(sentence).or_default() += 1;
            }
        }
        v
    }

    /// Distinct skeletons per sentence, in [0, 1] (1 when there is no
    /// prose at all).
    pub fn ratio(&self) -> f64 {
        if self.sentences == 0 {
            1.0
        } else {
            self.skeletons.len() as f64 / self.sentences as f64
        }
    }

    /// The skeletons seen most often, most frequent first, at most `n`.
    pub fn most_repeated(&self, n: usize) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = self
            .skeletons
            .iter()
            .map(|(k, c)| (k.as_str(), *c))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        v.truncate(n);
        v
    }
}

/// The share of skeletons that recur in every one of `worlds` (computers
/// of one template over several seeds): skeletons present in all of them
/// divided by skeletons present in any. 0 when there are none.
pub fn recurrence(worlds: &[Variety]) -> f64 {
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for w in worlds {
        for k in w.skeletons.keys() {
            *seen.entry(k.as_str()).or_default() += 1;
        }
    }
    if seen.is_empty() {
        return 0.0;
    }
    let everywhere = seen.values().filter(|c| **c == worlds.len()).count();
    everywhere as f64 / seen.len() as f64
}

/// The units of prose of a spec, in artifact then mail order (see the
/// module documentation for what is included).
pub fn prose_units(spec: &WorldSpec) -> Vec<String> {
    let mut out = Vec::new();
    for a in &spec.artifacts {
        match &a.artifact {
            Artifact::Document(d) => {
                for b in &d.blocks {
                    match b {
                        Block::Paragraph { inlines } => out.push(inline_text(inlines)),
                        Block::List { items, .. } => {
                            out.extend(items.iter().map(|i| inline_text(&i.inlines)));
                        }
                        Block::Heading { .. } | Block::Table(_) | Block::PageBreak => {}
                    }
                }
            }
            Artifact::Deck(d) => {
                for s in &d.slides {
                    out.extend(s.bullets.iter().map(|b| inline_text(&b.inlines)));
                    out.extend(s.notes.lines().map(str::to_owned));
                }
            }
            // Data files (CSV, TSV) are records, not prose.
            Artifact::Text(t) if !is_data_file(&a.path) => out.extend(text_lines(&t.content)),
            Artifact::Pdf(p) => {
                for page in &p.pages {
                    out.extend(
                        text_lines(&page.text)
                            .into_iter()
                            .filter(|l| !is_pdf_heading(l)),
                    );
                }
            }
            _ => {}
        }
    }
    for m in &spec.emails {
        for p in &m.email.body {
            out.extend(inline_text(&p.inlines).lines().map(str::to_owned));
        }
    }
    out.retain(|u| !u.trim().is_empty());
    out
}

/// Text of runs; a field counts as a number whatever it shows.
fn inline_text(inlines: &[Inline]) -> String {
    inlines
        .iter()
        .map(|i| match i {
            Inline::Text { text, .. } => text.clone(),
            Inline::Field(_) => " 0 ".to_owned(),
        })
        .collect()
}

/// The prose lines of plain text: no headings, table rows or rules, list
/// markers removed.
fn text_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !(l.starts_with('#') || l.starts_with('|') || l.starts_with("---")))
        .map(|l| {
            let l = l
                .strip_prefix("- [ ] ")
                .or_else(|| l.strip_prefix("- [x] "))
                .or_else(|| l.strip_prefix("- "))
                .or_else(|| l.strip_prefix("* "))
                .unwrap_or(l);
            let digits = l.chars().take_while(char::is_ascii_digit).count();
            match l[digits..].strip_prefix(". ") {
                Some(rest) if digits > 0 => rest.to_owned(),
                _ => l.to_owned(),
            }
        })
        .collect()
}

/// A text file that holds records (`.csv`, `.tsv`).
fn is_data_file(p: &VPath) -> bool {
    let name = p.as_str().to_ascii_lowercase();
    name.ends_with(".csv") || name.ends_with(".tsv")
}

/// A PDF line that is a heading: at most six words, no punctuation.
fn is_pdf_heading(line: &str) -> bool {
    line.split_whitespace().count() <= 6 && !line.contains(['.', ',', ';', ':', '!', '?'])
}

/// A short unit without terminal punctuation: a title, byline or bullet.
fn is_fragment(unit: &str) -> bool {
    let t = unit.trim_end();
    !t.ends_with(['.', '!', '?']) && t.split_whitespace().count() < 7
}

/// `Label: value` with a label of at most five words.
fn is_form_field(unit: &str) -> bool {
    let Some((label, value)) = unit.split_once(": ") else {
        return false;
    };
    let words = label.split_whitespace().count();
    (1..=5).contains(&words)
        && !label.contains(['.', '!', '?', ',', ';'])
        && !value.trim().is_empty()
}

/// Replaces `needle` where it stands as a whole word (not inside a longer
/// word).
fn replace_whole(hay: &str, needle: &str, with: &str) -> String {
    if needle.is_empty() || !hay.contains(needle) {
        return hay.to_owned();
    }
    let mut out = String::new();
    let mut rest = hay;
    while let Some(i) = rest.find(needle) {
        let before = rest[..i].chars().next_back();
        let after = rest[i + needle.len()..].chars().next();
        let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        if boundary(before) && boundary(after) {
            out.push_str(&rest[..i]);
            out.push_str(with);
        } else {
            out.push_str(&rest[..i + needle.len()]);
        }
        rest = &rest[i + needle.len()..];
    }
    out.push_str(rest);
    out
}

const MONTHS_AND_DAYS: [&str; 31] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Masks dates (`2026-01-10`, month and weekday names) as `<date>` and
/// numbers with their currency, sign, separators and suffixes as `<num>`.
fn mask_numbers_and_dates(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let is_cur = |c: char| "$€£¥₹".contains(c);
    while i < chars.len() {
        let c = chars[i];
        // A number: optional sign or currency, digits with , . separators.
        let starts_number = c.is_ascii_digit()
            || ((is_cur(c) || c == '-' || c == '+')
                && chars
                    .get(i + 1)
                    .is_some_and(|d| d.is_ascii_digit() || is_cur(*d)));
        if starts_number && !chars[..i].last().is_some_and(|p| p.is_alphabetic()) {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_ascii_digit()
                    || is_cur(chars[j])
                    || ((chars[j] == ','
                        || chars[j] == '.'
                        || chars[j] == '-'
                        || chars[j] == '/'
                        || chars[j] == ':')
                        && chars.get(j + 1).is_some_and(char::is_ascii_digit))
                    || (j == i && (chars[j] == '-' || chars[j] == '+')))
            {
                j += 1;
            }
            let run: String = chars[i..j].iter().collect();
            let is_date =
                run.len() >= 8 && run.chars().filter(|c| *c == '-' || *c == '/').count() == 2;
            // Suffixes: % and short units (k, m, bn, x, h, pp).
            let mut k = j;
            while k < chars.len() && (chars[k] == '%' || chars[k].is_alphabetic()) && k - j < 3 {
                k += 1;
            }
            let word_after = k < chars.len() && chars[k].is_alphabetic();
            let end = if !word_after { k } else { j };
            out.push_str(if is_date { " <date> " } else { " <num> " });
            i = end.max(i + 1);
            continue;
        }
        if c.is_alphabetic() && !chars[..i].last().is_some_and(|p| p.is_alphabetic()) {
            let mut j = i;
            while j < chars.len() && chars[j].is_alphabetic() {
                j += 1;
            }
            let word: String = chars[i..j].iter().collect::<String>().to_lowercase();
            if MONTHS_AND_DAYS.contains(&word.as_str())
                && (word != "may" || chars[i].is_uppercase())
            {
                out.push_str(" <date> ");
            } else {
                out.extend(&chars[i..j]);
            }
            i = j;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Lower case, whitespace collapsed, runs of one placeholder joined.
/// Phrases that say nothing about the matter at hand; a skeleton drops
/// them, so they cannot pass for variety.
pub const HEDGES: &[&str] = &[
    "so far",
    "to date",
    "at present",
    "at this stage",
    "as things stand",
    "as it stands",
    "currently",
    "for now",
    "at the moment",
    "right now",
    "presently",
];

/// `s` (lower-case) without its [`HEDGES`]. Punctuation after a dropped
/// hedge moves to the word before it; commas around it go with it.
fn strip_hedges(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    let mut i = 0;
    'words: while i < words.len() {
        for h in HEDGES {
            let hw: Vec<&str> = h.split(' ').collect();
            let Some(window) = words.get(i..i + hw.len()) else {
                continue;
            };
            let last = window[hw.len() - 1];
            let bare = last.trim_end_matches([',', '.', ';', ':', '!', '?']);
            let tail = &last[bare.len()..];
            let matches = window[..hw.len() - 1] == hw[..hw.len() - 1] && bare == hw[hw.len() - 1];
            if !matches {
                continue;
            }
            let rest = tail.trim_start_matches(',');
            if let Some(prev) = out.last_mut() {
                if !rest.is_empty() || tail.starts_with(',') {
                    prev.truncate(prev.trim_end_matches(',').len());
                }
                prev.push_str(rest);
            }
            i += hw.len();
            continue 'words;
        }
        out.push(words[i].to_owned());
        i += 1;
    }
    out.join(" ")
}

fn normalise(s: &str) -> String {
    let lower = strip_hedges(&s.to_lowercase());
    let mut words: Vec<&str> = Vec::new();
    for w in lower.split_whitespace() {
        let joinable = w.starts_with('<') && w.ends_with('>');
        if joinable && words.last() == Some(&w) {
            continue;
        }
        words.push(w);
    }
    words
        .join(" ")
        .replace(" ,", ",")
        .replace(" '", "'")
        .replace(" .", ".")
        .replace(" ;", ";")
        .replace(" :", ":")
        .replace(" %", "%")
        .replace(" )", ")")
        .replace("( ", "(")
}

/// Sentences of a masked unit with at least four words.
fn split_sentences(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = s.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        cur.push(*c);
        let end =
            matches!(c, '.' | '!' | '?') && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if end {
            out.push(std::mem::take(&mut cur));
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| s.split_whitespace().count() >= 4)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masks() -> Masks {
        Masks::new(
            ["Ana Okafor".to_owned(), "Northwind Advisors".to_owned()],
            ["Okafor Review 2026-01-10.docx".to_owned()],
        )
    }

    #[test]
    fn names_numbers_dates_and_files_are_masked() {
        let m = masks();
        let check = |s: &str, want: &str| assert_eq!(m.skeleton(s), want, "{s}");
        check(
            "Ana Okafor holds $1,234,567.89 across 14 positions.",
            "<name> holds <num> across <num> positions.",
        );
        check(
            "Okafor's equity share is 61.3%, up 2.1pp.",
            "<name>'s equity share is <num>, up <num>.",
        );
        check(
            "Sent Okafor Review 2026-01-10.docx on 2026-01-12 to  Northwind Advisors.",
            "sent <file> on <date> to <name>.",
        );
        check(
            "Book the next review for March.",
            "book the next review for <date>.",
        );
        check("You may want a Q3 check-in.", "you may want a q3 check-in.");
        check(
            "Fees fell -0.25% to €4,100 a year.",
            "fees fell <num> to <num> a year.",
        );
    }

    #[test]
    fn hedges_do_not_make_a_new_skeleton() {
        let m = masks();
        let plain = m.skeleton("Fees are billed quarterly in arrears.");
        for hedged in [
            "Fees are billed quarterly in arrears so far.",
            "Fees are billed quarterly in arrears to date.",
            "Currently, fees are billed quarterly in arrears.",
            "Fees are, at present, billed quarterly in arrears.",
            "Fees are billed quarterly in arrears as things stand.",
        ] {
            assert_eq!(m.skeleton(hedged), plain, "{hedged}");
        }
        // A word that only contains a hedge is kept.
        assert_ne!(
            m.skeleton("Fees are billed currentlyish."),
            m.skeleton("Fees are billed.")
        );
    }

    #[test]
    fn sentences_split_and_short_fragments_drop() {
        assert_eq!(
            split_sentences("Thanks, <name>. The total is <num>. Fine! Is the review done?"),
            ["The total is <num>.", "Is the review done?"]
        );
        assert!(is_form_field("Date: 2026-01-10"));
        assert!(!is_form_field(
            "We met with the client twice: once in March and once in May."
        ));
        assert!(is_fragment("Agree rebalancing trades"));
        assert!(!is_fragment("Agree the trades."));
        assert!(!is_fragment(
            "Agree the rebalancing trades with the client before the meeting"
        ));
    }

    #[test]
    fn one_repeated_sentence_scores_low_and_varied_prose_high() {
        let m = masks();
        let same: Vec<String> = (0..20)
            .map(|i| {
                format!(
                    "Client {i} holds ${},000 across {} positions.",
                    100 + i,
                    5 + i
                )
            })
            .collect();
        let v = Variety::from_units(&m, &same);
        assert_eq!((v.sentences, v.skeletons.len()), (20, 1));
        assert!(v.ratio() <= 0.05);
        let varied: Vec<String> = [
            "The portfolio holds $1,000 in 5 positions.",
            "Assets stand at $2,000 across 6 holdings.",
            "Equities are 60% of the total, near the target.",
            "We recommend trimming the largest position.",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        assert_eq!(Variety::from_units(&m, &varied).ratio(), 1.0);
    }

    #[test]
    fn recurrence_counts_skeletons_present_in_every_world() {
        let m = masks();
        let a = Variety::from_units(
            &m,
            &[
                "The review is done now.".into(),
                "Fees are 1% a year.".into(),
            ],
        );
        let b = Variety::from_units(
            &m,
            &[
                "The review is done now.".into(),
                "Fees came to 2% in total.".into(),
            ],
        );
        // Three skeletons in all, one in both.
        assert!((recurrence(&[a.clone(), b]) - 1.0 / 3.0).abs() < 1e-9);
        assert_eq!(recurrence(&[a]), 1.0);
        assert_eq!(recurrence(&[]), 0.0);
    }
}
