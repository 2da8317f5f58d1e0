//! The embedded fonts: which one draws each character, how wide text is,
//! and subsetting a font to the glyphs one file uses.
//!
//! printpdf without its `text_layout` feature embeds whole font files; the
//! CJK fallback alone is 4 MB, so each file gets its own subset here (with
//! the allsorts printpdf itself depends on), renumbered glyph ids included.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use printpdf::ParsedFont;

use crate::{Format, FormatError};

/// The font files, in fallback order: name and bytes.
const FONT_FILES: [(&str, &[u8]); 3] = [
    ("DejaVuSans", include_bytes!("../../fonts/DejaVuSans.ttf")),
    (
        "NotoSansDevanagari",
        include_bytes!("../../fonts/NotoSansDevanagari-Regular.ttf"),
    ),
    (
        "DroidSansFallback",
        include_bytes!("../../fonts/DroidSansFallbackFull.ttf"),
    ),
];

/// The parsed fonts, read once per process (the same bytes every time, so
/// this cache cannot change any output).
pub(crate) fn base_fonts() -> Result<&'static [ParsedFont], FormatError> {
    static FONTS: OnceLock<Result<Vec<ParsedFont>, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            FONT_FILES
                .iter()
                .map(|(name, bytes)| {
                    let mut warnings = Vec::new();
                    let mut f = ParsedFont::from_bytes(bytes, 0, &mut warnings)
                        .ok_or_else(|| format!("embedded font {name} does not parse"))?;
                    f.font_name = Some((*name).to_owned());
                    Ok(f)
                })
                .collect()
        })
        .as_deref()
        .map_err(|e| FormatError::Write {
            format: Format::Pdf,
            reason: e.clone(),
        })
}

/// Text that can be drawn: tabs become a space, characters no embedded
/// font has a glyph for are dropped (the documented exception).
pub(crate) fn drawable(fonts: &[ParsedFont], s: &str) -> String {
    s.chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|&c| font_for(fonts, c).is_some())
        .collect()
}

/// The first font with a glyph for `c`; none for control characters.
pub(crate) fn font_for(fonts: &[ParsedFont], c: char) -> Option<usize> {
    if c.is_control() {
        return None;
    }
    fonts
        .iter()
        .position(|f| f.lookup_glyph_index(c as u32).is_some_and(|g| g != 0))
}

/// Advance of `c` in points at `size`.
pub(crate) fn advance(fonts: &[ParsedFont], c: char, size: f32) -> f32 {
    let Some(i) = font_for(fonts, c) else {
        return 0.0;
    };
    let f = &fonts[i];
    let gid = f.lookup_glyph_index(c as u32).unwrap_or(0);
    let w = f.get_glyph_width(gid).unwrap_or(0);
    f32::from(w) / f32::from(f.units_per_em.max(1)) * size
}

/// Width of `s` in points at `size`.
pub(crate) fn width(fonts: &[ParsedFont], s: &str, size: f32) -> f32 {
    s.chars().map(|c| advance(fonts, c, size)).sum()
}

/// Splits `s` into runs of one font each.
pub(crate) fn runs(fonts: &[ParsedFont], s: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    for c in s.chars() {
        let Some(f) = font_for(fonts, c) else {
            continue;
        };
        match out.last_mut() {
            Some((lf, text)) if *lf == f => text.push(c),
            _ => out.push((f, c.to_string())),
        }
    }
    out
}

/// A font cut down to the characters one file uses, ready for printpdf:
/// its glyphs renumbered, its cmap and widths rebuilt to match.
pub(crate) fn subset_font(
    base: &ParsedFont,
    chars: &BTreeSet<char>,
) -> Result<ParsedFont, FormatError> {
    let err = |e: String| FormatError::Write {
        format: Format::Pdf,
        reason: format!(
            "subsetting font {}: {e}",
            base.font_name.as_deref().unwrap_or("?")
        ),
    };
    let mut gids: BTreeSet<u16> = BTreeSet::new();
    for &c in chars {
        if let Some(g) = base.lookup_glyph_index(c as u32) {
            gids.insert(g);
        }
    }
    gids.remove(&0);
    // Glyph 0 (.notdef) must come first; the subset numbers glyphs by their
    // position in this list.
    let ids: Vec<u16> = std::iter::once(0).chain(gids.iter().copied()).collect();
    let new_id: BTreeMap<u16, u16> = ids
        .iter()
        .enumerate()
        .map(|(i, &g)| (g, i as u16))
        .collect();

    let scope = ReadScope::new(&base.original_bytes);
    let data = scope
        .read::<FontData<'_>>()
        .map_err(|e| err(e.to_string()))?;
    let provider = data.table_provider(0).map_err(|e| err(e.to_string()))?;
    let bytes = subset(&provider, &ids, &SubsetProfile::Pdf, CmapTarget::Unicode)
        .map_err(|e| err(e.to_string()))?;

    let mut codepoint_to_glyph = BTreeMap::new();
    for &c in chars {
        if let Some(g) = base
            .lookup_glyph_index(c as u32)
            .and_then(|g| new_id.get(&g))
        {
            codepoint_to_glyph.insert(c as u32, *g);
        }
    }
    let glyph_widths = new_id
        .iter()
        .map(|(old, new)| (*new, base.get_glyph_width(*old).unwrap_or(0)))
        .collect();
    Ok(ParsedFont {
        original_bytes: bytes,
        font_index: 0,
        font_name: base.font_name.clone(),
        codepoint_to_glyph,
        glyph_widths,
        units_per_em: base.units_per_em,
        font_metrics: base.font_metrics.clone(),
        font_type: base.font_type,
        pdf_font_metrics: base.pdf_font_metrics.clone(),
    })
}
