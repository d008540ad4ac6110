//! Problems found in a site: a value with the file, line, column and a message that says what to do.
//!
//! Every stage collects these instead of stopping at the first one, so an editor sees every
//! problem of the whole site in one run.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a problem is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The site is built anyway.
    Warning,
    /// The build fails and `public/` is left as it was.
    Error,
}

/// One problem in one file, at a 1-based line and column (0 when unknown).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    /// Path of the file, relative to the site folder where possible.
    pub path: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong and what to do about it.
    pub message: String,
    /// The file could not be read (permissions, a failing disk): a problem of the machine,
    /// not of the content, which makes `dvk` exit with 2 instead of 1.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub io: bool,
    /// The front-matter key the problem is about, while its line is still to be found: a
    /// stage that keeps no key positions (the site's assembly) puts the problem at the
    /// document's first line and names the key; `lints::locate_keys` moves it to the key's
    /// line when the file is at hand.
    #[serde(skip)]
    pub key: Option<&'static str>,
}

impl Diagnostic {
    /// An error at a position.
    pub fn error(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            path: path.to_path_buf(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
            io: false,
            key: None,
        }
    }

    /// The same problem, about front-matter key `key` (see [`Diagnostic::key`]).
    pub fn about_key(self, key: &'static str) -> Self {
        Diagnostic {
            key: Some(key),
            ..self
        }
    }

    /// An error reading an input file (see [`Diagnostic::io`]).
    pub fn io_error(path: &Path, message: impl Into<String>) -> Self {
        Diagnostic {
            io: true,
            ..Diagnostic::error(path, 0, 0, message)
        }
    }

    /// A warning at a position.
    pub fn warning(path: &Path, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, column, message)
        }
    }

    /// True for errors (which fail the build).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// True for an input file that could not be read ([`Diagnostic::io_error`]).
    pub fn is_io(&self) -> bool {
        self.io && self.is_error()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => crate::msg!("severity.error"),
            Severity::Warning => crate::msg!("severity.warning"),
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.path.display(),
            self.line.max(1),
            self.column.max(1),
            kind,
            self.message
        )
    }
}

/// A growing list of problems, kept in a stable order for output.
#[derive(Debug, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds all problems of another list.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    /// True when at least one problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// Sorts by path, then position, and drops exact repeats.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.column, &a.message).cmp(&(&b.path, b.line, b.column, &b.message))
        });
        self.0.dedup();
        self.0
    }
}

/// "did you mean `x`?" for the closest candidate, or an empty string.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    let word_folded = vntext::fold(word);
    let best = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&word_folded, &vntext::fold(c)), c))
        .filter(|(score, _)| *score > 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((_, c)) => crate::msg!("hint.did_you_mean", word = c),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_path_line_col_message() {
        let d = Diagnostic::error(Path::new("content/models/a.md"), 3, 7, "bad");
        let kind = crate::msg::text("severity.error", &[]);
        assert_eq!(
            d.to_string(),
            format!("content/models/a.md:3:7: {kind}: bad")
        );
        assert_eq!(
            crate::msg::text_in(crate::msg::Lang::Vi, "severity.warning", &[]),
            "cảnh báo"
        );
    }

    #[test]
    fn did_you_mean_finds_close_keys() {
        let hint = did_you_mean("titel", ["title", "year", "tags"]);
        assert!(hint.contains("`title`"), "{hint}");
        assert_eq!(did_you_mean("zzzzzz", ["title", "year"]), "");
    }
}
