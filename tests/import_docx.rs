//! `dvk import` of Word write-ups, and of files it must refuse with a clear message: old
//! binary Word, password-protected, damaged, misnamed, web pages saved as `.xls`.

mod common;
mod import_support;

use common::Fixture;
use import_support::*;
use std::process::Output;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn put(f: &Fixture, name: &str, bytes: &[u8]) -> String {
    let p = f.root().join("nhap").join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, bytes).unwrap();
    format!("nhap/{name}")
}

/// A write-up as committees write them: Title style, headings (one in a localised style
/// id), bold and italic, a bulleted and a numbered list, a table, a link, a photo with its
/// description, a caption paragraph, a vector image the web cannot show.
fn write_up() -> Vec<u8> {
    let body = [
        p(
            Some("Title"),
            &[(
                "Nuôi heo đất giúp hội viên nghèo ở xã Phú Túc",
                false,
                false,
            )],
        ),
        p(
            None,
            &[
                ("Chị em phụ nữ xã Phú Túc ", false, false),
                ("góp tiền nuôi heo đất", true, false),
                (" mỗi tháng ", false, false),
                ("(từ năm 2022)", false, true),
                (".", false, false),
            ],
        ),
        p(Some("u1"), &[("Cách làm", false, false)]),
        li(1, "Mỗi chi hội nhận một con heo đất"),
        li(1, "Mỗi tháng góp 20.000 đồng"),
        p(Some("Heading2"), &[("Các bước", false, false)]),
        li(2, "Họp chi hội"),
        li(2, "Trao vốn cho hội viên"),
        table(&[
            &["Năm", "Số hộ được giúp"],
            &["2023", "12"],
            &["2024", "18 | gồm 3 hộ cận nghèo"],
        ]),
        link("rId9", "Xem thêm ", "tin trên cổng thông tin"),
        picture("rId5", "Chị em trao heo đất cho hội viên"),
        picture("rId6", "Picture 2"),
        p(Some("Caption"), &[("Ảnh: Lễ ra mắt mô hình", false, false)]),
        picture("rId7", "Sơ đồ"),
        p(None, &[("* Kết quả: 30 hộ thoát nghèo", false, false)]),
    ]
    .concat();
    let emf = {
        let mut v = vec![1u8, 0, 0, 0];
        v.resize(40, 0);
        v.extend_from_slice(b" EMF");
        v.resize(100, 0);
        v
    };
    docx(
        &body,
        &[
            ("rId5", "image", "media/image1.png", false),
            ("rId6", "image", "media/image2.png", false),
            ("rId7", "image", "media/image3.emf", false),
            (
                "rId9",
                "hyperlink",
                "https://bentre.gov.vn/tin/heo-dat",
                true,
            ),
        ],
        &[
            ("media/image1.png", PNG_1X1),
            ("media/image2.png", PNG_1X1),
            ("media/image3.emf", &emf),
        ],
    )
}

