//! A reference implementation of the client's query evaluation, reading the files written by
//! [`crate::build_index`]. The browser runs `search.js`; this mirrors its rules so the index
//! can be tested (and inspected from tools) without a browser.

use std::collections::HashMap;

use serde_json::Value;

use crate::build::PREFIX_MARK;
use crate::codec::{
    read_shard, Payload, LIST_BODY, LIST_BODY_HIGH, LIST_META, LIST_PLACE, LIST_TITLE,
};
use crate::text::tokens;
use crate::IndexFile;

/// One part of a parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A word; `prefix` when it is the last word and still being typed.
    Word {
        /// Folded term.
        term: String,
        /// Matches every term that starts with it.
        prefix: bool,
    },
    /// A quoted phrase of two or more words.
    Phrase(Vec<String>),
}

/// Function words that only rank a result, unless the query has nothing else: a reader looking
/// for "mô hình heo đất ở huyện Lâm Hà" wants the models about heo đất in Lâm Hà, whether or
/// not their text says "ở" or "huyện". Folded; quoted phrases and the word being typed are
/// never optional. Written into the manifest (`optional`) for the client.
///
/// Type words of places are among them ("tỉnh", "huyện", "thị xã", "xã", "phường"), with the
/// abbreviations of type words ("TP.HCM", "TX", "TT", "P. 5", "Q.1", "H.", "X."): a place is
/// found with or without them. "Thành phố", "quận", "thị trấn" are words of running text
/// ("thành phố văn minh", "quan tâm", "mặt trận"), so they stay: the site indexes the full
/// name of each unit of those types with its other names (`place_aliases`).
pub const OPTIONAL_WORDS: &[&str] = &[
    "o", "cua", "va", "cac", "nhung", "cho", "voi", "tai", "trong", "la", "mot", "de", "duoc",
    "ve", "theo", "nhu", "thi", "ma", "khi", "da", "se", "hay", "hoac", "nay", "do", "mo", "hinh",
    "huyen", "tinh", "xa", "phuong", "tp", "tx", "tt", "p", "q", "h", "x",
];

fn is_quote(c: char) -> bool {
    matches!(
        c,
        '"' | '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}'
    )
}

/// Parses a query: words (AND), quoted phrases, the last word a prefix unless the query ends
/// with a space, a quote or punctuation. Repeated items are dropped.
pub fn parse(query: &str) -> Vec<Item> {
    let folded = vntext::fold(query);
    let mut items = Vec::new();
    let mut in_quote = false;
    let mut last_is_bare_word = false;
    for (n, segment) in folded.split(is_quote).enumerate() {
        in_quote = n % 2 == 1;
        let words: Vec<String> = tokens(segment).map(|t| t.text.into_owned()).collect();
        if in_quote && words.len() > 1 {
            items.push(Item::Phrase(words));
            last_is_bare_word = false;
        } else {
            last_is_bare_word = !in_quote && !words.is_empty();
            for term in words {
                items.push(Item::Word {
                    term,
                    prefix: false,
                });
            }
        }
    }
    let _ = in_quote;
    let ends_in_word = folded.chars().last().is_some_and(crate::text::is_term_char);
    if ends_in_word && last_is_bare_word {
        if let Some(Item::Word { prefix, .. }) = items.last_mut() {
            *prefix = true;
        }
    }
    let mut seen = Vec::new();
    items.retain(|it| {
        if seen.contains(it) {
            false
        } else {
            seen.push(it.clone());
            true
        }
    });
    items
}

/// The index, loaded from the built files.
pub struct Index {
    manifest: Value,
    files: HashMap<String, Vec<u8>>,
    n: usize,
}

/// Doc lists of one entry, by list bit.
type Lists = Vec<(u8, Vec<u32>)>;

const WEIGHTS: [(u8, f64); 5] = [
    (LIST_TITLE, 20.0),
    (LIST_PLACE, 15.0),
    (LIST_META, 4.0),
    (LIST_BODY, 1.0),
    (LIST_BODY_HIGH, 1.0),
];

