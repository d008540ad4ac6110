//! Bad input: every problem of the whole site in one run, each as `path:line:col: message`
//! with what to do, exit status 1, and the previous `public/` left exactly as it was.

mod common;
use common::{model, Fixture};

fn stderr_of(f: &Fixture, args: &[&str]) -> (i32, String) {
    let out = f.dvk(args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn tree(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn every_problem_is_reported_at_once_and_public_is_untouched() {
    let f = Fixture::new(None);
    f.write(
        "content/models/good.md",
        &model("Tốt", 2020, "Bến Tre", None, "Kinh tế", "", "x"),
    );
    f.build_ok();
    let before = tree(&f.root().join("public"));

    // 1. unknown key with a hint; 2. unknown field listing the choices
    f.write(
        "content/models/a.md",
        "---\ntitel: \"A\"\nyear: 2020\nprovince: Bến Tre\nfield: Giáo dục\nhost: X\n---\nx\n",
    );
    // 3. YAML syntax error with its line
    f.write(
        "content/models/b.md",
        "---\ntitle: \"B\nyear: 2020\n---\nx\n",
    );
    // 4. missing front matter
    f.write("content/models/c.md", "Chỉ có nội dung.\n");
    // 5. bad year and level; 6. missing photo; 7. broken link
    f.write(
        "content/models/d.md",
        "---\ntitle: D\nyear: hai nghìn\nprovince: Bến Tre\nfield: kinh te\nhost: X\nlevel: quốc gia\nphotos:\n  - { src: khong-co.jpg, caption: Ảnh }\n---\n\nXem [đây](khong-co.md).\n",
    );
    // 8. an item of a YAML list with a wrong value, at its own line
    f.write("content/models/list.yaml", "- title: Một\n  year: 2020\n  province: Gia Lai\n  field: Kinh tế\n  host: X\n- title: Hai\n  year: 2020\n  province: Gia Lai\n  field: Kinh tế\n  host: X\n  exemplary: có\n");
    // 9. replicated_from naming nothing; 10. photo path escaping the site
    f.write("content/models/e.md", &model("E", 2021, "Gia Lai", None, "Kinh tế", "replicated_from: khong-ton-tai\nphotos:\n  - { src: \"../../../etc/passwd\", caption: x }\n", "x"));
    // 11. not UTF-8
    std::fs::write(
        f.root().join("content/models/latin1.md"),
        b"---\ntitle: Caf\xe9\n---\n",
    )
    .unwrap();

    let (code, err) = stderr_of(&f, &["build"]);
    assert_eq!(code, 1, "{err}");
    let expect = [
        (
            "content/models/a.md:2:1: error: unknown key `titel`.",
            "Did you mean `title`?",
        ),
        (
            "content/models/a.md:5:1: error: unknown field \"Giáo dục\"",
            "Valid fields: \"Kinh tế\" (kinh-te)",
        ),
        ("content/models/b.md:", "YAML syntax error"),
        (
            "content/models/c.md:1:1: error: missing front matter",
            "---",
        ),
        (
            "content/models/d.md:3:1: error: `year` must be a whole number",
            "",
        ),
        (
            "content/models/d.md:7:1: error: unknown level \"quốc gia\"",
            "xa, huyen, tinh, trung-uong",
        ),
        (
            "content/models/d.md:9:5: error: photo \"khong-co.jpg\" not found",
            "",
        ),
        (
            "content/models/d.md:12:5: error: link to \"khong-co.md\"",
            "",
        ),
        (
            "content/models/list.yaml:11:3: error: `exemplary` must be true or false",
            "",
        ),
        (
            "content/models/e.md:",
            "`replicated_from: khong-ton-tai`: no model has that slug",
        ),
        ("content/models/e.md:", "goes up with `..`"),
        (
            "content/models/latin1.md:2:11: error: the file is not UTF-8 text",
            "",
        ),
    ];
    for (start, also) in expect {
        let line = err
            .lines()
            .find(|l| l.starts_with(start) && l.contains(also));
        assert!(
            line.is_some(),
            "expected a line starting {start:?} containing {also:?} in:\n{err}"
        );
    }
    assert!(err.contains("nothing was published"));
    assert_eq!(
        tree(&f.root().join("public")),
        before,
        "public/ changed after a failed build"
    );
    let leftovers: Vec<_> = std::fs::read_dir(f.root())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty(), "staging folder left behind");

    // check reports the same problems without writing.
    let (code, check) = stderr_of(&f, &["check"]);
    assert_eq!(code, 1);
    assert!(check.contains("unknown key `titel`"));
}

#[test]
fn missing_required_keys_are_each_named() {
    let f = Fixture::new(None);
    f.write("content/models/a.md", "---\ntitle: Chỉ có tên\n---\nx\n");
    let (code, err) = stderr_of(&f, &["build"]);
    assert_eq!(code, 1);
    for key in ["year", "province", "field", "host"] {
        assert!(
            err.contains(&format!("missing required key `{key}`")),
            "{key} not reported:\n{err}"
        );
    }
}

#[test]
fn explicit_duplicate_slugs_and_reserved_page_slugs_are_errors() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model("A", 2020, "Bến Tre", None, "Kinh tế", "slug: trung\n", "x"),
    );
    f.write(
        "content/models/b.md",
        &model("B", 2020, "Bến Tre", None, "Kinh tế", "slug: trung\n", "x"),
    );
    f.write(
        "content/pages/thong-ke.md",
        "---\ntitle: Thống kê riêng\n---\nx\n",
    );
    let (code, err) = stderr_of(&f, &["build"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("slug \"trung\" is already used by content/models/a.md"),
        "{err}"
    );
    assert!(err.contains("content/pages/thong-ke.md:1:1: error: the address /thong-ke/ is used by the site itself"), "{err}");
}

#[test]
fn bom_and_crlf_files_build() {
    let f = Fixture::new(None);
    let text = model(
        "Có BOM",
        2020,
        "Bến Tre",
        None,
        "Kinh tế",
        "",
        "Dòng một.\r\n\r\nDòng hai.",
    )
    .replace('\n', "\r\n");
    std::fs::create_dir_all(f.root().join("content/models")).unwrap();
    std::fs::write(
        f.root().join("content/models/bom.md"),
        format!("\u{feff}{text}"),
    )
    .unwrap();
    f.build_ok();
    assert!(f.read("mo-hinh/co-bom/index.html").contains("Dòng hai."));
}

#[test]
fn a_missing_theme_and_missing_content_folder_are_clear_errors() {
    let f = Fixture::new(Some("theme: khong-co\n"));
    let out = f.dvk_vi(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("không có giao diện \"khong-co\""), "{err}");

    // An empty folder is not a site: said plainly (no position in a file that does not
    // exist, no "previous site" that never was), with `dvk init` to make one; exit 2.
    let empty = tempfile::tempdir().unwrap();
    for lang in ["vi", "en"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dvk"))
            .args(["build", empty.path().to_str().unwrap()])
            .env("DVK_LANG", lang)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("dvk init"), "{err}");
        assert!(!err.contains("site.yaml:1:1"), "{err}");
        assert!(
            !err.contains("previous site") && !err.contains("trang cũ"),
            "{err}"
        );
        if lang == "vi" {
            assert!(
                err.starts_with("lỗi: ") && err.contains("chưa phải là một trang dvk"),
                "{err}"
            );
        }
    }
}

