//! `dvk serve` under attack, on 127.0.0.1 only: it listens on loopback by default; requests
//! that climb out of the site (`/../`, `%2e%2e`, encoded slashes, absolute forms) get 404 and
//! never a byte from outside the built site; 1,000 concurrent connections, slow clients that
//! trickle their headers and clients that never read their answers do not stop it serving.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use reliability_support::*;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CANARY: &str = "DVK-CANARY-serve-3b9d-outside-the-output";

/// A running `dvk serve`, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(site: &std::path::Path) -> Option<Server> {
    let help = Command::new(dvk())
        .args(["serve", "--help"])
        .output()
        .ok()?;
    if !help.status.success() {
        return None;
    }
    let mut child = Command::new(dvk())
        .args(["serve", "--port", "0", "-q"])
        .arg(site)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    let started = Instant::now();
    while started.elapsed() < limit(120) {
        line.clear();
        if out.read_line(&mut line).unwrap_or(0) == 0 {
            let _ = child.wait();
            panic!("dvk serve exited before listening");
        }
        if let Some(i) = line.find("http://") {
            let url = line[i + 7..].split('/').next().unwrap().to_string();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || {
                let mut sink = Vec::new();
                let _ = out.read_to_end(&mut sink);
            });
            return Some(Server {
                child,
                addr: url.parse().unwrap(),
            });
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("dvk serve did not say where it listens: {line}");
}

/// Sends raw bytes (no client-side normalisation of the path) and returns status and body.
fn raw(addr: SocketAddr, request: &[u8]) -> (u16, Vec<u8>) {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(10)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = match buf.windows(4).position(|w| w == b"\r\n\r\n") {
        Some(i) => buf[i + 4..].to_vec(),
        None => Vec::new(),
    };
    (status, body)
}

fn get(addr: SocketAddr, target: &str) -> (u16, Vec<u8>) {
    raw(
        addr,
        format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes(),
    )
}

fn site_with_canaries() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("dvk-serve-")
        .tempdir()
        .unwrap();
    let site = dir.path().join("site");
    copy_dir(&repo().join("content"), &site.join("content"));
    copy_dir(&repo().join("themes"), &site.join("themes"));
    // Canaries: outside the site, in the site folder, and in a content file's source.
    write(&dir.path().join("canary.txt"), CANARY);
    write(&site.join("secret.txt"), CANARY);
    write(&site.join("content/models/secret.txt"), CANARY);
    (dir, site)
}

