//! The zip guard: opens an untrusted zip package (xlsx, docx, pptx, ods)
//! only after its central directory passed the [`Limits`], and enforces the
//! real inflated sizes while reading entries.
//!
//! What is checked, before any entry is inflated:
//!
//! - the input size and the entry count (the count is read from the end of
//!   central directory record by hand, before the zip reader sizes anything
//!   from it);
//! - every name: valid UTF-8, no absolute path, drive letter, `..` or `.`
//!   component, backslash or NUL, and no two names equal up to ASCII case
//!   (part names in Office packages are case-insensitive);
//! - each entry's declared uncompressed size, the total of declared sizes,
//!   and the inflate ratio (declared / compressed) of every entry larger
//!   than [`RATIO_FLOOR`];
//! - encryption and compression methods (only stored and deflate).
//!
//! While reading, an entry is inflated through `take(limit + 1)`, so a forged
//! small declared size cannot let a bomb through: more bytes than declared,
//! or than the limits allow, is a typed error, and so is a running total over
//! all entries read that exceeds `max_total_bytes`.
//!
//! [`SafeZip::read_xml`] additionally refuses XML with a document type
//! declaration (DTDs, entity declarations, billion laughs) and anything that
//! is not UTF-8.

use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use zip::{CompressionMethod, ZipArchive};

#[cfg(test)]
use crate::Format;
use crate::{FileType, FormatError, Limits};

/// Entries whose declared size is at most this many bytes are not checked
/// for their inflate ratio: a tiny, highly compressible part is harmless.
pub(crate) const RATIO_FLOOR: u64 = 1 << 20;

/// A zip package whose central directory passed the limits.
pub(crate) struct SafeZip<'a> {
    archive: RefCell<ZipArchive<Cursor<&'a [u8]>>>,
    names: Vec<String>,
    limits: Limits,
    format: FileType,
    /// Bytes of the distinct entries inflated so far: an entry read twice
    /// (checked, then parsed) counts once, so a package within the total
    /// limit is not refused for being read in two passes.
    inflated: Cell<u64>,
    /// The entries counted in `inflated`.
    counted: RefCell<std::collections::BTreeSet<String>>,
}

impl std::fmt::Debug for SafeZip<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SafeZip")
            .field("names", &self.names)
            .field("format", &self.format)
            .finish()
    }
}

fn malformed(format: FileType, reason: impl Into<String>) -> FormatError {
    FormatError::malformed(format, reason)
}

fn limit(limit: &'static str, actual: u64, max: u64, context: impl Into<String>) -> FormatError {
    FormatError::Limit {
        limit,
        actual,
        max,
        context: context.into(),
    }
}

/// Checks the input size against `max_input_bytes`.
pub(crate) fn check_input_size(
    bytes: &[u8],
    limits: &Limits,
    format: impl Into<FileType>,
) -> Result<(), FormatError> {
    let format = format.into();
    let n = bytes.len() as u64;
    if n > limits.max_input_bytes {
        return Err(limit(
            "input bytes",
            n,
            limits.max_input_bytes,
            format!("{format} input"),
        ));
    }
    Ok(())
}

// Offsets come from the file: every end is computed with checked
// arithmetic (an offset near usize::MAX must not wrap or panic).
fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at.checked_add(2)?)
        .map(|s| u64::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at.checked_add(4)?)
        .map(|s| u64::from(u32::from_le_bytes([s[0], s[1], s[2], s[3]])))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    b.get(at..at.checked_add(8)?)
        .and_then(|s| s.try_into().ok())
        .map(u64::from_le_bytes)
}

