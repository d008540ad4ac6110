//! Watches `content/` and `themes/` with notify and sends the changed paths to the rebuild
//! thread, which lets bursts settle (editors save with several events).

use super::Msg;
use notify::event::{AccessKind, AccessMode, EventKind};
use notify::{RecursiveMode, Watcher};
use std::path::Path;
use std::sync::mpsc::Sender;

/// Starts watching; the watcher stops when the returned value is dropped.
pub(crate) fn start(root: &Path, tx: Sender<Msg>) -> notify::Result<notify::RecommendedWatcher> {
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        let msg = match res {
            Ok(ev) => {
                // Reading files (ours included) is not a change; closing a file written is.
                let relevant = match ev.kind {
                    EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
                    EventKind::Access(_) | EventKind::Other => false,
                    _ => true,
                };
                if ev.need_rescan() {
                    Msg::Fs {
                        paths: Vec::new(),
                        rescan: true,
                    }
                } else if relevant && !ev.paths.is_empty() {
                    Msg::Fs {
                        paths: ev.paths,
                        rescan: false,
                    }
                } else {
                    return;
                }
            }
            Err(_) => Msg::Fs {
                paths: Vec::new(),
                rescan: true,
            },
        };
        let _ = tx.send(msg);
    })?;
    watcher.watch(&root.join("content"), RecursiveMode::Recursive)?;
    let themes = root.join("themes");
    if themes.is_dir() {
        watcher.watch(&themes, RecursiveMode::Recursive)?;
    }
    Ok(watcher)
}
