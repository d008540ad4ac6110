//! Answers one HTTP request from the in-memory site: pages (rendered on first request and
//! cached), the files they use, feeds and data, the search index, the theme's static files,
//! and the server's own `/__dvk/` endpoints (live-reload script, overlay styles, long poll).

use super::conn::{Reply, Request};
use super::{Entry, Event, Msg, Shared, POLL_HOLD};
use crate::diag::Diagnostic;
use crate::render::{self, Sink};
use crate::routes;
use std::io;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

const RELOAD_JS: &str = include_str!("reload.js");
const OVERLAY_CSS: &str = include_str!("overlay.css");
/// The policy every HTML answer carries: scripts only from the site itself.
const CSP: &str =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:";

/// Longest request target answered (longer: 414). Site paths are short; a browser's own
/// limit is larger, but nothing of the site needs more.
pub(crate) const MAX_URL_BYTES: usize = 8 * 1024;
/// Most `/`-separated segments of a site path looked up: deeper ones are not pages or files
/// of the site, and the lookup of a path's parents then stays linear in its length.
pub(crate) const MAX_SEGMENTS: usize = 32;

/// The names the preview answers to: a DNS-rebinding page (`Host: attacker.example:PORT`,
/// resolving to 127.0.0.1) must not read drafts, `/__dvk/poll` or the open data.
#[derive(Debug, Clone)]
pub(crate) struct Hosts {
    bind: std::net::IpAddr,
    port: u16,
}

impl Hosts {
    /// The names of a server bound to `bind` on `port`.
    pub(crate) fn new(bind: std::net::IpAddr, port: u16) -> Hosts {
        Hosts { bind, port }
    }

    /// True when `host` (a Host header) names this server: `localhost`, a loopback address,
    /// the bound address (any IP address when bound to all of them), with this port or none.
    /// A request without Host (HTTP/1.0) cannot come from a browser's page: it is allowed.
    pub(crate) fn allows(&self, host: Option<&str>) -> bool {
        let Some(host) = host else { return true };
        let host = host.trim().to_ascii_lowercase();
        let (name, port) = if let Some(rest) = host.strip_prefix('[') {
            let Some((inner, after)) = rest.split_once(']') else {
                return false;
            };
            match after {
                "" => (inner, None),
                p => match p.strip_prefix(':') {
                    Some(p) => (inner, Some(p)),
                    None => return false,
                },
            }
        } else {
            match host.rsplit_once(':') {
                Some((n, p)) => (n, Some(p)),
                None => (host.as_str(), None),
            }
        };
        if port.is_some_and(|p| p.parse::<u16>().ok() != Some(self.port)) {
            return false;
        }
        let name = name.strip_suffix('.').unwrap_or(name);
        if name == "localhost" {
            return true;
        }
        match name.parse::<std::net::IpAddr>() {
            Ok(ip) => ip.is_loopback() || ip == self.bind || self.bind.is_unspecified(),
            Err(_) => false,
        }
    }
}

/// Content type of a file, from its extension.
pub(crate) fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        _ => "application/octet-stream",
    }
}

/// The site path of a request URL: percent-decoded, without the leading `/`, query or
/// fragment. `None` for anything that could climb out of the site (`..`, `.`, a backslash,
/// a NUL, an encoded slash in a segment, invalid UTF-8) or that is not a plain path.
pub(crate) fn site_path(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix('/')?;
    if rest.len() > MAX_URL_BYTES || rest.bytes().filter(|&b| b == b'/').count() >= MAX_SEGMENTS {
        return None;
    }
    let mut out = String::with_capacity(rest.len());
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, seg) in segments.iter().enumerate() {
        let decoded = percent_decode(seg)?;
        if decoded == ".."
            || decoded == "."
            || decoded.contains(['/', '\\', '\0'])
            || decoded.contains(':')
        {
            return None;
        }
        if decoded.is_empty() && i + 1 != segments.len() {
            // `//` inside a path: not a page of the site.
            return None;
        }
        out.push_str(&decoded);
        if i + 1 != segments.len() {
            out.push('/');
        }
    }
    Some(out)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// What a worker found for a request: an answer, or a long poll that waits for a change
