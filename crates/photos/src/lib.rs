//! dvk's photo pipeline.
//!
//! [`process`] turns one source photo (JPEG, PNG or WebP, as it came off a phone) into what a page
//! publishes: upright, metadata-free size variants in WebP and JPEG, a re-encoded full-size JPEG and,
//! optionally, a 1200×630 Open Graph crop. Results live in a cache folder keyed by the BLAKE3 hash of
//! the source bytes plus the settings, so a rebuild with unchanged photos decodes no image.
//!
//! * **Privacy**: every output is encoded from decoded pixels by an encoder that writes no EXIF,
//!   XMP, IPTC, comment or ICC block (the JPEGs carry only the 16-byte JFIF header). EXIF
//!   orientation is applied to the pixels first, so the photo stays upright without the tag.
//!   A source with an embedded non-sRGB ICC profile (e.g. Display P3) is converted to sRGB first,
//!   so dropping the profile does not shift its colours.
//! * **Safety**: the header's dimensions are checked against [`PhotoSettings::max_pixels`] before
//!   any pixel buffer is allocated (decompression bombs fail fast), HEIC/HEIF/AVIF are recognised by
//!   their magic bytes, truncated JPEGs are refused instead of being published half grey.
//! * **Cache**: variants are written with temp file + rename, then a small manifest `<key>.json`;
//!   a warm call reads the source (to hash it) and the manifest, checks the files' sizes, and
//!   decodes nothing. [`cache_stats`] counts decodes, hits and misses for tests and progress output.
//! * **Threads**: [`process`] holds no lock and shares no state but atomic counters; call it from
//!   as many rayon threads as you like (two calls on the same photo at once are harmless: both
//!   write identical bytes and rename over each other).
//!
//! # Using it from the generator
//!
//! ```no_run
//! use dvk_photos::{process, Format, PhotoSettings};
//! use std::path::Path;
//!
//! let settings = PhotoSettings::default();
//! let cache = Path::new(".dvk-cache/photos");
//! let p = process(Path::new("content/models/2024/hien-dat/hien-dat.jpg"), cache, &settings)
//!     .map_err(|e| format!("content/models/2024/hien-dat.md: {e}"))?;
//! // Copy (or hard-link) every file to the output folder under its own name…
//! for v in p.files() {
//!     std::fs::copy(v.path(cache), Path::new("public/anh").join(&v.file_name))?;
//! }
//! // …and build <picture> from the variants (URLs under /anh/):
//! let srcset = |f: Format| {
//!     p.variants_of(f).map(|v| format!("/anh/{} {}w", v.file_name, v.width)).collect::<Vec<_>>().join(", ")
//! };
//! let largest = p.variants_of(Format::Jpeg).last().unwrap();
//! let html = format!(
//!     r#"<a href="/anh/{full}"><picture><source type="image/webp" srcset="{webp}" sizes="(min-width: 50rem) 50rem, 100vw"><img src="/anh/{img}" srcset="{jpeg}" sizes="(min-width: 50rem) 50rem, 100vw" width="{w}" height="{h}" alt="…caption…" loading="lazy" decoding="async"></picture></a>"#,
//!     full = p.full.file_name, webp = srcset(Format::Webp), jpeg = srcset(Format::Jpeg),
//!     img = largest.file_name, w = p.width, h = p.height,
//! );
//! # let _ = html;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! `width`/`height` on the `<img>` are the upright full size: browsers only use their ratio to
//! reserve space. Every variant has exactly that ratio (heights are rounded), the OG image is
//! `p.og` (1200×630 unless the photo is smaller).

use std::fmt;
use std::fs;
use std::io::{self, Cursor};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use fast_image_resize as fir;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use serde::{Deserialize, Serialize};

mod encode;
use encode::*;

/// Bump when the pipeline's output changes for the same input and settings (encoder change,
/// resampling filter, crop rule…): it is part of the cache key, so old entries are not reused.
const PIPELINE_VERSION: &str = "dvk-photos/1";

/// Width and height of the Open Graph image.
pub const OG_WIDTH: u32 = 1200;
/// Height of the Open Graph image.
pub const OG_HEIGHT: u32 = 630;

