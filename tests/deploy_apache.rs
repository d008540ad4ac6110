//! deploy/.htaccess with a real Apache (Debian's `apache2`): the sample site built with
//! `--precompress`, the shipped `.htaccess` copied into it as docs/xuat-ban.md says, served on a
//! loopback port by a minimal server configuration with the modules the file names (rewrite,
//! headers, mime, alias, dir) and `AllowOverride All`. Checks what every configuration in deploy/
//! must do (tests/common/http.rs). Skipped, with a message, when Apache is not installed.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod common;

use common::http;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const MODULES: &str = "/usr/lib/apache2/modules";

fn find_apache() -> Option<PathBuf> {
    [
        "/usr/sbin/apache2",
        "/usr/sbin/httpd",
        "/usr/local/apache2/bin/httpd",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.is_file())
}

/// A server configuration with only what .htaccess needs, serving `public` on `port`.
fn configure(dir: &Path, public: &Path, port: u16) -> PathBuf {
    let d = dir.display();
    let p = public.display();
    let modules: String = [
        ("mpm_prefork_module", "mod_mpm_prefork.so"),
        ("authz_core_module", "mod_authz_core.so"),
        ("unixd_module", "mod_unixd.so"),
        ("mime_module", "mod_mime.so"),
        ("dir_module", "mod_dir.so"),
        ("alias_module", "mod_alias.so"),
        ("rewrite_module", "mod_rewrite.so"),
        ("headers_module", "mod_headers.so"),
    ]
    .iter()
    .filter(|(_, file)| Path::new(MODULES).join(file).is_file())
    .map(|(name, file)| format!("LoadModule {name} {MODULES}/{file}\n"))
    .collect();
    // Apache refuses to serve as root: it switches to this user, which must read the site.
    let user = if unsafe { libc::geteuid() } == 0 {
        "User www-data\nGroup www-data\n"
    } else {
        ""
    };
    let conf = format!(
        "{modules}ServerRoot {d}\nServerName localhost\nListen 127.0.0.1:{port}\nPidFile {d}/httpd.pid\nDefaultRuntimeDir {d}\nErrorLog {d}/error.log\nLogLevel warn\n{user}TypesConfig /etc/mime.types\nDocumentRoot {p}\n<Directory />\n  AllowOverride None\n  Require all denied\n</Directory>\n<Directory {p}>\n  AllowOverride All\n  Require all granted\n</Directory>\n"
    );
    let path = dir.join("httpd.conf");
    std::fs::write(&path, conf).unwrap();
    path
}

#[test]
fn apache_serves_the_built_site_with_the_shipped_htaccess() {
    let Some(apache) = find_apache() else {
        println!("SKIP: Apache deployment test: Apache not installed (apt-get install -y apache2)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let public = http::build_sample(dir.path());
    // As docs/xuat-ban.md says: the file is copied into public/ on the server.
    std::fs::copy(
        common::repo().join("deploy/.htaccess"),
        public.join(".htaccess"),
    )
    .unwrap();
    // The user Apache switches to must reach the site (a temp folder is private).
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();

    let port = http::free_port();
    let conf = configure(dir.path(), &public, port);
    let test = Command::new(&apache)
        .arg("-t")
        .arg("-f")
        .arg(&conf)
        .output()
        .unwrap();
    assert!(
        test.status.success(),
        "apache2 -t refused the test configuration:\n{}",
        String::from_utf8_lossy(&test.stderr)
    );
    // -X: one process in the foreground, stopped with the test.
    let _server = http::Server(
        Command::new(&apache)
            .arg("-X")
            .arg("-f")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start apache2"),
    );
    let log = || std::fs::read_to_string(dir.path().join("error.log")).unwrap_or_default();
    http::wait_for(port, "apache2", log);
    // The log says why when a check fails (e.g. an .htaccess directive Apache refused).
    let result = std::panic::catch_unwind(|| http::check_site("Apache", port, &public));
    if let Err(e) = result {
        eprintln!("Apache error log:\n{}", log());
        std::panic::resume_unwind(e);
    }
}
