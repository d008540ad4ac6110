//! dvk: a static site generator for the "Dân vận khéo" movement.
//!
//! The pipeline runs in one direction, one module per stage:
//! [`content`] loads and checks the files, [`site`] assembles the in-memory site,
//! [`render`] renders it through the theme, [`output`] publishes it atomically.
//! The library never prints; the binary (`main.rs`) reports.

pub mod alloc;
pub mod cli_text;
pub mod config;
pub mod content;
pub mod diag;
pub(crate) mod fresh;
pub mod import;
pub mod init;
pub(crate) mod lints;
pub(crate) mod menu;
pub mod msg;
pub(crate) mod output;
pub(crate) mod places;
pub(crate) mod precompress;
pub mod progress;
pub(crate) mod publish;
pub mod render;
pub(crate) mod routes;
pub mod scaffold;
pub(crate) mod schema;
pub(crate) mod search_config;
pub mod serve;
pub mod site;
pub mod stats_cmd;
pub mod yaml;
pub(crate) mod yaml_load;
pub(crate) mod yaml_simple;

use diag::{Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What to build and where.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site folder (holding `content/` and `themes/`).
    pub root: PathBuf,
    /// Output folder; default `<root>/public`.
    pub out: Option<PathBuf>,
    /// Overrides `base_url` of site.yaml.
    pub base_url: Option<String>,
    /// Include documents marked `draft: true`.
    pub drafts: bool,
    /// Fail on warnings too: nothing is published while there is one (`--strict`).
    pub strict: bool,
    /// Write `.gz` and `.br` copies of the text files ([`precompress`]); also turned on by
    /// `publish: { precompress: true }` in site.yaml.
    pub precompress: bool,
}

impl BuildOptions {
    /// Options for the site at `root` with every default.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            out: None,
            base_url: None,
            drafts: false,
            strict: false,
            precompress: false,
        }
    }
}

/// What a successful build did.
#[derive(Debug)]
pub struct BuildReport {
    /// Models built.
    pub models: usize,
    /// HTML pages written.
    pub pages: usize,
    /// Files written in all.
    pub files: usize,
    /// Warnings (the build succeeded anyway).
    pub warnings: Vec<Diagnostic>,
    /// Where the site was written.
    pub out: PathBuf,
    /// Wall time.
    pub elapsed: Duration,
    /// Wall time of each phase, in order.
    pub timings: Vec<progress::Phase>,
    /// Nothing the build reads or wrote had changed since the last build: nothing was
    /// rendered or written ([`fresh`]).
    pub unchanged: bool,
    /// Pages kept from the last build's output, their inputs unchanged (not rendered again).
    pub pages_kept: usize,
    /// Search documents whose postings were carried over from the last build.
    pub search_carried: usize,
    /// Files and folders of the previous output that dvk did not write (a `CNAME`, a `.git/`),
    /// carried over untouched ([`output::Published::carried`]).
    pub carried: Vec<String>,
}

/// Why a build failed. In every case the previous output is left as it was.
#[derive(Debug)]
pub enum BuildError {
    /// Problems in the content or theme: all of them, sorted by file and position.
    Content(Vec<Diagnostic>),
    /// The output could not be prepared or published.
    Output(output::OutputError),
    /// Output files could not be written (full disk, permissions): every problem found,
    /// sorted, those among them.
    Write(Vec<Diagnostic>),
    /// Input files exist but could not be read (permissions, a failing disk): every problem
    /// found, sorted, those among them ([`Diagnostic::is_io`], or a photo that could not be
    /// read). A problem of the machine, not of the content: `dvk` exits with 2.
    Read(Vec<Diagnostic>),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::Content(d) => {
                let errors = d.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "{}",
                    crate::msg!("build.content_failed", errors = errors)
                )
            }
            BuildError::Output(e) => write!(f, "{e}"),
            BuildError::Write(_) => write!(f, "{}", crate::msg!("build.write_failed")),
            BuildError::Read(d) => {
                let errors = d.iter().filter(|d| d.is_error()).count();
                write!(
                    f,
                    "{}",
                    crate::msg!("build.content_failed", errors = errors)
                )
            }
        }
    }
}

impl std::error::Error for BuildError {}

/// Loads, checks and assembles a site; returns it with every problem found (errors and
/// warnings). Shared by `build`, `check`, `stats` and `serve`.
pub fn load_site(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
) -> (site::Site, Vec<Diagnostic>) {
    load_site_keeping(root, drafts, base_url, usize::MAX, None)
}