/// The default pixel budget of [`PhotoSettings::max_pixels`]: 50 megapixels.
pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;

/// How photos are processed. Every field but `max_pixels` is part of the cache key.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoSettings {
    /// Widths of the responsive variants, in pixels. Widths larger than the photo are skipped
    /// (never upscaled); if any was skipped, the photo's own width is added so the largest
    /// variant is the full resolution. Default `[480, 960, 1600]`.
    pub widths: Vec<u32>,
    /// JPEG quality 1–100 (variants, full-size copy, OG image). Default 80.
    pub jpeg_quality: u8,
    /// Lossy WebP quality 0–100. Default 75.
    pub webp_quality: f32,
    /// Photos with more pixels than this are refused from their header, before decoding.
    /// Default 50 MP: the largest phone photos (50 MP sensors, 8160×6120) pass, and decoding
    /// one stays near 200 MB; a header claiming 10000×10000 is refused at once.
    pub max_pixels: u64,
    /// Also make the 1200×630 Open Graph crop. Default true.
    pub og: bool,
}

impl Default for PhotoSettings {
    fn default() -> Self {
        PhotoSettings {
            widths: vec![480, 960, 1600],
            jpeg_quality: 80,
            webp_quality: 75.0,
            max_pixels: DEFAULT_MAX_PIXELS,
            og: true,
        }
    }
}

impl PhotoSettings {
    fn sorted_widths(&self) -> Vec<u32> {
        let mut w: Vec<u32> = self.widths.iter().copied().filter(|&w| w > 0).collect();
        w.sort_unstable();
        w.dedup();
        w
    }

    /// The part of the cache key that comes from the settings.
    fn key_material(&self) -> String {
        format!(
            "{PIPELINE_VERSION};widths={:?};jq={};wq={};og={}",
            self.sorted_widths(),
            self.jpeg_quality.clamp(1, 100),
            self.webp_quality.clamp(0.0, 100.0).to_bits(),
            self.og
        )
    }
}

/// Output encoding of a [`Variant`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Format {
    Jpeg,
    Webp,
}

impl Format {
    /// File extension without the dot: `jpg` or `webp`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Webp => "webp",
        }
    }

    /// MIME type, for `<source type="…">`.
    pub fn mime_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Webp => "image/webp",
        }
    }
}

/// One published image file, stored in the cache folder as `cache_dir/file_name`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    /// Unique, content-hash based, e.g. `3f9a0c12d4e5b6a7c8d9-960.webp`; stable across builds for
    /// the same source bytes and settings, so it can be published as is and cached for ever.
    pub file_name: String,
    pub width: u32,
    pub height: u32,
    pub format: Format,
    /// Size of the file in bytes.
    pub bytes: u64,
}

impl Variant {
    /// Where the file is: `cache_dir.join(&self.file_name)`.
    pub fn path(&self, cache_dir: &Path) -> PathBuf {
        cache_dir.join(&self.file_name)
    }
}

/// Everything made from one photo.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Processed {
    /// Upright full-size width (after EXIF orientation).
    pub width: u32,
    /// Upright full-size height (after EXIF orientation).
    pub height: u32,
    /// Responsive variants, widths ascending, each width in both formats (JPEG first, then WebP).
    /// No variant is wider than the photo.
    pub variants: Vec<Variant>,
    /// Re-encoded full-size JPEG, for the "view full size" link (never the original bytes).
    pub full: Variant,
    /// 1200×630 cover crop (JPEG) when [`PhotoSettings::og`] is set. A photo smaller than that
    /// gets the largest 40:21 crop it holds, not an upscale.
    pub og: Option<Variant>,
    /// True when this call was answered from the cache without decoding.
    #[serde(skip)]
    pub cache_hit: bool,
}

impl Processed {
    /// The variants of one format, widths ascending (for a `srcset`).
    pub fn variants_of(&self, format: Format) -> impl Iterator<Item = &Variant> {
        self.variants.iter().filter(move |v| v.format == format)
    }

    /// Every file of this photo: variants, full-size copy and OG image.
    pub fn files(&self) -> impl Iterator<Item = &Variant> {
        self.variants
            .iter()
            .chain(std::iter::once(&self.full))
            .chain(self.og.iter())
    }
}

