//! Determinism: the same input gives byte-identical output, whatever the number of threads,
//! the order in which the content folder was copied (and so the order the file system lists
//! it), the folder the site sits in, and whether the previous output or photo cache exists.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use reliability_support::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Files under `dir`, in the given order: reverse name order, or a seeded shuffle.
fn files_in_order(dir: &Path, rng: Option<&mut Rng>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    files.sort();
    match rng {
        None => files.reverse(),
        Some(rng) => {
            for i in (1..files.len()).rev() {
                files.swap(i, rng.below(i as u64 + 1) as usize);
            }
        }
    }
    files
}

/// Copies `from` into `to` creating files in `order`, with made-up modification times.
fn copy_in_order(from: &Path, to: &Path, order: &[PathBuf]) {
    for (i, rel) in order.iter().enumerate() {
        let target = to.join(rel);
        fs::create_dir_all(target.parent().unwrap()).unwrap();
        fs::copy(from.join(rel), &target).unwrap();
        let t = std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(1_000_000_000 + (i as u64 * 7919) % 100_000);
        fs::File::options()
            .write(true)
            .open(&target)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }
}

/// How many folders list their entries in an order other than by name.
fn folders_listed_out_of_order(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_dir())
        .filter(|e| {
            let listed: Vec<_> = fs::read_dir(e.path())
                .unwrap()
                .flatten()
                .map(|x| x.file_name())
                .collect();
            let mut sorted = listed.clone();
            sorted.sort();
            listed != sorted
        })
        .count()
}

fn build_to(site: &Path, out: &Path, threads: Option<&str>) -> BTreeMap<String, u64> {
    build_with_env(
        site,
        out,
        &threads
            .map(|n| ("RAYON_NUM_THREADS", n))
            .into_iter()
            .collect::<Vec<_>>(),
    )
}

fn build_with_env(site: &Path, out: &Path, env: &[(&str, &str)]) -> BTreeMap<String, u64> {
    let mut cmd = Command::new(dvk());
    cmd.args(["build", "-q"]).arg(site).arg("-o").arg(out);
    cmd.envs(env.iter().copied());
    let r = run_measured(&mut cmd, limit(180));
    assert!(r.ok(), "{}", r.describe());
    tree_hash(out)
}

fn check_site(name: &str, site: &Path, scratch: &Path) -> String {
    let mut rng = Rng::from_env();
    let key = vntext::slugify(name);
    let first = build_to(site, &scratch.join(format!("{key}-1")), None);
    let mut compared = vec![];
    let mut same = |label: &str, tree: BTreeMap<String, u64>| {
        assert!(
            tree == first,
            "{name}: {label} differs from the first build: {}",
            tree_diff(&first, &tree)
        );
        compared.push(label.to_string());
    };
    same(
        "second build, fresh folder",
        build_to(site, &scratch.join(format!("{key}-2")), None),
    );
    // A real rebuild, not the "nothing changed" shortcut (src/fresh.rs).
    let _ = std::fs::remove_file(site.join(".dvk-cache/last-build.json"));
    same(
        "rebuild over its own output",
        build_to(site, &scratch.join(format!("{key}-1")), None),
    );
    same(
        "RAYON_NUM_THREADS=1",
        build_to(site, &scratch.join(format!("{key}-t1")), Some("1")),
    );
    same(
        "RAYON_NUM_THREADS=2",
        build_to(site, &scratch.join(format!("{key}-t2")), Some("2")),
    );
    same(
        "RAYON_NUM_THREADS=8",
        build_to(site, &scratch.join(format!("{key}-t8")), Some("8")),
    );
    // No Markdown kept in memory: every model body read again from its file when its page
    // is made, as on a national site (src/lib.rs, `body_memory_bytes`).
    same(
        "every body read again (DVK_BODY_MEMORY_MB=0)",
        build_with_env(
            site,
            &scratch.join(format!("{key}-reread")),
            &[("DVK_BODY_MEMORY_MB", "0"), ("RAYON_NUM_THREADS", "2")],
        ),
    );
    let mut out_of_order = Vec::new();
    for (i, (label, order)) in [
        (
            "content copied in reverse order",
            files_in_order(&site.join("content"), None),
        ),
        (
            "content copied in shuffled order",
            files_in_order(&site.join("content"), Some(&mut rng)),
        ),
    ]
    .into_iter()
    .enumerate()
    {
        // A different folder (and path length) for the copy; no photo cache, no previous output.
        let copy = scratch
            .join(format!("{}-copy-{i}", vntext::slugify(name)))
            .join("a-longer/path");
        copy_in_order(&site.join("content"), &copy.join("content"), &order);
        copy_dir(&site.join("themes"), &copy.join("themes"));
        out_of_order.push(folders_listed_out_of_order(&copy.join("content")));
        same(
            label,
            build_to(
                &copy,
                &copy.join("public"),
                Some(if i % 2 == 0 { "1" } else { "2" }),
            ),
        );
    }
    format!(
        "{name}: {} files, identical across {} builds ({}); the copies list {:?} folders in an order other than by name",
        first.len(),
        compared.len() + 1,
        compared.join(", "),
        out_of_order
    )
}

#[test]
fn builds_are_byte_identical_across_threads_copies_and_rebuilds() {
    let scratch = tempfile::Builder::new()
        .prefix("dvk-det-")
        .tempdir()
        .unwrap();
    // The sample site (photos, articles, pages, charts) …
    let sample = scratch.path().join("sample");
    copy_dir(&repo().join("content"), &sample.join("content"));
    copy_dir(&repo().join("themes"), &sample.join("themes"));
    let a = check_site("sample site", &sample, scratch.path());
    // … and 1,000 generated models.
    let corpus = scratch.path().join("corpus");
    let source = corpus_site(1000, &corpus);
    let b = check_site(
        &format!("1,000-model site ({source})"),
        &corpus,
        scratch.path(),
    );
    println!("determinism: {a}\ndeterminism: {b}");
}
