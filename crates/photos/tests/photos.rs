//! End-to-end tests of `dvk_photos::process` on real JPEG/PNG/WebP files made here.

mod common;

use std::fs;
use std::path::Path;

use common::*;
use dvk_photos::{process, Format, PhotoErrorKind, PhotoSettings, Processed, Variant};

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    fs::write(&p, bytes).unwrap();
    p
}

fn load(cache: &Path, v: &Variant) -> image::RgbImage {
    let bytes = fs::read(v.path(cache)).unwrap();
    let fmt = match v.format {
        Format::Jpeg => image::ImageFormat::Jpeg,
        Format::Webp => image::ImageFormat::WebP,
    };
    assert_eq!(
        image::guess_format(&bytes).unwrap(),
        fmt,
        "{} has the wrong format",
        v.file_name
    );
    let img = image::load_from_memory_with_format(&bytes, fmt)
        .unwrap()
        .into_rgb8();
    assert_eq!(
        img.dimensions(),
        (v.width, v.height),
        "{} decodes to other dimensions",
        v.file_name
    );
    img
}

/// No metadata at all in a published file: checked both by scanning for the planted bytes and
/// by walking the container's structure.
fn assert_clean(cache: &Path, v: &Variant) {
    let bytes = fs::read(v.path(cache)).unwrap();
    let name = &v.file_name;
    for (needle, what) in [
        (&gps_latitude_bytes()[..], "GPS latitude"),
        (&gps_longitude_bytes()[..], "GPS longitude"),
        (b"Exif".as_slice(), "Exif marker"),
        (b"EXIF".as_slice(), "EXIF chunk"),
        (b"MM\0\x2A".as_slice(), "TIFF header"),
        (b"PhoneCo".as_slice(), "camera make"),
        (b"http://ns.adobe.com".as_slice(), "XMP namespace"),
        (b"xmpmeta".as_slice(), "XMP packet"),
        (XMP_SECRET, "XMP GPS"),
        (b"Photoshop 3.0".as_slice(), "IPTC block"),
        (b"8BIM".as_slice(), "IPTC block"),
        (COMMENT, "JPEG comment"),
        (b"ICC_PROFILE".as_slice(), "ICC profile"),
    ] {
        assert!(!contains(&bytes, needle), "{name} contains the {what}");
    }
    match v.format {
        Format::Jpeg => {
            let markers = jpeg_header_markers(&bytes);
            for m in &markers {
                assert!(
                    !(0xE1..=0xEF).contains(m) && *m != 0xFE,
                    "{name} has an APP{}/COM segment: {markers:02X?}",
                    m - 0xE0
                );
            }
        }
        Format::Webp => {
            for c in webp_chunks(&bytes) {
                assert!(
                    [*b"VP8 ", *b"VP8L", *b"VP8X", *b"ALPH"].contains(&c),
                    "{name} has a {:?} chunk",
                    String::from_utf8_lossy(&c)
                );
            }
        }
    }
}

/// Default settings but for the widths, scaled down so that debug-build tests stay quick.
fn small() -> PhotoSettings {
    PhotoSettings {
        widths: vec![100, 200],
        ..Default::default()
    }
}

fn all_files(p: &Processed) -> Vec<&Variant> {
    p.files().collect()
}

