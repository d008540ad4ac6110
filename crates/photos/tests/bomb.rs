//! A PNG whose header claims 20000×20000 pixels (400 MP, 1.2 GB of RGB) is refused from its
//! header, fast and without a large allocation. A counting allocator in this test binary records
//! the largest single allocation made while `process` runs.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::*;
use dvk_photos::{process, PhotoErrorKind, PhotoSettings};

struct Counting;
static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LARGEST.fetch_max(l.size(), Ordering::SeqCst);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        LARGEST.fetch_max(l.size(), Ordering::SeqCst);
        unsafe { System.alloc_zeroed(l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, n: usize) -> *mut u8 {
        LARGEST.fetch_max(n, Ordering::SeqCst);
        unsafe { System.realloc(p, l, n) }
    }
}

#[global_allocator]
static A: Counting = Counting;

/// The tests of this file measure a process-wide maximum: they take turns.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn png_claiming_20000x20000_fails_fast_without_allocating() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    for (name, w, h) in [("bomb.png", 20000u32, 20000u32), ("wide.png", 200_000, 10)] {
        let src = dir.path().join(name);
        std::fs::write(&src, png_bomb_header(w, h)).unwrap();
        LARGEST.store(0, Ordering::SeqCst);
        let t = Instant::now();
        let e = process(&src, &cache, &PhotoSettings::default()).unwrap_err();
        let took = t.elapsed();
        let largest = LARGEST.load(Ordering::SeqCst);
        assert!(
            matches!(e.kind(), PhotoErrorKind::TooLarge { width, height, .. } if (*width, *height) == (w, h)),
            "{e:?}"
        );
        assert!(e.to_string().contains("megapixels"), "{e}");
        assert!(took < Duration::from_secs(1), "took {took:?}");
        assert!(largest < 1 << 20, "largest allocation was {largest} bytes");
    }
}

#[test]
fn jpeg_header_over_the_limit_is_refused_before_decoding() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // A real 2000×1500 JPEG against a 1 MP limit: refused from the header, no big buffer.
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("big.jpg");
    let bytes = encode_jpeg(&marked_image(2000, 1500, 10));
    std::fs::write(&src, &bytes).unwrap();
    let s = PhotoSettings {
        max_pixels: 1_000_000,
        ..Default::default()
    };
    LARGEST.store(0, Ordering::SeqCst);
    let e = process(&src, &dir.path().join("cache"), &s).unwrap_err();
    assert!(matches!(e.kind(), PhotoErrorKind::TooLarge { .. }), "{e:?}");
    let largest = LARGEST.load(Ordering::SeqCst);
    // The file itself is read (once for the hash, once copied by the decoder): nothing near the
    // 9 MB of pixels.
    assert!(
        largest <= bytes.len() * 2 + 65536,
        "largest allocation {largest} for a {}-byte file",
        bytes.len()
    );
}

/// Issue 20, item 7: a JPEG of a few hundred bytes whose header says 10000×10000 (100 MP) was
/// decoded (975 MB, 2 s) because the budget was 100 MP inclusive. The budget is 50 MP and the
/// header alone decides, before the scan data is looked at.
#[test]
fn jpeg_header_claiming_10000x10000_is_refused_from_the_header() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("bom.jpg");
    let mut bytes = encode_jpeg(&marked_image(8, 8, 2));
    // Rewrite the frame header (SOF0: FF C0, length, precision, height, width) to 10000×10000.
    let sof = bytes
        .windows(2)
        .position(|w| w == [0xFF, 0xC0])
        .expect("baseline JPEG has SOF0");
    bytes[sof + 5..sof + 7].copy_from_slice(&10000u16.to_be_bytes());
    bytes[sof + 7..sof + 9].copy_from_slice(&10000u16.to_be_bytes());
    assert!(bytes.len() < 1024, "{} bytes", bytes.len());
    std::fs::write(&src, &bytes).unwrap();
    assert_eq!(PhotoSettings::default().max_pixels, 50_000_000);
    LARGEST.store(0, Ordering::SeqCst);
    let t = Instant::now();
    let e = process(&src, &dir.path().join("cache"), &PhotoSettings::default()).unwrap_err();
    let took = t.elapsed();
    assert!(
        matches!(
            e.kind(),
            PhotoErrorKind::TooLarge {
                width: 10000,
                height: 10000,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(took < Duration::from_millis(500), "took {took:?}");
    let largest = LARGEST.load(Ordering::SeqCst);
    assert!(largest < 1 << 20, "largest allocation was {largest} bytes");
}
