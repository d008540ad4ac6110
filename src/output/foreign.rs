//! Files an output folder holds that dvk did not write (a `CNAME`, a `.git/` of a GitHub
//! Pages checkout, a note an editor put there): found, carried into the next output
//! untouched, and named in the build's report.

use super::disk::same_file_contents;
use super::manifest::{folder_id, FolderId, Manifest, PathMap};
use super::MARKER;
use crate::fresh::Stamp;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What kind of entry dvk did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) enum Foreign {
    File,
    Link,
    /// An empty folder.
    Folder,
}

/// One entry dvk did not write, relative to its output folder.
#[derive(Debug, Clone)]
pub(super) struct ForeignEntry {
    pub rel: PathBuf,
    pub kind: Foreign,
}

impl ForeignEntry {
    /// The entry as the marker lists it: `/` separators, a folder with a trailing `/`.
    pub fn listed(&self) -> String {
        let t = self.rel.to_string_lossy().replace('\\', "/");
        match self.kind {
            Foreign::Folder => format!("{t}/"),
            _ => t,
        }
    }
}

/// What a walk of an output folder saw, kept ([`Looks`]) for the next walk of the same folder: each folder with its stamp, and the entries dvk did not write. A folder whose
/// stamp is unchanged still holds the same names (adding, removing or renaming an entry
/// changes a folder's change time), so the next walk takes its entries from here instead of
/// reading it again: after an edit it reads only the folders the last builds changed.
#[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(super) struct Walked {
    /// Every folder, `""` for the top, `/` separators; `None` when its names are not to be
    /// trusted next time (changed within [`crate::fresh::RACY_WINDOW`] of the walk, or holding
    /// a name the record cannot hold).
    pub(super) folders: PathMap<Option<FolderStamp>>,
    /// The entries dvk did not write, as the walk found them.
    pub(super) foreign: Vec<(String, Foreign)>,
}

/// What the last walks of an output folder and of its spare saw ([`Walked`]), each under its
/// folder's identity (device, inode), which stays with it when the two are swapped: kept in
/// a file beside them (`.public.dvk-folders`), read and written only when a build publishes.
#[derive(Default)]
pub(super) struct Looks(HashMap<FolderId, Walked>);

impl Looks {
    /// Reads the file at `path`; empty when there is none, or it is damaged or of another
    /// format (then every folder is read).
    pub(super) fn read(path: &Path) -> Looks {
        let Ok(bytes) = fs::read(path) else {
            return Looks::default();
        };
        match crate::fresh::checked(&bytes).map(bincode::deserialize::<Vec<(FolderId, Walked)>>) {
            Some(Ok(all)) => Looks(all.into_iter().collect()),
            _ => Looks::default(),
        }
    }

    /// What the last walk of folder `dir` saw, taken out.
    pub(super) fn take(&mut self, dir: &Path) -> Option<Walked> {
        self.0.remove(&folder_id(dir)?)
    }

    /// Writes what the walks of the folders given saw (a new file renamed over the old).
    pub(super) fn write(path: &Path, folders: &[(&Path, Option<&Walked>)]) -> io::Result<()> {
        let all: Vec<(FolderId, &Walked)> = folders
            .iter()
            .filter_map(|(dir, w)| Some((folder_id(dir)?, (*w)?)))
            .collect();
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        crate::fresh::save_checked(path, &tmp, &mut |w| {
            bincode::serialize_into(w, &all).map_err(io::Error::other)
        })
    }
}

/// What says a folder's names are unchanged: its change and modification times and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct FolderStamp {
    pub(super) ctime: i64,
    pub(super) ctime_nsec: i64,
    pub(super) mtime: i64,
    pub(super) mtime_nsec: i64,
    pub(super) ino: u64,
}

impl FolderStamp {
    /// The stamp of a folder with metadata `meta`, when it is older than the racy window
    /// before `now` (seconds since the epoch). Without Unix metadata there is none: every
    /// folder is read.
    fn of(meta: &fs::Metadata, now: i64) -> Option<FolderStamp> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let racy = crate::fresh::RACY_WINDOW.as_secs() as i64;
            (meta.ctime() + racy < now && meta.mtime() + racy < now).then(|| FolderStamp {
                ctime: meta.ctime(),
                ctime_nsec: meta.ctime_nsec(),
                mtime: meta.mtime(),
                mtime_nsec: meta.mtime_nsec(),
                ino: meta.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = (meta, now);
            None
        }
    }
}

