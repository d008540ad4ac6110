//! The marker file at the root of every output folder dvk made ([`MARKER`]): it says the
//! folder is dvk's, lists each file dvk wrote with its size and content hash, and lists what
//! was carried over from the folder's earlier state (files dvk did not write). Its text
//! depends only on the files, so two builds of the same site are byte-identical, marker
//! included.
//!
//! The list lets the next build tell dvk's files from an editor's (`CNAME`, `.git/`), and
//! tells which files of a folder already hold the bytes a build wants, without reading them:
//! an entry is trusted only while the file's stamp (size, inode, modification time) is the
//! one recorded when it was written, as git's index does. The stamps are kept beside the
//! output folder, not in it ([`Stamps`]).

use crate::fresh::Stamp;
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Marker file that says a folder was made by dvk (so it may be replaced).
pub const MARKER: &str = ".dvk-build";

/// The first line of every marker.
const HEAD: &str = "built by dvk\n";
/// The second line of a marker of dvk before hashes were recorded: a plain list follows.
const LIST_V1: &str = "files written by dvk (any other file here is kept):\n";
/// The second line of a marker with hashes and stamps.
const LIST_V2: &str = "v2: files written by dvk (F size hash path), kept files (C path):\n";

/// What the marker records of one file dvk wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// Size in bytes.
    pub len: u64,
    /// xxh3 hash of the bytes.
    pub hash: u64,
    /// The file's stamp when it was recorded.
    pub stamp: Stamp,
}

impl Entry {
    /// True when the file at `path` still is the recorded one (same stamp).
    pub fn still_at(&self, path: &Path) -> bool {
        fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && Stamp::of(&m) == self.stamp)
    }

    /// True when `self` and `other` hold the same bytes.
    pub fn same_bytes(&self, other: &Entry) -> bool {
        self.len == other.len && self.hash == other.hash
    }
}

/// The hash recorded for `bytes`.
pub fn hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A map keyed by paths: hashed with xxh3, not the standard library's SipHash (which took a
/// fifth of the time of keeping an unchanged page: three lookups per file of the output).
pub type PathMap<V> = HashMap<String, V, std::hash::BuildHasherDefault<PathHasher>>;

/// A set of borrowed paths, hashed as [`PathMap`]'s keys.
pub type PathSet<'a> =
    std::collections::HashSet<&'a str, std::hash::BuildHasherDefault<PathHasher>>;

/// The hasher of [`PathMap`].
#[derive(Default)]
pub struct PathHasher(u64);

impl std::hash::Hasher for PathHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0 = xxhash_rust::xxh3::xxh3_64_with_seed(bytes, self.0);
    }
    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A folder's marker, read.
#[derive(Debug, Default)]
pub struct Manifest {
    /// dvk's files with their entries; `None` for a marker that lists names only (older dvk).
    pub files: PathMap<Option<Entry>>,
    /// What was carried over into the folder (files, links and empty folders dvk did not write).
    pub carried: Vec<String>,
}

impl Manifest {
    /// Reads the marker of folder `dir`, with the stamps `stamps` has for it; None without a
    /// marker or with one that lists nothing.
    pub fn read(dir: &Path, stamps: &Stamps) -> Option<Manifest> {
        let stamps = stamps.of(dir);
        let text = fs::read_to_string(dir.join(MARKER)).ok()?;
        let rest = text.strip_prefix(HEAD)?;
        let mut m = Manifest::default();
        if let Some(list) = rest.strip_prefix(LIST_V1) {
            m.files = list
                .lines()
                .filter(|l| !l.is_empty())
                .map(|l| (l.to_string(), None))
                .collect();
            return Some(m);
        }
        let list = rest.strip_prefix(LIST_V2)?;
        for line in list.lines() {
            if let Some(path) = line.strip_prefix("C ") {
                m.carried.push(path.to_string());
            } else if let Some(rest) = line.strip_prefix("F ") {
                let mut parts = rest.splitn(3, ' ');
                let len = parts.next()?.parse().ok()?;
                let hash = u64::from_str_radix(parts.next()?, 16).ok()?;
                let path = parts.next()?;
                // Without a stamp the entry is never trusted (a folder's stamp is no file's).
                let stamp = stamps
                    .and_then(|s| s.get(path))
                    .copied()
                    .unwrap_or(Stamp::Dir);
                m.files
                    .insert(path.to_string(), Some(Entry { len, hash, stamp }));
            }
        }
        Some(m)
    }

    /// The entry of `rel`, when the marker has one with a hash.
    pub fn entry(&self, rel: &str) -> Option<&Entry> {
        self.files.get(rel).and_then(Option::as_ref)
    }
}

/// The text of a marker listing `files` (dvk's, with entries) and `carried`.
pub fn text<'a>(
    files: impl Iterator<Item = (&'a str, &'a Entry)>,
    carried: impl Iterator<Item = &'a str>,
) -> String {
    use std::fmt::Write as _;
    let mut files: Vec<(&str, &Entry)> = files.filter(|(rel, _)| *rel != MARKER).collect();
    files.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let mut out = String::with_capacity(64 + files.iter().map(|f| f.0.len() + 40).sum::<usize>());
    out.push_str(HEAD);
    out.push_str(LIST_V2);
    for (rel, e) in files {
        let _ = writeln!(out, "F {} {:016x} {rel}", e.len, e.hash);
    }
    for c in carried {
        out.push_str("C ");
        out.push_str(c);
        out.push('\n');
    }
    out
}

