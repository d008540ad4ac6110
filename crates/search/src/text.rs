//! Tokenizer: splits folded text (see [`vntext::fold`]) into search terms.
//!
//! The browser client (`search.js`) implements the very same rules for queries; the two must
//! stay in step (the unit tests below pin the rules, the browser test checks the client).
//!
//! - A term is a maximal run of letters and digits (`char::is_alphabetic` / `is_numeric`)
//!   of the folded text. Folding has already lower-cased it and removed every diacritic,
//!   `đ` → `d`, so `Đảng`, `đảng`, `dang` and NFD `Đảng` are one term, `dang`.
//! - An apostrophe between two letters joins them: `M'Rông` → `mrong`, `H'leo` → `hleo`.
//! - Terms longer than [`MAX_TERM_BYTES`] are dropped (URLs, garbage).
//! - Two consecutive terms are *adjacent* (can form a phrase) unless clause punctuation or a
//!   line break stands between them: `Lâm Hà, Lâm Đồng` has no pair `ha lam`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

/// Longest term kept, in bytes of its folded form.
pub const MAX_TERM_BYTES: usize = 40;

/// One term of a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    /// The folded term (apostrophes removed).
    pub text: Cow<'a, str>,
    /// True when the previous term of the same text is adjacent to this one.
    pub follows: bool,
}

/// Letters and digits make terms; apostrophes (some are letters to Unicode) never do.
pub fn is_term_char(c: char) -> bool {
    (c.is_alphabetic() || c.is_numeric()) && !is_apostrophe(c)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}' | '\u{2018}')
}

/// Characters that end a phrase: nothing after them is adjacent to what came before.
fn is_clause_break(c: char) -> bool {
    matches!(
        c,
        '.' | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | '"'
            | '\u{201C}'
            | '\u{201D}'
            | '\u{00AB}'
            | '\u{00BB}'
            | '\u{2026}'
            | '|'
            | '\n'
            | '\r'
    )
}

/// Iterates over the terms of `folded`, which must already be folded with [`vntext::fold`].
pub fn tokens(folded: &str) -> Tokens<'_> {
    Tokens {
        s: folded,
        pos: 0,
        started: false,
    }
}

/// Iterator returned by [`tokens`].
#[derive(Debug)]
pub struct Tokens<'a> {
    s: &'a str,
    pos: usize,
    started: bool,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        loop {
            let rest = &self.s[self.pos..];
            // Skip the gap, noting clause breaks.
            let mut broke = !self.started;
            let mut start = None;
            for (i, c) in rest.char_indices() {
                if is_term_char(c) {
                    start = Some(self.pos + i);
                    break;
                }
                if is_clause_break(c) {
                    broke = true;
                }
            }
            let Some(start) = start else {
                // End of text: a clause break in the trailing gap still ends the phrase
                // (matters when a text is fed in pieces, see [`TermScanner`]).
                self.pos = self.s.len();
                if broke {
                    self.started = false;
                }
                return None;
            };
            // Scan the term; an apostrophe joins two term characters.
            let bytes_rest = &self.s[start..];
            let mut end = start;
            let mut has_apostrophe = false;
            let mut chars = bytes_rest.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if is_term_char(c) {
                    end = start + i + c.len_utf8();
                } else if is_apostrophe(c)
                    && matches!(chars.peek(), Some(&(_, n)) if is_term_char(n))
                {
                    has_apostrophe = true;
                } else {
                    break;
                }
            }
            self.pos = end;
            let raw = &self.s[start..end];
            let text: Cow<'a, str> = if has_apostrophe {
                Cow::Owned(raw.chars().filter(|&c| !is_apostrophe(c)).collect())
            } else {
                Cow::Borrowed(raw)
            };
            if text.len() > MAX_TERM_BYTES {
                // Too long to be a word: drop it and break the phrase.
                self.started = false;
                continue;
            }
            let follows = !broke;
            self.started = true;
            return Some(Token { text, follows });
        }
    }
}

/// Splits raw (unfolded) text into terms like `tokens(&vntext::fold(text))` does and hands
/// each term on as an id given by the caller's `intern`. Each whitespace-separated piece is
/// folded, split and interned once and remembered: a corpus repeats the same few thousand
/// Vietnamese syllables, so most pieces cost one hash lookup.
#[derive(Default)]
pub struct TermScanner {
    /// Pieces of up to 16 bytes (nearly all: Vietnamese is written in short syllables), by
    /// [`short_key`]: a lookup hashes and compares three numbers instead of a string.
    short: HashMap<ShortKey, PieceTerms, BuildHasherDefault<crate::intern::Fx>>,
    /// Longer pieces.
    cache: HashMap<Box<str>, PieceTerms, BuildHasherDefault<crate::intern::Fx>>,
}

