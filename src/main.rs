//! The `dvk` command line: parses arguments, calls the library, prints, maps results to
//! exit codes (0 success, 1 content problems, 2 usage or I/O errors).

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "dvk", version, about = "Static site generator for the Dân vận khéo movement's models")]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print more detail.
    #[arg(short, long, global = true)]
    verbose: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into public/ (or -o OUT).
    Build {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Output folder (default SITE/public).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Publish under this URL instead of site.yaml's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
    },
    /// Check the content and print every problem, without writing anything.
    Check {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
    },
}

/// Prints warnings: the first 20, then a count (all of them with --verbose).
fn print_warnings(warnings: &[dvk::diag::Diagnostic], verbose: bool) {
    let shown = if verbose { warnings.len() } else { warnings.len().min(20) };
    for w in &warnings[..shown] {
        eprintln!("{w}");
    }
    if shown < warnings.len() {
        eprintln!("… and {} more warning(s); `dvk check` or --verbose lists them all.", warnings.len() - shown);
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { site, output, base_url, drafts } => {
            let opts = dvk::BuildOptions { root: site, out: output, base_url, drafts };
            match dvk::build(&opts) {
                Ok(report) => {
                    if !cli.quiet {
                        print_warnings(&report.warnings, cli.verbose);
                        if cli.verbose {
                            for (phase, t) in &report.timings {
                                eprintln!("  {:>8.1} ms  {phase}", t.as_secs_f64() * 1000.0);
                            }
                        }
                        println!(
                            "Built {} models, {} pages, {} files into {} in {:.2} s.",
                            report.models,
                            report.pages,
                            report.files,
                            report.out.display(),
                            report.elapsed.as_secs_f64()
                        );
                    }
                    ExitCode::SUCCESS
                }
                Err(dvk::BuildError::Content(diags)) => {
                    for d in &diags {
                        eprintln!("{d}");
                    }
                    let errors = diags.iter().filter(|d| d.is_error()).count();
                    eprintln!("{errors} error(s): nothing was published; the previous site is unchanged. Fix them and build again.");
                    ExitCode::from(1)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check { site } => {
            let diags = dvk::check(&site);
            for d in &diags {
                if !cli.quiet || d.is_error() {
                    eprintln!("{d}");
                }
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            if !cli.quiet {
                println!("{errors} error(s), {warnings} warning(s).");
            }
            if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            }
        }
    }
}
