//! Builds the search index of a generated corpus (`gen_corpus.py --flavor dvk`) without the rest
//! of dvk, and reports time and sizes. For benchmarks and debugging only: it reads the simple
//! front matter the generator writes (one `key: value` a line), not arbitrary YAML.
//!
//! `cargo run --release -p dvk-search --example index_corpus -- CONTENT_DIR [OUT_DIR] [--repeat N]`

use std::path::Path;
use std::time::Instant;

use dvk_search::{build_index, DocKind, SearchDoc};

fn unquote(v: &str) -> String {
    let v = v.trim();
    let v = v
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(v);
    v.replace("\\\"", "\"")
}

fn list(v: &str) -> Vec<String> {
    let v = v.trim().trim_start_matches('[').trim_end_matches(']');
    v.split("\", \"")
        .map(unquote)
        .filter(|s| !s.is_empty())
        .collect()
}

fn plain(md: &str) -> String {
    let mut out = String::with_capacity(md.len());
    for line in md.lines() {
        let l = line.trim_start_matches(['#', '-', '*', '|', ' ', '>']);
        if l.chars().all(|c| matches!(c, '-' | '|' | ':' | ' ')) {
            continue;
        }
        out.push_str(&l.replace("**", "").replace(" | ", " "));
        out.push('\n');
    }
    out
}

fn load(path: &Path, docs: &mut Vec<SearchDoc>) {
    let Ok(entries) = std::fs::read_dir(path) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            load(&p, docs);
            continue;
        }
        if p.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        let Some(rest) = text.strip_prefix("---\n") else {
            continue;
        };
        let Some((fm, body)) = rest.split_once("\n---\n") else {
            continue;
        };
        let mut d = SearchDoc {
            kind: DocKind::Model,
            body: plain(body),
            ..Default::default()
        };
        let mut commune = String::new();
        let mut slug = String::new();
        for line in fm.lines() {
            let Some((k, v)) = line.split_once(':') else {
                continue;
            };
            match k {
                "title" => d.title = unquote(v),
                "year" => d.year = v.trim().parse().ok(),
                "province" => d.province = Some(unquote(v)),
                "district" => d.district = Some(unquote(v)),
                "commune" => commune = unquote(v),
                "field" => d.field = Some(unquote(v)),
                "host" => d.host = unquote(v),
                "exemplary" => d.exemplary = v.trim() == "true",
                "summary" => d.summary = unquote(v),
                "tags" => d.tags = list(v),
                "slug" => slug = unquote(v),
                _ => {}
            }
        }
        let place: Vec<&str> = [
            Some(commune.as_str()),
            d.district.as_deref(),
            d.province.as_deref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| !s.is_empty())
        .collect();
        d.place = place.join(", ");
        d.url = format!("mo-hinh/{slug}/");
        docs.push(d);
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// CPU time (user + system) of this process so far, in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let after = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<f64> = after
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    // Fields 14 and 15 (utime, stime) are at 11 and 12 after the ")" (state is not a number).
    match (f.get(10), f.get(11)) {
        (Some(u), Some(s)) => (u + s) / 100.0,
        _ => 0.0,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let content = args
        .first()
        .expect("usage: index_corpus CONTENT_DIR [OUT_DIR] [--repeat N]");
    let out = args.get(1).filter(|a| !a.starts_with("--"));
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut docs = Vec::new();
    load(Path::new(content).join("models").as_path(), &mut docs);
    // Make sure the URLs are unique, as dvk does.
    let mut seen = std::collections::HashSet::new();
    for d in &mut docs {
        let mut url = d.url.clone();
        let mut n = 2;
        while !seen.insert(url.clone()) {
            url = format!("{}-{n}/", d.url.trim_end_matches('/'));
            n += 1;
        }
        d.url = url;
    }
    if std::env::var_os("FOLD_TIMING").is_some() {
        fold_timing(&docs);
    }
    let rss_before = peak_rss_kib();
    let mut files = Vec::new();
    for _ in 0..repeat {
        let t = Instant::now();
        let cpu = cpu_seconds();
        files = build_index(&docs);
        eprintln!(
            "build_index: {} docs in {:.3} s wall, {:.2} s CPU",
            docs.len(),
            t.elapsed().as_secs_f64(),
            cpu_seconds() - cpu
        );
    }
    let rss_after = peak_rss_kib();
    let total: usize = files.iter().map(|f| f.bytes.len()).sum();
    let sum = |p: &str| -> (usize, usize) {
        let v: Vec<_> = files.iter().filter(|f| f.path.contains(p)).collect();
        (v.len(), v.iter().map(|f| f.bytes.len()).sum())
    };
    eprintln!(
        "files: {} ({} bytes); terms {:?}, phrases {:?}, meta {:?}; index.json {} bytes",
        files.len(),
        total,
        sum("/w/"),
        sum("/p/"),
        sum("/m/"),
        files[0].bytes.len()
    );
    eprintln!(
        "peak RSS: {} KiB before build_index (docs loaded), {} KiB after: +{} KiB",
        rss_before,
        rss_after,
        rss_after.saturating_sub(rss_before)
    );
    if let Some(out) = out {
        for f in &files {
            let p = Path::new(out).join(&f.path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &f.bytes).unwrap();
        }
    }
}

#[allow(dead_code)]
pub fn fold_timing(docs: &[SearchDoc]) {
    let t = Instant::now();
    let mut n = 0;
    for d in docs {
        n += vntext::fold(&d.body).len();
    }
    eprintln!(
        "fold bodies: {:.3} s ({n} bytes)",
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let mut c = 0;
    for d in docs {
        let f = vntext::fold(&d.body);
        c += dvk_search::text::tokens(&f).count();
    }
    eprintln!(
        "fold+tokenize bodies: {:.3} s ({c} tokens)",
        t.elapsed().as_secs_f64()
    );
}