/// [`load_site`] keeping at most `body_bytes` of model Markdown in memory: the bodies of
/// the other model files are left in them ([`content::BodyBudget`]), to be read again by a
/// build ([`site::Site::take_model_bodies`]).
pub fn load_site_keeping(
    root: &Path,
    drafts: bool,
    base_url: Option<&str>,
    body_bytes: usize,
    cache: Option<&content::ParseCache>,
) -> (site::Site, Vec<Diagnostic>) {
    let budget = content::BodyBudget::new(body_bytes);
    let (mut content, mut diags) = content::load_with(root, drafts, &budget, cache);
    if let Some(url) = base_url {
        match config::check_base_url(url) {
            Ok(url) => content.config.base_url = url,
            Err(m) => diags.push(Diagnostic::error(Path::new("--base-url"), 0, 0, m)),
        }
    }
    let (site, mut more) = site::Site::assemble(content);
    lints::locate_keys(root, &mut more);
    diags.extend(more);
    diags.extend(menu::check(&site));
    (site, diags)
}

/// How much Markdown a build keeps in memory between loading and rendering: 64 MiB (about
/// 15,000 write-ups), or `DVK_BODY_MEMORY_MB`. Beyond it, bodies are read again from their
/// files when their pages are made, which keeps a national site's memory in bounds.
fn body_memory_bytes() -> usize {
    std::env::var("DVK_BODY_MEMORY_MB")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(64)
        .saturating_mul(1024 * 1024)
}

/// Renders a loaded site into a sink, after loading its theme.
pub fn render_into(
    root: &Path,
    site: &site::Site,
    sink: &dyn render::Sink,
) -> (render::RenderReport, Vec<Diagnostic>) {
    render_taking_bodies(root, site, Vec::new(), sink, None, None)
}

/// The theme named by `content/site.yaml`, loaded beside the content (parsing its templates
/// is the same work at any size, ~77 million instructions for the default theme): which
/// theme and language it is for, and the result.
struct PreloadedTheme {
    name: String,
    language: String,
    theme: Result<render::Theme, Vec<Diagnostic>>,
}

impl PreloadedTheme {
    /// Whether it is the theme the loaded settings ask for.
    fn is_for(&self, config: &config::SiteConfig) -> bool {
        self.name == config.theme && self.language == config.language
    }
}

fn preload_theme(root: &Path) -> Option<PreloadedTheme> {
    let (config, diags) = content::read_config(root);
    // Broken settings are reported by the load; the theme is then loaded after it.
    if !diags.is_empty() {
        return None;
    }
    let theme = render::Theme::load(root, &config.theme, &config.language);
    Some(PreloadedTheme {
        name: config.theme,
        language: config.language,
        theme,
    })
}

/// [`render_into`] for a site whose model bodies were moved out
/// ([`site::Site::take_model_bodies`]), with its theme if already loaded.
fn render_taking_bodies(
    root: &Path,
    site: &site::Site,
    bodies: Vec<site::TakenBody>,
    sink: &dyn render::Sink,
    theme: Option<PreloadedTheme>,
    search: Option<render::Resuming>,
) -> (render::RenderReport, Vec<Diagnostic>) {
    let theme = match theme {
        Some(t) => t.theme,
        None => render::Theme::load(root, &site.config.theme, &site.config.language),
    };
    match theme {
        Ok(theme) => render::render_site_taking_bodies(root, site, bodies, &theme, sink, search),
        Err(d) => (render::RenderReport::default(), d),
    }
}

/// Builds the site: every problem is reported at once, and the output folder is replaced
/// only when the whole build succeeded.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, BuildError> {
    build_with_progress(opts, &progress::Silent)
}

