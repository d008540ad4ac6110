//! Tests of the output folder and its spare: swaps, failures, kills, tampering, foreign files.

use super::*;

#[test]
fn output_inside_content_or_equal_to_site_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("content")).unwrap();
    for bad in [dir.path().to_path_buf(), dir.path().join("content/public")] {
        let e = Staging::begin(dir.path(), &bad).err().unwrap();
        assert!(matches!(e, OutputError::Refused(_)), "{e}");
    }
}

#[test]
fn unchanged_files_keep_their_inode_and_failed_builds_leave_the_old_output() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("a/index.html", b"one").unwrap();
    s.write("b.txt", b"two").unwrap();
    // The fingerprint made from what was written is the one a walk of the output finds.
    let fp = s.commit().unwrap();
    assert_eq!(fp, crate::fresh::output(&out));
    use std::os::unix::fs::MetadataExt;
    let ino = fs::metadata(out.join("a/index.html")).unwrap().ino();

    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("a/index.html", b"one").unwrap();
    s.write("b.txt", b"changed").unwrap();
    drop(s); // a failed build: nothing changes
    assert_eq!(fs::read(out.join("b.txt")).unwrap(), b"two");

    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("a/index.html", b"one").unwrap();
    s.write("b.txt", b"changed").unwrap();
    // Also with a hard-linked unchanged file.
    let fp = s.commit().unwrap();
    assert_eq!(fp, crate::fresh::output(&out));
    assert_eq!(fs::metadata(out.join("a/index.html")).unwrap().ino(), ino);

    // Nothing changed: the output folder itself is left alone.
    let dir_ino = fs::metadata(&out).unwrap().ino();
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("a/index.html", b"one").unwrap();
    s.write("b.txt", b"changed").unwrap();
    assert_eq!(s.commit().unwrap(), None);
    assert_eq!(fs::metadata(&out).unwrap().ino(), dir_ino);

    // A file no longer built disappears even though every written file is unchanged.
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("a/index.html", b"one").unwrap();
    s.commit().unwrap();
    assert!(!out.join("b.txt").exists());
    assert_eq!(fs::metadata(out.join("a/index.html")).unwrap().ino(), ino);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("staging"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn refused_output_inside_content_creates_no_folder_there() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("content/models")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("content"), dir.path().join("link")).unwrap();
    for bad in ["content/models/new/public", "link/new/public"] {
        let e = Staging::begin(dir.path(), &dir.path().join(bad))
            .err()
            .unwrap();
        assert!(matches!(e, OutputError::Refused(_)), "{bad}: {e}");
    }
    assert!(!dir.path().join("content/models/new").exists());
    assert!(!dir.path().join("content/new").exists());
}

#[test]
fn fallback_publish_leftover_is_removed_by_the_next_build() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = Staging::begin(dir.path(), &out).unwrap();
    let parked = fallback_old_path(&s.staging);
    drop(s);
    fs::create_dir_all(parked.join("old-site")).unwrap();
    let _next = Staging::begin(dir.path(), &out).unwrap();
    assert!(!parked.exists(), "{} was left behind", parked.display());
}

#[test]
fn a_second_build_is_refused_while_the_first_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let _first = Staging::begin(dir.path(), &out).unwrap();
    assert!(matches!(
        Staging::begin(dir.path(), &out),
        Err(OutputError::Locked(_))
    ));
}

#[test]
fn foreign_folders_are_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("precious.txt"), "x").unwrap();
    assert!(matches!(
        Staging::begin(dir.path(), &out),
        Err(OutputError::Refused(_))
    ));
}

#[test]
fn files_dvk_did_not_write_are_carried_over_untouched_and_listed() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("index.html", b"one").unwrap();
    s.write("mo-hinh/a/index.html", b"a").unwrap();
    s.commit().unwrap();
    fs::write(out.join("CNAME"), "danvan.example.vn\n").unwrap();
    fs::create_dir_all(out.join(".git/refs/tags")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref").unwrap();
    fs::write(out.join("mo-hinh/a/note.txt"), "x").unwrap();
    let ino = fs::metadata(out.join("CNAME")).unwrap().ino();

    // Nothing dvk writes changed: the output is left as it is, extra files included.
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("index.html", b"one").unwrap();
    s.write("mo-hinh/a/index.html", b"a").unwrap();
    assert_eq!(s.publish().unwrap().fingerprint, None);

    // A change: a new output is swapped in, carrying the extra files.
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("index.html", b"two").unwrap();
    let p = s.publish().unwrap();
    assert_eq!(p.fingerprint, crate::fresh::output(&out));
    assert_eq!(p.carried, vec![".git/", "CNAME", "mo-hinh/a/note.txt"]);
    assert_eq!(fs::metadata(out.join("CNAME")).unwrap().ino(), ino);
    assert_eq!(fs::read_to_string(out.join(".git/HEAD")).unwrap(), "ref");
    assert!(out.join(".git/refs/tags").is_dir());
    assert!(out.join("mo-hinh/a/note.txt").exists());
    // The page dvk no longer writes is gone; its folder stays for the note.
    assert!(!out.join("mo-hinh/a/index.html").exists());

    // A new file of dvk's at the path of one it did not write: refused, nothing changes.
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("index.html", b"three").unwrap();
    s.write("CNAME", b"other").unwrap();
    let e = s.publish().unwrap_err();
    assert!(e.to_string().contains("CNAME"), "{e}");
    assert_eq!(fs::read(out.join("index.html")).unwrap(), b"two");
    assert_eq!(
        fs::read_to_string(out.join("CNAME")).unwrap(),
        "danvan.example.vn\n"
    );
}

