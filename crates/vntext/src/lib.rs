//! Vietnamese text helpers shared by the generator and the search index.
//!
//! Owns four small jobs: NFC normalisation ([`nfc`]), diacritic folding for matching
//! ([`fold`]: case, every accent, `đ` → `d`, NFC or NFD input alike), URL slugs
//! ([`slugify`]: `Đạ M'Rông` → `da-mrong`) and Vietnamese alphabetical order
//! ([`collation_key`]: a ă â b c d đ e ê …, tones ordered ngang, huyền, hỏi, ngã, sắc, nặng).
#![warn(missing_docs)]

use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

/// Returns `s` in Unicode Normalization Form C, borrowing when it already is.
pub fn nfc(s: &str) -> Cow<'_, str> {
    if is_plainly_nfc(s) || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(s.nfc().collect())
    }
}

/// A fast check for the characters Vietnamese text is made of, none of which changes under
/// NFC: everything below the combining marks (U+0300: ASCII, Latin-1, Latin Extended-A/B
/// with ơ, ư, đ), Latin Extended Additional (U+1E00–U+1EFF: ạ, ả, ấ … ỹ) and the usual
/// punctuation (U+2010–U+2027, U+2030–U+205E: dashes, quotes, …). False means "look closer".
/// Works on the UTF-8 bytes (lead byte and, for three-byte characters, the next two), which
/// is several times faster than decoding every character.
fn is_plainly_nfc(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        // Runs of ASCII (most of a Vietnamese text's bytes: spaces, punctuation, Markdown,
        // and the letters without marks) eight bytes at a time.
        while let Some(word) = b.get(i..i + 8) {
            let word = u64::from_ne_bytes(word.try_into().expect("eight bytes"));
            if word & 0x8080_8080_8080_8080 != 0 {
                break;
            }
            i += 8;
        }
        let Some(&lead) = b.get(i) else {
            break;
        };
        i += match lead {
            0x00..=0x7F => 1,
            // U+0080–U+02FF.
            0xC2..=0xCB => 2,
            0xE1 | 0xE2 => {
                // `s` is valid UTF-8, so a three-byte lead has two continuation bytes.
                let c = (u32::from(lead & 0x0F) << 12)
                    | (u32::from(b[i + 1] & 0x3F) << 6)
                    | u32::from(b[i + 2] & 0x3F);
                let plain = (0x1E00..=0x1EFF).contains(&c)
                    || (0x2010..=0x2027).contains(&c)
                    || (0x2030..=0x205E).contains(&c);
                if !plain {
                    return false;
                }
                3
            }
            _ => return false,
        };
    }
    true
}

/// True for the combining marks Vietnamese uses (tones and letter modifiers), and the
/// rest of the Combining Diacritical Marks block.
fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Folds text for matching: lower case, every diacritic removed, `đ`/`Đ` → `d`.
/// NFC and NFD input give the same result. Other characters are kept as they are.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    if s.is_ascii() {
        out.extend(s.chars().map(|c| c.to_ascii_lowercase()));
        return out;
    }
    fold_into(s, &mut out);
    out
}

/// The characters the fast tables below cover: ASCII to Latin Extended-B (U+0000–U+024F,
/// with ă, â, đ, ê, ô, ơ, ư) and Latin Extended Additional (U+1E00–U+1EFF: ạ, ả, ấ … ỹ).
const TABLE_RANGES: [std::ops::RangeInclusive<u32>; 2] = [0x00..=0x24F, 0x1E00..=0x1EFF];

/// The index of `c` in a table over [`TABLE_RANGES`], if it is in one.
fn table_index(c: char) -> Option<usize> {
    let u = u32::from(c);
    let [low, high] = &TABLE_RANGES;
    if low.contains(&u) {
        Some(u as usize)
    } else if high.contains(&u) {
        Some((u - high.start() + low.end() + 1) as usize)
    } else {
        None
    }
}

/// `entry` of every character of [`TABLE_RANGES`], in [`table_index`] order (a code point
/// that is not a character gets `entry` of U+0000's replacement, never looked up).
fn make_table<T>(entry: impl Fn(char) -> T) -> Vec<T> {
    TABLE_RANGES
        .iter()
        .flat_map(|r| r.clone())
        .map(|u| entry(char::from_u32(u).unwrap_or('\u{FFFD}')))
        .collect()
}

/// The folded form of each character of [`TABLE_RANGES`]: its one ASCII character (`ệ` →
/// `e`), or 0 when it folds to anything else. Made once, from [`fold_slow`].
fn fold_table() -> &'static [u8] {
    static TABLE: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        make_table(|c| {
            let mut folded = String::new();
            fold_slow(c.encode_utf8(&mut [0; 4]), &mut folded);
            match folded.as_bytes() {
                [b] if b.is_ascii() => *b,
                _ => 0,
            }
        })
    })
}

