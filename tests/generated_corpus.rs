//! The benchmark corpus builds completely: 300 models made by `bench/gen_corpus.py` (the
//! project-wide benchmark generator, seeded here with the sample site's own texts) give every
//! page the content format promises, so `bench/builds/run.sh` cannot time a broken build.
//! Expectations are computed from the generated files, not from dvk's output.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

const N: usize = 300;
const PER_PAGE: usize = 20;

/// The value of `key: value` in a front matter, if the key is there (a double-quoted value
/// unquoted and its `\\` and `\"` escapes undone; the generator writes no others).
fn optional(front: &str, key: &str) -> Option<String> {
    let v = front
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key}: ")))?
        .trim();
    let Some(inner) = v.strip_prefix('"').and_then(|v| v.strip_suffix('"')) else {
        return Some(v.to_string());
    };
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        out.push(if c == '\\' {
            chars.next().unwrap_or(c)
        } else {
            c
        });
    }
    Some(out)
}

fn value(front: &str, key: &str) -> String {
    optional(front, key).unwrap_or_else(|| panic!("no {key} in {front}"))
}

/// HTML-escaped as dvk's templates escape text.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn pages(n: usize) -> usize {
    n.div_ceil(PER_PAGE).max(1)
}

/// Listing at `base` (`nam/2024/`) has exactly `pages(n)` pages: 1 at `base`, k at `trang/k/`.
fn assert_listing(public: &Path, base: &str, n: usize) {
    assert!(public.join(base).join("index.html").is_file(), "no /{base}");
    for k in 2..=pages(n) {
        assert!(
            public.join(format!("{base}trang/{k}/index.html")).is_file(),
            "no /{base}trang/{k}/ ({n} models)"
        );
    }
    let after = pages(n) + 1;
    assert!(
        !public.join(format!("{base}trang/{after}")).exists(),
        "/{base}trang/{after}/ should not exist ({n} models)"
    );
}

#[test]
fn three_hundred_generated_models_build_with_every_expected_page() {
    let tmp = tempfile::tempdir().unwrap();
    // Seeds: the bodies of the sample site's write-ups.
    let seeds = tmp.path().join("seeds");
    std::fs::create_dir_all(&seeds).unwrap();
    let mut count = 0;
    for e in walkdir::WalkDir::new(common::repo().join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let body = text.splitn(3, "\n---").nth(2).unwrap_or(&text);
            std::fs::write(seeds.join(format!("{count}.txt")), body).unwrap();
            count += 1;
        }
    }
    assert!(count > 20, "sample site texts as seeds: {count}");
    let site = tmp.path().join("site");
    let gen = Command::new("python3")
        .arg(common::repo().join("bench/gen_corpus.py"))
        .args(["--flavor", "dvk", "--n", &N.to_string(), "--out"])
        .arg(&site)
        .arg("--seeds-dir")
        .arg(&seeds)
        .output()
        .expect("python3 runs the generator");
    assert!(
        gen.status.success(),
        "{}",
        String::from_utf8_lossy(&gen.stderr)
    );
    common::copy_dir(
        &common::repo().join("themes/default"),
        &site.join("themes/default"),
    );

    // What the generated files say.
    let fields: BTreeMap<&str, &str> = [
        ("Kinh tế", "kinh-te"),
        ("Văn hóa - xã hội", "van-hoa-xa-hoi"),
        ("Quốc phòng - an ninh", "quoc-phong-an-ninh"),
        ("Xây dựng hệ thống chính trị", "xay-dung-he-thong-chinh-tri"),
    ]
    .into_iter()
    .collect();
    let (mut slugs, mut titles) = (Vec::new(), Vec::new());
    let mut by_year: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_field: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_province: BTreeMap<String, usize> = BTreeMap::new();
    let mut exemplary = 0;
    for e in walkdir::WalkDir::new(site.join("content/models")) {
        let e = e.unwrap();
        if e.path().extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let front = text.split("\n---").next().unwrap();
        slugs.push(value(front, "slug"));
        titles.push(value(front, "title"));
        *by_year.entry(value(front, "year")).or_default() += 1;
        let field = value(front, "field");
        *by_field
            .entry(fields[field.as_str()].to_string())
            .or_default() += 1;
        *by_province
            .entry(vntext::slugify(&value(front, "province")))
            .or_default() += 1;
        exemplary += usize::from(optional(front, "exemplary").as_deref() == Some("true"));
    }
    assert_eq!(slugs.len(), N, "the generator wrote {N} models");

    let out = Command::new(env!("CARGO_BIN_EXE_dvk"))
        .args(["build", "-q"])
        .current_dir(&site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = site.join("public");

    let sitemap = std::fs::read_to_string(public.join("sitemap.xml")).unwrap();
    for (slug, title) in slugs.iter().zip(&titles) {
        let page = std::fs::read_to_string(public.join(format!("mo-hinh/{slug}/index.html")))
            .unwrap_or_else(|e| panic!("no page for {slug}: {e}"));
        let h1 = page
            .split_once("<h1>")
            .and_then(|(_, rest)| rest.split_once("</h1>"))
            .map(|(h, _)| h)
            .unwrap_or_default();
        assert_eq!(h1, escape(title), "{slug}: the title as the page heading");
        assert!(
            sitemap.contains(&format!("/mo-hinh/{slug}/<")),
            "{slug} in sitemap.xml"
        );
    }
    let model_dirs = std::fs::read_dir(public.join("mo-hinh")).unwrap().count();
    assert_eq!(model_dirs, N, "one folder per model under /mo-hinh/");
    for (year, n) in &by_year {
        assert_listing(&public, &format!("nam/{year}/"), *n);
        assert!(public
            .join(format!("nam/{year}/bao-cao/index.html"))
            .is_file());
    }
    for (field, n) in &by_field {
        assert_listing(&public, &format!("linh-vuc/{field}/"), *n);
    }
    for (province, n) in &by_province {
        assert_listing(&public, &format!("dia-ban/{province}/"), *n);
    }
    assert_listing(&public, "dien-hinh/", exemplary);
    for p in [
        "index.html",
        "thong-ke/index.html",
        "tim-kiem/index.html",
        "atom.xml",
        "404.html",
    ] {
        assert!(public.join(p).is_file(), "no {p}");
    }
    let data: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(public.join("du-lieu/mo-hinh.json")).unwrap())
            .unwrap();
    assert_eq!(data.len(), N);
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(public.join("tim-kiem/index.json")).unwrap())
            .unwrap();
    assert_eq!(index["n"], N, "every model is in the search index");
}
