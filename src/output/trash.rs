//! Files of the spare folder that a build replaces, moved out of the way at once and deleted
//! by a thread of their own.
//!
//! Deleting a file can wait for the disk: on a file system that discards freed blocks at
//! once (Linux's `discard` mount option, perf: `blkdev_issue_discard` under `unlink`), each
//! deletion here waited about 40 µs. An edit right after a change to every page replaces
//! some 12,000 files at 10,000 models, and those waits held the rendering threads. A rename
//! frees nothing and costs no wait; the deleting thread mostly waits on the disk, not on a
//! core, while the pages render.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread;

/// A folder of files to delete (inside the build's scratch folder, on the same file system
/// as the spare) and the threads deleting them. Several threads, because a deleting thread
/// mostly waits for the disk: at 30,000 models, freeing the 43,000 files of the pages a
/// change to every page replaced took 2.1 s with one thread.
pub(super) struct Trash {
    dir: PathBuf,
    next: AtomicUsize,
    send: Mutex<Vec<mpsc::Sender<PathBuf>>>,
    deleters: Mutex<Vec<thread::JoinHandle<()>>>,
}

/// How many threads delete.
const DELETERS: usize = 4;

impl Trash {
    /// A trash in `dir` (made here), and its deleting threads.
    pub(super) fn new(dir: PathBuf) -> io::Result<Trash> {
        fs::create_dir(&dir)?;
        let mut send = Vec::new();
        let mut deleters = Vec::new();
        for _ in 0..DELETERS {
            let (tx, receive) = mpsc::channel::<PathBuf>();
            let deleter = thread::Builder::new()
                .name("dvk-trash".into())
                .spawn(move || {
                    for path in receive {
                        // Best effort: what is left goes with the scratch folder.
                        if fs::remove_file(&path).is_err() {
                            let _ = fs::remove_dir_all(&path);
                        }
                    }
                })?;
            send.push(tx);
            deleters.push(deleter);
        }
        Ok(Trash {
            dir,
            next: AtomicUsize::new(0),
            send: Mutex::new(send),
            deleters: Mutex::new(deleters),
        })
    }

    /// Removes whatever is at `path` (a file, a link, a folder), if anything: moved into the
    /// trash, deleted there later. Where it cannot be moved, it is removed here and now.
    pub(super) fn discard(&self, path: &Path) -> io::Result<()> {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let to = self.dir.join(n.to_string());
        match fs::rename(path, &to) {
            Ok(()) => {
                // Without deleters (after `empty`), the scratch folder's removal takes it.
                if let Ok(send) = self.send.lock() {
                    if let Some(s) = send.get(n % send.len().max(1)) {
                        let _ = s.send(to);
                    }
                }
                Ok(())
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(_) => super::clear(path),
        }
    }

    /// Waits until everything put in the trash is deleted. (Dropped without this, as after a
    /// failed build, the channels close and the threads end on their own.)
    pub(super) fn empty(&self) {
        if let Ok(mut s) = self.send.lock() {
            s.clear();
        }
        let deleters = self
            .deleters
            .lock()
            .map(|mut d| std::mem::take(&mut *d))
            .unwrap_or_default();
        for d in deleters {
            let _ = d.join();
        }
    }
}