/// A piece of up to 16 bytes as numbers: (its first bytes, its last bytes, its length). The
/// two reads overlap when the piece is shorter than twice their width, so together with the
/// length they cover every byte: two pieces have the same key only if they are equal.
type ShortKey = (u64, u64, u8);

fn short_key(b: &[u8]) -> Option<ShortKey> {
    let n = b.len();
    let word = |at: usize| u64::from_le_bytes(b[at..at + 8].try_into().unwrap_or([0; 8]));
    let half = |at: usize| {
        u64::from(u32::from_le_bytes(
            b[at..at + 4].try_into().unwrap_or([0; 4]),
        ))
    };
    let (lo, hi) = match n {
        0 => (0, 0),
        1..=3 => (
            u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
            0,
        ),
        4..=7 => (half(0), half(n - 4)),
        8..=16 => (word(0), word(n - 8)),
        _ => return None,
    };
    Some((lo, hi, n as u8))
}

/// The terms of one piece, for both states the text can be in before it.
struct PieceTerms {
    ids: Box<[u32]>,
    /// Bit `i`: term `i` follows the term before it; `[0]` when the piece starts a phrase
    /// (nothing before it is adjacent), `[1]` when it continues one.
    follows: [u64; 2],
    /// Whether a phrase is still open after the piece, for each state before it.
    open_after: [bool; 2],
}

/// Pieces remembered before the cache is emptied (bounds its memory).
const SCANNER_CACHE_MAX: usize = 200_000;
/// Pieces with more terms than this (a long run of `a/b/c/…`) are not remembered.
const PIECE_TERMS_MAX: usize = 64;

impl TermScanner {
    /// A scanner with an empty cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Calls `f(intern(term), follows)` for every term of `text` (raw, any normalization
    /// form). `intern` must give the same id for the same term for the scanner's lifetime.
    pub fn scan(
        &mut self,
        text: &str,
        intern: &mut dyn FnMut(&str) -> u32,
        mut f: impl FnMut(u32, bool),
    ) {
        let mut open = false;
        let mut piece_start = None;
        let mut emit = |this: &mut Self, piece: &str, open: &mut bool| {
            let state = usize::from(*open);
            let key = short_key(piece.as_bytes());
            let known = match key {
                Some(k) => this.short.get(&k),
                None => this.cache.get(piece),
            };
            if let Some(p) = known {
                for (i, &id) in p.ids.iter().enumerate() {
                    f(id, p.follows[state] >> i & 1 == 1);
                }
                *open = p.open_after[state];
                return;
            }
            let folded = if piece.is_ascii() {
                piece.to_ascii_lowercase()
            } else {
                vntext::fold(piece)
            };
            // The terms as the text stands, handed on at once.
            let mut ids = Vec::new();
            let mut follows = [0u64; 2];
            let mut it = Tokens {
                s: &folded,
                pos: 0,
                started: *open,
            };
            for (i, tok) in it.by_ref().enumerate() {
                let id = intern(&tok.text);
                f(id, tok.follows);
                ids.push(id);
                if tok.follows && i < PIECE_TERMS_MAX {
                    follows[state] |= 1 << i;
                }
            }
            let mut open_after = [false; 2];
            open_after[state] = it.started;
            *open = it.started;
            if ids.len() > PIECE_TERMS_MAX {
                return;
            }
            // The other state, to remember the piece for both.
            let other = 1 - state;
            let mut it = Tokens {
                s: &folded,
                pos: 0,
                started: other == 1,
            };
            for (i, tok) in it.by_ref().enumerate() {
                if tok.follows {
                    follows[other] |= 1 << i;
                }
            }
            open_after[other] = it.started;
            let terms = PieceTerms {
                ids: ids.into_boxed_slice(),
                follows,
                open_after,
            };
            match key {
                Some(k) => {
                    if this.short.len() >= SCANNER_CACHE_MAX {
                        this.short.clear();
                    }
                    this.short.insert(k, terms);
                }
                None => {
                    if this.cache.len() >= SCANNER_CACHE_MAX {
                        this.cache.clear();
                    }
                    this.cache.insert(piece.into(), terms);
                }
            }
        };
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            // Printable ASCII (most bytes of a text) is never white space.
            if (b'!'..=b'~').contains(&bytes[i]) {
                if piece_start.is_none() {
                    piece_start = Some(i);
                }
                i += 1;
                while i < bytes.len() && (b'!'..=b'~').contains(&bytes[i]) {
                    i += 1;
                }
                continue;
            }
            let (len, space) = whitespace_at(bytes, i);
            if space {
                if let Some(s) = piece_start.take() {
                    emit(self, &text[s..i], &mut open);
                }
                if matches!(bytes[i], b'\n' | b'\r') {
                    // The only clause breaks that are also white space.
                    open = false;
                }
            } else if piece_start.is_none() {
                piece_start = Some(i);
            }
            i += len;
        }
        if let Some(s) = piece_start {
            emit(self, &text[s..], &mut open);
        }
    }
}

