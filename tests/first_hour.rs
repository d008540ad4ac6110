//! An editor's first hour (issue 21): `dvk init` in an empty folder builds at once with the
//! theme built into the binary; a site's theme files override it one by one and `dvk theme
//! export` copies it out; `menu:` drives the header and the other pages are linked from the
//! footer; a model page shows each fact once; `dvk new model|article|page`; `dvk stats` for
//! people and programs (named JSON, CSV with a byte-order mark, rows that add up, communes).

mod common;

use common::Fixture;
use std::path::Path;
use std::process::{Command, Output};

fn dvk_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dvk"))
        .args(args)
        .current_dir(dir)
        .env_remove("DVK_LANG")
        .output()
        .expect("run dvk")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn read(p: impl AsRef<Path>) -> String {
    let p = p.as_ref();
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A site with no `themes/` folder at all: only what the binary holds.
fn bare_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content/models/2024")).unwrap();
    std::fs::write(
        dir.path().join("content/models/2024/heo-dat.md"),
        MODEL_NO_SUMMARY,
    )
    .unwrap();
    dir
}

const MODEL_NO_SUMMARY: &str = r#"---
title: "Nuôi heo đất giúp hội viên nghèo"
year: 2024
province: "Bến Tre"
district: "Châu Thành"
field: "Kinh tế"
host: "Hội Liên hiệp Phụ nữ xã Phú Túc"
results:
  - { label: "Heo đất", value: 12, unit: "con" }
  - { label: "Tiền tiết kiệm", value: 36000000, unit: "đồng" }
---

Đoạn mở đầu độc nhất về chị em góp tiền nuôi heo đất.

## Cách làm

Mỗi tháng góp một ít.
"#;

