//! The `dvk` command line: chooses the language, parses the arguments ([`commands::args`])
//! and runs the command ([`commands`]), which calls the library and prints.

/// mimalloc: rendering allocates many small strings; the system allocator spent ~18 % of a build.
#[global_allocator]
static GLOBAL: dvk::alloc::Mimalloc = dvk::alloc::Mimalloc;

/// mimalloc commits each new arena eagerly, which at 10,000 models keeps ~35 MiB more
/// resident (334 vs 300 MiB peak) for no measurable speed. The option must be set before
/// mimalloc makes its first arena, so this runs as an early constructor, before `main` and
/// before mimalloc's own initialisation. (Purging freed memory at once was tried too: it
/// cost 0.7-1.4 s of kernel time per 10k build in page faults and TLB flushes; after 100 ms
/// instead of v3's 1 s, ~40 MiB less at the peak of a 200k build (single runs of one
/// binary) but ~5 % more time per edit at 30k, in kernel time: not taken.)
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

mod commands;

use clap::{CommandFactory, FromArgMatches};
use commands::args::{Cli, Command};
use std::process::ExitCode;

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
    let (quiet, verbose) = (cli.quiet, cli.verbose);
    match cli.command {
        Command::Build {
            site,
            output,
            base_url,
            drafts,
            strict,
            precompress,
        } => commands::build::run(
            dvk::BuildOptions {
                root: site,
                out: output,
                base_url,
                drafts,
                strict,
                precompress,
            },
            quiet,
            verbose,
        ),
        Command::Check {
            site,
            format,
            strict,
        } => commands::check::run(site, format, strict, quiet),
        Command::Serve {
            site,
            port,
            bind,
            no_drafts,
        } => commands::serve::run(site, port, bind, no_drafts, quiet, verbose),
        Command::New { what } => commands::create::new(what, quiet),
        Command::Init {
            dir,
            title,
            province,
        } => commands::create::init(dir, title, province, quiet),
        Command::Theme { what } => commands::create::theme(what, quiet),
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
        } => dvk::import::cli::run(
            &dvk::import::Options {
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
            },
            quiet,
        ),
        Command::Stats { site, format, year } => commands::stats::run(site, format, year),
    }
}
