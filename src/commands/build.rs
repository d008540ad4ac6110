//! `dvk build`: builds the site and says what it did, or why nothing was published.

use super::{counts, print_warnings, site_folder};
use std::process::ExitCode;

/// Builds the site `opts` names and prints the outcome.
pub(crate) fn run(opts: dvk::BuildOptions, quiet: bool, verbose: bool) -> ExitCode {
    if let Err(code) = site_folder(&opts.root) {
        return code;
    }
    let out_dir = opts.out.clone().unwrap_or_else(|| opts.root.join("public"));
    // Whether there is a previous site that a failed build leaves as it was.
    let had_site = out_dir.join("index.html").exists();
    let bar = dvk::progress::Bar::new(quiet);
    let result = dvk::build_with_progress(&opts, &bar);
    bar.finish();
    match result {
        Ok(report) => {
            if !quiet {
                print_warnings(&report.warnings, verbose);
                if verbose && !report.carried.is_empty() {
                    eprintln!(
                        "{}",
                        dvk::msg!(
                            "output.carried",
                            count = report.carried.len(),
                            files = report.carried.join(", ")
                        )
                    );
                }
                if verbose {
                    print_timings(&report.timings);
                    if !report.unchanged {
                        eprintln!(
                            "{}",
                            dvk::msg!(
                                "cli.build_kept",
                                pages = report.pages_kept,
                                docs = report.search_carried
                            )
                        );
                    }
                }
                let secs = format!("{:.2}", report.elapsed.as_secs_f64());
                if report.unchanged {
                    println!(
                        "{}",
                        dvk::msg!(
                            "cli.build_unchanged",
                            out = report.out.display(),
                            models = report.models,
                            pages = report.pages,
                            secs = secs
                        )
                    );
                } else {
                    println!(
                        "{}",
                        dvk::msg!(
                            "cli.build_done",
                            models = report.models,
                            pages = report.pages,
                            files = report.files,
                            out = report.out.display(),
                            secs = secs
                        )
                    );
                }
                if !report.warnings.is_empty() {
                    eprintln!("{}", counts(0, report.warnings.len()));
                }
            }
            ExitCode::SUCCESS
        }
        Err(dvk::BuildError::Content(diags)) => {
            for d in &diags {
                eprintln!("{d}");
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            let kept = if had_site {
                dvk::msg!("cli.previous_kept", out = out_dir.display())
            } else {
                dvk::msg!("cli.no_previous")
            };
            let id_text = if errors == 0 {
                dvk::msg!(
                    "cli.build_failed_strict",
                    counts = counts(errors, warnings),
                    kept = kept
                )
            } else {
                dvk::msg!(
                    "cli.build_failed",
                    counts = counts(errors, warnings),
                    kept = kept
                )
            };
            eprintln!("{id_text}");
            ExitCode::from(1)
        }
        Err(dvk::BuildError::Read(diags)) => {
            for d in &diags {
                eprintln!("{d}");
            }
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let kept = if had_site {
                dvk::msg!("cli.previous_kept", out = out_dir.display())
            } else {
                dvk::msg!("cli.no_previous")
            };
            eprintln!(
                "{}",
                dvk::msg!(
                    "cli.read_failed",
                    counts = counts(errors, diags.len() - errors),
                    kept = kept
                )
            );
            ExitCode::from(2)
        }
        Err(dvk::BuildError::Write(diags)) => {
            for d in &diags {
                eprintln!("{d}");
            }
            let kept = if had_site {
                dvk::msg!("cli.previous_kept", out = out_dir.display())
            } else {
                dvk::msg!("cli.no_previous")
            };
            eprintln!("{}", dvk::msg!("cli.write_failed", kept = kept));
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("{}", dvk::msg!("cli.error", message = e));
            ExitCode::from(2)
        }
    }
}

/// The wall time, CPU and peak memory of each phase (`--verbose`).
fn print_timings(timings: &[dvk::progress::Phase]) {
    let mut cpu_before = std::time::Duration::ZERO;
    for p in timings {
        let peak = p
            .peak_rss_kib
            .map(|k| format!("  peak {:>5} MiB", k / 1024))
            .unwrap_or_default();
        let cpu = p
            .cpu_total
            .map(|c| {
                let used = c.saturating_sub(cpu_before);
                cpu_before = c;
                format!("  cpu {:>8.1} ms", used.as_secs_f64() * 1000.0)
            })
            .unwrap_or_default();
        eprintln!(
            "  {:>8.1} ms{cpu}{peak}  {}",
            p.took.as_secs_f64() * 1000.0,
            p.name
        );
    }
}
