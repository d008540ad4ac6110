//! Generate benchmark photos: `gen_photos OUT_DIR COUNT [WIDTH HEIGHT]` (default 4000×3000).
//!
//! Each is a JPEG (quality 92, 4:2:0, like a phone's) of a made-up scene: a sky gradient, ground,
//! a sun, hills, houses and trees drawn as shapes, grainy texture and sensor noise, so that it
//! compresses like a photo (≈3–5 MB at 12 MP). Every file carries an EXIF block with GPS
//! coordinates; every fourth is stored sideways with EXIF orientation 6, as phones do.

use std::path::PathBuf;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo) as u64) as i64
    }
}

fn exif(orientation: u16) -> Vec<u8> {
    // Big-endian TIFF: IFD0 {Orientation, GPS pointer}, GPS IFD {lat ref, lat, lon ref, lon}.
    let mut t = b"Exif\0\0MM\0\x2A\0\0\0\x08".to_vec();
    let e = |t: &mut Vec<u8>, tag: u16, typ: u16, n: u32, v: [u8; 4]| {
        t.extend(tag.to_be_bytes());
        t.extend(typ.to_be_bytes());
        t.extend(n.to_be_bytes());
        t.extend(v);
    };
    t.extend(2u16.to_be_bytes());
    let o = orientation.to_be_bytes();
    e(&mut t, 0x0112, 3, 1, [o[0], o[1], 0, 0]);
    e(&mut t, 0x8825, 4, 1, 38u32.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    t.extend(4u16.to_be_bytes());
    e(&mut t, 1, 2, 2, *b"N\0\0\0");
    e(&mut t, 2, 5, 3, 92u32.to_be_bytes());
    e(&mut t, 3, 2, 2, *b"E\0\0\0");
    e(&mut t, 4, 5, 3, 116u32.to_be_bytes());
    t.extend(0u32.to_be_bytes());
    for (n, d) in [
        (10u32, 1u32),
        (14, 1),
        (3456, 100),
        (106, 1),
        (41, 1),
        (1234, 100),
    ] {
        t.extend(n.to_be_bytes());
        t.extend(d.to_be_bytes());
    }
    let mut seg = vec![0xFF, 0xE1];
    seg.extend(((t.len() + 2) as u16).to_be_bytes());
    seg.extend(t);
    seg
}

fn scene(w: u32, h: u32, seed: u64) -> Vec<u8> {
    let mut rng = Rng(seed);
    let (wi, hi) = (w as i64, h as i64);
    let horizon = hi * rng.range(40, 65) / 100;
    let sky_top = [
        rng.range(40, 110) as f32,
        rng.range(90, 160) as f32,
        rng.range(170, 240) as f32,
    ];
    let sky_bot = [
        rng.range(180, 240) as f32,
        rng.range(190, 235) as f32,
        rng.range(200, 250) as f32,
    ];
    let ground = [
        rng.range(40, 120) as f32,
        rng.range(80, 150) as f32,
        rng.range(20, 80) as f32,
    ];
    let mut px = vec![0u8; (w * h * 3) as usize];
    for y in 0..hi {
        for x in 0..wi {
            let i = ((y * wi + x) * 3) as usize;
            let c = if y < horizon {
                let t = y as f32 / horizon as f32;
                [0, 1, 2].map(|k| sky_top[k] * (1.0 - t) + sky_bot[k] * t)
            } else {
                let t = (y - horizon) as f32 / (hi - horizon) as f32;
                [0, 1, 2].map(|k| ground[k] * (0.7 + 0.5 * t))
            };
            for k in 0..3 {
                px[i + k] = c[k].clamp(0.0, 255.0) as u8;
            }
        }
    }
    // Hills (ellipses on the horizon), houses (rectangles with roofs), trees (discs), a sun.
    let fill = |px: &mut Vec<u8>,
                x0: i64,
                y0: i64,
                x1: i64,
                y1: i64,
                inside: &dyn Fn(i64, i64) -> bool,
                c: [u8; 3]| {
        for y in y0.max(0)..y1.min(hi) {
            for x in x0.max(0)..x1.min(wi) {
                if inside(x, y) {
                    let i = ((y * wi + x) * 3) as usize;
                    px[i..i + 3].copy_from_slice(&c);
                }
            }
        }
    };
    let (sx, sy, sr) = (
        rng.range(0, wi),
        rng.range(0, horizon / 2 + 1),
        rng.range(60, 200),
    );
    fill(
        &mut px,
        sx - sr,
        sy - sr,
        sx + sr,
        sy + sr,
        &|x, y| (x - sx).pow(2) + (y - sy).pow(2) < sr * sr,
        [255, 240, 200],
    );
    for _ in 0..rng.range(2, 5) {
        let (cx, rx, ry) = (
            rng.range(0, wi),
            rng.range(wi / 6, wi / 2),
            rng.range(hi / 12, hi / 5),
        );
        let c = [
            rng.range(30, 90) as u8,
            rng.range(70, 130) as u8,
            rng.range(30, 80) as u8,
        ];
        fill(
            &mut px,
            cx - rx,
            horizon - ry,
            cx + rx,
            horizon,
            &|x, y| {
                let (dx, dy) = (
                    (x - cx) as f64 / rx as f64,
                    (y - horizon) as f64 / ry as f64,
                );
                dx * dx + dy * dy < 1.0
            },
            c,
        );
    }
    for _ in 0..rng.range(4, 12) {
        let (x0, bw, bh) = (
            rng.range(0, wi),
            rng.range(wi / 20, wi / 6),
            rng.range(hi / 12, hi / 4),
        );
        let y1 = horizon + rng.range(hi / 20, (hi - horizon) / 2 + hi / 20);
        let wall = [
            rng.range(150, 250) as u8,
            rng.range(130, 230) as u8,
            rng.range(100, 210) as u8,
        ];
        fill(&mut px, x0, y1 - bh, x0 + bw, y1, &|_, _| true, wall);
        let roof = [
            rng.range(120, 200) as u8,
            rng.range(30, 80) as u8,
            rng.range(20, 60) as u8,
        ];
        let (rt, rh) = (y1 - bh, bh / 2);
        fill(
            &mut px,
            x0 - bw / 10,
            rt - rh,
            x0 + bw + bw / 10,
            rt,
            &|x, y| {
                let d = (x - (x0 + bw / 2)).abs() as f64 / (bw as f64 * 0.6);
                (rt - y) as f64 / rh as f64 <= 1.0 - d
            },
            roof,
        );
        let (dx, dw) = (x0 + bw / 3, bw / 4);
        fill(
            &mut px,
            dx,
            y1 - bh / 2,
            dx + dw,
            y1,
            &|_, _| true,
            [70, 45, 30],
        );
    }
    for _ in 0..rng.range(10, 40) {
        let (cx, cy, r) = (
            rng.range(0, wi),
            horizon + rng.range(-hi / 20, (hi - horizon) / 2),
            rng.range(30, 180),
        );
        let c = [
            rng.range(10, 60) as u8,
            rng.range(60, 140) as u8,
            rng.range(10, 50) as u8,
        ];
        fill(
            &mut px,
            cx - r,
            cy - r,
            cx + r,
            cy + r,
            &|x, y| (x - cx).pow(2) + (y - cy).pow(2) < r * r,
            c,
        );
        fill(
            &mut px,
            cx - r / 8,
            cy,
            cx + r / 8,
            cy + r * 2,
            &|_, _| true,
            [80, 55, 35],
        );
    }
    // Texture and grain: smooth-ish luminance texture on the ground, sensor noise everywhere.
    for y in 0..hi {
        for x in 0..wi {
            let i = ((y * wi + x) * 3) as usize;
            let r = rng.next();
            let grain = ((r & 0xFF) as i32 - 128) / 18 + (((r >> 8) & 0xFF) as i32 - 128) / 18;
            let tex = if y > horizon {
                (((x * 7 + y * 13) ^ (x * y / 97)) % 23) as i32 - 11
            } else {
                0
            };
            for k in 0..3 {
                let n = grain + tex + (((r >> (16 + 8 * k)) & 0x7) as i32 - 3);
                px[i + k] = (px[i + k] as i32 + n).clamp(0, 255) as u8;
            }
        }
    }
    px
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = PathBuf::from(
        args.get(1)
            .expect("usage: gen_photos OUT_DIR COUNT [WIDTH HEIGHT]"),
    );
    let count: u32 = args.get(2).map(|s| s.parse().unwrap()).unwrap_or(100);
    let w: u32 = args.get(3).map(|s| s.parse().unwrap()).unwrap_or(4000);
    let h: u32 = args.get(4).map(|s| s.parse().unwrap()).unwrap_or(3000);
    std::fs::create_dir_all(&out).unwrap();
    use rayon::prelude::*;
    let total: u64 = (0..count)
        .into_par_iter()
        .map(|i| {
            let sideways = i % 4 == 3;
            let (sw, sh) = if sideways { (h, w) } else { (w, h) };
            let mut px = scene(w, h, 1000 + i as u64);
            if sideways {
                // Store rotated 90° counter-clockwise; orientation 6 turns it back upright.
                let img = image::RgbImage::from_raw(w, h, px).unwrap();
                px = image::imageops::rotate270(&img).into_raw();
            }
            let mut jpg = Vec::new();
            let mut enc = jpeg_encoder::Encoder::new(&mut jpg, 92);
            enc.set_optimized_huffman_tables(true);
            enc.encode(&px, sw as u16, sh as u16, jpeg_encoder::ColorType::Rgb)
                .unwrap();
            let mut file = jpg[..2].to_vec();
            file.extend(exif(if sideways { 6 } else { 1 }));
            file.extend_from_slice(&jpg[2..]);
            std::fs::write(out.join(format!("photo-{i:03}.jpg")), &file).unwrap();
            file.len() as u64
        })
        .sum();
    println!(
        "{count} photos, {:.1} MB in all, {:.2} MB each",
        total as f64 / 1e6,
        total as f64 / 1e6 / count as f64
    );
}
