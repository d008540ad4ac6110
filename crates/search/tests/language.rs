//! Search that speaks the movement's language: abbreviations both ways, other names of a
//! place, ranking (title/place/host above body, adjacent above scattered, a named place
//! first) and one-letter typos, on small indexes built here.

use dvk_search::query::{edit_distance, Index};
use dvk_search::{build_index, build_index_with, Abbreviations, DocKind, SearchDoc};

fn model(url: &str, title: &str, place: &str, host: &str, body: &str) -> SearchDoc {
    let parts: Vec<&str> = place.split(", ").collect();
    SearchDoc {
        url: url.into(),
        kind: DocKind::Model,
        title: title.into(),
        place: place.into(),
        province: parts.last().map(|s| s.to_string()),
        district: (parts.len() > 1).then(|| parts[parts.len() - 2].to_string()),
        year: Some(2024),
        field: Some("Kinh tế".into()),
        host: host.into(),
        body: body.into(),
        ..Default::default()
    }
}

fn index(docs: &[SearchDoc]) -> Index {
    Index::from_files(&build_index(docs)).expect("index loads")
}

fn docs() -> Vec<SearchDoc> {
    vec![
        model(
            "mo-hinh/mat-tran/",
            "Quỹ vì người nghèo",
            "Chư Prông, Gia Lai",
            "Ủy ban Mặt trận Tổ quốc Việt Nam huyện Chư Prông",
            "Vận động cán bộ đóng góp xây nhà đại đoàn kết.",
        ),
        model(
            "mo-hinh/ubnd/",
            "Một cửa thân thiện",
            "Phú Túc, Châu Thành, Bến Tre",
            "UBND xã Phú Túc",
            "UBND xã tiếp dân mỗi sáng thứ Hai; HĐND giám sát.",
        ),
        model(
            "mo-hinh/phu-nu/",
            "Nuôi heo đất",
            "Phi Tô, Lâm Hà, Lâm Đồng",
            "Hội Liên hiệp Phụ nữ xã Phi Tô",
            "Chị em góp tiền nuôi heo đất.",
        ),
        model(
            "mo-hinh/hlhpn/",
            "Tiết kiệm giúp nhau",
            "Trà Mai, Nam Trà My, Quảng Nam",
            "Hội LHPN huyện Nam Trà My",
            "Hội viên tiết kiệm.",
        ),
        model(
            "mo-hinh/ccb/",
            "CCB giúp nhau giảm nghèo",
            "Đam Rông, Lâm Đồng",
            "Hội CCB huyện Đam Rông",
            "Cựu binh góp vốn.",
        ),
        model(
            "mo-hinh/kt-xh/",
            "Phát triển kinh tế - xã hội thôn Đạ Ty",
            "Đạ Đờn, Lâm Hà, Lâm Đồng",
            "Ban Dân vận Huyện ủy",
            "Đồng bào dân tộc thiểu số làm kinh tế giỏi.",
        ),
    ]
}

#[test]
fn an_abbreviation_finds_the_long_form_and_the_reverse() {
    let ix = index(&docs());
    assert_eq!(ix.search_urls("mttq"), vec!["mo-hinh/mat-tran/"]);
    assert_eq!(ix.search_urls("MTTQ chư prông"), vec!["mo-hinh/mat-tran/"]);
    assert_eq!(ix.search_urls("ubmttq"), vec!["mo-hinh/mat-tran/"]);
    // The reverse: "UBND xã" is found by the long form, as words and as a phrase.
    assert_eq!(ix.search_urls("ủy ban nhân dân"), vec!["mo-hinh/ubnd/"]);
    assert_eq!(
        ix.search_urls("uy ban nhan dan xa phu tuc"),
        vec!["mo-hinh/ubnd/"]
    );
    assert_eq!(ix.search_urls("\"ủy ban nhân dân\""), vec!["mo-hinh/ubnd/"]);
    assert_eq!(ix.search_urls("hội đồng nhân dân"), vec!["mo-hinh/ubnd/"]);
    assert_eq!(ix.search_urls("ccb"), vec!["mo-hinh/ccb/"]);
    assert_eq!(ix.search_urls("cựu chiến binh"), vec!["mo-hinh/ccb/"]);
    assert_eq!(ix.search_urls("kt-xh"), vec!["mo-hinh/kt-xh/"]);
    assert_eq!(ix.search_urls("dtts"), vec!["mo-hinh/kt-xh/"]);
    assert_eq!(ix.search_urls("bdv"), vec!["mo-hinh/kt-xh/"]);
}

