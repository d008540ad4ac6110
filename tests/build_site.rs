//! Integration tests of `dvk build` on fixture sites: every rule of CONTENT-FORMAT.md that
//! shapes the output.

mod common;
use common::{model, Fixture};
use unicode_normalization::UnicodeNormalization;

#[test]
fn the_sample_site_builds_every_url_of_the_contract() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_dvk"))
        .args([
            "build",
            common::repo().to_str().unwrap(),
            "-o",
            public.to_str().unwrap(),
            "-q",
        ])
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    for path in [
        "index.html",
        "dien-hinh/index.html",
        "tim-kiem/index.html",
        "tin-tuc/index.html",
        "thong-ke/index.html",
        "du-lieu/mo-hinh.json",
        "du-lieu/mo-hinh.csv",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "gioi-thieu/index.html",
        "linh-vuc/kinh-te/index.html",
        "linh-vuc/van-hoa-xa-hoi/index.html",
        "linh-vuc/quoc-phong-an-ninh/index.html",
        "linh-vuc/xay-dung-he-thong-chinh-tri/index.html",
        "dia-ban/lam-dong/index.html",
        "dia-ban/lam-dong/lam-ha/index.html",
        "dia-ban/ben-tre/index.html",
        "nam/2023/index.html",
        "nam/2023/bao-cao/index.html",
        "nam/2023/trang/2/index.html",
        "style.css",
    ] {
        assert!(public.join(path).is_file(), "missing {path}");
    }
    let data: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(public.join("du-lieu/mo-hinh.json")).unwrap(),
    )
    .unwrap();
    let models = data.as_array().unwrap();
    assert!(models.len() >= 30);
    for m in models {
        let slug = m["slug"].as_str().unwrap();
        assert!(
            public.join(format!("mo-hinh/{slug}/index.html")).is_file(),
            "no page for {slug}"
        );
    }
    let csv = std::fs::read_to_string(public.join("du-lieu/mo-hinh.csv")).unwrap();
    assert_eq!(
        csv::Reader::from_reader(csv.as_bytes()).records().count(),
        models.len()
    );
    // The footer tells the truth about JavaScript: none, except on the search page.
    let read = |p: &str| std::fs::read_to_string(public.join(p)).unwrap();
    assert!(read("index.html").contains("Trang không dùng JavaScript"));
    let search = read("tim-kiem/index.html");
    assert!(!search.contains("Trang không dùng JavaScript"));
    assert!(search.contains("Trang tìm kiếm dùng một tệp JavaScript nhỏ"));
}

#[test]
fn model_page_has_breadcrumb_metadata_results_and_escaped_title() {
    let f = Fixture::new(None);
    f.write(
        "content/models/2024/chau-thanh/hien-dat.md",
        &model(
            "Hiến đất <mở> đường & \\\"cầu\\\"",
            2024,
            "Bến Tre",
            Some("Châu Thành"),
            "kinh te",
            "commune: \"Phú Túc\"\nlevel: tinh\nexemplary: true\nresults:\n  - { label: \"Đất hiến\", value: 30638, unit: \"m²\" }\n  - { label: \"Kinh phí\", value: 632000000, unit: \"đồng\" }\ntags: [\"nông thôn mới\"]\n",
            "Người dân **hiến đất**.\n\n## Cách làm\n\nHọp dân.",
        ),
    );
    f.build_ok();
    let html = f.read("mo-hinh/hien-dat-mo-duong-cau/index.html");
    assert!(
        html.contains("Hiến đất &lt;mở&gt; đường &amp; &quot;cầu&quot;"),
        "title not escaped"
    );
    assert!(!html.contains("<mở>"));
    assert!(
        html.contains("30.638") && html.contains("632.000.000"),
        "results not formatted"
    );
    assert!(
        html.contains("href=\"/nam/2024/\"")
            && html.contains("href=\"/dia-ban/ben-tre/\"")
            && html.contains("href=\"/dia-ban/ben-tre/chau-thanh/\"")
    );
    assert!(html.contains("Kinh tế"), "field label shown");
    assert!(html.contains("id=\"cach-lam\""), "heading anchor");
    assert!(html.contains("property=\"og:title\""), "Open Graph");
    assert!(html.contains("lang=\"vi\""));
    let ex = f.read("dien-hinh/index.html");
    assert!(ex.contains("/mo-hinh/hien-dat-mo-duong-cau/"));
}

