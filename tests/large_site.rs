//! What a build does differently to stay within memory on a national site: model bodies
//! read again from their files instead of kept, and the search index made page chunk by
//! page chunk while the pages render. Both must give exactly what the plain way gives.

mod common;
use common::{model, Fixture};
use dvk::diag::Diagnostic;
use dvk::site::TakenBody;
use std::collections::BTreeMap;

fn fixture() -> Fixture {
    let f = Fixture::new(None);
    f.write(
        "content/models/2023/heo-dat.md",
        &model(
            "Heo đất nghĩa tình",
            2023,
            "Bến Tre",
            Some("Châu Thành"),
            "Kinh tế",
            "",
            "Nuôi **heo đất** giúp hội viên nghèo; xem thêm [mái ấm](mai-am.md).\r\n\r\n## Cách làm\r\n\r\n- Góp mỗi tuần",
        ),
    );
    f.write(
        "content/models/2023/mai-am.md",
        &model(
            "Mái ấm tình thương",
            2023,
            "Bến Tre",
            None,
            "Văn hóa - xã hội",
            "summary: \"Xây nhà cho hộ nghèo.\"\n",
            "Xây **12 căn nhà** cho hộ nghèo.\n\n| Năm | Nhà |\n|---|---:|\n| 2023 | 12 |",
        ),
    );
    // Saved with a BOM and decomposed (NFD) accents: read again, it must be normalised again.
    f.write(
        "content/models/2024/nha-van-hoa.md",
        &format!(
            "\u{feff}{}",
            model(
                "Nha\u{300} va\u{306}n ho\u{301}a",
                2024,
                "Bến Tre",
                None,
                "Văn hóa - xã hội",
                "",
                "Sư\u{309}a **nha\u{300} va\u{306}n ho\u{301}a** a\u{302}\u{301}p.",
            )
        ),
    );
    f.write(
        "content/models/2024/danh-sach.yaml",
        "- title: \"Dân vận khéo trong cải cách hành chính\"\n  year: 2024\n  province: \"Bến Tre\"\n  field: \"Xây dựng hệ thống chính trị\"\n  host: \"Công an xã\"\n  body: |\n    Hồ sơ **trực tuyến** cho người dân.\n",
    );
    f
}

/// Loads the site keeping at most `keep` bytes of bodies, takes them, runs `between` (the time
/// between loading and rendering), then renders into memory.
fn render(
    f: &Fixture,
    keep: usize,
    between: impl FnOnce(),
) -> (Vec<TakenBody>, BTreeMap<String, Vec<u8>>, Vec<Diagnostic>) {
    let root = f.root();
    let (mut site, diags) = dvk::load_site_keeping(root, false, None, keep, None);
    assert!(
        !diags.iter().any(Diagnostic::is_error),
        "fixture has errors: {diags:?}"
    );
    let bodies = site.take_model_bodies();
    let kinds = bodies
        .iter()
        .map(|b| match b {
            TakenBody::Kept(s) => TakenBody::Kept(s.clone()),
            TakenBody::InFile(kept) => TakenBody::InFile(*kept),
        })
        .collect();
    between();
    let theme = match dvk::render::Theme::load(root, &site.config.theme, &site.config.language) {
        Ok(t) => t,
        Err(d) => panic!("theme: {d:?}"),
    };
    let sink = dvk::render::MemorySink::default();
    let (_, diags) =
        dvk::render::render_site_taking_bodies(root, &site, bodies, &theme, &sink, None);
    let files = sink.0.into_inner().unwrap().into_iter().collect();
    (kinds, files, diags)
}

