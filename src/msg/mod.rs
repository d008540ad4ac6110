//! The tool's own messages (errors, warnings, hints, summaries, help), from catalogues.
//!
//! Every sentence dvk prints to an editor comes from a catalogue file, one per language and
//! area (`vi/*.txt`, `en/*.txt`), never from a string in the code: the code names a message
//! by its id with [`msg!`](crate::msg) and gives its arguments by name. Vietnamese is the
//! default; `--lang en` or `DVK_LANG=en` chooses English (for logs). Adding a language is one
//! more folder of catalogue files and one more [`Lang`].
//!
//! A catalogue file holds one message a line: `id = text`, with `{name}` where an argument
//! goes; `#` starts a comment line; `\n` in a text is a line break. A test checks that every
//! id the code uses is in every catalogue with the same arguments, and that texts are NFC.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::OnceLock;

/// A language the tool can speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Vietnamese, the default.
    Vi,
    /// English, for logs and for developers.
    En,
}

impl Lang {
    /// The language named by a code (`vi`, `en`, case-insensitive, region ignored).
    pub fn from_code(code: &str) -> Option<Lang> {
        let code = code.trim().to_ascii_lowercase();
        let base = code.split(['-', '_', '.']).next().unwrap_or("");
        match base {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// The catalogue files of each language, in the order they are read (a later id wins).
const VI: &[&str] = &[
    include_str!("vi/core.txt"),
    include_str!("vi/build.txt"),
    include_str!("vi/cli.txt"),
    include_str!("vi/config.txt"),
    include_str!("vi/content.txt"),
    include_str!("vi/import.txt"),
    include_str!("vi/init.txt"),
    include_str!("vi/output.txt"),
    include_str!("vi/photos.txt"),
    include_str!("vi/places.txt"),
    include_str!("vi/preview.txt"),
    include_str!("vi/publish.txt"),
    include_str!("vi/read.txt"),
    include_str!("vi/render.txt"),
    include_str!("vi/schema.txt"),
    include_str!("vi/search.txt"),
    include_str!("vi/serve.txt"),
    include_str!("vi/site.txt"),
    include_str!("vi/slug.txt"),
    include_str!("vi/yaml.txt"),
];
const EN: &[&str] = &[
    include_str!("en/core.txt"),
    include_str!("en/build.txt"),
    include_str!("en/cli.txt"),
    include_str!("en/config.txt"),
    include_str!("en/content.txt"),
    include_str!("en/import.txt"),
    include_str!("en/init.txt"),
    include_str!("en/output.txt"),
    include_str!("en/photos.txt"),
    include_str!("en/places.txt"),
    include_str!("en/preview.txt"),
    include_str!("en/publish.txt"),
    include_str!("en/read.txt"),
    include_str!("en/render.txt"),
    include_str!("en/schema.txt"),
    include_str!("en/search.txt"),
    include_str!("en/serve.txt"),
    include_str!("en/site.txt"),
    include_str!("en/slug.txt"),
    include_str!("en/yaml.txt"),
];

/// 0: not chosen yet (read `DVK_LANG`), 1: Vietnamese, 2: English.
static CHOSEN: AtomicU8 = AtomicU8::new(0);

/// Chooses the language of every later message.
pub fn set_lang(lang: Lang) {
    CHOSEN.store(
        match lang {
            Lang::Vi => 1,
            Lang::En => 2,
        },
        Ordering::Relaxed,
    );
}

/// The language in use: the one set, else `DVK_LANG`, else Vietnamese.
pub fn lang() -> Lang {
    match CHOSEN.load(Ordering::Relaxed) {
        1 => Lang::Vi,
        2 => Lang::En,
        _ => {
            let l = std::env::var("DVK_LANG")
                .ok()
                .and_then(|v| Lang::from_code(&v))
                .unwrap_or(Lang::Vi);
            set_lang(l);
            l
        }
    }
}

/// Parses catalogue files into id → text.
fn parse(files: &[&'static str]) -> HashMap<&'static str, String> {
    let mut map = HashMap::new();
    for file in files {
        for line in file.lines() {
            let line = line.trim_start();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some((id, text)) = line.split_once(" = ") {
                map.insert(id.trim(), text.trim_end().replace("\\n", "\n"));
            }
        }
    }
    map
}

/// The catalogue of a language.
pub fn catalogue(lang: Lang) -> &'static HashMap<&'static str, String> {
    static VI_MAP: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    static EN_MAP: OnceLock<HashMap<&'static str, String>> = OnceLock::new();
    match lang {
        Lang::Vi => VI_MAP.get_or_init(|| parse(VI)),
        Lang::En => EN_MAP.get_or_init(|| parse(EN)),
    }
}

/// The message `id` in the language in use, with each `{name}` replaced by its argument.
/// An id missing from the catalogue (a test prevents it) gives the id and its arguments.
pub fn text(id: &str, args: &[(&str, &dyn Display)]) -> String {
    text_in(lang(), id, args)
}

/// The message `id` in a given language.
pub fn text_in(lang: Lang, id: &str, args: &[(&str, &dyn Display)]) -> String {
    let Some(template) = catalogue(lang)
        .get(id)
        .or_else(|| catalogue(Lang::En).get(id))
    else {
        let mut s = id.to_string();
        for (k, v) in args {
            s.push_str(&format!(" {k}={v}"));
        }
        return s;
    };
    fill(template, args)
}

/// Replaces each `{name}` of a template by its argument; `{{` and `}}` are literal braces.
fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let tail = &rest[i..];
        if tail.starts_with("{{") || tail.starts_with("}}") {
            out.push_str(&tail[..1]);
            rest = &tail[2..];
            continue;
        }
        if tail.starts_with('{') {
            if let Some(end) = tail.find('}') {
                let name = &tail[1..end];
                if let Some((_, v)) = args.iter().find(|(k, _)| *k == name) {
                    out.push_str(&v.to_string());
                    rest = &tail[end + 1..];
                    continue;
                }
            }
        }
        out.push_str(&tail[..1]);
        rest = &tail[1..];
    }
    out.push_str(rest);
    out
}

/// A message from the catalogue: `msg!("build.done", models = n, out = path.display())`.
#[macro_export]
macro_rules! msg {
    ($id:literal $(, $k:ident = $v:expr)* $(,)?) => {
        $crate::msg::text($id, &[$((stringify!($k), &$v as &dyn ::std::fmt::Display)),*])
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// `{name}` arguments of a template.
    fn args_of(t: &str) -> BTreeSet<String> {
        let t = t.replace("{{", "").replace("}}", "");
        let mut out = BTreeSet::new();
        let mut rest = t.as_str();
        while let Some(i) = rest.find('{') {
            let tail = &rest[i + 1..];
            match tail.find('}') {
                Some(end) => {
                    out.insert(tail[..end].to_string());
                    rest = &tail[end + 1..];
                }
                None => break,
            }
        }
        out
    }

    /// Every `msg!("id"` in the source tree.
    fn ids_used() -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        for entry in walkdir::WalkDir::new(root) {
            let entry = entry.unwrap();
            if entry.path().extension().is_some_and(|e| e == "rs") {
                let src = std::fs::read_to_string(entry.path()).unwrap();
                // Code only: comment lines may show examples.
                let code: String = src
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .collect::<Vec<_>>()
                    .join("\n");
                for (i, _) in code.match_indices("msg!(\"") {
                    let rest = &code[i + 6..];
                    if let Some(end) = rest.find('"') {
                        let id = &rest[..end];
                        if id != "id" && !id.is_empty() {
                            ids.insert(id.to_string());
                        }
                    }
                }
            }
        }
        ids
    }

    #[test]
    fn every_id_used_is_in_every_catalogue_with_the_same_arguments() {
        let vi = catalogue(Lang::Vi);
        let en = catalogue(Lang::En);
        let mut missing = Vec::new();
        for id in ids_used() {
            for (name, cat) in [("vi", vi), ("en", en)] {
                if !cat.contains_key(id.as_str()) {
                    missing.push(format!("{name}: {id}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "ids missing from catalogues: {missing:?}"
        );
        for (id, t) in vi {
            let e = en
                .get(id)
                .unwrap_or_else(|| panic!("{id} is in vi but not in en"));
            assert_eq!(args_of(t), args_of(e), "arguments of {id} differ");
        }
        for id in en.keys() {
            assert!(vi.contains_key(id), "{id} is in en but not in vi");
        }
    }

    #[test]
    fn vietnamese_texts_are_nfc() {
        use unicode_normalization::UnicodeNormalization;
        for (id, t) in catalogue(Lang::Vi) {
            let nfc: String = t.nfc().collect();
            assert_eq!(&nfc, t, "{id} is not NFC");
        }
    }

    #[test]
    fn fill_replaces_named_arguments_and_keeps_the_rest() {
        let n = 3;
        assert_eq!(
            fill("{n} lỗi trong {f} {{x}} {z}", &[("n", &n), ("f", &"a.md")]),
            "3 lỗi trong a.md {x} {z}"
        );
    }

    #[test]
    fn language_codes() {
        assert_eq!(Lang::from_code("vi_VN.UTF-8"), Some(Lang::Vi));
        assert_eq!(Lang::from_code("EN"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
    }
}
