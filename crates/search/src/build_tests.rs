//! Tests of `build`: shards an edit renames, files handed on as made, hashing.
use super::*;

/// `n` model docs with varied words, enough for hundreds of shards.
fn docs(n: usize) -> Vec<SearchDoc> {
    const WORDS: &[&str] = &[
        "heo",
        "đất",
        "đường",
        "bê",
        "tông",
        "nông",
        "thôn",
        "mới",
        "phụ",
        "nữ",
        "nghèo",
        "thanh",
        "niên",
        "tình",
        "nguyện",
        "cựu",
        "chiến",
        "binh",
        "hiến",
        "đường",
    ];
    (0..n)
        .map(|i| SearchDoc {
            url: format!("mo-hinh/m{i}/"),
            title: format!("Mô hình {} số {i}", WORDS[i % WORDS.len()]),
            place: format!("Xã {}, Tỉnh {}", i % 97, i % 7),
            year: Some(2020 + (i % 6) as i32),
            summary: format!("tóm tắt {i}"),
            body: (0..60)
                .map(|k| format!("{}{}", WORDS[(i * 7 + k) % WORDS.len()], (i * k) % 1000))
                .collect::<Vec<_>>()
                .join(" "),
            ..Default::default()
        })
        .collect()
}

#[test]
fn files_are_handed_on_as_made_and_the_manifest_last_names_them_all() {
    let mut b = IndexBuilder::new();
    b.add(docs(2000));
    let mut state = Vec::new();
    let mut order = Vec::new();
    b.finish_saving(&mut state, &mut |f| order.push(f)).unwrap();
    let (manifest, shards) = order.split_last().unwrap();
    assert_eq!(manifest.path, MANIFEST, "the manifest comes last");
    let m: serde_json::Value = serde_json::from_slice(&manifest.bytes).unwrap();
    let handed: std::collections::HashSet<&str> = shards.iter().map(|f| f.path.as_str()).collect();
    let mut named = 0;
    for space in ["w", "p", "m", "vocab"] {
        let count = m["tags"][space].as_str().unwrap().len() / crate::files::TAG_LEN;
        assert!(count > 0, "space {space} has shards");
        for n in 0..count {
            let tag = crate::files::tag_in(&m, space, n).unwrap();
            let path = shard_path(space, n, &tag);
            assert!(
                handed.contains(path.as_str()),
                "{path} named, not handed on"
            );
            named += 1;
        }
    }
    // The shards and the client's two files: nothing else, nothing twice.
    assert_eq!(handed.len(), shards.len(), "a file handed on twice");
    assert_eq!(shards.len(), named + 2);
    // The same files as the whole index at once, the manifest first there.
    let mut b = IndexBuilder::new();
    b.add(docs(2000));
    let whole = b.finish();
    assert_eq!(whole[0].path, MANIFEST);
    let mut a: Vec<_> = order.iter().map(|f| (&f.path, &f.bytes)).collect();
    let mut w: Vec<_> = whole.iter().map(|f| (&f.path, &f.bytes)).collect();
    a.sort();
    w.sort();
    assert!(a == w, "other files when handed on one by one");
}

#[test]
fn an_edit_renames_only_the_shards_it_changed() {
    edit_renames_few_shards(|d| d.summary = "tóm tắt đã sửa: hợp tác xã".into());
    // A title that sorts elsewhere (docs are not numbered by title, so no doc moves).
    edit_renames_few_shards(|d| d.title = format!("Ăn ở hợp vệ sinh: {}", d.title));
}

/// Builds the index of `docs(3000)`, then again after `edit` of one doc, and checks that
/// few shards got new names.
fn edit_renames_few_shards(edit: impl Fn(&mut SearchDoc)) {
    let before = build(docs(3000), &Abbreviations::builtin());
    let mut edited = docs(3000);
    edit(&mut edited[1234]);
    let after = build(edited, &Abbreviations::builtin());
    let shards = |files: &[IndexFile]| -> std::collections::HashMap<String, Vec<u8>> {
        files
            .iter()
            .filter(|f| f.path.starts_with("tim-kiem/i/"))
            .map(|f| (f.path.clone(), f.bytes.clone()))
            .collect()
    };
    let (before, after) = (shards(&before), shards(&after));
    assert!(before.len() > 300, "{} shards", before.len());
    // A path names its bytes: a path in both builds has the same bytes in both.
    for (path, bytes) in &after {
        if let Some(old) = before.get(path) {
            assert_eq!(old, bytes, "{path} kept its name with other bytes");
        }
    }
    let renamed = after.keys().filter(|p| !before.contains_key(*p)).count();
    eprintln!("{renamed} of {} shards renamed", after.len());
    assert!(
        renamed >= 2,
        "the edited doc's metadata and words: {renamed}"
    );
    assert!(
        renamed * 20 < after.len(),
        "{renamed} of {} shards renamed by one edit",
        after.len()
    );
    // Every name is `<space>/<n>.<tag>.<ext>`, with the tag of its bytes.
    for (path, bytes) in &after {
        let tag = crate::files::shard_tag(bytes);
        assert!(path.contains(&format!(".{tag}.")), "{path}");
    }
}

#[test]
fn fx_hashes_the_tail_as_a_zero_padded_word() {
    for len in 0..=20 {
        let bytes: Vec<u8> = (1..=len as u8).collect();
        let mut h = Fx::default();
        h.write(&bytes);
        let mut want = Fx::default();
        for chunk in bytes.chunks(8) {
            let mut v = [0u8; 8];
            v[..chunk.len()].copy_from_slice(chunk);
            want.write_u64(u64::from_le_bytes(v));
        }
        assert_eq!(h.finish(), want.finish(), "{len} bytes");
    }
}
