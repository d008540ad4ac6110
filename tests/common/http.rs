//! Serving the built sample site with a real web server (tests/deploy_*.rs): the site built
//! with `--precompress` into a temp folder, a free loopback port, plain HTTP/1.1 requests, and
//! the checks that every shipped configuration in deploy/ must pass.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, Instant};

/// A server process started by a test, stopped when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// One HTTP/1.1 answer: status, headers (names lower-cased), body.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    /// The first header of that (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// All values of that header, joined with ", " (as HTTP allows for lists such as Vary).
    pub fn header_list(&self, name: &str) -> String {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// GET `path` on the loopback port, with an optional Accept-Encoding.
pub fn get(port: u16, path: &str, accept_encoding: Option<&str>) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let ae = accept_encoding
        .map(|a| format!("Accept-Encoding: {a}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\n{ae}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Answer {
        status,
        headers,
        body,
    }
}

/// The body of a `Transfer-Encoding: chunked` answer.
fn dechunk(mut raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let eol = raw
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&raw[..eol]);
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16)
            .expect("chunk size");
        raw = &raw[eol + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&raw[..size]);
        raw = &raw[size + 2..];
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until the port accepts connections; `log` says why not when it never does.
pub fn wait_for(port: u16, what: &str, log: impl Fn() -> String) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "{what} did not start:\n{}",
            log()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The repository's sample site built with `--precompress` into `dir/public` (the repository
/// is left as it is).
pub fn build_sample(dir: &Path) -> PathBuf {
    let site = dir.join("site");
    super::copy_dir(&super::repo().join("content"), &site.join("content"));
    super::copy_dir(&super::repo().join("themes"), &site.join("themes"));
    let public = dir.join("public");
    let mut opts = dvk::BuildOptions::new(&site);
    opts.out = Some(public.clone());
    opts.precompress = true;
    dvk::build(&opts).expect("the sample site builds");
    public
}

pub fn unbrotli(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(b, 4096)
        .read_to_end(&mut out)
        .expect("valid brotli");
    out
}

pub fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .expect("valid gzip");
    out
}

/// What docs/xuat-ban.md promises of every configuration in deploy/, checked on a server
/// that serves `public` on `port`: the 404 page with status 404; the `.br` copy when the
/// client accepts brotli, the `.gz` one when it accepts gzip, the file itself otherwise, each
/// with the file's Content-Type and `Vary: Accept-Encoding`; the security headers; a short
/// cache for pages, a year for photos and fingerprinted assets; hidden files not served.
pub fn check_site(server: &str, port: u16, public: &Path) {
    // The 404 page, with status 404 and its own body.
    let missing = get(port, "/khong-co-trang-nay/", None);
    assert_eq!(missing.status, 404, "{server}: status of a missing page");
    assert_eq!(
        missing.body,
        std::fs::read(public.join("404.html")).unwrap(),
        "{server}: body of the 404 answer is not 404.html"
    );
    assert!(
        missing
            .header("content-type")
            .is_some_and(|t| t.starts_with("text/html")),
        "{server}: 404 content type {:?}",
        missing.header("content-type")
    );

    // Precompressed copies of a page (by its folder URL and by its file name) and of the
    // stylesheet: brotli when accepted, gzip otherwise, the plain file for other clients.
    let index = std::fs::read(public.join("index.html")).unwrap();
    let css_url = {
        let html = String::from_utf8_lossy(&index);
        let at = html.find("/style.").expect("stylesheet link");
        let end = html[at..].find('"').unwrap();
        html[at..at + end].to_string()
    };
    assert!(
        css_url.len() > "/style.css".len(),
        "not fingerprinted: {css_url}"
    );
    let css = std::fs::read(public.join(&css_url[1..])).unwrap();
    assert!(
        public.join(format!("{}.br", &css_url[1..])).is_file(),
        "the stylesheet has no .br copy"
    );
    for (url, bytes, mime) in [
        ("/", &index, "text/html"),
        ("/index.html", &index, "text/html"),
        (css_url.as_str(), &css, "text/css"),
    ] {
        let br = get(port, url, Some("gzip, deflate, br"));
        assert_eq!(br.status, 200, "{server}: {url} (br)");
        assert_eq!(
            br.header("content-encoding"),
            Some("br"),
            "{server}: {url} with brotli accepted"
        );
        assert_eq!(&unbrotli(&br.body), bytes, "{server}: {url} (br)");
        let gz = get(port, url, Some("gzip"));
        assert_eq!(gz.status, 200, "{server}: {url} (gzip)");
        assert_eq!(
            gz.header("content-encoding"),
            Some("gzip"),
            "{server}: {url} with gzip accepted"
        );
        assert_eq!(&gunzip(&gz.body), bytes, "{server}: {url} (gzip)");
        let plain = get(port, url, None);
        assert_eq!(plain.status, 200, "{server}: {url}");
        assert_eq!(plain.header("content-encoding"), None, "{server}: {url}");
        assert_eq!(&plain.body, bytes, "{server}: {url}");
        for a in [&br, &gz, &plain] {
            let t = a.header("content-type").unwrap_or_default();
            assert!(t.starts_with(mime), "{server}: {url}: Content-Type {t}");
            assert!(
                a.header_list("vary")
                    .to_ascii_lowercase()
                    .contains("accept-encoding"),
                "{server}: {url}: Vary {:?}",
                a.header_list("vary")
            );
        }
        for a in [&br, &gz] {
            let vary = a.header_list("vary").to_ascii_lowercase();
            assert_eq!(
                vary.matches("accept-encoding").count(),
                1,
                "{server}: {url}: Vary {vary}"
            );
        }
    }

    // Security headers on pages and on the 404.
    let plain = get(port, "/", None);
    for a in [&plain, &missing] {
        let csp = a
            .header("content-security-policy")
            .unwrap_or_else(|| panic!("{server}: no CSP header"));
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{server}: {csp}"
        );
        assert_eq!(
            a.header("x-content-type-options"),
            Some("nosniff"),
            "{server}"
        );
        assert!(
            a.header("strict-transport-security").is_some(),
            "{server}: no HSTS"
        );
        assert!(
            a.header("referrer-policy").is_some(),
            "{server}: no Referrer-Policy"
        );
    }
    for url in ["/", "/index.html"] {
        for ae in [None, Some("br"), Some("gzip")] {
            assert_eq!(
                get(port, url, ae).header_list("cache-control"),
                "public, max-age=300",
                "{server}: cache of {url} ({ae:?})"
            );
        }
    }

    // A photo and the fingerprinted stylesheet: a year, immutable.
    let photo = walkdir::WalkDir::new(public.join("anh"))
        .into_iter()
        .flatten()
        .find(|e| e.file_type().is_file())
        .expect("the sample site has photos");
    let photo_url = format!(
        "/{}",
        photo.path().strip_prefix(public).unwrap().to_string_lossy()
    );
    for url in [&photo_url, &css_url] {
        for ae in [None, Some("br, gzip")] {
            let a = get(port, url, ae);
            assert_eq!(a.status, 200, "{server}: {url}");
            assert_eq!(
                a.header_list("cache-control"),
                "public, max-age=31536000, immutable",
                "{server}: cache of {url} ({ae:?})"
            );
        }
    }
    // dvk's marker file and other hidden files are not served.
    assert_eq!(
        get(port, "/.dvk-build", None).status,
        404,
        "{server}: /.dvk-build"
    );
}
