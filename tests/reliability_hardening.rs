//! Hardening, round 2 (issue 20, items 2, 4, 5, 8): each test is named after a fault that
//! was reproduced on the release build, and runs the `dvk` binary in Vietnamese (the
//! default) with a time limit and its peak memory measured.
//!
//! - YAML: one parser decides, under budgets for expanded size, depth and document size,
//!   for front matter, YAML lists of models and `site.yaml` alike; tags are refused; a
//!   duplicate key is reported at its own line; a tab is called a tab.
//! - `base_url`: only an absolute `http(s)://` URL (site.yaml: content error at the key;
//!   `--base-url`: usage error, exit 2).
//! - Output: files dvk did not write (`CNAME`, `.git/`) survive a rebuild untouched.
//! - Slugs: an explicit `slug:` cannot take an older model's address.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use reliability_support::*;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// Memory any YAML case may use: the faults took gigabytes.
const YAML_MAX_RSS_MB: u64 = 300;

/// A valid model's front matter lines (no `---`).
const FRONT: &str = "title: \"Mô hình thử\"\nyear: 2024\nprovince: \"Bến Tre\"\ndistrict: \"Châu Thành\"\nfield: \"Kinh tế\"\nhost: \"Hội Nông dân\"\nslug: thu\n";

fn site() -> tempfile::TempDir {
    let s = empty_site();
    write(
        &s.path().join("content/site.yaml"),
        "title: \"Thử\"\nbase_url: \"https://example.gov.vn/\"\n",
    );
    s
}

fn build_vi(site: &Path, more: &[&str], secs: u64) -> Run {
    let mut args = vec!["build", site.to_str().unwrap(), "-q"];
    args.extend_from_slice(more);
    dvk_run_vi(&args, limit(secs))
}

/// The error lines (`path:line:col: lỗi: …`; `error` until the severity is translated).
fn errors(r: &Run) -> Vec<&str> {
    r.stderr
        .lines()
        .filter(|l| l.contains(": lỗi: ") || l.contains(": error: "))
        .collect()
}

/// Exit 1 with an error starting with `at` and containing `says`, within the YAML budgets
/// of time (5 s in a release build) and memory.
fn refused(r: &Run, at: &str, says: &str) {
    assert_eq!(r.code, Some(1), "{}", r.describe());
    let errs = errors(r);
    assert!(
        errs.iter().any(|e| e.starts_with(at) && e.contains(says)),
        "want an error at {at} saying {says:?}, got {:?}\n{}",
        errs.iter().take(5).collect::<Vec<_>>(),
        r.describe()
    );
    assert!(r.elapsed < limit(5), "{:?}", r.elapsed);
    assert!(
        r.max_rss_kb / 1024 < YAML_MAX_RSS_MB,
        "{} MB",
        r.max_rss_kb / 1024
    );
}

fn model(site: &Path, front: &str) {
    write(
        &site.join("content/models/thu.md"),
        format!("---\n{front}---\n\nNội dung.\n"),
    );
}

#[test]
fn yaml_alias_bomb_in_front_matter_is_refused_quickly() {
    let s = site();
    // The reported fault: 46 KB, `tags: &a [a,a,…]` and 2,000 `*a`: 10.6 s and 3.2 GB.
    let items = vec!["a"; 8000].join(",");
    let aliases = vec!["*a"; 2000].join(", ");
    model(
        s.path(),
        &format!("{FRONT}tags: &a [{items}]\nsummary: [{aliases}]\n"),
    );
    let r = build_vi(s.path(), &[], 10);
    refused(&r, "content/models/thu.md:10:", "bí danh");
}

#[test]
fn yaml_nested_aliases_billion_laughs_are_refused_quickly() {
    let s = site();
    let mut t = String::from(FRONT);
    t.push_str("tags: &l0 [\"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\", \"lol\"]\n");
    for i in 1..10 {
        let refs = vec![format!("*l{}", i - 1); 9].join(", ");
        t.push_str(&format!("k{i}: &l{i} [{refs}]\n"));
    }
    model(s.path(), &t);
    let r = build_vi(s.path(), &[], 10);
    refused(&r, "content/models/thu.md:", "bí danh");
}