/// What went wrong with a photo. `Display` is one English sentence naming the file, what is wrong
/// and what to do; the caller adds which write-up uses the photo.
#[derive(Debug)]
pub struct PhotoError {
    path: PathBuf,
    kind: PhotoErrorKind,
}

/// The kind of a [`PhotoError`], for callers and tests that need to tell them apart.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PhotoErrorKind {
    /// The source file does not exist.
    NotFound,
    /// The source exists but could not be read (permissions, a folder…).
    Unreadable(String),
    /// The bytes are not an image at all (e.g. a text file named `.jpg`).
    NotAnImage { looks_like_text: bool },
    /// An image in a format dvk does not publish (GIF, TIFF, BMP, AVIF…): the format's name.
    Unsupported(String),
    /// A HEIC/HEIF photo (iPhone default): must be converted to JPEG.
    Heic,
    /// Damaged or truncated image data.
    Corrupt(String),
    /// Pixel count over [`PhotoSettings::max_pixels`], or a side over 65 535 px.
    TooLarge {
        width: u32,
        height: u32,
        max_pixels: u64,
    },
    /// An encoder refused the pixels (should not happen for photos that decode).
    Encode(String),
    /// The cache folder could not be created or written.
    Cache { dir: PathBuf, detail: String },
}

impl PhotoError {
    fn new(path: &Path, kind: PhotoErrorKind) -> Self {
        PhotoError {
            path: path.to_path_buf(),
            kind,
        }
    }

    /// The photo this error is about.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What kind of error it is.
    pub fn kind(&self) -> &PhotoErrorKind {
        &self.kind
    }
}

impl fmt::Display for PhotoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.path.display();
        match &self.kind {
            PhotoErrorKind::NotFound => write!(
                f,
                "photo `{p}` does not exist: check its `src` in the `photos` list (the path is \
                 relative to the write-up's folder, and upper/lower case must match the file name)"
            ),
            PhotoErrorKind::Unreadable(e) => {
                write!(f, "photo `{p}` could not be read ({e}): make sure it is a readable file")
            }
            PhotoErrorKind::NotAnImage { looks_like_text } => write!(
                f,
                "photo `{p}` is not an image{}: replace it with a JPEG, PNG or WebP photo",
                if *looks_like_text {
                    " (the file holds text, not picture data; was something else renamed to this name?)"
                } else {
                    " (its contents are not JPEG, PNG or WebP data)"
                }
            ),
            PhotoErrorKind::Unsupported(fmt_name) => write!(
                f,
                "photo `{p}` is a {fmt_name} image, a format dvk does not publish: convert it to \
                 JPEG (or PNG/WebP) and update its `src`"
            ),
            PhotoErrorKind::Heic => write!(
                f,
                "photo `{p}` is a HEIC/HEIF image (the iPhone's default format), which most \
                 browsers cannot show: convert it to JPEG (on an iPhone: Settings → Camera → \
                 Formats → Most Compatible, or share/export it as JPEG) and update its `src`"
            ),
            PhotoErrorKind::Corrupt(detail) => write!(
                f,
                "photo `{p}` is damaged and cannot be decoded ({detail}): the file was probably cut \
                 short by an incomplete copy or upload; copy it again from the phone or camera, \
                 or open it in an image editor and save it again as JPEG"
            ),
            PhotoErrorKind::TooLarge { width, height, max_pixels } => write!(
                f,
                "photo `{p}` is {width}×{height} pixels ({:.1} megapixels), over the limit of \
                 {:.1} megapixels and 65535 pixels a side: scale it down (4000 pixels wide is \
                 plenty for the web) before adding it",
                (*width as f64 * *height as f64) / 1e6,
                *max_pixels as f64 / 1e6
            ),
            PhotoErrorKind::Encode(detail) => write!(
                f,
                "photo `{p}` could not be re-encoded ({detail}): open it in an image editor, save \
                 it again as an ordinary JPEG and try again"
            ),
            PhotoErrorKind::Cache { dir, detail } => write!(
                f,
                "processed versions of photo `{p}` could not be written to the cache folder `{}` \
                 ({detail}): check free disk space and that the folder is writable",
                dir.display()
            ),
        }
    }
}