/// [`Walked`] indexed by folder: which subfolders and foreign entries each trusted folder
/// holds.
struct Before<'a> {
    folders: &'a PathMap<Option<FolderStamp>>,
    /// Names below each folder: subfolders (`None`) and foreign files and links.
    names: HashMap<&'a str, Vec<(&'a str, Option<Foreign>)>>,
    /// Folders recorded as empty.
    empty: HashSet<&'a str>,
}

impl<'a> Before<'a> {
    fn new(w: &'a Walked) -> Before<'a> {
        let mut names: HashMap<&str, Vec<(&str, Option<Foreign>)>> = HashMap::new();
        for rel in w.folders.keys().filter(|r| !r.is_empty()) {
            let (up, name) = split_parent(rel);
            names.entry(up).or_default().push((name, None));
        }
        let mut empty = HashSet::new();
        for (rel, kind) in &w.foreign {
            if *kind == Foreign::Folder {
                empty.insert(rel.as_str());
            } else {
                let (up, name) = split_parent(rel);
                names.entry(up).or_default().push((name, Some(*kind)));
            }
        }
        for v in names.values_mut() {
            v.sort_unstable_by(|a, b| a.0.cmp(b.0));
        }
        Before {
            folders: &w.folders,
            names,
            empty,
        }
    }
}

fn split_parent(rel: &str) -> (&str, &str) {
    rel.rsplit_once('/').unwrap_or(("", rel))
}

/// Entries of the previous output `prev` that dvk did not write: files and links not in
/// `manifest`, and empty folders. Without a list (an output of an older dvk), the entries
/// under a top-level name starting with `.` and a top-level `CNAME`: what a GitHub Pages
/// checkout holds. `before` is what the last walk of this folder saw: the folders whose
/// stamps are unchanged are not read again. Also returns what this walk saw.
pub(super) fn entries(
    prev: &Path,
    manifest: Option<&Manifest>,
    before: Option<&Walked>,
) -> (Vec<ForeignEntry>, Walked) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (found, seen, _) = entries_at(prev, manifest, before, now);
    (found, seen)
}

/// [`entries`] at time `now` (seconds since the epoch), which says which folders are too
/// recently changed to be trusted next time; also how many folders were read.
fn entries_at(
    prev: &Path,
    manifest: Option<&Manifest>,
    before: Option<&Walked>,
    now: i64,
) -> (Vec<ForeignEntry>, Walked, usize) {
    let before = before.map(Before::new);
    let walk = Walk {
        before: before.as_ref(),
        now,
        read: AtomicUsize::new(0),
    };
    let mut walked = Vec::new();
    let mut folders = Vec::new();
    walk.folder(prev, PathBuf::new(), &mut walked, &mut folders);
    let mut out = Vec::new();
    let mut seen = Walked {
        folders: folders.into_iter().collect(),
        foreign: Vec::new(),
    };
    for (rel, kind) in walked {
        let text = rel.to_str();
        if text == Some(MARKER) {
            continue;
        }
        let ours = match (manifest, text) {
            (_, None) => false,
            (Some(m), Some(t)) => m.files.contains_key(t),
            (None, Some(t)) => {
                let first = t.split('/').next().unwrap_or("");
                !(first.starts_with('.') || first == "CNAME")
            }
        };
        if !ours {
            // A name that is not UTF-8 is in a folder read every time: no need to record it.
            if let Some(t) = text {
                seen.foreign.push((t.to_string(), kind));
            }
            out.push(ForeignEntry { rel, kind });
        }
    }
    (out, seen, walk.read.into_inner())
}

/// One walk of an output folder.
struct Walk<'a> {
    before: Option<&'a Before<'a>>,
    now: i64,
    /// Folders read.
    read: AtomicUsize,
}

