//! What an office file carries that its artifact cannot hold: charts,
//! images, hyperlinks, tables, defined names, comments, conditional
//! formats, merged cells, data validation, autofilters, protection, pivot
//! tables, array formulas and VBA. [`unmodelled`] counts them, so an
//! import can say up front what is kept only as the original bytes and an
//! export of a changed file can name what it dropped.
//!
//! Counting goes through the zip guard like every reader (limits before
//! inflating, document type declarations refused) and reads each part once
//! with a streaming XML reader: linear in the package's size.

use std::collections::BTreeMap;
use std::fmt;

use quick_xml::events::Event;

use crate::xml::attr;
use crate::zipguard::{self, SafeZip};
use crate::{FileType, Format, FormatError, Limits, format_for_extension};

/// One kind of content the model does not represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Feature {
    /// Chart parts (`xl/charts/chart1.xml`, `word/charts/…`, `ppt/charts/…`).
    Charts,
    /// Pictures and other media parts (`xl/media/…`).
    Images,
    /// Cell hyperlinks.
    Hyperlinks,
    /// Excel tables (list objects).
    Tables,
    /// Workbook defined names.
    DefinedNames,
    /// Cell, document or slide comments.
    Comments,
    /// Conditional formatting ranges.
    ConditionalFormats,
    /// Merged cell ranges.
    MergedCells,
    /// Data validation rules.
    DataValidations,
    /// Sheet autofilters (a table's own filter is part of the table).
    AutoFilters,
    /// Sheet or workbook protection.
    Protection,
    /// Pivot tables.
    PivotTables,
    /// Array (CSE) formulas: the model keeps the formula, not the flag.
    ArrayFormulas,
    /// A VBA project (macros).
    Vba,
}

impl Feature {
    /// Every feature, in the order reports list them.
    pub const ALL: [Feature; 14] = [
        Feature::Charts,
        Feature::Images,
        Feature::Hyperlinks,
        Feature::Tables,
        Feature::DefinedNames,
        Feature::Comments,
        Feature::ConditionalFormats,
        Feature::MergedCells,
        Feature::DataValidations,
        Feature::AutoFilters,
        Feature::Protection,
        Feature::PivotTables,
        Feature::ArrayFormulas,
        Feature::Vba,
    ];

    /// The stable name stored with a world's originals (`charts`,
    /// `defined_names`, …).
    pub fn name(self) -> &'static str {
        match self {
            Feature::Charts => "charts",
            Feature::Images => "images",
            Feature::Hyperlinks => "hyperlinks",
            Feature::Tables => "tables",
            Feature::DefinedNames => "defined_names",
            Feature::Comments => "comments",
            Feature::ConditionalFormats => "conditional_formats",
            Feature::MergedCells => "merged_cells",
            Feature::DataValidations => "data_validations",
            Feature::AutoFilters => "autofilters",
            Feature::Protection => "protection",
            Feature::PivotTables => "pivot_tables",
            Feature::ArrayFormulas => "array_formulas",
            Feature::Vba => "vba",
        }
    }

    /// The feature of a [`Feature::name`].
    pub fn from_name(name: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.name() == name)
    }

    /// How a count of this feature reads: `1 chart`, `2 charts`.
    fn words(self, n: u64) -> String {
        let (one, many) = match self {
            Feature::Charts => ("chart", "charts"),
            Feature::Images => ("image", "images"),
            Feature::Hyperlinks => ("hyperlink", "hyperlinks"),
            Feature::Tables => ("table", "tables"),
            Feature::DefinedNames => ("defined name", "defined names"),
            Feature::Comments => ("comment", "comments"),
            Feature::ConditionalFormats => ("conditional format", "conditional formats"),
            Feature::MergedCells => ("merged range", "merged ranges"),
            Feature::DataValidations => ("data validation", "data validations"),
            Feature::AutoFilters => ("autofilter", "autofilters"),
            Feature::Protection => ("protection", "protections"),
            Feature::PivotTables => ("pivot table", "pivot tables"),
            Feature::ArrayFormulas => ("array formula", "array formulas"),
            Feature::Vba => ("VBA project", "VBA projects"),
        };
        format!("{n} {}", if n == 1 { one } else { many })
    }
}