impl std::error::Error for PhotoError {}

/// Counters since the process started (or the last [`reset_cache_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Images whose pixels were decoded.
    pub decodes: usize,
    /// Calls answered from the cache.
    pub hits: usize,
    /// Calls that had to process the photo.
    pub misses: usize,
}

static DECODES: AtomicUsize = AtomicUsize::new(0);
static HITS: AtomicUsize = AtomicUsize::new(0);
static MISSES: AtomicUsize = AtomicUsize::new(0);
static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Seconds spent in each stage, summed over all threads since the process started (or the last
/// [`reset_cache_stats`]): where the time of a cold build goes.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StageTimes {
    /// Reading the source and hashing it, and reading the manifest.
    pub read_hash: f64,
    /// Decoding pixels (and converting to RGB8).
    pub decode: f64,
    /// ICC-to-sRGB conversion and EXIF orientation.
    pub orient: f64,
    /// Resampling variants and the OG crop.
    pub resize: f64,
    /// JPEG encoding.
    pub jpeg: f64,
    /// WebP encoding.
    pub webp: f64,
    /// Writing files to the cache.
    pub write: f64,
}

const STAGES: usize = 7;
static STAGE_NANOS: [AtomicU64; STAGES] = [const { AtomicU64::new(0) }; STAGES];
const READ_HASH: usize = 0;
const DECODE: usize = 1;
const ORIENT: usize = 2;
const RESIZE: usize = 3;
const JPEG: usize = 4;
const WEBP: usize = 5;
const WRITE: usize = 6;

fn timed<T>(stage: usize, f: impl FnOnce() -> T) -> T {
    let t = std::time::Instant::now();
    let r = f();
    STAGE_NANOS[stage].fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
    r
}

/// Time per stage, summed over threads; see [`StageTimes`].
pub fn stage_times() -> StageTimes {
    let s = |i: usize| STAGE_NANOS[i].load(Ordering::Relaxed) as f64 / 1e9;
    StageTimes {
        read_hash: s(READ_HASH),
        decode: s(DECODE),
        orient: s(ORIENT),
        resize: s(RESIZE),
        jpeg: s(JPEG),
        webp: s(WEBP),
        write: s(WRITE),
    }
}

/// Process-wide counters of decodes, cache hits and misses.
pub fn cache_stats() -> CacheStats {
    CacheStats {
        decodes: DECODES.load(Ordering::SeqCst),
        hits: HITS.load(Ordering::SeqCst),
        misses: MISSES.load(Ordering::SeqCst),
    }
}

/// Set the counters of [`cache_stats`] back to zero.
pub fn reset_cache_stats() {
    DECODES.store(0, Ordering::SeqCst);
    HITS.store(0, Ordering::SeqCst);
    MISSES.store(0, Ordering::SeqCst);
    for n in &STAGE_NANOS {
        n.store(0, Ordering::Relaxed);
    }
}

/// Process one photo: see the crate documentation. Files go to `cache_dir` (created if missing);
/// the returned [`Variant::file_name`]s are relative to it.
pub fn process(
    source: &Path,
    cache_dir: &Path,
    settings: &PhotoSettings,
) -> Result<Processed, PhotoError> {
    let (bytes, key, manifest_path, cached) = timed(READ_HASH, || {
        let bytes = fs::read(source).map_err(|e| read_error(source, e))?;
        let mut hasher = blake3::Hasher::new();
        hasher.update(settings.key_material().as_bytes());
        hasher.update(&[0]);
        hasher.update(&bytes);
        let key = hasher.finalize().to_hex()[..KEY_LEN].to_string();
        let manifest_path = cache_dir.join(format!("{key}.json"));
        let cached = read_manifest(&manifest_path, cache_dir);
        Ok((bytes, key, manifest_path, cached))
    })?;
    if let Some(mut cached) = cached {
        HITS.fetch_add(1, Ordering::SeqCst);
        cached.cache_hit = true;
        return Ok(cached);
    }
    MISSES.fetch_add(1, Ordering::SeqCst);

    let format = sniff(source, &bytes)?;
    let pixels = decode(source, &bytes, format, settings)?;
    drop(bytes);

    fs::create_dir_all(cache_dir).map_err(|e| cache_error(source, cache_dir, e))?;
    let processed = make_outputs(source, cache_dir, &key, pixels, settings)?;

    let json = serde_json::to_vec_pretty(&processed).expect("manifest serialises");
    timed(WRITE, || write_atomic(&manifest_path, &json))
        .map_err(|e| cache_error(source, cache_dir, e))?;
    Ok(processed)
}

