//! Files from outside the site never reach `public/`: photo and image paths with `..`,
//! absolute paths, URLs, symbolic links out of the site (files and folders, in content and in
//! the theme), a language or theme name that climbs out, and output folders that would
//! overwrite the content. A canary file outside the site carries a unique marker; after
//! every build, nothing under the output (or any staging folder) may contain it.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod reliability_support;

use reliability_support::*;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::PathBuf;

const CANARY: &str = "DVK-CANARY-5e1f0b7c-outside-the-site";

struct World {
    _dir: tempfile::TempDir,
    site: PathBuf,
    outside: PathBuf,
}

fn world() -> World {
    let dir = tempfile::Builder::new()
        .prefix("dvk-files-")
        .tempdir()
        .unwrap();
    let site = dir.path().join("site");
    let outside = dir.path().join("outside");
    copy_dir(&repo().join("themes"), &site.join("themes"));
    write(
        &site.join("content/models/a.md"),
        model_md("Mô hình A", "", "Nội dung."),
    );
    // A real JPEG with the marker appended (decoders ignore trailing bytes), a text file, a
    // Markdown file, a folder, and a YAML file that could pass for the theme's strings.
    let photo = walkdir::WalkDir::new(repo().join("content"))
        .into_iter()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "jpg"))
        .map(|e| e.into_path())
        .unwrap();
    let mut jpeg = fs::read(photo).unwrap();
    jpeg.extend_from_slice(CANARY.as_bytes());
    write(&outside.join("canary.jpg"), &jpeg);
    write(&outside.join("dir/canary.jpg"), &jpeg);
    write(&outside.join("canary.txt"), CANARY);
    write(&outside.join("secret.md"), model_md(CANARY, "", CANARY));
    let strings = fs::read_to_string(repo().join("themes/default/i18n/vi.yaml")).unwrap();
    write(
        &outside.join("lang.yaml"),
        format!("{strings}\n# {CANARY}\n").replace("Dân vận", CANARY),
    );
    World {
        _dir: dir,
        site,
        outside,
    }
}

/// Removes what a previous case added to the site.
fn reset(w: &World) {
    for p in [
        "content/models/case.md",
        "content/models/link.jpg",
        "content/models/ext",
        "content/models/evil.md",
        "content/models/evil-dir",
        "themes/default/static/leak.txt",
        "content/site.yaml",
    ] {
        let p = w.site.join(p);
        if fs::symlink_metadata(&p).is_ok() {
            if p.is_dir() && !fs::symlink_metadata(&p).unwrap().file_type().is_symlink() {
                fs::remove_dir_all(&p).unwrap();
            } else {
                fs::remove_file(&p).unwrap();
            }
        }
    }
}

fn no_canary_anywhere(w: &World, case: &str) {
    let hits = grep_tree(&w.site, CANARY.as_bytes());
    assert!(
        hits.is_empty(),
        "{case}: bytes from outside the site reached {hits:?}"
    );
}

