//! `dvk import` of spreadsheets: the Excel list of a recognition decision (title rows,
//! merged header, group rows, abbreviations, totals, signature block), the same as
//! OpenDocument and CSV, and the same list imported twice. What is written must pass
//! `dvk check` and build.

mod common;
mod import_support;

use common::Fixture;
use import_support::*;
use std::path::Path;
use std::process::Output;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn site() -> Fixture {
    Fixture::new(None)
}

fn put(f: &Fixture, name: &str, bytes: &[u8]) -> String {
    let p = f.root().join("nhap").join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    format!("nhap/{name}")
}

/// Every file under content/models, relative, sorted.
fn model_files(root: &Path) -> Vec<String> {
    let mut v: Vec<String> = walkdir::WalkDir::new(root.join("content/models"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(root).unwrap().display().to_string())
        .collect();
    v.sort();
    v
}

fn check_clean(f: &Fixture) {
    let out = f.dvk_vi(&["check"]);
    assert_eq!(code(&out), 0, "dvk check failed:\n{}", text(&out.stderr));
}

#[test]
fn decision_list_imports_every_model_with_place_field_level_and_reports_bad_rows() {
    let f = site();
    let file = put(&f, "QD 123 danh sach.xlsx", &decision_xlsx());
    let out = f.dvk_vi(&["import", &file]);
    let err = text(&out.stderr);
    let stdout = text(&out.stdout);
    // Two rows cannot be imported: reported at their cells, the rest is imported.
    assert_eq!(code(&out), 1, "{err}\n{stdout}");
    assert!(
        err.contains("nhap/QD 123 danh sach.xlsx:Danh sách!C20: lỗi: mô hình \"Mô hình chưa ghi đơn vị\" không có đơn vị thực hiện"),
        "{err}"
    );
    assert!(
        err.contains(
            "nhap/QD 123 danh sach.xlsx:Danh sách!F21: lỗi: lĩnh vực \"Thể thao\" không khớp"
        ),
        "{err}"
    );
    assert_eq!(err.matches("lỗi:").count(), 2, "{err}");
    assert!(stdout.contains("Đã nhập 6 mô hình vào 1 tệp"), "{stdout}");
    assert_eq!(
        model_files(f.root()),
        ["content/models/2024/qd-123-danh-sach.yaml"]
    );
    let yaml = std::fs::read_to_string(f.root().join("content/models/2024/qd-123-danh-sach.yaml"))
        .unwrap();
    assert!(
        yaml.starts_with(
            "# Nhập bằng dvk import từ tệp \"QD 123 danh sach.xlsx\", trang tính \"Danh sách\"."
        ),
        "{yaml}"
    );
    for expected in [
        // Field from the group row, place from two columns, exemplary from the note.
        "- title: \"Nuôi heo đất giúp hội viên nghèo\"\n  year: 2024\n  province: \"Bến Tre\"\n  district: \"Châu Thành\"\n  commune: \"Phú Túc\"\n  field: \"Kinh tế\"\n  host: \"Hội Liên hiệp Phụ nữ xã Phú Túc\"\n  level: tinh\n  exemplary: true\n  # Ghi chú: Điển hình\n  # Nguồn: Danh sách!A11\n",
        // Quotes around the whole title dropped; unit words dropped; KT.
        "- title: \"Vận động Nhân dân hiến đất làm đường giao thông nông thôn\"\n  year: 2024\n  province: \"Bến Tre\"\n  district: \"Giồng Trôm\"\n  commune: \"Tân Hào\"\n  field: \"Kinh tế\"\n",
        "  district: \"Mỏ Cày Nam\"\n  field: \"Văn hóa - xã hội\"\n  host: \"Hội Liên hiệp Phụ nữ huyện Mỏ Cày Nam\"\n",
        "  district: \"Thành phố Bến Tre\"\n  commune: \"Phường 7\"\n  field: \"Văn hóa - xã hội\"\n",
        "  district: \"Ba Tri\"\n  field: \"Quốc phòng - an ninh\"\n  host: \"Công an huyện Ba Tri\"\n  level: huyen\n",
        "  district: \"Thạnh Phú\"\n  commune: \"An Thạnh\"\n  field: \"Xây dựng hệ thống chính trị\"\n",
    ] {
        assert!(yaml.contains(expected), "missing:\n{expected}\nin:\n{yaml}");
    }
    // Title rows, the header, totals and the signature block are not models.
    for not in [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Tổng cộng",
        "NGƯỜI LẬP",
        "TRƯỞNG BAN",
        "ĐẢNG CỘNG SẢN",
    ] {
        assert!(!yaml.contains(not), "{not} imported:\n{yaml}");
    }
    check_clean(&f);
    f.build_ok();
    assert!(f.exists("mo-hinh/nuoi-heo-dat-giup-hoi-vien-ngheo/index.html"));

    // Regression: importing the same list again adds nothing and says so.
    let again = f.dvk_vi(&["import", &file]);
    let out2 = text(&again.stdout);
    let err2 = text(&again.stderr);
    assert!(
        out2.contains("Không có gì mới: cả 6 mô hình đều đã có trong trang."),
        "{out2}\n{err2}"
    );
    assert!(
        err2.contains("trang tính \"Danh sách\": 6 mô hình đã có trong trang"),
        "{err2}"
    );
    assert_eq!(
        model_files(f.root()),
        ["content/models/2024/qd-123-danh-sach.yaml"]
    );
}

#[test]
fn dry_run_prints_the_table_and_writes_nothing() {
    let f = site();
    let file = put(&f, "ds.xlsx", &decision_xlsx());
    let out = f.dvk_vi(&["import", "--dry-run", &file]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Nguồn"), "{stdout}");
    assert!(stdout.contains("Ghi vào"), "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.contains("Danh sách!A17"))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(
        row.contains("Tổ tự quản an ninh trật tự ấp văn hóa"),
        "{row}"
    );
    assert!(row.contains("Ba Tri, Bến Tre"), "{row}");
    assert!(row.contains("Quốc phòng - an ninh"), "{row}");
    assert!(row.contains("huyen"), "{row}");
    assert!(row.contains("content/models/2024/ds.yaml"), "{row}");
    assert!(
        stdout.contains("chưa ghi gì: sẽ nhập 6 mô hình"),
        "{stdout}"
    );
    assert!(model_files(f.root()).is_empty());
}

#[test]
fn never_overwrites_a_file_with_the_same_name() {
    let f = site();
    let mine = "- title: \"Một mô hình khác\"\n  year: 2024\n  province: \"Bến Tre\"\n  field: \"Kinh tế\"\n  host: \"Hội Nông dân tỉnh\"\n";
    f.write("content/models/2024/ds.yaml", mine);
    let file = put(&f, "ds.xlsx", &decision_xlsx());
    let out = f.dvk_vi(&["import", &file]);
    assert_eq!(code(&out), 1, "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read_to_string(f.root().join("content/models/2024/ds.yaml")).unwrap(),
        mine
    );
    assert!(f.root().join("content/models/2024/ds-2.yaml").exists());
    check_clean(&f);
}

#[test]
fn ods_list_with_year_and_province_in_the_title() {
    let f = site();
    let rows: Vec<Vec<&str>> = vec![
        vec!["UBND TỈNH LÂM ĐỒNG"],
        vec!["DANH SÁCH MÔ HÌNH DÂN VẬN KHÉO CẤP HUYỆN NĂM 2023"],
        vec![],
        vec!["TT", "Tên mô hình", "Đơn vị chủ trì", "Địa bàn", "Lĩnh vực"],
        vec!["A", "KINH TẾ"],
        vec![
            "1",
            "Nuôi heo đất chung tay giúp phụ nữ khó khăn",
            "Hội Liên hiệp Phụ nữ huyện Lâm Hà",
            "Huyện Lâm Hà",
            "",
        ],
        vec![
            "2",
            "Thắp sáng đường quê",
            "Đoàn Thanh niên xã Tân Hà",
            "xã Tân Hà, huyện Lâm Hà",
            "VH - XH",
        ],
        vec!["", "Cộng", "2"],
    ];
    let file = put(&f, "lam-ha.ods", &ods("Trang tính1", &rows));
    let out = f.dvk_vi(&["import", &file]);
    assert_eq!(
        code(&out),
        0,
        "{}\n{}",
        text(&out.stderr),
        text(&out.stdout)
    );
    let yaml = std::fs::read_to_string(f.root().join("content/models/2023/lam-ha.yaml")).unwrap();
    assert!(yaml.contains("  year: 2023\n  province: \"Lâm Đồng\"\n  district: \"Lâm Hà\"\n  field: \"Kinh tế\"\n  host: \"Hội Liên hiệp Phụ nữ huyện Lâm Hà\"\n  level: huyen\n"), "{yaml}");
    assert!(
        yaml.contains(
            "  district: \"Lâm Hà\"\n  commune: \"Tân Hà\"\n  field: \"Văn hóa - xã hội\"\n"
        ),
        "{yaml}"
    );
    assert_eq!(yaml.matches("- title:").count(), 2, "{yaml}");
    check_clean(&f);
}

#[test]
fn csv_in_semicolons_with_a_year_column_and_combined_places() {
    let f = site();
    let csv = "\u{feff}STT;Tên mô hình;Đơn vị thực hiện;Địa bàn;Lĩnh vực;Năm;Cấp công nhận\n\
        1;Vận động hiến đất mở đường;Hội Nông dân xã Tân Hào;\"Ấp 3, xã Tân Hào, huyện Giồng Trôm\";Kinh tế;2024;Tỉnh\n\
        2;Tổ hòa giải ở cơ sở;Mặt trận Tổ quốc huyện Ba Tri;Huyện Ba Tri;An ninh quốc phòng;2023;Huyện\n\
        3;Dòng có năm sai;Hội Nông dân;Huyện Ba Tri;KT;hai nghìn;Huyện\n";
    let file = put(&f, "ds.csv", csv.as_bytes());
    let out = f.dvk_vi(&["import", "--province", "Bến Tre", &file]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), 1, "{err}");
    assert!(
        err.contains("nhap/ds.csv:ds!F4: lỗi: năm \"hai nghìn\" không đọc được"),
        "{err}"
    );
    let y24 = std::fs::read_to_string(f.root().join("content/models/2024/ds.yaml")).unwrap();
    assert!(y24.contains("  province: \"Bến Tre\"\n  district: \"Giồng Trôm\"\n  commune: \"Tân Hào\"\n  field: \"Kinh tế\"\n"), "{y24}");
    let y23 = std::fs::read_to_string(f.root().join("content/models/2023/ds.yaml")).unwrap();
    assert!(
        y23.contains("  district: \"Ba Tri\"\n  field: \"Quốc phòng - an ninh\"\n"),
        "{y23}"
    );
    check_clean(&f);
}

#[test]
fn a_sheet_without_year_or_header_says_what_to_give() {
    let f = site();
    let csv =
        "STT,Tên mô hình,Đơn vị thực hiện,Lĩnh vực\n1,Nuôi heo đất,Hội Phụ nữ xã Phú Túc,KT\n";
    let file = put(&f, "khong-nam.csv", csv.as_bytes());
    let out = f.dvk_vi(&["import", "--province", "Bến Tre", &file]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), 1, "{err}");
    assert!(err.contains("không cho biết năm công nhận"), "{err}");
    assert!(err.contains("--year"), "{err}");
    let out = f.dvk_vi(&["import", "--province", "Bến Tre", "--year", "2024", &file]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let file = put(&f, "rac.csv", b"a,b,c\n1,2,3\n");
    let out = f.dvk_vi(&["import", "--year", "2024", &file]);
    assert!(
        text(&out.stderr).contains("không trang tính nào có dòng tiêu đề cột"),
        "{}",
        text(&out.stderr)
    );
    check_clean(&f);
}

#[test]
fn old_xls_made_by_libreoffice_imports_like_the_xlsx() {
    let Ok(status) = std::process::Command::new("soffice")
        .arg("--version")
        .output()
    else {
        eprintln!("skipped: LibreOffice (soffice) is not installed; `apt-get install libreoffice-calc` to run this test");
        return;
    };
    if !status.status.success() {
        eprintln!("skipped: soffice does not run");
        return;
    }
    let f = site();
    let xlsx = put(&f, "ds.xlsx", &decision_xlsx());
    let dir = f.root().join("nhap");
    let conv = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "xls", "--outdir"])
        .arg(&dir)
        .arg(f.root().join(&xlsx))
        .output()
        .unwrap();
    if !dir.join("ds.xls").exists() {
        eprintln!(
            "skipped: soffice could not convert the list to .xls: {}",
            text(&conv.stderr)
        );
        return;
    }
    let out = f.dvk_vi(&["import", "nhap/ds.xls"]);
    assert!(
        text(&out.stdout).contains("Đã nhập 6 mô hình"),
        "{}",
        text(&out.stderr)
    );
    check_clean(&f);
}