#[test]
fn serve_listens_on_loopback_and_refuses_every_path_out_of_the_site() {
    let (_dir, site) = site_with_canaries();
    let Some(server) = start(&site) else {
        eprintln!("SKIP: `dvk serve` does not exist in this build");
        return;
    };
    let addr = server.addr;
    warm(addr);
    assert!(
        addr.ip().is_loopback(),
        "serve printed a non-loopback address: {addr}"
    );
    // The listening socket itself, from the kernel's table: 127.0.0.1 only.
    let tcp = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default()
        + &std::fs::read_to_string("/proc/net/tcp6").unwrap_or_default();
    let port_hex = format!(":{:04X}", addr.port());
    let listeners: Vec<&str> = tcp
        .lines()
        .filter(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            f.len() > 3 && f[1].ends_with(&port_hex) && f[3] == "0A"
        })
        .collect();
    assert!(
        !listeners.is_empty(),
        "no listening socket found for port {}",
        addr.port()
    );
    for l in &listeners {
        let local = l.split_whitespace().nth(1).unwrap();
        assert!(
            local.starts_with("0100007F:")
                || local.starts_with("00000000000000000000000001000000:"),
            "listening beyond loopback: {l}"
        );
    }

    let (status, body) = get(addr, "/");
    assert_eq!(status, 200, "the home page");
    assert!(String::from_utf8_lossy(&body).contains("<html"));

    let attacks = [
        "/../canary.txt",
        "/../../../../../../etc/passwd",
        "/%2e%2e/canary.txt",
        "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/etc/passwd",
        "/%2e%2e%2f%2e%2e%2fcanary.txt",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/..%5c..%5c..%5cetc%5cpasswd",
        "/.%2e/.%2e/canary.txt",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/mo-hinh/../../secret.txt",
        "/mo-hinh/%2e%2e/%2e%2e/secret.txt",
        "//etc/passwd",
        "/etc/passwd",
        "/secret.txt",
        "/content/models/secret.txt",
        "/models/secret.txt",
        "/content/site.yaml",
        "/themes/default/templates/base.html",
        "/.dvk-cache/",
        "/%00/etc/passwd",
        "/..;/canary.txt",
        "/%c0%ae%c0%ae/canary.txt",
        "http://127.0.0.1/../../etc/passwd",
        "http://evil.example/etc/passwd",
        "file:///etc/passwd",
        "\\..\\..\\etc\\passwd",
    ];
    let mut statuses = std::collections::BTreeMap::new();
    for target in attacks {
        let (status, body) = get(addr, target);
        let text = String::from_utf8_lossy(&body);
        assert!(
            !text.contains(CANARY) && !text.contains("root:x:0:0"),
            "{target}: leaked a file from outside the output ({status})"
        );
        assert!(
            status == 404 || status == 400,
            "{target}: status {status} (want 404)"
        );
        *statuses.entry(status).or_insert(0) += 1;
    }
    assert_eq!(
        statuses.get(&404).copied().unwrap_or(0) + statuses.get(&400).copied().unwrap_or(0),
        attacks.len()
    );
    // Still serving after all that.
    assert_eq!(get(addr, "/").0, 200);
    println!("serve: listens on {addr} (loopback only in /proc/net/tcp); {} traversal and absolute-path requests: {statuses:?} (status → count), no canary", attacks.len());
}

