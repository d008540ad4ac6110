//! Precompressed copies of the output's text files (`dvk build --precompress`, or
//! `publish: { precompress: true }` in site.yaml): a `.gz` and a `.br` beside every HTML, CSS,
//! JavaScript, JSON, XML, SVG, CSV and text file of at least [`MIN_SIZE`] bytes, for web servers
//! that send a stored compressed file instead of compressing each answer (nginx `gzip_static`
//! and `brotli_static`, Apache and IIS rewrites, Caddy `precompressed`; see docs/xuat-ban.md).
//!
//! Each copy decompresses to exactly the file. A file unchanged since the previous build keeps
//! the previous build's copies (linked in, not compressed again); a changed file is compressed
//! once, in parallel. The levels are the fastest that still compress well, for the cost budget
//! of issue 26 (at most +30 % of a build's CPU time): gzip level [`GZIP_LEVEL`] (zlib-rs) and
//! brotli quality [`BROTLI_QUALITY`] with a window fitted to the file and the whole file given
//! to the encoder at once. A rebuild after an edit stays within the budget; a build from
//! nothing does not (every byte of text has to be compressed twice, and no gzip or brotli level
//! is fast enough for that): BENCHMARKS.md, "Precompression", has the figures.

use crate::diag::Diagnostic;
use crate::output::{BuiltFile, Staging};
use rayon::prelude::*;
use std::io::{self, Write};
use std::path::Path;

/// Files smaller than this are not worth compressing (a server sends them as they are).
pub const MIN_SIZE: u64 = 1024;

/// The extensions of the text files that get compressed copies.
pub const EXTENSIONS: &[&str] = &["html", "css", "js", "json", "xml", "svg", "csv", "txt"];

/// gzip (deflate) level: 1 fastest … 9 smallest. Level 1 (zlib-rs's quick strategy) costs 40 %
/// of level 6 for copies about 38 % larger; browsers that accept brotli get the `.br` instead.
pub const GZIP_LEVEL: u32 = 1;

/// Brotli quality: 0 fastest … 11 smallest. Quality 1 costs 40 % of quality 4 for copies about
/// 17 % larger, and 1.5 % smaller than quality 0 for 8 % more CPU.
pub const BROTLI_QUALITY: u32 = 1;

/// What a precompression pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Files compressed now (each gave a `.gz` and a `.br`).
    pub compressed: usize,
    /// Files unchanged since the last build whose previous copies were kept.
    pub kept: usize,
}

/// True for an output path whose file gets compressed copies (by extension; size aside).
pub fn is_text(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => {
            let ext = ext.to_ascii_lowercase();
            EXTENSIONS.contains(&ext.as_str())
        }
        _ => false,
    }
}

/// The gzip copy of `bytes` (no name, time 0 in the header: the same bytes give the same file).
pub fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    gzip_at(bytes, GZIP_LEVEL)
}

fn gzip_at(bytes: &[u8], level: u32) -> io::Result<Vec<u8>> {
    let mut enc = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(bytes.len() / 3 + 64),
        flate2::Compression::new(level),
    );
    enc.write_all(bytes)?;
    enc.finish()
}

/// The brotli copy of `bytes`, with a window no larger than the file needs.
pub fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    brotli_at(bytes, BROTLI_QUALITY)
}

fn brotli_at(bytes: &[u8], quality: u32) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: quality as i32,
        lgwin: window_bits(bytes.len()),
        size_hint: bytes.len(),
        ..Default::default()
    };
    let mut out = Vec::with_capacity(bytes.len() / 3 + 64);
    // The whole file in one input buffer: at the fast qualities (0 and 1) the encoder compresses
    // what each read gives as its own meta-block, with its own prefix codes, so the 4 KiB reads
    // of `BrotliCompress` made the copies 28 % larger and the compression 1.6× slower.
    let mut input = vec![0u8; bytes.len().max(1)];
    let mut output = [0u8; 16 << 10];
    brotli::BrotliCompressCustomAlloc(
        &mut &bytes[..],
        &mut out,
        &mut input,
        &mut output,
        &params,
        brotli::enc::StandardAlloc::default(),
    )?;
    Ok(out)
}

