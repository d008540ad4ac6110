//! What `dvk import` prints: every problem (standard error), the notes, the files written
//! or, with `--dry-run`, the table of what would be (standard output), and a summary line.
//! Exit status: 0 when everything was read, 1 when a row, element or file was left out,
//! 2 when nothing could start (no site folder, a bad flag).

use super::{run as import, Options};
use std::process::ExitCode;

/// Runs the import and prints its report.
pub fn run(opts: &Options, quiet: bool) -> ExitCode {
    let report = match import(opts) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{}: {e}", crate::msg!("severity.error"));
            return ExitCode::from(2);
        }
    };
    for p in &report.problems {
        if !quiet || p.is_error() {
            eprintln!("{p}");
        }
    }
    if !quiet {
        for n in &report.notes {
            eprintln!("{}", crate::msg!("import.note_line", text = n));
        }
    }
    if let Some(t) = &report.table {
        print!("{t}");
    }
    if !quiet {
        for (path, n) in &report.written {
            println!(
                "{}",
                crate::msg!("import.written_line", path = path.display(), n = n)
            );
        }
    }
    let errors = report.problems.iter().filter(|p| p.is_error()).count();
    if !quiet {
        let id_models = report.models();
        if opts.dry_run {
            println!(
                "{}",
                crate::msg!(
                    "import.summary_dry",
                    models = id_models,
                    files = report.written.len(),
                    photos = report.photos,
                    already = report.already,
                    errors = errors
                )
            );
        } else {
            println!(
                "{}",
                crate::msg!(
                    "import.summary",
                    models = id_models,
                    files = report.written.len(),
                    photos = report.photos,
                    already = report.already,
                    errors = errors
                )
            );
        }
        if report.models() == 0 && report.already > 0 {
            println!(
                "{}",
                crate::msg!("import.nothing_new", already = report.already)
            );
        }
    }
    if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