/// Appends the folded form of `s` to `out` (see [`fold`]).
pub fn fold_into(s: &str, out: &mut String) {
    // Character by character through the table when every character is ASCII or in it (each
    // such character decomposes to a letter and marks that are dropped, so folding it alone
    // gives what the whole string's decomposition would); otherwise the whole string slowly.
    let table = fold_table();
    let start = out.len();
    for c in s.chars() {
        match table_index(c).map(|i| table[i]) {
            Some(b) if b != 0 => out.push(char::from(b)),
            _ => {
                out.truncate(start);
                fold_slow(s, out);
                return;
            }
        }
    }
}

/// [`fold_into`] by canonical decomposition.
fn fold_slow(s: &str, out: &mut String) {
    for c in s.nfd() {
        match c {
            'đ' | 'Đ' => out.push('d'),
            c if is_combining(c) => {}
            c if c.is_ascii() => out.push(c.to_ascii_lowercase()),
            c => out.extend(c.to_lowercase()),
        }
    }
}

/// Makes a URL slug: lower-case ASCII letters and digits joined by single hyphens.
/// Vietnamese letters are folded, apostrophes dropped (`M'Rông` → `mrong`), anything
/// else separates words. Returns an empty string when nothing is left.
pub fn slugify(s: &str) -> String {
    let folded = fold(s);
    let mut out = String::with_capacity(folded.len());
    let mut pending_hyphen = false;
    for c in folded.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_hyphen && !out.is_empty() {
                out.push('-');
            }
            pending_hyphen = false;
            out.push(c);
        } else if matches!(c, '\'' | '’' | 'ʼ' | '‘') {
            // Apostrophes join syllables in minority place names: Đạ M'Rông → da-mrong.
        } else {
            pending_hyphen = true;
        }
    }
    out
}

/// The 29 letters of the Vietnamese alphabet plus f, j, w, z, in dictionary order,
/// each as (base letter, modifier mark) after canonical decomposition.
const ALPHABET: &[(char, Option<char>)] = &[
    ('a', None),
    ('a', Some('\u{0306}')), // ă
    ('a', Some('\u{0302}')), // â
    ('b', None),
    ('c', None),
    ('d', None),
    ('đ', None),
    ('e', None),
    ('e', Some('\u{0302}')), // ê
    ('f', None),
    ('g', None),
    ('h', None),
    ('i', None),
    ('j', None),
    ('k', None),
    ('l', None),
    ('m', None),
    ('n', None),
    ('o', None),
    ('o', Some('\u{0302}')), // ô
    ('o', Some('\u{031B}')), // ơ
    ('p', None),
    ('q', None),
    ('r', None),
    ('s', None),
    ('t', None),
    ('u', None),
    ('u', Some('\u{031B}')), // ư
    ('v', None),
    ('w', None),
    ('x', None),
    ('y', None),
    ('z', None),
];

/// Tone marks in dictionary order (ngang = no mark comes first).
const TONES: &[char] = &['\u{0300}', '\u{0309}', '\u{0303}', '\u{0301}', '\u{0323}'];

/// A sort key that orders strings in Vietnamese alphabetical order, ignoring case
/// first, then tones, then case. Compare keys with `Ord`.
///
/// `Đà Lạt` sorts after `Dương` and before `Ea Súp`; `Ă` after `A`, before `B`.
pub fn collation_key(s: &str) -> Vec<u32> {
    // Character by character through a table when every character is in it (each such
    // character decomposes to one letter and its own marks, so its weights do not depend on
    // its neighbours); otherwise the whole string by decomposition.
    let table = collation_table();
    let mut primary = Vec::with_capacity(s.len() * 3 + 2);
    let mut tones = Vec::with_capacity(s.len());
    let mut case = Vec::with_capacity(s.len());
    for c in s.chars() {
        match table_index(c).map(|i| table[i]) {
            Some((weight, tone, upper)) if weight != 0 => {
                primary.push(weight);
                tones.push(u32::from(tone));
                case.push(u32::from(upper));
            }
            _ => return collation_key_slow(s),
        }
    }
    primary.push(0);
    primary.extend(tones);
    primary.push(0);
    primary.extend(case);
    primary
}

/// The weights (primary, tone, case) of each character of [`TABLE_RANGES`], each from
/// [`collation_key_slow`] on the character alone; (0, 0, 0) when it is not one letter.
fn collation_table() -> &'static [(u32, u8, u8)] {
    static TABLE: std::sync::OnceLock<Vec<(u32, u8, u8)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        make_table(
            |c| match collation_key_slow(c.encode_utf8(&mut [0; 4]))[..] {
                [weight, 0, tone, 0, upper] if weight != 0 => {
                    match (u8::try_from(tone), u8::try_from(upper)) {
                        (Ok(tone), Ok(upper)) => (weight, tone, upper),
                        _ => (0, 0, 0),
                    }
                }
                _ => (0, 0, 0),
            },
        )
    })
}

