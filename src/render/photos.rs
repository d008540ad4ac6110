//! Photos in pages: every photo a page uses is processed once per build by `dvk-photos`
//! (upright, metadata stripped, size variants in WebP and JPEG, cached by content hash in
//! `.dvk-cache/photos/`), and its files are published under `/anh/`.

use super::views::{PhotoView, Urls};
use super::Sink;
use dvk_photos::{Format, PhotoSettings, Processed};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Output folder of published photo files (the routes own it).
pub use crate::routes::PHOTOS as PHOTO_DIR;

/// The `sizes` attribute for photos shown at the width of the text column.
pub const CONTENT_SIZES: &str = "(min-width: 48em) 44em, 100vw";

type Entry = Arc<OnceLock<Result<Arc<Processed>, String>>>;

/// Processes photos on demand, once per build, from any thread.
pub struct PhotoStore {
    root: PathBuf,
    cache_dir: PathBuf,
    settings: PhotoSettings,
    entries: Mutex<HashMap<PathBuf, Entry>>,
    /// Photos whose files are already in the sink.
    published: Mutex<std::collections::HashSet<PathBuf>>,
    /// A photo could not be read or cached for a reason of the machine (permissions, a
    /// full disk), not of the content: the build fails as an I/O error (exit 2).
    io_failed: std::sync::atomic::AtomicBool,
}

