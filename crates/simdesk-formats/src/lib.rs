//! Artifacts to file bytes and back: xlsx, csv, docx, md, pptx, pdf, eml,
//! mbox and plain text.
//!
//! **Architecture invariant:** this crate depends on `simdesk-model` only,
//! never on the engine. An exporter is `fn(&Artifact, &ExportOptions) ->
//! Result<Vec<u8>, FormatError>`, an importer is `fn(&[u8], &Limits) ->
//! Result<Artifact, FormatError>`. Exporters never depend on each other and
//! read no clock: every timestamp, document id and author comes in through
//! [`ExportOptions`], which is what makes output byte-reproducible.
//!
//! Importers treat their input as hostile: [`Limits`] are checked before any
//! reader allocates.

use std::io::{Cursor, Write as _};

use simdesk_model::{ArtifactKind, SimTime, TimeZone};

pub mod csv;
mod dispatch;
pub mod docx;
pub mod eml;
mod look;
pub mod markdown;
pub mod pdf;
pub mod pptx;
mod unmodelled;
mod vocab;
pub mod xlsx;
mod xlsx_text;
mod xml;
mod zipguard;

pub use dispatch::*;
pub use unmodelled::{Feature, Unmodelled, unmodelled};
pub use vocab::*;

/// Which file format to write or read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// Office Open XML workbook.
    Xlsx,
    /// Comma-separated values (one sheet, or a csv Text).
    Csv,
    /// Office Open XML document.
    Docx,
    /// Markdown.
    Markdown,
    /// Office Open XML presentation.
    Pptx,
    /// PDF.
    Pdf,
    /// RFC 5322 message.
    Eml,
    /// A folder of messages in one mbox file.
    Mbox,
    /// Plain text (txt, md, csv, json Text artifacts as they are).
    Text,
    /// Bytes as they are.
    Binary,
}

/// Volatile values an exporter needs, filled from the world's simulated
/// clock and persona. Same options, same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportOptions {
    /// Creation time written into document properties.
    pub created: SimTime,
    /// Last-modified time written into document properties and zip entries.
    pub modified: SimTime,
    /// Author written into document properties.
    pub author: String,
    /// A stable identifier for the file (used for PDF `/ID`, document ids).
    pub ident: String,
    /// The paper documents, sheets and PDFs are set on: the persona's
    /// country decides it ([`PaperSize::for_country`]).
    pub paper: PaperSize,
    /// The persona's time zone: an email's `Date` header is written in
    /// local time with the zone's offset on that day (daylight saving
    /// included); none: UTC (`+0000`).
    pub timezone: Option<TimeZone>,
}

/// The paper size pages are laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PaperSize {
    /// ISO A4, 210 mm x 297 mm: most of the world.
    #[default]
    A4,
    /// US Letter, 8.5 in x 11 in: the Americas' Letter countries and the
    /// Philippines.
    Letter,
}

impl PaperSize {
    /// The paper used in `country` (an English name such as `United
    /// States`, or an ISO 3166 alpha-2/alpha-3 code): Letter in the United
    /// States, Canada, Mexico, the Philippines and the other Letter
    /// countries of the Americas, A4 everywhere else (and for an unknown
    /// or empty country).
    pub fn for_country(country: &str) -> PaperSize {
        const LETTER: [&str; 17] = [
            "united states",
            "united states of america",
            "usa",
            "us",
            "canada",
            "ca",
            "mexico",
            "mx",
            "philippines",
            "ph",
            "chile",
            "colombia",
            "venezuela",
            "puerto rico",
            "guatemala",
            "costa rica",
            "dominican republic",
        ];
        let c = country.trim().to_lowercase();
        if LETTER.contains(&c.as_str()) {
            PaperSize::Letter
        } else {
            PaperSize::A4
        }
    }

    /// Portrait width and height in PDF points (1/72 in).
    pub fn points(self) -> (f32, f32) {
        match self {
            PaperSize::A4 => (595.28, 841.89),
            PaperSize::Letter => (612.0, 792.0),
        }
    }

