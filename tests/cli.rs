//! Command-line transcripts: exit codes and outputs of `check`, `new`, `stats` (and `build
//! --quiet`) on small fixture sites in temp folders.

mod common;

use common::Fixture;
use std::process::Output;

const MODEL_A: &str = r#"---
title: "Nuôi heo đất giúp hội viên nghèo"
year: 2024
province: "Bến Tre"
district: "Châu Thành"
commune: "Phú Túc"
field: "Kinh tế"
host: "Hội Liên hiệp Phụ nữ xã Phú Túc"
level: huyen
exemplary: true
results:
  - { label: "Heo đất", value: 12, unit: "con" }
---

Chị em góp tiền nuôi heo đất để giúp hội viên nghèo.
"#;

const MODEL_B: &str = r#"---
title: "Thắp sáng đường quê"
year: 2023
province: "Lâm Đồng"
district: "Lâm Hà"
field: "Văn hóa - xã hội"
host: "Đoàn Thanh niên huyện Lâm Hà"
results:
  - { label: "Đèn", value: 40, unit: "bóng" }
---

Lắp đèn năng lượng mặt trời dọc đường liên thôn.
"#;

/// A 1×1 PNG.
const PNG_1X1: &[u8] = &[
    137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0,
    0, 0, 144, 119, 83, 222, 0, 0, 0, 12, 73, 68, 65, 84, 120, 156, 99, 248, 207, 192, 0, 0, 3, 1,
    1, 0, 201, 254, 146, 239, 0, 0, 0, 0, 73, 69, 78, 68, 174, 66, 96, 130,
];