/// Writes the 10,000-row list of the import benchmark to `$DVK_IMPORT_BENCH_OUT`
/// (`bench/import/run.sh` runs it).
#[test]
#[ignore]
fn make_bench_list() {
    let out =
        std::env::var("DVK_IMPORT_BENCH_OUT").unwrap_or_else(|_| "/tmp/dvk-import-10k.xlsx".into());
    let n = std::env::var("DVK_IMPORT_BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    std::fs::write(&out, big_xlsx(n, 2_500)).unwrap();
    eprintln!("wrote {out} ({n} rows)");
}

#[test]
fn a_long_list_imports_every_row_under_its_group() {
    let f = site();
    let file = put(&f, "lon.xlsx", &big_xlsx(400, 300));
    let out = f.dvk_vi(&["import", &file]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let yaml = std::fs::read_to_string(f.root().join("content/models/2024/lon.yaml")).unwrap();
    assert_eq!(yaml.matches("- title:").count(), 400);
    assert_eq!(yaml.matches("field: \"Kinh tế\"").count(), 300);
    assert_eq!(yaml.matches("field: \"Văn hóa - xã hội\"").count(), 100);
    assert_eq!(yaml.matches("exemplary: true").count(), 8);
    assert_eq!(yaml.matches("level: tinh").count(), 134);
    assert!(!yaml.contains("Nguyễn Văn An"));
    check_clean(&f);
}

/// The lines of standard error that are about `cell` (`nhap/FILE:Sheet!D4`).
fn about<'a>(err: &'a str, cell: &str) -> Vec<&'a str> {
    err.lines()
        .filter(|l| l.starts_with(&format!("{cell}: ")))
        .collect()
}