/// (on its connection's thread, not a worker: [`wait_poll`]).
pub(crate) enum Answer {
    Reply(Reply),
    Poll { since: u64, page: String },
}

/// A response with the server's usual headers.
fn respond(status: u16, ctype: &str, body: impl Into<Arc<Vec<u8>>>) -> Reply {
    let mut headers = vec![
        ("Content-Type", ctype.to_string()),
        ("Cache-Control", "no-store".to_string()),
        ("X-Content-Type-Options", "nosniff".to_string()),
    ];
    if ctype.starts_with("text/html") {
        headers.push(("Content-Security-Policy", CSP.to_string()));
    }
    Reply {
        status,
        headers,
        body: body.into(),
    }
}

/// Adds the live-reload script to an HTML page.
fn inject(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"/__dvk/reload.js?v={version}\" defer></script>");
    let at = find_ci(html, b"</head>")
        .or_else(|| find_ci(html, b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Puts rendered files into the cache, unless the site changed meanwhile.
struct CacheSink<'a> {
    shared: &'a Shared,
    generation: u64,
}

impl Sink for CacheSink<'_> {
    fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        self.put(rel, Entry::Bytes(Arc::new(bytes.to_vec())));
        Ok(())
    }
    fn copy(&self, rel: &str, source: &Path) -> io::Result<()> {
        std::fs::metadata(source)?;
        self.put(rel, Entry::File(source.to_path_buf()));
        Ok(())
    }
}

impl CacheSink<'_> {
    fn put(&self, rel: &str, e: Entry) {
        let mut cache = self.shared.cache.lock().unwrap_or_else(|e| e.into_inner());
        if cache.generation == self.generation {
            cache.entries.insert(rel.to_string(), e);
        }
    }
}

/// What a lookup found.
enum Found {
    File(Entry),
    Redirect(String),
    RenderFailed(Vec<Diagnostic>),
    Nothing,
}

/// Answers one request (on a worker).
pub(crate) fn handle(shared: &Shared, req: &Request, report: &(dyn Fn(Event) + Sync)) -> Answer {
    let started = Instant::now();
    let url = &req.url;
    let line = if url.len() > 200 {
        let cut = (0..=200)
            .rev()
            .find(|&i| url.is_char_boundary(i))
            .unwrap_or(0);
        format!("{} {}…", req.method, &url[..cut])
    } else {
        format!("{} {url}", req.method)
    };
    let answer = answer(shared, req);
    if shared.verbose {
        report(Event::Request {
            line,
            status: match &answer {
                Answer::Reply(r) => r.status,
                Answer::Poll { .. } => 200,
            },
            elapsed: started.elapsed(),
        });
    }
    answer
}

fn answer(shared: &Shared, req: &Request) -> Answer {
    if !shared.hosts.allows(req.host.as_deref()) {
        let body = crate::msg!(
            "serve.wrong_host",
            host = req.host.clone().unwrap_or_default()
        );
        return Answer::Reply(respond(421, "text/plain; charset=utf-8", body.into_bytes()));
    }
    if req.url.len() > MAX_URL_BYTES {
        let body = crate::msg!("serve.url_too_long", max = MAX_URL_BYTES);
        return Answer::Reply(respond(414, "text/plain; charset=utf-8", body.into_bytes()));
    }
    if !matches!(req.method.as_str(), "GET" | "HEAD") {
        let mut r = respond(
            405,
            "text/plain; charset=utf-8",
            b"only GET and HEAD".to_vec(),
        );
        r.headers.push(("Allow", "GET, HEAD".to_string()));
        return Answer::Reply(r);
    }
    let Some(path) = site_path(&req.url) else {
        return Answer::Reply(not_found(shared));
    };
    if let Some(endpoint) = path.strip_prefix("__dvk/") {
        return internal(shared, req, endpoint);
    }
    let version = shared
        .status
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .version;
    let key = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    Answer::Reply(match find(shared, &key) {
        Found::File(e) => send_entry(&key, e, version, 200),
        Found::Redirect(to) => Reply {
            status: 301,
            headers: vec![("Location", to), ("Cache-Control", "no-store".to_string())],
            body: Arc::new(Vec::new()),
        },
        Found::RenderFailed(diags) => {
            let page = error_page(shared, &diags, version);
            respond(500, "text/html; charset=utf-8", page)
        }
        Found::Nothing => not_found(shared),
    })
}

