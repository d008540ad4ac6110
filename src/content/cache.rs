//! Write-ups read and checked by an earlier build, kept for the next one
//! (`.dvk-cache/content.bin`): a build after one edit reads and parses only the files that
//! changed. Each entry is a model file's stamp (size, modification time, inode), the model
//! it gave and the warnings found in it; it is used when the file's stamp is the same, the
//! photos it names are still files, and the program, `content/site.yaml` and the language of
//! the messages are those of the build that saved it (its salt). Only files that gave a
//! model without errors are kept, and only files unchanged for
//! [`crate::fresh::RACY_WINDOW`] before the load began (a file changed twice within its
//! clock's resolution keeps its stamp, as git's index knows). The model is kept without its
//! Markdown, which is read again from the file when its page is made ([`super::InFile`]).
//! A damaged or foreign cache file is ignored.

use super::{text_hash, Body, InFile, Model};
use crate::diag::Diagnostic;
use crate::fresh::Stamp;
use crate::output::manifest::PathMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

/// First bytes of the cache file (and its format's version).
const MAGIC: &[u8; 8] = b"dvkcnt01";

/// The cache file of the site at `root`.
fn path(root: &Path) -> PathBuf {
    root.join(".dvk-cache/content.bin")
}

/// A file's stamp as the cache keeps it: size, modification time (s, ns), inode, device.
type Key = (u64, i64, i64, u64, u64);

fn key_of(meta: &fs::Metadata) -> Option<Key> {
    key_of_stamp(Stamp::of(meta))
}

fn key_of_stamp(stamp: Stamp) -> Option<Key> {
    match stamp {
        Stamp::File {
            len,
            mtime,
            mtime_nsec,
            ino,
            dev,
        } => Some((len, mtime, mtime_nsec, ino, dev)),
        Stamp::Dir => None,
    }
}

/// What one model file gave.
#[derive(serde::Serialize, serde::Deserialize)]
struct Parsed {
    model: Model,
    /// Its warnings: (line, column, message).
    warnings: Vec<(usize, usize, String)>,
}

/// One entry of the cache file: its stamp and the bytes of its [`Parsed`].
struct Entry {
    key: Key,
    data: Vec<u8>,
}

/// The cache of an earlier build, and what this load adds for the next.
pub struct ParseCache {
    root: PathBuf,
    salt: u64,
    /// The earlier build's entries by path (relative to the site, `/` separators).
    earlier: PathMap<Entry>,
    /// Files changed after this are not kept (racy).
    settled_before: SystemTime,
    /// The entries for the next build, by path: new bytes, or None for the earlier entry's.
    next: Mutex<Vec<(String, Key, Option<Vec<u8>>)>>,
    /// Stamps of files taken just before the load (by the inputs' fingerprint), by path as
    /// `earlier`: a file found here is not asked for its stamp again.
    seen: PathMap<Key>,
}

impl ParseCache {
    /// Whether a build of `root` kept a cache file (whole or not) for the next.
    pub fn is_kept(root: &Path) -> bool {
        path(root).is_file()
    }

    /// The cache of the site at `root` for this program and `content/site.yaml`; empty when
    /// there is none, or it was made for another, or it is damaged.
    pub fn open(root: &Path) -> ParseCache {
        let settled_before = SystemTime::now()
            .checked_sub(crate::fresh::RACY_WINDOW)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        // The warnings are kept as text, in the language of the messages.
        let mut settings = format!("{:?}\n", crate::msg::lang()).into_bytes();
        settings.extend(fs::read(root.join("content/site.yaml")).unwrap_or_default());
        let salt = crate::fresh::program_salt() ^ text_hash(&settings);
        let earlier = fs::read(path(root))
            .ok()
            .and_then(|bytes| read(&bytes, salt))
            .unwrap_or_default();
        ParseCache {
            root: root.to_path_buf(),
            salt,
            earlier,
            settled_before,
            next: Mutex::new(Vec::new()),
            seen: PathMap::default(),
        }
    }