    /// Portrait width and height in twentieths of a point (docx `w:pgSz`).
    pub fn twips(self) -> (u32, u32) {
        match self {
            PaperSize::A4 => (11_906, 16_838),
            PaperSize::Letter => (12_240, 15_840),
        }
    }

    /// The paper's code in a spreadsheet's page setup (`1` Letter, `9` A4).
    pub fn excel_code(self) -> u8 {
        match self {
            PaperSize::A4 => 9,
            PaperSize::Letter => 1,
        }
    }
}

impl Default for ExportOptions {
    fn default() -> Self {
        let t = SimTime::from_ymd(2026, 1, 1).unwrap_or_default();
        ExportOptions {
            created: t,
            modified: t,
            author: "simdesk".to_owned(),
            ident: "simdesk".to_owned(),
            paper: PaperSize::default(),
            timezone: None,
        }
    }
}

/// Limits for importing untrusted bytes, checked before a reader allocates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file in bytes.
    pub max_input_bytes: u64,
    /// Most entries in a zip package.
    pub max_zip_entries: usize,
    /// Largest uncompressed size of one zip entry.
    pub max_entry_bytes: u64,
    /// Largest total uncompressed size of a zip package.
    pub max_total_bytes: u64,
    /// Largest compression ratio (uncompressed / compressed) of an entry.
    pub max_inflate_ratio: u64,
    /// Most cells in one sheet.
    pub max_cells: u64,
    /// Most rows of a sheet's extent.
    pub max_rows: u32,
    /// Most columns of a sheet's extent.
    pub max_cols: u32,
    /// Largest decompressed size of all PDF streams together.
    pub max_pdf_decompressed: u64,
    /// Deepest XML element nesting.
    pub max_xml_depth: usize,
    /// Most pages, slides, messages or paragraphs read from one file.
    pub max_items: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 256 << 20,
            max_zip_entries: 10_000,
            max_entry_bytes: 256 << 20,
            max_total_bytes: 512 << 20,
            max_inflate_ratio: 200,
            max_cells: 5_000_000,
            max_rows: 1_048_576,
            max_cols: 16_384,
            max_pdf_decompressed: 256 << 20,
            max_xml_depth: 256,
            max_items: 100_000,
        }
    }
}

/// The underlying error a [`FormatError`] was caused by, as the library
/// that failed gave it.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The type of file an error is about: one of the [`Format`]s, or one of
/// the spreadsheet types the xlsx importer also reads (its Display is the
/// lowercase name: `xlsx`, `ods`, `xls`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    /// A file of a format simdesk reads and writes.
    Format(Format),
    /// A legacy Excel `.xls` file.
    Xls,
    /// An OpenDocument `.ods` spreadsheet.
    Ods,
}

impl From<Format> for FileType {
    fn from(f: Format) -> FileType {
        FileType::Format(f)
    }
}

impl std::fmt::Display for FileType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileType::Format(format) => format.fmt(f),
            FileType::Xls => f.write_str("xls"),
            FileType::Ods => f.write_str("ods"),
        }
    }
}

/// Why a file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    /// The artifact kind cannot be written in this format.
    #[error("a {kind} cannot be written as {format}")]
    Unsupported {
        /// The artifact kind.
        kind: ArtifactKind,
        /// The requested format.
        format: Format,
    },
    /// An import limit was exceeded.
    #[error("limit exceeded: {limit} is {actual}, at most {max} allowed ({context})")]
    Limit {
        /// Which limit (`zip entries`, `inflate ratio`, …).
        limit: &'static str,
        /// The value found.
        actual: u64,
        /// The limit.
        max: u64,
        /// Where (entry name, sheet name …).
        context: String,
    },
    /// The bytes are not a valid file of the format.
    #[error("malformed {format} file: {reason}")]
    Malformed {
        /// The type of file being read.
        format: FileType,
        /// What was wrong and where (the cause's own message is not
        /// repeated here: it is the [`source`](std::error::Error::source)).
        reason: String,
        /// The error of the library that refused the bytes, if one did.
        #[source]
        source: Option<Cause>,
    },
    /// Writing the file failed.
    #[error("writing {format} file failed: {reason}")]
    Write {
        /// The type of file being written.
        format: FileType,
        /// What was being written (the cause's own message is not repeated
        /// here: it is the [`source`](std::error::Error::source)).
        reason: String,
        /// The error of the library that failed, if one did.
        #[source]
        source: Option<Cause>,
    },
}

