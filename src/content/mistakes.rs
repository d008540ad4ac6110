//! The usual mistakes of editors that would otherwise pass without a word, each turned into
//! a message that names the file, the line and what to do: text `dvk new` left to fill in,
//! a number written `12.400` without quotes, Word's curly quotes around a title, tags
//! written on one line, a photo whose name differs only by case, and files in `content/`
//! that dvk does not read (a `.docx`, Notepad's `bai.md.txt`, a `.markdown`).

use crate::diag::Diagnostic;
use crate::lints::PLACEHOLDER;
use std::path::Path;

/// An error for every line of `text` (a whole file, its first line numbered 1) that still
/// holds text `dvk new` marked to fill in: it must never be published. YAML comment lines
/// in the front matter (before line `body_line`) are skipped.
pub fn placeholders(rel: &Path, text: &str, body_line: usize) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if !text.contains(PLACEHOLDER) {
        return out;
    }
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(PLACEHOLDER) else {
            continue;
        };
        if i + 1 < body_line && line.trim_start().starts_with('#') {
            continue;
        }
        let rest = &line[at..];
        let shown = match rest.find(')') {
            Some(end) => &rest[..=end],
            None => rest,
        };
        let shown: String = if shown.chars().count() > 60 {
            shown.chars().take(57).chain("…)".chars()).collect()
        } else {
            shown.to_string()
        };
        out.push(Diagnostic::error(
            rel,
            i + 1,
            line[..at].chars().count() + 1,
            crate::msg!("read.placeholder", text = shown),
        ));
    }
    out
}