impl Walk<'_> {
    /// Every file and link below `dir` (whose path relative to the output is `rel`), and
    /// every empty folder, in name order with a folder's entries after it (as a sorted walk
    /// gives them), into `out`; each folder with its stamp into `folders` (a folder whose
    /// path is not UTF-8 is not recorded: the folder holding it is read every time).
    /// Subfolders are walked in parallel. A folder that cannot be read is left out, with
    /// what it holds. Returns whether `dir` is empty.
    fn folder(
        &self,
        dir: &Path,
        rel: PathBuf,
        out: &mut Vec<(PathBuf, Foreign)>,
        folders: &mut Vec<(String, Option<FolderStamp>)>,
    ) -> bool {
        use rayon::prelude::*;
        let Ok(meta) = fs::symlink_metadata(dir) else {
            return false;
        };
        let stamp = FolderStamp::of(&meta, self.now);
        let key = rel.to_str();
        let known = self
            .before
            .zip(key)
            .filter(|(b, key)| stamp.is_some() && b.folders.get(*key).is_some_and(|s| *s == stamp));
        let (names, empty, trusted): (Vec<(PathBuf, Option<Foreign>)>, bool, bool) = match known {
            Some((b, key)) => (
                b.names
                    .get(key)
                    .map(|v| v.iter().map(|(n, k)| (rel.join(n), *k)).collect())
                    .unwrap_or_default(),
                b.empty.contains(key),
                true,
            ),
            None => {
                let Ok(read) = fs::read_dir(dir) else {
                    return false;
                };
                self.read.fetch_add(1, Ordering::Relaxed);
                let mut all: Vec<(std::ffi::OsString, fs::FileType)> = read
                    .flatten()
                    .filter_map(|e| Some((e.file_name(), e.file_type().ok()?)))
                    .collect();
                all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
                // A name the record cannot hold: the folder is read every time.
                let trusted = all
                    .iter()
                    .all(|(name, _)| name.to_str().is_some_and(|n| !n.contains('\n')));
                let names = all
                    .iter()
                    .map(|(name, t)| {
                        let kind = if t.is_dir() {
                            None
                        } else if t.is_symlink() {
                            Some(Foreign::Link)
                        } else {
                            Some(Foreign::File)
                        };
                        (rel.join(name), kind)
                    })
                    .collect();
                (names, all.is_empty(), trusted)
            }
        };
        if let Some(key) = key {
            folders.push((key.to_string(), if trusted { stamp } else { None }));
        }
        // Each subfolder's own list, read in parallel, then put in order.
        type Below = (Vec<(PathBuf, Foreign)>, Vec<(String, Option<FolderStamp>)>);
        let subs: Vec<Below> = names
            .into_par_iter()
            .map(|(rel, kind)| match kind {
                None => {
                    let mut below = Vec::new();
                    let mut seen = Vec::new();
                    let path = dir.join(rel.file_name().unwrap_or_default());
                    if self.folder(&path, rel.clone(), &mut below, &mut seen) {
                        below.push((rel, Foreign::Folder));
                    }
                    (below, seen)
                }
                Some(k) => (vec![(rel, k)], Vec::new()),
            })
            .collect();
        for (below, seen) in subs {
            out.extend(below);
            folders.extend(seen);
        }
        empty
    }
}

/// Brings the entries dvk did not write from `prev` into `work`: files hard-linked (kept
/// when `work` already holds the same file), links copied as links, empty folders made.
/// `written` holds the paths dvk writes in the new output: one of them at the path of a
/// foreign file with other bytes is a clash, and the error names every clash. Entries carried
/// into `work` by an earlier build (`before`, as its marker listed them) that `prev` no
/// longer has are removed. Returns each carried entry's path and stamp.
pub(super) fn carry(
    prev: &Path,
    work: &Path,
    foreign: &[ForeignEntry],
    before: &[String],
    written: &super::manifest::PathSet,
) -> io::Result<Vec<(String, Stamp)>> {
    let now: HashSet<String> = foreign.iter().map(ForeignEntry::listed).collect();
    for old in before.iter().filter(|b| !now.contains(*b)) {
        if written.contains(old.as_str()) {
            continue;
        }
        let path = work.join(old.trim_end_matches('/'));
        match fs::symlink_metadata(&path) {
            Ok(m) if m.is_dir() => {
                let _ = fs::remove_dir(&path);
            }
            Ok(_) => {
                let _ = fs::remove_file(&path);
            }
            Err(_) => {}
        }
    }
    let mut clashes = Vec::new();
    let mut stamps = Vec::new();
    for f in foreign {
        let from = prev.join(&f.rel);
        let target = work.join(&f.rel);
        let rel_text = f.rel.to_string_lossy().replace('\\', "/");
        match f.kind {
            Foreign::Folder => {
                fs::create_dir_all(&target)?;
                stamps.push((format!("{rel_text}/"), Stamp::Dir));
                continue;
            }
            _ if written.contains(rel_text.as_str()) => {
                // dvk wrote the same path: fine when the bytes are the same.
                if !same_file_contents(&from, &target) {
                    clashes.push(rel_text);
                }
                continue;
            }
            Foreign::File => {
                let same = match (fs::symlink_metadata(&from), fs::symlink_metadata(&target)) {
                    (Ok(a), Ok(b)) => b.is_file() && Stamp::of(&a) == Stamp::of(&b),
                    _ => false,
                };
                if !same {
                    super::clear(&target)?;
                    super::ensure_parent(work, &target)?;
                    fs::hard_link(&from, &target)
                        .or_else(|_| fs::copy(&from, &target).map(|_| ()))?;
                }
            }
            Foreign::Link => {
                let to = fs::read_link(&from)?;
                if fs::read_link(&target).ok().as_ref() != Some(&to) {
                    super::clear(&target)?;
                    super::ensure_parent(work, &target)?;
                    #[cfg(unix)]
                    std::os::unix::fs::symlink(&to, &target)?;
                    // Without links: the file it points to.
                    #[cfg(not(unix))]
                    fs::copy(&from, &target)?;
                }
            }
        }
        if let Ok(meta) = fs::metadata(&target) {
            stamps.push((rel_text, Stamp::of(&meta)));
        }
    }
    if !clashes.is_empty() {
        return Err(io::Error::other(crate::msg!(
            "output.clash",
            files = clashes.join(", ")
        )));
    }
    Ok(stamps)
}

