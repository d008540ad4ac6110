//! What a file really is, from its bytes: an Excel workbook (new or old), an OpenDocument
//! spreadsheet, a CSV text, a Word document; or something dvk cannot read (an old binary
//! Word `.doc`, a password-protected or damaged file, a PDF, a web page saved as `.xls`),
//! with a message saying what to do.

use std::io::Cursor;
use std::path::Path;

/// A kind of file dvk can import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Excel 2007 and later (`.xlsx`, `.xlsm`).
    Xlsx,
    /// Excel binary workbook (`.xlsb`).
    Xlsb,
    /// Excel 97–2003 (`.xls`).
    Xls,
    /// OpenDocument spreadsheet (`.ods`).
    Ods,
    /// Comma-, semicolon- or tab-separated text.
    Csv,
    /// Word 2007 and later (`.docx`).
    Docx,
}

impl Kind {
    /// The usual name of the kind, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Xlsx => ".xlsx",
            Kind::Xlsb => ".xlsb",
            Kind::Xls => ".xls",
            Kind::Ods => ".ods",
            Kind::Csv => ".csv",
            Kind::Docx => ".docx",
        }
    }

    /// The extensions that name this kind.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Kind::Xlsx => &["xlsx", "xlsm"],
            Kind::Xlsb => &["xlsb"],
            Kind::Xls => &["xls"],
            Kind::Ods => &["ods"],
            Kind::Csv => &["csv", "txt", "tsv"],
            Kind::Docx => &["docx", "docm"],
        }
    }
}

const OLE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// True when `bytes` hold `name` in UTF-16LE, as OLE directories store stream names.
fn has_stream(bytes: &[u8], name: &str) -> bool {
    let needle: Vec<u8> = name.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

/// The kind of a file from its bytes, with a warning when its name says otherwise; or why
/// it cannot be imported (a message with what to do).
pub fn detect(path: &Path, bytes: &[u8]) -> Result<(Kind, Option<String>), String> {
    let file = path.display();
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    if bytes.is_empty() {
        return Err(crate::msg!("import.file_empty", file = file));
    }
    let kind = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        zip_kind(path, bytes)?
    } else if bytes.starts_with(OLE) {
        if has_stream(bytes, "EncryptedPackage") || has_stream(bytes, "EncryptionInfo") {
            return Err(crate::msg!("import.password", file = file));
        }
        if has_stream(bytes, "WordDocument") {
            return Err(crate::msg!("import.old_doc", file = file));
        }
        if has_stream(bytes, "PowerPoint Document") {
            return Err(crate::msg!(
                "import.not_supported",
                file = file,
                what = "PowerPoint"
            ));
        }
        if has_stream(bytes, "Workbook") || has_stream(bytes, "Book") {
            Kind::Xls
        } else {
            return Err(crate::msg!("import.corrupt", file = file, kind = "Office"));
        }
    } else if bytes.starts_with(b"%PDF") {
        return Err(crate::msg!("import.pdf", file = file));
    } else if bytes.starts_with(b"{\\rtf") {
        return Err(crate::msg!("import.rtf", file = file));
    } else {
        let head = &bytes[..bytes.len().min(4096)];
        let text = String::from_utf8_lossy(head).to_ascii_lowercase();
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        if trimmed.starts_with('<')
            && (text.contains("<html") || text.contains("<table") || text.contains("<!doctype"))
        {
            return Err(crate::msg!("import.html", file = file));
        }
        if trimmed.starts_with("<?xml") && text.contains("office:spreadsheet") {
            return Err(crate::msg!("import.xml2003", file = file));
        }
        let binary = head.contains(&0)
            && !head.starts_with(&[0xFF, 0xFE])
            && !head.starts_with(&[0xFE, 0xFF]);
        if binary {
            return Err(crate::msg!("import.unknown", file = file));
        }
        if !Kind::Csv.extensions().contains(&ext.as_str()) {
            return Err(crate::msg!("import.text_not_named", file = file, ext = ext));
        }
        Kind::Csv
    };
    let warning =
        if kind.extensions().contains(&ext.as_str()) || (kind == Kind::Xls && ext.is_empty()) {
            None
        } else {
            Some(crate::msg!(
                "import.misnamed",
                file = file,
                ext = format!(".{ext}"),
                kind = kind.name()
            ))
        };
    Ok((kind, warning))
}

/// The kind of a zip file from the names it holds.
fn zip_kind(path: &Path, bytes: &[u8]) -> Result<Kind, String> {
    let file = path.display();
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| crate::msg!("import.corrupt", file = file, kind = "zip"))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    if has("word/document.xml") {
        return Ok(Kind::Docx);
    }
    if has("xl/workbook.xml") {
        return Ok(Kind::Xlsx);
    }
    if has("xl/workbook.bin") {
        return Ok(Kind::Xlsb);
    }
    if has("mimetype") {
        let mut mime = String::new();
        if let Ok(mut f) = zip.by_name("mimetype") {
            use std::io::Read;
            let _ = f.by_ref().take(200).read_to_string(&mut mime);
        }
        if mime.contains("opendocument.spreadsheet") {
            return Ok(Kind::Ods);
        }
        if mime.contains("opendocument.text") {
            return Err(crate::msg!("import.odt", file = file));
        }
    }
    if names.iter().any(|n| n.starts_with("ppt/")) {
        return Err(crate::msg!(
            "import.not_supported",
            file = file,
            what = "PowerPoint"
        ));
    }
    Err(crate::msg!("import.zip_other", file = file))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_word_and_encrypted_files_are_named() {
        let mut doc = OLE.to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(|u| u.to_le_bytes()));
        let e = detect(Path::new("a.doc"), &doc).unwrap_err();
        assert!(e.contains(".docx"), "{e}");
        let mut enc = OLE.to_vec();
        enc.extend(
            "EncryptedPackage"
                .encode_utf16()
                .flat_map(|u| u.to_le_bytes()),
        );
        assert!(detect(Path::new("a.xlsx"), &enc).is_err());
    }

    #[test]
    fn text_is_csv_only_when_named_so() {
        assert_eq!(
            detect(Path::new("a.csv"), b"STT,Ten\n").unwrap(),
            (Kind::Csv, None)
        );
        assert!(detect(Path::new("a.xlsx"), b"STT,Ten\n").is_err());
        assert!(detect(Path::new("a.xls"), b"<html><table>").is_err());
        assert!(detect(Path::new("a.xlsx"), b"PK\x03\x04garbage").is_err());
    }
}
