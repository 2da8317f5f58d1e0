//! Hostile input: every case is a typed error, none panics, each is fast
//! and allocates little.

use proptest::prelude::*;
use simdesk_formats::{ExportOptions, Format, FormatError, Limits, export, import};
use simdesk_model::{Artifact, Cell, Sheet, Workbook};

use super::samples;

/// One entry of a hand-made zip: name, method (0 stored, 8 deflate), the
/// data as stored, and the uncompressed size to declare.
struct Entry<'a> {
    name: &'a str,
    method: u16,
    data: &'a [u8],
    declared: u32,
}

/// Writes a zip by hand, so that sizes, names and duplicates can lie.
/// The CRC of stored entries is real; that of deflated ones is left zero
/// (those are bombs, refused before a CRC could be checked).
fn raw_zip(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let name = e.name.as_bytes();
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&sig.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&e.method.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes()); // time, date
            h.extend_from_slice(&(if e.method == 0 { crc32(e.data) } else { 0 }).to_le_bytes());
            h.extend_from_slice(&(e.data.len() as u32).to_le_bytes());
            h.extend_from_slice(&e.declared.to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&[0; 6]); // comment len, disk, internal attrs
                h.extend_from_slice(&0u32.to_le_bytes()); // external attrs
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name);
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend_from_slice(e.data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&cd_offset.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A raw deflate stream of `n` zero bytes: one literal, then matches of 258
/// at distance 1, in fixed-Huffman codes (13 bits per 258 bytes — 1 GiB is
/// about 6.5 MB, made in milliseconds, never held inflated).
fn deflated_zeros(n: u64) -> Vec<u8> {
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        len: u32,
    }
    impl Bits {
        fn put(&mut self, v: u64, n: u32) {
            self.acc |= v << self.len;
            self.len += n;
            while self.len >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.len -= 8;
            }
        }
        /// Huffman codes are sent most significant bit first.
        fn code(&mut self, code: u64, n: u32) {
            let mut rev = 0;
            for i in 0..n {
                rev |= ((code >> i) & 1) << (n - 1 - i);
            }
            self.put(rev, n);
        }
    }
    let mut b = Bits {
        out: Vec::with_capacity((n / 258 * 13 / 8 + 16) as usize),
        acc: 0,
        len: 0,
    };
    b.put(1, 1); // final block
    b.put(1, 2); // fixed Huffman
    b.code(0x30, 8); // literal 0
    let mut left = n - 1;
    while left >= 258 {
        b.code(0b1100_0101, 8); // length code 285 = 258
        b.code(0, 5); // distance code 0 = 1
        left -= 258;
    }
    for _ in 0..left {
        b.code(0x30, 8);
    }
    b.code(0, 7); // end of block (256)
    b.put(0, 7);
    b.out
}

fn is_limit(r: &Result<Artifact, FormatError>) -> bool {
    matches!(r, Err(FormatError::Limit { .. }))
}

fn is_malformed(r: &Result<Artifact, FormatError>) -> bool {
    matches!(r, Err(FormatError::Malformed { .. }))
}

#[test]
fn zip_bomb_of_one_gib_is_refused_from_the_directory() {
    let zeros = deflated_zeros(1 << 30);
    let bytes = raw_zip(&[Entry {
        name: "word/document.xml",
        method: 8,
        data: &zeros,
        declared: 1 << 30,
    }]);
    let r = import(&bytes, Format::Docx, &Limits::default());
    assert!(is_limit(&r), "{r:?}");
    // With the size limits lifted, the inflate ratio still catches it (this
    // fixed-Huffman bomb inflates about 158 times; real ones reach 1000).
    let lax = Limits {
        max_entry_bytes: 4 << 30,
        max_total_bytes: 4 << 30,
        max_inflate_ratio: 100,
        ..Limits::default()
    };
    let r = import(&bytes, Format::Docx, &lax);
    let Err(FormatError::Limit { limit, context, .. }) = &r else {
        panic!("{r:?}")
    };
    assert_eq!(
        (*limit, context.as_str()),
        ("inflate ratio", "word/document.xml")
    );
}

#[test]
fn forged_small_declared_size_is_caught_while_inflating() {
    let zeros = deflated_zeros(1 << 30);
    for (format, name) in [
        (Format::Docx, "word/document.xml"),
        (Format::Xlsx, "xl/workbook.xml"),
    ] {
        let bytes = raw_zip(&[Entry {
            name,
            method: 8,
            data: &zeros,
            declared: 1000,
        }]);
        let r = import(&bytes, format, &Limits::default());
        let Err(FormatError::Limit { context, .. }) = &r else {
            panic!("{format:?}: {r:?}")
        };
        assert_eq!(context, name);
    }
}

#[test]
fn sheet_spanning_a1_to_xfd1048576_is_refused() {
    let mut s = Sheet::new("Wide");
    s.cells.insert("A1".parse().unwrap(), Cell::value(1.0));
    s.cells
        .insert("XFD1048576".parse().unwrap(), Cell::value(2.0));
    let bytes = export(
        &Artifact::Workbook(Workbook { sheets: vec![s] }),
        Format::Xlsx,
        &ExportOptions::default(),
    )
    .unwrap();
    let r = import(&bytes, Format::Xlsx, &Limits::default());
    let Err(FormatError::Limit { limit, context, .. }) = &r else {
        panic!("{r:?}")
    };
    assert!(limit.starts_with("sheet cells"), "{limit}");
    assert_eq!(context, "xl/worksheets/sheet1.xml");
}

