//! `dvk stats`: the yearly counts as a table, CSV or JSON.

use super::args::StatsFormat;
use super::site_folder;
use std::path::PathBuf;
use std::process::ExitCode;

/// Prints the counts of the site at `site`.
pub(crate) fn run(site: PathBuf, format: StatsFormat, year: Option<i32>) -> ExitCode {
    if let Err(code) = site_folder(&site) {
        return code;
    }
    let (loaded, diags) = dvk::load_site(&site, false, None);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    let theme = dvk::render::Theme::load(&site, &loaded.config.theme, &loaded.config.language);
    let strings = match &theme {
        Ok(t) => &t.i18n,
        Err(d) => {
            for e in d {
                eprintln!("{e}");
            }
            return ExitCode::from(1);
        }
    };
    let st = dvk::stats_cmd::compute(&loaded, year);
    let fmt = match format {
        StatsFormat::Table => dvk::stats_cmd::Format::Table,
        StatsFormat::Csv => dvk::stats_cmd::Format::Csv,
        StatsFormat::Json => dvk::stats_cmd::Format::Json,
    };
    print!(
        "{}",
        dvk::stats_cmd::render(&loaded, strings, year, &st, fmt)
    );
    if !errors.is_empty() {
        for e in &errors {
            eprintln!("{e}");
        }
        eprintln!("{}", dvk::msg!("cli.stats_errors", n = errors.len()));
        // A file that could not be read is the machine's problem (exit 2).
        let unreadable = errors.iter().any(|e| e.is_io());
        return ExitCode::from(if unreadable { 2 } else { 1 });
    }
    ExitCode::SUCCESS
}
