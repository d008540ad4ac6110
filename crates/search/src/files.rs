//! Small parts of the files the index writes: each doc's excerpt source, the compacted
//! client script, the content hash of the shard folder, run-length facet columns.

use serde_json::{json, Value};

use crate::SearchDoc;

/// Longest excerpt source kept per doc, in characters.
const EXCERPT_CHARS: usize = 240;

pub(crate) fn excerpt_source(doc: &SearchDoc) -> String {
    let mut src = collapse_ws(&doc.summary);
    if src.chars().count() < EXCERPT_CHARS / 2 {
        let body = collapse_ws(&doc.body);
        if !body.is_empty() && !body.starts_with(&src) {
            if !src.is_empty() {
                src.push(' ');
            }
            src.push_str(&body);
        } else if src.is_empty() || body.len() > src.len() {
            src = body;
        }
    }
    truncate_words(&src, EXCERPT_CHARS)
}

fn collapse_ws(s: &str) -> String {
    // Only the start of a long text can end up in the excerpt.
    let limit = s
        .char_indices()
        .nth(2 * EXCERPT_CHARS)
        .map_or(s.len(), |(i, _)| i);
    let s = vntext::nfc(&s[..limit]);
    let mut out = String::with_capacity(s.len().min(4 * EXCERPT_CHARS));
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
        if out.len() > 4 * EXCERPT_CHARS {
            break;
        }
    }
    out
}

fn truncate_words(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_owned();
    }
    let cut = s.char_indices().nth(max_chars).map_or(s.len(), |(i, _)| i);
    let head = &s[..cut];
    let head = match head.rfind(' ') {
        Some(i) if i > cut / 2 => &head[..i],
        _ => head,
    };
    format!(
        "{}…",
        head.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != ')')
    )
}

/// The client without indentation and whole-line comments (a safe, tiny minification: the
/// script has no multi-line strings or template literals).
pub(crate) fn compact_js(js: &str) -> String {
    let mut out = String::with_capacity(js.len());
    let mut in_comment = false;
    for line in js.lines() {
        let l = line.trim();
        if in_comment {
            in_comment = !l.ends_with("*/");
            continue;
        }
        if l.starts_with("/*") && !l.starts_with("/*!") {
            in_comment = !l.ends_with("*/");
            continue;
        }
        if l.is_empty() || l.starts_with("// ") {
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// FNV-1a's starting value.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// Adds `bytes` to the FNV-1a hash `h`.
pub(crate) fn fnv1a(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x100_0000_01b3);
    }
}

/// Characters of a shard's tag ([`shard_tag`]).
pub(crate) const TAG_LEN: usize = 4;

/// A shard's tag: [`TAG_LEN`] URL-safe characters (24 bits) of a hash of its bytes. The tag is
/// in the shard's file name, so a shard's URL changes when its bytes do (browsers keep the
/// files a year) and stays when they do not: an edit renames only the shards it changed.
pub(crate) fn shard_tag(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // XXH3: the bytes of every shard of a site (tens of MB) are hashed at each build, at
    // a tenth of the time FNV-1a took a byte at a time.
    let h = xxhash_rust::xxh3::xxh3_64(bytes);
    (0..TAG_LEN)
        .map(|i| char::from(ALPHABET[((h >> (6 * i)) & 63) as usize]))
        .collect()
}

/// The site path of shard `n` of `space` (`w`, `p`, `vocab`, `m`) whose tag is `tag`:
/// `tim-kiem/i/w/12.Ab3_.bin` (metadata shards end in `.json`). The client builds the same
/// URL from the manifest's `tags` (`search.js`, `shardUrl`).
pub(crate) fn shard_path(space: &str, n: usize, tag: &str) -> String {
    let ext = if space == "m" { "json" } else { "bin" };
    format!("tim-kiem/i/{space}/{n}.{tag}.{ext}")
}

/// The tag of shard `n` of `space` in a manifest's `tags`.
pub(crate) fn tag_in(manifest: &Value, space: &str, n: usize) -> Option<String> {
    let tags = manifest["tags"][space].as_str()?;
    tags.get(n * TAG_LEN..(n + 1) * TAG_LEN).map(str::to_string)
}

/// Appends run-length pairs `[value, length]` of `values` to a JSON array.
pub(crate) fn runs(values: impl Iterator<Item = usize>) -> Value {
    let mut out: Vec<Value> = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for v in values {
        cur = match cur {
            Some((cv, n)) if cv == v => Some((cv, n + 1)),
            Some((cv, n)) => {
                out.push(json!(cv));
                out.push(json!(n));
                Some((v, 1))
            }
            None => Some((v, 1)),
        };
    }
    if let Some((cv, n)) = cur {
        out.push(json!(cv));
        out.push(json!(n));
    }
    Value::Array(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_are_short_and_cut_at_words() {
        let long = "Nuôi heo đất giúp phụ nữ nghèo. ".repeat(20);
        let e = truncate_words(&long, 60);
        assert!(e.chars().count() <= 61, "{e}");
        assert!(e.ends_with('…'));
        assert!(!e.contains("  "));
        assert_eq!(truncate_words("ngắn", 60), "ngắn");
    }

    #[test]
    fn the_client_is_compacted_without_losing_code() {
        let js = compact_js(crate::CLIENT_JS);
        assert!(js.len() < crate::CLIENT_JS.len() * 9 / 10);
        assert!(js.starts_with("(function () {"));
        assert!(js.contains("var TERM = /[\\p{Alphabetic}\\p{N}]/u;"));
        assert!(!js.contains("---- page ----"));
        let kept: Vec<&str> = js.lines().collect();
        let code = crate::CLIENT_JS
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with("/*"));
        let code: Vec<&str> = code
            .filter(|l| !l.starts_with("The ") && !l.starts_with("text node"))
            .collect();
        for line in code.iter().filter(|l| l.contains(';') || l.ends_with('{')) {
            assert!(kept.contains(line), "lost: {line}");
        }
    }

    #[test]
    fn runs_compress_repeated_values() {
        assert_eq!(
            runs([1, 1, 1, 0, 2, 2].into_iter()),
            json!([1, 3, 0, 1, 2, 2])
        );
        assert_eq!(runs(std::iter::empty()), json!([]));
    }
}
