//! deploy/nginx.conf with a real nginx (Debian's `nginx` and `libnginx-mod-http-brotli-static`):
//! the sample site built with `--precompress`, served on a loopback port by the shipped
//! configuration (only its root and port changed), answers as docs/xuat-ban.md says: the 404 page
//! with status 404, `Content-Encoding: br` (and gzip) when the client accepts it, decompressing
//! to the built file, the Content-Security-Policy and the other security headers, a year's cache
//! for photos and fingerprinted assets and a short one for HTML. Skipped, with a message, when
//! nginx is not installed.

mod common;

use common::http::{free_port, get, gunzip, unbrotli};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn find_nginx() -> Option<PathBuf> {
    ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

const BROTLI_MODULE: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

/// nginx started by the test, stopped when dropped.
struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// deploy/nginx.conf with the root and port of this test, inside a minimal main configuration.
fn configure(dir: &Path, public: &Path, port: u16, brotli: bool) -> PathBuf {
    let site = std::fs::read_to_string(common::repo().join("deploy/nginx.conf")).unwrap();
    for needed in [
        "listen 80;",
        "listen [::]:80;",
        "root /var/www/dan-van-kheo/public;",
    ] {
        assert!(site.contains(needed), "deploy/nginx.conf lost `{needed}`");
    }
    let mut site = site
        .replace("listen 80;", &format!("listen 127.0.0.1:{port};"))
        .replace("listen [::]:80;", "")
        .replace(
            "root /var/www/dan-van-kheo/public;",
            &format!("root {};", public.display()),
        );
    if !brotli {
        site = site.replace("brotli_static on;", "");
    }
    std::fs::write(dir.join("site.conf"), site).unwrap();
    let d = dir.display();
    let main = format!(
        "{module}master_process off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{ worker_connections 64; }}\nhttp {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  include {d}/site.conf;\n}}\n",
        module = if brotli {
            format!("load_module {BROTLI_MODULE};\n")
        } else {
            String::new()
        }
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, main).unwrap();
    path
}

#[test]
fn nginx_serves_the_built_site_with_the_shipped_configuration() {
    let Some(nginx) = find_nginx() else {
        println!("SKIP: nginx deployment test: nginx not installed (apt-get install -y nginx libnginx-mod-http-brotli-static)");
        return;
    };
    let brotli = Path::new(BROTLI_MODULE).is_file();
    if !brotli {
        println!("note: {BROTLI_MODULE} missing (apt-get install -y libnginx-mod-http-brotli-static): brotli is not checked, gzip is");
    }
    // The sample site, copied so that the repository is left as it is.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    common::copy_dir(&common::repo().join("content"), &site.join("content"));
    common::copy_dir(&common::repo().join("themes"), &site.join("themes"));
    let public = dir.path().join("public");
    let mut opts = dvk::BuildOptions::new(&site);
    opts.out = Some(public.clone());
    opts.precompress = true;
    dvk::build(&opts).expect("the sample site builds");

    let port = free_port();
    let conf = configure(dir.path(), &public, port, brotli);
    let test = Command::new(&nginx)
        .args(["-t", "-p"])
        .arg(dir.path())
        .arg("-c")
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "nginx -t refused deploy/nginx.conf:\n{}",
        String::from_utf8_lossy(&test.stderr)
    );
    let _server = Nginx(
        Command::new(&nginx)
            .arg("-p")
            .arg(dir.path())
            .arg("-c")
            .arg(&conf)
            .args(["-g", "daemon off;"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx"),
    );
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "nginx did not start: {}",
            std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }

    // The 404 page, with status 404 and its own body.
    let missing = get(port, "/khong-co-trang-nay/", None);
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.body,
        std::fs::read(public.join("404.html")).unwrap()
    );

    // Precompressed copies: brotli when accepted, gzip otherwise, the plain file for others.
    let index = std::fs::read(public.join("index.html")).unwrap();
    if brotli {
        let br = get(port, "/", Some("gzip, deflate, br"));
        assert_eq!(br.status, 200);
        assert_eq!(br.header("content-encoding"), Some("br"));
        assert_eq!(unbrotli(&br.body), index);
        assert!(br.header("content-type").unwrap().starts_with("text/html"));
    }
    let gz = get(port, "/", Some("gzip"));
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gunzip(&gz.body), index);
    let plain = get(port, "/", None);
    assert_eq!(plain.header("content-encoding"), None);
    assert_eq!(plain.body, index);

    // Security headers on pages and on the 404.
    for a in [&plain, &missing] {
        let csp = a.header("content-security-policy").expect("CSP header");
        assert!(
            csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"),
            "{csp}"
        );
        assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
        assert!(a.header("strict-transport-security").is_some());
        assert!(a.header("referrer-policy").is_some());
    }
    assert_eq!(plain.header("cache-control"), Some("public, max-age=300"));

    // A photo and the fingerprinted stylesheet: a year, immutable.
    let photo = walkdir::WalkDir::new(public.join("anh"))
        .into_iter()
        .flatten()
        .find(|e| e.file_type().is_file())
        .expect("the sample site has photos");
    let photo_url = format!(
        "/{}",
        photo
            .path()
            .strip_prefix(&public)
            .unwrap()
            .to_string_lossy()
    );
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
    for url in [&photo_url, &css_url] {
        let a = get(port, url, Some("br, gzip"));
        assert_eq!(a.status, 200, "{url}");
        assert_eq!(
            a.header("cache-control"),
            Some("public, max-age=31536000, immutable"),
            "{url}"
        );
    }
    // dvk's marker file and other hidden files are not served.
    assert_eq!(get(port, "/.dvk-build", None).status, 404);

    // The checks shared with the Apache and Caddy tests (Vary, Content-Type of the compressed
    // copies, the stylesheet's copies and cache), which need brotli.
    if brotli {
        common::http::check_site("nginx", port, &public);
    }
}