fn send_entry(key: &str, e: Entry, version: u64, status: u16) -> Reply {
    let ctype = content_type(key);
    let bytes = match e {
        Entry::Bytes(b) => b,
        Entry::File(p) => match std::fs::read(&p) {
            Ok(b) => Arc::new(b),
            Err(_) => return respond(404, "text/plain; charset=utf-8", b"not found".to_vec()),
        },
    };
    if ctype.starts_with("text/html") {
        respond(status, ctype, inject(&bytes, version))
    } else {
        respond(status, ctype, bytes)
    }
}

fn not_found(shared: &Shared) -> Reply {
    let version = shared
        .status
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .version;
    match find(shared, routes::NOT_FOUND) {
        Found::File(e) => send_entry(routes::NOT_FOUND, e, version, 404),
        _ => respond(404, "text/plain; charset=utf-8", b"404 not found".to_vec()),
    }
}

fn cached(shared: &Shared, key: &str) -> Option<Entry> {
    shared
        .cache
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .entries
        .get(key)
        .cloned()
}

/// Renders a page into the cache; its problems go to the rebuild thread.
fn render_into_cache(
    shared: &Shared,
    generation: u64,
    snap: &super::Snapshot,
    page: &str,
) -> Option<Vec<Diagnostic>> {
    let sink = CacheSink { shared, generation };
    let diags = snap.prepared().render_page(page, &sink)?;
    let errors: Vec<Diagnostic> = diags
        .into_iter()
        .filter(|d| d.path.starts_with("themes"))
        .collect();
    let tx = shared
        .to_rebuilder
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let _ = tx.send(Msg::RenderDiags {
        page: page.to_string(),
        diags: errors.clone(),
    });
    Some(errors)
}

/// Finds (rendering or generating when needed) the file at site path `key`.
fn find(shared: &Shared, key: &str) -> Found {
    if let Some(e) = cached(shared, key) {
        return Found::File(e);
    }
    let (generation, snap) = shared.current();
    let prep = snap.prepared();
    // A page.
    let page = if key == routes::NOT_FOUND {
        Some(routes::NOT_FOUND)
    } else {
        key.strip_suffix("index.html")
            .filter(|p| p.is_empty() || p.ends_with('/'))
    };
    if let Some(page) = page {
        if prep.has_page(page) {
            let errors = render_into_cache(shared, generation, &snap, page).unwrap_or_default();
            return match cached(shared, key) {
                Some(e) => Found::File(e),
                None if !errors.is_empty() => Found::RenderFailed(errors),
                None => Found::Nothing,
            };
        }
    }
    // Whole-site files.
    if let Some(bytes) = generated(shared, &snap, key) {
        let e = Entry::Bytes(Arc::new(bytes));
        CacheSink { shared, generation }.put(key, e.clone());
        return Found::File(e);
    }
    // The theme's static files.
    if let Some(p) = shared
        .static_files
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(key)
        .cloned()
    {
        return Found::File(p);
    }
    let (generation, snap) = if key.starts_with(routes::SEARCH) {
        // The index may wait for the background check: not while holding the site, which a
        // rebuild needs.
        let abbreviations = snap.site().config.abbreviations();
        drop(snap);
        if let Some(b) = super::search::file(shared, generation, &abbreviations, key) {
            return Found::File(Entry::Bytes(b));
        }
        shared.current()
    } else {
        (generation, snap)
    };
    let prep = snap.prepared();
    // A file a page brings (photo, chart data): render the page it belongs to.
    let mut parent = key;
    while let Some(i) = parent[..parent.len().saturating_sub(1)].rfind('/') {
        parent = &parent[..=i];
        if prep.has_page(parent) {
            render_into_cache(shared, generation, &snap, parent);
            return cached(shared, key)
                .map(Found::File)
                .unwrap_or(Found::Nothing);
        }
    }
    // A folder without its trailing slash.
    if !key.is_empty() && !key.ends_with('/') && prep.has_page(&format!("{key}/")) {
        return Found::Redirect(format!("/{key}/"));
    }
    Found::Nothing
}

