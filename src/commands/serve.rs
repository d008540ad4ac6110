//! `dvk serve`: the preview server until Ctrl-C, printing its events.

use super::site_folder;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Serves the site at `site` until Ctrl-C.
pub(crate) fn run(
    site: PathBuf,
    port: u16,
    bind: IpAddr,
    no_drafts: bool,
    quiet: bool,
    verbose: bool,
) -> ExitCode {
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
        verbose,
    };
    let report = move |e: dvk::serve::Event| {
        use dvk::serve::Event;
        match e {
            Event::Errors(_) | Event::NotLoopback(_) => eprintln!("{e}"),
            Event::Warnings(_) | Event::Rebuilt { .. } | Event::Fixed | Event::Request { .. }
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
