//! Rebuilds in place after each kind of edit (issue 22): the output of a site rebuilt after
//! an edit is byte for byte the output of a clean build of the edited site (every file,
//! dvk's marker included), files the edit did not change keep their inode (not rewritten),
//! and the spare folder beside the output is what makes that cheap.
// Unix only: these tests use Unix processes, permissions or inodes.
#![cfg(unix)]

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::MetadataExt;
use std::path::Path;
use std::process::Command;

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    files(dir, |e| fs::read(e.path()).unwrap())
}

/// Every file under `dir` with what `of` says of it.
fn files<T>(dir: &Path, of: impl Fn(&walkdir::DirEntry) -> T) -> BTreeMap<String, T> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap();
            (rel.to_string_lossy().into_owned(), of(&e))
        })
        .collect()
}

/// Runs `dvk args` in `site` (English messages) and checks that it succeeded.
fn dvk_ok(site: &Path, args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_dvk"))
        .env("DVK_LANG", "en")
        .args(args)
        .current_dir(site)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "dvk {args:?} in {} failed: {}",
        site.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Builds `site` in place; how many pages and search documents it kept from the last build.
fn build(site: &Path) -> (usize, usize) {
    let out = dvk_ok(site, &["build", "--verbose"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let kept = err.lines().find_map(|l| {
        let rest = l.strip_prefix("Kept ")?;
        let mut n = rest.split(' ').filter_map(|w| w.parse::<usize>().ok());
        Some((n.next()?, n.next()?))
    });
    kept.unwrap_or((0, 0))
}

/// A copy of the sample site in `dir` (with its theme folder when `themes`), and its model
/// files in name order.
fn sample_site(dir: &Path, themes: bool) -> (std::path::PathBuf, Vec<std::path::PathBuf>) {
    let repo = common::repo();
    let site = dir.join("site");
    common::copy_dir(&repo.join("content"), &site.join("content"));
    if themes {
        common::copy_dir(&repo.join("themes"), &site.join("themes"));
    }
    let models: Vec<_> = walkdir::WalkDir::new(site.join("content/models"))
        .sort_by_file_name()
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    (site, models)
}

/// Dates the files under `site/content` changed in the last ten minutes an hour back, as an
/// editor's files are: the content cache keeps only files unchanged for a while.
fn settle(site: &Path) {
    let now = std::time::SystemTime::now();
    let then = now - std::time::Duration::from_secs(3600);
    let recent = |e: &walkdir::DirEntry| {
        e.metadata()
            .ok()
            .and_then(|m| m.modified().ok())
            .is_some_and(|t| t + std::time::Duration::from_secs(600) > now)
    };
    for e in walkdir::WalkDir::new(site.join("content"))
        .into_iter()
        .flatten()
    {
        if e.file_type().is_file() && recent(&e) {
            let f = fs::File::options().write(true).open(e.path()).unwrap();
            f.set_modified(then).unwrap();
        }
    }
}

/// `path` relative to the folder `from` (both absolute, in the same tree).
fn pathdiff(path: &Path, from: &Path) -> String {
    let (p, f): (Vec<_>, Vec<_>) = (path.components().collect(), from.components().collect());
    let common = p.iter().zip(&f).take_while(|(a, b)| a == b).count();
    let mut out: Vec<String> = vec!["..".into(); f.len() - common];
    out.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    out.join("/")
}

/// The differences between two trees, for a message.
fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in a {
        match b.get(k) {
            None => out.push(format!("only after the rebuild: {k}")),
            Some(w) if w != v => out.push(format!("differs: {k}")),
            _ => {}
        }
    }
    out.extend(
        b.keys()
            .filter(|k| !a.contains_key(*k))
            .map(|k| format!("only in the clean build: {k}")),
    );
    out
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn a_site_without_a_themes_folder_is_found_unchanged_and_then_changed() {
    // A site `dvk init` makes has no `themes/` (it uses the built-in theme): a second build
    // with nothing edited must find nothing to do, and an edit must still be seen.
    let dir = tempfile::tempdir().unwrap();
    let (site, models) = sample_site(dir.path(), false);
    settle(&site);
    build(&site);
    let out = dvk_ok(&site, &["build"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("Nothing changed"), "second build: {said}");
    replace_in(&models[0], "title: ", "title: Mới — ");
    settle(&site);
    let out = dvk_ok(&site, &["build"]);
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(!said.contains("Nothing changed"), "after an edit: {said}");
    let published = tree(&site.join("public"));
    assert!(
        published
            .values()
            .any(|b| String::from_utf8_lossy(b).contains("Mới — ")),
        "the edited title is published"
    );
}

#[test]
fn every_kind_of_edit_rebuilt_in_place_gives_the_clean_build_and_rewrites_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let (site, models) = sample_site(dir.path(), true);
    assert!(models.len() >= 7, "the sample site has models");
    build(&site);
    build(&site); // makes nothing new: the site is unchanged

    type Edit = Box<dyn Fn(&Path)>;
    let (m0, m1, m2) = (models[0].clone(), models[1].clone(), models[2].clone());
    let (m3, m4, m5) = (models[3].clone(), models[4].clone(), models[5].clone());
    let m6 = models[6].clone();
    let link = pathdiff(&m4, m3.parent().unwrap());
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a body",
            Box::new(move |_| {
                let mut t = fs::read_to_string(&m0).unwrap();
                t.push_str("\nMột đoạn mới được thêm vào khi sửa bài.\n");
                fs::write(&m0, t).unwrap();
            }),
        ),
        (
            "a title",
            Box::new(move |_| replace_in(&m1, "title: ", "title: Mới — ")),
        ),
        (
            "a deletion",
            Box::new(move |_| fs::remove_file(&m2).unwrap()),
        ),
        (
            // The menu of every page links the newest year: every page changes.
            "a write-up's year, a year newer than all",
            Box::new(move |_| {
                let t = fs::read_to_string(&m5).unwrap();
                let t: Vec<String> = t
                    .lines()
                    .map(|l| {
                        if l.starts_with("year: ") {
                            "year: 2026".to_string()
                        } else {
                            l.to_string()
                        }
                    })
                    .collect();
                fs::write(&m5, t.join("\n") + "\n").unwrap();
            }),
        ),
        (
            "a body link to another write-up",
            Box::new(move |_| {
                let mut t = fs::read_to_string(&m3).unwrap();
                t.push_str(&format!("\nXem thêm [mô hình bạn]({link}).\n"));
                fs::write(&m3, t).unwrap();
            }),
        ),
        (
            "the linked write-up's title",
            Box::new(move |_| replace_in(&m4, "title: ", "title: Đổi tên ")),
        ),
        (
            "a template",
            Box::new(|site: &Path| {
                replace_in(
                    &site.join("themes/default/templates/model.html"),
                    "<h1>{{ model.title }}</h1>",
                    "<h1 class=\"title\">{{ model.title }}</h1>",
                )
            }),
        ),
        (
            // Cards are rendered only for the pages a build renders: a card's key must
            // take what `card.html` reads of the site, here a count no page template reads.
            "the card template, showing the site's count of write-ups",
            Box::new(|site: &Path| {
                let card = site.join("themes/default/templates/card.html");
                let mut t = fs::read_to_string(&card).unwrap();
                t.push_str("<small class=\"total\">{{ site.total_models }}</small>\n");
                fs::write(&card, t).unwrap();
            }),
        ),
        (
            "a deletion, which changes that count on every card",
            Box::new(move |_| fs::remove_file(&m6).unwrap()),
        ),
        (
            "site.yaml",
            Box::new(|site: &Path| {
                replace_in(
                    &site.join("content/site.yaml"),
                    "title: \"Dân vận khéo\"",
                    "title: \"Dân vận khéo — Sửa\"",
                )
            }),
        ),
        (
            "site.yaml's base_url (another host, the same path)",
            Box::new(|site: &Path| {
                replace_in(
                    &site.join("content/site.yaml"),
                    "https://example.gov.vn/",
                    "https://danvan.example.gov.vn/",
                )
            }),
        ),
    ];
    for (i, (what, edit)) in edits.iter().enumerate() {
        let before = tree(&site.join("public"));
        // A file's modification time to the nanosecond: what a web server's `Last-Modified`
        // and `ETag` and a deploy's comparison go by. (A file edited before may be published
        // as the spare's own copy of it, which has the same bytes and time.)
        let time = |rel: &str| {
            let m = fs::metadata(site.join("public").join(rel)).unwrap();
            (m.mtime(), m.mtime_nsec())
        };
        let times: BTreeMap<String, (i64, i64)> =
            before.keys().map(|k| (k.clone(), time(k))).collect();
        edit(&site);
        let (kept_pages, kept_docs) = build(&site);
        let after = tree(&site.join("public"));

        // The clean build of the same files.
        let clean = dir.path().join(format!("clean-{i}"));
        common::copy_dir(&site.join("content"), &clean.join("content"));
        common::copy_dir(&site.join("themes"), &clean.join("themes"));
        // The photo cache only saves decoding time (its own tests are in crates/photos):
        // without it each clean build of the sample site decodes every photo again.
        common::copy_dir(
            &site.join(".dvk-cache/photos"),
            &clean.join(".dvk-cache/photos"),
        );
        build(&clean);
        let want = tree(&clean.join("public"));
        let diff = differences(&after, &want);
        assert!(diff.is_empty(), "after {what}: {diff:?}");

        // Files with the same bytes as before the edit keep their time.
        let mut kept = 0;
        for (rel, bytes) in &after {
            if before.get(rel) == Some(bytes) && rel != ".dvk-build" {
                assert_eq!(
                    Some(&time(rel)),
                    times.get(rel),
                    "after {what}: {rel} was rewritten"
                );
                kept += 1;
            }
        }
        let changed = after.len() - kept;
        assert!(changed > 0, "after {what}: nothing changed");
        println!(
            "{what}: {changed} of {} files changed, {kept} kept",
            after.len()
        );
        assert!(site.join(".public.dvk-spare").is_dir());
        // Edits of one write-up keep the other write-ups' pages and search documents;
        // the template and site.yaml change every page.
        println!("{what}: {kept_pages} pages and {kept_docs} search documents kept");
        assert!(
            kept_docs > 0,
            "after {what}: no search document carried over"
        );
        if what.contains("title") || what.contains("body") {
            assert!(kept_pages > 0, "after {what}: no page kept");
        }
        if *what == "a template" {
            assert_eq!(kept_pages, 0, "after {what}");
        }
    }
}

/// The caches a build keeps for the next (`.dvk-cache/pages.bin`, `search-index.bin`) are
/// only caches: damaged, cut short, swapped between sites or deleted, and with a page of the
/// output changed by hand, the next build still gives the clean build.
#[test]
fn damaged_caches_and_a_page_changed_by_hand_still_give_the_clean_build() {
    let dir = tempfile::tempdir().unwrap();
    let (site, models) = sample_site(dir.path(), false);
    settle(&site);
    build(&site);
    let cache = site.join(".dvk-cache");
    let (pages, index) = (cache.join("pages.bin"), cache.join("search-index.bin"));
    let content = cache.join("content.bin");
    let open_data = cache.join("open-data.bin");
    assert!(
        pages.is_file() && index.is_file() && open_data.is_file(),
        "a build saves both caches"
    );
    let page = walkdir::WalkDir::new(site.join("public/mo-hinh"))
        .into_iter()
        .flatten()
        .find(|e| e.file_name() == "index.html" && e.depth() == 2)
        .unwrap()
        .into_path();
    type Damage = Box<dyn Fn()>;
    assert!(
        fs::metadata(&content).is_ok_and(|m| m.len() > 1000),
        "a build keeps the write-ups it read"
    );
    let (p, x, pg, c) = (pages.clone(), index.clone(), page.clone(), content.clone());
    let (p2, x2, p3, x3) = (pages.clone(), index.clone(), pages.clone(), index.clone());
    let (c2, c3) = (content.clone(), content.clone());
    let (o, o2, o3) = (open_data.clone(), open_data.clone(), open_data.clone());
    let data = site.join("public/du-lieu/mo-hinh.json");
    let damages: Vec<(&str, Damage)> = vec![
        (
            "one byte of each cache changed",
            Box::new(move || {
                for f in [&p, &x, &c, &o] {
                    let mut b = fs::read(f).unwrap();
                    let at = b.len() / 2;
                    b[at] ^= 0x5a;
                    fs::write(f, b).unwrap();
                }
            }),
        ),
        (
            "both caches cut short",
            Box::new(move || {
                for f in [&p2, &x2, &c2, &o2] {
                    let b = fs::read(f).unwrap();
                    fs::write(f, &b[..b.len() * 2 / 3]).unwrap();
                }
            }),
        ),
        (
            "the caches swapped",
            Box::new(move || {
                let (a, b) = (fs::read(&p3).unwrap(), fs::read(&x3).unwrap());
                fs::write(&p3, b).unwrap();
                fs::write(&x3, &a).unwrap();
                fs::write(&c3, &a).unwrap();
                fs::write(&o3, a).unwrap();
            }),
        ),
        (
            // Its records are copied from the published file by the next build: a record
            // changed by hand there must not be.
            "the open data changed by hand",
            Box::new(move || {
                let t = fs::read_to_string(&data).unwrap();
                let i = t.find("\"title\": \"").unwrap() + 10;
                fs::write(&data, format!("{}Sửa tay {}", &t[..i], &t[i..])).unwrap();
            }),
        ),
        (
            "a page of the output changed by hand",
            Box::new(move || {
                let t = fs::read_to_string(&pg).unwrap();
                fs::write(&pg, t + "<!-- sửa tay -->").unwrap();
            }),
        ),
    ];
    for (i, (what, damage)) in damages.iter().enumerate() {
        // An edit of another write-up each time, so that the build is not skipped.
        let m = &models[i + 1];
        replace_in(m, "title: ", &format!("title: Sửa {i} "));
        settle(&site);
        build(&site);
        damage();
        replace_in(m, "title: ", "title: Lại ");
        build(&site);
        let clean = dir.path().join(format!("clean-{i}"));
        common::copy_dir(&site.join("content"), &clean.join("content"));
        build(&clean);
        let diff = differences(&tree(&site.join("public")), &tree(&clean.join("public")));
        assert!(diff.is_empty(), "after {what}: {diff:?}");
    }
}

/// Only a build keeps caches for the next: `dvk check` writes none.
#[test]
fn a_check_leaves_no_cache() {
    let dir = tempfile::tempdir().unwrap();
    let (site, _) = sample_site(dir.path(), false);
    dvk_ok(&site, &["check"]);
    for f in ["pages.bin", "search-index.bin", "content.bin"] {
        assert!(
            !site.join(".dvk-cache").join(f).exists(),
            "dvk check wrote {f}"
        );
    }
    build(&site);
    for f in ["pages.bin", "search-index.bin"] {
        assert!(
            site.join(".dvk-cache").join(f).is_file(),
            "dvk build did not write {f}"
        );
    }
}

/// A write-up taken from the content cache keeps the warnings found when it was read, and is
/// read again when a photo it names is gone (an error a clean build reports too).
#[test]
fn write_ups_from_the_content_cache_keep_their_warnings_and_see_a_photo_removed() {
    let dir = tempfile::tempdir().unwrap();
    let (site, models) = sample_site(dir.path(), false);
    let m = site.join("content/models/2023/lam-ha/heo-dat.md");
    replace_in(
        &m,
        "caption: \"Chú heo đất và những đồng tiền tiết kiệm của hội viên (tranh minh họa)\", ",
        "",
    );
    settle(&site);
    let warned = |o: &std::process::Output| {
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .filter(|l| {
                l.starts_with("content/models/2023/lam-ha/heo-dat.md:") && l.contains("warning")
            })
            .count()
    };
    let first = dvk_ok(&site, &["build"]);
    assert_eq!(
        warned(&first),
        1,
        "a photo without a caption is warned about"
    );
    // Another write-up edited: this one comes from the cache, with its warning.
    let other = models.iter().find(|p| !p.ends_with("heo-dat.md")).unwrap();
    replace_in(other, "title: ", "title: Sửa ");
    settle(&site);
    let second = dvk_ok(&site, &["build"]);
    assert_eq!(warned(&second), 1, "the warning of a write-up kept");
    // Its photo removed: read again, and the build fails naming the photo.
    fs::remove_file(site.join("content/models/2023/lam-ha/heo-dat.jpg")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dvk"))
        .env("DVK_LANG", "en")
        .arg("build")
        .current_dir(&site)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && err.contains("heo-dat.md") && err.contains("heo-dat.jpg"),
        "{err}"
    );
}

/// A rebuild prepares its output while the content loads: when the content then has an
/// error, the build fails with nothing published, and the spare folder it had begun to use is
/// put down as it was (its marker written back, its files in place), so the next build still
/// rewrites only what changed. A first build that fails leaves no output folders at all.
#[test]
fn a_rebuild_that_fails_on_its_content_puts_its_output_down_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let (site, models) = sample_site(dir.path(), false);
    let broken = |m: &Path| replace_in(m, "year: ", "year: chưa-rõ ");
    let fails = || {
        let out = Command::new(env!("CARGO_BIN_EXE_dvk"))
            .arg("build")
            .current_dir(&site)
            .output()
            .unwrap();
        assert!(!out.status.success(), "a year that is not a number");
    };
    // A first build that fails: no output, no spare, no lock.
    broken(&models[0]);
    fails();
    let made: Vec<String> = fs::read_dir(&site)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("public"))
        .collect();
    assert!(made.is_empty(), "a failed first build left {made:?}");
    replace_in(&models[0], "year: chưa-rõ ", "year: ");
    settle(&site);
    build(&site);
    replace_in(&models[1], "title: ", "title: Sửa ");
    settle(&site);
    build(&site);
    let spare = site.join(".public.dvk-spare");
    let inodes = |dir: &Path| files(dir, |e| e.metadata().unwrap().ino());
    let spare_before = inodes(&spare);
    let published = tree(&site.join("public"));
    assert!(spare.join(".dvk-build").is_file() && spare_before.len() > 20);
    broken(&models[2]);
    fails();
    assert!(tree(&site.join("public")) == published, "nothing published");
    // Its marker is written again; its files stay.
    assert!(spare.join(".dvk-build").is_file(), "the spare's marker");
    let without_marker = |mut m: BTreeMap<String, u64>| {
        m.remove(".dvk-build");
        m
    };
    assert_eq!(
        without_marker(inodes(&spare)),
        without_marker(spare_before.clone()),
        "the spare's files as they were"
    );
    // Mended: the rebuild is the clean build, and the pages the failed build would not
    // have changed are the spare's files, not written again.
    replace_in(&models[2], "year: chưa-rõ ", "year: ");
    settle(&site);
    let (kept, _) = build(&site);
    assert!(kept > 0, "the rebuild kept pages");
    let clean = dir.path().join("clean");
    dvk_ok(&site, &["build", "-o", clean.to_str().unwrap()]);
    let (rebuilt, fresh) = (tree(&site.join("public")), tree(&clean));
    assert!(rebuilt == fresh, "{:?}", differences(&rebuilt, &fresh));
    let now = inodes(&site.join("public"));
    let same = spare_before
        .iter()
        .filter(|(rel, ino)| now.get(*rel) == Some(ino))
        .count();
    assert!(
        same * 2 > spare_before.len(),
        "{same} of {} files of the spare not written again",
        spare_before.len()
    );
}
