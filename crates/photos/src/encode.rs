//! Resizing and encoding the variants: JPEG and lossy WebP from RGB pixels.

use crate::*;

pub(crate) fn enc_err(source: &Path, e: String) -> PhotoError {
    PhotoError::new(source, PhotoErrorKind::Encode(e))
}

pub(crate) fn resize(
    resizer: &mut fir::Resizer,
    src: &Plane,
    width: u32,
    height: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Plane {
    timed(RESIZE, || resize_inner(resizer, src, width, height, crop))
}

pub(crate) fn resize_inner(
    resizer: &mut fir::Resizer,
    src: &Plane,
    width: u32,
    height: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Plane {
    let src_img = fir::images::ImageRef::new(src.width, src.height, &src.rgb, fir::PixelType::U8x3)
        .expect("buffer matches its dimensions");
    let mut dst = fir::images::Image::new(width, height, fir::PixelType::U8x3);
    let mut opts = fir::ResizeOptions::new()
        .resize_alg(fir::ResizeAlg::Convolution(fir::FilterType::Lanczos3));
    if let Some((l, t, w, h)) = crop {
        opts = opts.crop(l, t, w, h);
    }
    resizer
        .resize(&src_img, &mut dst, &opts)
        .expect("same pixel types, valid sizes");
    Plane {
        rgb: dst.into_vec(),
        width,
        height,
    }
}

/// Baseline JPEG with optimised Huffman tables, 4:2:0 chroma (box-averaged) below quality 90.
/// The encoder writes SOI, a JFIF APP0 header, tables and the scan: no EXIF, XMP, ICC or comment.
pub(crate) fn encode_jpeg(
    rgb: &[u8],
    width: u32,
    height: u32,
    quality: u8,
) -> Result<Vec<u8>, String> {
    timed(JPEG, || encode_jpeg_inner(rgb, width, height, quality))
}

pub(crate) fn encode_jpeg_inner(
    rgb: &[u8],
    width: u32,
    height: u32,
    quality: u8,
) -> Result<Vec<u8>, String> {
    let (w, h) = (
        u16::try_from(width).map_err(|_| "wider than 65535 pixels".to_string())?,
        u16::try_from(height).map_err(|_| "taller than 65535 pixels".to_string())?,
    );
    let mut out = Vec::with_capacity(rgb.len() / 8 + 1024);
    let mut enc = jpeg_encoder::Encoder::new(&mut out, quality);
    enc.set_optimized_huffman_tables(true);
    enc.set_progressive(true);
    enc.set_chroma_subsampling_method(jpeg_encoder::ChromaSubsamplingMethod::Average);
    enc.encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| format!("JPEG encoder: {e}"))?;
    Ok(out)
}

/// Lossy WebP through libwebp's advanced API (preset "photo", method 4). The simple API and this
/// one write a bare VP8 bitstream in a RIFF container: no EXIF/XMP/ICCP chunks.
pub(crate) fn encode_webp(
    rgb: &[u8],
    width: u32,
    height: u32,
    quality: f32,
) -> Result<Vec<u8>, String> {
    timed(WEBP, || encode_webp_inner(rgb, width, height, quality))
}

pub(crate) fn encode_webp_inner(
    rgb: &[u8],
    width: u32,
    height: u32,
    quality: f32,
) -> Result<Vec<u8>, String> {
    use libwebp_sys as w;
    if width > 16383 || height > 16383 {
        return Err(format!(
            "{width}×{height} is beyond WebP's 16383-pixel limit"
        ));
    }
    // SAFETY: the structs are initialised by libwebp's own init functions before use; the picture
    // imports (copies) `rgb`, whose length matches width*height*3 (checked below); the memory
    // writer's buffer is copied out and released with WebPMemoryWriterClear, and the picture with
    // WebPPictureFree, on every path.
    unsafe {
        assert_eq!(rgb.len(), width as usize * height as usize * 3);
        let abi = w::WEBP_ENCODER_ABI_VERSION as std::ffi::c_int;
        let mut config = std::mem::MaybeUninit::<w::WebPConfig>::uninit();
        if w::WebPConfigInitInternal(
            config.as_mut_ptr(),
            w::WebPPreset::WEBP_PRESET_PHOTO,
            quality,
            abi,
        ) == 0
        {
            return Err("libwebp version mismatch".into());
        }
        let mut config = config.assume_init();
        config.method = 4;
        if w::WebPValidateConfig(&config) == 0 {
            return Err("invalid WebP settings".into());
        }
        let mut pic = std::mem::MaybeUninit::<w::WebPPicture>::uninit();
        if w::WebPPictureInitInternal(pic.as_mut_ptr(), abi) == 0 {
            return Err("libwebp version mismatch".into());
        }
        let mut pic = pic.assume_init();
        pic.width = width as _;
        pic.height = height as _;
        pic.use_argb = 0;
        if w::WebPPictureImportRGB(&mut pic, rgb.as_ptr(), (width * 3) as _) == 0 {
            w::WebPPictureFree(&mut pic);
            return Err("out of memory importing pixels into libwebp".into());
        }
        let mut writer = std::mem::MaybeUninit::<w::WebPMemoryWriter>::uninit();
        w::WebPMemoryWriterInit(writer.as_mut_ptr());
        let mut writer = writer.assume_init();
        pic.writer = Some(w::WebPMemoryWrite);
        pic.custom_ptr = &mut writer as *mut w::WebPMemoryWriter as *mut std::ffi::c_void;
        let ok = w::WebPEncode(&config, &mut pic);
        let code = pic.error_code;
        w::WebPPictureFree(&mut pic);
        let result = if ok != 0 {
            Ok(std::slice::from_raw_parts(writer.mem, writer.size).to_vec())
        } else {
            Err(format!("libwebp error {code:?}"))
        };
        w::WebPMemoryWriterClear(&mut writer);
        result
    }
}