#[test]
fn phone_jpeg_with_gps_and_rotation_is_published_upright_and_clean() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    // Stored landscape 480×320, EXIF orientation 6 (rotate 90° clockwise to display). Widths
    // scaled down from the defaults (480/960/1600) to keep the test quick in debug builds.
    let settings = PhotoSettings {
        widths: vec![160, 400, 1600],
        ..Default::default()
    };
    let stored = marked_image(480, 320, 48);
    let src_bytes = jpeg_with_metadata(&stored, 6);
    // The source really carries what we check for.
    assert!(contains(&src_bytes, &gps_latitude_bytes()));
    assert!(contains(&src_bytes, b"Exif\0\0"));
    let src = write(dir.path(), "hien-dat.jpg", &src_bytes);

    let p = process(&src, &cache, &settings).unwrap();
    assert!(!p.cache_hit);

    // Upright: width and height swapped.
    assert_eq!((p.width, p.height), (320, 480));
    assert_eq!((p.full.width, p.full.height), (320, 480));

    // Never upscaled: 160 fits, 400 and 1600 do not, so the photo's own width is the largest.
    let jpeg_widths: Vec<u32> = p.variants_of(Format::Jpeg).map(|v| v.width).collect();
    let webp_widths: Vec<u32> = p.variants_of(Format::Webp).map(|v| v.width).collect();
    assert_eq!(jpeg_widths, vec![160, 320]);
    assert_eq!(webp_widths, vec![160, 320]);
    for v in &p.variants {
        assert!(v.width <= p.width && v.height <= p.height);
        assert_eq!(v.height, (v.width as f64 * 480.0 / 320.0).round() as u32);
    }

    // The full-size copy is re-encoded, not the original bytes.
    let full_bytes = fs::read(p.full.path(&cache)).unwrap();
    assert_ne!(full_bytes, src_bytes);
    assert_eq!(p.full.format, Format::Jpeg);

    // Rotation 6 moves the stored top-left (red) to the top-right and the stored top-right
    // (green) to the bottom-right.
    for v in all_files(&p)
        .into_iter()
        .filter(|v| !v.file_name.ends_with("-og.jpg"))
    {
        let img = load(&cache, v);
        let m = img.width() / 40; // inset/size scale with the variant
        let tr = corner_colour(&img, Corner::TR, m, m);
        let br = corner_colour(&img, Corner::BR, m, m);
        let tl = corner_colour(&img, Corner::TL, m, m);
        let bl = corner_colour(&img, Corner::BL, m, m);
        assert!(
            is_red(tr),
            "{}: top-right should be red, is {tr:?}",
            v.file_name
        );
        assert!(
            is_green(br),
            "{}: bottom-right should be green, is {br:?}",
            v.file_name
        );
        assert!(
            !is_red(tl) && !is_green(tl),
            "{}: top-left is {tl:?}",
            v.file_name
        );
        assert!(
            !is_red(bl) && !is_green(bl),
            "{}: bottom-left is {bl:?}",
            v.file_name
        );
    }

    // Open Graph image: 1200×630 is larger than the 320-wide photo, so the largest 40:21 crop.
    let og = p.og.as_ref().unwrap();
    assert_eq!((og.width, og.height), (320, 168));
    load(&cache, og);

    // Nothing of the metadata survives anywhere.
    for v in all_files(&p) {
        assert_clean(&cache, v);
    }
    // Every file name is unique and content-hash based.
    let mut names: Vec<&str> = all_files(&p).iter().map(|v| v.file_name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), all_files(&p).len());
    // No temp files left behind.
    for e in fs::read_dir(&cache).unwrap() {
        let n = e.unwrap().file_name().into_string().unwrap();
        assert!(!n.contains(".tmp"), "temp file {n} left in the cache");
    }
}

#[test]
fn all_eight_exif_orientations_are_applied() {
    // Where the stored top-left (red) and top-right (green) corners must land when upright.
    use Corner::*;
    let expected = [
        (TL, TR),
        (TR, TL),
        (BR, BL),
        (BL, BR),
        (TL, BL),
        (TR, BR),
        (BR, TR),
        (BL, TL),
    ];
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let settings = PhotoSettings {
        widths: vec![100],
        og: false,
        ..Default::default()
    };
    let stored = marked_image(240, 160, 40);
    for (i, (red_at, green_at)) in expected.iter().enumerate() {
        let o = i as u16 + 1;
        let src = write(
            dir.path(),
            &format!("o{o}.jpg"),
            &jpeg_with_metadata(&stored, o),
        );
        let p = process(&src, &cache, &settings).unwrap();
        let swapped = o >= 5;
        assert_eq!(
            (p.width, p.height),
            if swapped { (160, 240) } else { (240, 160) },
            "orientation {o}"
        );
        for v in all_files(&p) {
            assert_clean(&cache, v);
            let img = load(&cache, v);
            let s = img.width().min(img.height()) / 20 + 1;
            let red = corner_colour(&img, *red_at, s, s);
            let green = corner_colour(&img, *green_at, s, s);
            assert!(
                is_red(red),
                "orientation {o}, {}: {red_at:?} should be red, is {red:?}",
                v.file_name
            );
            assert!(
                is_green(green),
                "orientation {o}, {}: {green_at:?} should be green, is {green:?}",
                v.file_name
            );
        }
    }
}

