//! `dvk serve`: builds the site in memory, serves it over HTTP on loopback, watches
//! `content/` and `themes/`, rebuilds what a change touches and reloads the open browser tabs.
//!
//! - **Nothing is written to `public/`**: pages live in memory. After the content is loaded
//!   and assembled (about a second for 10,000 models), a page is rendered when a browser first
//!   asks for it and kept until a change touches it ([`workspace`] decides which pages a
//!   change touches; a plain text edit touches only the model's own page).
//! - **Live reload**: HTML responses get one `<script src="/__dvk/reload.js">` (a file of its
//!   own, so a `script-src 'self'` policy still holds). The script long-polls `/__dvk/poll`
//!   and reloads the tab when its page changed.
//! - **Errors**: when a change breaks the content, the last good site keeps being served and
//!   the script shows an overlay with every problem as `path:line:col: error: message`, the
//!   lines the terminal prints; fixing the file clears it.
//! - **Safety**: requests are answered only from the in-memory site, the theme's static
//!   files and the files pages use, looked up by name; `..` and encoded variants are refused.
//!   A fixed pool of worker threads makes the answers, so many requests at once only queue;
//!   each connection has a thread of its own that reads and writes with time limits
//!   ([`conn`]), so a slow, idle or non-reading client never holds a worker.
//!
//! The library never prints: progress and problems go to the caller as [`Event`]s.

mod conn;
mod http;
mod search;
mod watch;
pub(crate) mod workspace;

use crate::diag::Diagnostic;
use crate::routes;
use std::collections::{BTreeSet, HashMap, VecDeque};
use std::fmt;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};
use workspace::{Changed, Outcome, Snapshot, Workspace};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site folder.
    pub root: PathBuf,
    /// Port to listen on (the next free one is used when it is taken; 0 lets the system pick).
    pub port: u16,
    /// Address to listen on (loopback by default).
    pub bind: IpAddr,
    /// Include drafts.
    pub drafts: bool,
    /// Report every request.
    pub verbose: bool,
}

/// What the server tells its user.
#[derive(Debug, Clone)]
pub enum Event {
    /// The port asked for was taken; another one is used.
    PortTaken {
        /// The port asked for.
        wanted: u16,
        /// The port used.
        used: u16,
    },
    /// The server listens on an address other machines can reach.
    NotLoopback(IpAddr),
    /// The site is loaded and served at this URL.
    Listening {
        /// `http://127.0.0.1:1111/`
        url: String,
        /// Models loaded.
        models: usize,
        /// Time from start to ready.
        elapsed: Duration,
    },
    /// Content or theme changed and the served site was updated.
    Rebuilt {
        /// The changed files (relative to the site folder), at most a few.
        files: Vec<PathBuf>,
        /// Models patched in place (0 when the site was re-assembled).
        patched: usize,
        /// True when the whole site was re-assembled.
        reassembled: bool,
        /// Time from the change being noticed to the new site being served.
        elapsed: Duration,
    },
    /// The content has problems; the last good site is still served. All current errors.
    Errors(Vec<Diagnostic>),
    /// The errors are fixed.
    Fixed,
    /// Warnings about the content (the site is built anyway).
    Warnings(Vec<Diagnostic>),
    /// A request was answered (only reported with `verbose`).
    Request {
        /// Method and path.
        line: String,
        /// HTTP status.
        status: u16,
        /// Time to answer.
        elapsed: Duration,
    },
    /// The server stopped.
    Stopped,
}

