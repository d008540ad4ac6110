//! An edit changes only the index files it touches (issue 22): shards are cut where their keys
//! say and named by a hash of their bytes, so editing one write-up's summary leaves almost
//! every file of the index, name and bytes, as it was.

use dvk_search::query::Index;
use dvk_search::{build_index, DocKind, SearchDoc};
use std::collections::BTreeMap;

/// 3,000 models with varied words (a small deterministic generator).
fn docs() -> Vec<SearchDoc> {
    const WORDS: &[&str] = &[
        "dân",
        "vận",
        "khéo",
        "mô",
        "hình",
        "hội",
        "phụ",
        "nữ",
        "nông",
        "dân",
        "cựu",
        "chiến",
        "binh",
        "thanh",
        "niên",
        "đường",
        "giao",
        "thông",
        "nông",
        "thôn",
        "mới",
        "xóa",
        "nghèo",
        "heo",
        "đất",
        "tiết",
        "kiệm",
        "quỹ",
        "tình",
        "thương",
        "hiến",
        "đất",
        "làm",
        "đường",
        "camera",
        "an",
        "ninh",
        "trật",
        "tự",
        "chuyển",
        "đổi",
        "số",
        "cải",
        "cách",
        "hành",
        "chính",
        "bảo",
        "hiểm",
        "y",
        "tế",
        "môi",
        "trường",
        "rác",
        "thải",
        "nhựa",
        "cây",
        "xanh",
    ];
    let mut seed: u64 = 42;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    (0..3000)
        .map(|i| {
            let body: Vec<String> = (0..80)
                .map(|_| {
                    let w = WORDS[next() % WORDS.len()];
                    // Some rarer words, as real write-ups have (names, numbers).
                    if next() % 7 == 0 {
                        format!("{w}{}", next() % 5000)
                    } else {
                        w.to_string()
                    }
                })
                .collect();
            SearchDoc {
                url: format!("mo-hinh/m{i}/"),
                kind: DocKind::Model,
                title: format!("Mô hình số {i} {}", WORDS[i % WORDS.len()]),
                place: "Phú Túc, Châu Thành, Bến Tre".into(),
                province: Some("Bến Tre".into()),
                district: Some("Châu Thành".into()),
                year: Some(2020 + (i % 5) as i32),
                field: Some("Kinh tế".into()),
                host: "Hội Nông dân xã".into(),
                summary: format!("Tóm tắt {i}"),
                body: body.join(" "),
                ..Default::default()
            }
        })
        .collect()
}

fn files(docs: &[SearchDoc]) -> BTreeMap<String, Vec<u8>> {
    build_index(docs)
        .into_iter()
        .map(|f| (f.path, f.bytes))
        .collect()
}

#[test]
fn editing_one_summary_changes_a_few_index_files_and_renames_no_other() {
    let mut d = docs();
    let before = files(&d);
    // The edit: a sentence with new words added to one model's summary.
    d[1234]
        .summary
        .push_str(" Bổ sung: camera an ninh kết nối thôn xóm khuyến học");
    let after = files(&d);
    let shards = |m: &BTreeMap<String, Vec<u8>>| {
        m.keys()
            .filter(|k| k.starts_with("tim-kiem/i/"))
            .cloned()
            .collect::<std::collections::BTreeSet<_>>()
    };
    let (old, new) = (shards(&before), shards(&after));
    let added: Vec<_> = new.difference(&old).collect();
    let removed: Vec<_> = old.difference(&new).collect();
    assert!(old.len() > 100, "a real index: {} shard files", old.len());
    // Each changed shard is one name out, one name in; everything else stays.
    assert_eq!(added.len(), removed.len(), "{added:?} / {removed:?}");
    assert!(
        added.len() * 10 <= old.len(),
        "{} of {} shard files changed: {added:?}",
        added.len(),
        old.len()
    );
    assert!(!added.is_empty(), "the edit is in the index");
    // A file's name is its content: the same name never holds other bytes.
    for k in old.intersection(&new) {
        assert_eq!(before[k], after[k], "{k} kept its name but changed");
    }
    // And the index still finds the edited doc by its new words.
    let index = Index::from_files(
        &after
            .iter()
            .map(|(path, bytes)| dvk_search::IndexFile {
                path: path.clone(),
                bytes: bytes.clone(),
            })
            .collect::<Vec<_>>(),
    )
    .unwrap();
    let hits = index.search("khuyến học");
    assert!(
        hits.iter()
            .any(|&d| index.doc(d).is_some_and(|row| row[0] == "mo-hinh/m1234/")),
        "{hits:?}"
    );
    println!(
        "one summary edited: {} of {} shard files changed",
        added.len(),
        old.len()
    );
}