    /// Takes the stamps of files looked at just before the load (`seen`, paths under the
    /// site folder), instead of reading each file's again: a file changed since is then
    /// taken as it was (the fingerprint saved with this build is of that file, so the next
    /// build reads it again).
    pub fn seen(mut self, seen: Vec<(PathBuf, Stamp)>) -> ParseCache {
        let root = &self.root;
        self.seen = seen
            .into_iter()
            .filter_map(|(path, stamp)| {
                let rel = path.strip_prefix(root).ok()?.to_str()?.to_string();
                Some((rel, key_of_stamp(stamp)?))
            })
            .collect();
        self
    }

    /// The model and warnings the earlier build found in `rel`, when the file has not
    /// changed since; also kept for the next build.
    pub(super) fn get(&self, rel: &Path) -> Option<(Model, Vec<Diagnostic>)> {
        let name = rel.to_str()?;
        let e = self.earlier.get(name)?;
        let key = match self.seen.get(name) {
            Some(key) => *key,
            None => key_of(&fs::metadata(self.root.join(rel)).ok()?)?,
        };
        if key != e.key {
            return None;
        }
        let parsed: Parsed = bincode::deserialize(&e.data).ok()?;
        if !photos_are_files(&self.root, &parsed.model) {
            return None;
        }
        self.keep(name, e.key, None);
        let warnings = parsed
            .warnings
            .into_iter()
            .map(|(line, column, m)| Diagnostic::warning(rel, line, column, m))
            .collect();
        Some((parsed.model, warnings))
    }

    /// Keeps what loading `rel` gave for the next build, when it can be kept: a model
    /// without errors from a file unchanged for a while, whose photos are files.
    pub(super) fn put(&self, rel: &Path, model: &Model, diags: &[Diagnostic]) {
        let Some(name) = rel.to_str() else { return };
        if diags.iter().any(|d| d.is_error() || d.path != rel) {
            return;
        }
        let Ok(meta) = fs::metadata(self.root.join(rel)) else {
            return;
        };
        let settled = meta.modified().is_ok_and(|t| t < self.settled_before);
        let Some(key) = key_of(&meta).filter(|_| settled) else {
            return;
        };
        if !photos_are_files(&self.root, model) {
            return;
        }
        // Without its Markdown: read again from the file when the page is made.
        let body = match model.body.in_file {
            Some(_) => model.body.clone(),
            None => Body {
                markdown: String::new(),
                in_file: Some(InFile {
                    len: model.body.markdown.len(),
                    hash: text_hash(model.body.markdown.as_bytes()),
                }),
                ..model.body.clone()
            },
        };
        let parsed = Parsed {
            model: Model {
                body,
                ..model.clone()
            },
            warnings: diags
                .iter()
                .map(|d| (d.line, d.column, d.message.clone()))
                .collect(),
        };
        if let Ok(data) = bincode::serialize(&parsed) {
            self.keep(name, key, Some(data));
        }
    }

    fn keep(&self, name: &str, key: Key, data: Option<Vec<u8>>) {
        if let Ok(mut next) = self.next.lock() {
            next.push((name.to_string(), key, data));
        }
    }

    /// Saves the entries kept by this load for the next build (atomically; a failure only
    /// costs the next build the reading of every file).
    pub fn save(self) {
        let ParseCache {
            root,
            salt,
            earlier,
            next,
            ..
        } = self;
        let mut next = next.into_inner().unwrap_or_else(|e| e.into_inner());
        next.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        // One name: a save cut short by the end of a failed build leaves nothing behind
        // for long (two builds saving at once may mix their bytes, which the hash sees).
        let target = path(&root);
        let tmp = target.with_file_name("content.bin.tmp");
        let _ = crate::fresh::save_checked(&target, &tmp, &mut |w| {
            w.write_all(MAGIC)?;
            w.write_all(&salt.to_le_bytes())?;
            for (name, (len, mtime, nsec, ino, dev), data) in &next {
                let Some(data) = data.as_deref().or_else(|| Some(&earlier.get(name)?.data)) else {
                    continue;
                };
                w.write_all(&(name.len() as u32).to_le_bytes())?;
                w.write_all(name.as_bytes())?;
                for n in [*len, *mtime as u64, *nsec as u64, *ino, *dev] {
                    w.write_all(&n.to_le_bytes())?;
                }
                w.write_all(&(data.len() as u32).to_le_bytes())?;
                w.write_all(data)?;
            }
            Ok(())
        });
    }
}

