//! The search index's state kept between builds (`.dvk-cache/search-index.bin`): the
//! postings of every doc, so that a rebuild analyses only the docs that changed
//! ([`dvk_search::IndexBuilder::resume`]). A cache: missing, stale (another dvk, other
//! abbreviations) or damaged, it is ignored and the index is built from nothing; a build
//! that cannot save it still succeeds. Builds into other folders share it, which is sound:
//! it says what each doc's text gives, not what a folder holds.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Where the state is kept, under the site folder.
fn path(root: &Path) -> PathBuf {
    root.join(".dvk-cache").join("search-index.bin")
}

/// An index builder going on from the state the last build of `root` saved.
pub(super) fn resume(
    root: &Path,
    abbreviations: &dvk_search::Abbreviations,
) -> dvk_search::IndexBuilder {
    let earlier = fs::read(path(root)).ok();
    dvk_search::IndexBuilder::resume(
        abbreviations,
        crate::fresh::program_salt(),
        earlier.as_deref(),
    )
}

/// [`resume`] on a thread of its own, started as soon as the site's abbreviations are known:
/// reading and parsing the last build's state (80 MB at 30,000 models) is then done beside the
/// warnings, the output's preparation and the render setup instead of before the pages.
pub struct Resuming(std::thread::JoinHandle<dvk_search::IndexBuilder>);

impl Resuming {
    /// Starts [`resume`] for `root` with `abbreviations`.
    pub fn start(root: &Path, abbreviations: dvk_search::Abbreviations) -> Resuming {
        let root = root.to_path_buf();
        Resuming(std::thread::spawn(move || resume(&root, &abbreviations)))
    }

    /// The index builder (from nothing if the thread failed).
    pub(super) fn join(
        self,
        abbreviations: &dvk_search::Abbreviations,
    ) -> dvk_search::IndexBuilder {
        self.0
            .join()
            .unwrap_or_else(|_| dvk_search::IndexBuilder::with_abbreviations(abbreviations))
    }
}

/// Hands each of the index's files to `out` as it is made; when `save`, its state is saved
/// for the next build (written beside, then put in the old one's place with
/// [`crate::fresh::put_cache`]: a build stopped while writing it leaves the old state).
pub(super) fn finish(
    root: &Path,
    index: dvk_search::IndexBuilder,
    save: bool,
    out: &mut dyn FnMut(dvk_search::IndexFile),
) {
    let file = save
        .then(|| {
            let target = path(root);
            let tmp = target.with_file_name(format!(".search-index.{}.tmp", std::process::id()));
            let dir = target.parent()?;
            fs::create_dir_all(dir).ok()?;
            Some((fs::File::create(&tmp).ok()?, tmp, target))
        })
        .flatten();
    let Some((file, tmp, target)) = file else {
        return index.finish_into(out);
    };
    let mut state = BufWriter::with_capacity(1 << 20, file);
    let kept = index
        .finish_saving(&mut state, out)
        .and_then(|()| state.flush())
        .and_then(|()| crate::fresh::put_cache(&tmp, &target));
    if kept.is_err() {
        // Not kept: the old state stays when the new one failed before taking its place
        // (still true of the docs it lists); else the next build analyses every doc.
        let _ = fs::remove_file(&tmp);
    }
}