/// True for the text of a number written with one dot and exactly three digits after it
/// (`12.400`, `-3.500`): YAML reads it as 12.4, a Vietnamese reader as 12400.
pub fn is_dot_thousands(raw: &str) -> bool {
    let raw = raw.trim().strip_prefix(['-', '+']).unwrap_or(raw.trim());
    match raw.split_once('.') {
        Some((int, frac)) => {
            !int.is_empty()
                && int.len() <= 3
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.len() == 3
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// The text of the plain (unquoted) value of `key` on `line`, if the key is written there
/// (`value: 12.400`, `- {label: x, value: 12.400}`).
pub fn raw_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(i) = line[from..].find(key) {
        let start = from + i;
        from = start + key.len();
        let before = line[..start].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let after = line[from..].trim_start_matches(['"', '\'']).trim_start();
        let Some(value) = after.strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        let end = value.find([',', '}', ']', '#']).unwrap_or(value.len());
        return Some(value[..end].trim_end());
    }
    None
}

/// The title without the curly quotes Word puts around a quotation (“…”, ‘…’, „…“), and
/// whether there were any.
pub fn strip_curly_quotes(title: &str) -> (String, bool) {
    let t = title.trim();
    for (open, close) in [('“', '”'), ('‘', '’'), ('„', '“'), ('«', '»'), ('”', '”')]
    {
        if let Some(inner) = t.strip_prefix(open).and_then(|r| r.strip_suffix(close)) {
            if !inner.trim().is_empty() {
                return (inner.trim().to_string(), true);
            }
        }
    }
    (t.to_string(), false)
}

/// Tags written on one line and separated by commas or semicolons
/// (`tags: nông thôn mới, hiến đất`), as separate tags.
pub fn split_tags(tags: Vec<String>) -> Vec<String> {
    tags.into_iter()
        .flat_map(|t| {
            t.split([',', ';'])
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// For a file that was not found: the name of a file in the same folder that differs from
/// it only by case (`quy.JPG` for `quy.jpg`), if there is one.
pub fn differs_by_case(full: &Path) -> Option<String> {
    let name = full.file_name()?.to_string_lossy().to_lowercase();
    let dir = full.parent()?;
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.to_lowercase() == name)
}

/// Extensions of files that sit beside write-ups as photos or downloads: not warned about.
const ASSETS: &[&str] = &[
    "jpg", "jpeg", "png", "gif", "webp", "avif", "tif", "tiff", "bmp", "heic", "heif",
];

/// Documents a write-up may link to as downloads: warned about only when no write-up in
/// the same folder names them.
const DOCUMENTS: &[&str] = &[
    "pdf", "doc", "docx", "odt", "xls", "xlsx", "ods", "csv", "txt", "ppt", "pptx", "odp", "zip",
    "rtf",
];

/// Files that systems and editors leave behind, never meant as content.
fn is_system_file(name: &str) -> bool {
    let lower = name.to_lowercase();
    lower == "thumbs.db"
        || lower == "desktop.ini"
        || lower.starts_with("~$")
        || lower.ends_with('~')
        || lower.ends_with(".bak")
        || lower.ends_with(".tmp")
}

/// True when a write-up (`.md`, `.yaml`) in the folder of `rel` names its file, as a link
/// or a photo: the file is then used, not ignored.
fn named_by_a_sibling(root: &Path, rel: &Path) -> bool {
    let Some(name) = rel.file_name().map(|n| n.to_string_lossy().into_owned()) else {
        return false;
    };
    let encoded = name.replace(' ', "%20");
    let Some(dir) = root.join(rel).parent().map(Path::to_path_buf) else {
        return false;
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return false;
    };
    entries.filter_map(Result::ok).any(|e| {
        let p = e.path();
        let is_text = p
            .extension()
            .map(|x| x.to_string_lossy().to_ascii_lowercase())
            .is_some_and(|x| matches!(x.as_str(), "md" | "yaml" | "yml"));
        is_text
            && std::fs::read_to_string(&p)
                .map(|t| t.contains(&name) || t.contains(&encoded))
                .unwrap_or(false)
    })
}

/// Whether the file at `path` begins (after a byte-order mark) with a `---` line, as a
/// write-up's front matter does.
fn starts_with_front_matter(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 8];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .unwrap_or(0);
    let head = &head[..n];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.starts_with(b"---\n") || head.starts_with(b"---\r\n")
}

/// A message for a file under `content/` that dvk does not read (`rel`, relative to the
/// site; `ext` its extension in lower case), saying what to do; `None` for files that are
/// used (photos, linked documents) or left by the system. Markdown files in the wrong
/// folder are reported by the file walk itself.
pub fn ignored_file(root: &Path, rel: &Path, ext: &str) -> Option<Diagnostic> {
    let name = rel.file_name()?.to_string_lossy().into_owned();
    if is_system_file(&name) || ext == "md" || ASSETS.contains(&ext) {
        return None;
    }
    let under = rel.strip_prefix("content").ok()?;
    if under == Path::new("site.yaml") {
        return None;
    }
    let top = under
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    let in_docs = matches!(top.as_str(), "models" | "news" | "pages");
    let lower = name.to_lowercase();
    // `bai.md.txt` (Notepad), `bai.markdown`, `bai.mdown`: a write-up under the wrong name.
    for suffix in [".md.txt", ".markdown", ".mdown", ".mkd", ".md.md"] {
        if lower.ends_with(suffix) && lower.len() > suffix.len() {
            let stem = &name[..name.len() - suffix.len()];
            let message = crate::msg!("read.ignored_markdown", new = format!("{stem}.md"));
            return Some(if in_docs {
                Diagnostic::error(rel, 0, 0, message)
            } else {
                Diagnostic::warning(rel, 0, 0, message)
            });
        }
    }
    // `bai.txt` that begins with front matter: a write-up Notepad saved as .txt, not a
    // document to download; without its model the site is silently short of one.
    if ext == "txt" && in_docs && starts_with_front_matter(&root.join(rel)) {
        let stem = &name[..name.len() - 4];
        return Some(Diagnostic::error(
            rel,
            0,
            0,
            crate::msg!("read.ignored_markdown", new = format!("{stem}.md")),
        ));
    }
    if under == Path::new("site.yml") || under == Path::new("site.yaml.txt") {
        return Some(Diagnostic::error(
            rel,
            0,
            0,
            crate::msg!("read.ignored_site_yml"),
        ));
    }
    if under.components().count() == 1 && ext != "yaml" {
        return Some(Diagnostic::warning(
            rel,
            0,
            0,
            crate::msg!("read.ignored_top"),
        ));
    }
    if DOCUMENTS.contains(&ext) {
        if named_by_a_sibling(root, rel) {
            return None;
        }
        let id_text = match ext {
            "doc" | "docx" | "odt" | "rtf" => crate::msg!("read.ignored_word", name = name),
            "xls" | "xlsx" | "ods" | "csv" => crate::msg!("read.ignored_sheet", name = name),
            "txt" => crate::msg!(
                "read.ignored_txt",
                new = format!("{}.md", &name[..name.len() - 4])
            ),
            _ => crate::msg!("read.ignored_document", name = name),
        };
        return Some(Diagnostic::warning(rel, 0, 0, id_text));
    }
    if matches!(ext, "yaml" | "yml") && top != "models" {
        return Some(Diagnostic::warning(
            rel,
            0,
            0,
            crate::msg!("read.ignored_yaml"),
        ));
    }
    Some(Diagnostic::warning(
        rel,
        0,
        0,
        crate::msg!("read.ignored_other"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dot_thousands_are_three_digits_after_one_dot() {
        for yes in ["12.400", "1.250", "-3.500", "999.000"] {
            assert!(is_dot_thousands(yes), "{yes}");
        }
        for no in [
            "12.4",
            "12.40",
            "12.4000",
            "1.250.000",
            "12400",
            "2.5",
            "1234.500",
            "x.400",
        ] {
            assert!(!is_dot_thousands(no), "{no}");
        }
    }

    #[test]
    fn raw_values_are_found_in_block_and_flow_style() {
        assert_eq!(raw_value("    value: 12.400", "value"), Some("12.400"));
        assert_eq!(
            raw_value("  - {label: Đất, value: 12.400, unit: m²}", "value"),
            Some("12.400")
        );
        assert_eq!(raw_value("    value: 12.400 # m2", "value"), Some("12.400"));
        assert_eq!(raw_value("    values: 3", "value"), None);
        assert_eq!(raw_value("    label: giá trị", "value"), None);
    }

    #[test]
    fn curly_quotes_around_a_title_are_removed() {
        assert_eq!(
            strip_curly_quotes("“Heo đất nghĩa tình”"),
            ("Heo đất nghĩa tình".to_string(), true)
        );
        assert_eq!(
            strip_curly_quotes("‘Dân vận khéo’"),
            ("Dân vận khéo".to_string(), true)
        );
        assert_eq!(
            strip_curly_quotes("Mô hình “Heo đất”"),
            ("Mô hình “Heo đất”".to_string(), false)
        );
    }

    #[test]
    fn tags_on_one_line_are_split() {
        assert_eq!(
            split_tags(vec!["nông thôn mới, hiến đất".into()]),
            vec!["nông thôn mới".to_string(), "hiến đất".to_string()]
        );
        assert_eq!(
            split_tags(vec!["a".into(), "b; c".into()]),
            vec!["a", "b", "c"]
        );
    }

    #[test]
    fn placeholders_are_errors_at_their_line_and_column() {
        let text = "---\n# (cần điền) in a comment\nhost: \"(cần điền: tên đơn vị chủ trì)\"\n---\n\nĐoạn (cần điền: kết quả)\n";
        let d = placeholders(Path::new("a.md"), text, 5);
        assert_eq!(d.len(), 2, "{d:?}");
        assert_eq!((d[0].line, d[0].column), (3, 8));
        assert_eq!((d[1].line, d[1].column), (6, 6));
        assert!(d.iter().all(Diagnostic::is_error));
        assert!(
            d[0].message.contains("(cần điền: tên đơn vị chủ trì)"),
            "{}",
            d[0].message
        );
    }
}
