//! Files a write-up links to or shows (`[Bảng](bang.pdf)`, `![x](anh.jpg)`): which kinds are
//! published and how, and finding them on disk whatever Unicode form their names were saved in.
//!
//! * Photos (JPEG, PNG, WebP, and HEIC/AVIF/TIFF, which the pipeline refuses with advice) go
//!   through the photo pipeline: the link points at the processed full-size copy, never the
//!   original with its EXIF/GPS.
//! * Documents people attach ([`DOCUMENT_TYPES`], plus what `site.yaml` lists under
//!   `attachments:`) are published beside the page as downloads.
//! * Anything a browser can run ([`ACTIVE_TYPES`]: HTML, SVG, XML, scripts, Flash …) is refused,
//!   and `attachments:` cannot allow it. Any other type is refused until `attachments:` lists it.

use std::path::{Component, Path, PathBuf};

/// Extensions that go through the photo pipeline when linked or shown.
pub const PHOTO_TYPES: &[&str] = &[
    "jpg", "jpeg", "jpe", "jfif", "png", "webp", "heic", "heif", "avif", "tif", "tiff",
];

/// Document types published as downloads without any setting.
pub const DOCUMENT_TYPES: &[&str] = &[
    "pdf", "doc", "docx", "xls", "xlsx", "odt", "ods", "csv", "txt",
];

/// Types a browser runs or renders as a page on the site's own origin (scripts, markup,
/// vector images with scripts, plug-ins), programs, and style sheets: never published from a
/// write-up, whatever `attachments:` says.
pub const ACTIVE_TYPES: &[&str] = &[
    // Markup a browser renders as a page (scripts run on the site's origin).
    "html",
    "htm",
    "xhtml",
    "xht",
    "shtml",
    "shtm",
    "mht",
    "mhtml",
    "svg",
    "svgz",
    "xml",
    "xsl",
    "xslt",
    "rss",
    "atom",
    "rdf",
    "mathml",
    "mml",
    "vml",
    "hta",
    "htc",
    "xbl",
    "xul",
    // Scripts, style sheets, web workers and manifests.
    "js",
    "mjs",
    "cjs",
    "jsx",
    "wasm",
    "css",
    "jsonp",
    "webmanifest",
    "manifest",
    "appcache",
    // Plug-ins and programs.
    "swf",
    "spl",
    "jar",
    "class",
    "xap",
    "exe",
    "msi",
    "com",
    "scr",
    "bat",
    "cmd",
    "vbs",
    "vbe",
    "wsf",
    "ps1",
    "sh",
    "apk",
    "dmg",
    "pif",
    "lnk",
    "reg",
    // Server pages (run by some web servers).
    "php",
    "phtml",
    "php3",
    "php4",
    "php5",
    "phar",
    "asp",
    "aspx",
    "jsp",
    "cgi",
    "pl",
    "py",
];

/// What a linked file is, by its extension.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    /// A photo: processed by the photo pipeline.
    Photo,
    /// A document: published as it is, as a download.
    Document,
    /// A type a browser can run: refused (the lower-case extension, empty when there is none).
    Active(String),
    /// Any other type: refused unless `attachments:` allows it (the lower-case extension).
    Other(String),
}

/// The lower-case extension of the last part of `path` (`""` when it has none).
pub fn extension(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default()
}

/// The kind of file `path` (as written in the link), with `extra` the document types the
/// site allows beyond [`DOCUMENT_TYPES`] (already lower-case, without dots).
pub fn kind_of(path: &str, extra: &[String]) -> FileKind {
    let ext = extension(path);
    if ACTIVE_TYPES.contains(&ext.as_str()) {
        FileKind::Active(ext)
    } else if PHOTO_TYPES.contains(&ext.as_str()) {
        FileKind::Photo
    } else if !ext.is_empty() && (DOCUMENT_TYPES.contains(&ext.as_str()) || extra.contains(&ext)) {
        FileKind::Document
    } else {
        FileKind::Other(ext)
    }
}

/// Why an `attachments:` entry of `site.yaml` cannot be allowed, or None when it can.
/// `ext` is as written; [`attachment_type`] gives the form kept.
pub fn attachment_problem(ext: &str) -> Option<String> {
    let e = attachment_type(ext);
    if e.is_empty() || !e.chars().all(|c| c.is_ascii_alphanumeric()) {
        Some(crate::msg!("content.attachment_not_a_type", value = ext))
    } else if ACTIVE_TYPES.contains(&e.as_str()) {
        Some(crate::msg!("content.attachment_active", value = ext))
    } else if PHOTO_TYPES.contains(&e.as_str()) {
        Some(crate::msg!("content.attachment_photo", value = ext))
    } else {
        None
    }
}

