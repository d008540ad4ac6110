//! `dvk check`: every problem of a site, as text or JSON, without writing anything.

use super::args::CheckFormat;
use super::{counts, site_folder};
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks the site at `site` and prints what it found.
pub(crate) fn run(site: PathBuf, format: CheckFormat, strict: bool, quiet: bool) -> ExitCode {
    if let Err(code) = site_folder(&site) {
        return code;
    }
    let bar = dvk::progress::Bar::new(quiet || matches!(format, CheckFormat::Json));
    let report = dvk::check_report(&site, &bar);
    bar.finish();
    let diags = report.diagnostics;
    let errors = diags.iter().filter(|d| d.is_error()).count();
    let warnings = diags.len() - errors;
    match format {
        CheckFormat::Json => {
            let out =
                serde_json::json!({"errors": errors, "warnings": warnings, "problems": diags});
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        }
        CheckFormat::Text => {
            for d in &diags {
                if !quiet || d.is_error() {
                    eprintln!("{d}");
                }
            }
            if !quiet {
                println!("{}", counts(errors, warnings));
                if strict && errors == 0 && warnings > 0 {
                    eprintln!("{}", dvk::msg!("cli.check_strict"));
                }
            }
        }
    }
    if report.unreadable {
        if matches!(format, CheckFormat::Text) {
            eprintln!("{}", dvk::msg!("cli.check_read_failed"));
        }
        ExitCode::from(2)
    } else if errors > 0 || (strict && warnings > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
