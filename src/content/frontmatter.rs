//! Splits a Markdown file into its YAML front matter and its body.

use crate::diag::Diagnostic;
use std::path::Path;

/// A file split at its `---` fences.
pub struct Split<'a> {
    /// The YAML between the fences.
    pub yaml: &'a str,
    /// Lines before the YAML (the opening fence), to offset YAML positions.
    pub yaml_line_offset: usize,
    /// The Markdown after the closing fence.
    pub body: &'a str,
    /// 0-based line where the body starts.
    pub body_line_offset: usize,
}

/// Splits `text` (BOM already removed, newlines `\n` or `\r\n`) at `---` fences.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    if text[..first_line_end].trim_end() != "---" {
        return Err(Diagnostic::error(
            path,
            1,
            1,
            "missing front matter: the file must start with a line `---`, then `title: …`, `year: …` and the other keys, then a line `---`, then the text.",
        ));
    }
    let mut offset = first_line_end;
    // The first line is `---`; `line` is the number of the line `raw`.
    for (line, raw) in (2..).zip(text[first_line_end..].split_inclusive('\n')) {
        if raw.trim_end() == "---" || raw.trim_end() == "..." {
            return Ok(Split {
                yaml: &text[first_line_end..offset],
                yaml_line_offset: 1,
                body: &text[offset + raw.len()..],
                body_line_offset: line,
            });
        }
        offset += raw.len();
    }
    Err(Diagnostic::error(
        path,
        1,
        1,
        "front matter is not closed: add a line `---` after the last key, before the text.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_fences() {
        let s = split("---\ntitle: A\n---\nBody\n", Path::new("a.md"))
            .ok()
            .unwrap();
        assert_eq!(s.yaml, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line_offset, 3);
    }

    #[test]
    fn crlf_files_split_too() {
        let s = split("---\r\ntitle: A\r\n---\r\nBody", Path::new("a.md"))
            .ok()
            .unwrap();
        assert_eq!(s.yaml, "title: A\r\n");
        assert_eq!(s.body, "Body");
    }

    #[test]
    fn unclosed_and_missing_front_matter_are_errors() {
        let e = split("---\ntitle: A\n", Path::new("a.md")).err().unwrap();
        assert!(e.message.contains("not closed"));
        let e = split("title: A\n", Path::new("a.md")).err().unwrap();
        assert!(e.message.contains("missing front matter"));
    }
}