#[test]
fn usage_errors_exit_with_status_2() {
    let f = Fixture::new(None);
    assert_eq!(f.dvk(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(f.dvk(&["frobnicate"]).status.code(), Some(2));
}

#[test]
fn output_inside_content_is_refused_with_status_2() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model("A", 2020, "Bến Tre", None, "Kinh tế", "", "x"),
    );
    let out = f.dvk(&["build", "-o", "content/public"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside content/"));
    assert!(!f.root().join("content/public").exists());
}

#[test]
fn a_lone_carriage_return_counts_as_a_line_break_in_positions() {
    // Old Mac line ends: the YAML parser breaks lines at a lone CR; positions must agree.
    let f = Fixture::new(None);
    let text = format!(
        "---\ntitle: \"A\"\r\nyear: 2024\rprovince: \"Bến Tre\"\nfield: \"Kinh tế\"\nhost: \"H\"\n\ntags: {}\n---\nBody\n",
        "[".repeat(70)
    );
    f.write("content/models/2024/a.md", &text);
    // An unknown key found by dvk itself (not the parser) after a lone CR: line 5 as shown.
    f.write(
        "content/models/2024/b.md",
        "---\ntitle: \"B\"\ryear: 2024\nprovince: \"Bến Tre\"\nmau_sac: \"do\"\nfield: \"Kinh tế\"\nhost: \"H\"\n---\nBody\n",
    );
    let (code, err) = stderr_of(&f, &["build"]);
    assert!(
        err.contains("content/models/2024/b.md:5:"),
        "the unknown key is on line 5 as an editor shows it: {err}"
    );
    assert_eq!(code, 1, "{err}");
    // Line 1 `---`, 2 title, 3 year, 4 province (after the lone CR), 5 field, 6 host, 7 blank, 8 tags.
    assert!(
        err.contains("content/models/2024/a.md:8:"),
        "the error is on the tags line: {err}"
    );
}

#[test]
fn a_body_block_with_a_yaml_only_line_break_is_reported_at_its_key() {
    // NEL (U+0085) breaks a line for the YAML parser but not in editors: the body's lines no
    // longer match the file's, so problems in it are reported at the `body` key.
    let f = Fixture::new(None);
    f.write(
        "content/models/danh-sach.yaml",
        "- title: \"A\"\n  year: 2024\n  province: \"Lâm Đồng\"\n  field: kinh te\n  host: \"H\"\n  body: |\n    \u{85}  \n    ![x](../../etc/passwd)\n",
    );
    let (code, err) = stderr_of(&f, &["build"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/models/danh-sach.yaml:6:"),
        "reported at the body key: {err}"
    );
}

/// A model file with the required keys, `extra` front matter lines and a body.
fn model_with(title: &str, year: i32, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\nyear: {year}\nprovince: \"Quảng Ngãi\"\nfield: \"Kinh tế\"\nhost: \"Hội Nông dân\"\n{extra}---\n\nNội dung.\n"
    )
}

#[test]
fn messages_are_in_vietnamese_by_default_and_in_english_with_lang_en() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        "---\ntitel: \"A\"\nyear: 2020\nprovince: Bến Tre\nfield: Kinh tế\nhost: X\n---\nx\n",
    );
    let out = f.dvk_vi(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/models/a.md:2:1: lỗi: "),
        "path:line:col first, then `lỗi`: {err}"
    );
    assert!(stdout.contains("lỗi, 0 cảnh báo."), "{stdout}");
    let out = f.dvk_vi(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("chưa xuất bản gì: chưa có trang nào được xuất bản trước đó"),
        "{err}"
    );
    // The same with --lang en (the flag wins over DVK_LANG).
    let out = f.dvk_vi(&["check", "--lang", "en"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("content/models/a.md:2:1: error: "), "{err}");
    assert!(String::from_utf8_lossy(&out.stdout).contains("error(s), 0 warning(s)."));
}

#[test]
fn help_and_usage_errors_are_in_vietnamese() {
    let f = Fixture::new(None);
    let out = f.dvk_vi(&["--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{help}");
    for want in [
        "Cách dùng:",
        "Lệnh:",
        "Tùy chọn:",
        "Dựng trang",
        "In hướng dẫn này.",
    ] {
        assert!(help.contains(want), "{want} missing from:\n{help}");
    }
    assert!(
        !help.contains("Print help") && !help.contains("Usage:"),
        "{help}"
    );
    let out = f.dvk_vi(&["build", "--help"]);
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--strict") && help.contains("Coi cảnh báo như lỗi"),
        "{help}"
    );
    let out = f.dvk(&["build", "--help"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Treat warnings as errors"));
    let out = f.dvk_vi(&["build", "--khong-co"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("lỗi: không có tùy chọn `--khong-co`"), "{err}");
    let out = f.dvk_vi(&["check", "--format", "xml"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(err.contains("`xml`") && err.contains("text, json"), "{err}");
}

#[test]
fn a_number_with_three_digits_after_one_dot_is_refused_and_quoted_numbers_read_the_vietnamese_way()
{
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model_with(
            "A",
            2024,
            "results:\n  - label: Đất hiến\n    value: 12.400\n    unit: m²\n  - { label: Tiền, value: 1.500, unit: đồng }\n",
        ),
    );
    let out = f.dvk_vi(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/models/a.md:9:5: lỗi: `value: 12.400`"),
        "{err}"
    );
    assert!(err.contains("Ghi 12400 hoặc \"12.400\""), "{err}");
    assert!(
        err.contains("content/models/a.md:11:") && err.contains("Ghi 1500 hoặc \"1.500\""),
        "{err}"
    );

    f.write(
        "content/models/a.md",
        &model_with(
            "A",
            2024,
            "results:\n  - { label: Đất hiến, value: \"12.400\", unit: m² }\n  - { label: Vốn, value: \"1.250.000.000\", unit: đồng }\n  - { label: Vốn 2, value: 1.250.000.000, unit: đồng }\n  - { label: Năng suất, value: \"12,5\", unit: tấn }\n  - { label: Diện tích, value: 2.5, unit: ha }\n",
        ),
    );
    let out = f.dvk(&["build"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = f.read("du-lieu/mo-hinh.json");
    for want in ["12400", "1250000000", "12.5", "2.5"] {
        assert!(json.contains(want), "{want} not in {json}");
    }
    assert!(!json.contains("12.4,") && !json.contains("1.25,"), "{json}");
}

#[test]
fn placeholders_left_by_dvk_new_are_errors_in_build_and_check() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        "---\ntitle: \"A\"\nyear: 2024\nprovince: \"Quảng Ngãi\"\nfield: \"Kinh tế\"\nhost: \"(cần điền: tên đơn vị chủ trì)\"\n---\n\n(cần điền: đoạn mở đầu.)\n",
    );
    for cmd in ["check", "build"] {
        let out = f.dvk_vi(&[cmd]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd}: {err}");
        assert!(
            err.contains("content/models/a.md:6:8: lỗi: còn chữ (cần điền: tên đơn vị chủ trì)"),
            "{cmd}: {err}"
        );
        assert!(
            err.contains("content/models/a.md:9:1: lỗi: còn chữ (cần điền: đoạn mở đầu.)"),
            "{cmd}: {err}"
        );
    }
    assert!(
        !f.root().join("public/index.html").exists(),
        "nothing published"
    );
}

#[test]
fn build_prints_every_problem_check_prints_and_strict_fails_on_warnings() {
    let f = Fixture::new(None);
    let body = "Nội dung.";
    f.write(
        "content/models/a.md",
        &model("Heo đất", 2024, "Quảng Ngãi", None, "Kinh tế", "", body),
    );
    f.write(
        "content/models/b.md",
        &model("Heo đất", 2024, "Quảng Ngãi", None, "Kinh tế", "", body),
    );
    let check = f.dvk(&["check"]);
    let check_err = String::from_utf8_lossy(&check.stderr).into_owned();
    assert!(check.status.success(), "{check_err}");
    assert!(check_err.contains("the same title as"), "{check_err}");
    let build = f.dvk(&["build"]);
    let build_err = String::from_utf8_lossy(&build.stderr).into_owned();
    assert!(build.status.success(), "{build_err}");
    for line in check_err.lines() {
        assert!(
            build_err.contains(line),
            "build does not print {line}:\n{build_err}"
        );
    }
    let before = tree(&f.root().join("public"));
    for cmd in ["check", "build"] {
        let out = f.dvk_vi(&[cmd, "--strict"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{cmd} --strict: {err}");
        assert!(err.contains("--strict"), "{cmd}: {err}");
    }
    assert_eq!(
        before,
        tree(&f.root().join("public")),
        "--strict published nothing"
    );
}

#[test]
fn every_ignored_file_in_content_is_named_with_what_to_do() {
    let f = Fixture::new(Some("title: \"Dân vận khéo Quảng Ngãi\"\n"));
    f.write(
        "content/models/a.md",
        &model(
            "A",
            2024,
            "Quảng Ngãi",
            None,
            "Kinh tế",
            "",
            "Xem [báo cáo](bao-cao.pdf).",
        ),
    );
    f.write("content/models/bao-cao.pdf", "%PDF-1.4\n");
    f.write(
        "content/models/heo-dat.md.txt",
        &model("B", 2024, "Quảng Ngãi", None, "Kinh tế", "", "x"),
    );
    f.write("content/models/ghi-chep.markdown", "x");
    f.write("content/models/bai-viet.docx", "PK");
    f.write("content/models/ghi-chu.txt", "x");
    f.write("content/models/Thumbs.db", "x");
    f.write("content/site.yml", "title: X\n");
    let out = f.dvk_vi(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/models/heo-dat.md.txt:1:1: lỗi: ")
            && err.contains("đổi tên thành heo-dat.md"),
        "{err}"
    );
    assert!(
        err.contains("content/models/ghi-chep.markdown:1:1: lỗi: ")
            && err.contains("đổi tên thành ghi-chep.md"),
        "{err}"
    );
    assert!(
        err.contains("content/models/bai-viet.docx:1:1: cảnh báo: ") && err.contains("dvk import"),
        "{err}"
    );
    assert!(
        err.contains("content/models/ghi-chu.txt:1:1: cảnh báo: ") && err.contains("ghi-chu.md"),
        "{err}"
    );
    assert!(err.contains("content/site.yml:1:1: lỗi: "), "{err}");
    assert!(
        !err.contains("bao-cao.pdf:")
            && !err.contains("Thumbs.db")
            // site.yaml is read; its only line is the reminder of the owner's details.
            && err
                .lines()
                .filter(|l| l.starts_with("content/site.yaml:"))
                .all(|l| l.contains("`owner:`")),
        "linked, system and settings files are not named: {err}"
    );
}

#[test]
fn a_district_after_the_2025_reform_is_an_error() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model(
            "A",
            2026,
            "Quảng Ngãi",
            Some("Sơn Tịnh"),
            "Kinh tế",
            "",
            "x",
        ),
    );
    f.write(
        "content/models/b.md",
        &model(
            "B",
            2025,
            "Quảng Ngãi",
            Some("Sơn Tịnh"),
            "Kinh tế",
            "date: 2025-07-01\n",
            "x",
        ),
    );
    // Before the reform a district is right.
    f.write(
        "content/models/c.md",
        &model(
            "C",
            2025,
            "Quảng Ngãi",
            Some("Sơn Tịnh"),
            "Kinh tế",
            "date: 2025-06-30\n",
            "x",
        ),
    );
    f.write(
        "content/models/d.md",
        &model(
            "D",
            2024,
            "Quảng Ngãi",
            Some("Sơn Tịnh"),
            "Kinh tế",
            "date: 2025-09-01\n",
            "x",
        ),
    );
    let out = f.dvk_vi(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    // Places are read against the units valid on the model's date (else its year): a and b
    // are after the reform, c before it; d's date is after the reform too.
    for f in ["a", "b", "d"] {
        assert!(
            err.lines()
                .any(|l| l.starts_with(&format!("content/models/{f}.md:"))
                    && l.contains(": lỗi: ")
                    && l.contains("không còn cấp huyện")),
            "{f}: {err}"
        );
    }
    assert!(!err.contains("content/models/c.md"), "{err}");
}

#[test]
fn tags_on_one_line_and_curly_quotes_around_a_title() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model_with(
            "“Heo đất nghĩa tình”",
            2024,
            "tags: nông thôn mới, hiến đất\n",
        ),
    );
    let out = f.dvk_vi(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/models/a.md:2:1: cảnh báo: tên có dấu ngoặc kép kiểu Word"),
        "{err}"
    );
    let json = f.read("du-lieu/mo-hinh.json");
    assert!(json.contains("\"Heo đất nghĩa tình\""), "{json}");
    assert!(!json.contains("“"), "{json}");
    assert!(
        json.contains("\"nông thôn mới\"") && json.contains("\"hiến đất\""),
        "{json}"
    );
}

#[test]
fn a_photo_that_differs_only_by_case_is_named_in_the_hint() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model_with("A", 2024, "photos:\n  - { src: quy.jpg, caption: Ảnh }\n"),
    );
    f.write("content/models/quy.JPG", "not really a photo");
    let out = f.dvk_vi(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("không tìm thấy ảnh \"quy.jpg\"")
            && err.contains("Có tệp \"quy.JPG\" chỉ khác chữ hoa, chữ thường"),
        "{err}"
    );
}
