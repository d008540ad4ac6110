//! Splitting a place as lists write it ("Ấp 3, xã Tân Hào, huyện Giồng Trôm", "Phường 7,
//! thành phố Bến Tre", "Huyện Ba Tri") into commune, district and province, and finding the
//! place inside a host's name ("Hội Nông dân xã Phú Túc").
//!
//! Only the words of the text are used here: the units are not checked against the official
//! list. That resolution (official spelling, units that changed) plugs in after [`split`],
//! on the [`Place`] it returns.

/// A place taken apart. Names are NFC, without the unit word for communes named by words
/// ("xã Tân Hào" → "Tân Hào"), with it where it is part of the name ("Phường 7",
/// "Thành phố Bến Tre", "Thị xã Ba Đồn").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Place {
    /// Province (tỉnh, or a centrally run city).
    pub province: Option<String>,
    /// District (huyện, quận, thị xã, thành phố thuộc tỉnh).
    pub district: Option<String>,
    /// Commune (xã, phường, thị trấn, đặc khu).
    pub commune: Option<String>,
}

impl Place {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.province.is_none() && self.district.is_none() && self.commune.is_none()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Level {
    Below,
    Commune,
    District,
    Province,
}

/// Unit words at the start of a part, lower case with accents, and whether the word stays
/// in the name.
const PREFIXES: &[(&str, Level, bool)] = &[
    ("thị trấn", Level::Commune, false),
    ("tt.", Level::Commune, false),
    ("thị xã", Level::District, true),
    ("tx.", Level::District, true),
    ("thành phố", Level::District, true),
    ("tp.", Level::District, true),
    ("tp", Level::District, true),
    ("đặc khu", Level::Commune, true),
    ("xã", Level::Commune, false),
    ("x.", Level::Commune, false),
    ("phường", Level::Commune, false),
    ("p.", Level::Commune, false),
    ("huyện", Level::District, false),
    ("h.", Level::District, false),
    ("quận", Level::District, false),
    ("q.", Level::District, false),
    ("tỉnh", Level::Province, false),
    ("khu phố", Level::Below, true),
    ("kp.", Level::Below, true),
    ("tổ dân phố", Level::Below, true),
    ("ấp", Level::Below, true),
    ("thôn", Level::Below, true),
    ("khóm", Level::Below, true),
    ("xóm", Level::Below, true),
    ("bản", Level::Below, true),
    ("buôn", Level::Below, true),
    ("làng", Level::Below, true),
    ("plei", Level::Below, true),
    ("bon", Level::Below, true),
    ("sóc", Level::Below, true),
    ("tổ", Level::Below, true),
    ("khu", Level::Below, true),
];

/// The cities run by the centre: "thành phố" before them names a province.
const CENTRAL_CITIES: &[&str] = &[
    "ha-noi",
    "ho-chi-minh",
    "hai-phong",
    "da-nang",
    "can-tho",
    "hue",
];

/// Party committees named after their unit: "Huyện ủy Ba Tri" is in the district Ba Tri.
const COMMITTEES: &[(&str, Level, &str)] = &[
    ("tỉnh ủy", Level::Province, ""),
    ("tỉnh uỷ", Level::Province, ""),
    ("thành ủy", Level::District, "Thành phố"),
    ("thành uỷ", Level::District, "Thành phố"),
    ("huyện ủy", Level::District, ""),
    ("huyện uỷ", Level::District, ""),
    ("quận ủy", Level::District, ""),
    ("quận uỷ", Level::District, ""),
    ("thị ủy", Level::District, "Thị xã"),
    ("thị uỷ", Level::District, "Thị xã"),
];

/// Words that end a name written in capitals ("TỈNH BẾN TRE NĂM 2024").
const STOP_WORDS: &[&str] = &[
    "năm", "cấp", "đợt", "giai", "về", "được", "theo", "từ", "đến", "lần", "kỳ", "và", "ban",
    "quý", "tháng", "ngày", "số", "trong", "tại", "của", "với", "thực", "-", "–",
];

/// Values meaning "the whole province" rather than a place in it.
const WHOLE_PROVINCE: &[&str] = &[
    "toan tinh",
    "tinh",
    "cap tinh",
    "toan thanh pho",
    "cac huyen",
    "cac xa",
];

/// Capitalises each word of a name written in capitals ("BẾN TRE" → "Bến Tre"); a name with
/// lower-case letters is kept as written.
pub fn tidy_name(s: &str) -> String {
    let s = vntext::nfc(s.trim()).into_owned();
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.chars().any(|c| c.is_lowercase()) {
        return s;
    }
    s.split(' ')
        .map(|w| {
            let mut out = String::new();
            for (i, c) in w.chars().enumerate() {
                if i == 0 {
                    out.push(c);
                } else {
                    out.extend(c.to_lowercase());
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The unit word a part starts with, and the rest.
fn strip_prefix(part: &str) -> Option<(Level, bool, &'static str, &str)> {
    let lower = part.to_lowercase();
    for &(p, level, keep) in PREFIXES {
        if let Some(rest) = lower.strip_prefix(p) {
            let ends_word = p.ends_with('.') || rest.starts_with([' ', '.']);
            if !ends_word || rest.trim_start_matches(['.', ' ']).is_empty() {
                continue;
            }
            // Same length in bytes: to_lowercase keeps Vietnamese letters' UTF-8 lengths.
            let cut = part.len() - rest.len();
            let name = part.get(cut..)?.trim_start_matches(['.', ' ']);
            return Some((level, keep, p, name));
        }
    }
    None
}

/// The display word for a kept prefix ("tp." → "Thành phố").
fn prefix_word(p: &str) -> &'static str {
    match p {
        "thị xã" | "tx." => "Thị xã",
        "thành phố" | "tp." | "tp" => "Thành phố",
        "đặc khu" => "Đặc khu",
        "phường" | "p." => "Phường",
        "quận" | "q." => "Quận",
        "xã" | "x." => "Xã",
        _ => "",
    }
}

/// One part with a known unit word: its level and its name as the content keeps it.
fn classify(part: &str) -> Option<(Level, String)> {
    let (level, keep, prefix, rest) = strip_prefix(part)?;
    let name = tidy_name(rest);
    if level == Level::District
        && prefix_word(prefix) == "Thành phố"
        && CENTRAL_CITIES.contains(&vntext::slugify(&name).as_str())
    {
        return Some((Level::Province, name));
    }
    let numbered = name
        .chars()
        .all(|c| c.is_ascii_digit() || "IVXLivxl".contains(c));
    let word = prefix_word(prefix);
    let name = if (keep || numbered) && !word.is_empty() {
        format!("{word} {name}")
    } else {
        name
    };
    Some((level, name))
}

/// Splits "xã Phú Túc - huyện Châu Thành" at the dash, but not "Bà Rịa - Vũng Tàu": only
/// when each piece after a dash starts with a unit word.
fn split_dash(part: &str) -> Vec<&str> {
    let pieces: Vec<&str> = part.split(" - ").collect();
    if pieces.len() > 1 && pieces[1..].iter().all(|p| strip_prefix(p.trim()).is_some()) {
        pieces
    } else {
        vec![part]
    }
}

/// Splits a place cell. Parts without a unit word are read from the smallest unit up: two
/// bare names are commune and district, one bare name fills the level still missing next to
/// a named one; a single bare name alone is a district for a model recognised before the
/// reform (`year` < 2026) and a commune after it.
pub fn split(text: &str, year: Option<i32>) -> Place {
    let text = vntext::nfc(text.trim()).into_owned();
    let mut place = Place::default();
    let folded = vntext::fold(&text);
    let folded = folded.trim_matches(|c: char| !c.is_alphanumeric());
    if folded.is_empty() || WHOLE_PROVINCE.contains(&folded) {
        return place;
    }
    let mut bare: Vec<String> = Vec::new();
    let parts = text.split([',', ';', '\n', '/']).flat_map(split_dash);
    for part in parts {
        let part = part.trim().trim_matches(['.', '-', ' ']);
        if part.is_empty() {
            continue;
        }
        match classify(part) {
            Some((Level::Below, _)) => {}
            Some((Level::Commune, n)) => place.commune = place.commune.take().or(Some(n)),
            Some((Level::District, n)) => place.district = place.district.take().or(Some(n)),
            Some((Level::Province, n)) => place.province = place.province.take().or(Some(n)),
            None => bare.push(tidy_name(part)),
        }
    }
    let mut bare = bare.into_iter();
    match (
        place.commune.is_some(),
        place.district.is_some(),
        bare.len(),
    ) {
        (_, _, 0) => {}
        (false, false, 1) => {
            let name = bare.next();
            if year.is_some_and(|y| y >= 2026) {
                place.commune = name;
            } else {
                place.district = name;
            }
        }
        (false, false, _) => {
            place.commune = bare.next();
            place.district = bare.next();
            if place.province.is_none() {
                place.province = bare.next();
            }
        }
        (false, true, _) => place.commune = bare.next(),
        (true, false, _) => place.district = bare.next(),
        (true, true, _) => {
            if place.province.is_none() {
                place.province = bare.next();
            }
        }
    }
    place
}

/// Finds the units named inside a text such as a host's name: "Hội Nông dân xã Phú Túc" →
/// commune "Phú Túc"; "Ban Dân vận Huyện ủy Ba Tri" → district "Ba Tri". A unit word must be
/// followed by a capitalised name (or a number); the name ends at the first word in lower
/// case or at punctuation.
pub fn find_in_text(text: &str) -> Place {
    let text = vntext::nfc(text).into_owned();
    let mut place = Place::default();
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut i = 0;
    while i < words.len() {
        let mut matched = None;
        for len in [3usize, 2, 1] {
            if i + len > words.len() {
                continue;
            }
            let head = words[i..i + len].join(" ").to_lowercase();
            let head = head.trim_end_matches([',', ';']);
            if let Some(&(_, level, word)) = COMMITTEES.iter().find(|(p, _, _)| *p == head) {
                matched = Some((len, level, word.to_string(), true));
                break;
            }
            if let Some(&(p, level, _)) = PREFIXES
                .iter()
                .find(|(p, l, _)| *p == head && *l != Level::Below)
            {
                matched = Some((len, level, prefix_word(p).to_string(), false));
                break;
            }
        }
        let Some((len, level, word, committee)) = matched else {
            i += 1;
            continue;
        };
        let mut name = Vec::new();
        let mut j = i + len;
        while j < words.len() {
            let w = words[j];
            let clean = w.trim_end_matches([',', ';', '.', ')', ':']);
            if clean == "-" && !name.is_empty() && j + 1 < words.len() {
                // "Bà Rịa - Vũng Tàu": a dash between capitalised words.
                let next = words[j + 1];
                if next.chars().next().is_some_and(char::is_uppercase)
                    && !STOP_WORDS.contains(&next.to_lowercase().as_str())
                {
                    name.push(clean);
                    j += 1;
                    continue;
                }
            }
            let first = clean.chars().next();
            // Stop words end only names in capitals: "Nam Ban" is a name, "NĂM 2024" is not.
            let capitals = !clean.chars().any(char::is_lowercase);
            if !first.is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
                || (capitals && STOP_WORDS.contains(&clean.to_lowercase().as_str()))
            {
                break;
            }
            name.push(clean);
            j += 1;
            if clean.len() != w.len() {
                break;
            }
        }
        if name.is_empty() {
            i += len;
            continue;
        }
        let joined = name.join(" ");
        let found = if committee {
            let name = tidy_name(&joined);
            let central = CENTRAL_CITIES.contains(&vntext::slugify(&name).as_str());
            match (level, word.as_str()) {
                (Level::District, "Thành phố") if central => Some((Level::Province, name)),
                (_, "") => Some((level, name)),
                (_, w) => Some((level, format!("{w} {name}"))),
            }
        } else {
            let prefix = words[i..i + len].join(" ");
            classify(&format!("{prefix} {joined}"))
        };
        match found {
            Some((Level::Commune, n)) if place.commune.is_none() => place.commune = Some(n),
            Some((Level::District, n)) if place.district.is_none() => place.district = Some(n),
            Some((Level::Province, n)) if place.province.is_none() => place.province = Some(n),
            _ => {}
        }
        i = j;
    }
    place
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(c: Option<&str>, d: Option<&str>, pr: Option<&str>) -> Place {
        Place {
            commune: c.map(Into::into),
            district: d.map(Into::into),
            province: pr.map(Into::into),
        }
    }

    #[test]
    fn splits_the_usual_shapes() {
        assert_eq!(
            split("Ấp 3, xã Tân Hào, huyện Giồng Trôm", Some(2024)),
            p(Some("Tân Hào"), Some("Giồng Trôm"), None)
        );
        assert_eq!(
            split("Phường 7, thành phố Bến Tre", Some(2024)),
            p(Some("Phường 7"), Some("Thành phố Bến Tre"), None)
        );
        assert_eq!(
            split("Huyện Ba Tri", Some(2024)),
            p(None, Some("Ba Tri"), None)
        );
        assert_eq!(
            split("Thị trấn Bình Đại, huyện Bình Đại, tỉnh Bến Tre", None),
            p(Some("Bình Đại"), Some("Bình Đại"), Some("Bến Tre"))
        );
        assert_eq!(
            split("XÃ PHÚ TÚC - H. CHÂU THÀNH", Some(2024)),
            p(Some("Phú Túc"), Some("Châu Thành"), None)
        );
        assert_eq!(
            split("tỉnh Bà Rịa - Vũng Tàu", None),
            p(None, None, Some("Bà Rịa - Vũng Tàu"))
        );
        assert_eq!(split("Toàn tỉnh", Some(2024)), Place::default());
        assert_eq!(
            split("TP. Hồ Chí Minh", None),
            p(None, None, Some("Hồ Chí Minh"))
        );
    }

    #[test]
    fn bare_names_fill_the_missing_levels() {
        assert_eq!(
            split("Tân Hào, Giồng Trôm", Some(2024)),
            p(Some("Tân Hào"), Some("Giồng Trôm"), None)
        );
        assert_eq!(split("Lâm Hà", Some(2023)), p(None, Some("Lâm Hà"), None));
        assert_eq!(split("Phú Túc", Some(2026)), p(Some("Phú Túc"), None, None));
        assert_eq!(
            split("xã Tân Hào, Giồng Trôm", Some(2024)),
            p(Some("Tân Hào"), Some("Giồng Trôm"), None)
        );
    }

    #[test]
    fn finds_units_inside_a_host_name() {
        assert_eq!(
            find_in_text("Hội Nông dân xã Phú Túc"),
            p(Some("Phú Túc"), None, None)
        );
        assert_eq!(
            find_in_text("Ban Dân vận Huyện ủy Ba Tri"),
            p(None, Some("Ba Tri"), None)
        );
        assert_eq!(
            find_in_text("Đảng ủy xã Tân Hào, huyện Giồng Trôm"),
            p(Some("Tân Hào"), Some("Giồng Trôm"), None)
        );
        assert_eq!(
            find_in_text("Công an tỉnh Bến Tre"),
            p(None, None, Some("Bến Tre"))
        );
        assert_eq!(find_in_text("Hội Cựu chiến binh tỉnh"), Place::default());
        // Regression: "Ban" ended the name as if it were "BAN DÂN VẬN".
        assert_eq!(
            find_in_text("Công an thị trấn Nam Ban"),
            p(Some("Nam Ban"), None, None)
        );
        assert_eq!(
            find_in_text("DANH SÁCH MÔ HÌNH CẤP TỈNH NĂM 2024 CỦA TỈNH BÀ RỊA - VŨNG TÀU"),
            p(None, None, Some("Bà Rịa - Vũng Tàu"))
        );
        assert_eq!(
            find_in_text("UBND Phường 7 thành phố Bến Tre"),
            p(Some("Phường 7"), Some("Thành phố Bến Tre"), None)
        );
    }

    #[test]
    fn names_in_capitals_are_tidied() {
        assert_eq!(tidy_name("BẾN  TRE"), "Bến Tre");
        assert_eq!(tidy_name("Bà Rịa - Vũng Tàu"), "Bà Rịa - Vũng Tàu");
    }
}