/// Feeds, data and other files made from the whole site.
fn generated(shared: &Shared, snap: &super::Snapshot, key: &str) -> Option<Vec<u8>> {
    let _ = shared;
    let site = snap.site();
    let urls = render::views::Urls {
        base_path: site.config.base_path(),
        base_url: site.config.base_url.clone(),
    };
    Some(match key {
        routes::SITEMAP => {
            let paths: Vec<String> = snap
                .prepared()
                .page_paths()
                .into_iter()
                .filter(|p| p != routes::NOT_FOUND)
                .collect();
            render::feeds::sitemap(&urls, &paths).into_bytes()
        }
        routes::ROBOTS => render::feeds::robots(&urls).into_bytes(),
        routes::FEED => render::feeds::atom(site, &urls).into_bytes(),
        routes::DATA_JSON => render::open_data::models_json(site, &urls),
        routes::DATA_CSV => render::open_data::models_csv(site, &urls),
        "code.css" => crate::content::markdown::code_css().into_bytes(),
        _ => return None,
    })
}

/// The page shown when a page cannot be rendered (a template error).
fn error_page(shared: &Shared, diags: &[Diagnostic], version: u64) -> Vec<u8> {
    let strings = shared
        .strings
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    let esc = crate::content::markdown::html_escape;
    let title = strings.get("page_error").cloned().unwrap_or_default();
    let hint = strings.get("hint").cloned().unwrap_or_default();
    let lines: String = diags
        .iter()
        .map(|d| format!("{}\n", esc(&d.to_string())))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title><link rel=\"stylesheet\" href=\"/__dvk/overlay.css\"></head><body><div id=\"dvk-overlay\" role=\"alert\"><div class=\"dvk-box\"><h2>{t}</h2><p>{h}</p><pre>{lines}</pre></div></div></body></html>",
        t = esc(&title),
        h = esc(&hint),
    );
    inject(html.as_bytes(), version)
}

/// `/__dvk/…`: the reload script, the overlay styles and the long poll.
fn internal(shared: &Shared, req: &Request, endpoint: &str) -> Answer {
    Answer::Reply(match endpoint {
        "reload.js" => respond(
            200,
            "text/javascript; charset=utf-8",
            RELOAD_JS.as_bytes().to_vec(),
        ),
        "overlay.css" => respond(
            200,
            "text/css; charset=utf-8",
            OVERLAY_CSS.as_bytes().to_vec(),
        ),
        "poll" => {
            let query = req.url.split_once('?').map(|(_, q)| q).unwrap_or_default();
            let mut since = 0;
            let mut page = String::new();
            let mut now = false;
            for pair in query.split('&') {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                match k {
                    "v" => since = v.parse().unwrap_or(0),
                    "p" => {
                        page = percent_decode(v)
                            .and_then(|p| site_path(&p))
                            .unwrap_or_default()
                    }
                    "now" => now = true,
                    _ => {}
                }
            }
            let st = shared.status.lock().unwrap_or_else(|e| e.into_inner());
            if !now && st.version == since {
                return Answer::Poll { since, page };
            }
            let body = poll_answer(shared, &st, since, &page);
            drop(st);
            respond(200, "application/json", body)
        }
        _ => respond(404, "text/plain; charset=utf-8", b"not found".to_vec()),
    })
}

/// A long poll: waits (on its connection's thread) until the served site changes from
/// version `since`, the hold time passes or the server stops.
pub(crate) fn wait_poll(shared: &Shared, since: u64, page: &str) -> Reply {
    let deadline = Instant::now() + POLL_HOLD;
    let mut st = shared.status.lock().unwrap_or_else(|e| e.into_inner());
    while st.version == since && !shared.stopping.load(Ordering::Relaxed) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        st = shared
            .status_changed
            .wait_timeout(st, left)
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    if shared.stopping.load(Ordering::Relaxed) {
        return respond(503, "text/plain; charset=utf-8", Vec::<u8>::new());
    }
    let body = poll_answer(shared, &st, since, page);
    drop(st);
    respond(200, "application/json", body)
}