#[test]
fn yaml_hazard_check_bypass_by_a_quoted_value_continued_at_column_0_is_closed() {
    // The old pre-check gave up on this text (its parser failed, the main one accepted it),
    // and the bomb after it went through. One parser decides now.
    let s = site();
    let items = vec!["a"; 8000].join(",");
    let aliases = vec!["*a"; 2000].join(", ");
    model(
        s.path(),
        &format!(
            "{FRONT}summary: \"một dòng\ntiếp ở cột 0\"\ntags: &a [{items}]\nnote: [{aliases}]\n"
        ),
    );
    let r = build_vi(s.path(), &[], 10);
    assert_eq!(r.code, Some(1), "{}", r.describe());
    assert!(r.elapsed < limit(5), "{:?}", r.elapsed);
    assert!(r.max_rss_kb / 1024 < YAML_MAX_RSS_MB);
    let errs = errors(&r);
    assert!(
        errs.iter()
            .any(|e| e.starts_with("content/models/thu.md:9:") || e.contains("bí danh")),
        "{errs:?}"
    );
}

#[test]
fn yaml_alias_bomb_in_a_models_list_and_in_site_yaml_is_refused_quickly() {
    let s = site();
    let items = vec!["a"; 8000].join(",");
    let aliases = vec!["*a"; 2000].join(", ");
    write(
        &s.path().join("content/models/danh-sach.yaml"),
        format!("- title: \"A\"\n  tags: &a [{items}]\n  summary: [{aliases}]\n"),
    );
    let r = build_vi(s.path(), &[], 10);
    refused(&r, "content/models/danh-sach.yaml:3:", "bí danh");

    let s = site();
    write(
        &s.path().join("content/site.yaml"),
        format!("title: &a [{items}]\nlanguage: [{aliases}]\n"),
    );
    model(s.path(), FRONT);
    let r = build_vi(s.path(), &[], 10);
    refused(&r, "content/site.yaml:2:", "bí danh");
}

#[test]
fn yaml_200_kb_nested_flows_are_refused_quickly() {
    for (name, text) in [
        (
            "brackets",
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "braces",
            format!("{}1{}", "{a: ".repeat(50_000), "}".repeat(50_000)),
        ),
        ("mixed", "[{a: ".repeat(40_000)),
        ("unclosed", "[".repeat(200_000)),
    ] {
        let s = site();
        model(s.path(), &format!("{FRONT}tags: {text}\n"));
        let r = build_vi(s.path(), &[], 10);
        assert_eq!(r.code, Some(1), "{name}: {}", r.describe());
        assert!(r.elapsed < limit(5), "{name}: {:?}", r.elapsed);
        assert!(r.max_rss_kb / 1024 < YAML_MAX_RSS_MB, "{name}");
        assert!(
            errors(&r)
                .iter()
                .any(|e| e.starts_with("content/models/thu.md:9:")),
            "{name}: {}",
            r.describe()
        );
    }
}

#[test]
fn yaml_tags_are_refused_with_a_message() {
    for (tag, line) in [
        ("!!binary aGVsbG8=", "summary: !!binary aGVsbG8="),
        (
            "!!python/object",
            "summary: !!python/object:os.system [\"rm -rf /\"]",
        ),
        ("!ruby", "summary: !ruby/hash {a: 1}"),
        ("!x", "tags: [!x a]"),
    ] {
        let s = site();
        model(s.path(), &format!("{FRONT}{line}\n"));
        let r = build_vi(s.path(), &[], 10);
        refused(&r, "content/models/thu.md:9:", "thẻ kiểu");
        assert!(
            r.stderr.contains(tag.split(' ').next().unwrap()),
            "{tag}: {}",
            r.stderr
        );
    }
}

#[test]
fn yaml_duplicate_key_is_reported_at_the_duplicates_own_line() {
    let s = site();
    model(
        s.path(),
        &format!("{FRONT}summary: \"một\"\nresults: []\nsummary: \"hai\"\n"),
    );
    let r = build_vi(s.path(), &[], 10);
    refused(
        &r,
        "content/models/thu.md:11:1:",
        "`summary` xuất hiện hai lần",
    );
}

#[test]
fn yaml_tab_error_says_tab_and_what_to_do() {
    let s = site();
    model(s.path(), &format!("{FRONT}results:\n\t- label: \"Hộ\"\n"));
    let r = build_vi(s.path(), &[], 10);
    refused(&r, "content/models/thu.md:10:", "dấu tab");
    assert!(r.stderr.contains("dấu cách"), "{}", r.stderr);
}

