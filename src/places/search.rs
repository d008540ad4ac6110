//! Names a unit is searched by besides the one pages show (issue 23): a reader types a place
//! with or without its type word, abbreviated or not, with or without accents, or by another
//! name the list knows ("TP.HCM", "Thành phố Đà Nẵng", "thị trấn Ba Tri", "Q.1", "Sài Gòn").
//!
//! The search crate folds accents away and drops some words of a query when others are left
//! (`dvk_search::query::OPTIONAL_WORDS`: "tỉnh", "huyện", "xã", "phường", "thị", and the
//! abbreviations "TP", "TX", "TT", "P", "Q", "H", "X"). So a unit is indexed with:
//! - its full name when its type word has a word a query keeps ("Thành phố Đà Nẵng", "Quận
//!   Hải Châu", "Thị trấn Ba Tri", "Đặc khu Phú Quốc"); "Tỉnh", "Huyện", "Thị xã", "Xã",
//!   "Phường" are dropped from queries, so they are not indexed;
//! - its type's abbreviation alone ("TP", "Q", "TX", "TT", "P"), a word queries drop but that
//!   still ranks the unit's models first ("TT Ba Tri": the town's before the district's);
//! - a numbered unit's abbreviation glued to its number ("Q1", "P5");
//! - the list's other names, which it keeps as keys without spaces: split back into the
//!   syllables of the list's names ("saigon" → "sai gon", "thuathienhue" → "thua thien hue",
//!   "huyenthongnong" → "huyen thong nong"), and a province's keys as one word too ("saigon", "hcm",
//!   "tphcm", "hn": readers type them so).

use super::{official, Unit};
use std::collections::HashSet;
use std::sync::OnceLock;

/// The abbreviation of each type word (by index in [`super::names::TYPES`]) that is indexed.
const ABBREVIATIONS: [Option<&str>; 9] = [
    None,       // Tỉnh
    Some("TP"), // Thành phố
    Some("Q"),  // Quận
    None,       // Huyện: "H." is dropped from queries, and nearly every model is in one
    Some("TX"), // Thị xã
    Some("P"),  // Phường
    Some("TT"), // Thị trấn
    None,       // Xã: as Huyện
    None,       // Đặc khu
];

/// The names `u` is searched by besides its bare name (see the module's doc). `province`: the
/// unit is a province (its keys are kept as they are, too).
pub fn search_names(u: &Unit, province: bool) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |s: String| {
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    let type_word = u.type_word();
    let kept_by_queries = dvk_search::text::terms_of(type_word)
        .iter()
        .any(|t| !dvk_search::query::OPTIONAL_WORDS.contains(&t.as_str()));
    let full = u.full_name();
    if kept_by_queries && full != u.name {
        push(full);
    }
    if let Some(a) = ABBREVIATIONS[usize::from(u.kind)] {
        push(a.to_string());
        // "Quận 1" → "Q1".
        if let Some(n) = u.name.strip_prefix(type_word) {
            let n = n.trim();
            if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) {
                push(format!("{a}{n}"));
            }
        }
    }
    for key in u.aliases.split(',').filter(|k| !k.is_empty()) {
        if province {
            // As one word too: "saigon", "hcm", "tphcm" are typed so.
            push(key.to_string());
        }
        // Split into syllables. A type word it starts with stays: it cannot be told from a
        // name's first syllable ("huyen thong nong" but "tinh gia", Tĩnh Gia).
        if let Some(words) = syllables(key) {
            push(words);
        }
    }
    out
}

/// The folded words of the list's names, with the abbreviations of type words.
fn vocabulary() -> &'static HashSet<String> {
    static WORDS: OnceLock<HashSet<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let p = official();
        let mut words: HashSet<String> = ["tp", "tx", "tt", "q", "p"]
            .into_iter()
            .map(String::from)
            .collect();
        for u in p
            .old_provinces
            .iter()
            .chain(&p.old_districts)
            .chain(&p.old_communes)
            .chain(&p.new_provinces)
            .chain(&p.new_communes)
        {
            words.extend(dvk_search::text::terms_of(&u.full_name()));
        }
        words
    })
}