/// Weights of two query words found adjacent, as typed, by where: title and place first,
/// then host, tags and summary; adjacent words in the body outweigh one word more in the
/// title, so a doc with the words as typed comes before one that has them scattered.
const PAIR_WEIGHTS: [(u8, f64); 5] = [
    (LIST_TITLE, 40.0),
    (LIST_PLACE, 40.0),
    (LIST_META, 20.0),
    (LIST_BODY, 15.0),
    (LIST_BODY_HIGH, 0.0),
];

/// Adjacent pairs of query words looked up, each costing a phrase shard (about 12 KB): the
/// first and the last when there are more.
pub const MAX_ADJACENT_PAIRS: usize = 2;
/// Added for each pair of adjacent query words that is a pair of adjacent words of a doc's
/// place (`lam ha` → Lâm Hà): more than any text score, so the place's models come first.
pub const PLACE_BOOST: f64 = 1000.0;
/// A word corrected for a typo scores this share of the word it was corrected to.
pub const FUZZY_FACTOR: f64 = 0.6;
/// Most corrections tried for one word (the most frequent terms first).
pub const FUZZY_MAX: usize = 3;

/// Edit distance with adjacent transpositions (optimal string alignment) between `a` and `b`,
/// or between `a` and the closest prefix of `b` when `prefix`.
pub fn edit_distance(a: &str, b: &str, prefix: bool) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (m, n) = (a.len(), b.len());
    let mut d = vec![vec![0usize; n + 1]; m + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, v) in d[0].iter_mut().enumerate() {
        *v = j;
    }
    for i in 1..=m {
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    if prefix {
        d[m].iter().copied().min().unwrap_or(m)
    } else {
        d[m][n]
    }
}

impl Index {
    /// Loads the index from [`crate::build_index`]'s output.
    pub fn from_files(files: &[IndexFile]) -> Option<Index> {
        let files: HashMap<String, Vec<u8>> = files
            .iter()
            .map(|f| (f.path.clone(), f.bytes.clone()))
            .collect();
        let manifest: Value = serde_json::from_slice(files.get("tim-kiem/index.json")?).ok()?;
        let n = manifest["n"].as_u64()? as usize;
        Some(Index { manifest, files, n })
    }

    /// Number of docs indexed with other names of their place ([`crate::SearchDoc::place_aliases`]).
    pub fn aliased(&self) -> usize {
        self.manifest["aliased"].as_u64().unwrap_or(0) as usize
    }

    /// Number of docs.
    pub fn len(&self) -> usize {
        self.n
    }

    /// True when there are no docs.
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The bytes of shard `n` of `space`, at the path its tag gives it (as the client finds it).
    fn shard(&self, space: &str, n: usize) -> Option<&[u8]> {
        let tag = crate::files::tag_in(&self.manifest, space, n)?;
        self.files
            .get(&crate::files::shard_path(space, n, &tag))
            .map(Vec::as_slice)
    }

    fn lookup_in(&self, space: &str, key: &str, hops: u8) -> Option<Lists> {
        let firsts = self.manifest[space].as_array()?;
        let idx =
            firsts.partition_point(|f| f.as_str().is_some_and(|f| f.as_bytes() <= key.as_bytes()));
        if idx == 0 {
            return None;
        }
        let shard = read_shard(self.shard(space, idx - 1)?)?;
        let (_, payload) = shard.into_iter().find(|(k, _)| k == key)?;
        match payload {
            Payload::Lists(l) => Some(l),
            Payload::Alias(target) if hops > 0 => self.lookup_in(space, &target, hops - 1),
            Payload::Alias(_) => None,
        }
    }

    fn scores(&self, lists: &Lists) -> HashMap<u32, f64> {
        self.weighted(lists, &WEIGHTS)
    }

