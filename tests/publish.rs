//! Publishing as an agency's site (issue 26): precompressed copies, the owner's details, the
//! yearly report in the official layout and as a Word file, fingerprinted assets.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod common;

use common::{model, Fixture};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::Path;

const OWNER: &str = "owner:\n  name: \"Ban Dân vận Tỉnh ủy Bến Tre\"\n  parent: \"Tỉnh ủy Bến Tre\"\n  address: \"Số 7, đường Cách Mạng Tháng Tám, thành phố Bến Tre\"\n  phone: \"0275 3822 000\"\n  email: \"bandanvan@example.gov.vn\"\n  responsible: \"Trưởng Ban Dân vận Tỉnh ủy\"\n";

const REPORT: &str = "report:\n  place: \"Bến Tre\"\n  date: \"30/12\"\n  number: \"125-BC/BDVTU\"\n  signer: { on_behalf: \"T/M Ban Dân vận\", title: \"Trưởng Ban\", name: \"Nguyễn Văn A\" }\n  recipients: [\"Ban Dân vận Trung ương (b/c)\", \"Thường trực Tỉnh ủy (b/c)\", \"Lưu VP\"]\n";

fn site(extra_yaml: &str) -> Fixture {
    let f = Fixture::new(Some(&format!(
        "title: \"Dân vận khéo Bến Tre\"\nbase_url: \"https://danvan.example.gov.vn/\"\n{extra_yaml}"
    )));
    let long = "Người dân tự nguyện hiến đất, góp công làm đường giao thông nông thôn. ".repeat(30);
    f.write(
        "content/models/2024/hien-dat.md",
        &model(
            "Vận động Nhân dân hiến đất làm đường",
            2024,
            "Bến Tre",
            Some("Châu Thành"),
            "Kinh tế",
            "exemplary: true\nlevel: tinh\nsummary: \"Hiến đất mở đường.\"\nresults:\n  - { label: \"Đất hiến\", value: 30638, unit: \"m²\" }\n",
            &long,
        ),
    );
    f.write(
        "content/models/2024/an-ninh.md",
        &model(
            "Tổ tự quản an ninh trật tự",
            2024,
            "Bến Tre",
            Some("Ba Tri"),
            "Quốc phòng - an ninh",
            "level: huyen\n",
            "Tổ tự quản giữ gìn an ninh ở ấp.",
        ),
    );
    f.write(
        "content/pages/gioi-thieu.md",
        "---\ntitle: \"Giới thiệu\"\n---\n\nTrang giới thiệu phong trào.\n",
    );
    f
}

fn public(f: &Fixture) -> std::path::PathBuf {
    f.root().join("public")
}

fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .collect()
}

fn gunzip(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(b)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unbrotli(b: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    brotli::Decompressor::new(b, 4096)
        .read_to_end(&mut out)
        .unwrap();
    out
}

const TEXT: &[&str] = &["html", "css", "js", "json", "xml", "svg", "csv", "txt"];

fn is_text(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| TEXT.contains(&e.to_string_lossy().as_ref()))
}

/// Every text file of 1 KB or more has a .gz and a .br decompressing to exactly it; no other
/// file has one. Returns how many files have copies.
fn assert_precompressed(out: &Path) -> usize {
    let mut n = 0;
    for p in files(out) {
        let name = p.to_string_lossy().into_owned();
        if name.ends_with(".gz") || name.ends_with(".br") {
            let source = Path::new(&name[..name.len() - 3]);
            assert!(
                is_text(source),
                "compressed copy of a non-text file: {name}"
            );
            assert!(source.is_file(), "copy without its file: {name}");
            continue;
        }
        let (gz, br) = (format!("{name}.gz"), format!("{name}.br"));
        let bytes = std::fs::read(&p).unwrap();
        if is_text(&p) && bytes.len() >= 1024 {
            n += 1;
            let gz = std::fs::read(&gz).unwrap_or_else(|_| panic!("{gz} missing"));
            let br = std::fs::read(&br).unwrap_or_else(|_| panic!("{br} missing"));
            assert_eq!(gunzip(&gz), bytes, "{name}.gz");
            assert_eq!(unbrotli(&br), bytes, "{name}.br");
        } else {
            assert!(
                !Path::new(&gz).exists() && !Path::new(&br).exists(),
                "{name}: {} bytes, copies made",
                bytes.len()
            );
        }
    }
    n
}

