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
/// Works on the UTF-8 bytes: every byte below 0xCC (ASCII, a continuation byte, or the lead
/// of a character below U+0300) is fine by itself, so only the leads from 0xCC up are looked
/// at, found sixteen bytes at a time (a comparison the compiler makes in one vector step).
fn is_plainly_nfc(s: &str) -> bool {
    let b = s.as_bytes();
    let mut chunks = b.chunks_exact(16);
    let mut at = 0;
    for chunk in chunks.by_ref() {
        let mut leads: u32 = 0;
        for (k, &x) in chunk.iter().enumerate() {
            leads |= u32::from(x >= 0xCC) << k;
        }
        while leads != 0 {
            let k = leads.trailing_zeros() as usize;
            leads &= leads - 1;
            if !plain_lead(b, at + k) {
                return false;
            }
        }
        at += 16;
    }
    let tail = chunks.remainder();
    (0..tail.len()).all(|k| tail[k] < 0xCC || plain_lead(b, at + k))
}

/// Whether the character whose lead byte (0xCC or above) is at `i` of the valid UTF-8 `b`
/// is one of the three-byte characters [`is_plainly_nfc`] accepts: U+1E00–U+1EFF is
/// E1 B8..BB xx; U+2010–U+2027 is E2 80 90..A7; U+2030–U+205E is E2 80 B0..BF or E2 81 80..9E.
fn plain_lead(b: &[u8], i: usize) -> bool {
    matches!(
        (b[i], b.get(i + 1), b.get(i + 2)),
        (0xE1, Some(0xB8..=0xBB), _)
            | (0xE2, Some(0x80), Some(0x90..=0xA7 | 0xB0..=0xBF))
            | (0xE2, Some(0x81), Some(0x80..=0x9E))
    )
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
        // At every place of a text longer than the sixteen bytes read at a time.
        for c in (0x100..=0x2100u32).filter_map(char::from_u32) {
            let n = c as u32;
            let in_ranges = ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&n));
            for at in 0..40 {
                let text = format!(
                    "{}{c}{}",
                    "ả a".repeat(at / 4) + &"x".repeat(at % 4),
                    "ư".repeat(9)
                );
                assert_eq!(is_plainly_nfc(&text), in_ranges, "U+{n:04X} at {at}");
            }
        }
        // After and between runs of ASCII of every length.
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