#[test]
fn word_write_up_becomes_markdown_with_photos_and_placeholders() {
    let f = Fixture::new(None);
    let file = put(&f, "Bai viet heo dat.docx", &write_up());
    let out = f.dvk_vi(&[
        "import",
        "--year",
        "2024",
        "--province",
        "Bến Tre",
        "--district",
        "Châu Thành",
        "--commune",
        "Phú Túc",
        "--field",
        "KT",
        "--level",
        "huyen",
        &file,
    ]);
    let err = text(&out.stderr);
    let stdout = text(&out.stdout);
    assert_eq!(code(&out), 0, "{err}\n{stdout}");
    // The vector image is reported at its paragraph and left out.
    assert!(err.contains("nhap/Bai viet heo dat.docx:đoạn 19: cảnh báo: ảnh dạng EMF không dùng được trên trang web"), "{err}");
    // The host was not given: a placeholder, and a message naming it.
    assert!(err.contains("còn thiếu host"), "{err}");
    let rel = "content/models/2024/chau-thanh/nuoi-heo-dat-giup-hoi-vien-ngheo-o-xa-phu-tuc.md";
    assert!(stdout.contains(rel), "{stdout}");
    let md = std::fs::read_to_string(f.root().join(rel)).unwrap();
    for expected in [
        "title: \"Nuôi heo đất giúp hội viên nghèo ở xã Phú Túc\"\nyear: 2024\nprovince: \"Bến Tre\"\ndistrict: \"Châu Thành\"\ncommune: \"Phú Túc\"\nfield: \"Kinh tế\"\nhost: \"(cần điền: đơn vị chủ trì)\"\nlevel: huyen\n",
        "photos:\n  - { src: \"nuoi-heo-dat-giup-hoi-vien-ngheo-o-xa-phu-tuc-anh-1.png\", caption: \"Chị em trao heo đất cho hội viên\" }\n  - { src: \"nuoi-heo-dat-giup-hoi-vien-ngheo-o-xa-phu-tuc-anh-2.png\", caption: \"Lễ ra mắt mô hình\" }\n---\n",
        "Chị em phụ nữ xã Phú Túc **góp tiền nuôi heo đất** mỗi tháng *(từ năm 2022)*.",
        "## Cách làm\n\n- Mỗi chi hội nhận một con heo đất\n- Mỗi tháng góp 20.000 đồng",
        "### Các bước\n\n1. Họp chi hội\n1. Trao vốn cho hội viên",
        "| Năm | Số hộ được giúp |\n| --- | --- |\n| 2023 | 12 |\n| 2024 | 18 \\| gồm 3 hộ cận nghèo |",
        "Xem thêm [tin trên cổng thông tin](https://bentre.gov.vn/tin/heo-dat)",
        "\\* Kết quả: 30 hộ thoát nghèo",
    ] {
        assert!(md.contains(expected), "missing:\n{expected}\nin:\n{md}");
    }
    assert!(
        !md.contains("Ảnh: Lễ ra mắt"),
        "the caption stays with its photo:\n{md}"
    );
    assert!(
        !md.contains("# Nuôi heo đất"),
        "the title is not repeated in the body:\n{md}"
    );
    let dir = f.root().join("content/models/2024/chau-thanh");
    assert_eq!(
        std::fs::read(dir.join("nuoi-heo-dat-giup-hoi-vien-ngheo-o-xa-phu-tuc-anh-1.png")).unwrap(),
        PNG_1X1
    );
    assert!(!dir
        .join("nuoi-heo-dat-giup-hoi-vien-ngheo-o-xa-phu-tuc-anh-3.emf")
        .exists());
    // The missing host is a placeholder, which check reports as an error (never published).
    let check = f.dvk_vi(&["check"]);
    assert_eq!(code(&check), 1, "{}", text(&check.stderr));
    let stderr = text(&check.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(": lỗi: ")).collect();
    assert!(
        !errors.is_empty() && errors.iter().all(|l| l.contains("cần điền")),
        "only the placeholder is an error: {errors:?}"
    );

    // Again: already there, nothing written.
    let again = f.dvk_vi(&[
        "import",
        "--year",
        "2024",
        "--province",
        "Bến Tre",
        "--district",
        "Châu Thành",
        "--commune",
        "Phú Túc",
        "--field",
        "KT",
        &file,
    ]);
    assert!(
        text(&again.stderr).contains("đã có trong trang"),
        "{}",
        text(&again.stderr)
    );
    assert!(!f
        .root()
        .join("content/models/2024/chau-thanh/nuoi-heo-dat-giup-hoi-vien-ngheo-o-xa-phu-tuc-2.md")
        .exists());
}