    fn weighted(&self, lists: &Lists, weights: &[(u8, f64)]) -> HashMap<u32, f64> {
        let mut all: Vec<u32> = lists.iter().flat_map(|(_, d)| d.iter().copied()).collect();
        all.sort_unstable();
        all.dedup();
        let idf = (1.0 + self.n as f64 / all.len().max(1) as f64).ln();
        let mut out: HashMap<u32, f64> = all.iter().map(|&d| (d, 0.0)).collect();
        for (bit, docs) in lists {
            let w = weights
                .iter()
                .find(|(b, _)| b == bit)
                .map_or(0.0, |(_, w)| *w);
            for d in docs {
                *out.entry(*d).or_default() += w * idf;
            }
        }
        out
    }

    fn item_scores(&self, item: &Item) -> HashMap<u32, f64> {
        match item {
            Item::Word { term, prefix } => {
                let exact = self
                    .lookup_in("w", term, 1)
                    .map(|l| self.scores(&l))
                    .unwrap_or_default();
                if !prefix {
                    if exact.is_empty() {
                        return self.fuzzy_scores(term, false);
                    }
                    return exact;
                }
                let mut out = exact;
                if let Some(l) = self.lookup_in("w", &format!("{term}{PREFIX_MARK}"), 1) {
                    for (d, s) in self.scores(&l) {
                        let e = out.entry(d).or_default();
                        *e = e.max(0.5 * s);
                    }
                }
                if out.is_empty() {
                    return self.fuzzy_scores(term, true);
                }
                out
            }
            Item::Phrase(words) => {
                let mut out: Option<HashMap<u32, f64>> = None;
                for pair in words.windows(2) {
                    let s = match self.lookup_in("p", &format!("{} {}", pair[0], pair[1]), 0) {
                        Some(l) => self.scores(&l),
                        None => return HashMap::new(),
                    };
                    out = Some(match out {
                        None => s.into_iter().map(|(d, v)| (d, 2.0 * v)).collect(),
                        Some(prev) => prev
                            .into_iter()
                            .filter(|(d, _)| s.contains_key(d))
                            .collect(),
                    });
                }
                out.unwrap_or_default()
            }
        }
    }

    /// Terms of the vocabulary one edit away from `term` (from a prefix of them when
    /// `prefix`), most frequent first, at most [`FUZZY_MAX`]; none for short words.
    pub fn corrections(&self, term: &str, prefix: bool) -> Vec<String> {
        if term.chars().count() < crate::build::FUZZY_MIN_CHARS {
            return Vec::new();
        }
        let Some(first) = term.chars().next() else {
            return Vec::new();
        };
        let Some(list) = self.raw_entry("vocab", &first.to_string()) else {
            return Vec::new();
        };
        list.split('\n')
            .filter(|c| *c != term && edit_distance(term, c, prefix) <= 1)
            .take(FUZZY_MAX)
            .map(str::to_owned)
            .collect()
    }

    fn raw_entry(&self, space: &str, key: &str) -> Option<String> {
        let firsts = self.manifest[space].as_array()?;
        let idx =
            firsts.partition_point(|f| f.as_str().is_some_and(|f| f.as_bytes() <= key.as_bytes()));
        let shard = read_shard(self.shard(space, idx.checked_sub(1)?)?)?;
        match shard.into_iter().find(|(k, _)| k == key)?.1 {
            Payload::Alias(s) => Some(s),
            Payload::Lists(_) => None,
        }
    }

    /// The first correction of a word found nowhere (`None` when it is found, or has none).
    fn correction_of(&self, term: &str, prefix: bool) -> Option<String> {
        if self.lookup_in("w", term, 1).is_some()
            || (prefix
                && self
                    .lookup_in("w", &format!("{term}{PREFIX_MARK}"), 1)
                    .is_some())
        {
            return None;
        }
        self.corrections(term, prefix).into_iter().next()
    }

    fn fuzzy_scores(&self, term: &str, prefix: bool) -> HashMap<u32, f64> {
        let mut out: HashMap<u32, f64> = HashMap::new();
        for c in self.corrections(term, prefix) {
            if let Some(l) = self.lookup_in("w", &c, 1) {
                for (d, s) in self.scores(&l) {
                    let e = out.entry(d).or_default();
                    *e = e.max(FUZZY_FACTOR * s);
                }
            }
        }
        out
    }