/// An `attachments:` entry as kept: trimmed, lower-case, without a leading dot.
pub fn attachment_type(ext: &str) -> String {
    ext.trim().trim_start_matches('.').to_lowercase()
}

/// The allowed document types of `site.yaml`'s `attachments:` list; `error` is called with
/// the message of every entry refused (active types, photos, things that are not a type).
pub fn attachment_types(list: Vec<String>, mut error: impl FnMut(String)) -> Vec<String> {
    let mut out = Vec::new();
    for ext in list {
        match attachment_problem(&ext) {
            Some(m) => error(m),
            None => out.push(attachment_type(&ext)),
        }
    }
    out
}

/// The list of document types allowed, for messages: the defaults, then the site's own.
pub fn allowed_list(extra: &[String]) -> String {
    DOCUMENT_TYPES
        .iter()
        .map(|s| s.to_string())
        .chain(extra.iter().cloned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `rel` (relative to `root`) as it is spelt on disk: a part that is not found as written is
/// looked up among its folder's entries by its NFC form, so a photo saved with a decomposed
/// (NFD) name, as macOS saves them, is found whether the write-up spells it NFC or NFD.
/// Parts not found either way are kept as written (the caller reports the missing file).
pub fn on_disk(root: &Path, rel: PathBuf) -> PathBuf {
    if root.join(&rel).symlink_metadata().is_ok() {
        return rel;
    }
    let mut out = PathBuf::new();
    for c in rel.components() {
        let Component::Normal(part) = c else {
            out.push(c.as_os_str());
            continue;
        };
        let here = root.join(&out);
        if here.join(part).symlink_metadata().is_ok() {
            out.push(part);
            continue;
        }
        let wanted = vntext::nfc(&part.to_string_lossy()).into_owned();
        let found = std::fs::read_dir(&here).ok().and_then(|entries| {
            entries.flatten().map(|e| e.file_name()).find(|name| {
                name.to_str()
                    .is_some_and(|n| vntext::nfc(n).as_ref() == wanted.as_str())
            })
        });
        match found {
            Some(name) => out.push(name),
            None => out.push(part),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_extension_case_insensitive() {
        assert_eq!(kind_of("anh/Anh.JPG", &[]), FileKind::Photo);
        assert_eq!(kind_of("bao-cao.PDF", &[]), FileKind::Document);
        assert_eq!(kind_of("bang.html", &[]), FileKind::Active("html".into()));
        assert_eq!(kind_of("so-do.Svg", &[]), FileKind::Active("svg".into()));
        assert_eq!(kind_of("tinh.mjs", &[]), FileKind::Active("mjs".into()));
        assert_eq!(
            kind_of("trinh-chieu.pptx", &[]),
            FileKind::Other("pptx".into())
        );
        assert_eq!(kind_of("khong-duoi", &[]), FileKind::Other(String::new()));
        assert_eq!(kind_of("bang.html.", &[]), FileKind::Other(String::new()));
        let extra = vec!["pptx".to_string()];
        assert_eq!(kind_of("trinh-chieu.pptx", &extra), FileKind::Document);
        // An active type stays refused even if a site lists it.
        assert_eq!(
            kind_of("a.svg", &["svg".to_string()]),
            FileKind::Active("svg".into())
        );
    }

    #[test]
    fn attachments_allow_documents_never_active_types_or_photos() {
        let mut errors = Vec::new();
        let allowed = attachment_types(
            vec![
                "pptx".into(),
                ".ZIP".into(),
                "html".into(),
                "svg".into(),
                "jpg".into(),
                "a/b".into(),
            ],
            |m| errors.push(m),
        );
        assert_eq!(allowed, ["pptx", "zip"]);
        assert_eq!(errors.len(), 4, "{errors:?}");
    }

    #[test]
    fn nfd_names_on_disk_are_found_from_nfc_and_nfd() {
        let dir = tempfile::tempdir().unwrap();
        let nfd = "a\u{0300}nh-le\u{0302}\u{0303}.jpg"; // "ảnh-lễ.jpg" decomposed
        let nfc = vntext::nfc(nfd).into_owned();
        assert_ne!(nfd, nfc);
        std::fs::create_dir_all(dir.path().join("content/models")).unwrap();
        std::fs::write(dir.path().join("content/models").join(nfd), b"x").unwrap();
        for written in [nfc.as_str(), nfd] {
            let found = on_disk(dir.path(), Path::new("content/models").join(written));
            assert!(
                dir.path().join(&found).is_file(),
                "{written:?} -> {found:?}"
            );
        }
        let missing = on_disk(dir.path(), PathBuf::from("content/models/khong-co.jpg"));
        assert_eq!(missing, PathBuf::from("content/models/khong-co.jpg"));
    }
}
