//! The front-matter schema: every key a model, an article or a plain page may have, each
//! defined once — its name, whether it is required, what it means for an editor (from the
//! message catalogue) and whether the open data's CSV has a column of it. Reading
//! (`content::read`: which keys are known), `dvk new`'s commented template, the CSV export and
//! the editors' key table in `docs/noi-dung.md` follow from here; tests hold each of them to
//! it. (What each key's value may be is read, and checked, by `content::read`.)

use crate::msg::Lang;

/// One front-matter key.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    /// The key as written in front matter.
    pub name: &'static str,
    /// A file without it is an error.
    pub required: bool,
    /// The open data's CSV has a column of this name with its value.
    pub csv: bool,
}

const fn key(name: &'static str, required: bool, csv: bool) -> Key {
    Key {
        name,
        required,
        csv,
    }
}

/// A model's keys, in the order `dvk new` writes them and the docs list them.
pub const MODEL: &[Key] = &[
    key("title", true, true),
    key("year", true, true),
    key("province", true, true),
    key("district", false, true),
    key("commune", false, true),
    key("field", true, true),
    key("host", true, true),
    key("level", false, true),
    key("exemplary", false, true),
    key("date", false, true),
    key("summary", false, true),
    key("results", false, true),
    key("photos", false, false),
    key("tags", false, true),
    key("replicated_from", false, true),
    key("slug", false, true),
    key("draft", false, false),
];

/// A news article's keys.
pub const ARTICLE: &[Key] = &[
    key("title", true, false),
    key("date", true, false),
    key("author", false, false),
    key("summary", false, false),
    key("photos", false, false),
    key("models", false, false),
    key("slug", false, false),
    key("draft", false, false),
];

/// A plain page's keys.
pub const PAGE: &[Key] = &[
    key("title", true, false),
    key("summary", false, false),
    key("slug", false, false),
    key("draft", false, false),
];

/// The keys of one item of a model's `results`.
pub const RESULT: &[&str] = &["label", "value", "unit"];
/// The keys of one item of `photos`.
pub const PHOTO: &[&str] = &["src", "caption", "credit"];

/// The names of `keys`.
pub fn names(keys: &[Key]) -> Vec<&'static str> {
    keys.iter().map(|k| k.name).collect()
}

/// The keys a model may have, made once: with `body` when it is an item of a YAML list.
pub fn model_names(in_list: bool) -> &'static [&'static str] {
    static PLAIN: std::sync::LazyLock<Vec<&str>> = std::sync::LazyLock::new(|| names(MODEL));
    static LISTED: std::sync::LazyLock<Vec<&str>> = std::sync::LazyLock::new(|| {
        let mut n = names(MODEL);
        n.push("body");
        n
    });
    if in_list {
        &LISTED
    } else {
        &PLAIN
    }
}

/// What a model's key means, for an editor, in `lang` (the site's language: the comments of
/// a content file are for its editors, whatever language dvk's own messages are in).
pub fn model_help(name: &str, lang: Lang) -> String {
    crate::msg::text_in(lang, &format!("schema.model.{name}"), &[])
}

/// The comment `dvk new` writes beside a model's key: what it means, and "(bắt buộc)" when
/// it is required ("(không bắt buộc)" when `optional_too`).
pub fn model_comment(name: &str, lang: Lang, optional_too: bool) -> String {
    let help = model_help(name, lang);
    let required = MODEL.iter().any(|k| k.name == name && k.required);
    match (required, optional_too) {
        (true, _) => format!(
            "{help} ({})",
            crate::msg::text_in(lang, "schema.required", &[])
        ),
        (false, true) => format!(
            "{help} ({})",
            crate::msg::text_in(lang, "schema.optional", &[])
        ),
        (false, false) => help,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_model_key_has_help_in_every_language() {
        for lang in [crate::msg::Lang::Vi, crate::msg::Lang::En] {
            let catalogue = crate::msg::catalogue(lang);
            for k in MODEL {
                let id = format!("schema.model.{}", k.name);
                assert!(catalogue.contains_key(id.as_str()), "{lang:?}: {id}");
            }
        }
    }

    /// The editors' table of a model's keys in docs/noi-dung.md lists the schema's keys, in
    /// its order, "có" in its "bắt buộc" column exactly for the required ones.
    #[test]
    fn the_docs_key_table_is_the_schema() {
        let doc = include_str!("../docs/noi-dung.md");
        let start = doc
            .find("| khóa | nghĩa | bắt buộc |")
            .expect("docs/noi-dung.md: the model key table");
        let rows: Vec<(String, bool)> = doc[start..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.split('|').map(str::trim).collect();
                (
                    cells[1].trim_matches('`').to_string(),
                    cells[3].starts_with("có"),
                )
            })
            .collect();
        let schema: Vec<(String, bool)> = MODEL
            .iter()
            .map(|k| (k.name.to_string(), k.required))
            .collect();
        assert_eq!(rows, schema);
    }

    /// Each key the schema exports has its column in the open data's CSV.
    #[test]
    fn the_csv_has_a_column_for_each_exported_key() {
        let header = crate::render::open_data::CSV_COLUMNS;
        for k in MODEL {
            assert_eq!(header.contains(&k.name), k.csv, "{}", k.name);
        }
    }

    #[test]
    fn names_are_unique() {
        for keys in [MODEL, ARTICLE, PAGE] {
            let mut n = names(keys);
            n.sort_unstable();
            n.dedup();
            assert_eq!(n.len(), keys.len());
        }
    }
}