fn site() -> Fixture {
    let f = Fixture::new(None);
    f.write("content/models/2024/chau-thanh/heo-dat.md", MODEL_A);
    f.write("content/models/2023/lam-ha/thap-sang.md", MODEL_B);
    f
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

#[test]
fn check_clean_site_exits_0() {
    let f = site();
    let out = f.dvk(&["check"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "0 error(s), 0 warning(s).\n");
}

#[test]
fn check_lists_every_error_with_position_and_exits_1() {
    let f = site();
    f.write(
        "content/models/2024/chau-thanh/heo-dat.md",
        &MODEL_A.replace("year: 2024", "year: hai nghìn"),
    );
    f.write(
        "content/models/2023/lam-ha/thap-sang.md",
        &MODEL_B.replace("field: \"Văn hóa - xã hội\"", "field: \"Thể thao\""),
    );
    let out = f.dvk(&["check"]);
    assert_eq!(code(&out), 1);
    let err = text(&out.stderr);
    assert!(
        err.contains("content/models/2024/chau-thanh/heo-dat.md:3:"),
        "{err}"
    );
    assert!(
        err.contains("content/models/2023/lam-ha/thap-sang.md:6:"),
        "{err}"
    );
    assert!(err.contains(": error: "), "{err}");
    assert!(
        text(&out.stdout).starts_with("2 error(s)"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn check_json_is_machine_readable() {
    let f = site();
    f.write(
        "content/models/2024/chau-thanh/heo-dat.md",
        &MODEL_A.replace("year: 2024", "year: hai nghìn"),
    );
    let out = f.dvk(&["check", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(v["errors"], 1);
    let p = &v["problems"][0];
    assert_eq!(p["path"], "content/models/2024/chau-thanh/heo-dat.md");
    assert_eq!(p["line"], 3);
    assert_eq!(p["severity"], "error");
    assert!(p["message"].as_str().unwrap().contains("year"));
    // Clean: exit 0, empty list.
    let f = site();
    let out = f.dvk(&["check", "--format", "json"]);
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["problems"].as_array().unwrap().len(), 0);
}

#[test]
fn check_warns_about_same_title_long_summary_and_missing_caption() {
    let f = site();
    f.write(
        "content/models/2024/chau-thanh/heo-dat-2.md",
        &MODEL_A.replace("commune: \"Phú Túc\"", "commune: \"An Khánh\""),
    );
    let long = "Một câu rất dài. ".repeat(20);
    f.write(
        "content/models/2023/lam-ha/thap-sang.md",
        &MODEL_B.replace(
            "results:",
            &format!("summary: \"{long}\"\nphotos:\n  - {{ src: \"anh.png\" }}\nresults:"),
        ),
    );
    std::fs::write(f.root().join("content/models/2023/lam-ha/anh.png"), PNG_1X1).unwrap();
    let out = f.dvk(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<String> = v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{}:{} {} {}",
                p["path"], p["line"], p["severity"], p["message"]
            )
        })
        .collect();
    let all = messages.join("\n");
    assert!(all.contains("heo-dat.md\":2 \"warning\" \"the same title as content/models/2024/chau-thanh/heo-dat-2.md:2 in Châu Thành in 2024"), "{all}");
    assert!(!all.contains("\"error\""), "{all}");
    assert!(
        all.contains("thap-sang.md\":8 \"warning\" \"`summary` has"),
        "{all}"
    );
    assert!(all.contains("no caption"), "{all}");
}

#[test]
fn check_of_a_missing_folder_is_a_usage_error() {
    let f = site();
    let out = f.dvk(&["check", "khong-co-thu-muc"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("is not a folder"));
}

#[test]
fn new_model_writes_a_commented_file_that_passes_check() {
    let f = site();
    let out = f.dvk(&[
        "new",
        "model",
        "Vận động hiến đất làm đường",
        "--year",
        "2024",
        "--district",
        "Châu Thành",
        "--field",
        "kinh te",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let path = text(&out.stdout).trim().to_string();
    assert_eq!(
        path,
        "content/models/2024/chau-thanh/van-dong-hien-dat-lam-duong.md"
    );
    let written = std::fs::read_to_string(f.root().join(&path)).unwrap();
    assert!(
        written.contains("title: \"Vận động hiến đất làm đường\""),
        "{written}"
    );
    assert!(
        written.contains("province: \"Bến Tre\""),
        "province from the district: {written}"
    );
    assert!(written.contains("field: \"Kinh tế\""), "{written}");
    assert!(
        written.contains("# Tỉnh, thành phố theo tên năm công nhận (bắt buộc)"),
        "Vietnamese comments: {written}"
    );
    // Its only errors are the texts still to write, which are never published.
    let out = f.dvk(&["check"]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    let errors: Vec<String> = text(&out.stderr)
        .lines()
        .filter(|l| l.contains(": error: "))
        .map(String::from)
        .collect();
    assert!(!errors.is_empty());
    assert!(
        errors.iter().all(|l| l.contains("left by `dvk new`")),
        "{errors:?}"
    );
    // Never overwrites.
    std::fs::write(f.root().join(&path), "edited by hand").unwrap();
    let out = f.dvk_vi(&[
        "new",
        "model",
        "Vận động hiến đất làm đường",
        "--year",
        "2024",
        "--district",
        "Châu Thành",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("đã có: không ghi gì"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(f.root().join(&path)).unwrap(),
        "edited by hand"
    );
}

#[test]
fn new_model_refuses_unknown_field_and_empty_title() {
    let f = site();
    let out = f.dvk(&[
        "new",
        "model",
        "Mô hình mới",
        "--field",
        "Thể thao",
        "--province",
        "Bến Tre",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("Kinh tế"),
        "lists the fields: {}",
        text(&out.stderr)
    );
    let out = f.dvk_vi(&["new", "model", "  "]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("tiêu đề trống"));
}

#[test]
fn new_model_after_the_reform_goes_under_the_province() {
    let f = site();
    let out = f.dvk(&[
        "new",
        "model",
        "Chợ phiên không tiền mặt",
        "--year",
        "2026",
        "--province",
        "lam dong",
        "--host",
        "Hội Nông dân xã",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "content/models/2026/lam-dong/cho-phien-khong-tien-mat.md"
    );
    let written = std::fs::read_to_string(
        f.root()
            .join("content/models/2026/lam-dong/cho-phien-khong-tien-mat.md"),
    )
    .unwrap();
    assert!(
        written.contains("province: \"Lâm Đồng\""),
        "site spelling: {written}"
    );
    assert!(written.contains("host: \"Hội Nông dân xã\""));
    // No district and the province as the list spells it: the only errors left are the
    // texts still to write.
    let out = f.dvk(&["check"]);
    let stderr = text(&out.stderr);
    assert!(
        stderr
            .lines()
            .filter(|l| l.contains(": error: "))
            .all(|l| l.contains("left by `dvk new`")),
        "{stderr}"
    );
}

#[test]
fn stats_formats_agree() {
    let f = site();
    let out = f.dvk(&["stats", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 2);
    assert_eq!(v["exemplary"], 1);
    assert_eq!(v["years"][0]["year"], 2024);
    let counts: Vec<_> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["count"].clone())
        .collect();
    assert_eq!(counts, [1, 1, 0, 0]);
    let results = v["results"].as_array().unwrap();
    assert!(results
        .iter()
        .any(|r| r["label"] == "Đèn" && r["total"] == 40.0));

    let out = f.dvk(&["stats", "--format", "csv"]);
    assert_eq!(code(&out), 0);
    let csv = text(&out.stdout);
    assert!(
        csv.starts_with(
            "\u{FEFF}section,year,province,district,commune,field,level,result,unit,models,total\n"
        ),
        "{csv}"
    );
    assert!(csv.contains("total,,,,,,,,,2,\n"), "{csv}");
    assert!(
        // The whole site counts by today's provinces: Bến Tre is part of Vĩnh Long.
        csv.contains("district,,Vĩnh Long,Châu Thành (Bến Tre),,Kinh tế,,,,1,\n"),
        "{csv}"
    );
    assert!(csv.contains("result,,,,,,,Heo đất,con,1,12\n"), "{csv}");

    let out = f.dvk(&["stats"]);
    assert_eq!(code(&out), 0);
    let table = text(&out.stdout);
    assert!(
        table.contains("Tổng số 2 mô hình, trong đó 1 mô hình điển hình."),
        "{table}"
    );
    assert!(table.contains("Theo năm công nhận"), "{table}");
    assert!(table.contains("Cấp huyện"), "{table}");

    let out = f.dvk(&["stats", "--year", "2023", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["year"], 2023);
    assert_eq!(v["total"], 1);
}

#[test]
fn stats_with_errors_still_prints_but_exits_1() {
    let f = site();
    f.write(
        "content/models/2023/lam-ha/thap-sang.md",
        &MODEL_B.replace("year: 2023", "year: x"),
    );
    let out = f.dvk(&["stats", "--format", "json"]);
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 1);
    assert!(text(&out.stderr).contains("leave out the documents with errors"));
}

#[test]
fn build_quiet_prints_nothing_and_no_bar_when_not_a_terminal() {
    let f = site();
    let out = f.dvk(&["build", "--quiet"]);
    assert_eq!(code(&out), 0);
    assert!(out.stdout.is_empty());
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
    let out = f.dvk(&["build"]);
    assert!(text(&out.stdout).starts_with("Built 2 models"));
    // Not a terminal: no progress bar drawing characters.
    assert!(!text(&out.stderr).contains('\r'));
}

/// Sets every file of the site a minute back, as files are when an editor rebuilds later
/// (files changed within the last two seconds never allow a skipped build).
fn age_site(root: &std::path::Path) {
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    for dir in ["content", "themes"] {
        for e in walkdir::WalkDir::new(root.join(dir)) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let f = std::fs::File::options().write(true).open(e.path()).unwrap();
                f.set_modified(old).unwrap();
            }
        }
    }
}

fn mtimes(dir: &std::path::Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().to_path_buf(),
                e.metadata().unwrap().modified().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn build_with_nothing_changed_renders_and_writes_nothing_but_any_change_rebuilds() {
    let f = site();
    // A commune not on the official list (a hamlet's name): a build warning.
    f.write(
        "content/models/2024/chau-thanh/moi.md",
        &MODEL_A
            .replace("commune: \"Phú Túc\"", "commune: \"Ấp Phú Lợi\"")
            .replace("Nuôi heo đất", "Heo đất mới"),
    );
    age_site(f.root());
    let first = f.build_ok();
    assert!(
        first.contains("warning"),
        "the fixture has a warning: {first}"
    );
    let before = mtimes(&f.root().join("public"));

    let out = f.dvk(&["build"]);
    assert!(out.status.success());
    assert!(
        text(&out.stdout).contains("Nothing changed"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(
        text(&out.stderr),
        first,
        "the same warnings are shown again"
    );
    assert_eq!(
        mtimes(&f.root().join("public")),
        before,
        "no file rewritten"
    );

    // An edit of the same size, aged like the others: a full build.
    let a = f.root().join("content/models/2024/chau-thanh/heo-dat.md");
    let edited = std::fs::read_to_string(&a)
        .unwrap()
        .replace("heo đất", "heo ĐẤT");
    std::fs::write(&a, edited).unwrap();
    age_site(f.root());
    let out = f.dvk(&["build"]);
    assert!(text(&out.stdout).contains("Built"), "{}", text(&out.stdout));
    let published = mtimes(&f.root().join("public"))
        .into_iter()
        .any(|(p, _)| std::fs::read_to_string(p).is_ok_and(|t| t.contains("heo ĐẤT")));
    assert!(published, "the edit is published");

    // A page deleted from the output: rebuilt.
    std::fs::remove_file(f.root().join("public/thong-ke/index.html")).unwrap();
    let out = f.dvk(&["build"]);
    assert!(text(&out.stdout).contains("Built"), "{}", text(&out.stdout));
    assert!(f.root().join("public/thong-ke/index.html").exists());

    // Other options: a full build.
    let out = f.dvk(&["build", "--drafts"]);
    assert!(text(&out.stdout).contains("Built"), "{}", text(&out.stdout));
}
