//! Benchmark driver: `bench PHOTOS_DIR CACHE_DIR [THREADS]` processes every .jpg/.png/.webp in
//! PHOTOS_DIR with the default settings on a rayon pool of THREADS (default 2) threads, and prints
//! one line of figures: photos, decodes, cache hits, output files and bytes, wall seconds, and the
//! summed time of each stage.

use std::path::PathBuf;
use std::time::Instant;

use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = PathBuf::from(
        args.get(1)
            .expect("usage: bench PHOTOS_DIR CACHE_DIR [THREADS]"),
    );
    let cache = PathBuf::from(
        args.get(2)
            .expect("usage: bench PHOTOS_DIR CACHE_DIR [THREADS]"),
    );
    let threads: usize = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(2);
    let mut photos: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("jpg" | "jpeg" | "png" | "webp")
            )
        })
        .collect();
    photos.sort();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let settings = dvk_photos::PhotoSettings::default();
    let t = Instant::now();
    let results: Vec<_> = pool.install(|| {
        photos
            .par_iter()
            .map(|p| dvk_photos::process(p, &cache, &settings).unwrap_or_else(|e| panic!("{e}")))
            .collect()
    });
    let wall = t.elapsed().as_secs_f64();
    let s = dvk_photos::cache_stats();
    let files: usize = results.iter().map(|r| r.files().count()).sum();
    let bytes: u64 = results
        .iter()
        .flat_map(|r| r.files())
        .map(|v| v.bytes)
        .sum();
    let t = dvk_photos::stage_times();
    println!(
        "photos={} threads={threads} decodes={} hits={} misses={} files={files} out_MB={:.1} wall_s={:.2} \
         stage_s_summed_over_threads: read+hash={:.2} decode={:.2} orient+colour={:.2} resize={:.2} jpeg={:.2} webp={:.2} write={:.2}",
        photos.len(),
        s.decodes,
        s.hits,
        s.misses,
        bytes as f64 / 1e6,
        wall,
        t.read_hash, t.decode, t.orient, t.resize, t.jpeg, t.webp, t.write
    );
}
