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
    let (code, err) = stderr_of(&f, &["build"]);
    assert_eq!(code, 1);
    assert!(err.contains("theme \"khong-co\" not found"), "{err}");

    let empty = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_dvk"))
        .args(["build", empty.path().to_str().unwrap()])
        .env("DVK_LANG", "en")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no content folder"));
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
