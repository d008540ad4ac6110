//! Helpers shared by the integration tests: real JPEGs carrying hand-built metadata.
#![allow(dead_code)]

use image::{ImageEncoder, Rgb, RgbImage};

/// The GPS latitude/longitude rationals written into the test EXIF (10°47'34.56" N,
/// 106°41'12.34" E). Any output that contains these 24 bytes leaks the location.
pub fn gps_latitude_bytes() -> Vec<u8> {
    rationals(&[(10, 1), (47, 1), (3456, 100)])
}
pub fn gps_longitude_bytes() -> Vec<u8> {
    rationals(&[(106, 1), (41, 1), (1234, 100)])
}

fn rationals(v: &[(u32, u32)]) -> Vec<u8> {
    v.iter()
        .flat_map(|(n, d)| n.to_be_bytes().into_iter().chain(d.to_be_bytes()))
        .collect()
}

/// A big-endian TIFF/EXIF block with IFD0 { Orientation, Make, GPS IFD pointer } and a GPS IFD
/// { version, N, latitude, E, longitude }.
pub fn exif_tiff(orientation: u16) -> Vec<u8> {
    // Layout: header(8) | IFD0 at 8: 2+3*12+4 = 42 -> ends 50 | "Make" string at 50 (8 bytes)
    // | GPS IFD at 58: 2+5*12+4 = 66 -> ends 124 | lat at 124 (24) | lon at 148 (24) -> 172
    let mut t = Vec::new();
    t.extend_from_slice(b"MM\0\x2A");
    t.extend_from_slice(&8u32.to_be_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, typ: u16, count: u32, value: [u8; 4]| {
        t.extend_from_slice(&tag.to_be_bytes());
        t.extend_from_slice(&typ.to_be_bytes());
        t.extend_from_slice(&count.to_be_bytes());
        t.extend_from_slice(&value);
    };
    // IFD0
    t.extend_from_slice(&3u16.to_be_bytes());
    entry(&mut t, 0x010F, 2, 8, 50u32.to_be_bytes()); // Make -> "PhoneCo\0"
    let o = orientation.to_be_bytes();
    entry(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]); // Orientation
    entry(&mut t, 0x8825, 4, 1, 58u32.to_be_bytes()); // GPSInfo IFD pointer
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 50);
    t.extend_from_slice(b"PhoneCo\0");
    assert_eq!(t.len(), 58);
    // GPS IFD
    t.extend_from_slice(&5u16.to_be_bytes());
    entry(&mut t, 0x0000, 1, 4, [2, 3, 0, 0]); // GPSVersionID
    entry(&mut t, 0x0001, 2, 2, *b"N\0\0\0"); // GPSLatitudeRef
    entry(&mut t, 0x0002, 5, 3, 124u32.to_be_bytes()); // GPSLatitude
    entry(&mut t, 0x0003, 2, 2, *b"E\0\0\0"); // GPSLongitudeRef
    entry(&mut t, 0x0004, 5, 3, 148u32.to_be_bytes()); // GPSLongitude
    t.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(t.len(), 124);
    t.extend_from_slice(&gps_latitude_bytes());
    t.extend_from_slice(&gps_longitude_bytes());
    assert_eq!(t.len(), 172);
    t
}

pub const XMP_NS: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
pub const XMP_SECRET: &[u8] = b"exif:GPSLatitude=\"10,47.576N\"";
pub const COMMENT: &[u8] = b"Nha ong Bay, ap 3, xa Phu Tuc";
pub const IPTC_ID: &[u8] = b"Photoshop 3.0\0";

fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
    let len = u16::try_from(payload.len() + 2).unwrap();
    let mut s = vec![0xFF, marker];
    s.extend_from_slice(&len.to_be_bytes());
    s.extend_from_slice(payload);
    s
}

/// Encode `img` as JPEG with the image crate, then splice in right after SOI: an EXIF APP1
/// (orientation + GPS), an XMP APP1, an IPTC APP13 and a COM segment.
pub fn jpeg_with_metadata(img: &RgbImage, orientation: u16) -> Vec<u8> {
    let plain = encode_jpeg(img);
    assert_eq!(&plain[..2], &[0xFF, 0xD8]);
    let mut exif = b"Exif\0\0".to_vec();
    exif.extend_from_slice(&exif_tiff(orientation));
    let mut xmp = XMP_NS.to_vec();
    xmp.extend_from_slice(b"<x:xmpmeta><rdf:Description ");
    xmp.extend_from_slice(XMP_SECRET);
    xmp.extend_from_slice(b"/></x:xmpmeta>");
    let mut iptc = IPTC_ID.to_vec();
    iptc.extend_from_slice(b"8BIM\x04\x04\0\0\0\0\0\x0c\x1c\x02\x5a\0\x07Phu Tuc");

    let mut out = plain[..2].to_vec();
    out.extend(segment(0xE1, &exif));
    out.extend(segment(0xE1, &xmp));
    out.extend(segment(0xED, &iptc));
    out.extend(segment(0xFE, COMMENT));
    out.extend_from_slice(&plain[2..]);
    out
}

