//! The search page in real headless Chromium: builds the sample site (plus two fixture models)
//! under a sub-path, serves it on 127.0.0.1 and types queries (tests/browser/search.mjs, driven
//! over the DevTools protocol by Node, no npm packages). Skipped, with a message, only when no
//! Chromium is installed (`apt-get install -y chromium`; or set CHROMIUM=/path/to/chrome).

use std::path::Path;
use std::process::Command;

fn chromium() -> Option<String> {
    std::env::var("CHROMIUM")
        .ok()
        .into_iter()
        .chain(
            [
                "/usr/bin/chromium",
                "/usr/bin/chromium-browser",
                "/usr/bin/google-chrome",
            ]
            .map(String::from),
        )
        .find(|p| Path::new(p).exists())
}

#[test]
fn search_page_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("SKIP: browser search test: no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path)");
        return;
    };
    let node = Command::new("node").arg("--version").output();
    if !node.map(|o| o.status.success()).unwrap_or(false) {
        eprintln!("SKIP: browser search test: no Node.js (`node`) to drive Chromium (apt-get install -y nodejs)");
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("node")
        .arg("tests/browser/search.mjs")
        .arg("--dvk")
        .arg(env!("CARGO_BIN_EXE_dvk"))
        .arg("--site")
        .arg(root)
        .env("CHROMIUM", &chromium)
        .current_dir(root)
        .output()
        .expect("the browser test needs Node.js (`node` on PATH) to drive Chromium");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser search test failed:\n{stdout}\n{stderr}"
    );
    assert!(
        !stdout.contains("SKIP"),
        "Chromium was found but the script skipped:\n{stdout}"
    );
}