impl FormatError {
    /// Malformed input with no underlying error.
    pub(crate) fn malformed(format: impl Into<FileType>, reason: impl Into<String>) -> Self {
        FormatError::Malformed {
            format: format.into(),
            reason: reason.into(),
            source: None,
        }
    }

    /// Malformed input that `source` refused; `reason` says where.
    pub(crate) fn malformed_by(
        format: impl Into<FileType>,
        reason: impl Into<String>,
        source: impl Into<Cause>,
    ) -> Self {
        FormatError::Malformed {
            format: format.into(),
            reason: reason.into(),
            source: Some(source.into()),
        }
    }

    /// A write that cannot be done, with no underlying error.
    pub(crate) fn write(format: impl Into<FileType>, reason: impl Into<String>) -> Self {
        FormatError::Write {
            format: format.into(),
            reason: reason.into(),
            source: None,
        }
    }

    /// A write that `source` failed; `reason` says what was being written.
    pub(crate) fn write_by(
        format: impl Into<FileType>,
        reason: impl Into<String>,
        source: impl Into<Cause>,
    ) -> Self {
        FormatError::Write {
            format: format.into(),
            reason: reason.into(),
            source: Some(source.into()),
        }
    }
}

/// The deflate level of every zip part the office exporters write (xlsx,
/// docx, pptx).
///
/// Level 1 is zlib's fastest: on the parts of generated computers (a few
/// KB each) it takes less than half the time of the default level 6 and
/// makes the files about a fifth larger; export time is what limits
/// generation, so speed wins.
pub(crate) const ZIP_LEVEL: u8 = 1;

/// Writes the parts of a zip package (docx, pptx) in the order given:
/// deflated at [`ZIP_LEVEL`], every entry dated [`ExportOptions::modified`] and readable by
/// all, no directory entries — the same bytes for the same parts and time.
pub(crate) struct ZipPackage {
    zip: zip::ZipWriter<Cursor<Vec<u8>>>,
    options: zip::write::SimpleFileOptions,
    time: zip::DateTime,
    format: Format,
}

impl ZipPackage {
    /// An empty package of `format` whose entries are dated `modified`.
    pub(crate) fn new(format: Format, modified: SimTime) -> Self {
        let time = zip_time(modified);
        ZipPackage {
            zip: zip::ZipWriter::new(Cursor::new(Vec::new())),
            options: zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .compression_level(Some(i64::from(ZIP_LEVEL)))
                .last_modified_time(time)
                .unix_permissions(0o644),
            time,
            format,
        }
    }

    fn err(&self, what: impl Into<String>, e: impl Into<Cause>) -> FormatError {
        FormatError::write_by(self.format, what, e)
    }

    /// Adds one part.
    pub(crate) fn part(&mut self, name: &str, data: &[u8]) -> Result<(), FormatError> {
        self.zip
            .start_file(name, self.options)
            .map_err(|e| self.err(format!("zip part {name}"), e))?;
        self.zip
            .write_all(data)
            .map_err(|e| self.err(format!("zip part {name}"), e))
    }

    /// Adds the part `name` of `shared` as it was deflated there.
    pub(crate) fn shared(&mut self, shared: &SharedParts, name: &str) -> Result<(), FormatError> {
        let index = shared
            .parts
            .iter()
            .position(|(n, _)| n == name)
            .ok_or_else(|| FormatError::write(self.format, format!("no shared part {name}")))?;
        self.copy(shared, index)
    }

