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
extern "C" fn tune_allocator() {
    // Option number of `mi_option_arena_eager_commit` in mimalloc v3's `mi_option_e`
    // (the -sys crate does not name it).
    const ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
    // SAFETY: a plain option setter, called once before any thread exists.
    unsafe { libmimalloc_sys::mi_option_set(ARENA_EAGER_COMMIT, 0) }
}

#[used]
#[link_section = ".init_array.00101"]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

use clap::{Parser, Subcommand, ValueEnum};
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
        #[arg(long)]
        base_url: Option<String>,
        /// Include drafts.
        #[arg(long)]
        drafts: bool,
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
    },
    /// Preview the site: build it in memory, serve it on this computer and reload the
    /// browser when a file changes. Never writes public/.
    Serve {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// Port (the next free one is used when it is taken; 0 lets the system choose).
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on. Anything but 127.0.0.1 / ::1 lets other computers see the preview.
        #[arg(long, default_value = "127.0.0.1")]
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
    /// The counts the movement reports: by year, province and district, field, level, results.
    Stats {
        /// The site folder.
        #[arg(default_value = ".")]
        site: PathBuf,
        /// `table` (for people), `csv` (long form, for spreadsheets) or `json`.
        #[arg(long, value_enum, default_value_t = StatsFormat::Table)]
        format: StatsFormat,
        /// Count only the models recognised this year.
        #[arg(long)]
        year: Option<i32>,
    },
}

#[derive(Subcommand)]
enum NewWhat {
    /// A model write-up, under content/models/<year>/<district or province>/.
    Model {
        /// Title of the model, in quotes.
        title: String,
        /// Year of recognition (default: this year).
        #[arg(long)]
        year: Option<i32>,
        /// Province (default: the district's, or the site's most used).
        #[arg(long)]
        province: Option<String>,
        /// District (before 1 July 2025).
        #[arg(long)]
        district: Option<String>,
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

/// Exit 2 with a message when SITE is not a folder.
fn site_folder(site: &Path) -> Result<(), ExitCode> {
    if site.is_dir() {
        Ok(())
    } else {
        eprintln!("error: {} is not a folder: give the site folder (the one holding content/ and themes/).", site.display());
        Err(ExitCode::from(2))
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
            "… and {} more warning(s); `dvk check` or --verbose lists them all.",
            warnings.len() - shown
        );
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(code) = &cli.lang {
        match dvk::msg::Lang::from_code(code) {
            Some(l) => dvk::msg::set_lang(l),
            None => {
                eprintln!("error: --lang {code}: use vi or en");
                return ExitCode::from(2);
            }
        }
    }
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            drafts,
            precompress,
        } => {
            let opts = dvk::BuildOptions {
                root: site,
                out: output,
                base_url,
                drafts,
                precompress,
            };
            let bar = dvk::progress::Bar::new(cli.quiet);
            let result = dvk::build_with_progress(&opts, &bar);
            bar.finish();
            match result {
                Ok(report) => {
                    if !cli.quiet {
                        print_warnings(&report.warnings, cli.verbose);
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
                        if report.unchanged {
                            println!(
                                "Nothing changed since the last build: {} is up to date ({} models, {} pages; checked in {:.2} s).",
                                report.out.display(),
                                report.models,
                                report.pages,
                                report.elapsed.as_secs_f64()
                            );
                        } else {
                            println!(
                                "Built {} models, {} pages, {} files into {} in {:.2} s.",
                                report.models,
                                report.pages,
                                report.files,
                                report.out.display(),
                                report.elapsed.as_secs_f64()
                            );
                        }
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
                Err(dvk::BuildError::Write(diags)) => {
                    for d in &diags {
                        eprintln!("{d}");
                    }
                    eprintln!("error: output files could not be written: nothing was published; the previous site is unchanged.");
                    ExitCode::from(2)
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Check { site, format } => {
            if let Err(code) = site_folder(&site) {
                return code;
            }
            let bar = dvk::progress::Bar::new(cli.quiet || matches!(format, CheckFormat::Json));
            let diags = dvk::check_with_progress(&site, &bar);
            bar.finish();
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
                        println!("{errors} error(s), {warnings} warning(s).");
                    }
                }
            }
            if errors > 0 {
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
                eprintln!("warning: cannot catch Ctrl-C ({e})");
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
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::New {
            what:
                NewWhat::Model {
                    title,
                    year,
                    province,
                    district,
                    field,
                    host,
                    site,
                },
        } => {
            let opts = dvk::scaffold::NewModel {
                root: site,
                title,
                year,
                province,
                district,
                field,
                host,
            };
            match dvk::scaffold::new_model(&opts) {
                Ok(created) => {
                    println!("{}", created.path.display());
                    if !cli.quiet {
                        for n in &created.notes {
                            eprintln!("note: {n}");
                        }
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                }
            }
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
                eprintln!("{} error(s): the counts leave out the documents with errors. Fix them (`dvk check`) before reporting.", errors.len());
                return ExitCode::from(1);
            }
            ExitCode::SUCCESS
        }
    }
}