#[test]
fn places_of_a_2024_list_get_their_official_names_and_unknown_ones_are_reported_at_their_cell() {
    let f = site();
    let rows: Vec<Vec<&str>> = vec![
        vec!["DANH SÁCH MÔ HÌNH \"DÂN VẬN KHÉO\" NĂM 2024"],
        vec![],
        vec![
            "STT",
            "Tên mô hình",
            "Đơn vị thực hiện",
            "Xã, phường, thị trấn",
            "Huyện, thành phố",
            "Tỉnh",
            "Lĩnh vực",
        ],
        // No diacritics anywhere in the place.
        vec![
            "1",
            "Nuôi heo đất giúp hội viên nghèo",
            "Hội Liên hiệp Phụ nữ xã Phú Túc",
            "Phu Tuc",
            "huyen Chau Thanh",
            "Ben Tre",
            "KT",
        ],
        // A misspelt province (wrong tone), district with its unit word.
        vec![
            "2",
            "Vận động Nhân dân hiến đất làm đường",
            "Hội Nông dân xã Tân Hào",
            "xã Tân Hào",
            "Huyện Giồng Trôm",
            "Bến Trè",
            "KT",
        ],
        // A commune that is not on the list: kept, reported with the nearest names.
        vec![
            "3",
            "Tổ hòa giải ở cơ sở",
            "Mặt trận Tổ quốc xã Giao Long",
            "Giao Longg",
            "Châu Thành",
            "Bến Tre",
            "VH-XH",
        ],
        // A province that is not on the list: the row is left out.
        vec![
            "4",
            "Chi bộ ấp gắn bó với dân",
            "Đảng ủy xã An Thạnh",
            "An Thạnh",
            "Thạnh Phú",
            "Bến Treee",
            "XDHTCT",
        ],
        // Another province, a district with a misplaced accent.
        vec![
            "5",
            "Thắp sáng đường quê",
            "Đoàn Thanh niên xã Tân Hà",
            "Tân Hà",
            "Lâm Hả",
            "Lâm Đồng",
            "VHXH",
        ],
    ];
    let file = put(&f, "ds 2024.xlsx", &xlsx("Danh sách", &rows));
    let out = f.dvk_vi(&["import", &file]);
    let err = text(&out.stderr);
    let stdout = text(&out.stdout);
    assert_eq!(code(&out), 1, "{err}\n{stdout}");
    let at = |cell: &str| about(&err, &format!("nhap/ds 2024.xlsx:Danh sách!{cell}")).join("\n");
    // Names without diacritics: the official names, each said at its cell.
    assert!(
        at("D4").contains("“Phu Tuc” được ghi theo tên chính thức “Phú Túc”"),
        "{err}"
    );
    assert!(at("E4").contains("tên chính thức “Châu Thành”"), "{err}");
    assert!(at("F4").contains("tên chính thức “Bến Tre”"), "{err}");
    assert!(
        at("F5").contains("cảnh báo: “Bến Trè” được ghi theo tên chính thức “Bến Tre”"),
        "{err}"
    );
    // A commune one letter from exactly one of the district's: that one, said at its cell.
    assert!(
        at("D6").contains("cảnh báo: “Giao Longg” được ghi theo tên chính thức “Giao Long”"),
        "{err}"
    );
    // The unknown province: an error with the nearest name, the row left out.
    let f7 = at("F7");
    assert!(
        f7.contains("lỗi: tỉnh/thành phố “Bến Treee” không có trong danh mục"),
        "{err}"
    );
    assert!(f7.contains("Có phải: “Bến Tre"), "{err}");
    assert!(at("E8").contains("tên chính thức “Lâm Hà”"), "{err}");
    assert_eq!(err.matches("lỗi:").count(), 1, "{err}");
    assert!(stdout.contains("Đã nhập 4 mô hình vào 1 tệp"), "{stdout}");
    let yaml = std::fs::read_to_string(f.root().join("content/models/2024/ds-2024.yaml")).unwrap();
    for expected in [
        "  province: \"Bến Tre\"\n  district: \"Châu Thành\"\n  commune: \"Phú Túc\"\n",
        "  province: \"Bến Tre\"\n  district: \"Giồng Trôm\"\n  commune: \"Tân Hào\"\n",
        "  province: \"Bến Tre\"\n  district: \"Châu Thành\"\n  commune: \"Giao Long\"\n",
        "  province: \"Lâm Đồng\"\n  district: \"Lâm Hà\"\n  commune: \"Tân Hà\"\n",
    ] {
        assert!(yaml.contains(expected), "missing:\n{expected}\nin:\n{yaml}");
    }
    for not in [
        "Ben Tre",
        "Bến Trè",
        "Bến Treee",
        "Phu Tuc",
        "Giao Longg",
        "Lâm Hả",
        "Chi bộ ấp",
    ] {
        assert!(!yaml.contains(not), "{not} written:\n{yaml}");
    }
    check_clean(&f);
    f.build_ok();
    // The page shows the official names.
    let page = f.read("mo-hinh/nuoi-heo-dat-giup-hoi-vien-ngheo/index.html");
    assert!(
        page.contains("Phú Túc") && page.contains("Châu Thành"),
        "{page}"
    );
    // Imported again (the sheet still misspelt): nothing new.
    let again = f.dvk_vi(&["import", &file]);
    assert!(
        text(&again.stderr).contains("4 mô hình đã có trong trang"),
        "{}",
        text(&again.stderr)
    );
    assert_eq!(model_files(f.root()), ["content/models/2024/ds-2024.yaml"]);
}

