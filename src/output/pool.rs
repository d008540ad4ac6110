//! Files kept to be written over instead of deleted: what the spare held that the new output
//! no longer has (a search shard under its old name, a page gone) waits in a folder beside
//! the output (`.public.dvk-pool/`) until the next build needs a new file, which is then
//! written into one of them and moved into place.
//!
//! Why: making a file after thousands were freed is slow on ext4 without a journal (see
//! [`super::disk::standing`]); at 30,000 models a deletion renames some 5,000 search shards,
//! and creating them took 0.9 s of CPU (perf).
//!
//! The pool is only a stock of inodes: nothing in it is read or trusted. A build takes from
//! what the last ones left and adds its own, up to [`MAX_FILES`]; the rest is deleted. It is
//! not emptied: deleting files is what makes the next new files slow.

use super::disk::{overwrite, standing, Standing};
use crate::fresh::Stamp;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Most files the pool holds (each keeps the bytes of a file gone from the output until it
/// is reused): a deletion at 30,000 models renames some 5,000 search shards.
const MAX_FILES: usize = 16_384;

/// The pool of one output folder.
pub(super) struct Pool {
    dir: PathBuf,
    /// What the last build left, taken in order (listed when first needed: most builds make
    /// no new file).
    files: OnceLock<Vec<PathBuf>>,
    next: AtomicUsize,
    /// Files put in by this build, and a tag that keeps their names apart from the left ones.
    added: AtomicUsize,
    tag: u128,
}

impl Pool {
    /// The pool in `dir` (made when a file is first put in).
    pub(super) fn open(dir: PathBuf) -> Pool {
        Pool {
            dir,
            files: OnceLock::new(),
            next: AtomicUsize::new(0),
            added: AtomicUsize::new(0),
            tag: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos()),
        }
    }

    /// Writes `bytes` into a file of the pool and moves it to `target` (a free path whose
    /// folder exists). None when the pool has no usable file left: the caller writes a new
    /// one.
    pub(super) fn write_at(&self, target: &Path, bytes: &[u8]) -> Option<io::Result<Stamp>> {
        loop {
            let path = self
                .files()
                .get(self.next.fetch_add(1, Ordering::Relaxed))?;
            let Standing::Own(f, len) = standing(path) else {
                continue;
            };
            let written = overwrite(f, len, bytes, None).and_then(|stamp| {
                fs::rename(path, target)?;
                Ok(stamp)
            });
            match written {
                Ok(stamp) => return Some(Ok(stamp)),
                // Not moved: the file stays in the pool, to be removed with what is left.
                Err(e) if target.exists() => return Some(Err(e)),
                Err(_) => continue,
            }
        }
    }

    /// What the pool held when this build first looked.
    fn files(&self) -> &[PathBuf] {
        self.files.get_or_init(|| {
            fs::read_dir(&self.dir)
                .map(|d| d.flatten().map(|e| e.path()).collect())
                .unwrap_or_default()
        })
    }

    /// How many of the files the last builds left this one did not take.
    fn left(&self) -> usize {
        let taken = self.next.load(Ordering::Relaxed);
        self.files().len().saturating_sub(taken)
    }

    /// Moves `path` (a file the output no longer has) into the pool for the next build.
    /// False when the pool is full or the move fails: the caller removes it.
    pub(super) fn put(&self, path: &Path) -> bool {
        // Without Unix link counts no file is written over ([`standing`]): nothing to keep.
        if !cfg!(unix) {
            return false;
        }
        let n = self.added.fetch_add(1, Ordering::Relaxed);
        if self.left() + n >= MAX_FILES {
            return false;
        }
        let to = self.dir.join(format!("{}-{n}", self.tag));
        fs::rename(path, &to).is_ok()
            || (fs::create_dir(&self.dir).is_ok() && fs::rename(path, &to).is_ok())
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    #[test]
    fn a_new_file_takes_the_inode_of_one_put_in_and_only_its_own_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let gone = dir.path().join("gone.bin");
        fs::write(&gone, vec![7u8; 5000]).unwrap();
        let ino = fs::metadata(&gone).unwrap().ino();
        let pool = Pool::open(dir.path().join("pool"));
        assert!(pool.put(&gone));
        assert!(!gone.exists());

        // The next build: the file put in is written over, cut to length, moved.
        let pool = Pool::open(dir.path().join("pool"));
        let target = dir.path().join("new.bin");
        let stamp = pool.write_at(&target, b"short").unwrap().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"short");
        assert_eq!(fs::metadata(&target).unwrap().ino(), ino);
        assert_eq!(stamp, Stamp::of(&fs::metadata(&target).unwrap()));
        // Empty now: the caller writes a new file.
        assert!(pool.write_at(&dir.path().join("other.bin"), b"x").is_none());
        assert_eq!(pool.left(), 0);
    }

    #[test]
    fn a_file_linked_elsewhere_is_never_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let published = dir.path().join("published.bin");
        fs::write(&published, b"published bytes").unwrap();
        let pool_dir = dir.path().join("pool");
        fs::create_dir(&pool_dir).unwrap();
        fs::hard_link(&published, pool_dir.join("linked")).unwrap();
        let pool = Pool::open(pool_dir);
        assert!(pool.write_at(&dir.path().join("new.bin"), b"new").is_none());
        assert_eq!(fs::read(&published).unwrap(), b"published bytes");
    }
}
