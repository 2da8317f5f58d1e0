//! Rendered pages: for every built-in template, one generated computer's
//! first document, deck and workbook are written as an export writes them
//! (the persona's paper included), converted to PDF by LibreOffice
//! headless, and checked for the layout facts a reader sees on the page,
//! read from the converted PDF's word boxes (`pdftotext -bbox`):
//!
//! - docx: the page is the persona's paper (Letter in the US and Canada,
//!   A4 elsewhere); the first heading's words are taller than the body
//!   text; in a table with a numeric column the numbers' right edges line
//!   up (checked where a template's document has one; at least one does);
//! - pptx: a slide title is taller than its bullets; the bullets of a
//!   content slide reach down into the body area (below 40% of the
//!   slide's height, not crammed under the title); the slide number is
//!   printed at the bottom right;
//! - xlsx: the first sheet fits one page wide (every header of its first
//!   row is on the first page).
//!
//! The first page of each PDF is also drawn as a PNG (`pdftoppm`, 60 dpi)
//! under the test target's temporary folder (`target/tmp/render/`), for a
//! person to look at; nothing is written into the repository. One
//! LibreOffice run converts all the files. Skipped, with the reason
//! printed, when `soffice` or poppler's tools are missing — unless
//! `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use simdesk_engine::Workspace;
use simdesk_formats::{Format, PaperSize, export};
use simdesk_gen::{GenOptions, builtin_templates, generate};
use simdesk_model::{Artifact, Block, CellValue, Document, Layout, VPath, inlines_text};

/// One word of a converted page: its box (points, y down) and text.
#[derive(Debug, Clone)]
struct Word {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    text: String,
}

impl Word {
    fn height(&self) -> f32 {
        self.y1 - self.y0
    }
}

/// One converted page: its size and words.
#[derive(Debug, Default)]
struct PdfPage {
    width: f32,
    height: f32,
    words: Vec<Word>,
}

fn attr(tag: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    tag.find(&key)
        .and_then(|i| {
            let rest = &tag[i + key.len()..];
            rest[..rest.find('"')?].parse().ok()
        })
        .unwrap_or(0.0)
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The pages of `pdf` as `pdftotext -bbox` reads them.
fn read_boxes(pdf: &Path) -> Vec<PdfPage> {
    let out = Command::new("pdftotext")
        .arg("-bbox")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    let html = String::from_utf8_lossy(&out.stdout);
    let mut pages = Vec::new();
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            pages.push(PdfPage {
                width: attr(line, "width"),
                height: attr(line, "height"),
                words: Vec::new(),
            });
        } else if line.starts_with("<word ")
            && let (Some(p), Some(gt), Some(end)) =
                (pages.last_mut(), line.find('>'), line.rfind("</word>"))
        {
            p.words.push(Word {
                x0: attr(line, "xMin"),
                y0: attr(line, "yMin"),
                x1: attr(line, "xMax"),
                y1: attr(line, "yMax"),
                text: unescape(&line[gt + 1..end]),
            });
        }
    }
    pages
}

/// The first file of `kind` in the world (paths in order) that `accept`
/// likes, else the first of that kind.
fn pick(
    ws: &Workspace,
    kind: fn(&Artifact) -> bool,
    accept: fn(&Artifact) -> bool,
) -> Option<(&VPath, &Artifact)> {
    let all: Vec<(&VPath, &Artifact)> = ws.artifacts().filter(|(_, a)| kind(a)).collect();
    all.iter()
        .find(|(_, a)| accept(a))
        .or_else(|| all.first())
        .copied()
}

/// A document with a heading, a paragraph and a table with a numeric
/// column is the most telling one to render.
fn telling_document(a: &Artifact) -> bool {
    let Artifact::Document(d) = a else {
        return false;
    };
    d.blocks.iter().any(|b| matches!(b, Block::Heading { .. }))
        && d.blocks
            .iter()
            .any(|b| matches!(b, Block::Paragraph { .. }))
        && numeric_table(d).is_some()
}

/// Whether a cell reads as a number (as the writers judge it).
fn numeric(t: &str) -> bool {
    let t = t.trim();
    t.chars().any(|c| c.is_ascii_digit())
        && t.chars()
            .all(|c| c.is_ascii_digit() || " .,%$€£¥₹()+-−".contains(c))
}