/// Reads the entry count and central directory size from the end of central
/// directory record (and its zip64 form), without trusting them for anything
/// but the limit check.
fn declared_directory(bytes: &[u8], format: FileType) -> Result<(u64, u64), FormatError> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const EOCD64_LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    const EOCD64: [u8; 4] = [0x50, 0x4b, 0x06, 0x06];
    if bytes.len() < 22 {
        return Err(malformed(
            format,
            format!("not a zip package: {} bytes, too short", bytes.len()),
        ));
    }
    // The record is 22 bytes plus a comment of at most 65,535 bytes.
    let lowest = bytes.len().saturating_sub(22 + 65_535);
    let pos = (lowest..=bytes.len() - 22)
        .rev()
        .find(|&i| bytes[i..i + 4] == EOCD)
        .ok_or_else(|| {
            malformed(
                format,
                "not a zip package: no end of central directory record",
            )
        })?;
    let bad = || malformed(format, "truncated end of central directory record");
    let mut entries = u16_at(bytes, pos + 10).ok_or_else(bad)?;
    let mut dir_size = u32_at(bytes, pos + 12).ok_or_else(bad)?;
    if (entries == 0xFFFF || dir_size == 0xFFFF_FFFF)
        && pos >= 20
        && bytes[pos - 20..pos - 16] == EOCD64_LOCATOR
    {
        let at = u64_at(bytes, pos - 20 + 8).ok_or_else(bad)?;
        let at = usize::try_from(at).map_err(|_| bad())?;
        let signature = at.checked_add(4).and_then(|end| bytes.get(at..end));
        if signature == Some(&EOCD64[..]) {
            entries = u64_at(bytes, at.checked_add(32).ok_or_else(bad)?).ok_or_else(bad)?;
            dir_size = u64_at(bytes, at.checked_add(40).ok_or_else(bad)?).ok_or_else(bad)?;
        } else {
            return Err(malformed(
                format,
                "zip64 end of central directory record not found",
            ));
        }
    }
    Ok((entries, dir_size))
}

/// Checks an entry name: relative, no `..`, no backslash or NUL.
fn check_name(name: &str, format: FileType) -> Result<(), FormatError> {
    let shown: String = name.chars().take(80).collect();
    let bad = |why: &str| malformed(format, format!("zip entry {shown:?}: {why}"));
    if name.is_empty() {
        return Err(bad("empty name"));
    }
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return Err(bad("absolute path"));
    }
    if name.contains('\\') || name.contains('\0') {
        return Err(bad("backslash or NUL in name"));
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    if trimmed
        .split('/')
        .any(|c| c == ".." || c == "." || c.is_empty())
    {
        return Err(bad("`..`, `.` or empty path component"));
    }
    Ok(())
}

/// Opens a zip package after checking its central directory against
/// `limits`. `format` names the file type in errors.
pub(crate) fn open_zip<'a>(
    bytes: &'a [u8],
    limits: &Limits,
    format: impl Into<FileType>,
) -> Result<SafeZip<'a>, FormatError> {
    let format = format.into();
    check_input_size(bytes, limits, format)?;
    let (declared_entries, dir_size) = declared_directory(bytes, format)?;
    let max_entries = limits.max_zip_entries as u64;
    if declared_entries > max_entries {
        return Err(limit(
            "zip entries",
            declared_entries,
            max_entries,
            "central directory",
        ));
    }
    if dir_size > bytes.len() as u64 {
        return Err(malformed(
            format,
            format!(
                "central directory declares {dir_size} bytes in a {}-byte file",
                bytes.len()
            ),
        ));
    }
    let mut archive = ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| FormatError::malformed_by(format, "unreadable zip", e))?;
    if archive.len() as u64 > max_entries {
        return Err(limit(
            "zip entries",
            archive.len() as u64,
            max_entries,
            "central directory",
        ));
    }
    let mut names = Vec::with_capacity(archive.len());
    let mut folded = BTreeSet::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| FormatError::malformed_by(format, format!("zip entry {i}"), e))?;
        let name = std::str::from_utf8(entry.name_raw())
            .map_err(|_| malformed(format, format!("zip entry {i}: name is not UTF-8")))?
            .to_owned();
        check_name(&name, format)?;
        if !folded.insert(name.to_ascii_lowercase()) {
            return Err(malformed(format, format!("duplicate zip entry {name:?}")));
        }
        if entry.encrypted() {
            return Err(malformed(
                format,
                format!("zip entry {name:?} is encrypted"),
            ));
        }
        if !matches!(
            entry.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            return Err(malformed(
                format,
                format!(
                    "zip entry {name:?}: compression {:?} is not supported",
                    entry.compression()
                ),
            ));
        }
        let size = entry.size();
        if size > limits.max_entry_bytes {
            return Err(limit("zip entry bytes", size, limits.max_entry_bytes, name));
        }
        total = total.saturating_add(size);
        if total > limits.max_total_bytes {
            return Err(limit(
                "zip total bytes",
                total,
                limits.max_total_bytes,
                name,
            ));
        }
        let ratio = size / entry.compressed_size().max(1);
        if size > RATIO_FLOOR && ratio > limits.max_inflate_ratio {
            return Err(limit(
                "inflate ratio",
                ratio,
                limits.max_inflate_ratio,
                name,
            ));
        }
        drop(entry);
        names.push(name);
    }
    Ok(SafeZip {
        archive: RefCell::new(archive),
        names,
        limits: limits.clone(),
        format,
        inflated: Cell::new(0),
        counted: RefCell::new(std::collections::BTreeSet::new()),
    })
}