#[test]
fn paths_and_links_out_of_the_site_are_refused_and_nothing_leaks() {
    let w = world();
    let r = build(&w.site, &[], limit(60));
    assert!(r.ok(), "{}", r.describe());
    let mut published = tree_hash(&w.site.join("public"));
    let abs = w.outside.join("canary.jpg").display().to_string();
    let photo = |src: &str| {
        model_md(
            "Trường hợp",
            &format!(
                "photos:\n  - {{ src: {}, caption: \"Ảnh\" }}\n",
                serde_json::to_string(src).unwrap()
            ),
            "Nội dung.",
        )
    };
    let body = |md: &str| model_md("Trường hợp", "", md);

    // (case, what to write, message the refusal must contain, line of the problem)
    type Setup<'a> = Box<dyn Fn(&World) + 'a>;
    let cases: Vec<(&str, Setup, &str, usize)> = vec![
        (
            "photo ../",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    photo("../../../outside/canary.jpg"),
                )
            }),
            "goes up with `..`",
            9,
        ),
        (
            "photo ./../",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    photo("./../../../outside/canary.jpg"),
                )
            }),
            "goes up with `..`",
            9,
        ),
        (
            "photo a/../../",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    photo("anh/../../../../outside/canary.jpg"),
                )
            }),
            "goes up with `..`",
            9,
        ),
        (
            "photo absolute",
            Box::new(|w: &World| write(&w.site.join("content/models/case.md"), photo(&abs))),
            "absolute path",
            9,
        ),
        (
            "photo /etc/passwd",
            Box::new(|w: &World| {
                write(&w.site.join("content/models/case.md"), photo("/etc/passwd"))
            }),
            "absolute path",
            9,
        ),
        (
            "photo file:// URL",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    photo(&format!("file://{abs}")),
                )
            }),
            "web address",
            9,
        ),
        (
            "photo backslashes",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    photo("..\\..\\..\\outside\\canary.jpg"),
                )
            }),
            "not found",
            9,
        ),
        (
            "photo %2e%2e",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    photo("%2e%2e/%2e%2e/%2e%2e/outside/canary.jpg"),
                )
            }),
            "not found",
            9,
        ),
        (
            "photo symlink to a file outside",
            Box::new(|w: &World| {
                symlink(
                    w.outside.join("canary.jpg"),
                    w.site.join("content/models/link.jpg"),
                )
                .unwrap();
                write(&w.site.join("content/models/case.md"), photo("link.jpg"));
            }),
            "outside the site",
            9,
        ),
        (
            "photo through a symlinked folder",
            Box::new(|w: &World| {
                symlink(w.outside.join("dir"), w.site.join("content/models/ext")).unwrap();
                write(
                    &w.site.join("content/models/case.md"),
                    photo("ext/canary.jpg"),
                );
            }),
            "outside the site",
            9,
        ),
        (
            "image ../ in a body",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    body("Ảnh: ![x](../../../outside/canary.jpg)"),
                )
            }),
            "goes up with `..`",
            10,
        ),
        (
            "image absolute in a body",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    body(&format!("Ảnh: ![x]({abs})")),
                )
            }),
            "",
            0,
        ),
        (
            "linked file ../ in a body",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    body("Tệp: [tải về](../../../outside/canary.txt)"),
                )
            }),
            "goes up with `..`",
            10,
        ),
        (
            "linked file through a symlink",
            Box::new(|w: &World| {
                symlink(
                    w.outside.join("canary.txt"),
                    w.site.join("content/models/link.jpg"),
                )
                .unwrap();
                write(
                    &w.site.join("content/models/case.md"),
                    body("Tệp: [tải về](link.jpg)"),
                );
            }),
            "outside the site",
            10,
        ),
        (
            "link to a .md outside",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/models/case.md"),
                    body("Xem [bài](../../../outside/secret.md)"),
                )
            }),
            "no such write-up",
            10,
        ),
        (
            "content file symlinked from outside",
            Box::new(|w: &World| {
                symlink(
                    w.outside.join("secret.md"),
                    w.site.join("content/models/evil.md"),
                )
                .unwrap()
            }),
            "points outside the site folder",
            0,
        ),
        (
            "content folder symlinked from outside",
            Box::new(|w: &World| {
                symlink(&w.outside, w.site.join("content/models/evil-dir")).unwrap()
            }),
            "points outside the site folder",
            0,
        ),
        (
            "language that climbs out of the theme",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/site.yaml"),
                    "title: \"Dân vận khéo\"\nlanguage: \"../../../../outside/lang\"\n",
                )
            }),
            "language",
            2,
        ),
        (
            "theme that climbs out of themes/",
            Box::new(|w: &World| {
                write(
                    &w.site.join("content/site.yaml"),
                    "title: \"Dân vận khéo\"\ntheme: \"../../outside\"\n",
                )
            }),
            "theme",
            2,
        ),
    ];
    let mut refused = Vec::new();
    for (case, setup, message, line) in &cases {
        reset(&w);
        setup(&w);
        // The messages checked are the English ones.
        let r = run_measured(
            std::process::Command::new(dvk())
                .args(["build", w.site.to_str().unwrap(), "-q"])
                .env("DVK_LANG", "en"),
            limit(60),
        );
        let how = format!("{case}: {}", r.describe());
        no_canary_anywhere(&w, case);
        if message.is_empty() {
            // Left as a URL (not a file of the site): it may build, but nothing is copied.
            assert!(!r.stderr.contains("panicked"), "{how}");
            published = tree_hash(&w.site.join("public"));
        } else {
            assert_eq!(
                r.code,
                Some(1),
                "must be refused as a content problem: {how}"
            );
            let problem = r
                .stderr
                .lines()
                .find(|l| l.contains(message))
                .unwrap_or_else(|| panic!("no message with {message:?}: {how}"));
            if *line > 0 {
                assert!(
                    problem.contains(&format!(":{line}:")),
                    "the problem should be at line {line}: {problem}"
                );
            }
            assert_eq!(
                tree_hash(&w.site.join("public")),
                published,
                "{case}: the published site changed"
            );
            refused.push(format!(
                "{case} → {}",
                problem
                    .split(": error: ")
                    .nth(1)
                    .unwrap_or(problem)
                    .chars()
                    .take(90)
                    .collect::<String>()
            ));
        }
    }
    // A symlink in the theme's static files is not followed (and nothing leaks).
    reset(&w);
    symlink(
        w.outside.join("canary.txt"),
        w.site.join("themes/default/static/leak.txt"),
    )
    .unwrap();
    let r = build(&w.site, &[], limit(60));
    assert!(r.ok(), "{}", r.describe());
    no_canary_anywhere(&w, "theme static symlink");
    assert!(
        !w.site.join("public/leak.txt").exists(),
        "a symlink out of the theme was published"
    );
    reset(&w);
    println!(
        "files: {} hostile references refused, public/ unchanged and free of the canary each time:",
        refused.len()
    );
    for r in &refused {
        println!("  {r}");
    }
}

