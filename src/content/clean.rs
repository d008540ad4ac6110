//! Invisible characters in titles: bidirectional overrides and isolates (U+202A–U+202E,
//! U+2066–U+2069, and the marks U+200E, U+200F, U+061C) can show a title reversed or make one
//! title look like another; zero-width characters (U+200B–U+200D, U+2060, U+FEFF) make two
//! titles that look the same differ. They are removed, with a warning, so titles that differ
//! only by them are the same title (the duplicate check sees one title).

use crate::yaml::Fields;

/// True for a character removed from titles.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2060}'
            | '\u{FEFF}'
            | '\u{061C}'
    )
}

/// `s` without its invisible characters, and how many there were.
pub fn strip_invisible(s: &str) -> (String, usize) {
    let kept: String = s.chars().filter(|&c| !is_invisible(c)).collect();
    let removed = s.chars().count() - kept.chars().count();
    (kept, removed)
}

/// The `title` of a document (as [`Fields::required_string`] gave it) without invisible
/// characters; a warning at the key when some were removed, an error when nothing is left.
pub fn title(value: Option<String>, f: &mut Fields) -> Option<String> {
    let value = value?;
    if !value.chars().any(is_invisible) {
        return Some(value);
    }
    let (kept, removed) = strip_invisible(&value);
    let kept = kept.trim().to_string();
    if kept.is_empty() {
        f.error("title", crate::msg!("content.title_only_invisible"));
        return None;
    }
    f.warning(
        "title",
        crate::msg!("content.title_invisible", count = removed, title = kept),
    );
    Some(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bidi_overrides_and_zero_width_characters_are_removed() {
        let (s, n) = strip_invisible("Hiến\u{200B} đất \u{202E}làm\u{202C} đường\u{FEFF}\u{2066}");
        assert_eq!((s.as_str(), n), ("Hiến đất làm đường", 5));
        let (s, n) = strip_invisible("Nuôi heo đất");
        assert_eq!((s.as_str(), n), ("Nuôi heo đất", 0));
    }
}