#[test]
fn yaml_quoted_value_continued_at_column_0_gets_a_clear_error_not_silence() {
    // What the old pre-check could not read. Either way it is one parser's verdict: an
    // error at the value with what to do.
    let s = site();
    model(
        s.path(),
        &format!("{FRONT}summary: \"một dòng\ntiếp ở cột 0\"\n"),
    );
    let r = build_vi(s.path(), &[], 10);
    assert_eq!(r.code, Some(1), "{}", r.describe());
    assert!(
        errors(&r)
            .iter()
            .any(|e| e.starts_with("content/models/thu.md:9:")
                && e.contains("thụt vào ít nhất một dấu cách")),
        "{}",
        r.describe()
    );
}

#[test]
fn base_url_that_is_not_an_absolute_http_url_is_a_content_error_at_its_key() {
    for bad in [
        "javascript:alert(1)",
        "//evil.example/",
        "data:text/html;base64,PHNjcmlwdD4=",
        "not a url",
        "https://example.gov.vn/#frag",
        "danvan.quangngai.gov.vn",
    ] {
        let s = site();
        write(
            &s.path().join("content/site.yaml"),
            format!("title: \"Thử\"\nbase_url: \"{bad}\"\n"),
        );
        model(s.path(), FRONT);
        let r = build_vi(s.path(), &[], 30);
        assert_eq!(r.code, Some(1), "{bad}: {}", r.describe());
        let errs = errors(&r);
        assert!(
            errs.iter()
                .any(|e| e.starts_with("content/site.yaml:2:1:") && e.contains("base_url")),
            "{bad}: {errs:?}"
        );
        assert!(!s.path().join("public").exists(), "{bad}: published");
        if bad == "danvan.quangngai.gov.vn" {
            assert!(
                r.stderr.contains("`https://danvan.quangngai.gov.vn/`"),
                "{}",
                r.stderr
            );
        }
    }
}

#[test]
fn base_url_flag_that_is_not_an_absolute_http_url_is_a_usage_error() {
    let s = site();
    model(s.path(), FRONT);
    for bad in [
        "javascript:alert(1)",
        "//evil.example/",
        "data:x",
        "not a url",
        "https://x.example/#f",
        "danvan.quangngai.gov.vn",
    ] {
        let r = build_vi(s.path(), &["--base-url", bad], 30);
        assert_eq!(r.code, Some(2), "{bad}: {}", r.describe());
        assert!(r.stderr.contains("base_url"), "{bad}: {}", r.stderr);
        assert!(!s.path().join("public").exists(), "{bad}: published");
    }
    let r = build_vi(
        s.path(),
        &["--base-url", "https://danvan.quangngai.gov.vn"],
        60,
    );
    assert!(r.ok(), "{}", r.describe());
    let home = fs::read_to_string(s.path().join("public/atom.xml")).unwrap();
    assert!(home.contains("https://danvan.quangngai.gov.vn/"), "{home}");
}

