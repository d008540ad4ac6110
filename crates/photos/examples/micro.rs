//! Codec options measured on one photo: `micro PHOTO.jpg`. Prints the decode time, the full-size
//! JPEG encode time and size for baseline / optimised-Huffman / progressive (jpeg-encoder) and for
//! the image crate's encoder, and libwebp's time and size at 1600 px for methods 0–6. The figures
//! behind the choices in bench/photos/README.md.

use std::time::Instant;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let bytes = std::fs::read(&path).unwrap();
    let t = Instant::now();
    let img = image::load_from_memory(&bytes).unwrap().into_rgb8();
    println!("decode image crate: {:?}", t.elapsed());
    let (w, h) = img.dimensions();
    let raw = img.as_raw();
    for (prog, opt) in [(false, false), (false, true), (true, true)] {
        let t = Instant::now();
        let mut out = Vec::new();
        let mut enc = jpeg_encoder::Encoder::new(&mut out, 80);
        enc.set_progressive(prog);
        enc.set_optimized_huffman_tables(opt);
        enc.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
        enc.encode(raw, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        println!(
            "jpeg 12MP prog={prog} opt={opt}: {:?} {} KB",
            t.elapsed(),
            out.len() / 1024
        );
    }
    let t = Instant::now();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode(raw, w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    println!(
        "jpeg 12MP image crate: {:?} {} KB",
        t.elapsed(),
        out.len() / 1024
    );
    let small = image::imageops::resize(&img, 1600, 1200, image::imageops::FilterType::Triangle);
    for m in [0, 1, 2, 3, 4, 5, 6] {
        let t = Instant::now();
        let n = webp(small.as_raw(), 1600, 1200, 75.0, m);
        println!("webp 1600 method {m}: {:?} {} KB", t.elapsed(), n / 1024);
    }
}
fn webp(rgb: &[u8], width: u32, height: u32, quality: f32, method: i32) -> usize {
    use libwebp_sys as w;
    unsafe {
        let abi = w::WEBP_ENCODER_ABI_VERSION as std::ffi::c_int;
        let mut config = std::mem::MaybeUninit::<w::WebPConfig>::uninit();
        w::WebPConfigInitInternal(
            config.as_mut_ptr(),
            w::WebPPreset::WEBP_PRESET_PHOTO,
            quality,
            abi,
        );
        let mut config = config.assume_init();
        config.method = method;
        let mut pic = std::mem::MaybeUninit::<w::WebPPicture>::uninit();
        w::WebPPictureInitInternal(pic.as_mut_ptr(), abi);
        let mut pic = pic.assume_init();
        pic.width = width as _;
        pic.height = height as _;
        w::WebPPictureImportRGB(&mut pic, rgb.as_ptr(), (width * 3) as _);
        let mut writer = std::mem::MaybeUninit::<w::WebPMemoryWriter>::uninit();
        w::WebPMemoryWriterInit(writer.as_mut_ptr());
        let mut writer = writer.assume_init();
        pic.writer = Some(w::WebPMemoryWrite);
        pic.custom_ptr = &mut writer as *mut _ as *mut std::ffi::c_void;
        w::WebPEncode(&config, &mut pic);
        w::WebPPictureFree(&mut pic);
        let n = writer.size;
        w::WebPMemoryWriterClear(&mut writer);
        n
    }
}
