//! The embedded fonts: which one draws each character, how wide text is,
//! and each font cut down to the glyphs one file uses.
//!
//! The fonts are parsed once per process with allsorts (the character
//! map, the advance widths and the metrics the font descriptor needs).
//! Subsetting is a pure function of a font and a glyph set, and most files
//! of one world draw from the same few sets (the Latin font always carries
//! all of printable ASCII, so English text shares one subset), so finished
//! subsets are kept in a small process-wide memo. The memo only saves
//! work: every output byte is the same with it or without it.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tables::cmap::Cmap;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;

use crate::{Format, FormatError};

/// The font files, in fallback order: name, bytes, and whether the font
/// is symbolic in the PDF sense (holds characters outside the standard
/// Latin set only).
const FONT_FILES: [(&str, &[u8], bool); 3] = [
    (
        "DejaVuSans",
        include_bytes!("../../fonts/DejaVuSans.ttf"),
        false,
    ),
    (
        "NotoSansDevanagari",
        include_bytes!("../../fonts/NotoSansDevanagari-Regular.ttf"),
        true,
    ),
    (
        "DroidSansFallback",
        include_bytes!("../../fonts/DroidSansFallbackFull.ttf"),
        true,
    ),
];

/// One parsed font: its character map, advances and metrics.
#[derive(Debug)]
pub(crate) struct Font {
    /// PostScript-style name, without a subset tag.
    pub name: &'static str,
    /// The whole font file.
    bytes: &'static [u8],
    /// True for fonts the descriptor flags as symbolic.
    pub symbolic: bool,
    /// Glyph of each code point (0 where the font has none).
    cmap: BTreeMap<u32, u16>,
    /// Advance width of each glyph, in font units.
    widths: Vec<u16>,
    /// Font units per em.
    pub units_per_em: u16,
    /// Ascender and descender, in font units.
    pub ascent: i16,
    /// Descender (negative), in font units.
    pub descent: i16,
    /// Bounding box of all glyphs: x min, y min, x max, y max.
    pub bbox: [i16; 4],
}

impl Font {
    fn parse(name: &'static str, bytes: &'static [u8], symbolic: bool) -> Result<Font, String> {
        let bad =
            |what: &str, e: &dyn std::fmt::Display| format!("embedded font {name}: {what}: {e}");
        let data = ReadScope::new(bytes)
            .read::<FontData<'_>>()
            .map_err(|e| bad("font data", &e))?;
        let provider = data.table_provider(0).map_err(|e| bad("tables", &e))?;
        let table = |t: u32| {
            provider
                .read_table_data(t)
                .map(|d| d.into_owned())
                .map_err(|e| bad("table", &e))
        };
        let head_data = table(tag::HEAD)?;
        let head = ReadScope::new(&head_data)
            .read::<HeadTable>()
            .map_err(|e| bad("head", &e))?;
        let hhea_data = table(tag::HHEA)?;
        let hhea = ReadScope::new(&hhea_data)
            .read::<HheaTable>()
            .map_err(|e| bad("hhea", &e))?;
        let maxp_data = table(tag::MAXP)?;
        let maxp = ReadScope::new(&maxp_data)
            .read::<MaxpTable>()
            .map_err(|e| bad("maxp", &e))?;
        let hmtx_data = table(tag::HMTX)?;
        let hmtx = ReadScope::new(&hmtx_data)
            .read_dep::<HmtxTable<'_>>((
                usize::from(maxp.num_glyphs),
                usize::from(hhea.num_h_metrics),
            ))
            .map_err(|e| bad("hmtx", &e))?;
        let widths = (0..maxp.num_glyphs)
            .map(|g| hmtx.horizontal_advance(g).unwrap_or(0))
            .collect();
        let cmap_data = table(tag::CMAP)?;
        let cmap_table = ReadScope::new(&cmap_data)
            .read::<Cmap<'_>>()
            .map_err(|e| bad("cmap", &e))?;
        let (_, sub) = allsorts::font::read_cmap_subtable(&cmap_table)
            .map_err(|e| bad("cmap", &e))?
            .ok_or_else(|| format!("embedded font {name} has no Unicode cmap"))?;
        let mut cmap = BTreeMap::new();
        sub.mappings_fn(|cp, gid| {
            if gid != 0 && gid < maxp.num_glyphs {
                cmap.insert(cp, gid);
            }
        })
        .map_err(|e| bad("cmap", &e))?;
        Ok(Font {
            name,
            bytes,
            symbolic,
            cmap,
            widths,
            units_per_em: head.units_per_em.max(1),
            ascent: hhea.ascender,
            descent: hhea.descender,
            bbox: [head.x_min, head.y_min, head.x_max, head.y_max],
        })
    }

    /// The glyph for `c`, if the font has one.
    pub(crate) fn glyph(&self, c: char) -> Option<u16> {
        self.cmap.get(&(c as u32)).copied()
    }

    /// Advance of a glyph in font units.
    pub(crate) fn advance_units(&self, gid: u16) -> u16 {
        self.widths.get(usize::from(gid)).copied().unwrap_or(0)
    }

    /// A length in font units as thousandths of an em (PDF glyph space).
    pub(crate) fn scaled(&self, units: i32) -> i32 {
        let upem = i32::from(self.units_per_em);
        // Round half away from zero, in integers.
        let n = units * 1000;
        if n >= 0 {
            (n + upem / 2) / upem
        } else {
            (n - upem / 2) / upem
        }
    }
}

