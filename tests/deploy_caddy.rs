//! deploy/Caddyfile with a real Caddy (Debian's `caddy`): the sample site built with
//! `--precompress`, served on a loopback port by the shipped Caddyfile (only its address, root
//! and the admin endpoint changed). Checks what every configuration in deploy/ must do
//! (tests/common/http.rs). Skipped, with a message, when Caddy is not installed.

mod common;

use common::http;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn find_caddy() -> Option<PathBuf> {
    ["/usr/bin/caddy", "/usr/local/bin/caddy"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

/// deploy/Caddyfile serving `public` over plain HTTP on `port`, without the admin endpoint.
fn configure(dir: &Path, public: &Path, port: u16) -> PathBuf {
    let shipped = std::fs::read_to_string(common::repo().join("deploy/Caddyfile")).unwrap();
    for needed in [
        "danvan.example.gov.vn {",
        "root * /var/www/dan-van-kheo/public",
    ] {
        assert!(shipped.contains(needed), "deploy/Caddyfile lost `{needed}`");
    }
    let conf = shipped
        .replace(
            "danvan.example.gov.vn {",
            // Any host name (the requests say localhost), on the loopback interface only.
            &format!("{{\n\tadmin off\n}}\nhttp://:{port} {{\n\tbind 127.0.0.1"),
        )
        .replace(
            "root * /var/www/dan-van-kheo/public",
            &format!("root * {}", public.display()),
        );
    let path = dir.join("Caddyfile");
    std::fs::write(&path, conf).unwrap();
    path
}

#[test]
fn caddy_serves_the_built_site_with_the_shipped_caddyfile() {
    let Some(caddy) = find_caddy() else {
        println!("SKIP: Caddy deployment test: Caddy not installed (apt-get install -y caddy)");
        return;
    };
    // Not tempdir()'s ".tmp…": the Caddyfile's `hide .*` hides every path with a dot folder.
    let dir = tempfile::Builder::new()
        .prefix("dvk-caddy-")
        .tempdir()
        .unwrap();
    let public = http::build_sample(dir.path());
    let port = http::free_port();
    let conf = configure(dir.path(), &public, port);
    // Caddy keeps its state under HOME and the XDG folders: the test's own.
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let caddy_cmd = |args: &[&str]| {
        let mut c = Command::new(&caddy);
        c.args(args)
            .arg("--config")
            .arg(&conf)
            .args(["--adapter", "caddyfile"])
            .env("HOME", &home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"));
        c
    };
    let valid = caddy_cmd(&["validate"]).output().unwrap();
    assert!(
        valid.status.success(),
        "caddy validate refused deploy/Caddyfile:\n{}",
        String::from_utf8_lossy(&valid.stderr)
    );
    let log_path = dir.path().join("caddy.log");
    let _server = http::Server(
        caddy_cmd(&["run"])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log_path).unwrap())
            .spawn()
            .expect("start caddy"),
    );
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    http::wait_for(port, "caddy", log);
    let result = std::panic::catch_unwind(|| http::check_site("Caddy", port, &public));
    if let Err(e) = result {
        eprintln!("Caddy log:\n{}", log());
        std::panic::resume_unwind(e);
    }
}