/// The brotli window (log2 of its size, 10 to 24) that holds a file of `len` bytes.
fn window_bits(len: usize) -> i32 {
    let bits = usize::BITS - len.max(1).saturating_sub(1).leading_zeros();
    bits.clamp(10, 24) as i32
}

/// Adds the compressed copies of every text file of the output built so far. Errors (a file
/// that cannot be read or written) are returned, one per file.
pub fn run(staging: &Staging) -> (Summary, Vec<Diagnostic>) {
    let files: Vec<BuiltFile> = staging
        .files_so_far()
        .into_iter()
        .filter(|f| is_text(&f.rel))
        .collect();
    let results: Vec<Result<bool, Diagnostic>> = files
        .par_iter()
        .filter_map(|f| {
            let size = std::fs::metadata(&f.path).map(|m| m.len()).ok()?;
            (size >= MIN_SIZE).then(|| one(staging, f))
        })
        .collect();
    let mut summary = Summary::default();
    let mut diags = Vec::new();
    for r in results {
        match r {
            Ok(true) => summary.kept += 1,
            Ok(false) => summary.compressed += 1,
            Err(d) => diags.push(d),
        }
    }
    (summary, diags)
}

/// Compresses one file, or keeps the previous copies of an unchanged one: true when kept.
fn one(staging: &Staging, f: &BuiltFile) -> Result<bool, Diagnostic> {
    let gz = format!("{}.gz", f.rel);
    let br = format!("{}.br", f.rel);
    if f.unchanged && staging.keep_previous(&gz) {
        if staging.keep_previous(&br) {
            return Ok(true);
        }
        // Only the .br is missing (an interrupted older layout): make it.
        return compress_into(staging, f, &[(br.as_str(), brotli)]).map(|()| false);
    }
    compress_into(staging, f, &[(gz.as_str(), gzip), (br.as_str(), brotli)]).map(|()| false)
}

type Compressor = fn(&[u8]) -> io::Result<Vec<u8>>;