#[test]
fn duplicate_titles_get_distinct_stable_slugs() {
    let f = Fixture::new(None);
    let older = model(
        "Nuôi heo đất",
        2022,
        "Lâm Đồng",
        Some("Lâm Hà"),
        "Kinh tế",
        "commune: \"Phi Tô\"\n",
        "Một.",
    );
    let newer = model(
        "Nuôi heo đất",
        2023,
        "Lâm Đồng",
        Some("Lâm Hà"),
        "Kinh tế",
        "commune: \"Đan Phượng\"\n",
        "Hai.",
    );
    f.write("content/models/b/heo.md", &older)
        .write("content/models/a/heo.md", &newer);
    f.build_ok();
    assert!(
        f.read("mo-hinh/nuoi-heo-dat/index.html").contains("Một."),
        "the older keeps the plain slug"
    );
    assert!(f
        .read("mo-hinh/nuoi-heo-dat-dan-phuong/index.html")
        .contains("Hai."));
    // A third namesake added later moves neither page.
    f.write(
        "content/models/c/heo.md",
        &model(
            "Nuôi heo đất",
            2024,
            "Lâm Đồng",
            Some("Lâm Hà"),
            "Kinh tế",
            "commune: \"Phi Tô\"\n",
            "Ba.",
        ),
    );
    f.build_ok();
    assert!(f.read("mo-hinh/nuoi-heo-dat/index.html").contains("Một."));
    assert!(f
        .read("mo-hinh/nuoi-heo-dat-dan-phuong/index.html")
        .contains("Hai."));
    assert!(f
        .read("mo-hinh/nuoi-heo-dat-phi-to/index.html")
        .contains("Ba."));
}

#[test]
fn decomposed_text_is_published_composed_and_places_merge() {
    let f = Fixture::new(None);
    let nfd = |s: &str| s.nfd().collect::<String>();
    f.write(
        "content/models/a.md",
        &model(
            &nfd("Tổ hợp tác dâu tằm"),
            2021,
            &nfd("Lâm Đồng"),
            Some(&nfd("Lâm Hà")),
            "kinh te",
            "",
            &nfd("Đồng bào trồng dâu."),
        ),
    );
    f.write(
        "content/models/b.md",
        &model(
            "Mô hình hai",
            2021,
            "lam dong",
            Some("Lam Ha"),
            "Kinh tế",
            "",
            "Hai.",
        ),
    );
    f.write(
        "content/models/c.md",
        &model(
            "Mô hình ba",
            2021,
            "LÂM ĐỒNG",
            Some("lâm hà"),
            "Kinh tế",
            "",
            "Ba.",
        ),
    );
    f.build_ok();
    let html = f.read("mo-hinh/to-hop-tac-dau-tam/index.html");
    assert!(
        html.contains("Tổ hợp tác dâu tằm") && html.contains("Đồng bào trồng dâu."),
        "NFC output"
    );
    assert!(!html.contains(&nfd("Tổ hợp")));
    let district = f.read("dia-ban/lam-dong/lam-ha/index.html");
    for t in ["Tổ hợp tác dâu tằm", "Mô hình hai", "Mô hình ba"] {
        assert!(
            district.contains(t),
            "{t} not merged into one district page"
        );
    }
    assert!(
        district.contains("Lâm Hà") && district.contains("Lâm Đồng"),
        "accented spelling shown"
    );
    let dirs: Vec<_> = std::fs::read_dir(f.root().join("public/dia-ban"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .collect();
    assert_eq!(dirs.len(), 1, "one province folder");
}

#[test]
fn province_wide_and_post_reform_models_are_listed_on_the_province_page() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model(
            "Cả tỉnh chung sức",
            2019,
            "Gia Lai",
            None,
            "Kinh tế",
            "",
            "Toàn tỉnh.",
        ),
    );
    f.write(
        "content/models/b.md",
        &model(
            "Xã mới sau sắp xếp",
            2025,
            "Gia Lai",
            None,
            "Kinh tế",
            "commune: \"Ia Grai\"\ndate: 2025-10-15\n",
            "Sau 1/7/2025.",
        ),
    );
    let stderr = f.build_ok();
    assert!(!stderr.contains("no district level"), "{stderr}");
    let p = f.read("dia-ban/gia-lai/index.html");
    assert!(p.contains("Cả tỉnh chung sức") && p.contains("Xã mới sau sắp xếp"));
    let m = f.read("mo-hinh/xa-moi-sau-sap-xep/index.html");
    assert!(m.contains("Ia Grai"));
}

#[test]
fn raw_html_in_bodies_is_sanitised() {
    let f = Fixture::new(None);
    f.write(
        "content/models/x.md",
        &model("An toàn", 2020, "Bến Tre", None, "Kinh tế", "", "<script>alert(1)</script>\n\n<p onclick=\"alert(2)\">đoạn</p> <a href=\"javascript:alert(3)\">x</a> <iframe src=\"https://evil.example\"></iframe> <b>đậm</b>\n\n[y](javascript:alert(4)) [z](data:text/html,x) [ok](https://example.org/)"),
    );
    f.build_ok();
    let html = f.read("mo-hinh/an-toan/index.html");
    for bad in [
        "<script>alert",
        "onclick",
        "href=\"javascript:",
        "href=\"data:",
        "<iframe",
    ] {
        assert!(!html.contains(bad), "{bad} survived");
    }
    assert!(html.contains("<b>đậm</b>"));
    assert!(html.contains("href=\"https://example.org/\""));
}