/// The length of the character starting at byte `i` of valid UTF-8 `b`, and whether it is
/// white space (`char::is_whitespace`), decoding only the characters that can be.
fn whitespace_at(b: &[u8], i: usize) -> (usize, bool) {
    let lead = b[i];
    match lead {
        0x00..=0x7F => (1, matches!(lead, b' ' | b'\t'..=b'\r')),
        // U+0080–U+07FF: white space is U+0085 and U+00A0.
        0xC0..=0xDF => (2, lead == 0xC2 && matches!(b[i + 1], 0x85 | 0xA0)),
        // The other white space, matched on its bytes (no decoding: Vietnamese letters with
        // tone marks are U+1EA0–U+1EF9, lead byte 0xE1): U+1680 …
        0xE1 => (3, b[i + 1] == 0x9A && b[i + 2] == 0x80),
        // … U+2000–U+200A, U+2028, U+2029, U+202F, U+205F …
        0xE2 => (
            3,
            matches!(
                (b[i + 1], b[i + 2]),
                (0x80, 0x80..=0x8A | 0xA8 | 0xA9 | 0xAF) | (0x81, 0x9F)
            ),
        ),
        // … and U+3000.
        0xE3 => (3, b[i + 1] == 0x80 && b[i + 2] == 0x80),
        0xE0..=0xEF => (3, false),
        _ => (4, false),
    }
}

