//! Photos of needs and receipts, made safe to publish: the type is read from the bytes (never
//! from what the client claims), the picture is decoded within limits, turned upright by its
//! EXIF orientation, scaled down, and re-encoded as a fresh JPEG. Re-encoding writes pixels
//! only, so no metadata of the original (EXIF, GPS position, camera serial, XMP) survives.
//!
//! CPU-bound: call it from `spawn_blocking`.

use std::io::Cursor;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

/// Longest edge of a stored photo, in pixels.
pub const MAX_EDGE: u32 = 2048;
/// Largest picture decoded, in pixels per edge; a larger one is refused before it is decoded.
const MAX_DECODED_EDGE: u32 = 10_000;
/// Memory the decoded picture may take (a small file may claim to be huge: a decompression
/// bomb). 8-bit RGBA at 50 megapixels; a phone's photo is 12 to 48.
const MAX_DECODED_BYTES: u64 = 200 * 1024 * 1024;
const JPEG_QUALITY: u8 = 85;

/// A photo ready to store.
#[derive(Debug)]
pub struct Photo {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// SHA-256 of `jpeg`, hex.
    pub sha256: String,
}

impl Photo {
    pub const CONTENT_TYPE: &'static str = "image/jpeg";
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("the photo is {size} bytes; the largest accepted is {max} bytes")]
    TooLarge { size: usize, max: usize },
    #[error("the file is not a JPEG, PNG or WebP picture")]
    UnsupportedType,
    #[error("the picture is {width}×{height} pixels; at most {MAX_DECODED_EDGE} per side")]
    TooManyPixels { width: u32, height: u32 },
    #[error(
        "the picture is too large to decode (over {} MB of pixels); send a smaller one",
        MAX_DECODED_BYTES / 1024 / 1024
    )]
    TooMuchMemory,
    #[error("the picture could not be read: {0}")]
    Corrupt(String),
}

/// Checks, decodes and re-encodes `bytes` (at most `max_bytes` long).
pub fn reencode(bytes: &[u8], max_bytes: usize) -> Result<Photo, PhotoError> {
    if bytes.len() > max_bytes {
        return Err(PhotoError::TooLarge {
            size: bytes.len(),
            max: max_bytes,
        });
    }
    let format = image::guess_format(bytes).map_err(|_| PhotoError::UnsupportedType)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::UnsupportedType);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // The edges are checked below, from the header, to name them in the refusal.
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(corrupt)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_DECODED_EDGE || height > MAX_DECODED_EDGE {
        return Err(PhotoError::TooManyPixels { width, height });
    }
    // `from_decoder` does not enforce `max_alloc` itself: the size of the decoded buffer is
    // checked here, from the header, before a byte of it is allocated.
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(PhotoError::TooMuchMemory);
    }
    // A missing or unreadable orientation leaves the picture as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    picture.apply_orientation(orientation);
    if picture.width().max(picture.height()) > MAX_EDGE {
        picture = picture.resize(MAX_EDGE, MAX_EDGE, image::imageops::FilterType::Triangle);
    }
    // JPEG has no alpha: flatten to RGB.
    let rgb = DynamicImage::ImageRgb8(picture.to_rgb8());
    let mut jpeg = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY);
    rgb.write_with_encoder(encoder).map_err(corrupt)?;
    let sha256 = hex::encode(Sha256::digest(&jpeg));
    Ok(Photo {
        width: rgb.width(),
        height: rgb.height(),
        jpeg,
        sha256,
    })
}

fn corrupt(e: image::ImageError) -> PhotoError {
    match e {
        image::ImageError::Limits(_) => PhotoError::TooMuchMemory,
        image::ImageError::Unsupported(_) => PhotoError::UnsupportedType,
        other => PhotoError::Corrupt(other.to_string()),
    }
}

/// Test pictures, shared with the integration tests.
pub mod samples {
    use std::io::Cursor;

    use image::{DynamicImage, ImageFormat, Rgb, RgbImage};

    /// A `width`×`height` picture in `format`, red on the left half, blue on the right.
    pub fn picture(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = RgbImage::from_fn(width, height, |x, _| {
            if x < width / 2 {
                Rgb([220, 20, 20])
            } else {
                Rgb([20, 20, 220])
            }
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), format)
            .expect("an in-memory picture encodes");
        out
    }