/// [`collation_key`] by canonical decomposition.
fn collation_key_slow(s: &str) -> Vec<u32> {
    // Primary: letters; secondary: tones; tertiary: case. Each level separated by 0.
    let mut primary = Vec::with_capacity(s.len());
    let mut tones = Vec::with_capacity(s.len());
    let mut case = Vec::with_capacity(s.len());
    let mut chars = s.nfd().peekable();
    while let Some(c) = chars.next() {
        let lower = c.to_lowercase().next().unwrap_or(c);
        case.push(u32::from(c != lower) + 1);
        // Collect this base letter's combining marks.
        let mut modifier = None;
        let mut tone = 0u32;
        while let Some(&m) = chars.peek() {
            if !is_combining(m) {
                break;
            }
            chars.next();
            if let Some(t) = TONES.iter().position(|&t| t == m) {
                tone = t as u32 + 1;
            } else {
                modifier = Some(m);
            }
        }
        tones.push(tone + 1);
        let weight = if let Some(i) = ALPHABET
            .iter()
            .position(|&(b, m)| b == lower && m == modifier)
        {
            0x1000 + i as u32
        } else if let Some(i) = ALPHABET.iter().position(|&(b, _)| b == lower) {
            // A letter with a modifier Vietnamese does not use: after its base letter.
            0x1000 + i as u32
        } else if lower.is_ascii_digit() {
            0x800 + lower as u32
        } else if lower.is_whitespace() || lower == '-' {
            0x10
        } else if lower.is_alphanumeric() {
            0x2000 + lower as u32
        } else {
            0x20 + (lower as u32 & 0x7ff)
        };
        primary.push(weight);
    }
    let mut key = primary;
    key.push(0);
    key.extend(tones);
    key.push(0);
    key.extend(case);
    key
}

