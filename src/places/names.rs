//! How a place name as an editor writes it is compared with the official one: lookup keys
//! (no case, no accents, no spaces, with or without the unit's type word), the check that a
//! name written with accents is spelled right (old and new tone placement both are: "Hoà" and
//! "Hòa"), and the nearest official names for one that is not on the list.

use unicode_normalization::UnicodeNormalization;

/// The type words the list uses, by their index in the data file (`# types:` line).
pub const TYPES: [&str; 9] = [
    "Tỉnh",
    "Thành phố",
    "Quận",
    "Huyện",
    "Thị xã",
    "Phường",
    "Thị trấn",
    "Xã",
    "Đặc khu",
];

/// Type words (folded, as words) an editor may put before a name, with abbreviations.
const PREFIXES: &[&[&str]] = &[
    &["tinh"],
    &["thanh", "pho"],
    &["tp"],
    &["quan"],
    &["huyen"],
    &["thi", "xa"],
    &["tx"],
    &["phuong"],
    &["thi", "tran"],
    &["tt"],
    &["xa"],
    &["dac", "khu"],
    // One-letter abbreviations, only when written as a word of their own ("P. Bến Nghé",
    // "H. Kon Plông"): no name on the list is a single letter.
    &["p"],
    &["q"],
    &["h"],
    &["x"],
];

/// Abbreviated type words and the words they stand for, folded ("Q.1" is "Quận 1").
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("tp", "thanhpho"),
    ("tx", "thixa"),
    ("tt", "thitran"),
    ("p", "phuong"),
    ("q", "quan"),
    ("h", "huyen"),
    ("x", "xa"),
];

/// The key of a name whose first word is an abbreviated type word, with that word written
/// out ("Q.1" → "quan1", "P. 5" → "phuong5"), for units named by a number.
pub fn expanded_key(s: &str) -> Option<String> {
    let folded = vntext::fold(s);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let (first, rest) = words.split_first()?;
    let (_, full) = ABBREVIATIONS.iter().find(|(a, _)| a == first)?;
    (!rest.is_empty()).then(|| format!("{full}{}", rest.concat()))
}

