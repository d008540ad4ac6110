//! `--help` of every command, as an editor sees it: in Vietnamese by default, with nothing of
//! clap's English left (usage line, headings, value names, option texts), and in English
//! with `--lang en`.

use std::collections::BTreeSet;
use std::process::Command;
use unicode_normalization::UnicodeNormalization;

/// `dvk <path> --help` in `lang` (set both ways the binary reads it: the variable, and
/// `--lang` for English so that the flag is exercised too).
fn help(lang: &str, path: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dvk"));
    cmd.env("DVK_LANG", lang).args(path).arg("--help");
    if lang == "en" {
        cmd.args(["--lang", "en"]);
    }
    let out = cmd.output().expect("run dvk");
    assert!(out.status.success(), "dvk {path:?} --help failed");
    String::from_utf8(out.stdout).expect("UTF-8 help")
}

/// The subcommands a help text lists under `heading`, by name.
fn subcommands(text: &str, heading: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line == heading {
            inside = true;
        } else if inside && line.starts_with("  ") {
            if let Some(name) = line.split_whitespace().next() {
                out.push(name.to_string());
            }
        } else if inside {
            break;
        }
    }
    out
}

/// Every command path, found by walking the help texts from `dvk --help`.
fn all_paths(lang: &str, heading: &str) -> Vec<Vec<String>> {
    let mut out = vec![Vec::new()];
    let mut i = 0;
    while i < out.len() {
        let path = out[i].clone();
        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
        for sub in subcommands(&help(lang, &refs), heading) {
            let mut p = path.clone();
            p.push(sub);
            out.push(p);
        }
        i += 1;
    }
    out
}

/// Placeholders in `<…>` or `[…]` written in plain ASCII capitals (`<TITLE>`, `[OPTIONS]`):
/// clap's English names, which a Vietnamese help must not show.
fn ascii_placeholders(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (open, close) in [('<', '>'), ('[', ']')] {
        for (start, _) in text.match_indices(open) {
            let rest = &text[start + 1..];
            if let Some(end) = rest.find(close) {
                let inner = &rest[..end];
                if !inner.is_empty()
                    && inner
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c == '_' || c == '-')
                {
                    found.push(format!("{open}{inner}{close}"));
                }
            }
        }
    }
    found
}

/// The descriptions of a help text: the first line (what the command does) and, on each
/// line of a list, the text after the column of names.
fn descriptions(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(first) = text.lines().next() {
        out.insert(first.trim().to_string());
    }
    for line in text.lines().filter(|l| l.starts_with("  ")) {
        if let Some(pos) = line.trim_start().find("  ") {
            let d = line.trim_start()[pos..].trim();
            if !d.is_empty() {
                out.insert(d.to_string());
            }
        }
    }
    out
}

#[test]
fn every_help_is_vietnamese_with_no_english_placeholder_left() {
    let paths = all_paths("vi", "Lệnh:");
    let names: BTreeSet<String> = paths.iter().map(|p| p.join(" ")).collect();
    for want in [
        "",
        "build",
        "check",
        "serve",
        "new",
        "new model",
        "new article",
        "new page",
        "init",
        "theme",
        "theme export",
        "stats",
        "import",
    ] {
        assert!(names.contains(want), "`dvk {want}` not found in {names:?}");
    }
    for path in &paths {
        let refs: Vec<&str> = path.iter().map(String::as_str).collect();
        let vi = help("vi", &refs);
        let en = help("en", &refs);
        let name = format!("dvk {} --help", path.join(" "));
        assert_eq!(vi, vi.nfc().collect::<String>(), "{name}: not NFC");
        assert!(vi.contains("\nCách dùng: dvk"), "{name}:\n{vi}");
        assert!(vi.contains("[TÙY_CHỌN]"), "{name}:\n{vi}");
        assert!(vi.contains("\nTùy chọn:\n"), "{name}:\n{vi}");
        for english in [
            "Usage:",
            "Options:",
            "Arguments:",
            "Commands:",
            "Print help",
            "Print version",
            "[default:",
            "[possible values:",
        ] {
            assert!(!vi.contains(english), "{name} shows `{english}`:\n{vi}");
        }
        let placeholders = ascii_placeholders(&vi);
        assert!(
            placeholders.is_empty(),
            "{name} shows {placeholders:?}:\n{vi}"
        );
        // A text left in English (an option without a catalogue entry) reads the same in both.
        let english = descriptions(&en);
        for d in descriptions(&vi) {
            assert!(
                !english.contains(&d),
                "{name}: `{d}` is not translated:\n{vi}"
            );
        }
        // English keeps clap's usual words, from the catalogue too.
        assert!(en.contains("\nUsage: dvk"), "{name}:\n{en}");
        assert!(en.contains("[OPTIONS]"), "{name}:\n{en}");
        assert!(en.contains("\nOptions:\n"), "{name}:\n{en}");
    }
    // The same commands in English.
    assert_eq!(all_paths("en", "Commands:"), paths);
}

#[test]
fn value_names_and_the_usage_line_are_vietnamese() {
    let h = help("vi", &["new", "model"]);
    assert!(
        h.contains("Cách dùng: dvk new model [TÙY_CHỌN] <TÊN>\n"),
        "{h}"
    );
    assert!(h.contains("--year <NĂM>"), "{h}");
    assert!(h.contains("--site <THƯ_MỤC_TRANG>"), "{h}");
    let h = help("vi", &["import"]);
    assert!(
        h.contains("Cách dùng: dvk import [TÙY_CHỌN] <TỆP>...\n"),
        "{h}"
    );
    let h = help("vi", &[]);
    assert!(h.contains("Cách dùng: dvk [TÙY_CHỌN] <LỆNH>\n"), "{h}");
    // The command's own options first, then the global ones, then --help.
    let h = help("vi", &["build"]);
    let at = |s: &str| h.find(s).unwrap_or_else(|| panic!("{s} in {h}"));
    assert!(at("--output") < at("--quiet"), "{h}");
    assert!(at("--precompress") < at("--quiet"), "{h}");
    assert!(at("--lang") < at("--help"), "{h}");
    let h = help("en", &["new", "model"]);
    assert!(
        h.contains("Usage: dvk new model [OPTIONS] <TITLE>\n"),
        "{h}"
    );
}

#[test]
fn a_bad_number_or_address_is_explained_in_vietnamese() {
    for (args, want) in [
        (&["stats", "--year", "abc"][..], "Năm phải là một số"),
        (&["serve", "--port", "70000"][..], "Cổng phải là một số"),
        (&["serve", "--bind", "nhà"][..], "Cần một địa chỉ IP"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_dvk"))
            .env("DVK_LANG", "vi")
            .args(args)
            .output()
            .expect("run dvk");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(
            !err.contains("invalid") && !err.contains("is not in"),
            "{err}"
        );
    }
}