impl SafeZip<'_> {
    /// The type of file the package was opened as (for error messages).
    pub(crate) fn file_type(&self) -> FileType {
        self.format
    }

    /// Entry names in central-directory order.
    pub(crate) fn names(&self) -> &[String] {
        &self.names
    }

    /// True when the package holds an entry with exactly this name.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.names.iter().any(|n| n == name)
    }

    /// Inflates one entry, enforcing its declared size, the per-entry limit
    /// and the running total over every entry read from this package.
    pub(crate) fn read(&self, name: &str) -> Result<Vec<u8>, FormatError> {
        let format = self.format;
        let mut archive = self.archive.borrow_mut();
        let entry = archive.by_name(name).map_err(|e| match e {
            zip::result::ZipError::FileNotFound => {
                malformed(format, format!("missing zip entry {name:?}"))
            }
            e => FormatError::malformed_by(format, format!("zip entry {name:?}"), e),
        })?;
        let declared = entry.size();
        let cap = declared.min(self.limits.max_entry_bytes);
        let mut out = Vec::with_capacity(usize::try_from(cap.min(1 << 20)).unwrap_or(0));
        let read = entry.take(cap + 1).read_to_end(&mut out);
        if let Err(e) = read {
            // The zip reader stops an entry that inflates past its declared
            // size (its only error that mentions the declared size); report
            // that as the limit it is, not as corruption.
            if out.len() as u64 >= declared && e.to_string().contains("declared") {
                return Err(limit(
                    "zip entry bytes (inflated beyond declared size)",
                    out.len() as u64 + 1,
                    declared,
                    name,
                ));
            }
            return Err(FormatError::malformed_by(
                format,
                format!("zip entry {name:?}"),
                e,
            ));
        }
        let real = out.len() as u64;
        if real > cap {
            return Err(limit(
                "zip entry bytes (inflated beyond declared size)",
                real,
                cap,
                name,
            ));
        }
        if !self.counted.borrow_mut().insert(name.to_owned()) {
            return Ok(out);
        }
        let total = self.inflated.get().saturating_add(real);
        if total > self.limits.max_total_bytes {
            return Err(limit(
                "zip total bytes",
                total,
                self.limits.max_total_bytes,
                name,
            ));
        }
        self.inflated.set(total);
        Ok(out)
    }

    /// Reads an entry as UTF-8 XML, refusing document type declarations
    /// (entity expansion) and any other encoding.
    pub(crate) fn read_xml(&self, name: &str) -> Result<String, FormatError> {
        let bytes = self.read(name)?;
        xml_text(bytes, self.format, name)
    }

    /// Inflates every entry once, so that a reader given the original bytes
    /// afterwards cannot meet an entry larger than the limits allow, and
    /// checks every `.xml`/`.rels` part for document type declarations.
    pub(crate) fn validate_all(&self) -> Result<(), FormatError> {
        for name in &self.names {
            if name.ends_with('/') {
                continue;
            }
            let bytes = self.read(name)?;
            if is_xml_name(name) {
                check_xml(&bytes, self.format, name)?;
            }
        }
        Ok(())
    }
}

