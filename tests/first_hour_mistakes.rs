//! Issue 21's usual mistakes, on a site made by `dvk init` as an editor would: each gives a
//! Vietnamese message that names its file and line, and `dvk build` prints every problem
//! `dvk check` prints (the warnings about site.yaml too), whether it fails or publishes.

use std::path::Path;
use std::process::{Command, Output};

fn dvk(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dvk"))
        .args(args)
        .current_dir(dir)
        .env_remove("DVK_LANG")
        .output()
        .expect("run dvk")
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A 2026 model of Quảng Ngãi with `extra` front matter lines.
fn model(title: &str, extra: &str) -> String {
    format!(
        "---\ntitle: \"{title}\"\nyear: 2026\nprovince: \"Quảng Ngãi\"\ncommune: \"Xã Bình Minh\"\n\
         field: \"Kinh tế\"\nhost: \"Hội Nông dân xã Bình Minh\"\nlevel: xa\n{extra}---\n\nNội dung.\n"
    )
}

/// The problem lines of a command's standard error (`path:line:col: severity: …`).
fn problems(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.contains(": lỗi: ") || l.contains(": cảnh báo: "))
        .map(str::to_string)
        .collect()
}

#[test]
fn every_usual_mistake_is_named_in_vietnamese_and_build_prints_what_check_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dvk(tmp.path(), &["init", "trang", "--province", "Quảng Ngãi"]);
    assert!(out.status.success());
    let site = tmp.path().join("trang");
    let yaml = std::fs::read_to_string(site.join("content/site.yaml")).unwrap();
    let yaml = yaml.replace(
        "# base_url: \"https://danvan.tentinh.gov.vn/\"",
        "base_url: \"danvan.quangngai.gov.vn\"",
    );
    assert!(yaml.contains("\nbase_url: \"danvan"), "{yaml}");
    write(&site, "content/site.yaml", &yaml);
    let m = "content/models/2026";
    for (file, text) in [
        (
            "hien-dat.md",
            model(
                "Hiến đất làm đường",
                "results:\n  - { label: \"Đất hiến\", value: 12.400, unit: \"m²\" }\n",
            ),
        ),
        (
            "quy.md",
            model("Quỹ khuyến học", "summary: \"(cần điền: tóm tắt)\"\n"),
        ),
        (
            "phay.md",
            model(
                "Lúa",
                "results:\n  - { label: \"Lúa\", value: 12,5, unit: \"tấn\" }\n",
            ),
        ),
        ("co-huyen.md", model("Có huyện", "district: \"Tư Nghĩa\"\n")),
        ("tab.md", model("Có tab", "\tsummary: \"x\"\n")),
        (
            "nhay-cong.md",
            model("X", "").replace("title: \"X\"", "title: “Nháy cong”"),
        ),
        (
            "anh.md",
            model(
                "Ảnh",
                "photos:\n  - { src: \"quy.jpg\", caption: \"Quỹ\" }\n",
            ),
        ),
        ("word.docx", "PK".to_string()),
        ("ghi-chu.txt", "ghi chú".to_string()),
        ("notepad.md.txt", model("Notepad", "")),
        ("luu-bang-notepad.txt", model("Lưu bằng Notepad", "")),
        ("dai.markdown", model("Markdown", "")),
    ] {
        write(&site, &format!("{m}/{file}"), &text);
    }
    std::fs::write(site.join(m).join("quy.JPG"), b"\xFF\xD8\xFF").unwrap();
    let check = dvk(&site, &["check"]);
    let found = problems(&check);
    assert_eq!(check.status.code(), Some(1), "{found:#?}");
    for (path, severity, words) in [
        ("content/site.yaml", "lỗi", "`https://`"),
        ("content/site.yaml", "cảnh báo", "`owner:`"),
        (
            "content/models/2026/hien-dat.md",
            "lỗi",
            "Ghi 12400 hoặc \"12.400\"",
        ),
        ("content/models/2026/quy.md", "lỗi", "(cần điền"),
        ("content/models/2026/phay.md", "lỗi", "dấu phẩy"),
        (
            "content/models/2026/co-huyen.md",
            "lỗi",
            "không còn cấp huyện",
        ),
        ("content/models/2026/tab.md", "lỗi", "dấu tab"),
        ("content/models/2026/nhay-cong.md", "cảnh báo", "kiểu Word"),
        ("content/models/2026/anh.md", "lỗi", "\"quy.JPG\""),
        ("content/models/2026/word.docx", "cảnh báo", "dvk import"),
        ("content/models/2026/ghi-chu.txt", "cảnh báo", "ghi-chu.md"),
        (
            "content/models/2026/notepad.md.txt",
            "lỗi",
            "đổi tên thành notepad.md",
        ),
        (
            "content/models/2026/luu-bang-notepad.txt",
            "lỗi",
            "đổi tên thành luu-bang-notepad.md",
        ),
        (
            "content/models/2026/dai.markdown",
            "lỗi",
            "đổi tên thành dai.md",
        ),
    ] {
        let hit = found.iter().find(|l| {
            l.starts_with(&format!("{path}:"))
                && l.contains(&format!(": {severity}: "))
                && l.contains(words)
        });
        let line = hit.unwrap_or_else(|| panic!("{path}: {severity} `{words}` in {found:#?}"));
        // `path:line:col:` with a line from 1.
        let at: Vec<&str> = line[path.len() + 1..].splitn(3, ':').collect();
        let n: usize = at[0].parse().unwrap_or(0);
        assert!(n >= 1 && at[1].parse::<usize>().is_ok(), "{line}");
    }
    // A place problem is at the line of its key (line 9: `district`), not the file's first.
    assert!(
        found
            .iter()
            .any(|l| l.starts_with("content/models/2026/co-huyen.md:9:1: lỗi: `district`")),
        "{found:#?}"
    );
    let build = dvk(&site, &["build"]);
    assert_eq!(build.status.code(), Some(1));
    let built = problems(&build);
    for p in &found {
        assert!(built.contains(p), "build does not print {p}:\n{built:#?}");
    }
    // Fixed but for the warnings: build publishes, and still prints each of check's.
    for file in [
        "hien-dat.md",
        "quy.md",
        "phay.md",
        "co-huyen.md",
        "tab.md",
        "anh.md",
        "notepad.md.txt",
        "luu-bang-notepad.txt",
        "dai.markdown",
    ] {
        std::fs::remove_file(site.join(m).join(file)).unwrap();
    }
    write(
        &site,
        "content/site.yaml",
        &yaml.replace(
            "danvan.quangngai.gov.vn",
            "https://danvan.quangngai.gov.vn/",
        ),
    );
    let check = dvk(&site, &["check"]);
    let found = problems(&check);
    assert!(check.status.success(), "{found:#?}");
    assert!(found.iter().any(|l| l.contains("`owner:`")), "{found:#?}");
    let build = dvk(&site, &["build"]);
    assert!(build.status.success());
    let built = problems(&build);
    for p in &found {
        assert!(built.contains(p), "build does not print {p}:\n{built:#?}");
    }
    assert!(site.join("public/index.html").is_file());
}