#[test]
fn a_github_pages_checkout_is_accepted_as_the_output_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    fs::create_dir_all(out.join(".git")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref").unwrap();
    fs::write(out.join("CNAME"), "x.example\n").unwrap();
    let s = Staging::begin(dir.path(), &out).unwrap();
    s.write("index.html", b"one").unwrap();
    let p = s.publish().unwrap();
    assert_eq!(p.carried, vec![".git/", "CNAME"]);
    assert!(out.join(".git/HEAD").exists() && out.join("index.html").exists());
}

/// Every file under `dir` with its bytes, but the marker.
fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .filter(|(rel, _)| rel != MARKER)
        .collect()
}

#[test]
fn random_builds_with_failures_and_tampering_always_publish_exactly_what_was_built() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let spare = dir.path().join(".public.dvk-spare");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut rnd = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut published: std::collections::BTreeMap<String, Vec<u8>> = Default::default();
    let mut seen = [0; 4];
    for round in 0..60 {
        // A site of up to 12 files in up to 4 folders, with a few versions of each.
        let mut want = std::collections::BTreeMap::new();
        for f in 0..12 {
            if rnd(4) > 0 {
                let rel = if f % 3 == 0 {
                    format!("f{f}.html")
                } else {
                    format!("d{}/f{f}/index.html", f % 4)
                };
                want.insert(rel, format!("v{} of {f}", rnd(3)).into_bytes());
            }
        }
        if rnd(4) == 0 && !published.is_empty() {
            // Someone deletes a file of the published site between two builds of the
            // same files.
            want = published.clone();
            if let Some(e) = walkdir::WalkDir::new(&out)
                .into_iter()
                .flatten()
                .find(|e| e.file_type().is_file() && e.file_name() != MARKER)
            {
                fs::remove_file(e.path()).unwrap();
                published = tree(&out);
            }
        }
        let s = Staging::begin(dir.path(), &out).unwrap();
        for (i, (rel, bytes)) in want.iter().enumerate() {
            if i % 2 == 0 {
                s.write(rel, bytes).unwrap();
            } else {
                s.write_stream(rel, &mut |w| io::Write::write_all(w, bytes))
                    .unwrap();
            }
        }
        match rnd(6) {
            0 => {
                seen[0] += 1;
                drop(s); // a failed build: the output stays as it was
                assert_eq!(tree(&out), published, "round {round}: failed build");
                continue;
            }
            1 if spare.is_dir() => {
                // Something changes a file of the spare in place (a hard link shares it).
                seen[1] += 1;
                drop(s);
                if let Some(e) = walkdir::WalkDir::new(&spare)
                    .into_iter()
                    .flatten()
                    .find(|e| e.file_type().is_file() && e.file_name() != MARKER)
                {
                    fs::write(e.path(), b"tampered, longer than any version").unwrap();
                }
                published = tree(&out);
                continue;
            }
            2 if spare.is_dir() => {
                // Killed while bringing the spare up to date: no marker.
                seen[2] += 1;
                std::mem::forget(s);
                let _ = fs::remove_file(spare.join(MARKER));
                let lock = dir.path().join(".public.dvk-lock");
                let _ = fs::remove_file(lock);
                continue;
            }
            _ => {}
        }
        seen[3] += 1;
        s.commit().unwrap();
        published = want.clone();
        assert_eq!(tree(&out), want, "round {round}");
        let left: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("staging") || n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "round {round}: left {left:?}");
    }
    assert!(seen.iter().all(|&n| n > 2), "every case ran: {seen:?}");
}

