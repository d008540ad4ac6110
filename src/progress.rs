//! Progress of long work (build, check), for a progress bar on a terminal. The library only
//! calls a [`Progress`]; the binary decides whether and how to show it.

use crate::render::{pager, Sink};
use crate::site::Site;
use std::io;
use std::path::Path;

/// Told how far long work got. Every method does nothing by default.
pub trait Progress: Sync {
    /// A new phase starts (`Đang đọc nội dung`, `Đang xuất bản`, in the language in use).
    fn phase(&self, _name: &str) {}
    /// Rendering starts: about this many pages.
    fn pages(&self, _total: usize) {}
    /// One more page rendered.
    fn page_done(&self) {}
}

/// Progress nobody watches.
pub struct Silent;

impl Progress for Silent {}

/// The number of pages rendering a site makes (models, listings and their pages, reports,
/// articles, plain pages, and the fixed pages).
pub fn page_count(site: &Site) -> usize {
    let listings: usize = site
        .by_year
        .values()
        .map(Vec::len)
        .chain(site.provinces.iter().map(|p| p.models.len()))
        .chain(site.districts.iter().map(|d| d.models.len()))
        .chain(site.by_field.iter().map(Vec::len))
        .chain([site.exemplary.len()])
        .map(pager::page_count)
        .sum();
    5 + site.models.len()
        + listings
        + site.by_year.len()
        + pager::page_count(site.articles.len())
        + site.articles.len()
        + site.pages.len()
}

/// A sink that counts the HTML pages written through it.
pub struct Counting<'a> {
    /// Where files really go.
    pub inner: &'a dyn Sink,
    /// Told about each page.
    pub progress: &'a dyn Progress,
}

impl Sink for Counting<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let r = self.inner.write(rel, bytes);
        if rel.ends_with(".html") {
            self.progress.page_done();
        }
        r
    }
    fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        self.inner.copy(rel, source)
    }
    fn is_output(&self) -> bool {
        self.inner.is_output()
    }
    fn keep(&self, rel: &str, hash: u64) -> bool {
        let kept = self.inner.keep(rel, hash);
        if kept && rel.ends_with(".html") {
            self.progress.page_done();
        }
        kept
    }
    fn write_stream(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.inner.write_stream(rel, fill)
    }
    fn earlier(&self, rel: &str, hash: u64) -> Option<std::fs::File> {
        self.inner.earlier(rel, hash)
    }
}

/// A progress bar on standard error, drawn only when it is a terminal (indicatif hides it
/// otherwise), for the binary to hand to the library.
pub struct Bar {
    bar: indicatif::ProgressBar,
}

impl Bar {
    /// A bar that shows only on a terminal, and not at all when `hidden`.
    pub fn new(hidden: bool) -> Bar {
        use std::io::IsTerminal;
        let bar = if hidden || !std::io::stderr().is_terminal() {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr())
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        Bar { bar }
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn phase(&self, name: &str) {
        self.bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        self.bar.set_message(format!("{name}…"));
    }
    fn pages(&self, total: usize) {
        self.bar.set_length(total as u64);
        self.bar.set_position(0);
        self.bar.set_style(
            indicatif::ProgressStyle::with_template(&crate::msg!("progress.bar"))
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        self.bar.set_message(crate::msg!("progress.rendering"));
    }
    fn page_done(&self) {
        self.bar.inc(1);
    }
}

/// One timed phase of a build, for `--verbose`.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    /// What the phase did.
    pub name: &'static str,
    /// How long it took.
    pub took: std::time::Duration,
    /// The process's peak resident memory when the phase ended, in KiB (Linux only).
    pub peak_rss_kib: Option<u64>,
    /// The CPU time (user and system, every thread) the process had used when the phase
    /// ended: the difference between two phases tells how well a phase used the cores.
    pub cpu_total: Option<std::time::Duration>,
}

impl Phase {
    /// The phase `name` that started at `started` and ends now.
    pub fn since(name: &'static str, started: std::time::Instant) -> Phase {
        Phase {
            name,
            took: started.elapsed(),
            peak_rss_kib: peak_rss_kib(),
            cpu_total: cpu_total(),
        }
    }
}

/// The CPU time this process has used so far (user and system, every thread).
#[cfg(unix)]
pub fn cpu_total() -> Option<std::time::Duration> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; on failure it is not read.
    let usage = unsafe {
        if libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) != 0 {
            return None;
        }
        usage.assume_init()
    };
    let time = |t: libc::timeval| {
        std::time::Duration::from_secs(t.tv_sec.max(0) as u64)
            + std::time::Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    Some(time(usage.ru_utime) + time(usage.ru_stime))
}

/// The CPU time this process has used so far: not measured where `getrusage` does not exist
/// (the timings of `--verbose` then show wall-clock time only).
#[cfg(not(unix))]
pub fn cpu_total() -> Option<std::time::Duration> {
    None
}

/// The peak resident memory of this process so far (`VmHWM`), where the system tells it.
pub fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