#[test]
fn sub_path_base_url_puts_every_link_under_it() {
    let f = Fixture::new(Some(
        "title: \"Thử\"\nbase_url: \"https://example.org/danvan/\"\n",
    ));
    f.write(
        "content/models/x.md",
        &model(
            "Mô hình một",
            2020,
            "Bến Tre",
            Some("Ba Tri"),
            "Kinh tế",
            "photos:\n  - { src: \"a.png\", caption: \"Ảnh\" }\n",
            "Xem [trang](../pages/gioi-thieu.md).",
        ),
    );
    image::RgbImage::from_pixel(640, 480, image::Rgb([200, 30, 30]))
        .save(f.root().join("content/models/a.png"))
        .unwrap();
    f.write(
        "content/pages/gioi-thieu.md",
        "---\ntitle: Giới thiệu\n---\nXin chào.\n",
    );
    f.build_ok();
    let re_attr = regex_lite::Regex::new(r#"(?:href|src)="([^"]*)""#).unwrap();
    for page in [
        "index.html",
        "mo-hinh/mo-hinh-mot/index.html",
        "nam/2020/index.html",
        "thong-ke/index.html",
        "gioi-thieu/index.html",
        "tim-kiem/index.html",
    ] {
        let html = f.read(page);
        for cap in re_attr.captures_iter(&html) {
            let url = &cap[1];
            assert!(
                url.starts_with("/danvan/")
                    || url.starts_with("https://example.org/danvan/")
                    || url.starts_with('#')
                    || url.starts_with("mailto:"),
                "{page}: {url} is not under the sub-path"
            );
        }
    }
    assert!(f
        .read("mo-hinh/mo-hinh-mot/index.html")
        .contains("href=\"/danvan/gioi-thieu/\""));
    assert!(f
        .read("sitemap.xml")
        .contains("<loc>https://example.org/danvan/mo-hinh/mo-hinh-mot/</loc>"));
    let page = f.read("mo-hinh/mo-hinh-mot/index.html");
    assert!(
        page.contains("srcset=\"/danvan/anh/"),
        "photo variants under the sub-path"
    );
    assert!(
        page.contains("content=\"https://example.org/danvan/anh/"),
        "og:image absolute under the sub-path"
    );
}

#[test]
fn listings_paginate_twenty_per_page_newest_first() {
    let f = Fixture::new(None);
    for i in 0..45 {
        f.write(
            &format!("content/models/m{i:02}.md"),
            &model(
                &format!("Mô hình số {i:02}"),
                2023,
                "Bến Tre",
                Some("Ba Tri"),
                "Kinh tế",
                &format!("date: 2023-01-{:02}\n", i % 28 + 1),
                "Nội dung.",
            ),
        );
    }
    f.build_ok();
    assert!(f.exists("nam/2023/trang/2/index.html") && f.exists("nam/2023/trang/3/index.html"));
    assert!(!f.exists("nam/2023/trang/4/index.html"));
    let p1 = f.read("nam/2023/index.html");
    let on_p1 = p1.matches("href=\"/mo-hinh/mo-hinh-so-").count();
    assert!(on_p1 >= 20, "{on_p1} model links on page 1");
    let p3 = f.read("nam/2023/trang/3/index.html");
    let on_p3 = (0..45)
        .filter(|i| p3.contains(&format!("Mô hình số {i:02}<")))
        .count();
    assert_eq!(on_p3, 5, "the last page holds the remaining 5");
    assert!(p1.contains("/nam/2023/trang/2/"), "pager links");
}

#[test]
fn places_and_titles_sort_in_vietnamese_order() {
    // Three names the official list lacks, added by the site (places: extra).
    let f = Fixture::new(Some(
        "places:\n  extra:\n    - { province: \"Zê\" }\n    - { province: \"Dương Tơ\" }\n    - { province: \"Ân Thi\" }\n",
    ));
    for (i, p) in ["Đồng Nai", "Zê", "Dương Tơ", "An Giang", "Ân Thi"]
        .iter()
        .enumerate()
    {
        f.write(
            &format!("content/models/{i}.md"),
            &model(&format!("Mô hình {i}"), 2020, p, None, "Kinh tế", "", "x"),
        );
    }
    f.build_ok();
    let html = f.read("dia-ban/index.html");
    // The list of provinces, after the map (whose dots name the provinces too).
    let html = &html[html.find("</svg>").unwrap_or(0)..];
    let pos = |s: &str| html.find(s).unwrap_or_else(|| panic!("{s} missing"));
    assert!(pos("An Giang") < pos("Ân Thi"));
    assert!(pos("Ân Thi") < pos("Dương Tơ"));
    assert!(pos("Dương Tơ") < pos("Đồng Nai"), "Đ after D");
    assert!(pos("Đồng Nai") < pos("Zê"), "Đ before Z");
}

#[test]
fn yaml_lists_links_and_replication() {
    let f = Fixture::new(None);
    f.write(
        "content/models/2023/bao-cao.yaml",
        "- title: \"Mô hình gốc\"\n  slug: goc\n  year: 2022\n  province: Lâm Đồng\n  district: Lâm Hà\n  field: Kinh tế\n  host: Hội Phụ nữ\n  body: |\n    Thân **bài**.\n- title: \"Mô hình nhân rộng\"\n  year: 2023\n  province: Lâm Đồng\n  district: Lâm Hà\n  field: Kinh tế\n  host: Hội Phụ nữ\n  replicated_from: goc\n",
    );
    f.write(
        "content/models/x.md",
        &model(
            "Liên kết",
            2023,
            "Lâm Đồng",
            Some("Lâm Hà"),
            "Kinh tế",
            "",
            "Xem [bài](../news/tin.md#muc).",
        ),
    );
    f.write(
        "content/news/tin.md",
        "---\ntitle: \"Tin\"\ndate: 2023-12-01\nmodels: [goc]\n---\nNội dung tin.\n",
    );
    f.build_ok();
    let goc = f.read("mo-hinh/goc/index.html");
    assert!(goc.contains("Thân <strong>bài</strong>."));
    assert!(
        goc.contains("/mo-hinh/mo-hinh-nhan-rong/"),
        "source links to its replica"
    );
    assert!(
        goc.contains("/tin-tuc/tin/"),
        "model links to the article naming it"
    );
    assert!(
        f.read("mo-hinh/mo-hinh-nhan-rong/index.html")
            .contains("/mo-hinh/goc/"),
        "replica links to its source"
    );
    assert!(f
        .read("mo-hinh/lien-ket/index.html")
        .contains("href=\"/tin-tuc/tin/#muc\""));
    assert!(f.read("tin-tuc/tin/index.html").contains("Mô hình gốc"));
}

#[test]
fn statistics_count_by_year_field_place_level_and_sum_results() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model(
            "A",
            2023,
            "Bến Tre",
            Some("Ba Tri"),
            "Kinh tế",
            "level: xa\nresults: [{label: \"Đất hiến\", value: 100, unit: \"m²\"}]\n",
            "x",
        ),
    );
    f.write(
        "content/models/b.md",
        &model(
            "B",
            2023,
            "Bến Tre",
            Some("Ba Tri"),
            "văn hóa xã hội",
            "level: tinh\nresults: [{label: \"đất hiến\", value: 50.5, unit: \"m²\"}]\n",
            "x",
        ),
    );
    f.write(
        "content/models/c.md",
        &model(
            "C",
            2024,
            "Gia Lai",
            None,
            "an ninh quốc phòng",
            "level: tinh\n",
            "x",
        ),
    );
    f.build_ok();
    let html = f.read("thong-ke/index.html");
    assert!(
        html.contains("150,5"),
        "results summed across spellings: {html}"
    );
    let report = f.read("nam/2023/bao-cao/index.html");
    assert!(report.contains("Ba Tri"));
}