#[test]
fn init_in_an_empty_folder_checks_and_builds_at_once_without_a_themes_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = dvk_in(tmp.path(), &["init", "trang", "--province", "Quảng Ngãi"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Đã tạo trang mới"), "{stdout}");
    assert!(stdout.contains("dvk serve"), "{stdout}");
    let site = tmp.path().join("trang");
    assert!(!site.join("themes").exists(), "the theme is built in");
    let yaml = read(site.join("content/site.yaml"));
    for key in [
        "title:",
        "base_url:",
        "language:",
        "theme:",
        "fields:",
        "menu:",
        "owner:",
    ] {
        assert!(yaml.contains(key), "site.yaml explains {key}");
    }
    assert!(yaml.contains("# owner:"), "owner is left commented for now");
    let ignore = read(site.join(".gitignore"));
    assert!(
        ignore.contains("/public/") && ignore.contains("/.dvk-cache/"),
        "{ignore}"
    );

    // The example model passes check; the only thing to say is that the owner's details
    // (which init leaves for the editor to write) are still missing.
    let out = dvk_in(&site, &["check", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stdout));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["errors"], 0, "{v}");
    let problems = v["problems"].as_array().unwrap();
    assert!(
        problems.iter().all(|p| p["path"] == "content/site.yaml"
            && p["message"].as_str().unwrap().contains("`owner:`")),
        "{v}"
    );

    let out = dvk_in(&site, &["build"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let public = site.join("public");
    for f in [
        "index.html",
        "style.css",
        "favicon.svg",
        "gioi-thieu/index.html",
        "tim-kiem/index.html",
    ] {
        assert!(public.join(f).is_file(), "{f} is built");
    }
    // The Giới thiệu page is in the header menu.
    let index = read(public.join("index.html"));
    let header = &index[index.find("site-nav").unwrap()..index.find("</header>").unwrap()];
    assert!(
        header.contains("href=\"/gioi-thieu/\">Giới thiệu</a>"),
        "{header}"
    );
    // The example model is a draft: previewed, not published.
    assert!(
        !public.join("mo-hinh").exists()
            || std::fs::read_dir(public.join("mo-hinh"))
                .unwrap()
                .next()
                .is_none()
    );
    let out = dvk_in(&site, &["build", "--drafts", "-o", "nhap"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(site.join("nhap/mo-hinh").is_dir());
}

#[test]
fn init_refuses_a_folder_that_holds_a_site_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(code(&dvk_in(tmp.path(), &["init"])), 0);
    let yaml = tmp.path().join("content/site.yaml");
    std::fs::write(&yaml, "title: \"Của tôi\"\n").unwrap();
    let out = dvk_in(tmp.path(), &["init"]);
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("lỗi: thư mục này đã có một trang"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(read(&yaml), "title: \"Của tôi\"\n");
    // English on request.
    let out = dvk_in(tmp.path(), &["--lang", "en", "init"]);
    assert!(
        text(&out.stderr).contains("holds a site already"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_site_without_themes_builds_with_the_builtin_theme_and_its_files_override_one_by_one() {
    let dir = bare_site();
    let out = dvk_in(dir.path(), &["build"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let builtin_css = read(dir.path().join("public/style.css"));
    assert_eq!(
        builtin_css,
        read(common::repo().join("themes/default/static/style.css"))
    );
    // One file of the site's own replaces the built-in one; the rest stay built in.
    std::fs::create_dir_all(dir.path().join("themes/default/static")).unwrap();
    std::fs::write(
        dir.path().join("themes/default/static/style.css"),
        "body { color: navy }\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("themes/default/static/logo.svg"), "<svg/>").unwrap();
    let out = dvk_in(dir.path(), &["build"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        read(dir.path().join("public/style.css")),
        "body { color: navy }\n"
    );
    assert!(dir.path().join("public/logo.svg").is_file());
    assert!(dir.path().join("public/favicon.svg").is_file());
    // A theme named in site.yaml without its folder is an error naming the folder.
    std::fs::write(dir.path().join("content/site.yaml"), "theme: xanh\n").unwrap();
    let out = dvk_in(dir.path(), &["check"]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("themes/xanh"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn theme_export_copies_the_builtin_theme_and_never_overwrites() {
    let dir = bare_site();
    std::fs::write(dir.path().join("content/site.yaml"), "title: \"X\"\n").unwrap();
    let out = dvk_in(dir.path(), &["theme", "export"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let theme = dir.path().join("themes/default");
    for f in ["templates/base.html", "i18n/vi.yaml", "static/style.css"] {
        assert_eq!(
            std::fs::read(theme.join(f)).unwrap(),
            std::fs::read(common::repo().join("themes/default").join(f)).unwrap(),
            "{f}"
        );
    }
    std::fs::write(theme.join("static/style.css"), "mine").unwrap();
    let out = dvk_in(dir.path(), &["theme", "export"]);
    assert_eq!(code(&out), 2);
    assert_eq!(read(theme.join("static/style.css")), "mine");
    // The exported theme builds the same site.
    assert_eq!(code(&dvk_in(dir.path(), &["build"])), 0);
}

const MENU_SITE: &str = r#"title: "Dân vận khéo"
base_url: "https://example.gov.vn/danvan/"
menu:
  - { label: "Trang chủ", url: "/" }
  - { label: "Thống kê", url: "/thong-ke/" }
  - { label: "Giới thiệu", page: "gioi-thieu" }
  - { label: "Cổng tỉnh", url: "https://tinh.gov.vn/" }
"#;

const PAGE: &str = "---\ntitle: \"{t}\"\n---\n\nNội dung.\n";

#[test]
fn menu_drives_the_header_and_pages_without_an_entry_are_in_the_footer() {
    let f = Fixture::new(Some(MENU_SITE));
    f.write("content/models/2024/heo-dat.md", MODEL_NO_SUMMARY);
    f.write(
        "content/pages/gioi-thieu.md",
        &PAGE.replace("{t}", "Giới thiệu"),
    );
    f.write("content/pages/lien-he.md", &PAGE.replace("{t}", "Liên hệ"));
    f.build_ok();
    let index = f.read("index.html");
    let header = &index[index.find("site-nav").unwrap()..index.find("</header>").unwrap()];
    assert!(
        header.contains("<a href=\"/danvan/\" aria-current=\"page\">Trang chủ</a>"),
        "{header}"
    );
    assert!(
        header.contains("<a href=\"/danvan/thong-ke/\">Thống kê</a>"),
        "{header}"
    );
    assert!(
        header.contains("<a href=\"/danvan/gioi-thieu/\">Giới thiệu</a>"),
        "{header}"
    );
    assert!(
        header.contains("<a href=\"https://tinh.gov.vn/\">Cổng tỉnh</a>"),
        "{header}"
    );
    assert!(
        !header.contains("Theo năm"),
        "the menu replaces the default links: {header}"
    );
    let footer = &index[index.find("site-footer").unwrap()..];
    assert!(
        footer.contains("<a href=\"/danvan/lien-he/\">Liên hệ</a>"),
        "{footer}"
    );
    assert!(!footer.contains("/danvan/gioi-thieu/"), "{footer}");
    // The current section is marked on pages below a menu link.
    let stats = f.read("thong-ke/index.html");
    assert!(stats.contains("<a href=\"/danvan/thong-ke/\" aria-current=\"page\">Thống kê</a>"));
}

#[test]
fn without_a_menu_every_page_is_linked_from_the_footer() {
    let f = Fixture::new(None);
    f.write("content/models/2024/heo-dat.md", MODEL_NO_SUMMARY);
    f.write(
        "content/pages/gioi-thieu.md",
        &PAGE.replace("{t}", "Giới thiệu"),
    );
    f.build_ok();
    let index = f.read("index.html");
    let footer = &index[index.find("site-footer").unwrap()..];
    assert!(
        footer.contains("<a href=\"/gioi-thieu/\">Giới thiệu</a>"),
        "{footer}"
    );
    assert!(index.contains(">Theo năm</a>"), "default header");
}

#[test]
fn a_menu_entry_naming_a_missing_page_is_an_error_at_its_line() {
    let f = Fixture::new(Some(MENU_SITE));
    f.write("content/models/2024/heo-dat.md", MODEL_NO_SUMMARY);
    f.write(
        "content/pages/gioi-thieu-chung.md",
        &PAGE.replace("{t}", "Giới thiệu"),
    );
    let out = f.dvk_vi(&["check"]);
    assert_eq!(code(&out), 1);
    let err = text(&out.stderr);
    assert!(err.contains("content/site.yaml:6:"), "{err}");
    assert!(
        err.contains("gioi-thieu-chung"),
        "lists the pages there are: {err}"
    );
    let f = Fixture::new(Some("menu:\n  - { label: \"X\", url: \"thong-ke\" }\n"));
    let out = f.dvk_vi(&["check"]);
    assert_eq!(code(&out), 1);
    assert!(
        text(&out.stderr).contains("content/site.yaml:2:"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn search_page_names_no_place_of_the_sample_site() {
    let f = Fixture::new(None);
    f.write("content/models/2024/heo-dat.md", MODEL_NO_SUMMARY);
    f.build_ok();
    let search = f.read("tim-kiem/index.html");
    assert!(!search.contains("Lâm Hà"), "{search}");
    for file in walkdir::WalkDir::new(common::repo().join("themes/default")) {
        let file = file.unwrap();
        if file.file_type().is_file() {
            let t = std::fs::read_to_string(file.path()).unwrap_or_default();
            for place in ["Lâm Hà", "Bến Tre", "Nam Trà My", "Đam Rông", "heo đất"] {
                assert!(
                    !t.contains(place),
                    "{} names {place}",
                    file.path().display()
                );
            }
        }
    }
}

#[test]
fn model_page_shows_each_fact_once() {
    let f = Fixture::new(None);
    f.write("content/models/2024/heo-dat.md", MODEL_NO_SUMMARY);
    f.build_ok();
    let page = f.read("mo-hinh/nuoi-heo-dat-giup-hoi-vien-ngheo/index.html");
    let main = &page[page.find("<main").unwrap()..page.find("</main>").unwrap()];
    assert_eq!(
        main.matches("Đoạn mở đầu độc nhất").count(),
        1,
        "a model without summary shows its first paragraph once: {main}"
    );
    assert_eq!(
        main.matches("Tiền tiết kiệm").count(),
        1,
        "results once: {main}"
    );
    assert_eq!(main.matches("36.000.000").count(), 1, "{main}");
    assert_eq!(main.matches(">Kinh tế<").count(), 1, "field once: {main}");
    // A written summary is the lead, and the body's first paragraph stays.
    let f = Fixture::new(None);
    f.write(
        "content/models/2024/heo-dat.md",
        &MODEL_NO_SUMMARY.replace("results:", "summary: \"Tóm tắt riêng.\"\nresults:"),
    );
    f.build_ok();
    let page = f.read("mo-hinh/nuoi-heo-dat-giup-hoi-vien-ngheo/index.html");
    assert!(page.contains("<p class=\"lead\">Tóm tắt riêng.</p>"));
    assert!(page.contains("Đoạn mở đầu độc nhất"));
}

#[test]
fn new_model_takes_commune_host_level_exemplary_and_refuses_a_district_after_the_reform() {
    let f = Fixture::new(None);
    let out = f.dvk_vi(&[
        "new",
        "model",
        "Chợ phiên không dùng tiền mặt",
        "--year",
        "2026",
        "--province",
        "Quảng Ngãi",
        "--commune",
        "Xã Bình Minh",
        "--host",
        "Đoàn Thanh niên xã",
        "--level",
        "cấp xã",
        "--exemplary",
        "--field",
        "kinh te",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let rel = text(&out.stdout).trim().to_string();
    assert_eq!(
        rel,
        "content/models/2026/binh-minh/cho-phien-khong-dung-tien-mat.md"
    );
    let written = read(f.root().join(&rel));
    for line in [
        // The official name, as for the province (the list names a xã without its type).
        "commune: \"Bình Minh\"",
        "host: \"Đoàn Thanh niên xã\"",
        "level: xa",
        "exemplary: true",
        "field: \"Kinh tế\"",
    ] {
        assert!(written.contains(line), "{line} in {written}");
    }
    assert!(!written.contains("\ndistrict:"), "{written}");
    assert!(
        text(&out.stderr).contains("lưu ý: "),
        "{}",
        text(&out.stderr)
    );
    // Its front matter reads back as written.
    let out = f.dvk_vi(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !v["problems"].as_array().unwrap().iter().any(|p| {
            let m = p["message"].as_str().unwrap_or("");
            p["severity"] == "error" && !m.contains("cần điền")
        }),
        "{v}"
    );

    // A district for a model of 2026, or dated on or after 1 July 2025: refused, nothing written.
    for args in [
        vec!["--year", "2026"],
        vec!["--year", "2025", "--date", "2025-07-01"],
    ] {
        let mut all = vec![
            "new",
            "model",
            "Thắp sáng đường quê",
            "--province",
            "Quảng Ngãi",
            "--district",
            "Sơn Tịnh",
        ];
        all.extend(args);
        let out = f.dvk_vi(&all);
        assert_eq!(code(&out), 2, "{all:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("không còn cấp huyện") && err.contains("--commune"),
            "{err}"
        );
    }
    assert!(!f.root().join("content/models/2025").exists());
    // Before the reform a district is fine.
    let out = f.dvk_vi(&[
        "new",
        "model",
        "Thắp sáng đường quê",
        "--year",
        "2024",
        "--province",
        "Quảng Ngãi",
        "--district",
        "Sơn Tịnh",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(read(f.root().join(text(&out.stdout).trim())).contains("district: \"Sơn Tịnh\""));
    // A level that does not exist.
    let out = f.dvk_vi(&[
        "new",
        "model",
        "X",
        "--province",
        "Quảng Ngãi",
        "--level",
        "thôn",
    ]);
    assert_eq!(code(&out), 2);
}

#[test]
fn new_article_and_new_page_write_documents_that_read_back() {
    let f = Fixture::new(None);
    f.write("content/models/2024/heo-dat.md", MODEL_NO_SUMMARY);
    let out = f.dvk_vi(&[
        "new",
        "article",
        "Hội nghị tổng kết phong trào",
        "--date",
        "2026-10-15",
        "--model",
        "nuoi-heo-dat-giup-hoi-vien-ngheo",
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout).trim(),
        "content/news/2026-10-15-hoi-nghi-tong-ket-phong-trao.md"
    );
    let out = f.dvk_vi(&["new", "page", "Liên hệ"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "content/pages/lien-he.md");
    assert!(
        text(&out.stderr).contains("page: \"lien-he\""),
        "{}",
        text(&out.stderr)
    );
    // Again: refused, the file kept.
    let out = f.dvk_vi(&["new", "page", "Liên hệ"]);
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("đã có"), "{}", text(&out.stderr));
    // Both parse: the only problems are the text still to write.
    let out = f.dvk_vi(&["check", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in v["problems"].as_array().unwrap() {
        let m = p["message"].as_str().unwrap();
        assert!(m.contains("cần điền") || m.contains("`owner:`"), "{p}");
    }
    let out = f.dvk_vi(&["new", "article", "X", "--date", "15/10/2026"]);
    assert_eq!(code(&out), 2);
}

/// Two provinces; Bến Tre with a district model and a province-wide one; Quảng Ngãi after the
/// reform, two communes.
fn stats_site() -> Fixture {
    let f = Fixture::new(None);
    f.write("content/models/2024/a.md", MODEL_NO_SUMMARY);
    f.write(
        "content/models/2024/b.md",
        &MODEL_NO_SUMMARY
            .replace("Nuôi heo đất giúp hội viên nghèo", "Toàn tỉnh")
            .replace("district: \"Châu Thành\"\n", "")
            .replace("field: \"Kinh tế\"", "field: \"Văn hóa - xã hội\""),
    );
    for (file, title, commune) in [
        ("c.md", "Chợ phiên", "Xã Bình Minh"),
        ("d.md", "Đèn đường", "xã bình minh"),
        ("e.md", "Áo ấm", "Phường Trà Câu"),
    ] {
        f.write(
            &format!("content/models/2026/{file}"),
            &MODEL_NO_SUMMARY
                .replace("Nuôi heo đất giúp hội viên nghèo", title)
                .replace("year: 2024", "year: 2026")
                .replace("province: \"Bến Tre\"", "province: \"Quảng Ngãi\"")
                .replace(
                    "district: \"Châu Thành\"",
                    &format!("commune: \"{commune}\""),
                ),
        );
    }
    f
}

#[test]
fn stats_json_names_every_count() {
    let f = stats_site();
    let out = f.dvk_vi(&["stats", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["total"], 5);
    assert_eq!(
        v["fields"][0],
        serde_json::json!({"field": "Kinh tế", "slug": "kinh-te", "count": 4})
    );
    assert_eq!(v["years"][0]["fields"][1]["slug"], "van-hoa-xa-hoi");
    let places = v["places"].as_array().unwrap();
    let line = |kind: &str, name: &str| {
        places
            .iter()
            .find(|p| p["kind"] == kind && p["name"] == name)
            .unwrap_or_else(|| panic!("{kind} {name} in {places:?}"))
            .clone()
    };
    // The whole site counts by today's provinces: Bến Tre is part of Vĩnh Long.
    assert_eq!(line("province", "Vĩnh Long")["total"], 2);
    assert_eq!(line("district", "Châu Thành (Bến Tre)")["total"], 1);
    assert_eq!(line("no_district", "Không thuộc huyện nào")["total"], 1);
    let binh_minh = line("commune", "Xã Bình Minh");
    assert_eq!(binh_minh["total"], 2, "one commune whatever the spelling");
    assert_eq!(binh_minh["province"], "Quảng Ngãi");
    assert_eq!(line("commune", "Phường Trà Câu")["total"], 1);
}

#[test]
fn stats_table_district_rows_add_up_and_communes_follow() {
    let f = stats_site();
    let out = f.dvk_vi(&["stats"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let table = text(&out.stdout);
    let row = |name: &str| -> usize {
        let l = table
            .lines()
            .find(|l| l.trim_start().starts_with(name))
            .unwrap_or_else(|| panic!("{name} in {table}"));
        l.split_whitespace().last().unwrap().parse().unwrap()
    };
    assert_eq!(
        row("Vĩnh Long"),
        row("Châu Thành (Bến Tre)") + row("Không thuộc huyện nào")
    );
    assert_eq!(row("Quảng Ngãi"), 3);
    assert_eq!(row("Xã Bình Minh"), 2);
    assert!(
        table.contains("\n  Phường Trà Câu"),
        "communes under their province: {table}"
    );
}

#[test]
fn every_csv_starts_with_a_byte_order_mark_for_excel() {
    let f = stats_site();
    let out = f.dvk_vi(&["stats", "--format", "csv"]);
    assert_eq!(code(&out), 0);
    assert!(out
        .stdout
        .starts_with(b"\xEF\xBB\xBFsection,year,province,district,commune,"));
    let csv = text(&out.stdout);
    assert!(
        csv.contains("commune,,Quảng Ngãi,,Xã Bình Minh,Kinh tế,,,,2,\n"),
        "{csv}"
    );
    assert!(
        csv.contains("no_district,,Vĩnh Long,Không thuộc huyện nào,,Văn hóa - xã hội,,,,1,\n"),
        "{csv}"
    );
    f.build_ok();
    let mut csvs = 0;
    for e in walkdir::WalkDir::new(f.root().join("public")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "csv") {
            let b = std::fs::read(e.path()).unwrap();
            assert!(
                b.starts_with(b"\xEF\xBB\xBF"),
                "{} has no BOM",
                e.path().display()
            );
            csvs += 1;
        }
    }
    assert!(csvs >= 3, "{csvs} CSV files");
}

/// The statistics page (item 6 of issue 21): the models recognised since 1 July 2025 per
/// commune, under today's province, with the numbers of `dvk stats`; a commune named by a
/// model before the reform is not one of them.
#[test]
fn the_statistics_page_counts_communes_after_the_reform_as_the_command_does() {
    let f = stats_site();
    f.write(
        "content/models/2024/g.md",
        &MODEL_NO_SUMMARY
            .replace("Nuôi heo đất giúp hội viên nghèo", "Giếng nước sạch")
            .replace("district: \"Châu Thành\"", "commune: \"Xã Phú Túc\""),
    );
    let out = f.dvk_vi(&["stats", "--format", "json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let communes: Vec<(String, String, u64)> = v["places"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "commune")
        .map(|p| {
            (
                p["province"].as_str().unwrap().to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["total"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        communes,
        vec![
            ("Quảng Ngãi".to_string(), "Phường Trà Câu".to_string(), 1),
            ("Quảng Ngãi".to_string(), "Xã Bình Minh".to_string(), 2),
        ],
        "only the communes of models after the reform"
    );
    f.build_ok();
    let html = read(f.root().join("public/thong-ke/index.html"));
    let start = html
        .find("id=\"bd-xa-h\"")
        .unwrap_or_else(|| panic!("no commune table on the statistics page"));
    let section = &html[start..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("xã, phường, đặc khu"), "{section}");
    assert!(section.contains(">Quảng Ngãi</a>"), "{section}");
    assert!(!section.contains("Phú Túc"), "{section}");
    let csv = std::fs::read(f.root().join("public/thong-ke/mo-hinh-theo-xa.csv")).unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let csv = text(&csv[3..]);
    assert!(csv.starts_with("\"Tỉnh, thành phố\","), "{csv}");
    assert!(csv.contains("\nQuảng Ngãi,,3\n"), "{csv}");
    for (province, name, total) in &communes {
        assert!(
            section.contains(&format!(">{name}<")),
            "{name} in the page's table: {section}"
        );
        assert!(
            csv.contains(&format!("\n{province},{name},{total}\n")),
            "{name}: {total} as in `dvk stats`: {csv}"
        );
    }
}
