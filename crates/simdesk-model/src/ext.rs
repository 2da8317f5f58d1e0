//! The one table of file extensions: what a file's name says it holds.
//! The formats crate reads and writes a file by it (`format_for_extension`)
//! and the engine refuses an artifact its name cannot hold by it.

/// What a file extension says a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileClass {
    /// `.xlsx`, `.xlsm`, `.xls`, `.ods`: a workbook.
    Spreadsheet,
    /// `.csv`: a workbook or csv text.
    Csv,
    /// `.docx`: a document.
    Docx,
    /// `.pptx`: a deck.
    Pptx,
    /// `.pdf`: a PDF.
    Pdf,
    /// `.eml`: an email.
    Eml,
    /// `.mbox`: an email (a mailbox of them).
    Mbox,
    /// `.md`, `.markdown`: a document or markdown text.
    Markdown,
    /// `.txt`, `.json`: a text.
    Text,
    /// Any other extension, or none: kept as bytes.
    Other,
}

impl FileClass {
    /// The class of an extension (without the dot, any case; a leading dot
    /// is ignored).
    pub fn of_extension(ext: &str) -> FileClass {
        match ext.trim_start_matches('.').to_ascii_lowercase().as_str() {
            "xlsx" | "xlsm" | "xls" | "ods" => FileClass::Spreadsheet,
            "csv" => FileClass::Csv,
            "docx" => FileClass::Docx,
            "pptx" => FileClass::Pptx,
            "pdf" => FileClass::Pdf,
            "eml" => FileClass::Eml,
            "mbox" => FileClass::Mbox,
            "md" | "markdown" => FileClass::Markdown,
            "txt" | "json" => FileClass::Text,
            _ => FileClass::Other,
        }
    }

    /// The class of a path's extension ([`FileClass::Other`] without one).
    pub fn of_path(path: &crate::VPath) -> FileClass {
        path.extension()
            .map_or(FileClass::Other, FileClass::of_extension)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_name_their_class_in_any_case() {
        let cases = [
            ("xlsx", FileClass::Spreadsheet),
            ("XLSM", FileClass::Spreadsheet),
            ("xls", FileClass::Spreadsheet),
            (".ods", FileClass::Spreadsheet),
            ("csv", FileClass::Csv),
            ("Docx", FileClass::Docx),
            ("pptx", FileClass::Pptx),
            ("pdf", FileClass::Pdf),
            ("eml", FileClass::Eml),
            ("mbox", FileClass::Mbox),
            ("md", FileClass::Markdown),
            ("markdown", FileClass::Markdown),
            ("txt", FileClass::Text),
            ("json", FileClass::Text),
            ("bin", FileClass::Other),
            ("", FileClass::Other),
        ];
        for (ext, class) in cases {
            assert_eq!(FileClass::of_extension(ext), class, "{ext:?}");
        }
        let p: crate::VPath = "/a/.hidden".parse().unwrap();
        assert_eq!(FileClass::of_path(&p), FileClass::Other);
    }
}
