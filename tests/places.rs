//! Places as Vietnam has them (issue 23), through the binary: official spellings on every
//! page whatever the editors wrote, former provinces browsed under today's, "Nay thuộc" on
//! the pages of models recognised under the old units, official codes then and now in the
//! open data, errors and warnings with the nearest names, and a unit a site adds itself.

mod common;
use common::Fixture;

const SITE_YAML: &str = "title: \"Dân vận khéo\"\nplaces:\n  extra:\n    - { province: \"Lâm Đồng\", commune: \"Khu tái định cư Đạ Tẻh\" }\n";

fn model(file: &str, title: &str, year: i32, date: &str, place: &str) -> (String, String) {
    (
        format!("content/models/{file}.md"),
        format!(
            "---\ntitle: \"{title}\"\nyear: {year}\ndate: {date}\n{place}field: \"Kinh tế\"\nhost: \"Hội Nông dân\"\n---\n\nNội dung.\n"
        ),
    )
}

fn site() -> Fixture {
    let f = Fixture::new(Some(SITE_YAML));
    for (path, text) in [
        // Bến Tre (83) is part of Vĩnh Long (86) since 1 July 2025; two spellings, one wrong.
        model(
            "a",
            "Đê bao Tân Điền",
            2024,
            "2024-12-30",
            "province: \"ben tre\"\ndistrict: \"Mo Cay Nam\"\ncommune: \"Thành Thới B\"\n",
        ),
        model(
            "b",
            "Hiến đất làm đường",
            2024,
            "2024-12-30",
            "province: \"Tỉnh Bến Tre\"\ndistrict: \"huyện Châu Thành\"\ncommune: \"Phú Túc\"\n",
        ),
        model(
            "c",
            "Heo đất Quảng Ngãi",
            2023,
            "2023-10-01",
            "province: \"Quảng Ngãi\"\ndistrict: \"Tư Nghiã\"\n",
        ),
        model(
            "d",
            "Nuôi tằm Đắk Nông",
            2022,
            "2022-10-01",
            "province: \"Đắk Nông\"\n",
        ),
        // After the reform: today's units, a commune, and the site's own unit.
        model(
            "e",
            "Dịch vụ công xã mới",
            2025,
            "2025-10-28",
            "province: \"Lâm Đồng\"\ncommune: \"Nam Ban Lâm Hà\"\n",
        ),
        model(
            "f",
            "Tái định cư",
            2026,
            "2026-01-10",
            "province: \"lâm đồng\"\ncommune: \"Khu tái định cư Đạ Tẻh\"\n",
        ),
        model(
            "g",
            "Mô hình ở Khánh Hoà",
            2020,
            "2020-10-01",
            "province: \"Khánh Hoà\"\n",
        ),
    ] {
        f.write(&path, &text);
    }
    f
}