#[test]
fn precompress_gives_every_text_file_of_1kb_a_gz_and_a_br_that_decompress_to_it() {
    let f = site(OWNER);
    let out = f.dvk_vi(&["build", "--precompress"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let n = assert_precompressed(&public(&f));
    assert!(n >= 10, "only {n} files compressed");
    // Files under 1 KB are left alone (robots.txt is small).
    assert!(f.exists("robots.txt") && !f.exists("robots.txt.gz"));
    assert!(f.exists("index.html.br") && f.exists("du-lieu/mo-hinh.json.gz"));
}

#[test]
fn unchanged_files_keep_their_compressed_copies_and_changed_ones_get_new_ones() {
    let f = site(&format!("{OWNER}publish: {{ precompress: true }}\n"));
    f.build_ok();
    let ino = |rel: &str| std::fs::metadata(public(&f).join(rel)).unwrap().ino();
    let model_page = "mo-hinh/to-tu-quan-an-ninh-trat-tu/index.html";
    assert!(
        f.exists(&format!("{model_page}.br")),
        "site.yaml's publish.precompress is obeyed"
    );
    let kept = ino(&format!("{model_page}.br"));
    let kept_gz = ino(&format!("{model_page}.gz"));
    let index_br = ino("index.html.br");
    // Change one model's body: its page changes, the other model's page does not.
    f.write(
        "content/models/2024/hien-dat.md",
        &model(
            "Vận động Nhân dân hiến đất làm đường",
            2024,
            "Bến Tre",
            Some("Châu Thành"),
            "Kinh tế",
            "exemplary: true\nlevel: tinh\nsummary: \"Hiến đất mở đường.\"\n",
            &"Nội dung đã sửa, dài hơn một nghìn byte. ".repeat(40),
        ),
    );
    f.build_ok();
    assert_eq!(
        ino(&format!("{model_page}.br")),
        kept,
        "an unchanged page's .br was made again"
    );
    assert_eq!(ino(&format!("{model_page}.gz")), kept_gz);
    let changed = "mo-hinh/van-dong-nhan-dan-hien-dat-lam-duong/index.html";
    let page = std::fs::read(public(&f).join(changed)).unwrap();
    assert_eq!(
        unbrotli(&std::fs::read(public(&f).join(format!("{changed}.br"))).unwrap()),
        page
    );
    assert_eq!(
        gunzip(&std::fs::read(public(&f).join(format!("{changed}.gz"))).unwrap()),
        page
    );
    assert_precompressed(&public(&f));
    let _ = index_br;
    // Nothing changed: the next build rewrites no file and no compressed copy.
    let stamps = |f: &Fixture| -> Vec<(std::path::PathBuf, u64)> {
        files(&public(f))
            .into_iter()
            .map(|p| {
                let ino = std::fs::metadata(&p).unwrap().ino();
                (p, ino)
            })
            .collect()
    };
    let before = stamps(&f);
    f.build_ok();
    assert_eq!(
        stamps(&f),
        before,
        "a build with nothing changed rewrote files"
    );
    // Turned off: the copies go.
    f.write(
        "content/site.yaml",
        &format!("title: \"Dân vận khéo Bến Tre\"\nbase_url: \"https://danvan.example.gov.vn/\"\n{OWNER}"),
    );
    f.build_ok();
    assert!(files(&public(&f))
        .iter()
        .all(|p| !p.to_string_lossy().ends_with(".br")));
}

#[test]
fn the_owner_is_in_every_page_footer_and_on_the_gioi_thieu_page() {
    let f = site(OWNER);
    f.build_ok();
    let mut pages = 0;
    for p in files(&public(&f)) {
        if p.extension().is_some_and(|e| e == "html") {
            pages += 1;
            let html = std::fs::read_to_string(&p).unwrap();
            let footer = &html[html
                .find("<footer class=\"site-footer\"")
                .unwrap_or_else(|| panic!("{}: no footer", p.display()))..];
            for want in [
                "Ban Dân vận Tỉnh ủy Bến Tre",
                "Tỉnh ủy Bến Tre",
                "0275 3822 000",
                "bandanvan@example.gov.vn",
                "Trưởng Ban Dân vận Tỉnh ủy",
                "Cách Mạng Tháng Tám",
            ] {
                assert!(
                    footer.contains(want),
                    "{}: footer lacks {want}",
                    p.display()
                );
            }
        }
    }
    assert!(pages > 10);
    let about = f.read("gioi-thieu/index.html");
    let main = &about[about.find("<main").unwrap()..about.find("</main>").unwrap()];
    assert!(
        main.contains("Cơ quan chủ quản")
            && main.contains("Ban Dân vận Tỉnh ủy Bến Tre")
            && main.contains("mailto:bandanvan@example.gov.vn"),
        "{main}"
    );
}

#[test]
fn check_warns_in_vietnamese_while_the_owner_is_missing() {
    let f = site("owner:\n  name: \"Ban Dân vận\"\n");
    let out = f.dvk_vi(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("content/site.yaml")
            && err.contains("chưa ghi đủ thông tin cơ quan chủ quản")
            && err.contains("parent, address, phone, email, responsible"),
        "{err}"
    );
    let f = site(OWNER);
    let err = String::from_utf8_lossy(&f.dvk_vi(&["check"]).stderr).into_owned();
    assert!(!err.contains("cơ quan chủ quản"), "{err}");
}

fn docx_xml(path: &Path) -> String {
    let mut z = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).expect("a zip file");
    let mut x = String::new();
    z.by_name("word/document.xml")
        .unwrap()
        .read_to_string(&mut x)
        .unwrap();
    for part in ["[Content_Types].xml", "_rels/.rels", "word/styles.xml"] {
        assert!(z.by_name(part).is_ok(), "{part}");
    }
    x
}

/// Every block of the layout, in order, in `text`.
fn assert_blocks_in_order(text: &str, blocks: &[&str], what: &str) {
    let mut at = 0;
    for b in blocks {
        match text[at..].find(b) {
            Some(i) => at += i + b.len(),
            None => panic!("{what}: `{b}` missing or out of order"),
        }
    }
}

const PARTY_BLOCKS: &[&str] = &[
    "TỈNH ỦY BẾN TRE",
    "BAN DÂN VẬN TỈNH ỦY BẾN TRE",
    "*",
    "Số 125-BC/BDVTU",
    "ĐẢNG CỘNG SẢN VIỆT NAM",
    "Bến Tre, ngày 30 tháng 12 năm 2024",
    "BÁO CÁO",
    "Kết quả thực hiện phong trào thi đua “Dân vận khéo” năm 2024",
    "Năm 2024 có 2 mô hình",
    "Vận động Nhân dân hiến đất làm đường",
    "Nơi nhận:",
    "- Ban Dân vận Trung ương (b/c),",
    "- Lưu VP.",
    "T/M BAN DÂN VẬN",
    "TRƯỞNG BAN",
    "Nguyễn Văn A",
];

#[test]
fn the_yearly_report_has_every_block_of_the_party_layout_on_the_page_and_in_the_word_file() {
    let f = site(&format!("{OWNER}{REPORT}"));
    f.build_ok();
    let html = f.read("nam/2024/bao-cao/index.html");
    let text = html
        .replace("<strong>", "")
        .replace("</strong>", "")
        .replace("<em>", "")
        .replace("</em>", "")
        .replace("&quot;", "\"");
    assert_blocks_in_order(&text, PARTY_BLOCKS, "report page");
    assert!(
        html.contains("href=\"bao-cao-dan-van-kheo-2024.docx\""),
        "no link to the Word file"
    );
    assert!(!html.contains("CỘNG HÒA XÃ HỘI"));
    let docx = public(&f).join("nam/2024/bao-cao/bao-cao-dan-van-kheo-2024.docx");
    let xml = docx_xml(&docx);
    assert_blocks_in_order(&xml, PARTY_BLOCKS, "Word file");
    for counts in [
        "Kinh tế",
        "Quốc phòng - an ninh",
        "Cấp tỉnh",
        "Cấp huyện",
        "Châu Thành",
        "Ba Tri",
        "Đất hiến",
        "30.638 m²",
    ] {
        assert!(xml.contains(counts), "Word file lacks {counts}");
    }
    // A4 with the layout's margins: top and bottom 20 mm, left 30 mm, right 15 mm.
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/><w:pgMar w:top=\"1134\" w:right=\"850\" w:bottom=\"1134\" w:left=\"1701\""), "page setup");
    let css = std::fs::read_to_string(f.root().join("themes/default/static/report.css")).unwrap();
    assert!(css.contains("@page{size:A4;margin:20mm 15mm 20mm 30mm}"));
    convert_with_libreoffice(&docx, PARTY_BLOCKS);
}