    /// Adds one part, copied from `shared` when that holds the same part
    /// with the same content (so it is not deflated again), else deflated.
    pub(crate) fn part_or_shared(
        &mut self,
        shared: &SharedParts,
        name: &str,
        data: &[u8],
    ) -> Result<(), FormatError> {
        match shared
            .parts
            .iter()
            .position(|(n, d)| n == name && d == data)
        {
            Some(index) => self.copy(shared, index),
            None => self.part(name, data),
        }
    }

    fn copy(&mut self, shared: &SharedParts, index: usize) -> Result<(), FormatError> {
        let mut archive = shared.archive.clone();
        let file = archive
            .by_index_raw(index)
            .map_err(|e| self.err("shared zip part", e))?;
        self.zip
            .raw_copy_file_touch(file, self.time, Some(0o644))
            .map_err(|e| self.err("shared zip part", e))
    }

    /// The finished package's bytes.
    pub(crate) fn finish(self) -> Result<Vec<u8>, FormatError> {
        let format = self.format;
        self.zip
            .finish()
            .map(Cursor::into_inner)
            .map_err(|e| FormatError::write_by(format, "zip directory", e))
    }
}

/// Parts that are the same in every package of a format (themes, masters,
/// default styles), deflated once and copied into each package as they are
/// by [`ZipPackage::shared`] and [`ZipPackage::part_or_shared`]. Deflate
/// gives the same bytes for the same input, so a copied part is exactly
/// what deflating it again would give.
pub(crate) struct SharedParts {
    /// The parts, deflated, in a zip of their own.
    archive: zip::ZipArchive<Cursor<std::sync::Arc<[u8]>>>,
    /// Name and content of each part, in archive order.
    parts: Vec<(String, Vec<u8>)>,
}

impl SharedParts {
    /// Deflates `parts` (name, content) into a shared set.
    pub(crate) fn new(format: Format, parts: Vec<(String, Vec<u8>)>) -> Result<Self, FormatError> {
        let mut zip = ZipPackage::new(format, SimTime::default());
        for (name, data) in &parts {
            zip.part(name, data)?;
        }
        let bytes: std::sync::Arc<[u8]> = zip.finish()?.into();
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| FormatError::write_by(format, "shared zip parts", e))?;
        Ok(SharedParts { archive, parts })
    }
}

/// The zip date of a simulated time, clamped to the years DOS dates hold
/// (1980–2107).
pub(crate) fn zip_time(t: SimTime) -> zip::DateTime {
    let (y, m, d) = t.date();
    let (h, mi, s) = t.time_of_day();
    let y = y.clamp(1980, 2107) as u16;
    zip::DateTime::from_date_and_time(y, m as u8, d as u8, h as u8, mi as u8, s as u8)
        .unwrap_or_default()
}

#[cfg(test)]
mod error_tests {
    use super::*;
    use std::error::Error as _;

    /// Messages are lowercase and name the format by its Display (they
    /// used to print `Xlsx`, `Docx`); a library's error stays the source.
    #[test]
    fn format_errors_name_the_format_and_keep_the_cause() {
        let e = FormatError::Unsupported {
            kind: ArtifactKind::Workbook,
            format: Format::Docx,
        };
        assert_eq!(e.to_string(), "a workbook cannot be written as docx");
        let e = FormatError::malformed(Format::Docx, "not a zip package");
        assert_eq!(e.to_string(), "malformed docx file: not a zip package");
        assert!(e.source().is_none());
        let e = FormatError::write_by(
            Format::Xlsx,
            "rust_xlsxwriter",
            std::io::Error::other("no room"),
        );
        assert_eq!(e.to_string(), "writing xlsx file failed: rust_xlsxwriter");
        assert_eq!(e.source().unwrap().to_string(), "no room");
        assert_eq!(FileType::Ods.to_string(), "ods");
        assert_eq!(FileType::from(Format::Markdown).to_string(), "markdown");
    }
}