fn compress_into(
    staging: &Staging,
    f: &BuiltFile,
    outputs: &[(&str, Compressor)],
) -> Result<(), Diagnostic> {
    let failed = |rel: &str, e: io::Error| {
        Diagnostic::error(
            Path::new(rel),
            0,
            0,
            crate::msg!("publish.compress_failed", error = e),
        )
    };
    let bytes = std::fs::read(&f.path).map_err(|e| failed(&f.rel, e))?;
    for (rel, compress) in outputs {
        let packed = compress(&bytes).map_err(|e| failed(rel, e))?;
        staging.write(rel, &packed).map_err(|e| failed(rel, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn gunzip(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    fn unbrotli(b: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        brotli::Decompressor::new(b, 4096)
            .read_to_end(&mut out)
            .unwrap();
        out
    }

    #[test]
    fn text_files_are_chosen_by_extension() {
        for yes in [
            "index.html",
            "a/style.3f2a.css",
            "x.JSON",
            "du-lieu/mo-hinh.csv",
            "robots.txt",
        ] {
            assert!(is_text(yes), "{yes}");
        }
        for no in [
            "anh/a.jpg",
            "x.html.gz",
            "tim-kiem/i/1/w/0.bin",
            ".html",
            "README",
        ] {
            assert!(!is_text(no), "{no}");
        }
    }

    #[test]
    fn both_copies_decompress_to_exactly_the_file() {
        let text = "Dân vận khéo — mô hình “hiến đất làm đường”. ".repeat(400);
        for input in [text.as_bytes(), b"", &[0u8, 255, 13, 10][..]] {
            assert_eq!(gunzip(&gzip(input).unwrap()), input);
            assert_eq!(unbrotli(&brotli(input).unwrap()), input);
        }
        assert!(gzip(text.as_bytes()).unwrap().len() < text.len() / 5);
        // The same bytes give the same copy (no time stamp), so an unchanged file's copy is too.
        assert_eq!(
            gzip(text.as_bytes()).unwrap(),
            gzip(text.as_bytes()).unwrap()
        );
    }

    #[test]
    fn brotli_is_given_the_whole_file() {
        // Read in 4 KiB pieces (`BrotliCompress`), the fast qualities compress each piece as a
        // meta-block of its own, with its own codes: much larger copies.
        let text = [
            &include_bytes!("../BENCHMARKS.md")[..],
            include_bytes!("../docs/noi-dung.md"),
            include_bytes!("../docs/xuat-ban.md"),
        ]
        .concat();
        let text = &text[..];
        assert!(text.len() > 32 << 10);
        let whole = brotli(text).unwrap();
        assert_eq!(unbrotli(&whole), text);
        let params = brotli::enc::BrotliEncoderParams {
            quality: BROTLI_QUALITY as i32,
            lgwin: window_bits(text.len()),
            size_hint: text.len(),
            ..Default::default()
        };
        let mut pieces = Vec::new();
        brotli::BrotliCompress(&mut &text[..], &mut pieces, &params).unwrap();
        assert!(
            whole.len() * 100 < pieces.len() * 90,
            "whole {} pieces {}",
            whole.len(),
            pieces.len()
        );
    }

    #[test]
    fn window_fits_the_file() {
        assert_eq!(window_bits(0), 10);
        assert_eq!(window_bits(1024), 10);
        assert_eq!(window_bits(1025), 11);
        assert_eq!(window_bits(100_000), 17);
        assert_eq!(window_bits(usize::MAX), 24);
    }
}

/// Throughput of each level on real output: `DVK_PRECOMPRESS_BENCH=public/ cargo test --lib
/// precompress::bench -- --ignored --nocapture` (how the levels above were chosen).
// An on-demand measurement; RUSAGE_THREAD is Linux's.
#[cfg(all(test, target_os = "linux"))]
mod bench {
    #[test]
    #[ignore]
    fn levels() {
        let Ok(dir) = std::env::var("DVK_PRECOMPRESS_BENCH") else {
            return;
        };
        let files: Vec<Vec<u8>> = walkdir::WalkDir::new(dir)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && super::is_text(&e.path().to_string_lossy()))
            .map(|e| std::fs::read(e.path()).unwrap())
            .filter(|b| b.len() >= 1024)
            .collect();
        let total: usize = files.iter().map(Vec::len).sum();
        let cpu = || {
            let mut u: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: getrusage fills the struct.
            unsafe { libc::getrusage(libc::RUSAGE_THREAD, &mut u) };
            u.ru_utime.tv_sec as f64 + u.ru_utime.tv_usec as f64 / 1e6
        };
        let total_out =
            |compress: &dyn Fn(&[u8]) -> usize| files.iter().map(|f| compress(f)).sum::<usize>();
        let report = |name: String, s: f64, out: usize| {
            println!(
                "{name}: {s:.2} s, {:.1} MB/s, ratio {:.3}",
                total as f64 / s / 1e6,
                out as f64 / total as f64
            )
        };
        println!("{} files, {total} bytes", files.len());
        for level in [1u32, 2, 4, 6] {
            let t = cpu();
            let out = total_out(&|f| super::gzip_at(f, level).unwrap().len());
            report(format!("gzip {level}"), cpu() - t, out);
        }
        for q in [0u32, 1, 2, 3, 4] {
            let t = cpu();
            let out = total_out(&|f| super::brotli_at(f, q).unwrap().len());
            report(format!("brotli {q}"), cpu() - t, out);
        }
    }
}