pub fn encode_jpeg(img: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 92)
        .write_image(
            img.as_raw(),
            img.width(),
            img.height(),
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

pub const RED: Rgb<u8> = Rgb([230, 20, 20]);
pub const GREEN: Rgb<u8> = Rgb([20, 200, 40]);
pub const GREY: Rgb<u8> = Rgb([110, 110, 140]);

/// Stored (un-rotated) pixels: grey with a soft gradient, a red block in the top-left corner
/// and a green block in the top-right corner, each `mark`×`mark`.
pub fn marked_image(w: u32, h: u32, mark: u32) -> RgbImage {
    RgbImage::from_fn(w, h, |x, y| {
        if x < mark && y < mark {
            RED
        } else if x >= w - mark && y < mark {
            GREEN
        } else {
            let g = (x * 40 / w + y * 40 / h) as u8;
            Rgb([GREY[0] + g, GREY[1] + g, GREY[2]])
        }
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corner {
    TL,
    TR,
    BL,
    BR,
}

/// Mean colour of a small square inside the given corner (`inset` px from the edges).
pub fn corner_colour(img: &RgbImage, c: Corner, inset: u32, size: u32) -> [u8; 3] {
    let (w, h) = img.dimensions();
    let (x0, y0) = match c {
        Corner::TL => (inset, inset),
        Corner::TR => (w - inset - size, inset),
        Corner::BL => (inset, h - inset - size),
        Corner::BR => (w - inset - size, h - inset - size),
    };
    let mut sum = [0u32; 3];
    for y in y0..y0 + size {
        for x in x0..x0 + size {
            let p = img.get_pixel(x, y);
            for i in 0..3 {
                sum[i] += p[i] as u32;
            }
        }
    }
    sum.map(|s| (s / (size * size)) as u8)
}

pub fn is_red(c: [u8; 3]) -> bool {
    c[0] > 170 && c[1] < 90 && c[2] < 90
}
pub fn is_green(c: [u8; 3]) -> bool {
    c[1] > 150 && c[0] < 90 && c[2] < 110
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// The markers of every segment before the first scan of a JPEG.
pub fn jpeg_header_markers(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "not a JPEG");
    let mut i = 2;
    let mut markers = Vec::new();
    while i + 4 <= bytes.len() {
        assert_eq!(bytes[i], 0xFF, "bad segment at {i}");
        let m = bytes[i + 1];
        markers.push(m);
        if m == 0xDA {
            break;
        }
        let len = u16::from_be_bytes([bytes[i + 2], bytes[i + 3]]) as usize;
        i += 2 + len;
    }
    markers
}

/// The chunk FourCCs of a RIFF/WebP file.
pub fn webp_chunks(bytes: &[u8]) -> Vec<[u8; 4]> {
    assert_eq!(&bytes[..4], b"RIFF");
    assert_eq!(&bytes[8..12], b"WEBP");
    let mut i = 12;
    let mut chunks = Vec::new();
    while i + 8 <= bytes.len() {
        let cc: [u8; 4] = bytes[i..i + 4].try_into().unwrap();
        let len = u32::from_le_bytes(bytes[i + 4..i + 8].try_into().unwrap()) as usize;
        chunks.push(cc);
        i += 8 + len + (len & 1);
    }
    chunks
}

/// CRC-32 (IEEE) for hand-built PNG chunks.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc ^= b as u32;
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

pub fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut c = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    c.extend_from_slice(&body);
    c.extend_from_slice(&crc32(&body).to_be_bytes());
    c
}

/// A small valid PNG file whose IHDR claims `w`×`h` RGB pixels (decompression-bomb shape: the
/// IDAT holds a few bytes of a zlib stream, far less than the claimed image).
pub fn png_bomb_header(w: u32, h: u32) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = w.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&h.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    out.extend(png_chunk(b"IHDR", &ihdr));
    out.extend(png_chunk(
        b"IDAT",
        &[0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01],
    ));
    out.extend(png_chunk(b"IEND", &[]));
    out
}