#[test]
fn output_folders_that_would_overwrite_the_site_are_refused() {
    let w = world();
    let content_before = tree_hash(&w.site.join("content"));
    symlink(w.site.join("content"), w.site.join("content-link")).unwrap();
    let s = |p: &str| w.site.join(p).display().to_string();
    let cases = [
        ("the site folder itself", s("")),
        ("the site's parent", s("..")),
        ("content/", s("content")),
        ("inside content/", s("content/public")),
        ("deep inside content/", s("content/models/x/public")),
        ("content/ through ..", s("public/../content")),
        ("inside themes/", s("themes/public")),
        ("a symlink to content/", s("content-link")),
        ("inside a symlink to content/", s("content-link/public")),
        ("the file system root", "/".to_string()),
    ];
    for (case, out) in &cases {
        let r = build(&w.site, &["-o", out], limit(60));
        assert_eq!(
            r.code,
            Some(2),
            "{case} ({out}) must be refused: {}",
            r.describe()
        );
        assert!(
            r.stderr.contains("output folder") || r.stderr.contains("symbolic link"),
            "{case}: the message should say what is wrong with the output folder: {}",
            r.stderr
        );
        assert_eq!(
            tree_hash(&w.site.join("content")),
            content_before,
            "{case}: the content changed"
        );
        let strays = leftovers(&w.site, "content");
        assert!(strays.is_empty(), "{case}: {strays:?}");
    }
    assert!(fs::read_dir(w.site.parent().unwrap())
        .unwrap()
        .flatten()
        .all(|e| !e.file_name().to_string_lossy().contains("dvk-staging")));
    println!("output folders: {} places that would overwrite the site refused (exit 2), content unchanged", cases.len());
}