/// [`build`], telling `progress` how far it got.
pub fn build_with_progress(
    opts: &BuildOptions,
    progress: &dyn progress::Progress,
) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let root = &opts.root;
    let out = opts.out.clone().unwrap_or_else(|| root.join("public"));
    let mut key = format!("drafts={} base_url={:?}", opts.drafts, opts.base_url);
    if opts.precompress {
        key.push_str(" precompress");
    }
    // With neither the state of a last build nor its cache of the write-ups, there is
    // nothing to compare with, so the inputs' fingerprint is taken while the content loads
    // (safe: a file changed meanwhile is newer than the fingerprint's start, which `fresh`
    // treats as racy and does not save). Else it is taken first, and the content's stamps it
    // looks at are the load's too (30,000 fewer asked for at 30,000 write-ups); the content
    // cache is read meanwhile, on the other core: wasted when nothing changed (a 10k site's
    // unchanged build stayed 0.13-0.14 s), 25 ms off the load of a 30k edit. A build after
    // an edit made within the racy window saved no state, but its cache is there: the
    // stamps are taken first then too.
    let seen = fresh::Seen::default();
    let ((last, inputs), parse_cache) = rayon::join(
        || {
            let last = fresh::load(root);
            let inputs = (last.is_some() || content::ParseCache::is_kept(root))
                .then(|| fresh::inputs_seeing(root, &out, &key, Some(&seen)));
            (last, inputs)
        },
        || content::ParseCache::open(root),
    );
    if let (Some(Some(inputs)), Some(last)) = (&inputs, last) {
        if *inputs == last.inputs && fresh::output(&out).as_ref() == Some(&last.output) {
            if opts.strict && !last.warnings.is_empty() {
                return Err(BuildError::Content(last.warnings));
            }
            return Ok(BuildReport {
                models: last.models,
                pages: last.pages,
                files: last.files,
                warnings: last.warnings,
                out: last.out,
                elapsed: started.elapsed(),
                timings: vec![progress::Phase::since(
                    "fingerprint (nothing changed)",
                    started,
                )],
                unchanged: true,
                pages_kept: last.pages,
                search_carried: 0,
                carried: Vec::new(),
            });
        }
    }
    fresh::forget(root);
    progress.phase(&crate::msg!("progress.loading"));
    let parse_cache = parse_cache.seen(seen.into_inner().unwrap_or_else(|e| e.into_inner()));
    // A rebuild prepares its output (reading what the last build wrote there and in the
    // spare) while the content loads, whose assembly leaves a core idle (a 30k summary
    // edit, 10 interleaved rounds: 1.66 -> 1.62 s). A first build prepares it only once the content is found sound, so that a
    // build that fails leaves nothing behind.
    let early_staging = output::Staging::was_published(&out).then(|| {
        let (root, out) = (root.clone(), out.clone());
        std::thread::spawn(move || output::Staging::begin(&root, &out))
    });
    let (inputs, ((mut site, diags), theme)) = rayon::join(
        || inputs.unwrap_or_else(|| fresh::inputs(root, &out, &key)),
        || {
            rayon::join(
                || {
                    load_site_keeping(
                        root,
                        opts.drafts,
                        opts.base_url.as_deref(),
                        body_memory_bytes(),
                        Some(&parse_cache),
                    )
                },
                || preload_theme(root),
            )
        },
    );
    let mut timings = vec![progress::Phase::since("load and assemble", started)];
    // What the load kept for the next build is saved while the site renders (a build that
    // fails may end before it is saved: the next build then reads every file).
    let saving_cache = std::thread::spawn(move || parse_cache.save());
    let search = render::Resuming::start(root, site.config.abbreviations());
    let theme = theme.filter(|t| t.is_for(&site.config));
    let mut all = Diagnostics::default();
    all.extend(diags);
    // The same warnings as `dvk check` (the site still holds every body here).
    all.extend(site_warnings(root, &site));
    if all.has_errors() {
        // The output prepared early is put down as it was (its spare's marker written back)
        // before the build ends.
        if let Some(early) = early_staging {
            drop(early.join());
        }
        // Still run the renderer on nothing: link errors in bodies are found while rendering,
        // so check them too before giving up, for a complete list.
        let bodies = site.take_model_bodies();
        let (report, d) =
            render_taking_bodies(root, &site, bodies, &render::NullSink, theme, Some(search));
        all.extend(d);
        // Nothing is written here: a failure the renderer calls the machine's is a photo or
        // attachment that could not be read.
        return Err(failed(all, report.output_failed));
    }
    let staging = match early_staging.map(std::thread::JoinHandle::join) {
        Some(Ok(staging)) => staging,
        _ => output::Staging::begin(root, &out),
    }
    .map_err(BuildError::Output)?;
    progress.pages(progress::page_count(&site));
    let counting = progress::Counting {
        inner: &staging,
        progress,
    };
    let bodies = site.take_model_bodies();
    let (report, d) = render_taking_bodies(root, &site, bodies, &counting, theme, Some(search));
    progress.phase(&crate::msg!("progress.publishing"));
    timings.extend(report.timings.iter().copied());
    all.extend(d);
    if report.output_failed {
        return Err(BuildError::Write(all.sorted()));
    }
    if all.has_errors() || (opts.strict && !all.0.is_empty()) {
        return Err(failed(all, false));
    }
    if opts.precompress || site.config.agency.publish.precompress {
        progress.phase("Compressing");
        let started = Instant::now();
        let (_, d) = precompress::run(&staging);
        timings.push(progress::Phase::since("precompress (.gz, .br)", started));
        if !d.is_empty() {
            all.extend(d);
            return Err(BuildError::Write(all.sorted()));
        }
    }
    let out = staging.out_dir().to_path_buf();
    let publish = Instant::now();
    let published = staging.publish().map_err(|e| {
        BuildError::Output(output::OutputError::Io(
            crate::msg!("output.publish_failed", path = out.display()),
            e,
        ))
    })?;
    let written = published.fingerprint;
    timings.push(progress::Phase::since("publish (swap)", publish));
    let report = BuildReport {
        models: site.models.len(),
        pages: report.pages,
        files: report.files,
        warnings: all.sorted(),
        out,
        elapsed: started.elapsed(),
        timings,
        unchanged: false,
        pages_kept: report.pages_kept,
        search_carried: report.search_carried,
        carried: published.carried,
    };
    let _ = saving_cache.join();
    // The site's memory is given back on another thread: a command that ends here does not
    // wait for it (about 0.1 s at 30,000 write-ups).
    std::thread::spawn(move || drop(site));
    // Inputs computed before loading: a file edited during the build makes the next build a
    // full one. The output's fingerprint comes from what was written, or a walk when the
    // previous output was kept as it was; walked only when there is a fingerprint of the
    // inputs to save it with (a national site's output is half a million entries).
    let output = inputs
        .as_ref()
        .and_then(|_| written.or_else(|| fresh::output(&report.out)));
    if let (Some(inputs), Some(output)) = (inputs, output) {
        fresh::save(
            root,
            &fresh::State {
                inputs,
                output,
                out: report.out.clone(),
                models: report.models,
                pages: report.pages,
                files: report.files,
                warnings: report.warnings.clone(),
            },
        );
    }
    Ok(report)
}