#[test]
fn a_2026_list_names_communes_of_the_merged_province_and_no_districts() {
    let f = site();
    let rows: Vec<Vec<&str>> = vec![
        vec!["TỈNH ỦY VĨNH LONG"],
        vec!["DANH SÁCH MÔ HÌNH \"DÂN VẬN KHÉO\" NĂM 2026"],
        vec![],
        vec![
            "STT",
            "Tên mô hình",
            "Đơn vị thực hiện",
            "Địa bàn",
            "Lĩnh vực",
        ],
        // A commune of the former Bến Tre, now in Vĩnh Long.
        vec![
            "1",
            "Nuôi bò vỗ béo giúp hộ nghèo",
            "Hội Nông dân xã Thành Thới",
            "Ấp 3, xã Thành Thới",
            "KT",
        ],
        // Without diacritics.
        vec![
            "2",
            "Dịch vụ công trực tuyến tại nhà",
            "Đoàn Thanh niên xã Tiên Thủy",
            "xã Tien Thuy",
            "VH-XH",
        ],
        // The old province and district written out of habit.
        vec![
            "3",
            "Đường hoa nông thôn mới",
            "Hội Liên hiệp Phụ nữ xã Càng Long",
            "xã Càng Long, huyện Càng Long, tỉnh Trà Vinh",
            "KT",
        ],
        // A commune not on the list.
        vec![
            "4",
            "Chi hội tự quản",
            "Mặt trận Tổ quốc xã Hưng Khánh Trung",
            "xã Hưng Khánh Trun",
            "XDHTCT",
        ],
    ];
    let file = put(&f, "vinh-long-2026.xlsx", &xlsx("DS", &rows));
    let out = f.dvk_vi(&["import", &file]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), 0, "{err}\n{}", text(&out.stdout));
    let at = |cell: &str| about(&err, &format!("nhap/vinh-long-2026.xlsx:DS!{cell}")).join("\n");
    assert!(at("D6").contains("tên chính thức “Tiên Thủy”"), "{err}");
    assert!(
        at("D7").contains("tỉnh “Trà Vinh” đã hợp nhất vào tỉnh Vĩnh Long"),
        "{err}"
    );
    assert!(at("D7").contains("không ghi huyện “Càng Long”"), "{err}");
    assert!(
        at("D8").contains("“Hưng Khánh Trun” được ghi theo tên chính thức “Hưng Khánh Trung”"),
        "{err}"
    );
    let yaml =
        std::fs::read_to_string(f.root().join("content/models/2026/vinh-long-2026.yaml")).unwrap();
    assert_eq!(
        yaml.matches("  province: \"Vĩnh Long\"\n").count(),
        4,
        "{yaml}"
    );
    assert!(!yaml.contains("district:"), "{yaml}");
    for c in ["Thành Thới", "Tiên Thủy", "Càng Long", "Hưng Khánh Trung"] {
        assert!(
            yaml.contains(&format!("  commune: \"{c}\"\n")),
            "{c}:\n{yaml}"
        );
    }
    check_clean(&f);
    f.build_ok();
}