#[test]
fn two_builds_are_byte_identical() {
    let f = Fixture::new(None);
    for i in 0..30 {
        f.write(
            &format!("content/models/m{i}.md"),
            &model(
                &format!("Mô hình {i}"),
                2015 + i % 10,
                ["Bến Tre", "Gia Lai", "Lâm Đồng"][i as usize % 3],
                Some(["A", "B"][i as usize % 2]),
                "Kinh tế",
                "",
                "Nội dung.",
            ),
        );
    }
    let out1 = f.root().join("p1");
    let out2 = f.root().join("p2");
    assert!(f
        .dvk(&["build", "-o", out1.to_str().unwrap()])
        .status
        .success());
    assert!(f
        .dvk(&["build", "-o", out2.to_str().unwrap()])
        .status
        .success());
    let files = |d: &std::path::Path| {
        let mut v: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(d)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                (
                    e.path()
                        .strip_prefix(d)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(e.path()).unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let (a, b) = (files(&out1), files(&out2));
    assert!(a.len() > 40);
    assert!(a == b, "builds differ");
}

#[test]
fn a_site_without_site_yaml_builds_with_defaults() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a.md",
        &model("Mặc định", 2020, "Bến Tre", None, "Kinh tế", "", "x"),
    );
    f.build_ok();
    assert!(f.read("index.html").contains("Dân vận khéo"));
}