#[test]
fn hoi_lhpn_and_hoi_lien_hiep_phu_nu_are_the_same_to_search() {
    let ix = index(&docs());
    let mut want = vec!["mo-hinh/hlhpn/".to_string(), "mo-hinh/phu-nu/".to_string()];
    want.sort();
    for q in [
        "Hội LHPN",
        "hoi lhpn ",
        "HLHPN",
        "Hội Liên hiệp Phụ nữ",
        "hoi lien hiep phu nu ",
        "lhpn",
    ] {
        let mut got = ix.search_urls(q);
        got.sort();
        assert_eq!(got, want, "{q}");
    }
}

#[test]
fn a_site_adds_its_own_abbreviations() {
    let mut d = docs();
    d[0].body
        .push_str(" Câu lạc bộ dưỡng sinh sinh hoạt hằng tuần.");
    let mut abbr = Abbreviations::builtin();
    abbr.add("CLB", &["câu lạc bộ"]);
    let ix = Index::from_files(&build_index_with(&d, &abbr)).unwrap();
    assert_eq!(ix.search_urls("clb duong sinh"), vec!["mo-hinh/mat-tran/"]);
    // Without it, "clb" is an unknown word.
    assert!(index(&d).search_urls("clb duong sinh").is_empty());
}

#[test]
fn a_common_word_is_not_taken_for_an_abbreviation() {
    // "dan" (dân) must not bring every doc with "nhân dân" or "UBND": no short form is a word.
    let ix = index(&docs());
    assert!(ix
        .search_urls("nhan dan")
        .contains(&"mo-hinh/ubnd/".to_string()));
    assert!(!ix
        .search_urls("chi em ")
        .contains(&"mo-hinh/ubnd/".to_string()));
    assert_eq!(ix.search_urls("tiep dan"), vec!["mo-hinh/ubnd/"]);
}

#[test]
fn other_names_of_a_place_find_its_models_with_the_place_weight() {
    let mut d = docs();
    // Bến Tre merged into Vĩnh Long (2025); Quảng Nam into Đà Nẵng.
    d[1].place_aliases = vec!["Vĩnh Long".into(), "xã Phú Túc cũ".into()].into();
    d[3].place_aliases = vec!["Đà Nẵng".into()].into();
    d.push(model(
        "mo-hinh/body-only/",
        "Giao lưu",
        "Trà Mai, Nam Trà My, Quảng Nam",
        "Đoàn Thanh niên",
        "Đoàn viên đi học ở Đà Nẵng.",
    ));
    let ix = index(&d);
    assert_eq!(ix.search_urls("vinh long"), vec!["mo-hinh/ubnd/"]);
    let dn = ix.search_urls("da nang");
    assert_eq!(
        dn,
        vec!["mo-hinh/hlhpn/", "mo-hinh/body-only/"],
        "alias (place) above body"
    );
    // Aliases are searched, never shown.
    let row = ix.doc(ix.search("vinh long")[0]).unwrap();
    assert!(!row.join(" ").contains("Vĩnh Long"), "{row:?}");
}

#[test]
fn title_place_and_host_rank_above_the_body() {
    let d = vec![
        model(
            "mo-hinh/body/",
            "Một",
            "Bến Tre",
            "Ban A",
            "Chăn nuôi bò sinh sản giỏi.",
        ),
        model(
            "mo-hinh/host/",
            "Hai",
            "Bến Tre",
            "Tổ chăn nuôi bò",
            "Không.",
        ),
        model(
            "mo-hinh/title/",
            "Chăn nuôi bò",
            "Bến Tre",
            "Ban B",
            "Không.",
        ),
    ];
    let ix = index(&d);
    assert_eq!(
        ix.search_urls("chan nuoi bo "),
        vec!["mo-hinh/title/", "mo-hinh/host/", "mo-hinh/body/"]
    );
}