/// Sorts items in place by the Vietnamese alphabetical order of the text `f` returns.
pub fn sort_vietnamese<T>(items: &mut [T], f: impl Fn(&T) -> &str) {
    items.sort_by_cached_key(|item| collation_key(f(item)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_removes_every_diacritic_and_d_stroke() {
        assert_eq!(fold("Đảng"), "dang");
        assert_eq!(fold("Dân vận khéo"), "dan van kheo");
        assert_eq!(fold("Đạ M'Rông"), "da m'rong");
        assert_eq!(fold("ƯỚC MƠ"), "uoc mo");
    }

    #[test]
    fn fold_treats_nfd_and_nfc_alike() {
        let nfc_text = "Lâm Hà đường giao thông";
        let nfd_text: String = nfc_text.nfd().collect();
        assert_ne!(nfc_text, nfd_text);
        assert_eq!(fold(nfc_text), fold(&nfd_text));
    }

    /// 20,000 strings of 1–12 characters from `pool`, for comparing a table path with the
    /// slow path it was made from. In two strings of three, characters outside the tables'
    /// ranges (combining marks, other scripts: the slow path) become `b`, so most strings
    /// take the table path.
    fn random_texts(pool: &[char], mut seed: u64) -> Vec<String> {
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        (0..20_000)
            .map(|round| {
                let len = 1 + next(12);
                (0..len)
                    .map(|_| {
                        let c = pool[next(pool.len())];
                        if round % 3 != 0 && table_index(c).is_none() {
                            'b'
                        } else {
                            c
                        }
                    })
                    .collect()
            })
            .collect()
    }

    /// Table ranges, combining marks and a few other characters.
    fn pool(extra: &[u32]) -> Vec<char> {
        (0x00..=0x24F)
            .chain(0x1E00..=0x1EFF)
            .chain(0x300..=0x36F)
            .chain(extra.iter().copied())
            .filter_map(char::from_u32)
            .collect()
    }

    #[test]
    fn the_fold_table_gives_what_decomposing_the_whole_text_gives() {
        let pool = pool(&[0x110, 0x111, 0x3A9, 0x4E2D, 0x2126, 0x212B, 0xFB01, 0x1F600]);
        for text in random_texts(&pool, 0x2545_f491_4f6c_dd1d)
            .iter()
            .map(String::as_str)
            .chain(["Ǆ", "ǅ", "İ", "ẞ", "Ǳ", "ŉ", "ǰ"])
        {
            let (mut fast, mut slow) = (String::new(), String::new());
            fold_into(text, &mut fast);
            fold_slow(text, &mut slow);
            assert_eq!(fast, slow, "{text:?}");
        }
    }

    #[test]
    fn the_collation_table_gives_what_decomposing_the_whole_text_gives() {
        let pool = pool(&[0x3A9, 0x4E2D, 0x2126, 0x212B, 0xFB01, 0x1F600, 0x2013]);
        for text in random_texts(&pool, 0x1234_5678_9abc_def1) {
            assert_eq!(collation_key(&text), collation_key_slow(&text), "{text:?}");
        }
    }

    #[test]
    fn nfc_composes_decomposed_text() {
        let nfd_text: String = "Bến Tre".nfd().collect();
        assert_eq!(nfc(&nfd_text), "Bến Tre");
        assert!(matches!(nfc("Ben Tre"), Cow::Borrowed(_)));
    }

    #[test]
    fn slugs_follow_the_contract() {
        assert_eq!(slugify("Đạ M'Rông"), "da-mrong");
        assert_eq!(slugify("Châu Thành"), "chau-thanh");
        assert_eq!(slugify("  Cư M'gar -- 2024! "), "cu-mgar-2024");
        assert_eq!(slugify("Văn hóa - xã hội"), "van-hoa-xa-hoi");
        assert_eq!(slugify("!!!"), "");
    }

    #[test]
    fn collation_puts_d_stroke_after_d_not_after_z() {
        let mut names = vec![
            "Đức Trọng",
            "Zin",
            "Dương",
            "Đà Lạt",
            "Ea Súp",
            "Ân Thi",
            "An Lão",
            "Ăn",
        ];
        sort_vietnamese(&mut names, |s| s);
        assert_eq!(
            names,
            vec![
                "An Lão",
                "Ăn",
                "Ân Thi",
                "Dương",
                "Đà Lạt",
                "Đức Trọng",
                "Ea Súp",
                "Zin"
            ]
        );
    }

    #[test]
    fn collation_orders_tones_ngang_huyen_hoi_nga_sac_nang() {
        let mut words = vec!["mạ", "má", "mã", "mả", "mà", "ma"];
        sort_vietnamese(&mut words, |s| s);
        assert_eq!(words, vec!["ma", "mà", "mả", "mã", "má", "mạ"]);
    }

    #[test]
    fn collation_ignores_case_before_tones() {
        let mut words = vec!["bình", "Bình", "Binh", "an"];
        sort_vietnamese(&mut words, |s| s);
        assert_eq!(words[0], "an");
        assert_eq!(words[1], "Binh");
    }
}

#[cfg(test)]
mod nfc_fast_path_tests {
    use super::*;
    use unicode_normalization::UnicodeNormalization;

    #[test]
    fn the_fast_path_only_accepts_text_that_nfc_leaves_alone() {
        // Every character the fast path accepts is unchanged by NFC, alone and after a letter.
        let ranges = [
            (0u32, 0x2FF),
            (0x1E00, 0x1EFF),
            (0x2010, 0x2027),
            (0x2030, 0x205E),
        ];
        for (lo, hi) in ranges {
            for c in (lo..=hi).filter_map(char::from_u32) {
                let alone = c.to_string();
                assert!(is_plainly_nfc(&alone));
                assert_eq!(alone.nfc().collect::<String>(), alone, "U+{:04X}", c as u32);
                let after = format!("a{c}");
                assert_eq!(
                    after.nfc().collect::<String>(),
                    after,
                    "a + U+{:04X}",
                    c as u32
                );
            }
        }
        // The byte-level check accepts exactly the characters of those ranges, alone and in text.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let n = c as u32;
            let in_ranges = ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&n));
            assert_eq!(is_plainly_nfc(&c.to_string()), in_ranges, "U+{n:04X}");
            assert_eq!(is_plainly_nfc(&format!("ả{c}ư")), in_ranges, "U+{n:04X}");
        }
        // After and between runs of ASCII of every length (read eight bytes at a time).
        let nfd_mark: String = "e\u{301}".into();
        for run in 0..20 {
            let ascii = "x".repeat(run);
            assert!(is_plainly_nfc(&format!("{ascii}ả{ascii}ư{ascii}")), "{run}");
            assert!(
                !is_plainly_nfc(&format!("{ascii}{nfd_mark}{ascii}")),
                "{run}"
            );
            assert!(
                !is_plainly_nfc(&format!("{ascii}ả{ascii}{nfd_mark}")),
                "{run}"
            );
        }
        // NFD input and other scripts take the full check.
        let nfd: String = "Đảng".nfd().collect();
        assert!(!is_plainly_nfc(&nfd));
        assert_eq!(nfc(&nfd), "Đảng");
        assert!(
            !is_plainly_nfc("\u{2000}"),
            "EN QUAD decomposes to EN SPACE"
        );
    }
}
