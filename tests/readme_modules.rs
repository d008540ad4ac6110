//! README's "How it is built" names every source file of the tree, and names none that is
//! gone: a module added, moved or deleted without its line fails here. Each source file
//! also starts with its `//!` doc and stays within 1,000 lines.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

const MAX_LINES: usize = 1000;

/// Every `.rs` file under `dir`, as a path relative to the repository (`/` separators).
fn sources(root: &Path, dir: &str, out: &mut BTreeSet<String>) {
    let Ok(entries) = fs::read_dir(root.join(dir)) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let rel = format!("{dir}/{name}");
        if e.path().is_dir() {
            sources(root, &rel, out);
        } else if name.ends_with(".rs") {
            out.insert(rel);
        }
    }
}

/// The section of the README between its "How it is built" heading and the next heading.
fn section(readme: &str) -> &str {
    let start = readme
        .find("## How it is built")
        .expect("README has a \"How it is built\" section");
    let rest = &readme[start + 3..];
    let end = rest.find("\n## ").unwrap_or(rest.len());
    &rest[..end]
}

/// The source paths the section names in backquotes (`src/...rs`, `crates/.../src/...rs`).
fn named(section: &str) -> BTreeSet<String> {
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| (s.starts_with("src/") || s.starts_with("crates/")) && s.ends_with(".rs"))
        .map(str::to_string)
        .collect()
}

#[test]
fn the_readme_names_every_source_file_and_no_other() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeSet::new();
    sources(root, "src", &mut files);
    let crates = fs::read_dir(root.join("crates")).expect("crates/");
    for c in crates.flatten() {
        let name = c.file_name().to_string_lossy().into_owned();
        sources(root, &format!("crates/{name}/src"), &mut files);
    }
    assert!(files.len() > 50, "found only {} source files", files.len());
    let readme = fs::read_to_string(root.join("README.md")).expect("README.md");
    let named = named(section(&readme));
    let missing: Vec<_> = files.difference(&named).collect();
    let gone: Vec<_> = named.difference(&files).collect();
    assert!(
        missing.is_empty() && gone.is_empty(),
        "README's \"How it is built\" does not match the tree.\n\
         Source files it does not name: {missing:?}\nFiles it names that do not exist: {gone:?}"
    );
}

#[test]
fn every_source_file_has_its_doc_and_stays_short() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = BTreeSet::new();
    sources(root, "src", &mut files);
    sources(root, "crates", &mut files);
    let mut problems = Vec::new();
    for f in &files {
        let text = fs::read_to_string(root.join(f)).expect("read source");
        if !text.trim_start().starts_with("//!") {
            problems.push(format!("{f}: does not start with a `//!` doc"));
        }
        let lines = text.lines().count();
        if lines > MAX_LINES {
            problems.push(format!("{f}: {lines} lines (at most {MAX_LINES})"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