/// Folds `text` and returns its terms as owned strings (a convenience for tests and tools).
pub fn terms_of(text: &str) -> Vec<String> {
    let folded = vntext::fold(text);
    tokens(&folded).map(|t| t.text.into_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &str) -> Vec<(String, bool)> {
        let f = vntext::fold(s);
        tokens(&f)
            .map(|t| (t.text.into_owned(), t.follows))
            .collect()
    }

    #[test]
    fn folds_diacritics_and_d_stroke() {
        assert_eq!(terms_of("Đảng bộ xã"), vec!["dang", "bo", "xa"]);
        assert_eq!(terms_of("ĐƯỜNG GIAO THÔNG"), vec!["duong", "giao", "thong"]);
        assert_eq!(terms_of("heo đất"), terms_of("HEO DAT"));
    }

    #[test]
    fn nfd_text_gives_the_same_terms() {
        use unicode_normalization::UnicodeNormalization;
        let nfc = "Nuôi heo đất ở Lâm Hà, Đạ M'Rông";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(terms_of(nfc), terms_of(&nfd));
        assert_eq!(
            terms_of(&nfd),
            vec!["nuoi", "heo", "dat", "o", "lam", "ha", "da", "mrong"]
        );
    }

    #[test]
    fn apostrophes_join_only_inside_words() {
        assert_eq!(
            terms_of("Cư M'gar, Ea H’leo"),
            vec!["cu", "mgar", "ea", "hleo"]
        );
        assert_eq!(terms_of("'trích dẫn' cuối'"), vec!["trich", "dan", "cuoi"]);
        // U+02BC is a letter to Unicode, an apostrophe here.
        assert_eq!(terms_of("Đạ M\u{2BC}Rông"), vec!["da", "mrong"]);
    }

    #[test]
    fn punctuation_and_symbols_split() {
        assert_eq!(
            terms_of("Nghị định 19/2019/NĐ-CP; 500 triệu/ha/năm (40%)"),
            vec!["nghi", "dinh", "19", "2019", "nd", "cp", "500", "trieu", "ha", "nam", "40"]
        );
        assert!(terms_of("  ... -- !!").is_empty());
    }

    #[test]
    fn adjacency_breaks_at_clause_punctuation() {
        assert_eq!(
            toks("Lâm Hà, Lâm Đồng. Văn hóa - xã hội\nmới"),
            vec![
                ("lam".into(), false),
                ("ha".into(), true),
                ("lam".into(), false),
                ("dong".into(), true),
                ("van".into(), false),
                ("hoa".into(), true),
                ("xa".into(), true),
                ("hoi".into(), true),
                ("moi".into(), false),
            ]
        );
    }

    #[test]
    fn overlong_terms_are_dropped_and_break_phrases() {
        let long = "a".repeat(MAX_TERM_BYTES + 1);
        assert_eq!(
            toks(&format!("heo {long} dat")),
            vec![("heo".into(), false), ("dat".into(), false)]
        );
    }

    #[test]
    fn the_scanner_gives_the_same_terms_as_folding_the_whole_text() {
        use unicode_normalization::UnicodeNormalization;
        let texts = [
            "Lâm Hà, Lâm Đồng. Văn hóa - xã hội\nmới",
            "Nghị định 19/2019/NĐ-CP; 500 triệu/ha/năm (40%) “Dân vận khéo” …",
            "Cư M'gar,  Ea H’leo\t'trích' cuối'  \r\n  Đạ M\u{2BC}Rông !! ",
            "ASCII only, text. And MORE\nlines",
            "heo \u{a0}đất\u{2003}Ελλάδα COVID-19",
            "",
            "   ",
        ];
        let mut scanner = TermScanner::new();
        let mut names: Vec<String> = Vec::new();
        let mut scan = |scanner: &mut TermScanner, t: &str| {
            let mut ids = Vec::new();
            let mut intern = |w: &str| match names.iter().position(|n| n == w) {
                Some(i) => i as u32,
                None => {
                    names.push(w.to_string());
                    names.len() as u32 - 1
                }
            };
            scanner.scan(t, &mut intern, |id, f| ids.push((id, f)));
            ids.into_iter()
                .map(|(id, f)| (names[id as usize].clone(), f))
                .collect::<Vec<_>>()
        };
        for t in texts
            .iter()
            .map(|t| t.to_string())
            .chain(texts.iter().map(|t| t.nfd().collect()))
        {
            let folded = vntext::fold(&t);
            let whole: Vec<(String, bool)> = tokens(&folded)
                .map(|k| (k.text.into_owned(), k.follows))
                .collect();
            // Twice: the second time every piece comes from the cache.
            assert_eq!(scan(&mut scanner, &t), whole, "{t:?}");
            assert_eq!(scan(&mut scanner, &t), whole, "{t:?} (cached)");
        }
        let long = format!("heo {} dat, ca", "a".repeat(MAX_TERM_BYTES + 1));
        assert_eq!(scan(&mut scanner, &long), toks(&long));
        // A piece with more terms than are remembered, after an open and a closed phrase.
        let many = (0..100)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join("/");
        for t in [format!("heo {many} dat"), format!("heo, {many}, dat")] {
            assert_eq!(scan(&mut scanner, &t), toks(&t), "{t}");
            assert_eq!(scan(&mut scanner, &t), toks(&t), "{t} (again)");
        }
        // The same piece after an open phrase and after a break.
        let t = "lam ha. ha (ha) ha";
        assert_eq!(scan(&mut scanner, t), toks(t));
    }

    #[test]
    fn byte_level_white_space_agrees_with_char_is_whitespace() {
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let s = format!("a{c}");
            assert_eq!(
                whitespace_at(s.as_bytes(), 1),
                (c.len_utf8(), c.is_whitespace()),
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn short_keys_tell_pieces_apart() {
        // Every piece of up to 5 bytes over a small alphabet, and longer ones differing in
        // one byte or in length.
        let alphabet = [b'a', b'b', 0xC3, 0xA1];
        let mut pieces: Vec<Vec<u8>> = vec![Vec::new()];
        for len in 1..=5 {
            let mut next = Vec::new();
            for p in pieces.iter().filter(|p| p.len() == len - 1) {
                for &c in &alphabet {
                    let mut q = p.clone();
                    q.push(c);
                    next.push(q);
                }
            }
            pieces.extend(next);
        }
        let base = b"nguoi-dan-van-kheo".to_vec();
        for n in 6..=16 {
            for i in 0..n {
                let mut q = base[..n].to_vec();
                q[i] = b'#';
                pieces.push(q);
            }
            pieces.push(base[..n].to_vec());
        }
        pieces.sort();
        pieces.dedup();
        let mut keys = std::collections::HashSet::new();
        for p in &pieces {
            assert!(keys.insert(short_key(p).unwrap()), "{p:?}");
        }
        assert_eq!(short_key(b"12345678901234567"), None);
    }

    #[test]
    fn other_scripts_and_digits_are_terms() {
        assert_eq!(terms_of("COVID-19 Ελλάδα"), vec!["covid", "19", "ελλαδα"]);
    }
}