/// Length of the hex cache key that starts every file name in the cache.
const KEY_LEN: usize = 20;

/// Remove from `cache_dir` every file this crate wrote that none of `keep` uses (photos deleted
/// or changed since, old settings), and temp files left by an interrupted build. Files whose
/// names do not follow this crate's pattern (`<20 hex>-<label>.jpg|webp`, `<20 hex>.json`,
/// `.<20 hex>….tmp`) are never touched. Returns how many files were removed.
/// Call it after a complete build, with the [`Processed`] of every photo the site uses, and not
/// while another build writes to the same cache.
pub fn prune_cache<'a>(
    cache_dir: &Path,
    keep: impl IntoIterator<Item = &'a Processed>,
) -> io::Result<usize> {
    let keys: std::collections::HashSet<String> = keep
        .into_iter()
        .filter_map(|p| p.full.file_name.get(..KEY_LEN).map(str::to_string))
        .collect();
    let entries = match fs::read_dir(cache_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in entries {
        let entry = entry?;
        let Ok(name) = entry.file_name().into_string() else {
            continue;
        };
        let is_key = |k: &str| {
            k.len() == KEY_LEN && k.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        };
        // Temp files are `.<final name>.<pid>.<n>.tmp`, and final names start with the key.
        let ours_tmp = name.starts_with('.')
            && name.ends_with(".tmp")
            && name.get(1..=KEY_LEN).is_some_and(is_key);
        let key = name.get(..KEY_LEN).unwrap_or("");
        let rest = name.get(KEY_LEN..).unwrap_or("");
        let ours = is_key(key)
            && (rest == ".json"
                || (rest.starts_with('-') && (rest.ends_with(".jpg") || rest.ends_with(".webp"))));
        if (ours_tmp || (ours && !keys.contains(key))) && entry.file_type()?.is_file() {
            fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    Ok(removed)
}

fn read_error(source: &Path, e: io::Error) -> PhotoError {
    if e.kind() == io::ErrorKind::NotFound {
        PhotoError::new(source, PhotoErrorKind::NotFound)
    } else {
        PhotoError::new(source, PhotoErrorKind::Unreadable(e.to_string()))
    }
}

fn cache_error(source: &Path, dir: &Path, e: io::Error) -> PhotoError {
    PhotoError::new(
        source,
        PhotoErrorKind::Cache {
            dir: dir.to_path_buf(),
            detail: e.to_string(),
        },
    )
}

/// A manifest is trusted only if it parses and every file it names exists with the recorded size
/// (so a variant lost or cut short by a crash makes the photo be processed again).
fn read_manifest(path: &Path, cache_dir: &Path) -> Option<Processed> {
    let data = fs::read(path).ok()?;
    let p: Processed = serde_json::from_slice(&data).ok()?;
    for v in p.files() {
        let meta = fs::metadata(v.path(cache_dir)).ok()?;
        if meta.len() != v.bytes {
            return None;
        }
    }
    Some(p)
}

/// Write `data` to `path` so that readers see either the old file, nothing, or all of `data`.
fn write_atomic(path: &Path, data: &[u8]) -> io::Result<()> {
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let file_name = path.file_name().and_then(|s| s.to_str()).unwrap_or("out");
    let tmp = path.with_file_name(format!(".{file_name}.{}.{n}.tmp", std::process::id()));
    let result = fs::write(&tmp, data).and_then(|()| fs::rename(&tmp, path));
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

// ---------------------------------------------------------------------------------------------
// Recognising and decoding the source

/// Decide the format from the bytes (not the file name).
fn sniff(source: &Path, bytes: &[u8]) -> Result<ImageFormat, PhotoError> {
    let err = |kind| Err(PhotoError::new(source, kind));
    // ISO base media file ("....ftyp<brand>"): HEIC/HEIF, AVIF.
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brands: Vec<&[u8]> = std::iter::once(&bytes[8..12])
            .chain({
                let box_len = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]) as usize;
                let end = box_len.min(bytes.len()).max(16);
                bytes.get(16..end).unwrap_or(&[]).chunks_exact(4)
            })
            .collect();
        let has = |list: &[&[u8]]| brands.iter().any(|b| list.contains(b));
        if has(&[b"avif", b"avis"]) {
            return err(PhotoErrorKind::Unsupported("AVIF".into()));
        }
        if has(&[
            b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs", b"mif1",
            b"msf1",
        ]) {
            return err(PhotoErrorKind::Heic);
        }
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(f),
        Ok(other) => err(PhotoErrorKind::Unsupported(format_name(other))),
        Err(_) => {
            if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
                return err(PhotoErrorKind::Unsupported("TIFF/RAW".into()));
            }
            err(PhotoErrorKind::NotAnImage {
                looks_like_text: looks_like_text(bytes),
            })
        }
    }
}