#[test]
fn forged_shared_string_count_is_refused() {
    let bytes = export(
        &Artifact::Workbook(samples::portfolio()),
        Format::Xlsx,
        &ExportOptions::default(),
    )
    .unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut parts = Vec::new();
    for i in 0..z.len() {
        let mut e = z.by_index(i).unwrap();
        let mut data = Vec::new();
        std::io::Read::read_to_end(&mut e, &mut data).unwrap();
        if e.name().unwrap() == "xl/sharedStrings.xml" {
            let s = String::from_utf8(data).unwrap();
            let at = s.find("uniqueCount=\"").unwrap() + 13;
            let end = at + s[at..].find('"').unwrap();
            data = format!("{}4000000000{}", &s[..at], &s[end..]).into_bytes();
        }
        parts.push((e.name().unwrap().into_owned(), data));
    }
    let entries: Vec<Entry<'_>> = parts
        .iter()
        .map(|(n, d)| Entry {
            name: n,
            method: 0,
            data: d,
            declared: d.len() as u32,
        })
        .collect();
    let r = import(&raw_zip(&entries), Format::Xlsx, &Limits::default());
    assert!(is_malformed(&r), "{r:?}");
}

#[test]
fn entity_declarations_are_refused() {
    let lol = br#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"#;
    let bytes = raw_zip(&[Entry {
        name: "word/document.xml",
        method: 0,
        data: lol,
        declared: lol.len() as u32,
    }]);
    let r = import(&bytes, Format::Docx, &Limits::default());
    let Err(FormatError::Malformed { reason, .. }) = &r else {
        panic!("{r:?}")
    };
    assert!(reason.contains("word/document.xml"), "{reason}");
    let bytes = raw_zip(&[Entry {
        name: "xl/workbook.xml",
        method: 0,
        data: lol,
        declared: lol.len() as u32,
    }]);
    assert!(is_malformed(&import(
        &bytes,
        Format::Xlsx,
        &Limits::default()
    )));
}

#[test]
fn bad_names_and_duplicates_are_refused() {
    let d = b"<a/>";
    for names in [
        &["../evil.xml"][..],
        &["/abs.xml"],
        &["a/../../b.xml"],
        &["word/document.xml", "WORD/document.xml"],
    ] {
        let entries: Vec<Entry<'_>> = names
            .iter()
            .map(|n| Entry {
                name: n,
                method: 0,
                data: d,
                declared: 4,
            })
            .collect();
        let r = import(&raw_zip(&entries), Format::Docx, &Limits::default());
        assert!(is_malformed(&r), "{names:?}: {r:?}");
    }
}

#[test]
fn too_many_entries_are_refused_before_reading() {
    let d = b"x";
    let names: Vec<String> = (0..50).map(|i| format!("f{i}.txt")).collect();
    let entries: Vec<Entry<'_>> = names
        .iter()
        .map(|n| Entry {
            name: n,
            method: 0,
            data: d,
            declared: 1,
        })
        .collect();
    let r = import(
        &raw_zip(&entries),
        Format::Docx,
        &Limits {
            max_zip_entries: 10,
            ..Limits::default()
        },
    );
    assert!(is_limit(&r), "{r:?}");
}

#[test]
fn truncated_packages_are_typed_errors() {
    let opts = ExportOptions::default();
    for (a, f) in [
        (Artifact::Workbook(samples::portfolio()), Format::Xlsx),
        (Artifact::Document(samples::report()), Format::Docx),
    ] {
        let bytes = export(&a, f, &opts).unwrap();
        for cut in (0..bytes.len())
            .step_by(97)
            .chain([bytes.len() - 1, bytes.len() - 22])
        {
            let r = import(&bytes[..cut], f, &Limits::default());
            assert!(r.is_err(), "{f:?} cut at {cut} imported");
        }
    }
}

#[test]
fn empty_and_non_utf8_input() {
    let l = Limits::default();
    assert!(is_malformed(&import(b"", Format::Xlsx, &l)));
    assert!(is_malformed(&import(b"", Format::Docx, &l)));
    assert!(
        import(b"", Format::Text, &l).is_ok(),
        "an empty text file is a text"
    );
    for f in [Format::Text, Format::Csv, Format::Markdown] {
        assert!(is_malformed(&import(b"ok \xc3\x28 then", f, &l)), "{f:?}");
    }
    let small = Limits {
        max_input_bytes: 3,
        ..Limits::default()
    };
    assert!(is_limit(&import(b"abcd", Format::Text, &small)));
    assert!(is_limit(&import(b"abcd", Format::Binary, &small)));
}

#[test]
fn legacy_xls_garbage_is_a_typed_error() {
    // An OLE compound-file signature followed by nothing sensible.
    let mut b = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    b.extend(std::iter::repeat_n(0xFFu8, 600));
    assert!(import(&b, Format::Xlsx, &Limits::default()).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), zip_magic in any::<bool>()) {
        let mut b = bytes;
        if zip_magic {
            b.splice(0..0, *b"PK\x03\x04");
        }
        for f in [Format::Xlsx, Format::Docx, Format::Csv, Format::Markdown, Format::Text, Format::Binary] {
            let _ = import(&b, f, &Limits::default());
        }
    }

    #[test]
    fn flipped_bytes_in_real_packages_never_panic(at in 0usize..1_000_000, byte in any::<u8>()) {
        let opts = ExportOptions::default();
        for (a, f) in [(Artifact::Workbook(samples::portfolio()), Format::Xlsx), (Artifact::Document(samples::report()), Format::Docx)] {
            let mut bytes = export(&a, f, &opts).unwrap();
            let i = at % bytes.len();
            bytes[i] = byte;
            let _ = import(&bytes, f, &Limits::default());
        }
    }
}