#[test]
fn large_photo_gets_every_width_in_both_formats_and_a_1200x630_og_image() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("nested/cache"); // created if missing
                                                 // 1600×1200: the smallest photo that gets every default width (the 1600 variant is a
                                                 // re-encode of the photo's own pixels).
    let stored = marked_image(1600, 1200, 100);
    let src = write(dir.path(), "a.jpg", &jpeg_with_metadata(&stored, 1));
    let p = process(&src, &cache, &PhotoSettings::default()).unwrap();
    assert_eq!((p.width, p.height), (1600, 1200));
    let got: Vec<(u32, u32, Format)> = p
        .variants
        .iter()
        .map(|v| (v.width, v.height, v.format))
        .collect();
    assert_eq!(
        got,
        vec![
            (480, 360, Format::Jpeg),
            (480, 360, Format::Webp),
            (960, 720, Format::Jpeg),
            (960, 720, Format::Webp),
            (1600, 1200, Format::Jpeg),
            (1600, 1200, Format::Webp),
        ]
    );
    let og = p.og.as_ref().unwrap();
    assert_eq!((og.width, og.height, og.format), (1200, 630, Format::Jpeg));
    for v in all_files(&p) {
        assert_clean(&cache, v);
        load(&cache, v);
        assert!(v.file_name.len() > 20 && v.file_name.ends_with(v.format.extension()));
    }
    // The variant for 960 px is smaller than the full-size copy (sanity of "light").
    let w960 = p
        .variants_of(Format::Webp)
        .find(|v| v.width == 960)
        .unwrap();
    assert!(w960.bytes < p.full.bytes);
}

#[test]
fn png_and_webp_sources_work() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let img = marked_image(350, 250, 25);
    let settings = PhotoSettings {
        widths: vec![200, 480],
        ..Default::default()
    };
    // PNG with alpha: transparent pixels are flattened onto white.
    let mut rgba = image::DynamicImage::ImageRgb8(img.clone()).into_rgba8();
    for y in 200..250 {
        for x in 0..350 {
            rgba.get_pixel_mut(x, y)[3] = 0;
        }
    }
    let mut png = Vec::new();
    rgba.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let mut webp = Vec::new();
    img.write_to(
        &mut std::io::Cursor::new(&mut webp),
        image::ImageFormat::WebP,
    )
    .unwrap();
    // A PNG named .jpg is fine: the format comes from the bytes.
    for (name, bytes) in [("a.png", &png), ("b.webp", &webp), ("png-named.jpg", &png)] {
        let src = write(dir.path(), name, bytes);
        let p = process(&src, &cache, &settings).unwrap();
        assert_eq!((p.width, p.height), (350, 250), "{name}");
        assert_eq!(p.variants.len(), 4, "{name}: 200 and 350, two formats");
        for v in all_files(&p) {
            assert_clean(&cache, v);
            let out = load(&cache, v);
            if Some(v) != p.og.as_ref() {
                assert!(
                    is_red(corner_colour(&out, Corner::TL, 2, 3)),
                    "{name}: {}",
                    v.file_name
                );
            }
            if name.contains("png")
                && v.format == Format::Jpeg
                && v.width == 350
                && Some(v) != p.og.as_ref()
            {
                let bottom = corner_colour(&out, Corner::BL, 10, 10);
                assert!(
                    bottom.iter().all(|&c| c > 240),
                    "{name}: transparent → white, got {bottom:?}"
                );
            }
        }
    }
}

#[test]
fn settings_change_the_cache_key_and_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let src = write(
        dir.path(),
        "a.jpg",
        &jpeg_with_metadata(&marked_image(300, 200, 20), 1),
    );
    let a = process(&src, &cache, &small()).unwrap();
    let b = process(
        &src,
        &cache,
        &PhotoSettings {
            jpeg_quality: 60,
            ..small()
        },
    )
    .unwrap();
    assert!(!b.cache_hit);
    assert_ne!(a.full.file_name, b.full.file_name);
    let c = process(&src, &cache, &small()).unwrap();
    assert!(c.cache_hit);
    assert_eq!(a.full.file_name, c.full.file_name);
    // Changed bytes: new key.
    fs::write(&src, jpeg_with_metadata(&marked_image(300, 200, 30), 1)).unwrap();
    let d = process(&src, &cache, &small()).unwrap();
    assert!(!d.cache_hit);
    assert_ne!(a.full.file_name, d.full.file_name);
}

#[test]
fn a_lost_or_cut_variant_is_made_again() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let src = write(
        dir.path(),
        "a.jpg",
        &jpeg_with_metadata(&marked_image(300, 200, 20), 1),
    );
    let a = process(&src, &cache, &small()).unwrap();
    // Simulate a file cut short (e.g. by a crash of a tool that wrote in place).
    let v = &a.variants[1];
    let bytes = fs::read(v.path(&cache)).unwrap();
    fs::write(v.path(&cache), &bytes[..bytes.len() / 2]).unwrap();
    let b = process(&src, &cache, &small()).unwrap();
    assert!(!b.cache_hit);
    assert_eq!(fs::read(v.path(&cache)).unwrap(), bytes);
    fs::remove_file(a.full.path(&cache)).unwrap();
    let c = process(&src, &cache, &small()).unwrap();
    assert!(!c.cache_hit);
    assert!(a.full.path(&cache).exists());
}