#[test]
fn serve_keeps_serving_through_a_thousand_connections_and_slow_clients() {
    let (_dir, site) = site_with_canaries();
    let Some(server) = start(&site) else {
        eprintln!("SKIP: `dvk serve` does not exist in this build");
        return;
    };
    let addr = server.addr;
    warm(addr);
    assert_eq!(get(addr, "/").0, 200);
    let timed = |what: &str| {
        let t = Instant::now();
        let (status, _) = get(addr, "/");
        assert_eq!(status, 200, "{what}: a normal request failed");
        let e = t.elapsed();
        assert!(
            e < Duration::from_secs(5),
            "{what}: a normal request took {e:?}"
        );
        e
    };

    // 1. 1,000 connections at once, each asking for a page.
    let t = Instant::now();
    let threads: Vec<_> = (0..1000)
        .map(|i| {
            std::thread::spawn(move || {
                let target = if i % 2 == 0 { "/" } else { "/tim-kiem/" };
                get(addr, target).0
            })
        })
        .collect();
    let ok = threads
        .into_iter()
        .map(|t| t.join().unwrap_or(0))
        .filter(|&s| s == 200)
        .count();
    let burst = t.elapsed();
    assert_eq!(ok, 1000, "only {ok} of 1,000 concurrent requests got 200");
    let after_burst = timed("after 1,000 concurrent requests");

    // 2. 300 idle connections that never send anything, 200 that trickle a header byte every
    //    100 ms, and 64 that ask for the biggest file and never read the answer.
    let idle: Vec<TcpStream> = (0..300)
        .filter_map(|_| TcpStream::connect(addr).ok())
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let tricklers: Vec<_> = (0..200)
        .map(|_| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let Ok(mut s) = TcpStream::connect(addr) else {
                    return;
                };
                for b in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
                    .iter()
                    .chain(std::iter::repeat(&b'a'))
                {
                    if stop.load(std::sync::atomic::Ordering::Relaxed)
                        || s.write_all(&[*b]).is_err()
                    {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        })
        .collect();
    let big = [
        "/du-lieu/mo-hinh.json",
        "/tim-kiem/search.js",
        "/du-lieu/mo-hinh.csv",
        "/",
    ];
    let non_readers: Vec<TcpStream> = (0..64)
        .filter_map(|i| {
            let mut s = TcpStream::connect(addr).ok()?;
            let mut req = String::new();
            // Pipelined requests, so the answers exceed the socket buffers.
            for _ in 0..50 {
                req.push_str(&format!(
                    "GET {} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
                    big[i % big.len()]
                ));
            }
            s.write_all(req.as_bytes()).ok()?;
            Some(s)
        })
        .collect();
    std::thread::sleep(Duration::from_secs(2));
    let mut during = Vec::new();
    for i in 0..10 {
        during.push(timed(&format!(
            "with {} idle, 200 trickling and {} non-reading clients (try {i})",
            idle.len(),
            non_readers.len()
        )));
        std::thread::sleep(Duration::from_millis(200));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    drop(non_readers);
    drop(idle);
    for t in tricklers {
        let _ = t.join();
    }
    let after = timed("after the slow clients left");
    let worst = during.iter().max().copied().unwrap_or_default();
    println!(
        "serve: 1,000 concurrent requests all answered 200 in {:.2} s (next request {:.0} ms); with 300 idle, 200 trickling \
         and 64 non-reading connections, 10 normal requests answered, slowest {:.0} ms; after: {:.0} ms",
        burst.as_secs_f64(),
        after_burst.as_secs_f64() * 1000.0,
        worst.as_secs_f64() * 1000.0,
        after.as_secs_f64() * 1000.0
    );
}

/// Waits until `/` answers 200: on a fresh copy of the site the first page waits for its
/// photos to be processed, which takes longer than a read timeout on a loaded machine.
fn warm(addr: SocketAddr) {
    let started = Instant::now();
    while get(addr, "/").0 != 200 {
        assert!(started.elapsed() < limit(60), "/ never answered 200");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn serve_answers_any_host_header_dns_rebinding_is_refused() {
    let (_dir, site) = site_with_canaries();
    let Some(server) = start(&site) else {
        eprintln!("SKIP: `dvk serve` does not exist in this build");
        return;
    };
    let addr = server.addr;
    warm(addr);
    let port = addr.port();
    let ask = |host: &str, target: &str| {
        raw(
            addr,
            format!("GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n")
                .as_bytes(),
        )
    };
    // A DNS-rebinding page: its own name, resolved to 127.0.0.1.
    for host in [
        format!("rebind.attacker.example:{port}"),
        "rebind.attacker.example".to_string(),
        format!("localhost.attacker.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
    ] {
        for target in ["/", "/__dvk/poll?v=0&now=1", "/du-lieu/mo-hinh.json"] {
            let (status, body) = ask(&host, target);
            assert!(
                status == 421 || status == 403,
                "Host {host} {target}: {status}"
            );
            let body = String::from_utf8_lossy(&body);
            assert!(
                !body.contains("mo-hinh"),
                "Host {host} {target} leaked: {body}"
            );
        }
    }
    for host in [
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("[::1]:{port}"),
    ] {
        assert_eq!(ask(&host, "/").0, 200, "Host {host}");
    }
}

#[test]
fn serve_urls_of_very_many_segments_cost_quadratic_cpu_no_longer() {
    let (_dir, site) = site_with_canaries();
    let Some(server) = start(&site) else {
        eprintln!("SKIP: `dvk serve` does not exist in this build");
        return;
    };
    let addr = server.addr;
    warm(addr);
    // 160,000 segments: 7.4 s each before; now refused at once (414), and a normal page
    // is served meanwhile.
    let long = "/a".repeat(160_000);
    let started = Instant::now();
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let long = long.clone();
            std::thread::spawn(move || get(addr, &long).0)
        })
        .collect();
    let (status, _) = get(addr, "/");
    assert_eq!(status, 200);
    for h in handles {
        assert_eq!(h.join().unwrap(), 414);
    }
    assert!(
        started.elapsed() < limit(2),
        "8 long requests took {:?}",
        started.elapsed()
    );
    // Just under the cap, with many segments: answered (404) quickly too.
    let many = "/a".repeat(4000);
    let t = Instant::now();
    assert_eq!(get(addr, &many).0, 404);
    assert!(t.elapsed() < limit(1), "{:?}", t.elapsed());
}