/// Which folder: its device and inode, which stay with it when folders are swapped.
pub(super) type FolderId = (u64, u64);

pub(super) fn folder_id(dir: &Path) -> Option<FolderId> {
    let m = fs::metadata(dir).ok()?;
    if !m.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((m.dev(), m.ino()))
    }
    // Without inodes no stamp is trusted: every build writes every file.
    #[cfg(not(unix))]
    None
}

/// The stamps of the files dvk wrote in the output folder and its spare, in one file beside
/// them (`.public.dvk-stamps`), each folder's under its identity (device, inode).
#[derive(Debug, Default)]
pub struct Stamps {
    folders: HashMap<FolderId, PathMap<Stamp>>,
}

/// One folder's part of the stamps file, as written.
#[derive(serde::Serialize)]
struct FolderOut<'a> {
    id: FolderId,
    files: Vec<(&'a str, Stamp)>,
}

/// One folder's part of the stamps file, as read.
#[derive(serde::Deserialize)]
struct FolderIn {
    id: FolderId,
    files: Vec<(String, Stamp)>,
}

impl Stamps {
    /// Reads the stamps file at `path`; empty when there is none or it cannot be read (or is
    /// damaged: then nothing is trusted).
    pub fn read(path: &Path) -> Stamps {
        let mut out = Stamps::default();
        let Ok(bytes) = fs::read(path) else {
            return out;
        };
        let Some(Ok(folders)) =
            crate::fresh::checked(&bytes).map(bincode::deserialize::<Vec<FolderIn>>)
        else {
            return out;
        };
        for f in folders {
            out.folders.insert(f.id, f.files.into_iter().collect());
        }
        out
    }

    /// The stamps recorded for folder `dir`.
    pub fn of(&self, dir: &Path) -> Option<&PathMap<Stamp>> {
        self.folders.get(&folder_id(dir)?)
    }

    /// Writes the stamps of the folders given (a new file renamed over the old, with a hash
    /// that a damaged file fails).
    pub fn write(
        path: &Path,
        folders: &mut [(&Path, &mut dyn Iterator<Item = (&str, Stamp)>)],
    ) -> std::io::Result<()> {
        let out: Vec<FolderOut> = folders
            .iter_mut()
            .filter_map(|(dir, files)| {
                Some(FolderOut {
                    id: folder_id(dir)?,
                    files: files.filter(|(_, s)| *s != Stamp::Dir).collect(),
                })
            })
            .collect();
        let tmp = PathBuf::from(format!("{}.tmp", path.display()));
        crate::fresh::save_checked(path, &tmp, &mut |w| {
            bincode::serialize_into(w, &out).map_err(std::io::Error::other)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_marker_reads_back_what_was_written_paths_with_spaces_included() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a b");
        fs::create_dir_all(&f).unwrap();
        fs::write(f.join("index.html"), "abc").unwrap();
        let stamp = Stamp::of(&fs::metadata(f.join("index.html")).unwrap());
        let e = Entry {
            len: 3,
            hash: hash(b"abc"),
            stamp,
        };
        let t = text(
            [("a b/index.html", &e), ("z.txt", &e)].into_iter(),
            ["CNAME", ".git/"].into_iter(),
        );
        fs::write(dir.path().join(MARKER), &t).unwrap();
        // The marker's text does not depend on the stamps (two builds give the same bytes).
        let other = Entry {
            stamp: Stamp::File {
                len: 3,
                mtime: 1,
                mtime_nsec: 2,
                ino: 3,
                dev: 4,
            },
            ..e
        };
        let t2 = text(
            [("a b/index.html", &other), ("z.txt", &other)].into_iter(),
            ["CNAME", ".git/"].into_iter(),
        );
        assert_eq!(t, t2);
        let stamps_path = dir.path().join("stamps");
        let mut files = [("a b/index.html", stamp)].into_iter();
        Stamps::write(&stamps_path, &mut [(dir.path(), &mut files)]).unwrap();
        let m = Manifest::read(dir.path(), &Stamps::read(&stamps_path)).unwrap();
        assert_eq!(m.entry("a b/index.html"), Some(&e));
        assert!(m
            .entry("a b/index.html")
            .unwrap()
            .still_at(&f.join("index.html")));
        // No stamp recorded for z.txt: never trusted.
        assert_eq!(m.entry("z.txt").unwrap().stamp, Stamp::Dir);
        assert_eq!(m.carried, vec!["CNAME", ".git/"]);
        // Without the stamps file nothing is trusted.
        let m = Manifest::read(dir.path(), &Stamps::default()).unwrap();
        assert!(!m
            .entry("a b/index.html")
            .unwrap()
            .still_at(&f.join("index.html")));
    }

    #[test]
    fn an_older_marker_lists_names_without_entries() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(MARKER), format!("{HEAD}{LIST_V1}a.html\n")).unwrap();
        let m = Manifest::read(dir.path(), &Stamps::default()).unwrap();
        assert!(m.files.contains_key("a.html") && m.entry("a.html").is_none());
        fs::write(dir.path().join(MARKER), HEAD).unwrap();
        assert!(Manifest::read(dir.path(), &Stamps::default()).is_none());
    }
}