/// The fonts in fallback order, with a table of which font draws each
/// character of the Basic Multilingual Plane.
#[derive(Debug)]
pub(crate) struct FontSet {
    fonts: Vec<Font>,
    /// For each BMP code point: 1 + the index of the font that draws it,
    /// 0 when none does.
    bmp: Vec<u8>,
}

impl FontSet {
    /// How many fonts there are.
    pub(crate) fn len(&self) -> usize {
        self.fonts.len()
    }

    /// The font at `i`.
    pub(crate) fn font(&self, i: usize) -> &Font {
        &self.fonts[i]
    }

    fn first_with(fonts: &[Font], c: char) -> Option<usize> {
        if c.is_control() {
            return None;
        }
        fonts.iter().position(|f| f.glyph(c).is_some())
    }
}

/// The parsed fonts, read once per process (the same bytes every time, so
/// this cache cannot change any output).
pub(crate) fn base_fonts() -> Result<&'static FontSet, FormatError> {
    static FONTS: OnceLock<Result<FontSet, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let fonts = FONT_FILES
                .iter()
                .map(|&(name, bytes, symbolic)| Font::parse(name, bytes, symbolic))
                .collect::<Result<Vec<_>, _>>()?;
            let bmp = (0..=0xFFFF_u32)
                .map(|cp| {
                    char::from_u32(cp)
                        .and_then(|c| FontSet::first_with(&fonts, c))
                        .map_or(0, |i| i as u8 + 1)
                })
                .collect();
            Ok(FontSet { fonts, bmp })
        })
        .as_ref()
        .map_err(|e| FormatError::write(Format::Pdf, e.clone()))
}

/// Text that can be drawn: tabs become a space, characters no embedded
/// font has a glyph for are dropped (the documented exception).
pub(crate) fn drawable(fonts: &FontSet, s: &str) -> String {
    s.chars()
        .map(|c| if c == '\t' { ' ' } else { c })
        .filter(|&c| font_for(fonts, c).is_some())
        .collect()
}

/// The first font with a glyph for `c`; none for control characters.
pub(crate) fn font_for(fonts: &FontSet, c: char) -> Option<usize> {
    match fonts.bmp.get(c as usize) {
        Some(&0) => None,
        Some(&i) => Some(usize::from(i) - 1),
        None => FontSet::first_with(&fonts.fonts, c),
    }
}