    /// Doc numbers matching `query`, best first.
    pub fn search(&self, query: &str) -> Vec<u32> {
        let items = parse(query);
        if items.is_empty() {
            return Vec::new();
        }
        let optional_word = |it: &Item| matches!(it, Item::Word { term, prefix: false } if OPTIONAL_WORDS.contains(&term.as_str()));
        let all_optional = items.iter().all(optional_word);
        let (optional, required): (Vec<&Item>, Vec<&Item>) = items
            .iter()
            .partition(|it| !all_optional && optional_word(it));
        let mut total: Option<HashMap<u32, f64>> = None;
        for item in required {
            let s = self.item_scores(item);
            total = Some(match total {
                None => s,
                Some(t) => t
                    .into_iter()
                    .filter_map(|(d, v)| s.get(&d).map(|w| (d, v + w)))
                    .collect(),
            });
        }
        let mut total = total.unwrap_or_default();
        // Words adjacent as typed: their pair (in the phrase shards) adds to the docs that have it.
        // A word corrected for a typo pairs as its first correction.
        let corrected: Vec<String> = items
            .iter()
            .map(|it| match it {
                Item::Word { term, prefix } => self
                    .correction_of(term, *prefix)
                    .unwrap_or_else(|| term.clone()),
                Item::Phrase(_) => String::new(),
            })
            .collect();
        let words: Vec<&str> = corrected.iter().map(String::as_str).collect();
        let mut pairs: Vec<String> = items
            .windows(2)
            .zip(words.windows(2))
            .filter(|(it, w)| {
                !w[0].is_empty()
                    && !w[1].is_empty()
                    && !optional.contains(&&it[0])
                    && !optional.contains(&&it[1])
            })
            .map(|(_, w)| format!("{} {}", w[0], w[1]))
            .collect();
        if pairs.len() > MAX_ADJACENT_PAIRS {
            // The first and the last: what a query is about, and (often) where.
            let last = pairs.swap_remove(pairs.len() - 1);
            pairs.truncate(MAX_ADJACENT_PAIRS - 1);
            pairs.push(last);
        }
        for key in pairs {
            if let Some(l) = self.lookup_in("p", &key, 0) {
                for (d, s) in self.weighted(&l, &PAIR_WEIGHTS) {
                    if let Some(v) = total.get_mut(&d) {
                        *v += s;
                    }
                }
                // Two words of the query that are two adjacent words of a doc's place name
                // (its commune, district or province, today's or a former one): the query
                // names that place, and its models come first; the more of the name the
                // query spells (`nam ban lam ha`), the higher.
                for (_, docs) in l.iter().filter(|(bit, _)| *bit == LIST_PLACE) {
                    for d in docs {
                        if let Some(v) = total.get_mut(d) {
                            *v += PLACE_BOOST;
                        }
                    }
                }
            }
        }
        for item in optional {
            for (d, s) in self.item_scores(item) {
                if let Some(v) = total.get_mut(&d) {
                    *v += s;
                }
            }
        }
        let mut ranked: Vec<(u32, f64)> = total.into_iter().collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        ranked.into_iter().map(|(d, _)| d).collect()
    }

    /// `[url, title, place, excerpt]` of a doc.
    pub fn doc(&self, doc: u32) -> Option<Vec<String>> {
        let per = self.manifest["meta"].as_u64()? as u32;
        let rows: Value = serde_json::from_slice(self.shard("m", (doc / per) as usize)?).ok()?;
        let row = rows.get((doc % per) as usize)?.as_array()?;
        Some(
            row.iter()
                .map(|v| v.as_str().unwrap_or_default().to_owned())
                .collect(),
        )
    }

