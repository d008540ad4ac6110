//! `dvk import FILE…`: the Excel/ODS/CSV lists and Word write-ups a committee already keeps
//! become content.
//!
//! Each file is recognised by its bytes, not only its name ([`detect`]); spreadsheets are
//! read into grids ([`grid`]) whose header row, group rows, totals and signature block are
//! recognised ([`sheet`], with places split by [`place_split`]); Word documents become a
//! Markdown write-up with their images ([`docx`]). [`write`] compares everything with the
//! site's existing models (nothing is imported twice), then writes new files only, or with
//! `--dry-run` only says what it would write.

pub mod cli;
pub mod detect;
pub mod docx;
pub mod grid;
pub mod place_split;
pub mod places;
pub mod sheet;
pub mod write;

use std::fmt;
use std::path::PathBuf;

/// What to import and the values to use where the files do not say.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site folder.
    pub root: PathBuf,
    /// The files to import.
    pub files: Vec<PathBuf>,
    /// Year of recognition.
    pub year: Option<i32>,
    /// Province.
    pub province: Option<String>,
    /// District.
    pub district: Option<String>,
    /// Commune.
    pub commune: Option<String>,
    /// Field: label, slug, alias or abbreviation.
    pub field: Option<String>,
    /// Host organisation.
    pub host: Option<String>,
    /// Recognition level (xa, huyen, tinh, trung-uong, or as lists write it).
    pub level: Option<String>,
    /// Write nothing; say what would be written.
    pub dry_run: bool,
}

/// One model read from a list row or a write-up.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    /// Where it was read: `Sheet1!A12`, or `đoạn 3`.
    pub source: String,
    /// Title.
    pub title: String,
    /// Year of recognition.
    pub year: i32,
    /// Province.
    pub province: String,
    /// District.
    pub district: Option<String>,
    /// Commune.
    pub commune: Option<String>,
    /// Field label as site.yaml spells it.
    pub field: String,
    /// Host organisation.
    pub host: String,
    /// `xa`, `huyen`, `tinh` or `trung-uong`.
    pub level: Option<&'static str>,
    /// Named exemplary.
    pub exemplary: bool,
    /// Markdown body.
    pub body: Option<String>,
    /// The list's note, kept as a comment.
    pub note: Option<String>,
    /// Cells the place was read from, for messages about it.
    pub place_at: PlaceAt,
}

/// Where each part of a record's place was read (`Sheet!D12`); `None` when it came from a
/// flag or the title rows (messages then point at the record's row).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlaceAt {
    /// Province cell.
    pub province: Option<String>,
    /// District cell.
    pub district: Option<String>,
    /// Commune cell.
    pub commune: Option<String>,
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The row, element or file was not imported.
    Error,
    /// Imported, but something should be checked.
    Warning,
}

/// A problem with a row, an element or a file: `file:Sheet!A12: lỗi: …`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file as given, then `:Sheet!A12` or `:đoạn 12` when known.
    pub at: String,
    /// Error (not imported) or warning.
    pub severity: Severity,
    /// What is wrong and what to do.
    pub message: String,
}

impl Problem {
    /// An error.
    pub fn error(at: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            at: at.into(),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A warning.
    pub fn warning(at: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(at, message)
        }
    }

    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => crate::msg!("severity.error"),
            Severity::Warning => crate::msg!("severity.warning"),
        };
        write!(f, "{}: {kind}: {}", self.at, self.message)
    }
}

/// What an import did (or, with `--dry-run`, would do).
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (relative to the site folder), with how many models each holds.
    pub written: Vec<(PathBuf, usize)>,
    /// Photos saved beside write-ups.
    pub photos: usize,
    /// Models found already in the site (or earlier in this import), not written again.
    pub already: usize,
    /// Every problem, in file and row order.
    pub problems: Vec<Problem>,
    /// Notes for the editor: values chosen, placeholders left.
    pub notes: Vec<String>,
    /// With `--dry-run`: the table of what would be written.
    pub table: Option<String>,
}

impl Report {
    /// Models written (or that would be).
    pub fn models(&self) -> usize {
        self.written.iter().map(|(_, n)| n).sum()
    }
}

/// Why an import could not start at all.
#[derive(Debug)]
pub enum ImportError {
    /// Bad options or no site folder.
    Usage(String),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Usage(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for ImportError {}

/// Imports every file; a file or row that cannot be read is reported and skipped.
pub fn run(opts: &Options) -> Result<Report, ImportError> {
    write::run(opts)
}
