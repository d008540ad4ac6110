//! `dvk serve` as an editor uses it: started on a free loopback port, then files are edited,
//! added, renamed (also the way editors save: temporary file renamed over the original),
//! broken, fixed and deleted while the pages are polled over HTTP. Also: content types, the
//! theme's 404 page, path traversal, 1,000 concurrent requests, a taken port, Ctrl-C, and
//! that `public/` is never written.

mod common;

use common::Fixture;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const MODEL: &str = r#"---
title: "Nuôi heo đất giúp hội viên nghèo"
year: 2024
province: "Bến Tre"
district: "Châu Thành"
field: "Kinh tế"
host: "Hội Liên hiệp Phụ nữ xã Phú Túc"
---

Chị em góp tiền nuôi heo đất để giúp hội viên nghèo.
"#;

const OTHER: &str = r#"---
title: "Thắp sáng đường quê"
year: 2023
province: "Bến Tre"
district: "Châu Thành"
field: "Văn hóa - xã hội"
host: "Đoàn Thanh niên"
---

Lắp đèn dọc đường liên ấp.
"#;

struct Server {
    child: Child,
    addr: SocketAddr,
    lines: mpsc::Receiver<String>,
}

impl Server {
    #[allow(clippy::zombie_processes)] // waited for in `stop` or `Drop`
    fn start(f: &Fixture, extra: &[&str]) -> Server {
        // Messages in Vietnamese, the default (the checks below read them).
        let mut child = Command::new(env!("CARGO_BIN_EXE_dvk"))
            .arg("serve")
            .arg(f.root())
            .args(["--port", "0"])
            .args(extra)
            .env("DVK_LANG", "vi")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start dvk serve");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx2.send(format!("stderr: {l}"));
            }
        });
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let l = lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("dvk serve said nothing");
            if let Some(rest) = l.split("http://").nth(1) {
                let hostport = rest.split('/').next().unwrap();
                let addr: SocketAddr = hostport.parse().unwrap();
                return Server { child, addr, lines };
            }
        }
    }

    /// Raw GET of `path` exactly as written (no normalisation): (status, headers, body).
    fn get(&self, path: &str) -> (u16, String, String) {
        let mut s = TcpStream::connect(self.addr).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = Vec::new();
        s.read_to_end(&mut raw).unwrap();
        let raw = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0);
        (status, head.to_ascii_lowercase(), body.to_string())
    }

    /// Polls `path` until `ok(status, body)` (10 s at most).
    fn wait_for(&self, path: &str, what: &str, ok: impl Fn(u16, &str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let (status, _, body) = self.get(path);
            if ok(status, &body) {
                return body;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what} at {path} (last status {status})"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stop(mut self) -> (i32, Vec<String>) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let status = self.child.wait().unwrap();
        let mut out = Vec::new();
        while let Ok(l) = self.lines.recv_timeout(Duration::from_millis(500)) {
            out.push(l);
        }
        (status.code().unwrap_or(-1), out)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn site() -> Fixture {
    let f = Fixture::new(None);
    f.write("content/models/2024/chau-thanh/heo-dat.md", MODEL);
    f.write("content/models/2023/chau-thanh/thap-sang.md", OTHER);
    f
}

const PAGE: &str = "/mo-hinh/nuoi-heo-dat-giup-hoi-vien-ngheo/";

#[test]
fn serves_pages_with_types_404_and_no_traversal() {
    let f = site();
    let s = Server::start(&f, &[]);
    let (status, head, body) = s.get("/");
    assert_eq!(status, 200);
    assert!(
        head.contains("content-type: text/html; charset=utf-8"),
        "{head}"
    );
    assert!(
        head.contains("content-security-policy: default-src 'self'; script-src 'self'"),
        "{head}"
    );
    assert!(
        body.contains("<script src=\"/__dvk/reload.js?v="),
        "live reload script injected"
    );
    assert!(!body.contains("<script>"), "no inline script");
    let (status, head, body) = s.get(PAGE);
    assert_eq!(status, 200);
    assert!(body.contains("Chị em góp tiền"), "{body}");
    assert!(head.contains("cache-control: no-store"));
    for (path, ctype) in [
        ("/style.css", "text/css"),
        ("/__dvk/reload.js", "text/javascript"),
        ("/__dvk/overlay.css", "text/css"),
        ("/sitemap.xml", "application/xml"),
        ("/atom.xml", "application/xml"),
        ("/robots.txt", "text/plain"),
        ("/du-lieu/mo-hinh.json", "application/json"),
        ("/du-lieu/mo-hinh.csv", "text/csv"),
        ("/favicon.svg", "image/svg+xml"),
        ("/thong-ke/", "text/html"),
        ("/nam/2024/", "text/html"),
        ("/tim-kiem/", "text/html"),
        ("/tim-kiem/index.json", "application/json"),
    ] {
        let (status, head, _) = s.get(path);
        assert_eq!(status, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {ctype}")),
            "{path}: {head}"
        );
    }
    // A folder without its slash is redirected.
    let (status, head, _) = s.get("/thong-ke");
    assert_eq!(status, 301);
    assert!(head.contains("location: /thong-ke/"));
    // The theme's 404 page, with status 404.
    let (status, head, body) = s.get("/khong-co-trang-nay/");
    assert_eq!(status, 404);
    assert!(head.contains("text/html"));
    assert!(body.contains("Không tìm thấy trang"), "{body}");
    // Nothing outside the site, however the path is spelled.
    for bad in [
        "/../Cargo.toml",
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/mo-hinh/..%2f..%2f..%2fetc/passwd",
        "//etc/passwd",
        "/content/site.yaml",
        "/content/models/2024/chau-thanh/heo-dat.md",
        "/themes/default/templates/base.html",
        "/..\\..\\etc\\passwd",
    ] {
        let (status, _, body) = s.get(bad);
        assert_eq!(status, 404, "{bad}");
        assert!(
            !body.contains("root:") && !body.contains("[package]") && !body.contains("title:"),
            "{bad} leaked: {body}"
        );
    }
    let (status, _, _) = s.get("/__dvk/khong-co");
    assert_eq!(status, 404);
    let (code, lines) = s.stop();
    assert_eq!(code, 0, "{lines:?}");
    assert!(lines.iter().any(|l| l == "Đã dừng."), "{lines:?}");
    assert!(
        !f.root().join("public").exists(),
        "serve must never write public/"
    );
}

#[test]
fn edit_add_rename_break_fix_delete() {
    let f = site();
    let s = Server::start(&f, &[]);
    let model = f.root().join("content/models/2024/chau-thanh/heo-dat.md");
    s.wait_for(PAGE, "first page", |st, b| {
        st == 200 && b.contains("Chị em góp tiền")
    });

    // 1. Edit the text: the page changes.
    std::fs::write(
        &model,
        MODEL.replace("Chị em góp tiền", "Chị em CHUNGSUC góp tiền"),
    )
    .unwrap();
    s.wait_for(PAGE, "the edit", |_, b| b.contains("CHUNGSUC"));

    // 2. Edit the front matter (host): the page and the year's listing change.
    std::fs::write(
        &model,
        MODEL.replace("Hội Liên hiệp Phụ nữ xã Phú Túc", "Hội Nông dân HOSTMARK"),
    )
    .unwrap();
    s.wait_for(PAGE, "the new host", |_, b| b.contains("HOSTMARK"));
    s.wait_for("/nam/2024/", "the listing", |_, b| b.contains("HOSTMARK"));

    // 3. Save like an editor: write a temporary file, rename it over the original.
    let tmp = model.with_file_name(".heo-dat.md.tmp");
    std::fs::write(
        &tmp,
        MODEL.replace("Chị em góp tiền", "Chị em ATOMIC góp tiền"),
    )
    .unwrap();
    std::fs::rename(&tmp, &model).unwrap();
    s.wait_for(PAGE, "the atomic save", |_, b| b.contains("ATOMIC"));

    // 4. Add a file: its page appears, and the listing counts it.
    f.write(
        "content/models/2024/chau-thanh/moi.md",
        &MODEL
            .replace("Nuôi heo đất giúp hội viên nghèo", "Mô hình mới thêm")
            .replace("Chị em góp tiền", "NEWFILE"),
    );
    s.wait_for("/mo-hinh/mo-hinh-moi-them/", "the new model", |st, b| {
        st == 200 && b.contains("NEWFILE")
    });
    s.wait_for("/nam/2024/", "the listing with the new model", |_, b| {
        b.contains("Mô hình mới thêm")
    });

    // 5. Several files at once.
    f.write(
        "content/models/2024/chau-thanh/moi.md",
        &MODEL
            .replace("Nuôi heo đất giúp hội viên nghèo", "Mô hình mới thêm")
            .replace("Chị em góp tiền", "BATCH1"),
    );
    std::fs::write(&model, MODEL.replace("Chị em góp tiền", "BATCH2")).unwrap();
    s.wait_for("/mo-hinh/mo-hinh-moi-them/", "batch 1", |_, b| {
        b.contains("BATCH1")
    });
    s.wait_for(PAGE, "batch 2", |_, b| b.contains("BATCH2"));

    // 6. Rename a file to another folder: same page, served from the new place.
    let moved = f.root().join("content/models/2024/khac/heo-dat.md");
    std::fs::create_dir_all(moved.parent().unwrap()).unwrap();
    std::fs::rename(&model, &moved).unwrap();
    std::fs::write(&moved, MODEL.replace("Chị em góp tiền", "MOVED")).unwrap();
    s.wait_for(PAGE, "the moved file", |st, b| {
        st == 200 && b.contains("MOVED")
    });

    // 7. Break it: the last good page is still served, and the poll reports the error as
    //    `path:line:col: error: message`.
    std::fs::write(
        &moved,
        MODEL
            .replace("year: 2024", "year: hai nghìn")
            .replace("Chị em góp tiền", "BROKEN"),
    )
    .unwrap();
    let poll = s.wait_for("/__dvk/poll?v=0&p=/&now=1", "the error", |_, b| {
        b.contains(": lỗi: ")
    });
    assert!(
        poll.contains("content/models/2024/khac/heo-dat.md:3:"),
        "{poll}"
    );
    assert!(
        poll.contains("Nội dung đang có lỗi"),
        "Vietnamese overlay title: {poll}"
    );
    let (status, _, body) = s.get(PAGE);
    assert_eq!(status, 200);
    assert!(
        body.contains("MOVED") && !body.contains("BROKEN"),
        "last good version served"
    );

    // 8. Fix it: the errors clear and the fix is served.
    std::fs::write(&moved, MODEL.replace("Chị em góp tiền", "FIXED")).unwrap();
    s.wait_for(PAGE, "the fix", |_, b| b.contains("FIXED"));
    s.wait_for("/__dvk/poll?v=0&p=/&now=1", "no errors", |_, b| {
        b.contains("\"errors\":[]")
    });

    // 9. Delete it: its page is gone.
    std::fs::remove_file(&moved).unwrap();
    s.wait_for(PAGE, "the deletion", |st, _| st == 404);
    s.wait_for("/nam/2024/", "the listing without it", |_, b| {
        !b.contains("Nuôi heo đất giúp hội viên nghèo")
    });

    let (code, lines) = s.stop();
    assert_eq!(code, 0, "{lines:?}");
    assert!(
        lines
            .iter()
            .any(|l| l.contains("lỗi: trình duyệt hiện các lỗi này")),
        "{lines:?}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("Đã sửa xong")),
        "{lines:?}"
    );
    assert!(!f.root().join("public").exists());
}

#[test]
fn long_poll_answers_when_the_page_changes() {
    let f = site();
    let s = Server::start(&f, &[]);
    let (_, _, body) = s.get("/__dvk/poll?v=0&p=/&now=1");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let version = v["v"].as_u64().unwrap();
    let addr = s.addr;
    let waiting = std::thread::spawn(move || {
        let started = Instant::now();
        let mut st = TcpStream::connect(addr).unwrap();
        write!(st, "GET /__dvk/poll?v={version}&p=%2Fmo-hinh%2Fnuoi-heo-dat-giup-hoi-vien-ngheo%2F HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = String::new();
        st.read_to_string(&mut raw).unwrap();
        (started.elapsed(), raw)
    });
    std::thread::sleep(Duration::from_millis(500));
    std::fs::write(
        f.root().join("content/models/2024/chau-thanh/heo-dat.md"),
        MODEL.replace("Chị em góp tiền", "POLLED"),
    )
    .unwrap();
    let (elapsed, raw) = waiting.join().unwrap();
    assert!(
        elapsed >= Duration::from_millis(400),
        "held until the change"
    );
    assert!(raw.contains("\"reload\":true"), "{raw}");
    // An unrelated page is not told to reload for a text edit of another model.
    let (_, _, body) = s.get("/__dvk/poll?v=0&p=/&now=1");
    let now: u64 = serde_json::from_str::<serde_json::Value>(&body).unwrap()["v"]
        .as_u64()
        .unwrap();
    // (A later paragraph: the first one is the summary that lists show.)
    std::fs::write(
        f.root().join("content/models/2024/chau-thanh/heo-dat.md"),
        MODEL.replace("Chị em góp tiền", "POLLED") + "\nĐoạn sau POLLED2.\n",
    )
    .unwrap();
    s.wait_for(PAGE, "second edit", |_, b| b.contains("POLLED2"));
    let (_, _, body) = s.get(&format!("/__dvk/poll?v={now}&p=/dia-ban/&now=1"));
    assert!(body.contains("\"reload\":false"), "{body}");
}

/// The search index waits for the background check of every body; an edit saved meanwhile
/// (the check starts 1.5 s after the server) must still show at once, and the index must
/// still come: the request used to hold the site while it waited, the rebuild waited for the
/// site for 30 s and stopped the check the index waited for.
#[test]
fn an_edit_while_the_search_index_waits_shows_at_once() {
    let f = site();
    let s = Server::start(&f, &[]);
    let addr = s.addr;
    let index = std::thread::spawn(move || {
        let started = Instant::now();
        let mut st = TcpStream::connect(addr).unwrap();
        st.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        write!(
            st,
            "GET /tim-kiem/index.json HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut raw = String::new();
        let _ = st.read_to_string(&mut raw);
        (started.elapsed(), raw)
    });
    std::thread::sleep(Duration::from_millis(200));
    let saved = Instant::now();
    std::fs::write(
        f.root().join("content/models/2024/chau-thanh/heo-dat.md"),
        MODEL.replace("Chị em góp tiền", "WHILEWAITING"),
    )
    .unwrap();
    s.wait_for(PAGE, "the edit", |_, b| b.contains("WHILEWAITING"));
    assert!(
        saved.elapsed() < Duration::from_secs(5),
        "the edit took {:?} to show",
        saved.elapsed()
    );
    let (elapsed, raw) = index.join().unwrap();
    assert!(
        raw.starts_with("HTTP/1.1 200"),
        "{}",
        &raw[..raw.len().min(300)]
    );
    assert!(
        elapsed < Duration::from_secs(15),
        "the index took {elapsed:?}"
    );
    let (status, _, body) = s.get("/tim-kiem/index.json");
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_thousand_concurrent_requests() {
    let f = site();
    let s = Server::start(&f, &[]);
    let addr = s.addr;
    let paths = [
        "/",
        PAGE,
        "/style.css",
        "/nam/2024/",
        "/khong-co/",
        "/thong-ke/",
        "/../etc/passwd",
        "/atom.xml",
    ];
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(1000));
    let handles: Vec<_> = (0..1000)
        .map(|i| {
            let barrier = barrier.clone();
            let path = paths[i % paths.len()];
            std::thread::spawn(move || {
                barrier.wait();
                let mut st = TcpStream::connect(addr)
                    .map_err(|e| eprintln!("connect: {e}"))
                    .ok()?;
                st.set_read_timeout(Some(Duration::from_secs(60))).ok()?;
                write!(
                    st,
                    "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                )
                .map_err(|e| eprintln!("write: {e}"))
                .ok()?;
                let mut raw = Vec::new();
                st.read_to_end(&mut raw)
                    .map_err(|e| eprintln!("read: {e}"))
                    .ok()?;
                let raw = String::from_utf8_lossy(&raw).into_owned();
                raw.split_whitespace()
                    .nth(1)
                    .and_then(|c| c.parse::<u16>().ok())
            })
        })
        .collect();
    let statuses: Vec<Option<u16>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let answered = statuses
        .iter()
        .filter(|s| matches!(s, Some(200 | 404)))
        .count();
    assert_eq!(
        answered,
        1000,
        "every request answered: {:?}",
        statuses
            .iter()
            .filter(|s| !matches!(s, Some(200 | 404)))
            .take(5)
            .collect::<Vec<_>>()
    );
    // Still alive and well.
    let (status, _, _) = s.get("/");
    assert_eq!(status, 200);
    let (code, _) = s.stop();
    assert_eq!(code, 0);
}

#[test]
fn a_taken_port_moves_to_the_next() {
    let f = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dvk"))
        .arg("serve")
        .arg(f.root())
        .args(["--port", &port.to_string()])
        .env("DVK_LANG", "en")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(
        first.starts_with(&format!("Port {port} is taken")),
        "{first}"
    );
    let second = lines.next().unwrap().unwrap();
    assert!(
        second.contains("http://127.0.0.1:") && !second.contains(&format!(":{port}/")),
        "{second}"
    );
    unsafe {
        libc::kill(child.id() as i32, libc::SIGINT);
    }
    assert!(child.wait().unwrap().success());
}

#[test]
fn a_site_folder_without_content_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dvk"))
        .arg("serve")
        .arg(dir.path())
        .args(["--port", "0"])
        .env("DVK_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a dvk site") && err.contains("dvk init"),
        "{err}"
    );
}

#[test]
fn theme_changes_reload_and_template_errors_show() {
    let f = site();
    let s = Server::start(&f, &[]);
    s.wait_for("/", "home", |st, _| st == 200);
    let css = f.root().join("themes/default/static/style.css");
    let old = std::fs::read_to_string(&css).unwrap();
    std::fs::write(&css, format!("{old}\n/* THEMEMARK */\n")).unwrap();
    s.wait_for("/style.css", "the new stylesheet", |_, b| {
        b.contains("THEMEMARK")
    });
    // A broken template: the poll reports it, pages keep being served; fixing clears it.
    let tpl = f.root().join("themes/default/templates/404.html");
    let good = std::fs::read_to_string(&tpl).unwrap();
    std::fs::write(
        &tpl,
        good.replace("{% endblock content %}", "{% endblock content %}{% if %}"),
    )
    .unwrap();
    s.wait_for("/__dvk/poll?v=0&p=/&now=1", "the template error", |_, b| {
        b.contains("themes/default/templates")
    });
    let (status, _, _) = s.get(PAGE);
    assert_eq!(status, 200);
    std::fs::write(&tpl, &good).unwrap();
    s.wait_for("/__dvk/poll?v=0&p=/&now=1", "no errors", |_, b| {
        b.contains("\"errors\":[]")
    });
}

/// What `dvk serve` renders again after an edit of a model's card (`render::pages_showing`)
/// covers every page whose bytes the edit changes. As the server's patch does, the model's
/// host, tags and summary are changed in the loaded site; the site is rendered before and
/// after; each page that differs, other than the model's own and the files made from every
/// model (feed, open data, sitemap), must lie at or below a path `pages_showing` names. On the
/// sample site (places before and after 1 July 2025, replication, articles), for every
/// model that is copied or named by an article and every fifth other one.
#[test]
fn every_page_an_edited_card_changes_is_rendered_again() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let (site, diags) = dvk::load_site(root, false, None);
    assert!(!diags.iter().any(|d| d.is_error()), "{diags:?}");
    let render = |site: &dvk::site::Site| {
        let sink = dvk::render::MemorySink::default();
        let (_, d) = dvk::render_into(root, site, &sink);
        assert!(!d.iter().any(|d| d.is_error()), "{d:?}");
        sink.0.into_inner().unwrap()
    };
    let before = render(&site);
    let generated = ["atom.xml", "sitemap.xml", "du-lieu/"];
    let mut pages_checked = 0;
    let models = (0..site.models.len()).filter(|&i| {
        i % 5 == 0 || !site.replicas[i].is_empty() || !site.model_articles[i].is_empty()
    });
    for i in models {
        let mut edited = site.clone();
        let m = &mut edited.models[i];
        m.host = format!("{} (đã sửa)", m.host);
        m.tags.push("thẻ mới".into());
        edited.summaries[i] = format!("Tóm tắt đã sửa {i}.").into();
        let after = render(&edited);
        let own = format!("mo-hinh/{}/", site.slugs[i]);
        let showing = dvk::render::pages_showing(&site, i);
        let mut changed = 0;
        for (path, bytes) in &after {
            if before.get(path) == Some(bytes)
                || path.starts_with(&own)
                || generated.iter().any(|g| path.starts_with(g))
            {
                continue;
            }
            changed += 1;
            let covered = showing.iter().any(|p| {
                if p.is_empty() {
                    path == "index.html"
                } else {
                    path.starts_with(p.as_str())
                }
            });
            assert!(
                covered,
                "an edit of {own}'s card changes {path}, which `dvk serve` would not render again ({showing:?})"
            );
        }
        assert!(changed > 0, "an edit of {own}'s card changed no other page");
        pages_checked += changed;
    }
    assert!(
        pages_checked > 20,
        "only {pages_checked} changed pages checked"
    );
}