/// Whether every photo `model` names is still a file (not a link: a link's target may have
/// moved).
fn photos_are_files(root: &Path, model: &Model) -> bool {
    model
        .photos
        .iter()
        .all(|p| fs::symlink_metadata(root.join(&p.file)).is_ok_and(|m| m.is_file()))
}

/// The entries of a cache file's `bytes` saved with `salt`, when it is whole.
fn read(bytes: &[u8], salt: u64) -> Option<PathMap<Entry>> {
    let mut r = crate::fresh::checked(bytes)?;
    let mut take = |n: usize| -> Option<&[u8]> {
        let (head, rest) = r.split_at_checked(n)?;
        r = rest;
        Some(head)
    };
    if take(8)? != MAGIC || take(8)? != salt.to_le_bytes() {
        return None;
    }
    let mut out = PathMap::default();
    loop {
        let Some(len) = take(4) else { break };
        let n = u32::from_le_bytes(len.try_into().ok()?) as usize;
        let name = std::str::from_utf8(take(n)?).ok()?.to_string();
        let mut num = || {
            take(8)
                .and_then(|b| b.try_into().ok())
                .map(u64::from_le_bytes)
        };
        let key = (num()?, num()? as i64, num()? as i64, num()?, num()?);
        let n = u32::from_le_bytes(take(4)?.try_into().ok()?) as usize;
        let data = take(n)?.to_vec();
        out.insert(name, Entry { key, data });
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The stamps a fingerprint's walk saw are found under the paths the load asks with.
    #[test]
    fn stamps_seen_before_the_load_are_found_by_the_load_s_paths() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = root.join("content/models/2025/a.md");
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, "---\ntitle: A\n---\n").unwrap();
        let stamp = Stamp::of(&fs::metadata(&file).unwrap());
        let outside = std::env::temp_dir().join("elsewhere.md");
        let cache = ParseCache::open(root).seen(vec![
            (file.clone(), stamp),
            (outside, stamp),
            (root.join("content/models"), Stamp::Dir),
        ]);
        let rel = Path::new("content/models/2025/a.md");
        assert_eq!(
            cache.seen.get(rel.to_str().unwrap()),
            key_of_stamp(stamp).as_ref()
        );
        assert_eq!(cache.seen.len(), 1, "only files under the site are kept");
    }

    /// A cached write-up is judged by the stamp the fingerprint saw, not asked for again:
    /// another stamp seen makes it changed though the file on disk is as it was.
    #[test]
    fn a_cached_write_up_is_judged_by_the_stamp_seen_before_the_load() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let rel = Path::new("content/models/2025/a.md");
        let file = root.join(rel);
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(
            &file,
            "---\ntitle: A\nyear: 2025\nprovince: \"Gia Lai\"\nfield: \"Kinh tế\"\nhost: X\nlevel: tinh\nsummary: S\n---\n\nThân bài.\n",
        )
        .unwrap();
        // Older than the racy window, as an editor's saved file is.
        let settled = SystemTime::now() - std::time::Duration::from_secs(60);
        let f = fs::File::options().write(true).open(&file).unwrap();
        f.set_modified(settled).unwrap();
        drop(f);
        let config = crate::config::SiteConfig::default();
        let budget = super::super::BodyBudget::new(1 << 20);
        let (docs, d) = super::super::load_file(root, rel, &config, &budget);
        let Some(super::super::FileDocs::Models(models)) = docs else {
            panic!("no model: {d:?}");
        };
        assert!(d.is_empty(), "{d:?}");
        let cache = ParseCache::open(root);
        cache.put(rel, &models[0], &d);
        cache.save();
        assert!(
            ParseCache::open(root).get(rel).is_some(),
            "kept by its own stamp"
        );
        let stamp = Stamp::of(&fs::metadata(&file).unwrap());
        let Stamp::File {
            len,
            mtime,
            mtime_nsec,
            ino,
            dev,
        } = stamp
        else {
            panic!("a file");
        };
        let other = Stamp::File {
            len: len + 1,
            mtime,
            mtime_nsec,
            ino,
            dev,
        };
        let seen_other = ParseCache::open(root).seen(vec![(file.clone(), other)]);
        assert!(
            seen_other.get(rel).is_none(),
            "the stamp seen is the one compared"
        );
        let seen_same = ParseCache::open(root).seen(vec![(file, stamp)]);
        assert!(seen_same.get(rel).is_some());
    }
}