#[test]
fn the_state_layout_and_a_report_without_number_or_date_leave_blanks_for_the_office() {
    let report = "report:\n  place: \"Bến Tre\"\n  layout: nha-nuoc\n  signer: { title: \"Trưởng Ban\", name: \"Nguyễn Văn A\" }\n  recipients: [\"Lưu VT\"]\n";
    let f = site(&format!("{OWNER}{report}"));
    f.build_ok();
    let html = f.read("nam/2024/bao-cao/index.html");
    let blocks = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Bến Tre, ngày …… tháng …… năm 2024",
        "BÁO CÁO",
        "Nơi nhận:",
        "- Lưu VT.",
        "TRƯỞNG BAN",
    ];
    assert_blocks_in_order(
        &html
            .replace("<strong>", "")
            .replace("</strong>", "")
            .replace("<em>", "")
            .replace("</em>", ""),
        &blocks,
        "state report page",
    );
    assert!(html.contains("Số: …/BC-…") && !html.contains("ĐẢNG CỘNG SẢN"));
    let docx = public(&f).join("nam/2024/bao-cao/bao-cao-dan-van-kheo-2024.docx");
    let xml = docx_xml(&docx);
    assert!(xml.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") && xml.contains("Số: …/BC-…"));
    assert!(!xml.contains("ĐẢNG CỘNG SẢN"));
}