/// The lookup key of a name: folded (no case, no accents, `đ` → `d`), letters and digits
/// only ("Đạ M'Rông" → "damrong").
pub fn key(s: &str) -> String {
    vntext::fold(s)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The key of a name without the type word it starts with ("TP. Bến Tre" → "bentre",
/// "Thị trấn Nam Ban" → "namban"), or `None` when it starts with none or nothing would be
/// left but a number ("Phường 1" keeps its type word).
pub fn key_without_type(s: &str) -> Option<String> {
    let folded = vntext::fold(s);
    let words: Vec<&str> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    // "tp.hcm", "tphcm" are written without a separator too.
    for p in PREFIXES {
        if words.len() > p.len() && words[..p.len()] == **p {
            let rest: String = words[p.len()..].concat();
            if rest.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            return Some(rest);
        }
    }
    let first = words.first()?;
    if let Some(rest) = first.strip_prefix("tp") {
        if words.len() == 1 && rest.len() >= 3 {
            return Some(rest.to_string());
        }
    }
    None
}

/// The name without its type word, as written (trimmed), for the spelling check.
fn without_type(s: &str) -> &str {
    let s = s.trim();
    let folded = vntext::fold(s);
    for p in PREFIXES {
        let words = p.join(" ");
        if folded.starts_with(&words) {
            // Folding keeps one character per character for Vietnamese letters, so the
            // prefix's length in characters is the same in `s`.
            let n = words.chars().count();
            let rest: String = s.chars().skip(n).collect();
            let rest_trim = rest.trim_start_matches(['.', ' ']);
            if !rest_trim.is_empty()
                && rest.starts_with(['.', ' '])
                && !rest_trim.chars().all(|c| c.is_ascii_digit())
            {
                return &s[s.len() - rest_trim.len()..];
            }
        }
    }
    s
}

/// Tone marks (combining), which the spelling check may find on either vowel of
/// "oa", "oe", "uy".
const TONES: [char; 5] = ['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}'];

/// One syllable as (letters with their vowel marks, lower case, NFD; tone mark).
fn split_tone(word: &str) -> (String, Option<char>) {
    let mut letters = String::new();
    let mut tone = None;
    for c in word.nfd() {
        if TONES.contains(&c) {
            tone = Some(c);
        } else {
            letters.extend(c.to_lowercase());
        }
    }
    (letters, tone)
}

/// True when a name written with accents is spelled as the official one: same letters and
/// tones, any case, with or without its type word; a tone on either vowel of "oa", "oe",
/// "uy" ("Hoà" / "Hòa", "Thuỷ" / "Thủy"). A name written without any accent is never
/// "misspelled" by this check (its key matched already).
pub fn spelled_right(written: &str, official: &str) -> bool {
    // A name may itself begin with letters that fold like a type word ("Quản Bạ" folds to
    // "quan ba", as "Quận Ba" would): it is right either way it matches.
    same_spelling(without_type(written), official) || same_spelling(written.trim(), official)
}

/// [`spelled_right`] for a name whose type word, if any, is already taken off.
fn same_spelling(w: &str, official: &str) -> bool {
    if w.is_ascii() {
        return true;
    }
    let ws: Vec<&str> = w
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|x| !x.is_empty())
        .collect();
    let os: Vec<&str> = official
        .split(|c: char| c.is_whitespace() || c == '-')
        .filter(|x| !x.is_empty())
        .collect();
    if ws.len() != os.len() {
        // "Thành phố Bến Tre" against "Bến Tre" is handled by without_type; anything else
        // with a different word count matched by key only.
        return ws.concat().nfc().collect::<String>().to_lowercase()
            == os.concat().nfc().collect::<String>().to_lowercase();
    }
    ws.iter().zip(&os).all(|(a, b)| {
        let (la, ta) = split_tone(a);
        let (lb, tb) = split_tone(b);
        if la != lb {
            return false;
        }
        if ta == tb {
            // Same letters, same tone: the same syllable (the position may differ only in
            // "oa/oe/uy", where both placements are correct).
            let a_nfc: String = a.nfc().flat_map(char::to_lowercase).collect();
            let b_nfc: String = b.nfc().flat_map(char::to_lowercase).collect();
            return a_nfc == b_nfc || ["oa", "oe", "uy"].iter().any(|p| la.contains(p));
        }
        false
    })
}

/// Up to three of `candidates` nearest to `written` (by their keys), best first, each at
/// least fairly close.
pub fn nearest<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let k = key_without_type(written).unwrap_or_else(|| key(written));
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&k, &key(c)), c))
        .filter(|(s, _)| *s >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(3).map(|(_, c)| c).collect()
}