#[test]
fn bodies_read_again_from_their_files_give_the_same_site() {
    let f = fixture();
    let (kept, kept_files, d1) = render(&f, usize::MAX, || {});
    let (reread, reread_files, d2) = render(&f, 0, || {});
    assert!(d1.is_empty() && d2.is_empty(), "{d1:?} {d2:?}");
    assert!(kept.iter().all(|b| matches!(b, TakenBody::Kept(_))));
    // Markdown files are read again; a body inside a YAML list is always kept.
    let in_file = reread
        .iter()
        .filter(|b| matches!(b, TakenBody::InFile(_)))
        .count();
    let kept_anyway: Vec<&str> = reread
        .iter()
        .filter_map(|b| match b {
            TakenBody::Kept(s) => Some(s.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(in_file, 3, "{reread:?}");
    assert_eq!(kept_anyway.len(), 1);
    assert!(kept_anyway[0].contains("trực tuyến"));
    assert_eq!(kept_files.len(), reread_files.len());
    for (path, bytes) in &kept_files {
        assert!(
            reread_files.get(path) == Some(bytes),
            "{path} differs when bodies are read again"
        );
    }
    let page =
        String::from_utf8(kept_files["mo-hinh/heo-dat-nghia-tinh/index.html"].clone()).unwrap();
    assert!(page.contains("<strong>heo đất</strong>"), "{page}");
    assert!(page.contains("/mo-hinh/mai-am-tinh-thuong/"), "{page}");
    let page = String::from_utf8(reread_files["mo-hinh/nha-van-hoa/index.html"].clone()).unwrap();
    assert!(page.contains("<strong>nhà văn hóa</strong> ấp"), "{page}");
    // A model without a summary is listed with its body's first paragraph, which the load
    // takes before it drops the body.
    let year = String::from_utf8(reread_files["nam/2023/index.html"].clone()).unwrap();
    assert!(year.contains("Nuôi heo đất giúp hội viên nghèo"), "{year}");
}

#[test]
fn a_body_changed_during_the_build_is_an_error_not_a_mixed_page() {
    // The messages checked below are the English ones.
    dvk::msg::set_lang(dvk::msg::Lang::En);
    let f = fixture();
    let path = f.root().join("content/models/2023/mai-am.md");
    let (_, _, diags) = render(&f, 0, || {
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("12 căn", "13 căn")).unwrap();
    });
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{diags:?}");
    assert!(errors[0].path.ends_with("content/models/2023/mai-am.md"));
    assert!(errors[0]
        .message
        .contains("changed while the site was being built"));

    // A file removed meanwhile is a clear error too.
    let (_, _, diags) = render(&f, 0, || std::fs::remove_file(&path).unwrap());
    let errors: Vec<&Diagnostic> = diags.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{diags:?}");
    assert!(errors[0].message.contains("cannot read"), "{diags:?}");
}

#[test]
fn the_index_made_while_pages_render_equals_the_index_of_all_docs_at_once() {
    let f = fixture();
    // Articles and pages are numbered after the models.
    f.write(
        "content/news/2024-01-05-tong-ket.md",
        "---\ntitle: \"Tổng kết phong trào\"\ndate: 2024-01-05\nmodels: [heo-dat-nghia-tinh]\n---\n\nBài viết về **heo đất**.\n",
    );
    f.write(
        "content/pages/gioi-thieu.md",
        "---\ntitle: \"Giới thiệu\"\n---\n\nTrang giới thiệu.\n",
    );
    let (_, files, diags) = render(&f, usize::MAX, || {});
    assert!(diags.is_empty(), "{diags:?}");
    let root = f.root();
    let (site, _) = dvk::load_site(root, false, None);
    let theme = match dvk::render::Theme::load(root, &site.config.theme, &site.config.language) {
        Ok(t) => t,
        Err(d) => panic!("theme: {d:?}"),
    };
    let links = dvk::render::link_map(&site);
    let prepared = dvk::render::Prepared::new(root, &site, &theme, &links);
    let (docs, _) = prepared.search_docs();
    assert_eq!(docs.len(), 6);
    let at_once = dvk_search::build_index(&docs);
    let streamed: Vec<(&String, &Vec<u8>)> = files
        .iter()
        .filter(|(p, _)| p.starts_with("tim-kiem/") && !p.ends_with(".html"))
        // The client's fingerprinted copies (`search.<hash>.js`) are the assets', not the index's.
        .filter(|(p, _)| !(p.starts_with("tim-kiem/search.") && p.matches('.').count() == 2))
        .collect();
    assert_eq!(streamed.len(), at_once.len());
    for file in &at_once {
        assert!(
            files.get(&file.path) == Some(&file.bytes),
            "{} differs from the index of all docs at once",
            file.path
        );
    }
}