#[test]
fn bad_report_settings_are_reported_at_their_line_in_vietnamese() {
    let f = site("report:\n  date: \"31/02\"\n  layout: chinh-phu\n");
    let out = f.dvk_vi(&["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/site.yaml:4:3:") && err.contains("không phải ngày/tháng"),
        "{err}"
    );
    assert!(
        err.contains("content/site.yaml:5:3:") && err.contains("`nha-nuoc`"),
        "{err}"
    );
}

/// Converts the Word file to text with LibreOffice, when installed, and looks for the blocks.
fn convert_with_libreoffice(docx: &Path, blocks: &[&str]) {
    let Some(soffice) = ["soffice", "libreoffice"].into_iter().find(|c| {
        std::process::Command::new(c)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        println!("SKIP: opening the report's Word file in LibreOffice: not installed (apt-get install -y libreoffice-writer-nogui)");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(soffice)
        .arg(format!(
            "-env:UserInstallation=file://{}/profile",
            dir.path().display()
        ))
        .args([
            "--headless",
            "--convert-to",
            "txt:Text (encoded):UTF8",
            "--outdir",
        ])
        .arg(dir.path())
        .arg(docx)
        .output()
        .unwrap();
    let txt = dir
        .path()
        .join(docx.with_extension("txt").file_name().unwrap());
    let text = std::fs::read_to_string(&txt).unwrap_or_else(|e| {
        panic!(
            "LibreOffice did not convert the Word file ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let text = text.replace('\u{feff}', "");
    for b in blocks {
        assert!(
            text.contains(b),
            "LibreOffice's text of the Word file lacks `{b}`:\n{text}"
        );
    }
}

#[test]
fn stylesheets_and_scripts_are_fingerprinted_and_referenced_by_their_new_names() {
    let f = site(OWNER);
    f.build_ok();
    let index = f.read("index.html");
    let at = index.find("href=\"/style.").expect("stylesheet link") + "href=\"/".len();
    let name = &index[at..at + index[at..].find('"').unwrap()];
    assert!(name.len() == "style.0123456789.css".len(), "{name}");
    assert_eq!(f.read(name), f.read("style.css"));
    let search = f.read("tim-kiem/index.html");
    let at = search.find("src=\"/tim-kiem/search.").expect("script") + "src=\"/".len();
    let js = &search[at..at + search[at..].find('"').unwrap()];
    assert!(js.ends_with(".js") && js != "tim-kiem/search.js", "{js}");
    assert_eq!(f.read(js), f.read("tim-kiem/search.js"));
    let report = f.read("nam/2024/bao-cao/index.html");
    assert!(report.contains("/report.") && !report.contains("\"/report.css\""));
}