fn format_name(f: ImageFormat) -> String {
    f.extensions_str()
        .first()
        .map(|e| e.to_ascii_uppercase())
        .unwrap_or_else(|| format!("{f:?}"))
}

fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    !head.is_empty()
        && (std::str::from_utf8(head).is_ok()
            || head.iter().all(|&b| b >= 0x20 || b"\t\r\n".contains(&b)))
        && !head.contains(&0)
}

/// A JPEG whose scan data has no end-of-image marker was cut short. The entropy-coded data can
/// not contain `FF D9` (a data `FF` is always followed by `00` or a restart marker), so any
/// `FF D9` after the first start-of-scan marks a complete image; an appended MPF/Samsung trailer
/// after it does not matter. zune-jpeg would otherwise decode the missing part as grey.
fn jpeg_truncated(bytes: &[u8]) -> Option<&'static str> {
    let mut i = 2; // after SOI
    loop {
        // Skip fill bytes.
        while i < bytes.len() && bytes[i] == 0xFF && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if i + 4 > bytes.len() {
            return Some("the file ends inside its headers");
        }
        if bytes[i] != 0xFF {
            return None; // unusual layout: let the decoder judge
        }
        let marker = bytes[i + 1];
        if matches!(marker, 0x01 | 0xD0..=0xD8) {
            i += 2; // stand-alone markers carry no length
            continue;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        if marker == 0xDA {
            let scan = bytes.get(i + 2 + len..).unwrap_or(&[]);
            let complete = scan.windows(2).any(|w| w == [0xFF, 0xD9]);
            return if complete {
                None
            } else {
                Some("the image data ends early; the file is truncated")
            };
        }
        if marker == 0xD9 {
            return Some("the file has no image data");
        }
        i += 2 + len;
    }
}

struct Pixels {
    /// Packed RGB8, upright.
    rgb: Vec<u8>,
    width: u32,
    height: u32,
}

fn decode(
    source: &Path,
    bytes: &[u8],
    format: ImageFormat,
    settings: &PhotoSettings,
) -> Result<Pixels, PhotoError> {
    let corrupt = |e: image::ImageError| classify_image_error(source, e);

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // Enough for the largest allowed photo as RGBA8 plus the decoders' working memory; a 16-bit
    // RGBA photo at the pixel limit is refused as too large rather than risking the memory.
    limits.max_alloc = Some(
        settings
            .max_pixels
            .saturating_mul(4)
            .saturating_add(64 << 20),
    );
    reader.limits(limits);
    // Reads the headers only.
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    if width as u64 * height as u64 > settings.max_pixels || width > 65535 || height > 65535 {
        return Err(PhotoError::new(
            source,
            PhotoErrorKind::TooLarge {
                width,
                height,
                max_pixels: settings.max_pixels,
            },
        ));
    }
    // Only once the header's size is known to be within the budget: a bomb is refused as too
    // large whatever its scan data looks like.
    if format == ImageFormat::Jpeg {
        if let Some(why) = jpeg_truncated(bytes) {
            return Err(PhotoError::new(source, PhotoErrorKind::Corrupt(why.into())));
        }
    }
    if width == 0 || height == 0 {
        return Err(PhotoError::new(
            source,
            PhotoErrorKind::Corrupt("the image is 0 pixels wide".into()),
        ));
    }
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let icc = decoder.icc_profile().ok().flatten();

    DECODES.fetch_add(1, Ordering::SeqCst);
    let mut rgb =
        timed(DECODE, || DynamicImage::from_decoder(decoder).map(to_rgb8)).map_err(corrupt)?;

    let rgb = timed(ORIENT, || {
        if let Some(icc) = icc {
            to_srgb(&icc, &mut rgb);
        }
        let mut img = DynamicImage::ImageRgb8(rgb);
        img.apply_orientation(orientation);
        img.into_rgb8()
    });
    let (width, height) = rgb.dimensions();
    Ok(Pixels {
        rgb: rgb.into_raw(),
        width,
        height,
    })
}