#[test]
fn words_adjacent_as_typed_rank_above_scattered_ones() {
    let d = vec![
        model(
            "mo-hinh/scattered/",
            "Một",
            "Bến Tre",
            "Ban A",
            "Nhà văn hóa mới xây. Đường làng sạch. Bê tông hóa đường nội đồng.",
        ),
        model(
            "mo-hinh/adjacent/",
            "Hai",
            "Bến Tre",
            "Ban B",
            "Người dân góp công làm đường bê tông. Mỗi nhà góp một ngày.",
        ),
    ];
    let ix = index(&d);
    assert_eq!(
        ix.search_urls("duong be tong "),
        vec!["mo-hinh/adjacent/", "mo-hinh/scattered/"]
    );
}

#[test]
fn a_query_naming_a_place_puts_its_models_first() {
    // "làm" and "hạ" are common words; "Lâm Hà" is a district.
    let mut d = vec![
        model(
            "mo-hinh/lam-ha/",
            "Tiết kiệm",
            "Phi Tô, Lâm Hà, Lâm Đồng",
            "Hội Nông dân",
            "Góp vốn.",
        ),
        model(
            "mo-hinh/lam-ha-2/",
            "Nuôi bò",
            "Lâm Hà, Lâm Đồng",
            "Hội Nông dân",
            "Nuôi bò.",
        ),
    ];
    for i in 0..6 {
        d.push(model(
            &format!("mo-hinh/lam-{i}/"),
            "Làm đường, hạ cốt nền",
            "Bến Tre",
            "Hội Nông dân",
            "Làm đường làm cầu, hạ thế điện, làm hạ tầng, làm việc, hạ giá thành.",
        ));
    }
    let ix = index(&d);
    for q in ["lam ha", "lâm hà ", "Làm hạ", "mô hình ở huyện lam ha"] {
        let got = ix.search_urls(q);
        let mut first: Vec<&str> = got.iter().take(2).map(String::as_str).collect();
        first.sort();
        assert_eq!(
            first,
            vec!["mo-hinh/lam-ha-2/", "mo-hinh/lam-ha/"],
            "{q}: {got:?}"
        );
    }
}

#[test]
fn a_one_letter_typo_in_a_long_word_is_corrected() {
    let mut d = docs();
    d.push(model(
        "mo-hinh/khuyen-hoc/",
        "Khuyến học",
        "Bến Tre",
        "Hội Khuyến học",
        "Trao học bổng cho học sinh nghèo vượt khó, chuyển đổi số.",
    ));
    let ix = index(&d);
    for q in [
        "khuyeen hoc", // a letter added
        "khuyn hoc",   // one left out
        "khuyan hoc ", // one changed
        "khuyne hoc",  // two swapped
        "hoc sinh ngheeo",
        "chuyenr doi so",
        "khuyeen", // while typing: the prefix
    ] {
        assert_eq!(
            ix.search_urls(q).first().map(String::as_str),
            Some("mo-hinh/khuyen-hoc/"),
            "{q}"
        );
    }
    // Short words are not corrected (too many neighbours), nor are unknown words far away.
    assert!(ix.search_urls("hocc sinh ").is_empty());
    assert!(ix.search_urls("xyzzyq").is_empty());
    // A word found as typed is never corrected.
    assert_eq!(ix.corrections("khuyen", false), Vec::<String>::new());
}

#[test]
fn edit_distance_counts_one_edit_per_typo() {
    assert_eq!(edit_distance("khuyen", "khuyen", false), 0);
    assert_eq!(edit_distance("khuyeen", "khuyen", false), 1);
    assert_eq!(edit_distance("khuyne", "khuyen", false), 1);
    assert_eq!(edit_distance("khuyan", "khuyen", false), 1);
    assert_eq!(edit_distance("khyuen", "khuyen", false), 1);
    assert_eq!(edit_distance("kuyne", "khuyen", false), 2);
    // Prefix: distance to the closest prefix.
    assert_eq!(edit_distance("khuye", "khuyen", true), 0);
    assert_eq!(edit_distance("khuee", "khuyen", true), 1);
}
