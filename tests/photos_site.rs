//! Photos through the whole generator: a write-up with a phone photo carrying GPS EXIF and a
//! rotation flag is published only as upright, metadata-free variants under /anh/, with
//! `<picture>`, srcset, width and height; bad photos are errors naming the write-up.

mod common;
#[path = "../crates/photos/tests/common/mod.rs"]
mod photo_fixtures;

use common::{model, Fixture};

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn published_photos_are_variants_without_metadata_and_upright() {
    let f = Fixture::new(Some("base_url: \"https://example.gov.vn/\"\n"));
    let img = photo_fixtures::marked_image(1200, 800, 100);
    let jpeg = photo_fixtures::jpeg_with_metadata(&img, 6);
    std::fs::create_dir_all(f.root().join("content/models/2024")).unwrap();
    std::fs::write(
        f.root().join("content/models/2024/anh-dien-thoai.jpg"),
        &jpeg,
    )
    .unwrap();
    f.write(
        "content/models/2024/hien-dat.md",
        &model("Hiến đất", 2024, "Bến Tre", Some("Châu Thành"), "Kinh tế", "photos:\n  - { src: \"anh-dien-thoai.jpg\", caption: \"Người dân hiến đất\", credit: \"Nguyễn Hiếu\" }\n", "Xem ảnh:\n\n![Con đường](anh-dien-thoai.jpg)"),
    );
    f.build_ok();
    let html = f.read("mo-hinh/hien-dat/index.html");
    assert!(
        html.contains("<picture>") && html.contains("type=\"image/webp\""),
        "picture with WebP source"
    );
    // Orientation 6: the stored 1200×800 photo is 800×1200 upright.
    assert!(
        html.contains("width=\"800\" height=\"1200\""),
        "upright dimensions in the page"
    );
    assert!(html.contains("alt=\"Người dân hiến đất\""));
    assert!(
        html.contains("og:image\" content=\"https://"),
        "absolute og:image"
    );
    assert!(
        !html.contains("anh-dien-thoai.jpg"),
        "the original file is never linked, also from the body"
    );

    let mut published = 0;
    for entry in walkdir::WalkDir::new(f.root().join("public"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
    {
        let bytes = std::fs::read(entry.path()).unwrap();
        assert!(
            !contains(&bytes, &photo_fixtures::gps_latitude_bytes()),
            "GPS in {}",
            entry.path().display()
        );
        assert!(
            !contains(&bytes, b"Exif\0\0"),
            "EXIF in {}",
            entry.path().display()
        );
        assert!(
            !contains(&bytes, photo_fixtures::XMP_SECRET),
            "XMP in {}",
            entry.path().display()
        );
        assert_ne!(
            bytes,
            jpeg,
            "the original was published at {}",
            entry.path().display()
        );
        if entry.path().starts_with(f.root().join("public/anh")) {
            published += 1;
            if entry.path().extension().is_some_and(|e| e == "jpg")
                && !entry.path().to_string_lossy().contains("-og")
            {
                let img = image::load_from_memory(&bytes).unwrap();
                assert!(
                    img.height() > img.width(),
                    "{} is not upright",
                    entry.path().display()
                );
            }
        }
    }
    assert!(published >= 5, "variants in /anh/: {published}");
}

#[test]
fn bad_photos_are_errors_naming_the_write_up_and_the_photo() {
    let f = Fixture::new(None);
    f.write(
        "content/models/a/khong-phai-anh.jpg",
        "đây là chữ, không phải ảnh",
    );
    let mut heic = vec![0, 0, 0, 24];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    std::fs::write(f.root().join("content/models/a/iphone.heic"), heic).unwrap();
    f.write(
        "content/models/a/x.md",
        &model("Ảnh hỏng", 2024, "Bến Tre", None, "Kinh tế", "photos:\n  - { src: \"khong-phai-anh.jpg\", caption: \"a\" }\n  - { src: \"iphone.heic\", caption: \"b\" }\n", "x"),
    );
    let out = f.dvk(&["build"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.lines()
            .any(|l| l.starts_with("content/models/a/x.md") && l.contains("khong-phai-anh.jpg")),
        "{err}"
    );
    assert!(
        err.lines().any(|l| l.starts_with("content/models/a/x.md")
            && l.contains("iphone.heic")
            && l.to_lowercase().contains("jpeg")),
        "{err}"
    );
}