fn classify_image_error(source: &Path, e: image::ImageError) -> PhotoError {
    use image::ImageError as E;
    let kind = match e {
        E::Limits(_) => PhotoErrorKind::Corrupt(
            "decoding it would need more memory than a photo of the allowed size; it is either \
             damaged or a 16-bit image too large to process"
                .into(),
        ),
        E::Unsupported(u) => PhotoErrorKind::Unsupported(format!("variant of this format ({u})")),
        E::IoError(ioe) if ioe.kind() == io::ErrorKind::UnexpectedEof => {
            PhotoErrorKind::Corrupt("the file ends early; it is truncated".into())
        }
        other => PhotoErrorKind::Corrupt(other.to_string()),
    };
    PhotoError::new(source, kind)
}

/// Any decoded colour type to packed RGB8; transparency is flattened onto white (JPEG has no
/// alpha, and photos rarely do).
fn to_rgb8(img: DynamicImage) -> image::RgbImage {
    if !img.has_alpha() {
        return img.into_rgb8();
    }
    let rgba = img.into_rgba8();
    let (w, h) = rgba.dimensions();
    let mut out = Vec::with_capacity(w as usize * h as usize * 3);
    for px in rgba.as_raw().chunks_exact(4) {
        let a = px[3] as u32;
        for &c in &px[..3] {
            out.push(((c as u32 * a + 255 * (255 - a) + 127) / 255) as u8);
        }
    }
    image::RgbImage::from_raw(w, h, out).expect("buffer size matches")
}

/// Convert pixels tagged with an RGB ICC profile to sRGB, so that publishing them without the
/// profile keeps their colours. Profiles with sRGB primaries are taken as sRGB (no work);
/// a profile that cannot be parsed is ignored.
fn to_srgb(icc: &[u8], rgb: &mut image::RgbImage) {
    use moxcms::{ColorProfile, DataColorSpace, Layout, TransformOptions};
    let Ok(profile) = ColorProfile::new_from_slice(icc) else {
        return;
    };
    if profile.color_space != DataColorSpace::Rgb {
        return;
    }
    let srgb = ColorProfile::new_srgb();
    let close = |a: moxcms::Xyzd, b: moxcms::Xyzd| {
        (a.x - b.x).abs() < 0.003 && (a.y - b.y).abs() < 0.003 && (a.z - b.z).abs() < 0.003
    };
    if profile.lut_a_to_b_perceptual.is_none()
        && close(profile.red_colorant, srgb.red_colorant)
        && close(profile.green_colorant, srgb.green_colorant)
        && close(profile.blue_colorant, srgb.blue_colorant)
    {
        return;
    }
    let Ok(transform) =
        profile.create_transform_8bit(Layout::Rgb, &srgb, Layout::Rgb, TransformOptions::default())
    else {
        return;
    };
    let mut out = vec![0u8; rgb.as_raw().len()];
    if transform.transform(rgb.as_raw(), &mut out).is_ok() {
        rgb.copy_from_slice(&out);
    }
}

// ---------------------------------------------------------------------------------------------
// Making the outputs

struct Plane {
    rgb: Vec<u8>,
    width: u32,
    height: u32,
}