/// The carried entries for a report: a top-level folder that holds no file of dvk's is
/// named once (`.git/`), other entries one by one.
pub(super) fn summarise(foreign: &[ForeignEntry], manifest: Option<&Manifest>) -> Vec<String> {
    let ours_top: HashSet<&str> = manifest
        .map(|m| {
            m.files
                .keys()
                .filter_map(|f| f.split_once('/').map(|(d, _)| d))
                .collect()
        })
        .unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for f in foreign {
        let text = f.rel.to_string_lossy().replace('\\', "/");
        let shown = match text.split_once('/') {
            Some((top, _)) if !ours_top.contains(top) => format!("{top}/"),
            _ => text,
        };
        if out.last() != Some(&shown) {
            out.push(shown);
        }
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn now() -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64
    }

    fn listed(found: &[ForeignEntry]) -> Vec<String> {
        found.iter().map(ForeignEntry::listed).collect()
    }

    #[test]
    fn a_walk_reads_again_only_the_folders_changed_since_the_last_and_finds_the_same_entries() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let mut manifest = Manifest::default();
        for i in 0..30 {
            let rel = format!("m/a{i}/index.html");
            fs::create_dir_all(out.join(format!("m/a{i}"))).unwrap();
            fs::write(out.join(&rel), "x").unwrap();
            manifest.files.insert(rel, None);
        }
        fs::create_dir_all(out.join(".git/objects")).unwrap();
        fs::write(out.join(".git/HEAD"), "ref").unwrap();
        fs::write(out.join("CNAME"), "example.org").unwrap();
        fs::create_dir_all(out.join("e")).unwrap();
        // Ten seconds on, nothing is recent: every folder's stamp is kept.
        let later = now() + 10;
        let (first, seen, read) = entries_at(out, Some(&manifest), None, later);
        assert_eq!(read, seen.folders.len());
        assert!(seen.folders.values().all(Option::is_some));
        assert_eq!(
            listed(&first),
            [".git/HEAD", ".git/objects/", "CNAME", "e/"]
        );
        // Nothing changed: no folder is read, the same entries are found.
        let (again, seen2, read) = entries_at(out, Some(&manifest), Some(&seen), later);
        assert_eq!((listed(&again), read), (listed(&first), 0));
        assert_eq!(seen2, seen);
        // An editor adds files deep down, removes a folder, adds a link and an empty folder.
        fs::write(out.join("m/a5/notes.txt"), "n").unwrap();
        fs::remove_file(out.join("m/a7/index.html")).unwrap();
        fs::remove_dir(out.join("m/a7")).unwrap();
        fs::create_dir_all(out.join("m/a3/x")).unwrap();
        std::os::unix::fs::symlink("../a1", out.join("m/a9/link")).unwrap();
        fs::write(out.join(".git/objects/ab"), "o").unwrap();
        fs::write(out.join("e/now-full"), "f").unwrap();
        let (pruned, seen3, read) = entries_at(out, Some(&manifest), Some(&seen), later + 10);
        let (full, seen_full, read_full) = entries_at(out, Some(&manifest), None, later + 10);
        assert_eq!(listed(&pruned), listed(&full));
        assert_eq!(seen3, seen_full);
        assert_eq!(
            listed(&pruned),
            [
                ".git/HEAD",
                ".git/objects/ab",
                "CNAME",
                "e/now-full",
                "m/a3/x/",
                "m/a5/notes.txt",
                "m/a9/link",
            ]
        );
        assert_eq!(
            pruned
                .iter()
                .find(|f| f.rel.ends_with("link"))
                .unwrap()
                .kind,
            Foreign::Link
        );
        // Read: m (a7 gone), a3, a3/x, a5, a9, .git/objects, e; not the top, .git or the
        // other 25 model folders.
        assert_eq!((read, read_full), (7, seen_full.folders.len()));
    }

    #[test]
    fn looks_follow_their_folder_through_a_swap_and_a_damaged_file_gives_none() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("public"), dir.path().join("spare"));
        fs::create_dir_all(a.join("x")).unwrap();
        fs::create_dir_all(&b).unwrap();
        let later = now() + 10;
        let nothing_ours = Manifest::default();
        let (_, seen_a, _) = entries_at(&a, Some(&nothing_ours), None, later);
        let (_, seen_b, _) = entries_at(&b, Some(&nothing_ours), None, later);
        assert_ne!(seen_a, seen_b);
        let file = dir.path().join("looks");
        Looks::write(&file, &[(&a, Some(&seen_a)), (&b, Some(&seen_b))]).unwrap();
        // The two folders swap names, as a build's publish does.
        let t = dir.path().join("t");
        fs::rename(&a, &t).unwrap();
        fs::rename(&b, &a).unwrap();
        fs::rename(&t, &b).unwrap();
        let mut looks = Looks::read(&file);
        assert_eq!(looks.take(&b), Some(seen_a));
        assert_eq!(looks.take(&a), Some(seen_b));
        assert_eq!(looks.take(&a), None);
        let mut bytes = fs::read(&file).unwrap();
        let at = bytes.len() / 2;
        bytes[at] ^= 0x5a;
        fs::write(&file, bytes).unwrap();
        assert_eq!(Looks::read(&file).take(&b), None);
    }

    #[test]
    fn a_name_that_is_not_utf8_is_found_at_its_own_path_and_its_folder_is_always_read() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        fs::create_dir_all(dir.path().join("x/y")).unwrap();
        if fs::write(dir.path().join("x").join(name), "c").is_err() {
            return; // a file system that takes UTF-8 names only
        }
        let nothing_ours = Manifest::default();
        let later = now() + 10;
        let (found, seen, _) = entries_at(dir.path(), Some(&nothing_ours), None, later);
        let odd = found
            .iter()
            .find(|f| f.rel.starts_with("x") && f.kind == Foreign::File);
        assert!(odd.is_some_and(|f| dir.path().join(&f.rel).is_file()));
        assert_eq!(seen.folders.get("x"), Some(&None));
        assert!(seen.folders.get("x/y").is_some_and(Option::is_some));
        let (again, _, read) = entries_at(dir.path(), Some(&nothing_ours), Some(&seen), later);
        assert_eq!(listed(&again), listed(&found));
        assert_eq!(read, 1, "x read again, the top and x/y trusted");
    }

    #[test]
    fn folders_changed_just_before_a_walk_are_read_again_by_the_next() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("a/b")).unwrap();
        fs::write(dir.path().join("a/b/f"), "x").unwrap();
        // Changed within the racy window of the walk: not trusted.
        let nothing_ours = Manifest::default();
        let (_, seen, _) = entries_at(dir.path(), Some(&nothing_ours), None, now());
        assert!(seen.folders.values().all(Option::is_none));
        // A file added right after that walk, in the same clock tick, is still found.
        fs::write(dir.path().join("a/b/g"), "y").unwrap();
        let (found, _, read) = entries_at(dir.path(), Some(&nothing_ours), Some(&seen), now());
        assert_eq!(read, 3);
        assert_eq!(listed(&found), ["a/b/f", "a/b/g"]);
    }
}