impl PhotoStore {
    /// A store for the site at `root`, caching in `root/.dvk-cache/photos`.
    pub fn new(root: &Path) -> Self {
        PhotoStore {
            root: root.to_path_buf(),
            cache_dir: root.join(".dvk-cache").join("photos"),
            settings: PhotoSettings::default(),
            entries: Mutex::new(HashMap::new()),
            published: Mutex::new(std::collections::HashSet::new()),
            io_failed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// True when a photo failed for a reason of the machine (see `io_failed`), or a photo
    /// file could not be published.
    pub fn io_failed(&self) -> bool {
        self.io_failed.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The processed photo for `file` (relative to the site), processed (or read from the
    /// cache) the first time it is asked for. The error is a sentence for the editor.
    pub fn get(&self, file: &Path) -> Result<Arc<Processed>, String> {
        let entry = {
            let mut map = self
                .entries
                .lock()
                .map_err(|_| crate::msg!("photos.poisoned"))?;
            map.entry(file.to_path_buf()).or_default().clone()
        };
        entry
            .get_or_init(|| {
                let processed =
                    dvk_photos::process(&self.root.join(file), &self.cache_dir, &self.settings)
                        .map_err(|e| {
                            if matches!(
                                e.kind(),
                                dvk_photos::PhotoErrorKind::Cache { .. }
                                    | dvk_photos::PhotoErrorKind::Unreadable(_)
                            ) {
                                self.io_failed
                                    .store(true, std::sync::atomic::Ordering::Relaxed);
                            }
                            describe(&e, file)
                        })?;
                Ok(Arc::new(processed))
            })
            .clone()
    }

    /// Writes the files of every photo processed so far and not yet published into `sink`.
    /// Returns the number of files and the problems.
    pub fn publish(&self, sink: &dyn Sink) -> (usize, Vec<String>) {
        let ready: Vec<(PathBuf, Arc<Processed>)> = match self.entries.lock() {
            Ok(map) => map
                .iter()
                .filter_map(|(k, e)| Some((k.clone(), e.get()?.as_ref().ok()?.clone())))
                .collect(),
            Err(_) => return (0, vec![crate::msg!("photos.poisoned")]),
        };
        let mut published = match self.published.lock() {
            Ok(p) => p,
            Err(_) => return (0, vec![crate::msg!("photos.poisoned")]),
        };
        use rayon::prelude::*;
        let todo: Vec<&(PathBuf, Arc<Processed>)> = ready
            .iter()
            .filter(|(k, _)| !published.contains(k))
            .collect();
        let results: Vec<(usize, Vec<String>)> = todo
            .par_iter()
            .map(|(_, p)| {
                let mut n = 0;
                let mut errors = Vec::new();
                for v in p.files() {
                    match sink.copy(
                        &format!("{PHOTO_DIR}{}", v.file_name),
                        &v.path(&self.cache_dir),
                    ) {
                        Ok(()) => n += 1,
                        Err(e) => {
                            self.io_failed
                                .store(true, std::sync::atomic::Ordering::Relaxed);
                            errors.push(crate::msg!(
                                "photos.cannot_publish",
                                file = v.file_name,
                                detail = e
                            ))
                        }
                    }
                }
                (n, errors)
            })
            .collect();
        published.extend(todo.iter().map(|(k, _)| k.clone()));
        results
            .into_iter()
            .fold((0, Vec::new()), |(n, mut e), (m, f)| {
                e.extend(f);
                (n + m, e)
            })
    }

    /// Removes cache files no photo of this build uses.
    pub fn prune(&self) {
        let Ok(map) = self.entries.lock() else { return };
        let kept: Vec<Arc<Processed>> = map
            .values()
            .filter_map(|e| e.get())
            .filter_map(|r| r.as_ref().ok())
            .cloned()
            .collect();
        let _ = dvk_photos::prune_cache(&self.cache_dir, kept.iter().map(|p| p.as_ref()));
    }
}

/// The editor's sentence for a problem with photo `file` (relative to the site), from the
/// catalogue: what is wrong and what to do.
pub fn describe(e: &dvk_photos::PhotoError, file: &Path) -> String {
    use dvk_photos::PhotoErrorKind as K;
    let file = file.display();
    match e.kind() {
        K::NotFound => crate::msg!("photos.not_found", file = file),
        K::Unreadable(detail) => crate::msg!("photos.unreadable", file = file, detail = detail),
        K::NotAnImage {
            looks_like_text: true,
        } => crate::msg!("photos.not_an_image_text", file = file),
        K::NotAnImage { .. } => crate::msg!("photos.not_an_image", file = file),
        K::Unsupported(format) => crate::msg!("photos.unsupported", file = file, format = format),
        K::Heic => crate::msg!("photos.heic", file = file),
        K::Corrupt(detail) => crate::msg!("photos.corrupt", file = file, detail = detail),
        K::TooLarge {
            width,
            height,
            max_pixels,
        } => crate::msg!(
            "photos.too_large",
            file = file,
            width = width,
            height = height,
            megapixels = format!("{:.1}", *width as f64 * *height as f64 / 1e6),
            max = format!("{:.0}", *max_pixels as f64 / 1e6)
        ),
        K::Encode(detail) => crate::msg!("photos.encode", file = file, detail = detail),
        K::Cache { dir, detail } => crate::msg!(
            "photos.cache",
            file = file,
            dir = dir.display(),
            detail = detail
        ),
        _ => e.to_string(),
    }
}

/// The view of a processed photo: the re-encoded full-size JPEG, its size, and srcsets.
pub fn view(urls: &Urls, p: &Processed, caption: &str, credit: Option<&str>) -> PhotoView {
    let srcset = |format: Format| {
        let list: Vec<String> = p
            .variants_of(format)
            .map(|v| {
                format!(
                    "{} {}w",
                    urls.url(&format!("{PHOTO_DIR}{}", v.file_name)),
                    v.width
                )
            })
            .collect();
        (!list.is_empty()).then(|| list.join(", "))
    };
    PhotoView {
        url: urls.url(&format!("{PHOTO_DIR}{}", p.full.file_name)),
        caption: caption.to_string(),
        credit: credit.map(str::to_string),
        alt: caption.to_string(),
        width: Some(p.width),
        height: Some(p.height),
        srcset_webp: srcset(Format::Webp),
        srcset_jpeg: srcset(Format::Jpeg),
        sizes: Some(CONTENT_SIZES.to_string()),
    }
}

/// Absolute URL of the Open Graph image of a processed photo.
pub fn og_url(urls: &Urls, p: &Processed) -> Option<String> {
    p.og.as_ref()
        .map(|v| urls.absolute(&format!("{PHOTO_DIR}{}", v.file_name)))
}