    /// A JPEG like a phone writes it: an EXIF segment with an orientation (rotate 90° to view)
    /// and a GPS position (北纬 24.57°).
    pub fn phone_jpeg_with_gps(width: u32, height: u32) -> Vec<u8> {
        let jpeg = picture(width, height, ImageFormat::Jpeg);
        // TIFF, big-endian: IFD0 {Orientation = 6, GPS IFD pointer}, GPS IFD {GPSLatitudeRef "N",
        // GPSLatitude 24/1 34/1 12/1}.
        let mut tiff: Vec<u8> = b"MM\0\x2a\0\0\0\x08".to_vec();
        tiff.extend([0, 2]); // two entries
        tiff.extend([0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0]); // Orientation SHORT 6
        tiff.extend([0x88, 0x25, 0, 4, 0, 0, 0, 1, 0, 0, 0, 38]); // GPS IFD at 38
        tiff.extend([0, 0, 0, 0]); // no next IFD
        assert_eq!(tiff.len(), 38);
        tiff.extend([0, 2]); // two GPS entries
        tiff.extend([0, 1, 0, 2, 0, 0, 0, 2, b'N', 0, 0, 0]); // GPSLatitudeRef ASCII "N"
        tiff.extend([0, 2, 0, 5, 0, 0, 0, 3, 0, 0, 0, 68]); // GPSLatitude RATIONAL×3 at 68
        tiff.extend([0, 0, 0, 0]);
        assert_eq!(tiff.len(), 68);
        for (num, den) in [(24u32, 1u32), (34, 1), (12, 1)] {
            tiff.extend(num.to_be_bytes());
            tiff.extend(den.to_be_bytes());
        }
        let mut segment = b"Exif\0\0".to_vec();
        segment.extend(tiff);
        let len = u16::try_from(segment.len() + 2).expect("a small segment");
        let mut out = jpeg[..2].to_vec(); // SOI
        out.extend([0xFF, 0xE1]);
        out.extend(len.to_be_bytes());
        out.extend(segment);
        out.extend(&jpeg[2..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use image::ImageFormat;

    use super::samples::{phone_jpeg_with_gps, picture};
    use super::*;

    const MAX: usize = 10 * 1024 * 1024;

    fn has(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    #[test]
    fn a_phone_photo_loses_its_exif_and_gps_and_is_turned_upright() {
        let original = phone_jpeg_with_gps(40, 20);
        assert!(has(&original, b"Exif"), "the sample carries EXIF");
        let photo = reencode(&original, MAX).unwrap();
        assert!(!has(&photo.jpeg, b"Exif"), "no EXIF survives");
        assert!(!has(&photo.jpeg, &[0xFF, 0xE1]), "no APP1 segment at all");
        // Orientation 6 (rotate 90° clockwise to view): 40×20 as stored, 20×40 as seen.
        assert_eq!((photo.width, photo.height), (20, 40));
        assert_eq!(image::guess_format(&photo.jpeg).unwrap(), ImageFormat::Jpeg);
    }

    #[test]
    fn png_and_webp_are_accepted_and_become_jpeg() {
        for format in [ImageFormat::Png, ImageFormat::WebP] {
            let photo = reencode(&picture(30, 10, format), MAX).unwrap();
            assert_eq!((photo.width, photo.height), (30, 10), "{format:?}");
            assert_eq!(&photo.jpeg[..2], &[0xFF, 0xD8], "{format:?}");
            assert_eq!(photo.sha256.len(), 64);
        }
    }

    #[test]
    fn a_large_picture_is_scaled_down_to_the_longest_edge() {
        let photo = reencode(&picture(3000, 1500, ImageFormat::Png), MAX).unwrap();
        assert_eq!((photo.width, photo.height), (MAX_EDGE, MAX_EDGE / 2));
    }

    #[test]
    fn the_type_is_read_from_the_content_not_the_claim() {
        let gif = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;";
        assert_eq!(reencode(gif, MAX).unwrap_err(), PhotoError::UnsupportedType);
        let text = "<svg xmlns='http://www.w3.org/2000/svg'/>".as_bytes();
        assert_eq!(
            reencode(text, MAX).unwrap_err(),
            PhotoError::UnsupportedType
        );
    }

    #[test]
    fn a_truncated_picture_is_refused_as_unreadable() {
        let jpeg = picture(64, 64, ImageFormat::Jpeg);
        let err = reencode(&jpeg[..jpeg.len() / 3], MAX).unwrap_err();
        assert!(matches!(err, PhotoError::Corrupt(_)), "{err:?}");
    }

    #[test]
    fn an_oversized_upload_is_refused_before_decoding() {
        let err = reencode(&vec![0u8; 2048], 1024).unwrap_err();
        assert_eq!(
            err,
            PhotoError::TooLarge {
                size: 2048,
                max: 1024
            }
        );
    }

    /// A 1×1 PNG whose header claims `width`×`height` pixels of `depth`-bit `colour` (its
    /// CRC recomputed, so the header itself is valid); no pixels behind it.
    fn png_claiming(width: u32, height: u32, depth: u8, colour: u8) -> Vec<u8> {
        let mut png = picture(1, 1, ImageFormat::Png);
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        png[24] = depth;
        png[25] = colour;
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }

    #[test]
    fn the_crc_helper_agrees_with_the_encoder() {
        let png = picture(1, 1, ImageFormat::Png);
        assert_eq!(crc32(&png[12..29]).to_be_bytes(), png[29..33]);
    }

    #[test]
    fn a_picture_claiming_enormous_dimensions_is_refused_before_decoding() {
        let err = reencode(&png_claiming(20_000, 20_000, 8, 2), MAX).unwrap_err();
        assert_eq!(
            err,
            PhotoError::TooManyPixels {
                width: 20_000,
                height: 20_000
            }
        );
    }

    #[test]
    fn a_picture_within_the_edges_but_too_heavy_to_decode_is_refused() {
        // 9000×9000 of 16-bit RGBA: 648 MB of pixels from a file of a few dozen bytes.
        let err = reencode(&png_claiming(9_000, 9_000, 16, 6), MAX).unwrap_err();
        assert_eq!(err, PhotoError::TooMuchMemory);
    }
}