#[test]
fn official_spelling_today_province_and_now_in_reach_the_pages() {
    let f = site();
    let stderr = f.build_ok();
    // The misspelled district is a warning naming the official name, which the page shows.
    assert!(stderr.contains("Tư Nghĩa"), "{stderr}");
    let c = f.read("mo-hinh/heo-dat-quang-ngai/index.html");
    assert!(
        c.contains("Tư Nghĩa") && !c.contains("Tư Nghiã"),
        "official spelling on the page"
    );
    // Old tone placement is right, and the page uses the list's spelling.
    assert!(f
        .read("mo-hinh/mo-hinh-o-khanh-hoa/index.html")
        .contains("Khánh Hòa"));

    // Where the Bến Tre model lies today, at commune level.
    let a = f.read("mo-hinh/de-bao-tan-dien/index.html");
    assert!(a.contains("Nay thuộc"), "{a}");
    assert!(
        a.contains("xã Thành Thới, tỉnh Vĩnh Long"),
        "commune and province today"
    );
    assert!(
        a.contains("Mỏ Cày Nam") && a.contains("Bến Tre"),
        "names as recognised"
    );
    // Province level when only the province is known.
    assert!(f
        .read("mo-hinh/nuoi-tam-dak-nong/index.html")
        .contains("tỉnh Lâm Đồng"));
    // A model recognised under today's units has no "Nay thuộc".
    assert!(!f
        .read("mo-hinh/dich-vu-cong-xa-moi/index.html")
        .contains("Nay thuộc"));

    // Today's Vĩnh Long lists the Bến Tre models; the former province's page still exists
    // (same URL) and says where it lies today.
    let vl = f.read("dia-ban/vinh-long/index.html");
    assert!(
        vl.contains("Đê bao Tân Điền") && vl.contains("Hiến đất làm đường"),
        "{vl}"
    );
    let bt = f.read("dia-ban/ben-tre/index.html");
    assert!(bt.contains("Đê bao Tân Điền") && bt.contains("dia-ban/vinh-long/"));
    assert!(
        f.exists("dia-ban/ben-tre/mo-cay-nam/index.html"),
        "district URL kept"
    );
    // Lâm Đồng today lists Đắk Nông's model and its new communes have pages.
    let ld = f.read("dia-ban/lam-dong/index.html");
    assert!(ld.contains("Nuôi tằm Đắk Nông") && ld.contains("Dịch vụ công xã mới"));
    assert!(f.exists("dia-ban/lam-dong/xa-nam-ban-lam-ha/index.html"));
    let places = f.read("dia-ban/index.html");
    assert!(
        places.contains("Hoàng Sa") && places.contains("Trường Sa"),
        "the map names them"
    );
    assert!(places.contains("Vĩnh Long") && places.contains("Bến Tre"));
}

#[test]
fn open_data_has_official_codes_then_and_now() {
    let f = site();
    f.build_ok();
    let data: Vec<serde_json::Value> =
        serde_json::from_str(&f.read("du-lieu/mo-hinh.json")).unwrap();
    let a = data
        .iter()
        .find(|m| m["slug"] == "de-bao-tan-dien")
        .unwrap();
    assert_eq!(a["province"], "Bến Tre");
    assert_eq!(a["district"], "Mỏ Cày Nam");
    assert_eq!(a["province_code"], "83");
    assert_eq!(a["province_today"], "Vĩnh Long");
    assert_eq!(a["province_today_code"], "86");
    assert_eq!(a["commune_today"][0], "Xã Thành Thới");
    let e = data
        .iter()
        .find(|m| m["slug"] == "dich-vu-cong-xa-moi")
        .unwrap();
    assert_eq!(e["units"], "tu-2025-07-01");
    assert!(e["district"].is_null(), "no district after the reform");
    let csv = f.read("du-lieu/mo-hinh.csv");
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .ends_with("commune_today,commune_today_code"));
    assert!(csv.contains(",83,") && csv.contains(",86,"));
}

#[test]
fn unknown_or_former_province_is_an_error_with_the_name_to_write() {
    let f = site();
    let (p, t) = model(
        "x",
        "Sai tên tỉnh",
        2024,
        "2024-10-01",
        "province: \"Lâm Đòng\"\n",
    );
    f.write(&p, &t);
    let (p, t) = model(
        "y",
        "Tỉnh cũ sau sắp xếp",
        2025,
        "2025-09-01",
        "province: \"Bến Tre\"\n",
    );
    f.write(&p, &t);
    let (p, t) = model(
        "z",
        "Còn huyện",
        2026,
        "2026-03-01",
        "province: \"Lâm Đồng\"\ndistrict: \"Lâm Hà\"\n",
    );
    f.write(&p, &t);
    let out = f.dvk_vi(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("content/models/x.md") && stderr.contains("Lâm Đồng"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Bến Tre đã hợp nhất vào tỉnh Vĩnh Long từ 01/7/2025"),
        "{stderr}"
    );
    assert!(
        stderr.contains("content/models/z.md") && stderr.contains("không còn cấp huyện"),
        "{stderr}"
    );
}

fn load_index(public: &std::path::Path) -> dvk_search::query::Index {
    let mut files = Vec::new();
    for e in walkdir::WalkDir::new(public.join("tim-kiem"))
        .into_iter()
        .flatten()
    {
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(public).unwrap();
            files.push(dvk_search::IndexFile {
                path: rel.to_string_lossy().replace('\\', "/"),
                bytes: std::fs::read(e.path()).unwrap(),
            });
        }
    }
    dvk_search::query::Index::from_files(&files).expect("the index loads")
}

