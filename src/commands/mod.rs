//! The commands of the `dvk` binary, one file each: what each prints and its exit code
//! (0 success, 1 content problems, 2 usage or I/O errors). The work itself is the library's.

pub(crate) mod args;
pub(crate) mod build;
pub(crate) mod check;
pub(crate) mod create;
pub(crate) mod serve;
pub(crate) mod stats;

use std::path::Path;
use std::process::ExitCode;

/// Exit 2 with a message when SITE is not a folder, or not a site (no `content/` and no
/// `content/site.yaml`: say so plainly and suggest `dvk init`).
pub(crate) fn site_folder(site: &Path) -> Result<(), ExitCode> {
    if !site.is_dir() {
        eprintln!("{}", dvk::msg!("cli.not_a_folder", site = site.display()));
        Err(ExitCode::from(2))
    } else if !site.join("content").is_dir() && !site.join("content/site.yaml").exists() {
        eprintln!("{}", dvk::msg!("cli.not_a_site", site = site.display()));
        Err(ExitCode::from(2))
    } else {
        Ok(())
    }
}

/// Prints warnings: the first 20, then a count (all of them with --verbose).
pub(crate) fn print_warnings(warnings: &[dvk::diag::Diagnostic], verbose: bool) {
    let shown = if verbose {
        warnings.len()
    } else {
        warnings.len().min(20)
    };
    for w in &warnings[..shown] {
        eprintln!("{w}");
    }
    if shown < warnings.len() {
        eprintln!(
            "{}",
            dvk::msg!("cli.more_warnings", n = warnings.len() - shown)
        );
    }
}

/// "0 lỗi, 2 cảnh báo." for the end of check and build.
pub(crate) fn counts(errors: usize, warnings: usize) -> String {
    dvk::msg!("cli.counts", errors = errors, warnings = warnings)
}