/// The long-poll answer for a page last seen at version `since`.
fn poll_answer(shared: &Shared, st: &super::Status, since: u64, page: &str) -> Vec<u8> {
    let key = if page.is_empty() || page.ends_with('/') {
        format!("{page}index.html")
    } else {
        page.to_string()
    };
    let oldest = st.log.front().map(|(v, _)| *v).unwrap_or(st.version);
    let reload = if since + 1 < oldest && since < st.version {
        true
    } else {
        st.log
            .iter()
            .filter(|(v, _)| *v > since)
            .any(|(_, c)| c.touches(&key) || c.touches(page))
    };
    let strings = shared
        .strings
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    serde_json::to_vec(&serde_json::json!({
        "v": st.version,
        "reload": reload,
        "errors": st.errors,
        "strings": strings,
    }))
    .unwrap_or_default()
}

/// Wakes every waiting long poll (after a change): each answers when its version is old.
pub(crate) fn wake_waiters(shared: &Shared) {
    shared.status_changed.notify_all();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_refuse_climbing_out() {
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/mo-hinh/a/?x=1").as_deref(), Some("mo-hinh/a/"));
        assert_eq!(
            site_path("/mo-hinh/ti%E1%BA%BFng/").as_deref(),
            Some("mo-hinh/tiếng/")
        );
        for bad in [
            "/../etc/passwd",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2Fx",
            "/a/%2f/b",
            "//etc/passwd",
            "/a\\..\\b",
            "/C:/x",
            "/a/%00",
            "/./x",
            "relative",
            "/%zz",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn only_the_names_of_the_bound_address_are_answered() {
        let local = Hosts::new("127.0.0.1".parse().unwrap(), 8080);
        for ok in [
            None,
            Some("127.0.0.1:8080"),
            Some("localhost:8080"),
            Some("LOCALHOST"),
            Some("[::1]:8080"),
            Some("127.0.0.1"),
            Some("localhost.:8080"),
        ] {
            assert!(local.allows(ok), "{ok:?}");
        }
        for bad in [
            "rebind.attacker.example:8080",
            "attacker.example",
            "127.0.0.1:8081",
            "localhost:80",
            "127.0.0.1.nip.io:8080",
            "localhost.attacker.example:8080",
            "192.168.1.5:8080",
            "[::1",
            "[::1]x",
            "",
        ] {
            assert!(!local.allows(Some(bad)), "{bad}");
        }
        let lan = Hosts::new("192.168.1.5".parse().unwrap(), 3000);
        assert!(lan.allows(Some("192.168.1.5:3000")));
        assert!(!lan.allows(Some("10.0.0.1:3000")));
        assert!(!lan.allows(Some("evil.example:3000")));
        let all = Hosts::new("0.0.0.0".parse().unwrap(), 3000);
        assert!(all.allows(Some("10.0.0.1:3000")));
        assert!(!all.allows(Some("evil.example:3000")));
    }

    #[test]
    fn very_deep_or_long_paths_are_refused_in_linear_time() {
        let deep = "/a".repeat(160_000);
        let t = std::time::Instant::now();
        assert_eq!(site_path(&deep), None);
        assert_eq!(
            site_path(&format!("/{}", "x".repeat(MAX_URL_BYTES + 1))),
            None
        );
        assert!(t.elapsed() < std::time::Duration::from_millis(200));
        let ok = "/a".repeat(MAX_SEGMENTS - 1);
        assert!(site_path(&ok).is_some());
    }

    #[test]
    fn script_goes_before_head_end() {
        let out = inject(
            b"<html><head><title>x</title></HEAD><body></body></html>",
            7,
        );
        let s = String::from_utf8(out).unwrap();
        assert!(s.contains("<script src=\"/__dvk/reload.js?v=7\" defer></script></HEAD>"));
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("style.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("x.JPG"), "image/jpeg");
        assert_eq!(
            content_type("du-lieu/mo-hinh.csv"),
            "text/csv; charset=utf-8"
        );
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
