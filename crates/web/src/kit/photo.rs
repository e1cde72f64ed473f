//! Turns an uploaded picture into what we store: decoded within limits, turned upright, scaled
//! down and re-encoded as a plain JPEG with a thumbnail. Re-encoding drops everything but the
//! pixels: EXIF (with the phone's GPS position), embedded scripts, polyglot payloads.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use yizhan_core::command::evidence::{
    self, KEY_NOT_A_PHOTO, KEY_TOO_LARGE, MAX_BYTES, MAX_PIXELS, PhotoFormat, STORED_EDGE,
    THUMB_EDGE, fit,
};

use crate::error::WebError;

/// A photo ready for the store.
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub sha256: String,
    pub jpeg: Vec<u8>,
    pub thumb: Vec<u8>,
}

fn refuse(key: &'static str) -> WebError {
    WebError::Rule { field: Some("file".into()), key }
}

pub fn process(bytes: &[u8]) -> Result<Processed, WebError> {
    if bytes.len() > MAX_BYTES {
        return Err(refuse(KEY_TOO_LARGE));
    }
    let format = match evidence::sniff(bytes).ok_or_else(|| refuse(KEY_NOT_A_PHOTO))? {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
        PhotoFormat::Webp => ImageFormat::WebP,
    };
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(MAX_PIXELS * 4);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| refuse(KEY_NOT_A_PHOTO))?;
    let (w, h) = decoder.dimensions();
    if u64::from(w) * u64::from(h) > MAX_PIXELS {
        return Err(refuse(KEY_TOO_LARGE));
    }
    let orientation = decoder.orientation().ok();
    let mut img = DynamicImage::from_decoder(decoder).map_err(|_| refuse(KEY_NOT_A_PHOTO))?;
    if let Some(o) = orientation {
        img.apply_orientation(o);
    }
    let (sw, sh) = fit(img.width(), img.height(), STORED_EDGE);
    let stored = if (sw, sh) == (img.width(), img.height()) {
        img
    } else {
        img.resize_exact(sw, sh, FilterType::Triangle)
    };
    let (tw, th) = fit(sw, sh, THUMB_EDGE);
    let thumb = stored.resize_exact(tw, th, FilterType::Triangle);
    let jpeg = encode(&stored, 85)?;
    Ok(Processed {
        width: sw,
        height: sh,
        sha256: hex::encode(Sha256::digest(&jpeg)),
        thumb: encode(&thumb, 75)?,
        jpeg,
    })
}

fn encode(img: &DynamicImage, quality: u8) -> Result<Vec<u8>, WebError> {
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img.to_rgb8())
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, quality))
        .map_err(|e| WebError::Internal(format!("jpeg encode: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_photo_is_scaled_reencoded_and_thumbnailed() {
        let p = process(&png(2000, 1000)).unwrap();
        assert_eq!((p.width, p.height), (1600, 800));
        assert!(p.jpeg.starts_with(&[0xFF, 0xD8, 0xFF]));
        let thumb = image::load_from_memory(&p.thumb).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (240, 120));
        assert_eq!(p.sha256.len(), 64);
    }

    #[test]
    fn non_pictures_and_broken_pictures_are_refused() {
        for bad in [
            b"<svg onload=alert(1)>".to_vec(),
            b"%PDF-1.4".to_vec(),
            [&[0xFF, 0xD8, 0xFF, 0xE0][..], b"not really a jpeg"].concat(),
        ] {
            let e = process(&bad).err().expect("refused");
            assert!(matches!(e, WebError::Rule { key, .. } if key == KEY_NOT_A_PHOTO));
        }
        let huge = vec![0xFFu8; MAX_BYTES + 1];
        assert!(matches!(process(&huge), Err(WebError::Rule { key, .. }) if key == KEY_TOO_LARGE));
    }
}
