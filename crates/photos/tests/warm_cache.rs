//! A warm run decodes no image. Alone in its own test binary so that the process-wide decode
//! counter sees no other test's work.

mod common;

use common::*;
use dvk_photos::{cache_stats, process, PhotoSettings};

/// Default settings but for the widths, scaled down so that debug-build tests stay quick.
fn settings() -> PhotoSettings {
    PhotoSettings {
        widths: vec![100, 200],
        ..Default::default()
    }
}

#[test]
fn warm_run_decodes_zero_images() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join(".dvk-cache");
    let mut srcs = Vec::new();
    for i in 0..5u32 {
        let p = dir.path().join(format!("{i}.jpg"));
        std::fs::write(
            &p,
            jpeg_with_metadata(&marked_image(300 + i * 20, 200, 20), 6),
        )
        .unwrap();
        srcs.push(p);
    }
    let before = cache_stats();
    let cold: Vec<_> = srcs
        .iter()
        .map(|s| process(s, &cache, &settings()).unwrap())
        .collect();
    let mid = cache_stats();
    assert_eq!(mid.decodes - before.decodes, 5);
    assert_eq!(mid.misses - before.misses, 5);
    assert!(cold.iter().all(|p| !p.cache_hit));

    let warm: Vec<_> = srcs
        .iter()
        .map(|s| process(s, &cache, &settings()).unwrap())
        .collect();
    let after = cache_stats();
    assert_eq!(
        after.decodes - mid.decodes,
        0,
        "a warm run must decode no image"
    );
    assert_eq!(after.hits - mid.hits, 5);
    assert_eq!(after.misses, mid.misses);
    for (c, w) in cold.iter().zip(&warm) {
        assert!(w.cache_hit);
        let mut c2 = c.clone();
        c2.cache_hit = true;
        assert_eq!(&c2, w, "the warm answer is the cold one");
    }

    // max_pixels is not part of the key: still a hit.
    let s = PhotoSettings {
        max_pixels: 50_000_000,
        ..settings()
    };
    assert!(process(&srcs[0], &cache, &s).unwrap().cache_hit);
    assert_eq!(cache_stats().decodes, after.decodes);
}