fn make_outputs(
    source: &Path,
    cache_dir: &Path,
    key: &str,
    full: Pixels,
    settings: &PhotoSettings,
) -> Result<Processed, PhotoError> {
    let full = Plane {
        rgb: full.rgb,
        width: full.width,
        height: full.height,
    };
    let (w0, h0) = (full.width, full.height);
    let jq = settings.jpeg_quality.clamp(1, 100);
    let wq = settings.webp_quality.clamp(0.0, 100.0);
    let mut resizer = fir::Resizer::new();

    let write =
        |name: String, data: Vec<u8>, width, height, format| -> Result<Variant, PhotoError> {
            timed(WRITE, || write_atomic(&cache_dir.join(&name), &data))
                .map_err(|e| cache_error(source, cache_dir, e))?;
            Ok(Variant {
                file_name: name,
                width,
                height,
                format,
                bytes: data.len() as u64,
            })
        };

    // Target widths: the configured ones that fit, plus the photo's own width when a larger one
    // was skipped (so the srcset reaches full resolution).
    let configured = settings.sorted_widths();
    let mut widths: Vec<u32> = configured.iter().copied().filter(|&w| w <= w0).collect();
    if configured.iter().any(|&w| w > w0) && !widths.contains(&w0) {
        widths.push(w0);
    }

    // Largest first, each one resampled from the previous (smaller) result: a Lanczos-3 cascade
    // costs a fraction of resampling the full photo every time.
    let mut planes: Vec<Plane> = Vec::new();
    for &w in widths.iter().rev() {
        let h = ((h0 as u64 * w as u64 + w0 as u64 / 2) / w0 as u64).max(1) as u32;
        let src = planes.last().unwrap_or(&full);
        let plane = if w == src.width {
            Plane {
                rgb: src.rgb.clone(),
                width: w,
                height: h,
            }
        } else {
            resize(&mut resizer, src, w, h, None)
        };
        planes.push(plane);
    }
    planes.reverse();

    let mut variants = Vec::with_capacity(planes.len() * 2);
    for p in &planes {
        let jpg = encode_jpeg(&p.rgb, p.width, p.height, jq).map_err(|e| enc_err(source, e))?;
        variants.push(write(
            format!("{key}-{}.jpg", p.width),
            jpg,
            p.width,
            p.height,
            Format::Jpeg,
        )?);
        let webp = encode_webp(&p.rgb, p.width, p.height, wq).map_err(|e| enc_err(source, e))?;
        variants.push(write(
            format!("{key}-{}.webp", p.width),
            webp,
            p.width,
            p.height,
            Format::Webp,
        )?);
    }

    let og = if settings.og {
        // Cover crop: the largest 40:21 window, centred, scaled to 1200×630 (never up).
        let (tw, th) = (OG_WIDTH as u64, OG_HEIGHT as u64);
        // The smallest plane that still covers 1200×630 at scale ≤ 1, else the full photo.
        let src = planes
            .iter()
            .find(|p| p.width as u64 >= tw && p.height as u64 >= th)
            .unwrap_or(&full);
        let (sw, sh) = (src.width as u64, src.height as u64);
        let (cw, ch) = if sw * th > sh * tw {
            (((sh * tw) as f64 / th as f64), sh as f64)
        } else {
            (sw as f64, ((sw * th) as f64 / tw as f64))
        };
        let (ow, oh) = if sw >= tw && sh >= th {
            (OG_WIDTH, OG_HEIGHT)
        } else {
            ((cw.round() as u32).max(1), (ch.round() as u32).max(1))
        };
        let crop = ((sw as f64 - cw) / 2.0, (sh as f64 - ch) / 2.0, cw, ch);
        let plane = resize(&mut resizer, src, ow, oh, Some(crop));
        let jpg = encode_jpeg(&plane.rgb, ow, oh, jq).map_err(|e| enc_err(source, e))?;
        Some(write(format!("{key}-og.jpg"), jpg, ow, oh, Format::Jpeg)?)
    } else {
        None
    };
    drop(planes);

    let jpg = encode_jpeg(&full.rgb, w0, h0, jq).map_err(|e| enc_err(source, e))?;
    let full_variant = write(format!("{key}-full.jpg"), jpg, w0, h0, Format::Jpeg)?;

    Ok(Processed {
        width: w0,
        height: h0,
        variants,
        full: full_variant,
        og,
        cache_hit: false,
    })
}