/// A key of the list (folded, no spaces: "thuathienhue") as the fewest syllables of the list's
/// names ("thua thien hue"), runs of digits as words; `None` when it is no run of them.
pub fn syllables(key: &str) -> Option<String> {
    let words = vocabulary();
    let b = key.as_bytes();
    if b.is_empty() || !key.is_ascii() {
        return None;
    }
    let longest = 7; // "nghieng", "nguyen": Vietnamese syllables are short
                     // best[i]: fewest words for b[..i], with the start of the last one.
    let mut best: Vec<Option<(usize, usize)>> = vec![None; b.len() + 1];
    best[0] = Some((0, 0));
    for end in 1..=b.len() {
        for start in end.saturating_sub(longest)..end {
            let Some((n, _)) = best[start] else { continue };
            let piece = &key[start..end];
            let ok = words.contains(piece)
                || (piece.bytes().all(|c| c.is_ascii_digit())
                    && !b.get(end).is_some_and(u8::is_ascii_digit)
                    && (start == 0 || !b[start - 1].is_ascii_digit()));
            if ok && best[end].is_none_or(|(m, _)| n + 1 < m) {
                best[end] = Some((n + 1, start));
            }
        }
    }
    let mut parts = Vec::new();
    let mut end = b.len();
    while end > 0 {
        let (_, start) = best[end]?;
        parts.push(&key[start..end]);
        end = start;
    }
    parts.reverse();
    Some(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::places::Era;

    fn province(era: Era, name: &str) -> &'static Unit {
        let p = official();
        &p.provinces(era)[p.provinces_named(era, name)[0] as usize]
    }

    #[test]
    fn keys_are_split_into_the_syllables_of_the_lists_names() {
        assert_eq!(syllables("saigon").as_deref(), Some("sai gon"));
        assert_eq!(syllables("thuathienhue").as_deref(), Some("thua thien hue"));
        assert_eq!(syllables("vungtau").as_deref(), Some("vung tau"));
        assert_eq!(
            syllables("huyenthongnong").as_deref(),
            Some("huyen thong nong")
        );
        assert_eq!(
            syllables("phuongnguyentrungtruc").as_deref(),
            Some("phuong nguyen trung truc")
        );
        assert_eq!(syllables("quan09").as_deref(), Some("quan 09"));
        assert_eq!(syllables("txphucyen").as_deref(), Some("tx phuc yen"));
        assert_eq!(syllables("hcm"), None);
        assert_eq!(syllables("tphcm"), None);
        assert_eq!(syllables("hochiminhcity"), None);
        assert_eq!(syllables(""), None);
    }

    #[test]
    fn a_city_is_searched_by_its_type_word_its_abbreviation_and_its_other_names() {
        let hcm = province(Era::New, "Hồ Chí Minh");
        let names = search_names(hcm, true);
        for n in [
            "Thành phố Hồ Chí Minh",
            "TP",
            "hcm",
            "saigon",
            "sai gon",
            "tphcm",
        ] {
            assert!(names.contains(&n.to_string()), "{n}: {names:?}");
        }
        let dn = search_names(province(Era::Old, "Đà Nẵng"), true);
        assert_eq!(dn, ["Thành phố Đà Nẵng", "TP"]);
        // Province types a query drops are not indexed.
        assert!(search_names(province(Era::Old, "Bến Tre"), true).is_empty());
        assert_eq!(
            search_names(province(Era::Old, "Thừa Thiên Huế"), true),
            ["Thành phố Huế", "TP", "thuathienhue", "thua thien hue"]
        );
    }

    #[test]
    fn towns_districts_and_wards() {
        let p = official();
        let find = |units: &'static [Unit], name: &str, kind: usize| {
            units
                .iter()
                .find(|u| u.name == name && usize::from(u.kind) == kind)
                .unwrap()
        };
        let tt = find(&p.old_communes, "Ba Tri", 6);
        assert_eq!(search_names(tt, false), ["Thị trấn Ba Tri", "TT"]);
        let q1 = find(&p.old_districts, "Quận 1", 2);
        assert_eq!(search_names(q1, false), ["Q", "Q1"]);
        let huyen = find(&p.old_districts, "Hà Quảng", 3);
        assert_eq!(
            search_names(huyen, false),
            ["huyen thong nong", "thong nong"]
        );
        // A former name whose first syllable folds like a type word keeps it (Tĩnh Gia).
        let nghi_son = find(&p.old_districts, "Nghi Sơn", 4);
        let names = search_names(nghi_son, false);
        assert!(names.contains(&"tinh gia".to_string()), "{names:?}");
        let thu_duc = find(&p.old_districts, "Thủ Đức", 1);
        let names = search_names(thu_duc, false);
        assert!(names.contains(&"quan 9".to_string()), "{names:?}");
        assert!(!names.iter().any(|n| n.contains("district")), "{names:?}");
    }
}