/// The body cells of the first numeric column of the first table that
/// has one (at least two cells of different lengths, no spaces).
fn numeric_table(d: &Document) -> Option<Vec<String>> {
    for b in &d.blocks {
        let Block::Table(t) = b else { continue };
        let rows: Vec<Vec<String>> = t
            .rows
            .iter()
            .skip(usize::from(t.header))
            .map(|r| r.iter().map(|c| inlines_text(c)).collect())
            .collect();
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        for c in 1..cols {
            let cells: Vec<String> = rows.iter().filter_map(|r| r.get(c).cloned()).collect();
            if cells.len() >= 2
                && cells.iter().all(|x| numeric(x) && !x.trim().contains(' '))
                && cells.iter().any(|x| x.len() != cells[0].len())
            {
                return Some(cells);
            }
        }
    }
    None
}

fn median(mut v: Vec<f32>) -> f32 {
    v.sort_by(f32::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Heights of the words of `text` (first three words of three or more
/// characters) wherever they are on `pages`.
fn heights_of(pages: &[PdfPage], text: &str) -> Vec<f32> {
    let wanted: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().count() >= 3)
        .take(3)
        .collect();
    pages
        .iter()
        .flat_map(|p| &p.words)
        .filter(|w| wanted.contains(&w.text.as_str()))
        .map(Word::height)
        .collect()
}

/// Checks one converted document; returns whether a numeric table was
/// checked.
fn check_docx(name: &str, d: &Document, paper: PaperSize, pages: &[PdfPage]) -> bool {
    let first = pages.first().expect("a page");
    let (w, h) = paper.points();
    assert!(
        (first.width - w).abs() < 1.5 && (first.height - h).abs() < 1.5,
        "{name}: page {}x{}, expected {paper:?} {w}x{h}",
        first.width,
        first.height
    );
    let body = median(
        pages
            .iter()
            .flat_map(|p| &p.words)
            .map(Word::height)
            .collect(),
    );
    let heading = d.blocks.iter().find_map(|b| match b {
        Block::Heading { text, .. } => Some(text.clone()),
        _ => None,
    });
    if let Some(heading) = heading {
        let tallest = heights_of(pages, &heading)
            .into_iter()
            .fold(0.0_f32, f32::max);
        assert!(
            tallest > body * 1.15,
            "{name}: heading {heading:?} is {tallest} pt tall, body text {body} pt"
        );
    }
    let Some(cells) = numeric_table(d) else {
        return false;
    };
    // Every cell's possible right edges (cells the extractor split into
    // several words are left out); one edge shared by all of them.
    let edges: Vec<Vec<(f32, f32)>> = cells
        .iter()
        .map(|c| {
            pages
                .iter()
                .flat_map(|p| &p.words)
                .filter(|w| w.text == c.trim())
                .map(|w| (w.x0, w.x1))
                .collect::<Vec<_>>()
        })
        .filter(|e| !e.is_empty())
        .collect();
    assert!(
        edges.len() >= 2,
        "{name}: the numbers {cells:?} are not on the pages"
    );
    let shared = edges.first().into_iter().flatten().any(|&(_, right)| {
        edges
            .iter()
            .all(|e| e.iter().any(|&(_, r)| (r - right).abs() < 1.0))
    });
    assert!(
        shared,
        "{name}: numbers {cells:?} are not right-aligned (left and right edges {edges:?})"
    );
    true
}

fn check_pptx(name: &str, deck: &simdesk_model::Deck, pages: &[PdfPage]) {
    assert_eq!(pages.len(), deck.slides.len(), "{name}: one page per slide");
    let mut checked = false;
    for (i, (s, p)) in deck.slides.iter().zip(pages).enumerate() {
        if s.layout != Layout::TitleAndContent || s.bullets.is_empty() {
            continue;
        }
        let words = |t: &str| {
            let page = [PdfPage {
                width: p.width,
                height: p.height,
                words: p.words.clone(),
            }];
            heights_of(&page, t)
        };
        let title = words(&s.title).into_iter().fold(0.0_f32, f32::max);
        let bullet = median(words(&inlines_text(&s.bullets[0].inlines)));
        assert!(
            title > bullet * 1.1,
            "{name} slide {}: title {title} pt, bullets {bullet} pt",
            i + 1
        );
        let number = (i + 1).to_string();
        assert!(
            p.words
                .iter()
                .any(|w| w.text == number && w.x0 > p.width * 0.6 && w.y0 > p.height * 0.85),
            "{name} slide {}: no slide number at the bottom right",
            i + 1
        );
        if s.table.is_none() && s.bullets.len() >= 3 {
            let lowest = p
                .words
                .iter()
                .filter(|w| w.y0 < p.height * 0.85)
                .map(|w| w.y1)
                .fold(0.0_f32, f32::max);
            assert!(
                lowest > p.height * 0.4,
                "{name} slide {}: the bullets end at {lowest} of {} pt, crammed under the title",
                i + 1,
                p.height
            );
        }
        checked = true;
    }
    assert!(checked, "{name}: no content slide with bullets");
}

fn check_xlsx(name: &str, book: &simdesk_model::Workbook, pages: &[PdfPage]) {
    let Some(sheet) = book.sheets.first() else {
        return;
    };
    let first = pages.first().expect("a page");
    for (addr, cell) in sheet.cells.iter().filter(|(a, _)| a.row == 0) {
        let CellValue::Text(t) = &cell.value else {
            continue;
        };
        let Some(word) = t.split_whitespace().next() else {
            continue;
        };
        assert!(
            first.words.iter().any(|w| w.text == word),
            "{name}: the header {t:?} ({addr}) is not on the first page: the sheet does not fit one page wide"
        );
    }
}

fn have(tool: &str, arg: &str) -> bool {
    Command::new(tool).arg(arg).output().is_ok()
}

#[test]
fn generated_files_render_with_professional_layout() {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !(have("soffice", "--version") && have("pdftotext", "-v") && have("pdftoppm", "-v")) {
        assert!(
            !ci,
            "CI=true but soffice or poppler-utils are missing; run scripts/install-fidelity-deps.sh"
        );
        println!("SKIPPED render check: soffice, pdftotext or pdftoppm missing");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("render");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut worlds = Vec::new();
    let mut files = Vec::new();
    for t in builtin_templates().expect("templates") {
        let spec = generate(&t, 16, 0, &GenOptions::default()).expect("generate");
        let ws = simdesk_gen::build(&spec).expect("build");
        let chosen = [
            (
                "docx",
                pick(
                    &ws,
                    |a| matches!(a, Artifact::Document(_)),
                    telling_document,
                ),
            ),
            (
                "pptx",
                pick(&ws, |a| matches!(a, Artifact::Deck(_)), |_| true),
            ),
            (
                "xlsx",
                pick(&ws, |a| matches!(a, Artifact::Workbook(_)), |_| true),
            ),
        ];
        for (ext, found) in chosen {
            let Some((path, artifact)) = found else {
                panic!("{}: no {ext} to render", t.id)
            };
            let opts = simdesk_store::export_options(&ws, path);
            let format: Format = ext.parse().expect("format");
            // Stems apart: LibreOffice names each conversion `{stem}.pdf`.
            let file = dir.join(format!("{}-{ext}.{ext}", t.id));
            std::fs::write(&file, export(artifact, format, &opts).expect("export")).unwrap();
            files.push(file);
        }
        worlds.push((t.id.clone(), ws));
    }
    let profile = dir.join("profile");
    let out = Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args([
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
        ])
        .arg(&dir)
        .args(&files)
        .output()
        .expect("soffice runs");
    assert!(
        out.status.success(),
        "LibreOffice failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut numeric_tables = 0;
    for (id, ws) in &worlds {
        let paper = simdesk_store::export_options(ws, &VPath::root()).paper;
        for ext in ["docx", "pptx", "xlsx"] {
            let stem = format!("{id}-{ext}");
            let pdf = dir.join(format!("{stem}.pdf"));
            assert!(pdf.is_file(), "LibreOffice made no {}", pdf.display());
            let png = Command::new("pdftoppm")
                .args(["-png", "-r", "60", "-f", "1", "-l", "2"])
                .arg(&pdf)
                .arg(dir.join(&stem))
                .status()
                .expect("pdftoppm runs");
            assert!(png.success(), "pdftoppm failed on {}", pdf.display());
            let pages = read_boxes(&pdf);
            assert!(!pages.is_empty(), "{stem}: no pages");
            let kind: fn(&Artifact) -> bool = match ext {
                "docx" => |a: &Artifact| matches!(a, Artifact::Document(_)),
                "pptx" => |a: &Artifact| matches!(a, Artifact::Deck(_)),
                _ => |a: &Artifact| matches!(a, Artifact::Workbook(_)),
            };
            let accept: fn(&Artifact) -> bool = if ext == "docx" {
                telling_document
            } else {
                |_: &Artifact| true
            };
            match pick(ws, kind, accept).map(|(_, a)| a) {
                Some(Artifact::Document(d)) => {
                    if check_docx(&stem, d, paper, &pages) {
                        numeric_tables += 1;
                    }
                }
                Some(Artifact::Deck(d)) => check_pptx(&stem, d, &pages),
                Some(Artifact::Workbook(w)) => check_xlsx(&stem, w, &pages),
                _ => panic!("{stem}: nothing rendered"),
            }
        }
    }
    assert!(
        numeric_tables > 0,
        "no template's document has a table with a numeric column to check"
    );
    println!("rendered pages: {}", dir.display());
}