/// Advance of `c` in points at `size`.
pub(crate) fn advance(fonts: &FontSet, c: char, size: f32) -> f32 {
    let Some(i) = font_for(fonts, c) else {
        return 0.0;
    };
    let f = &fonts.fonts[i];
    let w = f.advance_units(f.glyph(c).unwrap_or(0));
    f32::from(w) / f32::from(f.units_per_em) * size
}

/// Width of `s` in points at `size`.
pub(crate) fn width(fonts: &FontSet, s: &str, size: f32) -> f32 {
    s.chars().map(|c| advance(fonts, c, size)).sum()
}

/// Splits `s` into runs of one font each.
pub(crate) fn runs(fonts: &FontSet, s: &str) -> Vec<(usize, String)> {
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

/// A font cut down to a set of glyphs, renumbered in ascending order of
/// the original glyph ids (glyph 0, `.notdef`, first).
#[derive(Debug)]
pub(crate) struct Subset {
    /// The original glyph id of each new one.
    pub old_ids: Vec<u16>,
    /// The subset font program (a TrueType file).
    pub program: Vec<u8>,
    /// The program deflated, for the `/FontFile2` stream.
    pub deflated: Vec<u8>,
    /// A six-letter tag naming this subset (`ABCDEF+Name`), derived from
    /// its glyph set.
    pub tag: String,
}

impl Subset {
    /// The new glyph id of an original one.
    pub(crate) fn new_id(&self, old: u16) -> Option<u16> {
        self.old_ids
            .binary_search(&old)
            .ok()
            .and_then(|i| u16::try_from(i).ok())
    }
}

/// Subsets kept at once; past this the memo starts over.
const MEMO_CAP: usize = 128;

type Memo = BTreeMap<(usize, Vec<u16>), Arc<Subset>>;

/// Font `index` cut down to the glyphs of `chars` (and, for the Latin
/// font, all of printable ASCII, so most files share one subset).
pub(crate) fn subset_for(
    fonts: &FontSet,
    index: usize,
    chars: &BTreeSet<char>,
) -> Result<Arc<Subset>, FormatError> {
    let font = fonts.font(index);
    let mut gids: BTreeSet<u16> = chars.iter().filter_map(|&c| font.glyph(c)).collect();
    if index == 0 {
        gids.extend((' '..='~').filter_map(|c| font.glyph(c)));
    }
    let ids: Vec<u16> = std::iter::once(0).chain(gids).collect();
    let key = (index, ids);

    static MEMO: OnceLock<Mutex<Memo>> = OnceLock::new();
    let memo = MEMO.get_or_init(|| Mutex::new(BTreeMap::new()));
    if let Some(s) = memo.lock().ok().and_then(|m| m.get(&key).cloned()) {
        return Ok(s);
    }
    let made = Arc::new(make_subset(font, key.1.clone())?);
    if let Ok(mut m) = memo.lock() {
        if m.len() >= MEMO_CAP {
            m.clear();
        }
        m.insert(key, Arc::clone(&made));
    }
    Ok(made)
}

fn make_subset(font: &Font, old_ids: Vec<u16>) -> Result<Subset, FormatError> {
    let err = |e: crate::Cause| {
        FormatError::write_by(Format::Pdf, format!("subsetting font {}", font.name), e)
    };
    let scope = ReadScope::new(font.bytes);
    let data = scope.read::<FontData<'_>>().map_err(|e| err(e.into()))?;
    let provider = data.table_provider(0).map_err(|e| err(e.into()))?;
    let program = subset(
        &provider,
        &old_ids,
        &SubsetProfile::Pdf,
        CmapTarget::Unicode,
    )
    .map_err(|e| err(e.into()))?;
    let deflated = super::write::deflate(&program, super::write::FONT_LEVEL)?;
    // A digest of the glyph ids, spelled in capital letters.
    let ids: Vec<u8> = old_ids.iter().flat_map(|g| g.to_be_bytes()).collect();
    let h = super::write::fnv64(0, &ids);
    let tag = (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 8)) % 26) as u8))
        .collect();
    Ok(Subset {
        old_ids,
        program,
        deflated,
        tag,
    })
}