#[test]
fn an_edit_writes_only_its_file_and_a_removed_extra_file_stays_removed() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let build = |files: &[(&str, &str)]| {
        let s = Staging::begin(dir.path(), &out).unwrap();
        for (rel, bytes) in files {
            s.write(rel, bytes.as_bytes()).unwrap();
        }
        s.commit().unwrap();
    };
    let site = [("a/index.html", "a"), ("b/index.html", "b"), ("c.css", "c")];
    build(&site);
    build(&[("a/index.html", "a2"), site[1], site[2]]);
    fs::write(out.join("extra.txt"), "an editor's file").unwrap();
    build(&[("a/index.html", "a3"), site[1], site[2]]);
    assert!(out.join("extra.txt").exists(), "carried over");
    let inode = |rel: &str| fs::metadata(out.join(rel)).unwrap().ino();
    let (b, c) = (inode("b/index.html"), inode("c.css"));
    fs::remove_file(out.join("extra.txt")).unwrap();
    build(&[("a/index.html", "a4"), site[1], site[2]]);
    build(&[("a/index.html", "a5"), site[1], site[2]]);
    // Unchanged files are the same files (never rewritten), the edited one is new.
    assert_eq!((inode("b/index.html"), inode("c.css")), (b, c));
    assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "a5");
    assert!(
        !out.join("extra.txt").exists(),
        "a removed extra file came back"
    );
    // The spare was brought up to date right after the swap: it holds the output's files,
    // linked where they are unchanged; the edited one is the spare's own copy, written over.
    let spare = dir.path().join(".public.dvk-spare");
    let spare_inode = |rel: &str| fs::metadata(spare.join(rel)).unwrap().ino();
    assert_eq!(
        fs::read_to_string(spare.join("a/index.html")).unwrap(),
        "a5"
    );
    assert_ne!(spare_inode("a/index.html"), inode("a/index.html"));
    assert_eq!(spare_inode("b/index.html"), b);
    assert!(!spare.join("extra.txt").exists());
    let mut copies = [inode("a/index.html"), spare_inode("a/index.html")];
    // Going back to the build before: the edited file's two copies are written over and
    // trade places (no new file), the others untouched.
    build(&[("a/index.html", "a4"), site[1], site[2]]);
    assert_eq!(fs::read_to_string(out.join("a/index.html")).unwrap(), "a4");
    assert_eq!(
        fs::read_to_string(spare.join("a/index.html")).unwrap(),
        "a4"
    );
    let mut now = [inode("a/index.html"), spare_inode("a/index.html")];
    copies.sort_unstable();
    now.sort_unstable();
    assert_eq!(now, copies);
    assert_eq!((inode("b/index.html"), inode("c.css")), (b, c));
}

#[test]
fn the_same_file_written_by_many_threads_at_once_is_placed_once() {
    use rayon::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    for round in 0..4 {
        let s = Staging::begin(dir.path(), &out).unwrap();
        let bytes = format!("photo {}", round / 2);
        (0..64)
            .into_par_iter()
            .try_for_each(|_| s.write("anh/abc-og.jpg", bytes.as_bytes()))
            .unwrap();
        s.write("index.html", b"home").unwrap();
        s.commit().unwrap();
        assert_eq!(
            fs::read_to_string(out.join("anh/abc-og.jpg")).unwrap(),
            bytes
        );
        let marker = fs::read_to_string(out.join(MARKER)).unwrap();
        assert_eq!(marker.matches("abc-og.jpg").count(), 1, "{marker}");
    }
}

#[test]
fn a_page_replaced_by_hand_in_the_output_is_put_back_when_nothing_else_changed() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let build = || {
        let s = Staging::begin(dir.path(), &out).unwrap();
        s.write("a/index.html", b"a").unwrap();
        s.write("b.css", b"b").unwrap();
        s.commit().unwrap();
    };
    build();
    build();
    // Replaced as an editor's program saves: a new file renamed over the old one, so the
    // spare's file (a link to the old one) still holds the right bytes.
    let page = out.join("a/index.html");
    fs::write(out.join("a/new"), "changed by hand").unwrap();
    fs::rename(out.join("a/new"), &page).unwrap();
    build();
    assert_eq!(fs::read_to_string(&page).unwrap(), "a");
    // Changed in place (the same file in both folders): also put back.
    fs::write(&page, "changed in place").unwrap();
    build();
    assert_eq!(fs::read_to_string(&page).unwrap(), "a");
}

#[test]
fn of_a_path_placed_twice_only_the_last_placing_is_kept_where_it_was_made() {
    let placed = |rel: &str, len: u64| Placed {
        rel: rel.to_string(),
        entry: Entry {
            len,
            hash: len,
            stamp: Stamp::Dir,
        },
        unchanged: false,
        touched: true,
    };
    let once = last_of_each(vec![placed("a", 1), placed("b", 2)]);
    assert_eq!(
        once.iter()
            .map(|p| (p.rel.as_str(), p.entry.len))
            .collect::<Vec<_>>(),
        [("a", 1), ("b", 2)]
    );
    let twice = last_of_each(vec![
        placed("a", 1),
        placed("b", 2),
        placed("a", 3),
        placed("c", 4),
    ]);
    assert_eq!(
        twice
            .iter()
            .map(|p| (p.rel.as_str(), p.entry.len))
            .collect::<Vec<_>>(),
        [("b", 2), ("a", 3), ("c", 4)]
    );
}