/// Counts of what a file carries beyond its artifact (nothing counted is
/// absent; zero counts are never stored).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Unmodelled {
    counts: BTreeMap<Feature, u64>,
}

impl Unmodelled {
    /// True when the file carries nothing the model drops.
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// How many of `feature` the file carries.
    pub fn count(&self, feature: Feature) -> u64 {
        self.counts.get(&feature).copied().unwrap_or(0)
    }

    /// Adds `n` of `feature` (saturating; zero adds nothing).
    pub fn add(&mut self, feature: Feature, n: u64) {
        if n > 0 {
            let c = self.counts.entry(feature).or_default();
            *c = c.saturating_add(n);
        }
    }

    /// The features and their counts, in [`Feature::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Feature, u64)> + '_ {
        self.counts.iter().map(|(f, n)| (*f, *n))
    }
}

impl fmt::Display for Unmodelled {
    /// `2 charts, 1 image, 3 merged ranges`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (feature, n)) in self.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&feature.words(n))?;
        }
        Ok(())
    }
}

/// Counts what the file `bytes`, named with extension `ext`, carries that
/// its artifact cannot hold. Formats the model holds whole (text, csv,
/// markdown, binaries, emails, PDFs read as pages of text) and `.xls`/`.ods`
/// (no package parts to count) give an empty count; `.xlsm` always counts
/// its VBA project.
pub fn unmodelled(ext: &str, bytes: &[u8], limits: &Limits) -> Result<Unmodelled, FormatError> {
    let mut out = Unmodelled::default();
    let format = format_for_extension(ext);
    if !matches!(format, Format::Xlsx | Format::Docx | Format::Pptx)
        || !bytes.starts_with(b"PK\x03\x04")
    {
        return Ok(out);
    }
    let file_type = if ext.eq_ignore_ascii_case("ods") {
        FileType::Ods
    } else {
        FileType::Format(format)
    };
    let zip = zipguard::open_zip(bytes, limits, file_type)?;
    for name in zip.names() {
        let lower = name.to_ascii_lowercase();
        let part = lower.rsplit('/').next().unwrap_or("");
        if lower.contains("/media/") {
            out.add(Feature::Images, 1);
        } else if lower.contains("/charts/") && part.starts_with("chart") && part.ends_with(".xml")
        {
            out.add(Feature::Charts, 1);
        } else if lower.ends_with("vbaproject.bin") {
            out.add(Feature::Vba, 1);
        } else if lower.starts_with("xl/tables/") && part.ends_with(".xml") {
            out.add(Feature::Tables, 1);
        } else if lower.starts_with("xl/pivottables/") && part.ends_with(".xml") {
            out.add(Feature::PivotTables, 1);
        }
    }
    match format {
        Format::Xlsx => count_xlsx(&zip, limits, &mut out)?,
        Format::Docx => count_parts(&zip, limits, |n| n == "word/comments.xml", &mut out)?,
        _ => count_parts(&zip, limits, |n| n.starts_with("ppt/comments/"), &mut out)?,
    }
    Ok(out)
}