/// The error of a build that found problems: [`BuildError::Read`] when an input could not be
/// read (`unreadable`, or a problem that says so), else [`BuildError::Content`].
fn failed(all: Diagnostics, unreadable: bool) -> BuildError {
    if unreadable || all.0.iter().any(Diagnostic::is_io) {
        BuildError::Read(all.sorted())
    } else {
        BuildError::Content(all.sorted())
    }
}

/// The warnings about a loaded site that `dvk check`, `dvk build` and the preview all print:
/// those of [`lints`], at the lines of the keys they name, and the missing publisher details
/// ([`publish::warnings`]; only for a configured site: one without site.yaml is a bare sample).
pub fn site_warnings(root: &Path, site: &site::Site) -> Vec<Diagnostic> {
    let mut out = lints::located(root, site);
    if root.join("content/site.yaml").is_file() {
        out.extend(publish::warnings(
            &site.config.agency,
            Path::new("content/site.yaml"),
        ));
    }
    out
}

/// Checks a site without writing anything: every error and warning, sorted.
pub fn check(root: &Path) -> Vec<Diagnostic> {
    check_with_progress(root, &progress::Silent)
}

/// [`check`], telling `progress` how far it got. Also warns about content that builds but
/// reads badly ([`lints`]).
pub fn check_with_progress(root: &Path, progress: &dyn progress::Progress) -> Vec<Diagnostic> {
    check_report(root, progress).diagnostics
}

/// What [`check_report`] found.
#[derive(Debug)]
pub struct CheckReport {
    /// Every error and warning, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// An input file could not be read (permissions, a failing disk): the check is
    /// incomplete, and `dvk check` exits with 2 ([`BuildError::Read`]).
    pub unreadable: bool,
}

/// [`check_with_progress`], also telling whether an input could not be read.
pub fn check_report(root: &Path, progress: &dyn progress::Progress) -> CheckReport {
    progress.phase(&crate::msg!("progress.loading"));
    let (site, diags) = load_site(root, true, None);
    let mut all = Diagnostics::default();
    all.extend(diags);
    all.extend(site_warnings(root, &site));
    progress.pages(progress::page_count(&site));
    let (report, d) = render_into(
        root,
        &site,
        &progress::Counting {
            inner: &render::NullSink,
            progress,
        },
    );
    all.extend(d);
    let unreadable = report.output_failed || all.0.iter().any(Diagnostic::is_io);
    CheckReport {
        diagnostics: all.sorted(),
        unreadable,
    }
}
