//! The commands that add files to a site: `dvk new`, `dvk init` and `dvk theme export`
//! (`dvk import` prints from its own module, `dvk::import::cli`).

use super::args::{NewWhat, ThemeWhat};
use std::path::PathBuf;
use std::process::ExitCode;

/// `dvk new model|article|page`.
pub(crate) fn new(what: NewWhat, quiet: bool) -> ExitCode {
    let result = match what {
        NewWhat::Model {
            title,
            year,
            province,
            district,
            commune,
            level,
            exemplary,
            date,
            field,
            host,
            site,
        } => dvk::scaffold::new_model(&dvk::scaffold::NewModel {
            root: site,
            title,
            year,
            province,
            district,
            commune,
            date,
            field,
            host,
            level,
            exemplary,
        }),
        NewWhat::Article {
            title,
            date,
            models,
            site,
        } => dvk::scaffold::doc::new_article(&dvk::scaffold::doc::NewDoc {
            root: site,
            title,
            date,
            models,
        }),
        NewWhat::Page { title, site } => {
            dvk::scaffold::doc::new_page(&dvk::scaffold::doc::NewDoc {
                root: site,
                title,
                ..Default::default()
            })
        }
    };
    report_new(result, quiet)
}

/// Prints what `dvk new` wrote (the path on standard output, notes on standard error).
fn report_new(
    result: Result<dvk::scaffold::Created, dvk::scaffold::NewError>,
    quiet: bool,
) -> ExitCode {
    match result {
        Ok(created) => {
            println!("{}", created.path.display());
            if !quiet {
                for n in &created.notes {
                    eprintln!("{}: {n}", dvk::msg!("new.note"));
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", dvk::msg!("severity.error"));
            ExitCode::from(2)
        }
    }
}

/// `dvk init`: a new site in `dir`.
pub(crate) fn init(
    dir: PathBuf,
    title: Option<String>,
    province: Option<String>,
    quiet: bool,
) -> ExitCode {
    let opts = dvk::init::InitOptions {
        dir,
        title,
        province,
    };
    match dvk::init::init(&opts) {
        Ok(files) => {
            if !quiet {
                println!("{}", dvk::msg!("init.created", dir = opts.dir.display()));
                for f in &files {
                    println!("  {}", f.display());
                }
                println!("{}", dvk::msg!("init.next", dir = opts.dir.display()));
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", dvk::msg!("severity.error"));
            ExitCode::from(2)
        }
    }
}

/// `dvk theme export`.
pub(crate) fn theme(what: ThemeWhat, quiet: bool) -> ExitCode {
    let ThemeWhat::Export { dir, site } = what;
    let dest = match dir {
        Some(d) => d,
        None if site.join("content/site.yaml").is_file() => site.join("themes/default"),
        None => {
            eprintln!(
                "{}: {}",
                dvk::msg!("severity.error"),
                dvk::msg!("theme.not_a_site", dir = site.display())
            );
            return ExitCode::from(2);
        }
    };
    match dvk::render::theme::export(&dest) {
        Ok(n) => {
            if !quiet {
                println!(
                    "{}",
                    dvk::msg!("theme.exported", n = n, dir = dest.display())
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: {e}", dvk::msg!("severity.error"));
            ExitCode::from(2)
        }
    }
}