#[test]
fn search_finds_models_by_former_and_todays_names() {
    let f = site();
    f.build_ok();
    let ix = load_index(&f.root().join("public"));
    let found = |q: &str| ix.search_urls(q);
    // Today's name finds the Bến Tre models, the former name still does.
    for q in ["vinh long", "Vĩnh Long", "ben tre"] {
        let urls = found(q);
        assert!(
            urls.iter().any(|u| u.contains("de-bao-tan-dien")),
            "{q}: {urls:?}"
        );
    }
    // Today's commune of a former one.
    assert!(found("thanh thoi")
        .iter()
        .any(|u| u.contains("de-bao-tan-dien")));
    // A post-reform commune is found by a former commune it was made of (Mê Linh is part
    // of today's Nam Ban Lâm Hà).
    assert!(found("me linh")
        .iter()
        .any(|u| u.contains("dich-vu-cong-xa-moi")));
}

/// A place as readers type it (issue 23): with or without its type word ("Thành phố",
/// "TP.", "thị trấn", "TT", "quận", "Q.", "phường", "P.", "tỉnh", "huyện", "xã"), with or
/// without accents, or by another name the list knows ("hcm", "tphcm", "Sài Gòn",
/// "Thừa Thiên Huế"): the models of that place come first.
#[test]
fn search_finds_a_place_as_readers_write_it() {
    let f = Fixture::new(Some("title: \"Dân vận khéo\"\n"));
    for (path, text) in [
        model(
            "q1",
            "Mô hình ở Quận 1",
            2024,
            "2024-10-01",
            "province: \"TP. Hồ Chí Minh\"\ndistrict: \"Quận 1\"\ncommune: \"Phường Bến Nghé\"\n",
        ),
        model(
            "sg",
            "Mô hình ở phường Sài Gòn",
            2025,
            "2025-10-01",
            "province: \"Thành phố Hồ Chí Minh\"\ncommune: \"phường sài gòn\"\n",
        ),
        model(
            "dn",
            "Mô hình ở Thu Bồn",
            2025,
            "2025-08-15",
            "province: \"TP. Đà Nẵng\"\ncommune: \"Xã Thu Bồn\"\n",
        ),
        // Xã Ba Tri (2025) was made of the town (thị trấn) Ba Tri and its neighbours.
        model(
            "bt",
            "Mô hình ở xã Ba Tri",
            2025,
            "2025-10-01",
            "province: \"Vĩnh Long\"\ncommune: \"Xã Ba Tri\"\n",
        ),
        // Huyện Ba Tri, not the town.
        model(
            "tx",
            "Mô hình ở Tân Xuân",
            2023,
            "2023-05-10",
            "province: \"tỉnh Bến Tre\"\ndistrict: \"huyện Ba Tri\"\ncommune: \"xã Tân Xuân\"\n",
        ),
        model(
            "hue",
            "Mô hình ở Huế",
            2024,
            "2024-10-01",
            "province: \"Thừa Thiên Huế\"\n",
        ),
        model(
            "ld",
            "Mô hình ở Lâm Hà",
            2024,
            "2024-10-01",
            "province: \"Lâm Đồng\"\ndistrict: \"Lâm Hà\"\n",
        ),
    ] {
        f.write(&path, &text);
    }
    f.build_ok();
    let ix = load_index(&f.root().join("public"));
    let slug = |u: &String| {
        u.trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    // The first `first.len()` results are `first` (in any order); with `only`, nothing else.
    let check = |q: &str, first: &[&str], only: bool| {
        let got: Vec<String> = ix.search_urls(q).iter().map(slug).collect();
        let mut top: Vec<&str> = got.iter().take(first.len()).map(String::as_str).collect();
        top.sort_unstable();
        let mut want = first.to_vec();
        want.sort_unstable();
        assert_eq!(top, want, "{q:?}: {got:?}");
        if only {
            assert_eq!(got.len(), first.len(), "{q:?}: {got:?}");
        }
    };
    let (q1, sg, dn, bt, tx, hue) = (
        "mo-hinh-o-quan-1",
        "mo-hinh-o-phuong-sai-gon",
        "mo-hinh-o-thu-bon",
        "mo-hinh-o-xa-ba-tri",
        "mo-hinh-o-tan-xuan",
        "mo-hinh-o-hue",
    );
    // A province-level city, named alone on the pages: with its type word or without.
    for q in [
        "Thành phố Đà Nẵng",
        "thanh pho da nang",
        "TP Đà Nẵng",
        "TP. Đà Nẵng",
        "tp.da nang",
        "Đà Nẵng",
        "da nang",
    ] {
        check(q, &[dn], true);
    }
    // Hồ Chí Minh City, and the names the list knows it by.
    for q in [
        "Thành phố Hồ Chí Minh",
        "thanh pho ho chi minh",
        "TP. Hồ Chí Minh",
        "tp ho chi minh",
        "Hồ Chí Minh",
        "tp hcm",
        "TP.HCM",
        "tp.hcm ",
        "hcm",
        "HCM ",
        "tphcm",
        "TPHCM ",
        "saigon",
        "Sài Gòn",
        "sai gon ",
    ] {
        check(q, &[q1, sg], true);
    }
    // A town (thị trấn): with its type word, the town's models only (xã Ba Tri was made of
    // it); abbreviated or without it, every model of a place named Ba Tri, the town's first.
    for q in ["thị trấn Ba Tri", "thi tran ba tri", "Thị Trấn Ba Tri "] {
        check(q, &[bt], true);
    }
    for q in ["TT Ba Tri", "TT. Ba Tri", "tt.ba tri "] {
        check(q, &[bt], false);
        check(q, &[bt, tx], true);
    }
    for q in ["ba tri", "Ba Tri", "huyện Ba Tri", "xã Ba Tri"] {
        check(q, &[bt, tx], true);
    }
    // Urban districts and wards (phường Sài Gòn was made of Bến Nghé, in Quận 1).
    for q in [
        "quận 1 ",
        "Quận 1 ",
        "Q.1 ",
        "Q. 1 ",
        "Q1",
        "q1 ",
        "phường Bến Nghé",
        "P. Bến Nghé",
        "p.ben nghe",
        "ben nghe",
        "Bến Nghé, Quận 1",
        "P. Bến Nghé, Q.1, TP.HCM",
    ] {
        check(q, &[q1, sg], true);
    }
    // Provinces with and without "tỉnh"; a former name the list keeps ("Thừa Thiên Huế").
    for q in ["tỉnh Bến Tre", "tinh ben tre", "Bến Tre"] {
        check(q, &[bt, tx], true);
    }
    for q in [
        "Thừa Thiên Huế",
        "thua thien hue",
        "thuathienhue",
        "TP Huế",
        "thành phố huế",
    ] {
        check(q, &[hue], true);
    }
}

/// Names as editors really write them, each right for its date: a former name the list knows
/// ("Thừa Thiên Huế", a province until 2025), abbreviated type words ("P.", "H.", "Q."), and a
/// name whose first word folds like a type word ("Quản" as "Quận"). None is an error or a
/// "misspelled" warning, and each reaches today's unit.
#[test]
fn names_as_editors_write_them_are_right() {
    let f = Fixture::new(Some("title: \"Dân vận khéo\"\n"));
    for (path, text) in [
        model(
            "hue",
            "Mô hình ở Huế",
            2024,
            "2024-10-01",
            "province: \"Thừa Thiên Huế\"\n",
        ),
        model(
            "dn",
            "Mô hình ở Đà Nẵng",
            2024,
            "2024-10-01",
            "province: \"TP. Đà Nẵng\"\ndistrict: \"Q. Hải Châu\"\ncommune: \"P. Thạch Thang\"\n",
        ),
        model(
            "kt",
            "Mô hình ở Kon Tum",
            2024,
            "2024-10-01",
            "province: \"Kon Tum\"\ndistrict: \"H. Kon Plông\"\n",
        ),
        model(
            "hg",
            "Mô hình ở Hà Giang",
            2024,
            "2024-10-01",
            "province: \"Hà Giang\"\ndistrict: \"Quản Bạ\"\ncommune: \"Quản Bạ\"\n",
        ),
        model(
            "hcm",
            "Mô hình ở Quận 1",
            2024,
            "2024-10-01",
            "province: \"TP.HCM\"\ndistrict: \"Q.1\"\ncommune: \"P. Bến Nghé\"\n",
        ),
    ] {
        f.write(&path, &text);
    }
    let out = f.dvk_vi(&["check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("content/models/"), "{stderr}");
    f.build_ok();
    for (slug, today) in [
        ("mo-hinh-o-hue", "thành phố Huế"),
        ("mo-hinh-o-da-nang", "phường Hải Châu, thành phố Đà Nẵng"),
        ("mo-hinh-o-kon-tum", "tỉnh Quảng Ngãi"),
        ("mo-hinh-o-ha-giang", "xã Quản Bạ, tỉnh Tuyên Quang"),
        ("mo-hinh-o-quan-1", "phường Sài Gòn, thành phố Hồ Chí Minh"),
    ] {
        let page = text_of(&f.read(&format!("mo-hinh/{slug}/index.html")));
        assert!(
            page.contains(&format!("Nay thuộc {today}")),
            "{slug}: {page}"
        );
    }
}

/// A merged province's parts are headed by each former unit's full name: Đà Nẵng was a city
/// ("Thành phố Đà Nẵng cũ"), Quảng Nam a province ("Tỉnh Quảng Nam cũ"); never "Tỉnh Đà Nẵng".
#[test]
fn former_parts_are_headed_by_their_unit_type() {
    let f = Fixture::new(Some("title: \"Dân vận khéo\"\n"));
    for (path, text) in [
        model(
            "dn",
            "Mô hình ở Hải Châu",
            2024,
            "2024-10-01",
            "province: \"TP. Đà Nẵng\"\ndistrict: \"Q. Hải Châu\"\n",
        ),
        model(
            "qn",
            "Mô hình ở Hội An",
            2023,
            "2023-10-01",
            "province: \"Quảng Nam\"\ndistrict: \"Hội An\"\n",
        ),
    ] {
        f.write(&path, &text);
    }
    f.build_ok();
    let page = text_of(&f.read("dia-ban/da-nang/index.html"));
    for heading in [
        "Thành phố Đà Nẵng cũ (trước 01/7/2025)",
        "Tỉnh Quảng Nam cũ (trước 01/7/2025)",
    ] {
        assert!(page.contains(heading), "{heading}: {page}");
    }
    assert!(!page.contains("Tỉnh Đà Nẵng"), "{page}");
}

/// A page's text: tags taken out, each replaced by a space, runs of spaces made one.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A site whose editors wrote places the ways they do, to check what the official spelling
/// changed: old addresses, model pages after the reform, grouped listings, a site's own
/// commune.
fn written_site() -> Fixture {
    let f = Fixture::new(Some(
        "title: \"Dân vận khéo\"\nplaces:\n  extra:\n    - { province: \"Vĩnh Long\", commune: \"Khu Cồn Phụng\" }\n    - { province: \"Lâm Đồng\", commune: \"Đà Lạt\" }\n",
    ));
    for (path, text) in [
        model(
            "a",
            "Đê bao Ba Tri",
            2024,
            "2024-05-01",
            "province: \"tỉnh Bến Tre\"\ndistrict: \"huyện Ba Tri\"\n",
        ),
        model(
            "b",
            "Sân chơi Ba Tri",
            2023,
            "2023-05-01",
            "province: \"Bến Tre\"\ndistrict: \"Ba Tri\"\n",
        ),
        model(
            "c",
            "Hoa Đà Lạt",
            2023,
            "2023-05-01",
            "province: \"Lâm Đồng\"\ndistrict: \"Đà Lạt\"\n",
        ),
        model(
            "d",
            "Thủ Đức xanh",
            2024,
            "2024-03-01",
            "province: \"TP. Hồ Chí Minh\"\ndistrict: \"TP. Thủ Đức\"\n",
        ),
        model(
            "e",
            "Đò Thu Bồn",
            2025,
            "2025-08-15",
            "province: \"TP. Đà Nẵng\"\ncommune: \"Xã Thu Bồn\"\n",
        ),
        model(
            "f",
            "Du lịch Cồn Phụng",
            2026,
            "2026-01-10",
            "province: \"Vĩnh Long\"\ncommune: \"Khu Cồn Phụng\"\n",
        ),
        model(
            "g",
            "Cầu Kè xanh",
            2022,
            "2022-05-01",
            "province: \"Trà Vinh\"\ndistrict: \"Cầu Kè\"\n",
        ),
        model(
            "h",
            "Long Hồ sạch",
            2021,
            "2021-05-01",
            "province: \"Vĩnh Long\"\ndistrict: \"Long Hồ\"\n",
        ),
        // A commune of the site's own whose page has the path an old spelling had: the real
        // page keeps it.
        model(
            "i",
            "Khu Đà Lạt mới",
            2026,
            "2026-02-01",
            "province: \"Lâm Đồng\"\ncommune: \"Đà Lạt\"\n",
        ),
    ] {
        f.write(&path, &text);
    }
    f
}

/// The page a moved page leads to, checking it is one: noindex, canonical, refresh, link.
fn moved_to(f: &Fixture, path: &str) -> String {
    let html = f.read(&format!("{path}index.html"));
    const REFRESH: &str = "<meta http-equiv=\"refresh\" content=\"0; url=";
    let start = html
        .find(REFRESH)
        .unwrap_or_else(|| panic!("{path} is not a moved page: {html}"));
    let rest = &html[start + REFRESH.len()..];
    let to = rest[..rest.find('"').unwrap()].to_string();
    assert!(
        html.contains("<meta name=\"robots\" content=\"noindex\">"),
        "{html}"
    );
    assert!(
        html.contains(&format!("<link rel=\"canonical\" href=\"{to}\">")),
        "{html}"
    );
    assert!(html.contains(&format!("<a href=\"{to}\">")), "{html}");
    assert!(
        text_of(&html).contains("Trang này nay ở địa chỉ mới"),
        "{html}"
    );
    to
}

/// Every place address the site had when it used the editors' spellings still works: a page
/// whose address changed leaves a small page linking to the new one, which is never in the
/// sitemap and never takes the place of a real page.
#[test]
fn old_place_addresses_lead_to_the_new_pages() {
    let f = written_site();
    f.build_ok();
    for (old, new) in [
        ("dia-ban/tinh-ben-tre/", "/dia-ban/ben-tre/"),
        (
            "dia-ban/tinh-ben-tre/huyen-ba-tri/",
            "/dia-ban/ben-tre/ba-tri/",
        ),
        ("dia-ban/tp-ho-chi-minh/", "/dia-ban/thanh-pho-ho-chi-minh/"),
        (
            "dia-ban/tp-ho-chi-minh/tp-thu-duc/",
            "/dia-ban/thanh-pho-ho-chi-minh/thanh-pho-thu-duc/",
        ),
        ("dia-ban/tp-da-nang/", "/dia-ban/da-nang/"),
    ] {
        assert_eq!(moved_to(&f, old), new, "{old}");
        let page = f.read(&format!("{}index.html", &new[1..]));
        assert!(!page.contains("http-equiv=\"refresh\""), "{new} is a page");
    }
    // "Đà Lạt" under Lâm Đồng made /dia-ban/lam-dong/da-lat/; that is now the page of the
    // site's own commune "Đà Lạt" (after the reform), which stays; the district's models are
    // on its official page.
    let own = f.read("dia-ban/lam-dong/da-lat/index.html");
    assert!(
        own.contains("Khu Đà Lạt mới") && !own.contains("http-equiv=\"refresh\""),
        "{own}"
    );
    assert!(f
        .read("dia-ban/lam-dong/thanh-pho-da-lat/index.html")
        .contains("Hoa Đà Lạt"));

    // The sitemap lists real pages only, and no real page is a moved one.
    let sitemap = f.read("sitemap.xml");
    assert!(!sitemap.contains("tinh-ben-tre") && !sitemap.contains("tp-ho-chi-minh"));
    for loc in sitemap.split("<loc>").skip(1) {
        let path = loc[..loc.find("</loc>").unwrap()].trim_start_matches('/');
        let file = if path.is_empty() || path.ends_with('/') {
            format!("{path}index.html")
        } else {
            path.to_string()
        };
        if file.ends_with(".html") {
            assert!(
                !f.read(&file).contains("http-equiv=\"refresh\""),
                "{file} was replaced by a moved page"
            );
        }
    }
}

/// Since 1 July 2025 there are no districts: a model's page shows no district row, and its
/// commune row and breadcrumbs link the commune's page.
#[test]
fn a_model_after_the_reform_has_no_district() {
    let f = written_site();
    f.build_ok();
    let page = f.read("mo-hinh/do-thu-bon/index.html");
    let table = &page[page.find("class=\"meta\"").unwrap()..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(!table.contains("Huyện, thị xã, thành phố"), "{table}");
    assert!(
        table.contains("<a href=\"/dia-ban/da-nang/xa-thu-bon/\">Thu Bồn</a>"),
        "{table}"
    );
    let crumbs = &page[page.find("class=\"crumbs\"").unwrap()..];
    let crumbs = text_of(&crumbs[..crumbs.find("</nav>").unwrap()]);
    assert!(crumbs.contains("Đà Nẵng Xã Thu Bồn Đò Thu Bồn"), "{crumbs}");
    // Before the reform the district is there, the commune has no page.
    let old = f.read("mo-hinh/de-bao-ba-tri/index.html");
    assert!(old.contains("Huyện, thị xã, thành phố"));
}

/// Today's province lists its models by former province and district, then by commune; a
/// commune the site adds itself has its page, linked from /dia-ban/.
#[test]
fn todays_province_groups_its_models() {
    let f = written_site();
    f.build_ok();
    let vl = f.read("dia-ban/vinh-long/index.html");
    let list = &vl[vl.find("class=\"section list-groups\"").expect("grouped")..];
    let list = text_of(&list[..list.find("</section>").unwrap()]);
    let order = [
        "Tỉnh Vĩnh Long cũ (trước 01/7/2025)",
        "Long Hồ",
        "Long Hồ sạch",
        "Tỉnh Bến Tre cũ (trước 01/7/2025)",
        "Ba Tri",
        "Đê bao Ba Tri",
        "Sân chơi Ba Tri",
        "Tỉnh Trà Vinh cũ (trước 01/7/2025)",
        "Cầu Kè",
        "Cầu Kè xanh",
        "Từ 01/7/2025, theo xã, phường",
        "Khu Cồn Phụng",
        "Du lịch Cồn Phụng",
    ];
    let mut at = 0;
    for h in order {
        let found = list[at..]
            .find(h)
            .unwrap_or_else(|| panic!("{h} after {at} in {list}"));
        at += found + h.len();
    }
    assert!(f.exists("dia-ban/vinh-long/khu-con-phung/index.html"));
    assert!(f
        .read("dia-ban/vinh-long/khu-con-phung/index.html")
        .contains("Du lịch Cồn Phụng"));
    assert!(f
        .read("dia-ban/index.html")
        .contains("href=\"/dia-ban/vinh-long/khu-con-phung/\""));
}

/// A site's own theme from before moved pages (no moved.html, strings without them) still
/// builds them: with the built-in template, the missing strings named in a warning.
#[test]
fn a_theme_without_the_moved_template_still_builds_moved_pages() {
    let f = written_site();
    std::fs::remove_file(f.root().join("themes/default/templates/moved.html")).unwrap();
    let vi = f.root().join("themes/default/i18n/vi.yaml");
    let strings = std::fs::read_to_string(&vi).unwrap();
    let strings: String = strings
        .lines()
        .filter(|l| !l.trim_start().starts_with("moved"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&vi, strings).unwrap();
    let stderr = f.build_ok();
    assert!(stderr.contains("places.moved"), "{stderr}");
    assert_eq!(
        moved_to_any(&f, "dia-ban/tinh-ben-tre/"),
        "/dia-ban/ben-tre/"
    );
}

/// Where a moved page leads, whatever its text.
fn moved_to_any(f: &Fixture, path: &str) -> String {
    let html = f.read(&format!("{path}index.html"));
    let start = html.find("content=\"0; url=").expect("a moved page") + 16;
    html[start..start + html[start..].find('"').unwrap()].to_string()
}