/// True for names of XML parts in an Office package.
pub(crate) fn is_xml_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml")
}

/// Refuses XML with a document type declaration or entity declaration, and
/// XML in an encoding other than UTF-8 (a UTF-16 byte-order mark).
pub(crate) fn check_xml(bytes: &[u8], format: FileType, name: &str) -> Result<(), FormatError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(malformed(format, format!("{name}: XML is not UTF-8")));
    }
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    if has(b"<!DOCTYPE") || has(b"<!ENTITY") || has(b"<!doctype") {
        return Err(malformed(
            format,
            format!("{name}: XML with a document type or entity declaration is refused"),
        ));
    }
    Ok(())
}

/// [`check_xml`], then UTF-8 decoding (a byte-order mark is dropped).
pub(crate) fn xml_text(
    bytes: Vec<u8>,
    format: FileType,
    name: &str,
) -> Result<String, FormatError> {
    check_xml(&bytes, format, name)?;
    let mut s = String::from_utf8(bytes)
        .map_err(|_| malformed(format, format!("{name}: XML is not UTF-8")))?;
    if s.starts_with('\u{feff}') {
        s.drain(..3);
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        for bad in [
            "/etc/passwd",
            "C:/x",
            "a/../b",
            "..",
            "a\\b",
            "a//b",
            "./a",
            "",
        ] {
            assert!(check_name(bad, Format::Docx.into()).is_err(), "{bad}");
        }
        for ok in [
            "word/document.xml",
            "[Content_Types].xml",
            "xl/",
            "_rels/.rels",
        ] {
            assert!(check_name(ok, Format::Docx.into()).is_ok(), "{ok}");
        }
    }

    /// A zip64 locator pointing at offset 2^64 - 1 overflowed `at + 4`
    /// (a panic in debug builds, a wrapped range in release).
    #[test]
    fn regression_zip64_locator_at_the_end_of_the_address_space() {
        let mut b = Vec::new();
        b.extend_from_slice(&[0x50, 0x4b, 0x06, 0x07]);
        b.extend_from_slice(&0u32.to_le_bytes());
        b.extend_from_slice(&u64::MAX.to_le_bytes());
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&[0x50, 0x4b, 0x05, 0x06]);
        b.extend_from_slice(&[0; 6]);
        b.extend_from_slice(&0xFFFFu16.to_le_bytes());
        b.extend_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        b.extend_from_slice(&[0; 6]);
        let r = declared_directory(&b, FileType::Format(crate::Format::Xlsx));
        assert!(matches!(r, Err(FormatError::Malformed { .. })), "{r:?}");
    }

    /// A 5M-cell workbook (280 MB of sheet XML, within every limit) was
    /// refused: the sheet was checked, then read again to be scanned, and
    /// both reads counted against the 512 MB total.
    #[test]
    fn regression_an_entry_read_twice_counted_twice_against_the_total() {
        use std::io::Write as _;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file("a.xml", zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(&[b'x'; 600]).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let limits = Limits {
            max_total_bytes: 1000,
            ..Limits::default()
        };
        let zip = open_zip(&bytes, &limits, FileType::Format(crate::Format::Xlsx)).unwrap();
        zip.validate_all().unwrap();
        assert_eq!(zip.read("a.xml").unwrap().len(), 600);
    }

    #[test]
    fn not_a_zip() {
        for bytes in [&b""[..], b"PK", &[0u8; 100]] {
            let err = open_zip(bytes, &Limits::default(), Format::Xlsx).unwrap_err();
            assert!(matches!(err, FormatError::Malformed { .. }), "{err}");
        }
    }

    #[test]
    fn doctype_refused() {
        let x = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><a>&lol;</a>"#;
        assert!(check_xml(x, Format::Docx.into(), "word/document.xml").is_err());
        assert!(check_xml(b"<a>ok</a>", Format::Docx.into(), "x.xml").is_ok());
    }
}