#[test]
fn many_threads_at_once_on_one_cache() {
    use rayon::prelude::*;
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let srcs: Vec<_> = (0..6)
        .map(|i| {
            write(
                dir.path(),
                &format!("{i}.jpg"),
                &jpeg_with_metadata(&marked_image(300 + i * 10, 200, 20), 6),
            )
        })
        .collect();
    // Each photo twice, all at once: same photo processed concurrently must be harmless.
    let jobs: Vec<_> = srcs.iter().chain(srcs.iter()).collect();
    let results: Vec<Processed> = jobs
        .par_iter()
        .map(|s| process(s, &cache, &small()).unwrap())
        .collect();
    for (i, r) in results.iter().enumerate() {
        let other = &results[(i + srcs.len()) % results.len()];
        assert_eq!(r.full.file_name, other.full.file_name);
        for v in all_files(r) {
            load(&cache, v);
        }
    }
    for e in fs::read_dir(&cache).unwrap() {
        let n = e.unwrap().file_name().into_string().unwrap();
        assert!(!n.contains(".tmp"), "temp file {n} left in the cache");
    }
}

// ---------------------------------------------------------------------------------------------
// Bad photos

fn error_of(dir: &Path, name: &str, bytes: Option<&[u8]>) -> dvk_photos::PhotoError {
    let path = dir.join(name);
    if let Some(b) = bytes {
        fs::write(&path, b).unwrap();
    }
    let e = process(&path, &dir.join("cache"), &PhotoSettings::default()).unwrap_err();
    assert_eq!(e.path(), path);
    let msg = e.to_string();
    assert!(msg.contains(name), "message should name the file: {msg}");
    e
}

#[test]
fn missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let e = error_of(dir.path(), "khong-co.jpg", None);
    assert_eq!(e.kind(), &PhotoErrorKind::NotFound);
    assert!(e.to_string().contains("does not exist"), "{e}");
}

#[test]
fn text_file_renamed_jpg() {
    let dir = tempfile::tempdir().unwrap();
    let e = error_of(
        dir.path(),
        "ghi-chu.jpg",
        Some("Đây là ghi chú, không phải ảnh.\n".as_bytes()),
    );
    assert_eq!(
        e.kind(),
        &PhotoErrorKind::NotAnImage {
            looks_like_text: true
        }
    );
    assert!(e.to_string().contains("not an image"), "{e}");
}

#[test]
fn truncated_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let full = jpeg_with_metadata(&marked_image(400, 300, 40), 1);
    let cut = &full[..full.len() * 6 / 10];
    let e = error_of(dir.path(), "cut.jpg", Some(cut));
    assert!(matches!(e.kind(), PhotoErrorKind::Corrupt(_)), "{e:?}");
    assert!(e.to_string().contains("damaged"), "{e}");
    // Cut inside the headers too.
    let e = error_of(dir.path(), "cut2.jpg", Some(&full[..30]));
    assert!(matches!(e.kind(), PhotoErrorKind::Corrupt(_)), "{e:?}");
}

#[test]
fn heic_is_refused_with_convert_to_jpeg() {
    let dir = tempfile::tempdir().unwrap();
    let mut heic = vec![0, 0, 0, 0x18];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0u8; 64]);
    let e = error_of(dir.path(), "IMG_0001.HEIC", Some(&heic));
    assert_eq!(e.kind(), &PhotoErrorKind::Heic);
    assert!(e.to_string().contains("convert it to JPEG"), "{e}");
    // Same with a .jpg name, and with the generic "mif1" major brand.
    let mut mif1 = vec![0, 0, 0, 0x18];
    mif1.extend_from_slice(b"ftypmif1\0\0\0\0mif1heic");
    let e = error_of(dir.path(), "renamed.jpg", Some(&mif1));
    assert_eq!(e.kind(), &PhotoErrorKind::Heic);
}

#[test]
fn unsupported_format() {
    let dir = tempfile::tempdir().unwrap();
    let e = error_of(
        dir.path(),
        "anim.gif",
        Some(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"),
    );
    assert!(matches!(e.kind(), PhotoErrorKind::Unsupported(_)), "{e:?}");
    assert!(e.to_string().contains("GIF"), "{e}");
}

#[test]
fn avif_is_refused_as_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let mut avif = vec![0, 0, 0, 0x1c];
    avif.extend_from_slice(b"ftypavif\0\0\0\0avifmif1miaf");
    let e = error_of(dir.path(), "a.avif", Some(&avif));
    assert_eq!(e.kind(), &PhotoErrorKind::Unsupported("AVIF".into()));
}

