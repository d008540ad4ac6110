//! `dvk serve` in real headless Chromium: live reload, the error overlay and the recovery
//! (tests/browser/serve.mjs, driven over the DevTools protocol by Node, no npm packages).
//! Skipped, with a message, only when no Chromium is installed (`apt-get install -y chromium`;
//! or set CHROMIUM=/path/to/chrome) or Node.js is missing.

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
fn live_reload_and_error_overlay_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        eprintln!("SKIP: browser serve test: no Chromium found (apt-get install -y chromium, or set CHROMIUM=/path)");
        return;
    };
    if Command::new("node").arg("--version").output().is_err() {
        eprintln!("SKIP: browser serve test: no Node.js (`node`) to drive Chromium (apt-get install -y nodejs)");
        return;
    }
    let root = env!("CARGO_MANIFEST_DIR");
    let out = Command::new("node")
        .arg("tests/browser/serve.mjs")
        .arg("--dvk")
        .arg(env!("CARGO_BIN_EXE_dvk"))
        .arg("--site")
        .arg(root)
        .env("CHROMIUM", &chromium)
        .current_dir(root)
        .output()
        .expect("run node");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(
        out.status.success(),
        "browser serve test failed:\n{stdout}\n{stderr}"
    );
    assert!(
        !stdout.contains("SKIP"),
        "Chromium was found but the script skipped:\n{stdout}"
    );
}