/// Counts the XML elements of a workbook's parts that name what the model
/// drops: hyperlinks, merged ranges, conditional formats, validations,
/// autofilters, protection and array formulas in worksheets; defined names
/// and workbook protection in `xl/workbook.xml`; comments in comment parts.
fn count_xlsx(zip: &SafeZip<'_>, limits: &Limits, out: &mut Unmodelled) -> Result<(), FormatError> {
    for name in zip.names() {
        let lower = name.to_ascii_lowercase();
        let worksheet = lower.starts_with("xl/worksheets/") && lower.ends_with(".xml");
        let book = lower == "xl/workbook.xml";
        let comments = lower.starts_with("xl/comments") && lower.ends_with(".xml");
        if !(worksheet || book || comments) {
            continue;
        }
        let xml = zip.read_xml(name)?;
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut depth = 0usize;
        loop {
            let ev = reader
                .read_event()
                .map_err(|e| FormatError::malformed_by(Format::Xlsx, name.clone(), e))?;
            let (e, start) = match &ev {
                Event::Start(e) => (e, true),
                Event::Empty(e) => (e, false),
                Event::End(_) => {
                    depth = depth.saturating_sub(1);
                    continue;
                }
                Event::Eof => break,
                _ => continue,
            };
            if start {
                depth += 1;
                if depth > limits.max_xml_depth {
                    return Err(FormatError::Limit {
                        limit: "xml depth",
                        actual: depth as u64,
                        max: limits.max_xml_depth as u64,
                        context: name.clone(),
                    });
                }
            }
            let feature = match (e.local_name().as_ref(), worksheet, book) {
                ("hyperlink", true, _) => Some(Feature::Hyperlinks),
                ("mergeCell", true, _) => Some(Feature::MergedCells),
                ("conditionalFormatting", true, _) => Some(Feature::ConditionalFormats),
                ("dataValidation", true, _) => Some(Feature::DataValidations),
                ("autoFilter", true, _) => Some(Feature::AutoFilters),
                ("sheetProtection", true, _) => Some(Feature::Protection),
                ("f", true, _) if attr(e, "t").as_deref() == Some("array") => {
                    Some(Feature::ArrayFormulas)
                }
                // The hidden name Excel keeps for an autofilter's range is
                // part of the autofilter; the rows repeated on printed
                // pages are print setup, which the writer makes itself.
                ("definedName", _, true)
                    if attr(e, "name").is_none_or(|n| {
                        !n.starts_with("_xlnm._FilterDatabase")
                            && !n.starts_with("_xlnm.Print_Titles")
                    }) =>
                {
                    Some(Feature::DefinedNames)
                }
                // openpyxl writes an empty element: protection only when
                // something is locked.
                ("workbookProtection", _, true) if e.attributes().next().is_some() => {
                    Some(Feature::Protection)
                }
                ("comment", false, false) => Some(Feature::Comments),
                _ => None,
            };
            if let Some(f) = feature {
                out.add(f, 1);
            }
        }
    }
    Ok(())
}

/// Counts `<comment>` elements in the parts `is_comments` names.
fn count_parts(
    zip: &SafeZip<'_>,
    limits: &Limits,
    is_comments: impl Fn(&str) -> bool,
    out: &mut Unmodelled,
) -> Result<(), FormatError> {
    for name in zip.names() {
        if !is_comments(name) {
            continue;
        }
        let xml = zip.read_xml(name)?;
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut depth = 0usize;
        loop {
            match reader
                .read_event()
                .map_err(|e| FormatError::malformed_by(zip.file_type(), name.clone(), e))?
            {
                Event::Start(e) => {
                    depth += 1;
                    if depth > limits.max_xml_depth {
                        return Err(FormatError::Limit {
                            limit: "xml depth",
                            actual: depth as u64,
                            max: limits.max_xml_depth as u64,
                            context: name.clone(),
                        });
                    }
                    if matches!(e.local_name().as_ref(), "comment" | "cm") {
                        out.add(Feature::Comments, 1);
                    }
                }
                Event::Empty(e) if matches!(e.local_name().as_ref(), "comment" | "cm") => {
                    out.add(Feature::Comments, 1);
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                Event::Eof => break,
                _ => {}
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_as_words_in_report_order() {
        let mut u = Unmodelled::default();
        u.add(Feature::MergedCells, 3);
        u.add(Feature::Charts, 2);
        u.add(Feature::Images, 1);
        u.add(Feature::Vba, 0);
        assert_eq!(u.to_string(), "2 charts, 1 image, 3 merged ranges");
        assert_eq!(u.count(Feature::Vba), 0);
        for f in Feature::ALL {
            assert_eq!(Feature::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn text_and_non_packages_count_nothing() {
        let l = Limits::default();
        assert!(unmodelled("csv", b"a,b\n", &l).unwrap().is_empty());
        assert!(
            unmodelled("xls", b"\xd0\xcf\x11\xe0", &l)
                .unwrap()
                .is_empty()
        );
        assert!(unmodelled("xlsx", b"PK\x03\x04", &l).is_err());
    }
}