#[test]
fn files_dvk_did_not_write_survive_a_rebuild_untouched() {
    use std::os::unix::fs::MetadataExt;
    let s = site();
    model(s.path(), FRONT);
    let r = build_vi(s.path(), &[], 60);
    assert!(r.ok(), "{}", r.describe());
    let public = s.path().join("public");
    // What a GitHub Pages user adds to the published folder.
    write(&public.join("CNAME"), "danvan.quangngai.gov.vn\n");
    write(&public.join(".nojekyll"), "");
    write(&public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n");
    write(&public.join(".git/objects/ab/cdef"), "blob");
    fs::create_dir_all(public.join(".git/refs/tags")).unwrap();
    write(&public.join("mo-hinh/thu/ghi-chu.txt"), "của biên tập viên");
    let before: Vec<(String, u64, Vec<u8>)> = [
        "CNAME",
        ".nojekyll",
        ".git/HEAD",
        ".git/objects/ab/cdef",
        "mo-hinh/thu/ghi-chu.txt",
    ]
    .iter()
    .map(|f| {
        let p = public.join(f);
        (
            f.to_string(),
            fs::metadata(&p).unwrap().ino(),
            fs::read(&p).unwrap(),
        )
    })
    .collect();
    // A change, so that a new output is swapped in.
    model(s.path(), &FRONT.replace("Mô hình thử", "Mô hình thử đổi"));
    let r = dvk_run_vi(&["build", s.path().to_str().unwrap(), "-v"], limit(60));
    assert!(r.ok(), "{}", r.describe());
    assert!(
        fs::read_to_string(public.join("mo-hinh/thu/index.html"))
            .unwrap()
            .contains("Mô hình thử đổi"),
        "the new site was not published"
    );
    for (f, ino, bytes) in &before {
        let p = public.join(f);
        assert_eq!(
            fs::read(&p).ok().as_ref(),
            Some(bytes),
            "{f} changed or vanished"
        );
        assert_eq!(fs::metadata(&p).unwrap().ino(), *ino, "{f} was rewritten");
    }
    assert!(
        public.join(".git/refs/tags").is_dir(),
        "empty folder vanished"
    );
    for name in ["CNAME", ".git/", "mo-hinh/thu/ghi-chu.txt"] {
        assert!(
            r.stderr.contains(name),
            "verbose output should list {name}: {}",
            r.stderr
        );
    }
    // And again with nothing changed; and once more after the files dvk wrote changed.
    let r = build_vi(s.path(), &[], 60);
    assert!(r.ok(), "{}", r.describe());
    model(s.path(), FRONT);
    let r = build_vi(s.path(), &[], 60);
    assert!(r.ok(), "{}", r.describe());
    for (f, _, bytes) in &before {
        assert_eq!(fs::read(public.join(f)).ok().as_ref(), Some(bytes), "{f}");
    }
    assert!(leftovers(s.path(), "public").is_empty());
}

#[test]
fn a_github_pages_checkout_as_the_output_folder_is_kept_not_refused() {
    let s = site();
    model(s.path(), FRONT);
    let public = s.path().join("public");
    write(&public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n");
    write(&public.join("CNAME"), "danvan.quangngai.gov.vn\n");
    let r = build_vi(s.path(), &[], 60);
    assert!(r.ok(), "{}", r.describe());
    assert!(public.join("index.html").exists());
    assert_eq!(
        fs::read_to_string(public.join("CNAME")).unwrap(),
        "danvan.quangngai.gov.vn\n"
    );
    assert!(public.join(".git/HEAD").exists());
}

#[test]
fn explicit_slug_that_takes_an_older_models_url_is_refused_naming_both_files() {
    let s = site();
    write(
        &s.path().join("content/models/heo-dat.md"),
        "---\ntitle: \"Heo đất\"\nyear: 2020\nprovince: \"Bến Tre\"\ndistrict: \"Châu Thành\"\nfield: \"Kinh tế\"\nhost: \"Hội Nông dân\"\n---\n\nCũ.\n",
    );
    write(
        &s.path().join("content/models/moi.md"),
        "---\ntitle: \"Mô hình mới\"\nyear: 2024\nprovince: \"Bến Tre\"\ndistrict: \"Châu Thành\"\nfield: \"Kinh tế\"\nhost: \"Hội Nông dân\"\nslug: heo-dat\n---\n\nMới.\n",
    );
    let r = build_vi(s.path(), &[], 60);
    assert_eq!(r.code, Some(1), "{}", r.describe());
    let errs = errors(&r);
    assert!(
        errs.iter().any(|e| e.starts_with("content/models/moi.md:")
            && e.contains("content/models/heo-dat.md")
            && e.contains("heo-dat")),
        "{errs:?}"
    );
}

#[test]
fn models_key_naming_no_model_is_reported_at_the_key_line() {
    let s = site();
    model(s.path(), FRONT);
    write(
        &s.path().join("content/news/tin.md"),
        "---\ntitle: \"Tin\"\ndate: 2024-05-01\nsummary: \"x\"\nmodels:\n  - khong-co\n---\n\nTin.\n",
    );
    let r = build_vi(s.path(), &[], 60);
    assert_eq!(r.code, Some(1), "{}", r.describe());
    assert!(
        errors(&r)
            .iter()
            .any(|e| e.starts_with("content/news/tin.md:5:1:") && e.contains("khong-co")),
        "{}",
        r.describe()
    );
}

#[test]
fn yaml_work_is_linear_a_valid_large_models_list_still_builds() {
    // The budgets must not refuse what is legitimate: 2,000 models in one YAML list.
    let s = site();
    let mut t = String::new();
    for i in 0..2000 {
        t.push_str(&format!("- title: \"Mô hình {i}\"\n  year: 2023\n  province: \"Lâm Đồng\"\n  district: \"Lâm Hà\"\n  field: kinh te\n  host: \"Hội\"\n  tags: [a, b, c]\n"));
    }
    write(&s.path().join("content/models/danh-sach.yaml"), t);
    let r = build_vi(s.path(), &[], 120);
    assert!(r.ok(), "{}", r.describe());
    let _ = Duration::ZERO;
}
