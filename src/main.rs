//! The `dvk` command line: parses arguments, calls the library, prints, maps results to
//! exit codes (0 success, 1 content problems, 2 usage or I/O errors).

/// mimalloc: rendering allocates many small strings; the system allocator spent ~18 % of a build.
#[global_allocator]
static GLOBAL: dvk::alloc::Mimalloc = dvk::alloc::Mimalloc;

/// mimalloc commits each new arena eagerly, which at 10,000 models keeps ~35 MiB more
/// resident (334 vs 300 MiB peak) for no measurable speed. The option must be set before
/// mimalloc makes its first arena, so this runs as an early constructor, before `main` and
/// before mimalloc's own initialisation. (Purging freed memory at once was tried too: it
/// cost 0.7-1.4 s of kernel time per 10k build in page faults and TLB flushes.)
/// An ELF constructor (`.init_array`) exists on Linux only here; elsewhere mimalloc keeps its
/// default (eager commit), which costs memory, not correctness.
#[cfg(target_os = "linux")]
extern "C" fn tune_allocator() {
    // Option number of `mi_option_arena_eager_commit` in mimalloc v3's `mi_option_e`
    // (the -sys crate does not name it).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: a plain option setter, called once before any thread exists.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) }
}

#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00101"]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "dvk",
    version,
    about = "Static site generator for the Dân vận khéo movement's models"
)]
struct Cli {
    /// Print only errors.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// Print more detail.
    #[arg(short, long, global = true)]
    verbose: bool,
    /// Language of messages: vi (default) or en (also the DVK_LANG environment variable).
    #[arg(long, global = true)]
    lang: Option<String>,
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
        #[arg(long, value_parser = dvk::config::base_url_flag)]
        base_url: Option<String>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
        /// Fail on warnings too (nothing is published while there is one).
        #[arg(long)]
        strict: bool,
        /// Also write a .gz and a .br copy of every text file of 1 KB or more, for web servers
        /// that send stored compressed files (also `publish: { precompress: true }` in site.yaml).
        #[arg(long)]
        precompress: bool,
    },
    /// Check the content and print every problem, without writing anything.
    Check {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// `text`: one `path:line:col: severity: message` line each, on standard error;
        /// `json`: one object on standard output, for CI and editors' tools.
        #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
        format: CheckFormat,
        /// Fail (exit 1) on warnings too.
        #[arg(long)]
        strict: bool,
    },
    /// Preview the site: build it in memory, serve it on this computer and reload the
    /// browser when a file changes. Never writes public/.
    Serve {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Port (the next free one is used when it is taken; 0 lets the system choose).
        #[arg(short, long, default_value_t = 1111, value_parser = dvk::cli_text::port_flag)]
        port: u16,
        /// Address to listen on. Anything but 127.0.0.1 / ::1 lets other computers see the preview.
        #[arg(long, default_value = "127.0.0.1", value_parser = dvk::cli_text::ip_flag)]
        bind: IpAddr,
        /// Leave out drafts (they are shown by default in the preview).
        #[arg(long)]
        no_drafts: bool,
    },
    /// Write a new document with its front matter filled in and explained.
    New {
        #[command(subcommand)]
        what: NewWhat,
    },
    /// Start a new site in DIR: settings explained, an example model, a Giới thiệu page.
    Init {
        /// The new site's folder (created when missing).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// The site's name (default: "Dân vận khéo" and the province).
        #[arg(long)]
        title: Option<String>,
        /// The province the site is for.
        #[arg(long)]
        province: Option<String>,
    },
    /// The theme built into dvk.
    Theme {
        #[command(subcommand)]
        what: ThemeWhat,
    },
    /// The counts the movement reports: by year, province and district, field, level, results.
    Stats {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// `table` (for people), `csv` (long form, for spreadsheets) or `json`.
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
        /// Count only the models recognised this year.
        #[arg(long, value_parser = dvk::cli_text::year_flag)]
        year: Option<i32>,
    },
    /// Import Excel/ODS/CSV lists of models and Word write-ups into content/models/.
    Import {
        /// The files: .xlsx, .xls, .ods, .csv lists, .docx write-ups.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Year of recognition (else from a year column or the list's title).
        #[arg(long, value_parser = dvk::cli_text::year_flag)]
        year: Option<i32>,
        /// Province (else from a column or the list's title rows).
        #[arg(long)]
        province: Option<String>,
        /// District, for rows (or a write-up) that do not give one.
        #[arg(long)]
        district: Option<String>,
        /// Commune, for rows (or a write-up) that do not give one.
        #[arg(long)]
        commune: Option<String>,
        /// Field, for rows without one: a label, slug, alias or abbreviation (KT, VH-XH…).
        #[arg(long)]
        field: Option<String>,
        /// Host organisation, for rows (or a write-up) without one.
        #[arg(long)]
        host: Option<String>,
        /// Recognition level: xa, huyen, tinh or trung-uong.
        #[arg(long)]
        level: Option<String>,
        /// Write nothing: print a table of what would be written.
        #[arg(long)]
        dry_run: bool,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

#[derive(Subcommand)]
enum ThemeWhat {
    /// Copy the built-in theme out to customise it (default: SITE/themes/default/).
    Export {
        /// Destination folder.
        dir: Option<PathBuf>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
}

#[derive(Subcommand)]
enum NewWhat {
    /// A model write-up, under content/models/<year>/<district or province>/.
    Model {
        /// Title of the model, in quotes.
        title: String,
        /// Year of recognition (default: this year).
        #[arg(long, value_parser = dvk::cli_text::year_flag)]
        year: Option<i32>,
        /// Province (default: the district's, or the site's most used).
        #[arg(long)]
        province: Option<String>,
        /// District (only for a model recognised before 1 July 2025).
        #[arg(long)]
        district: Option<String>,
        /// Commune (xã, phường, đặc khu).
        #[arg(long)]
        commune: Option<String>,
        /// Recognition level: xa, huyen, tinh, trung-uong.
        #[arg(long)]
        level: Option<String>,
        /// An exemplary model (điển hình).
        #[arg(long)]
        exemplary: bool,
        /// Date of publication, YYYY-MM-DD.
        #[arg(long)]
        date: Option<String>,
        /// Field: a label, slug or alias from site.yaml (default: the first).
        #[arg(long)]
        field: Option<String>,
        /// Host organisation (đơn vị chủ trì).
        #[arg(long)]
        host: Option<String>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// A news article, under content/news/.
    Article {
        /// Title of the article, in quotes.
        title: String,
        /// Date, YYYY-MM-DD (default: today).
        #[arg(long)]
        date: Option<String>,
        /// Slug of a model the article is about (repeatable).
        #[arg(long = "model")]
        models: Vec<String>,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
    /// A plain page (giới thiệu, liên hệ), under content/pages/.
    Page {
        /// Title of the page, in quotes.
        title: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        site: PathBuf,
    },
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

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatsFormat {
    Table,
    Csv,
    Json,
}

/// Exit 2 with a message when SITE is not a folder, or not a site (no `content/` and no
/// `content/site.yaml`: say so plainly and suggest `dvk init`).
fn site_folder(site: &Path) -> Result<(), ExitCode> {
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
fn print_warnings(warnings: &[dvk::diag::Diagnostic], verbose: bool) {
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
fn counts(errors: usize, warnings: usize) -> String {
    dvk::msg!("cli.counts", errors = errors, warnings = warnings)
}

fn main() -> ExitCode {
    // The language is chosen before the arguments are parsed, so that `--help` and clap's
    // own errors speak it too.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if let Some(code) = dvk::cli_text::lang_arg(&args) {
        match dvk::msg::Lang::from_code(&code) {
            Some(l) => dvk::msg::set_lang(l),
            None => {
                eprintln!("{}", dvk::msg!("cli.bad_lang", code = code));
                return ExitCode::from(2);
            }
        }
    }
    let cli = match dvk::cli_text::localize(Cli::command())
        .try_get_matches_from(&args)
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(cli) => cli,
        Err(e) => return dvk::cli_text::usage_error(e),
    };
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            drafts,
            strict,
            precompress,
        } => {
            if let Err(code) = site_folder(&site) {
                return code;
            }
            let out_dir = output.clone().unwrap_or_else(|| site.join("public"));
            // Whether there is a previous site that a failed build leaves as it was.
            let had_site = out_dir.join("index.html").exists();
            let opts = dvk::BuildOptions {
                root: site,
                out: output,
                base_url,
                drafts,
                strict,
                precompress,
            };
            let bar = dvk::progress::Bar::new(cli.quiet);
            let result = dvk::build_with_progress(&opts, &bar);
            bar.finish();
            match result {
                Ok(report) => {
                    if !cli.quiet {
                        print_warnings(&report.warnings, cli.verbose);
                        if cli.verbose && !report.carried.is_empty() {
                            eprintln!(
                                "{}",
                                dvk::msg!(
                                    "output.carried",
                                    count = report.carried.len(),
                                    files = report.carried.join(", ")
                                )
                            );
                        }
                        if cli.verbose {
                            let mut cpu_before = std::time::Duration::ZERO;
                            for p in &report.timings {
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
        Command::Check {
            site,
            format,
            strict,
        } => {
            if let Err(code) = site_folder(&site) {
                return code;
            }
            let bar = dvk::progress::Bar::new(cli.quiet || matches!(format, CheckFormat::Json));
            let report = dvk::check_report(&site, &bar);
            bar.finish();
            let diags = report.diagnostics;
            let errors = diags.iter().filter(|d| d.is_error()).count();
            let warnings = diags.len() - errors;
            match format {
                CheckFormat::Json => {
                    let out = serde_json::json!({"errors": errors, "warnings": warnings, "problems": diags});
                    println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
                }
                CheckFormat::Text => {
                    for d in &diags {
                        if !cli.quiet || d.is_error() {
                            eprintln!("{d}");
                        }
                    }
                    if !cli.quiet {
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
        Command::Serve {
            site,
            port,
            bind,
            no_drafts,
        } => {
            if let Err(code) = site_folder(&site) {
                return code;
            }
            let (tx, rx) = std::sync::mpsc::channel();
            if let Err(e) = ctrlc::set_handler(move || {
                let _ = tx.send(());
            }) {
                eprintln!("{}", dvk::msg!("cli.no_ctrl_c", error = e));
            }
            let opts = dvk::serve::ServeOptions {
                root: site,
                port,
                bind,
                drafts: !no_drafts,
                verbose: cli.verbose,
            };
            let quiet = cli.quiet;
            let report = move |e: dvk::serve::Event| {
                use dvk::serve::Event;
                match e {
                    Event::Errors(_) | Event::NotLoopback(_) => eprintln!("{e}"),
                    Event::Warnings(_)
                    | Event::Rebuilt { .. }
                    | Event::Fixed
                    | Event::Request { .. }
                        if quiet => {}
                    Event::Warnings(_) => eprint!("{e}"),
                    Event::Listening { .. }
                    | Event::Rebuilt { .. }
                    | Event::Fixed
                    | Event::Stopped
                    | Event::PortTaken { .. } => println!("{e}"),
                    Event::Request { .. } => eprintln!("{e}"),
                }
            };
            match dvk::serve::serve(&opts, &report, rx) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{}", dvk::msg!("cli.error", message = e));
                    ExitCode::from(2)
                }
            }
        }
        Command::New { what } => {
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
            report_new(result, cli.quiet)
        }
        Command::Init {
            dir,
            title,
            province,
        } => {
            let opts = dvk::init::InitOptions {
                dir,
                title,
                province,
            };
            match dvk::init::init(&opts) {
                Ok(files) => {
                    if !cli.quiet {
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
        Command::Theme {
            what: ThemeWhat::Export { dir, site },
        } => {
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
                    if !cli.quiet {
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
        Command::Import {
            files,
            year,
            province,
            district,
            commune,
            field,
            host,
            level,
            dry_run,
            site,
        } => {
            let opts = dvk::import::Options {
                root: site,
                files,
                year,
                province,
                district,
                commune,
                field,
                host,
                level,
                dry_run,
            };
            dvk::import::cli::run(&opts, cli.quiet)
        }
        Command::Stats { site, format, year } => {
            if let Err(code) = site_folder(&site) {
                return code;
            }
            let (loaded, diags) = dvk::load_site(&site, false, None);
            let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
            let theme =
                dvk::render::Theme::load(&site, &loaded.config.theme, &loaded.config.language);
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
    }
}