/// The index of the one candidate whose name is a single letter away from `written` (one
/// letter added, dropped or changed; accents, case and type words aside), if exactly one is:
/// a typo such as "Giồng Trôn" for "Giồng Trôm". Names of fewer than five letters are never
/// typos of another (too many short names are a letter apart).
pub fn typo_of(written: &str, candidates: &[String]) -> Option<usize> {
    let k = key_without_type(written).unwrap_or_else(|| key(written));
    if k.chars().count() < 5 {
        return None;
    }
    let mut hits = candidates.iter().enumerate().filter(|(_, c)| {
        let bare = key_without_type(c);
        std::iter::once(key(c))
            .chain(bare)
            .any(|ck| strsim::levenshtein(&k, &ck) <= 1)
    });
    let (first, _) = hits.next()?;
    hits.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typo_is_one_letter_from_exactly_one_name() {
        let names: Vec<String> = [
            "Giồng Trôm",
            "Ba Tri",
            "Thạnh Phú",
            "Mỏ Cày Nam",
            "Mỏ Cày Bắc",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(typo_of("Giồng Trôn", &names), Some(0));
        assert_eq!(typo_of("huyện Giồng Trômm", &names), Some(0));
        assert_eq!(typo_of("Thạnh Phúc", &names), Some(2));
        // Two names a letter away: which one was meant is not sure.
        assert_eq!(typo_of("Mỏ Cày Bắm", &names), None);
        assert_eq!(typo_of("Mỏ Cày Na", &names), Some(3));
        let twins: Vec<String> = ["Phú Hòa", "Phú Hóa"].map(String::from).to_vec();
        assert_eq!(typo_of("Phú Hoà", &twins), None);
        // Far from every name, or too short to tell: a hamlet, perhaps.
        assert_eq!(typo_of("Ấp Phú Hòa Đông", &names), None);
        assert_eq!(typo_of("Ba Tr", &names), None);
    }

    #[test]
    fn keys_ignore_case_accents_and_type_words() {
        assert_eq!(key("Đạ M'Rông"), "damrong");
        assert_eq!(key("Bà Rịa - Vũng Tàu"), "bariavungtau");
        assert_eq!(key_without_type("TP. Bến Tre").as_deref(), Some("bentre"));
        assert_eq!(
            key_without_type("thành phố Bến Tre").as_deref(),
            Some("bentre")
        );
        assert_eq!(
            key_without_type("Thị trấn Nam Ban").as_deref(),
            Some("namban")
        );
        assert_eq!(key_without_type("xã Phú Túc").as_deref(), Some("phutuc"));
        assert_eq!(key_without_type("TP.HCM").as_deref(), Some("hcm"));
        assert_eq!(key_without_type("Phường 1"), None);
        assert_eq!(key_without_type("Xã 3"), None);
        assert_eq!(key_without_type("Phú Túc"), None);
    }

    #[test]
    fn old_and_new_tone_placement_are_both_right() {
        assert!(spelled_right("Hoà Bình", "Hòa Bình"));
        assert!(spelled_right("Khánh Hoà", "Khánh Hòa"));
        assert!(spelled_right("Thanh Hoá", "Thanh Hóa"));
        assert!(spelled_right("Tỉnh Thanh Hoá", "Thanh Hóa"));
        assert!(spelled_right("lâm đồng", "Lâm Đồng"));
        assert!(spelled_right("lam dong", "Lâm Đồng"));
        assert!(spelled_right("Thành phố Bến Tre", "Bến Tre"));
    }

    #[test]
    fn abbreviated_type_words() {
        assert_eq!(
            key_without_type("P. Thạch Thang").as_deref(),
            Some("thachthang")
        );
        assert_eq!(
            key_without_type("H. Kon Plông").as_deref(),
            Some("konplong")
        );
        assert_eq!(key_without_type("Phú Túc"), None);
        assert_eq!(expanded_key("Q.1").as_deref(), Some("quan1"));
        assert_eq!(expanded_key("P. 5").as_deref(), Some("phuong5"));
        assert_eq!(
            expanded_key("TT. Nam Ban").as_deref(),
            Some("thitrannamban")
        );
        assert_eq!(expanded_key("Phú Túc"), None);
        assert!(spelled_right("P. Thạch Thang", "Thạch Thang"));
        assert!(!spelled_right("P. Thạch Thàng", "Thạch Thang"));
    }

    #[test]
    fn names_that_begin_like_a_type_word_are_right() {
        // "Quản" folds as "Quận" (district) does.
        assert!(spelled_right("Quản Bạ", "Quản Bạ"));
        assert!(spelled_right("huyện Quản Bạ", "Quản Bạ"));
        assert!(!spelled_right("Quản Bả", "Quản Bạ"));
        assert!(spelled_right("Xã Xà Phiên", "Xà Phiên"));
    }

    #[test]
    fn misspelled_accents_are_not_right() {
        assert!(!spelled_right("Lâm Đòng", "Lâm Đồng"));
        assert!(!spelled_right("Quảng Ngải", "Quảng Ngãi"));
        assert!(!spelled_right("Tư Nghiã", "Tư Nghĩa"));
        assert!(!spelled_right("Hòa Bính", "Hòa Bình"));
    }

    #[test]
    fn nearest_names_for_a_typo() {
        let names = ["Lâm Đồng", "Lào Cai", "Long An", "Đồng Nai"];
        assert_eq!(nearest("Lâm Đòng", names).first(), Some(&"Lâm Đồng"));
        assert_eq!(nearest("Lam Dongg", names).first(), Some(&"Lâm Đồng"));
        assert!(nearest("Paris", names).is_empty());
    }
}