#[test]
fn word_write_up_with_every_flag_builds() {
    let f = Fixture::new(None);
    let file = put(&f, "heo-dat.docx", &write_up());
    let out = f.dvk_vi(&[
        "import",
        "--year",
        "2024",
        "--province",
        "Bến Tre",
        "--district",
        "Châu Thành",
        "--field",
        "Kinh tế",
        "--host",
        "Hội Liên hiệp Phụ nữ xã Phú Túc",
        &file,
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    f.build_ok();
    let page = f.read("mo-hinh/nuoi-heo-dat-giup-hoi-vien-ngheo-o-xa-phu-tuc/index.html");
    assert!(
        page.contains("<strong>góp tiền nuôi heo đất</strong>"),
        "{page}"
    );
    assert!(page.contains("<table>"), "{page}");
}

fn ole_with(stream: &str) -> Vec<u8> {
    let mut v = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec();
    v.resize(512, 0);
    v.extend(stream.encode_utf16().flat_map(|u| u.to_le_bytes()));
    v.resize(2048, 0);
    v
}

#[test]
fn files_dvk_cannot_read_get_a_clear_message_and_the_rest_imports() {
    let f = Fixture::new(None);
    let doc = put(&f, "bai-cu.doc", &ole_with("WordDocument"));
    let locked = put(&f, "co-mat-khau.xlsx", &ole_with("EncryptedPackage"));
    let broken = put(
        &f,
        "hong.xlsx",
        b"PK\x03\x04\x14\x00\x00\x00 this zip was cut short",
    );
    let html = put(
        &f,
        "xuat-tu-phan-mem.xls",
        b"<html><body><table><tr><td>STT</td></tr></table></body></html>",
    );
    let pdf = put(&f, "quyet-dinh.pdf", b"%PDF-1.7\n");
    let good = put(&f, "ds.xlsx", &decision_xlsx());
    let out = f.dvk_vi(&["import", &doc, &locked, &broken, &html, &pdf, &good]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), 1, "{err}");
    assert!(err.contains("nhap/bai-cu.doc: lỗi: đây là tệp Word cũ (.doc, Word 97–2003), dvk không đọc được: mở bằng Word, chọn Tệp › Lưu thành › Tài liệu Word (.docx)"), "{err}");
    assert!(
        err.contains("nhap/co-mat-khau.xlsx: lỗi: tệp có đặt mật khẩu"),
        "{err}"
    );
    assert!(
        err.contains("nhap/hong.xlsx: lỗi: tệp zip bị hỏng"),
        "{err}"
    );
    assert!(
        err.contains("nhap/xuat-tu-phan-mem.xls: lỗi: tệp này thật ra là một trang web (HTML)"),
        "{err}"
    );
    assert!(
        err.contains("nhap/quyet-dinh.pdf: lỗi: đây là tệp PDF"),
        "{err}"
    );
    assert!(
        text(&out.stdout).contains("Đã nhập 6 mô hình"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_word_file_named_xlsx_is_read_as_word_with_a_warning() {
    let f = Fixture::new(None);
    let file = put(&f, "nham-ten.xlsx", &write_up());
    let out = f.dvk_vi(&[
        "import",
        "--year",
        "2024",
        "--province",
        "Bến Tre",
        "--host",
        "Hội Phụ nữ",
        &file,
    ]);
    let err = text(&out.stderr);
    assert_eq!(code(&out), 0, "{err}");
    assert!(
        err.contains(
            "nhap/nham-ten.xlsx: cảnh báo: tệp mang đuôi .xlsx nhưng thật ra là tệp .docx"
        ),
        "{err}"
    );
    // No field given: the first, with a note saying so.
    assert!(err.contains("đã ghi \"Kinh tế\""), "{err}");
}

#[test]
fn english_messages_with_lang_en() {
    let f = Fixture::new(None);
    let doc = put(&f, "old.doc", &ole_with("WordDocument"));
    let out = f.dvk_vi(&["--lang", "en", "import", &doc]);
    assert!(
        text(&out.stderr).contains("nhap/old.doc: error: this is an old Word file (.doc"),
        "{}",
        text(&out.stderr)
    );
}