impl fmt::Display for Event {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Event::PortTaken { wanted, used } => {
                write!(
                    f,
                    "{}",
                    crate::msg!("preview.port_taken", wanted = wanted, used = used)
                )
            }
            Event::NotLoopback(ip) => write!(f, "{}", crate::msg!("preview.not_loopback", ip = ip)),
            Event::Listening {
                url,
                models,
                elapsed,
            } => write!(
                f,
                "{}",
                crate::msg!(
                    "preview.listening",
                    models = models,
                    url = url,
                    secs = format!("{:.2}", elapsed.as_secs_f64())
                )
            ),
            Event::Rebuilt {
                files,
                patched,
                reassembled,
                elapsed,
            } => {
                let mut what = files
                    .iter()
                    .take(3)
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ");
                if files.len() > 3 {
                    what.push_str(&crate::msg!("preview.and_more", n = files.len() - 3));
                }
                let how = if *reassembled {
                    crate::msg!("preview.reassembled")
                } else {
                    crate::msg!("preview.patched", n = patched)
                };
                let ms = format!("{:.0}", elapsed.as_secs_f64() * 1000.0);
                write!(
                    f,
                    "{}",
                    crate::msg!("preview.rebuilt", files = what, how = how, ms = ms)
                )
            }
            Event::Errors(d) => {
                for e in d {
                    writeln!(f, "{e}")?;
                }
                write!(f, "{}", crate::msg!("preview.errors", n = d.len()))
            }
            Event::Fixed => write!(f, "{}", crate::msg!("preview.fixed")),
            Event::Warnings(d) => {
                let shown = d.len().min(10);
                for w in &d[..shown] {
                    writeln!(f, "{w}")?;
                }
                if shown < d.len() {
                    writeln!(
                        f,
                        "{}",
                        crate::msg!("preview.more_warnings", n = d.len() - shown)
                    )?;
                }
                Ok(())
            }
            Event::Request {
                line,
                status,
                elapsed,
            } => write!(
                f,
                "{status} {line} ({:.1} ms)",
                elapsed.as_secs_f64() * 1000.0
            ),
            Event::Stopped => write!(f, "{}", crate::msg!("preview.stopped")),
        }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServeError {
    /// No port could be opened.
    Bind(String),
    /// The site folder cannot be used.
    Site(String),
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Bind(m) | ServeError::Site(m) => write!(f, "{m}"),
        }
    }
}

impl std::error::Error for ServeError {}

/// A file the server can answer with.
#[derive(Clone)]
pub(crate) enum Entry {
    /// Bytes in memory.
    Bytes(Arc<Vec<u8>>),
    /// A file on disk (a photo a page uses), read when asked for.
    File(PathBuf),
}

/// Rendered files, valid for one generation of the served site.
pub(crate) struct Cache {
    pub(crate) generation: u64,
    pub(crate) entries: HashMap<String, Entry>,
}

/// What browsers are told: a version that grows at every change, the changes, the errors.
pub(crate) struct Status {
    pub(crate) version: u64,
    pub(crate) log: VecDeque<(u64, Changed)>,
    pub(crate) errors: Vec<String>,
}

/// The search index, built when the search page asks for it.
#[derive(Default)]
pub(crate) struct Search {
    /// Generation of the served site the documents belong to.
    pub(crate) generation: u64,
    /// True when `models` and `extra` hold every document of that generation.
    pub(crate) ready: bool,
    pub(crate) models: Vec<dvk_search::SearchDoc>,
    pub(crate) extra: Vec<dvk_search::SearchDoc>,
    /// Index files, with the generation they were built for.
    pub(crate) files: HashMap<String, Arc<Vec<u8>>>,
    pub(crate) files_generation: Option<u64>,
    /// Shards of the previous index, for pages that loaded it before a change.
    pub(crate) prev_shards: HashMap<String, Arc<Vec<u8>>>,
}

/// State shared by the request threads and the rebuild thread.
pub(crate) struct Shared {
    pub(crate) root: PathBuf,
    pub(crate) snapshot: Mutex<Option<(u64, Arc<Snapshot>)>>,
    pub(crate) snapshot_ready: Condvar,
    pub(crate) cache: Mutex<Cache>,
    pub(crate) status: Mutex<Status>,
    /// Notified when `status` changes (long polls wait on it).
    pub(crate) status_changed: Condvar,
    pub(crate) search: Mutex<Search>,
    pub(crate) search_ready: Condvar,
    pub(crate) static_files: Mutex<HashMap<String, Entry>>,
    pub(crate) strings: Mutex<HashMap<&'static str, String>>,
    pub(crate) verbose: bool,
    pub(crate) to_rebuilder: Mutex<Sender<Msg>>,
    /// The newest generation a background check should work for (older ones stop early).
    pub(crate) check_generation: AtomicU64,
    pub(crate) stopping: AtomicBool,
    /// The Host names answered (others: 421), see [`http::Hosts`].
    pub(crate) hosts: http::Hosts,
    /// The open connections (shut down when the server stops).
    pub(crate) connections: conn::Connections,
    /// Requests waiting for a worker.
    pub(crate) queue: conn::Queue,
}