#[test]
fn prune_cache_removes_only_unused_files_of_ours() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let a = write(
        dir.path(),
        "a.jpg",
        &jpeg_with_metadata(&marked_image(250, 150, 15), 1),
    );
    let b = write(
        dir.path(),
        "b.jpg",
        &jpeg_with_metadata(&marked_image(260, 150, 15), 1),
    );
    let pa = process(&a, &cache, &small()).unwrap();
    let pb = process(&b, &cache, &small()).unwrap();
    fs::write(cache.join("README.txt"), "not ours").unwrap();
    fs::write(
        cache.join(".0123456789abcdef0123-480.jpg.1.2.tmp"),
        "left by a crash",
    )
    .unwrap();
    fs::write(cache.join(".other-tool.tmp"), "not ours").unwrap();
    let files_of_b = pb.files().count() + 1; // + manifest
    let removed = dvk_photos::prune_cache(&cache, [&pa]).unwrap();
    assert_eq!(removed, files_of_b + 1);
    assert!(cache.join("README.txt").exists());
    assert!(cache.join(".other-tool.tmp").exists());
    for v in pa.files() {
        assert!(v.path(&cache).exists());
    }
    for v in pb.files() {
        assert!(!v.path(&cache).exists());
    }
    assert!(process(&a, &cache, &small()).unwrap().cache_hit);
}

#[test]
fn too_many_pixels_by_settings() {
    let dir = tempfile::tempdir().unwrap();
    let src = write(
        dir.path(),
        "a.jpg",
        &jpeg_with_metadata(&marked_image(300, 200, 20), 1),
    );
    let s = PhotoSettings {
        max_pixels: 50_000,
        ..Default::default()
    };
    let e = process(&src, &dir.path().join("cache"), &s).unwrap_err();
    assert_eq!(
        e.kind(),
        &PhotoErrorKind::TooLarge {
            width: 300,
            height: 200,
            max_pixels: 50_000
        }
    );
    assert!(e.to_string().contains("megapixels"), "{e}");
}

#[test]
fn display_p3_photo_is_converted_to_srgb_before_its_profile_is_dropped() {
    use moxcms::{ColorProfile, Layout, TransformOptions};
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let colour = [200u8, 100, 60];
    let img = image::RgbImage::from_pixel(160, 120, image::Rgb(colour));
    let plain = encode_jpeg(&img);
    let with_icc = |profile: &ColorProfile| {
        let mut payload = b"ICC_PROFILE\0\x01\x01".to_vec();
        payload.extend(profile.encode().unwrap());
        let mut out = plain[..2].to_vec();
        out.extend([0xFF, 0xE2]);
        out.extend(u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
        out.extend(payload);
        out.extend_from_slice(&plain[2..]);
        out
    };
    let settings = PhotoSettings {
        widths: vec![80],
        og: false,
        ..Default::default()
    };
    let centre = |p: &Processed| {
        let out = load(&cache, &p.full);
        *out.get_pixel(80, 60)
    };

    // The same P3 colour expressed in sRGB, as the reference.
    let p3 = ColorProfile::new_display_p3();
    let t = p3
        .create_transform_8bit(
            Layout::Rgb,
            &ColorProfile::new_srgb(),
            Layout::Rgb,
            TransformOptions::default(),
        )
        .unwrap();
    let mut want = [0u8; 3];
    t.transform(&colour, &mut want).unwrap();
    assert!(
        want[0] > colour[0] + 10,
        "P3 → sRGB should saturate this red: {want:?}"
    );

    let src = write(dir.path(), "p3.jpg", &with_icc(&p3));
    let p = process(&src, &cache, &settings).unwrap();
    let got = centre(&p);
    for v in all_files(&p) {
        assert_clean(&cache, v);
    }
    for i in 0..3 {
        assert!(
            (got[i] as i32 - want[i] as i32).abs() <= 4,
            "P3 photo: got {got:?}, want {want:?}"
        );
    }

    // An sRGB profile changes nothing.
    let src = write(dir.path(), "srgb.jpg", &with_icc(&ColorProfile::new_srgb()));
    let got = centre(&process(&src, &cache, &settings).unwrap());
    for i in 0..3 {
        assert!(
            (got[i] as i32 - colour[i] as i32).abs() <= 4,
            "sRGB photo: got {got:?}, want {colour:?}"
        );
    }
}