    /// URLs of the docs matching `query`, best first.
    pub fn search_urls(&self, query: &str) -> Vec<String> {
        self.search(query)
            .into_iter()
            .filter_map(|d| self.doc(d).map(|mut r| r.swap_remove(0)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{build_index, DocKind, SearchDoc};
    use unicode_normalization::UnicodeNormalization;

    fn model(url: &str, title: &str, place: &str, body: &str) -> SearchDoc {
        let parts: Vec<&str> = place.split(", ").collect();
        SearchDoc {
            url: url.into(),
            kind: DocKind::Model,
            title: title.into(),
            place: place.into(),
            place_aliases: Default::default(),
            province: parts.last().map(|s| s.to_string()),
            district: (parts.len() > 1).then(|| parts[parts.len() - 2].to_string()),
            year: Some(2023),
            field: Some("Kinh tế".into()),
            exemplary: false,
            host: "Hội Nông dân".into(),
            tags: vec!["nông thôn mới".into()],
            summary: String::new(),
            body: body.into(),
        }
    }

    fn sample() -> Vec<SearchDoc> {
        vec![
            model(
                "mo-hinh/heo-dat/",
                "Nuôi heo đất giúp phụ nữ nghèo",
                "Phúc Thọ, Lâm Hà, Lâm Đồng",
                "Hội viên góp tiền nuôi heo đất. Mỗi tháng mổ heo một lần.",
            ),
            model(
                "mo-hinh/dang-vien/",
                "Đảng viên gương mẫu",
                "Phú Túc, Châu Thành, Bến Tre",
                "Chi bộ Đảng vận động đảng viên hiến đất làm đường giao thông nông thôn.",
            ),
            model(
                "mo-hinh/duong-hoa/",
                "Con đường hoa",
                "Ea Tu, Buôn Ma Thuột, Đắk Lắk",
                "Trồng hoa hai bên đường. Đường giao thông sạch đẹp. Dân vận khéo.",
            ),
            model(
                "mo-hinh/script/",
                "<script>alert(1)</script> & <b>đậm</b>",
                "Cư M'gar, Đắk Lắk",
                "Mô hình có tiêu đề lạ.",
            ),
            SearchDoc {
                url: "tin-tuc/hoi-nghi/".into(),
                kind: DocKind::Article,
                title: "Hội nghị tổng kết dân vận khéo".into(),
                body: "Tổng kết phong trào thi đua dân vận khéo năm 2024.".into(),
                ..Default::default()
            },
        ]
    }

    fn index() -> Index {
        Index::from_files(&build_index(&sample())).expect("index loads")
    }

    #[test]
    fn parses_words_phrases_and_the_typed_prefix() {
        use Item::*;
        let w = |t: &str, p: bool| Word {
            term: t.into(),
            prefix: p,
        };
        assert_eq!(parse("Heo Đất"), vec![w("heo", false), w("dat", true)]);
        assert_eq!(parse("heo dat "), vec![w("heo", false), w("dat", false)]);
        assert_eq!(
            parse("\"giao thông\" đường"),
            vec![
                Phrase(vec!["giao".into(), "thong".into()]),
                w("duong", true)
            ]
        );
        assert_eq!(
            parse("“giao thông”"),
            vec![Phrase(vec!["giao".into(), "thong".into()])]
        );
        assert_eq!(parse("\"heo\" heo"), vec![w("heo", false), w("heo", true)]);
        assert_eq!(parse("heo heo "), vec![w("heo", false)]);
        let nfd: String = "đất".nfd().collect();
        assert_eq!(parse(&nfd), vec![w("dat", true)]);
        assert!(parse("  ,.; ").is_empty());
    }

    #[test]
    fn finds_with_and_without_diacritics_and_d_as_d() {
        let ix = index();
        for q in ["heo đất", "heo dat", "HEO ĐẤT", "Heo Dat "] {
            assert_eq!(
                ix.search_urls(q).first().map(String::as_str),
                Some("mo-hinh/heo-dat/"),
                "{q}"
            );
        }
        assert_eq!(ix.search_urls("dang vien "), vec!["mo-hinh/dang-vien/"]);
        let duong = ix.search_urls("duong giao thong ");
        assert!(duong.contains(&"mo-hinh/dang-vien/".to_string()));
        assert!(duong.contains(&"mo-hinh/duong-hoa/".to_string()));
    }

    #[test]
    fn nfd_queries_match_nfc_text() {
        let ix = index();
        let nfd: String = "Đảng viên gương mẫu".nfd().collect();
        assert_eq!(ix.search_urls(&nfd), vec!["mo-hinh/dang-vien/"]);
    }

    #[test]
    fn every_word_must_match() {
        let ix = index();
        assert_eq!(ix.search_urls("heo giao "), Vec::<String>::new());
        assert!(ix.search_urls("xyzzy").is_empty());
        assert!(ix.search_urls("heo xyzzy ").is_empty());
    }

    #[test]
    fn last_word_matches_as_prefix_while_typing() {
        let ix = index();
        assert_eq!(ix.search_urls("nuoi he"), vec!["mo-hinh/heo-dat/"]);
        assert_eq!(ix.search_urls("nuoi he "), Vec::<String>::new());
        // `thuo` only completes to `thuot`: an alias entry.
        assert_eq!(ix.search_urls("buon ma thuo"), vec!["mo-hinh/duong-hoa/"]);
        // Apostrophe names: `m'gar`, `mgar` and the prefix `mg` alike.
        for q in ["cư m'gar", "cu mgar", "cu mg"] {
            assert_eq!(ix.search_urls(q), vec!["mo-hinh/script/"], "{q}");
        }
    }

    #[test]
    fn function_words_only_rank() {
        let ix = index();
        // No doc says "ở" or "huyện": they do not hide the model about heo đất in Lâm Hà.
        assert_eq!(
            ix.search_urls("mô hình heo đất ở huyện Lâm Hà"),
            vec!["mo-hinh/heo-dat/"]
        );
        // But an unknown content word still does (AND).
        assert!(ix.search_urls("heo đất ở xyzzy ").is_empty());
        // A query of function words only is matched as it is.
        assert!(ix.search_urls("ở của ").is_empty());
    }

    #[test]
    fn places_with_or_without_their_type_words_abbreviated_or_not() {
        let mut docs = sample();
        // What the site adds to a unit's names (`place_aliases`): the type's abbreviation,
        // a numbered unit's glued, the official list's other names.
        let mut q1 = model(
            "mo-hinh/mot-cua/",
            "Một cửa thân thiện",
            "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí Minh",
            "Tiếp dân mỗi sáng.",
        );
        q1.place_aliases = ["P", "Q", "Q1", "TP", "hcm", "tphcm", "saigon", "sai gon"]
            .map(String::from)
            .into();
        docs.push(q1);
        let mut town = model(
            "mo-hinh/den-duong/",
            "Thắp sáng đường quê",
            "Thị trấn Nam Ban, Lâm Hà, Lâm Đồng",
            "Đèn năng lượng mặt trời.",
        );
        town.place_aliases = vec!["TT".into()].into();
        docs.push(town);
        let ix = Index::from_files(&build_index(&docs)).expect("index loads");
        for q in [
            "tp hcm",
            "TP.HCM",
            "TP. Hồ Chí Minh",
            "thành phố hồ chí minh",
            "hcm",
            "tphcm",
            "Sài Gòn",
            "saigon",
            "Q.1 ",
            "q1",
            "quận 1 ",
            "P. Bến Nghé",
            "phường ben nghe",
        ] {
            let urls = ix.search_urls(q);
            assert_eq!(
                urls.first().map(String::as_str),
                Some("mo-hinh/mot-cua/"),
                "{q}"
            );
            // Only docs with the number ("alert(1)" in a title) come after.
            assert!(urls.len() == 1 || q.contains('1'), "{q}: {urls:?}");
        }
        // Abbreviated, the type word only ranks: every Lâm Hà model, the town's first.
        for q in ["TT Lâm Hà", "tt. lam ha "] {
            let urls = ix.search_urls(q);
            assert_eq!(urls[..2], ["mo-hinh/den-duong/", "mo-hinh/heo-dat/"], "{q}");
        }
        // "Thành phố", "quận", "thị trấn" are words of running text too: kept.
        assert_eq!(
            ix.search_urls("thị trấn Lâm Hà"),
            vec!["mo-hinh/den-duong/"]
        );
        assert!(ix.search_urls("thành phố Lâm Hà").is_empty());
        for w in [
            "tp", "tx", "tt", "p", "q", "h", "x", "tinh", "huyen", "xa", "phuong",
        ] {
            assert!(OPTIONAL_WORDS.contains(&w), "{w}");
        }
        for w in ["thanh", "pho", "quan", "tran"] {
            assert!(!OPTIONAL_WORDS.contains(&w), "{w}");
        }
    }

    #[test]
    fn the_year_of_a_model_is_searchable() {
        let ix = index();
        assert_eq!(
            ix.search_urls("heo dat 2023").first().map(String::as_str),
            Some("mo-hinh/heo-dat/")
        );
        assert!(ix.search_urls("heo dat 2019 ").is_empty());
    }

    #[test]
    fn phrases_need_adjacent_words() {
        let ix = index();
        // "giao thông" adjacent in two docs; "thông giao" in none.
        assert_eq!(ix.search_urls("\"giao thông\"").len(), 2);
        assert!(ix.search_urls("\"thong giao\"").is_empty());
        // Adjacency does not cross a sentence: "heo. Mỗi" is not the phrase "heo moi".
        assert!(ix.search_urls("\"heo mỗi\"").is_empty());
        assert_eq!(
            ix.search_urls("\"dân vận khéo\""),
            vec!["tin-tuc/hoi-nghi/", "mo-hinh/duong-hoa/"]
        );
    }

    #[test]
    fn title_and_place_matches_rank_first() {
        let ix = index();
        // "đường" in the title of duong-hoa, only in the body of dang-vien.
        assert_eq!(ix.search_urls("đường")[0], "mo-hinh/duong-hoa/");
        // "Đảng" in the title of dang-vien.
        assert_eq!(ix.search_urls("dang")[0], "mo-hinh/dang-vien/");
        // Place: Lâm Hà.
        assert_eq!(ix.search_urls("lam ha"), vec!["mo-hinh/heo-dat/"]);
    }

    #[test]
    fn metadata_is_plain_text() {
        let ix = index();
        let d = ix.search("script alert")[0];
        let row = ix.doc(d).unwrap();
        assert_eq!(row[1], "<script>alert(1)</script> & <b>đậm</b>");
    }

    #[test]
    fn output_is_deterministic_and_independent_of_input_order() {
        let a = build_index(&sample());
        let mut docs = sample();
        docs.reverse();
        let b = build_index(&docs);
        assert_eq!(a, b);
        assert!(a.iter().any(|f| f.path == "tim-kiem/search.js"));
        assert!(a.iter().all(|f| !f.path.starts_with('/')));
    }

    #[test]
    fn manifest_has_facets_in_runs() {
        let files = build_index(&sample());
        let m: Value = serde_json::from_slice(&files[0].bytes).unwrap();
        assert_eq!(m["n"], 5);
        assert_eq!(m["years"], serde_json::json!([2023]));
        // Four models then one article.
        assert_eq!(m["runs"]["kind"], serde_json::json!([0, 4, 1, 1]));
        assert_eq!(m["runs"]["year"], serde_json::json!([1, 4, 0, 1]));
        let provinces: Vec<&str> = m["provinces"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p[0].as_str().unwrap())
            .collect();
        assert_eq!(provinces, vec!["Bến Tre", "Đắk Lắk", "Lâm Đồng"]);
        assert_eq!(m["provinces"][1][1], "dak-lak");
    }

    #[test]
    fn empty_input_builds_an_empty_index() {
        let files = build_index(&[]);
        let ix = Index::from_files(&files).unwrap();
        assert!(ix.is_empty());
        assert!(ix.search("heo").is_empty());
    }
}