impl Shared {
    /// The served snapshot (waits while a rebuild swaps it).
    pub(crate) fn current(&self) -> (u64, Arc<Snapshot>) {
        let mut guard = self.snapshot.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some((g, s)) = guard.as_ref() {
                return (*g, s.clone());
            }
            guard = self
                .snapshot_ready
                .wait(guard)
                .unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Messages to the rebuild thread.
pub(crate) enum Msg {
    /// Paths changed on disk (absolute); `rescan` when the watcher lost track.
    Fs { paths: Vec<PathBuf>, rescan: bool },
    /// A background check of every body finished.
    Checked {
        generation: u64,
        models: Vec<dvk_search::SearchDoc>,
        extra: Vec<dvk_search::SearchDoc>,
        diags: Vec<Diagnostic>,
    },
    /// Rendering a page found problems (or none any more).
    RenderDiags {
        page: String,
        diags: Vec<Diagnostic>,
    },
    /// Stop.
    Stop,
}

/// Strings of the overlay (the preview's error box), from the catalogue.
const STRING_KEYS: &[(&str, &str)] = &[
    ("title", "preview.overlay_title"),
    ("hint", "preview.overlay_hint"),
    ("count", "preview.overlay_count"),
    ("close", "preview.overlay_close"),
    ("page_error", "preview.page_error"),
    ("lang", "preview.lang"),
];

/// Time a burst of file events must be quiet before the rebuild starts (editors save with
/// several events: truncate and write, or write a temporary file and rename it).
const DEBOUNCE: Duration = Duration::from_millis(12);
/// The longest a rebuild waits for events to settle.
const DEBOUNCE_MAX: Duration = Duration::from_millis(150);
/// The longest a rebuild waits for requests to let go of the served site (see [`take_snapshot`]).
const TAKE_WAIT: Duration = Duration::from_millis(1000);
/// How long a long-poll request is held before it is answered "nothing new".
const POLL_HOLD: Duration = Duration::from_secs(25);

/// Runs the server until `stop` receives a message (or its sender is dropped).
pub fn serve(
    opts: &ServeOptions,
    report: &(dyn Fn(Event) + Sync),
    stop: Receiver<()>,
) -> Result<(), ServeError> {
    let started = Instant::now();
    if !opts.root.join("content").is_dir() {
        return Err(ServeError::Site(crate::msg!(
            "preview.no_content",
            site = opts.root.display()
        )));
    }
    let root = opts.root.canonicalize().map_err(|e| {
        ServeError::Site(crate::msg!(
            "preview.cannot_open",
            site = opts.root.display(),
            error = e
        ))
    })?;
    let (listener, port) = bind(opts, report)?;
    if !opts.bind.is_loopback() {
        report(Event::NotLoopback(opts.bind));
    }
    let host = if opts.bind.is_unspecified() || opts.bind.is_loopback() {
        "127.0.0.1".to_string()
    } else if opts.bind.is_ipv6() {
        format!("[{}]", opts.bind)
    } else {
        opts.bind.to_string()
    };
    let url = format!("http://{host}:{port}/");

    let mut ws = Workspace::open(&root, opts.drafts, url.clone());
    let (snap, outcome) = ws.rebuild(None);
    let Some(snap) = snap else {
        let errors = ws.errors();
        return Err(ServeError::Site(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    };
    let models = snap.site().models.len();
    let (tx, rx) = mpsc::channel::<Msg>();
    let shared = Arc::new(Shared {
        root: root.clone(),
        snapshot: Mutex::new(None),
        snapshot_ready: Condvar::new(),
        cache: Mutex::new(Cache {
            generation: 1,
            entries: HashMap::new(),
        }),
        status: Mutex::new(Status {
            version: 1,
            log: VecDeque::new(),
            errors: Vec::new(),
        }),
        status_changed: Condvar::new(),
        search: Mutex::new(Search::default()),
        search_ready: Condvar::new(),
        static_files: Mutex::new(HashMap::new()),
        strings: Mutex::new(HashMap::new()),
        verbose: opts.verbose,
        to_rebuilder: Mutex::new(tx.clone()),
        check_generation: AtomicU64::new(1),
        stopping: AtomicBool::new(false),
        hosts: http::Hosts::new(opts.bind, port),
        connections: conn::Connections::default(),
        queue: conn::Queue::default(),
    });
    refresh_theme_state(&shared, &snap);
    let snap = Arc::new(snap);
    *shared.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = Some((1, snap.clone()));
    let errors = ws.errors();
    set_errors(&shared, &errors);

    let local = listener.local_addr().ok();
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .clamp(2, 8)
        * 2;
    // Watch before serving: an edit made as soon as the first page is served is seen.
    let watcher = watch::start(&shared.root, tx.clone());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let shared = shared.clone();
            scope.spawn(move || conn::work(&shared, report));
        }
        {
            let shared = shared.clone();
            scope.spawn(move || conn::accept(scope, listener, shared));
        }
        run(
            &shared,
            &mut ws,
            watcher,
            (tx, rx),
            stop,
            report,
            RunStart {
                url,
                models,
                started,
                outcome,
                errors,
                snap,
            },
        );
        shared.stopping.store(true, Ordering::SeqCst);
        // Long polls answer 503, blocked reads and writes return, the acceptor wakes up.
        drop(shared.status.lock().unwrap_or_else(|e| e.into_inner()));
        shared.status_changed.notify_all();
        shared.queue.wake_all();
        shared.connections.shut_all();
        if let Some(local) = local {
            conn::wake(local);
        }
    });
    report(Event::Stopped);
    Ok(())
}

/// What `serve` knows when the workers start.
struct RunStart {
    url: String,
    models: usize,
    started: Instant,
    outcome: Outcome,
    errors: Vec<Diagnostic>,
    snap: Arc<Snapshot>,
}

/// Reports readiness (and a watcher that could not start) and runs the rebuild loop until
/// asked to stop.
fn run(
    shared: &Arc<Shared>,
    ws: &mut Workspace,
    watcher: notify::Result<notify::RecommendedWatcher>,
    (tx, rx): (Sender<Msg>, Receiver<Msg>),
    stop: Receiver<()>,
    report: &(dyn Fn(Event) + Sync),
    start: RunStart,
) {
    let RunStart {
        url,
        models,
        started,
        outcome,
        errors,
        snap,
    } = start;
    report(Event::Listening {
        url,
        models,
        elapsed: started.elapsed(),
    });
    if let Outcome::Published { .. } = outcome {
        let warnings: Vec<Diagnostic> = ws
            .diagnostics()
            .into_iter()
            .filter(|d| !d.is_error())
            .collect();
        if !warnings.is_empty() {
            report(Event::Warnings(warnings));
        }
    }
    if !errors.is_empty() {
        report(Event::Errors(errors));
    }
    start_check(shared, 1, snap);
    if let Err(e) = &watcher {
        report(Event::Errors(vec![Diagnostic::error(
            Path::new("content"),
            0,
            0,
            crate::msg!("preview.cannot_watch", error = e),
        )]));
    }
    std::thread::spawn(move || {
        let _ = stop.recv();
        let _ = tx.send(Msg::Stop);
    });
    rebuild_loop(shared, ws, rx, report);
    drop(watcher);
}

/// Opens the listening socket: the port asked for, else the next free one.
fn bind(
    opts: &ServeOptions,
    report: &(dyn Fn(Event) + Sync),
) -> Result<(TcpListener, u16), ServeError> {
    let mut last = None;
    let tries: Vec<u16> = if opts.port == 0 {
        vec![0]
    } else {
        (0..20).filter_map(|i| opts.port.checked_add(i)).collect()
    };
    for p in tries {
        match TcpListener::bind(SocketAddr::new(opts.bind, p)) {
            Ok(l) => {
                // A long queue of connections not yet accepted, so that a burst (a browser
                // opening many files, a test's thousand requests) waits instead of being reset.
                #[cfg(unix)]
                {
                    use std::os::fd::AsRawFd;
                    // SAFETY: `listen` on the descriptor of a socket this function owns.
                    unsafe {
                        libc::listen(l.as_raw_fd(), 4096);
                    }
                }
                let port = l.local_addr().map(|a| a.port()).unwrap_or(p);
                if opts.port != 0 && port != opts.port {
                    report(Event::PortTaken {
                        wanted: opts.port,
                        used: port,
                    });
                }
                return Ok((l, port));
            }
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last = Some(e),
            Err(e) => {
                return Err(ServeError::Bind(crate::msg!(
                    "preview.cannot_listen",
                    address = opts.bind,
                    port = p,
                    error = e
                )))
            }
        }
    }
    Err(ServeError::Bind(crate::msg!(
        "preview.ports_taken",
        first = opts.port,
        last = opts.port.saturating_add(19),
        address = opts.bind,
        error = last.map(|e| e.to_string()).unwrap_or_default()
    )))
}

/// Reads the theme's static files and the overlay strings.
fn refresh_theme_state(shared: &Shared, snap: &Snapshot) {
    // Built-in files are served from memory, the site's own from disk.
    let files = snap
        .theme()
        .static_files
        .iter()
        .map(|(rel, f)| {
            let e = match f {
                crate::render::theme::ThemeFile::Builtin(b) => Entry::Bytes(Arc::new(b.to_vec())),
                crate::render::theme::ThemeFile::Site(p) => Entry::File(p.clone()),
            };
            (rel.clone(), e)
        })
        .collect();
    *shared
        .static_files
        .lock()
        .unwrap_or_else(|e| e.into_inner()) = files;
    // The frame of the error box is the tool's, in the language of its messages (the
    // lines inside it are diagnostics), not the site's.
    let strings = STRING_KEYS
        .iter()
        .map(|(k, id)| (*k, crate::msg::text(id, &[])))
        .collect();
    *shared.strings.lock().unwrap_or_else(|e| e.into_inner()) = strings;
}

/// Sets the errors browsers see; true when they changed.
fn set_errors(shared: &Shared, errors: &[Diagnostic]) -> bool {
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    let mut st = shared.status.lock().unwrap_or_else(|e| e.into_inner());
    if st.errors == lines {
        return false;
    }
    st.errors = lines;
    st.version += 1;
    let v = st.version;
    st.log.push_back((v, Changed::Pages(BTreeSet::new())));
    true
}

/// Records a change of the served site for browsers.
fn log_change(shared: &Shared, changed: Changed) {
    let mut st = shared.status.lock().unwrap_or_else(|e| e.into_inner());
    st.version += 1;
    let v = st.version;
    st.log.push_back((v, changed));
    while st.log.len() > 512 {
        st.log.pop_front();
    }
}

/// Starts a background check of every body: search documents and broken links.
fn start_check(shared: &Arc<Shared>, generation: u64, snap: Arc<Snapshot>) {
    shared.check_generation.store(generation, Ordering::SeqCst);
    let shared = shared.clone();
    std::thread::spawn(move || {
        use rayon::prelude::*;
        let snap = if generation == 1 {
            // Let the first pages a browser asks for have the processor first, without
            // holding the site: an edit made meanwhile is rebuilt at once.
            let weak = Arc::downgrade(&snap);
            drop(snap);
            std::thread::sleep(Duration::from_millis(1500));
            match weak.upgrade() {
                Some(s) => s,
                None => return,
            }
        } else {
            snap
        };
        let prep = snap.prepared();
        let n = snap.site().models.len();
        let cancelled = || {
            shared.check_generation.load(Ordering::SeqCst) != generation
                || shared.stopping.load(Ordering::Relaxed)
        };
        let results: Vec<Option<(dvk_search::SearchDoc, Vec<Diagnostic>)>> = (0..n)
            .into_par_iter()
            .map(|i| {
                if cancelled() {
                    None
                } else {
                    Some(prep.model_search_doc(i))
                }
            })
            .collect();
        if cancelled() {
            return;
        }
        let (extra, mut diags) = prep.extra_search_docs();
        drop(snap);
        let mut models = Vec::with_capacity(n);
        for (doc, d) in results.into_iter().flatten() {
            models.push(doc);
            diags.extend(d);
        }
        let tx = shared
            .to_rebuilder
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let _ = tx.send(Msg::Checked {
            generation,
            models,
            extra,
            diags,
        });
    });
}

/// Takes the served snapshot out of the server, waiting a little for the requests that use
/// it to finish: its generation, and the snapshot itself unless a request still holds it
/// after [`TAKE_WAIT`] (a first view processing many photos, say). Without it the rebuild
/// assembles the site afresh rather than keep the editor waiting; the request finishes with
/// the old one.
fn take_snapshot(shared: &Shared) -> (u64, Option<Snapshot>) {
    let Some((generation, mut arc)) = shared
        .snapshot
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
    else {
        return (0, None);
    };
    shared
        .check_generation
        .fetch_add(1_000_000, Ordering::SeqCst);
    let deadline = Instant::now() + TAKE_WAIT;
    loop {
        match Arc::try_unwrap(arc) {
            Ok(s) => return (generation, Some(s)),
            Err(a) if Instant::now() < deadline => {
                arc = a;
                std::thread::sleep(Duration::from_micros(200));
            }
            Err(_) => return (generation, None),
        }
    }
}

/// The rebuild thread: waits for changes, lets them settle, rebuilds and tells browsers.
fn rebuild_loop(
    shared: &Arc<Shared>,
    ws: &mut Workspace,
    rx: Receiver<Msg>,
    report: &(dyn Fn(Event) + Sync),
) {
    let mut was_broken = !shared
        .status
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .errors
        .is_empty();
    loop {
        let msg = match rx.recv_timeout(Duration::from_millis(500)) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => continue,
            Err(RecvTimeoutError::Disconnected) => return,
        };
        let mut paths: BTreeSet<PathBuf> = BTreeSet::new();
        let mut rescan = false;
        let mut noticed = Instant::now();
        match msg {
            Msg::Stop => return,
            Msg::Checked {
                generation,
                models,
                extra,
                diags,
            } => {
                let current = shared
                    .snapshot
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .as_ref()
                    .map(|(g, _)| *g);
                if current == Some(generation) {
                    ws.set_link_diags(diags);
                    let mut s = shared.search.lock().unwrap_or_else(|e| e.into_inner());
                    s.generation = generation;
                    s.ready = true;
                    s.models = models;
                    s.extra = extra;
                    s.files_generation = None;
                    drop(s);
                    shared.search_ready.notify_all();
                    was_broken = publish_errors(shared, ws, was_broken, report);
                    http::wake_waiters(shared);
                }
                continue;
            }
            Msg::RenderDiags { page, diags } => {
                if ws.set_render_diags(&page, diags) {
                    was_broken = publish_errors(shared, ws, was_broken, report);
                    http::wake_waiters(shared);
                }
                continue;
            }
            Msg::Fs {
                paths: p,
                rescan: r,
            } => {
                paths.extend(p);
                rescan |= r;
            }
        }
        // Let the burst settle.
        let mut quiet_until = Instant::now() + DEBOUNCE;
        let cap = noticed + DEBOUNCE_MAX;
        loop {
            let now = Instant::now();
            let wait = quiet_until.min(cap).saturating_duration_since(now);
            if wait.is_zero() {
                break;
            }
            match rx.recv_timeout(wait) {
                Ok(Msg::Fs {
                    paths: p,
                    rescan: r,
                }) => {
                    paths.extend(p);
                    rescan |= r;
                    quiet_until = Instant::now() + DEBOUNCE;
                }
                Ok(Msg::Stop) => return,
                Ok(Msg::Checked { .. }) | Ok(Msg::RenderDiags { .. }) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
        let mut files: Vec<PathBuf> = Vec::new();
        let mut content_paths = BTreeSet::new();
        let mut theme_changed = false;
        let mut config_changed = false;
        for p in &paths {
            let Ok(rel) = p.strip_prefix(&shared.root) else {
                continue;
            };
            if rel.starts_with("themes") {
                theme_changed = true;
            } else if rel == Path::new("content/site.yaml") {
                config_changed = true;
            } else if rel.starts_with("content") {
                if workspace::hidden(rel) {
                    continue;
                }
                content_paths.insert(rel.to_path_buf());
            } else {
                continue;
            }
            if !workspace::hidden(rel) {
                files.push(rel.to_path_buf());
            }
        }
        if !rescan && !theme_changed && !config_changed && content_paths.is_empty() {
            continue;
        }
        if noticed.elapsed() > DEBOUNCE_MAX * 2 {
            noticed = Instant::now();
        }
        if config_changed {
            ws.reload_all();
        } else {
            if theme_changed {
                ws.reload_theme();
            }
            if rescan || !ws.update_paths(&content_paths) {
                ws.rescan();
            }
        }
        let (old_generation, old) = take_snapshot(shared);
        let (snap, outcome) = ws.rebuild(old);
        let generation = match &outcome {
            Outcome::Published { .. } => old_generation + 1,
            _ => old_generation,
        };
        let Some(snap) = snap else {
            // Unreachable in practice (the server always keeps a site); keep serving nothing new.
            publish_errors(shared, ws, was_broken, report);
            continue;
        };
        if theme_changed || config_changed {
            refresh_theme_state(shared, &snap);
        }
        let snap = Arc::new(snap);
        if let Outcome::Published {
            changed,
            patched,
            reassembled,
            docs_changed,
        } = &outcome
        {
            {
                let mut cache = shared.cache.lock().unwrap_or_else(|e| e.into_inner());
                cache.generation = generation;
                match changed {
                    Changed::All => cache.entries.clear(),
                    pages => cache
                        .entries
                        .retain(|k, _| !pages.touches(k) && !is_generated(k)),
                }
            }
            // The search documents: a patched site's are redone here; otherwise (or when the
            // check of the previous site was stopped by this rebuild) a new check makes them.
            let check = {
                let mut s = shared.search.lock().unwrap_or_else(|e| e.into_inner());
                if !*reassembled && s.ready && s.generation == old_generation {
                    for &i in docs_changed {
                        if let Some(slot) = s.models.get_mut(i) {
                            *slot = snap.prepared().model_search_doc(i).0;
                        }
                    }
                    s.generation = generation;
                    false
                } else {
                    s.ready = false;
                    true
                }
            };
            *shared.snapshot.lock().unwrap_or_else(|e| e.into_inner()) =
                Some((generation, snap.clone()));
            shared.snapshot_ready.notify_all();
            log_change(shared, changed.clone());
            report(Event::Rebuilt {
                files: files.clone(),
                patched: *patched,
                reassembled: *reassembled,
                elapsed: noticed.elapsed(),
            });
            if check {
                start_check(shared, generation, snap.clone());
            }
            let warnings: Vec<Diagnostic> = ws
                .diagnostics()
                .into_iter()
                .filter(|d| !d.is_error() && files.contains(&d.path))
                .collect();
            if !warnings.is_empty() {
                report(Event::Warnings(warnings));
            }
        } else {
            *shared.snapshot.lock().unwrap_or_else(|e| e.into_inner()) = Some((generation, snap));
            shared.snapshot_ready.notify_all();
        }
        was_broken = publish_errors(shared, ws, was_broken, report);
        http::wake_waiters(shared);
    }
}

/// Tells the terminal and browsers about the current errors; returns whether there are any.
fn publish_errors(
    shared: &Shared,
    ws: &Workspace,
    was_broken: bool,
    report: &(dyn Fn(Event) + Sync),
) -> bool {
    let errors = ws.errors();
    let changed = set_errors(shared, &errors);
    if errors.is_empty() {
        if was_broken {
            report(Event::Fixed);
        }
        false
    } else {
        if changed {
            report(Event::Errors(errors));
        }
        true
    }
}

/// Files made from the whole site (feeds, data, sitemap): dropped at every change.
fn is_generated(key: &str) -> bool {
    matches!(
        key,
        routes::SITEMAP | routes::FEED | routes::DATA_JSON | routes::DATA_CSV
    )
}
