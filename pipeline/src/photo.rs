//! Photos merchandisers upload: product photos, and a poster of their own
//! choosing in place of the rendered one. [`check_photo`] decodes the whole
//! file (a truncated or disguised file is refused, not stored);
//! [`fit_poster`] crops and scales a photo to the viewer's frame.

use crate::poster::PosterSpec;
use image::{DynamicImage, ImageFormat, ImageReader, imageops::FilterType};
use std::io::Cursor;

/// The largest photo file accepted.
pub const MAX_PHOTO_BYTES: usize = 15 * 1024 * 1024;
/// The longest edge accepted, in pixels (decoding a bigger one would take
/// hundreds of megabytes).
pub const MAX_PHOTO_EDGE: u32 = 8_000;
/// The shortest edge worth showing on a product page.
pub const MIN_PHOTO_EDGE: u32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoFormat {
    Jpeg,
    Png,
}

impl PhotoFormat {
    /// The asset store's file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            Self::Png => "png",
        }
    }
}

/// What a checked photo is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Photo {
    pub format: PhotoFormat,
    pub width: u32,
    pub height: u32,
}

/// Why a photo was refused; the message says what to do.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhotoError {
    #[error("the file is empty")]
    Empty,
    #[error("the photo is larger than the {} MB limit", MAX_PHOTO_BYTES / (1024 * 1024))]
    TooLarge,
    #[error("this is not a JPEG or PNG photo")]
    NotAPhoto,
    #[error(
        "the photo is {width}×{height} pixels: keep each side between {MIN_PHOTO_EDGE} and {MAX_PHOTO_EDGE}"
    )]
    BadSize { width: u32, height: u32 },
    #[error("the photo cannot be read ({0}); export it again as JPEG or PNG")]
    Unreadable(String),
}

/// Checks that `bytes` is a whole JPEG or PNG of a sensible size.
pub fn check_photo(bytes: &[u8]) -> Result<Photo, PhotoError> {
    decode(bytes).map(|(photo, _)| photo)
}

/// The photo as a poster for `spec`: scaled to cover the frame, centred,
/// cropped, transparency laid on the page's background, as JPEG.
pub fn fit_poster(bytes: &[u8], spec: &PosterSpec) -> Result<Vec<u8>, PhotoError> {
    let (_, image) = decode(bytes)?;
    let fitted = image.resize_to_fill(spec.width, spec.height, FilterType::CatmullRom);
    let rgba = fitted.to_rgba8();
    let [br, bg, bb] = spec.background.map(u32::from);
    let mut rgb = image::RgbImage::new(spec.width, spec.height);
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = pixel.0.map(u32::from);
        let over = |c: u32, back: u32| ((c * a + back * (255 - a) + 127) / 255) as u8;
        *out = image::Rgb([over(r, br), over(g, bg), over(b, bb)]);
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, crate::poster::JPEG_QUALITY)
        .encode(
            rgb.as_raw(),
            spec.width,
            spec.height,
            image::ExtendedColorType::Rgb8,
        )
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?;
    Ok(jpeg)
}

fn decode(bytes: &[u8]) -> Result<(Photo, DynamicImage), PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoError::TooLarge);
    }
    let format = match image::guess_format(bytes) {
        Ok(ImageFormat::Jpeg) => PhotoFormat::Jpeg,
        Ok(ImageFormat::Png) => PhotoFormat::Png,
        _ => return Err(PhotoError::NotAPhoto),
    };
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
    });
    // Read the size first: refuse a huge image before allocating for it.
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?;
    let fits = |edge: u32| (MIN_PHOTO_EDGE..=MAX_PHOTO_EDGE).contains(&edge);
    if !fits(width) || !fits(height) {
        return Err(PhotoError::BadSize { width, height });
    }
    let mut reader = ImageReader::new(Cursor::new(bytes));
    reader.set_format(match format {
        PhotoFormat::Jpeg => ImageFormat::Jpeg,
        PhotoFormat::Png => ImageFormat::Png,
    });
    let image = reader
        .decode()
        .map_err(|e| PhotoError::Unreadable(e.to_string()))?;
    Ok((
        Photo {
            format,
            width,
            height,
        },
        image,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
        let image = DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, _| {
            // Left half opaque red, right half fully transparent.
            if x < width / 2 {
                image::Rgba([255, 0, 0, 255])
            } else {
                image::Rgba([0, 0, 255, 0])
            }
        }));
        let image = if format == ImageFormat::Jpeg {
            DynamicImage::ImageRgb8(image.to_rgb8())
        } else {
            image
        };
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), format)
            .unwrap();
        bytes
    }

    #[test]
    fn jpegs_and_pngs_are_read_whole() {
        let png = check_photo(&encoded(400, 300, ImageFormat::Png)).unwrap();
        assert_eq!(
            png,
            Photo {
                format: PhotoFormat::Png,
                width: 400,
                height: 300
            }
        );
        let jpeg = check_photo(&encoded(300, 400, ImageFormat::Jpeg)).unwrap();
        assert_eq!(jpeg.format, PhotoFormat::Jpeg);
        assert_eq!(jpeg.format.extension(), "jpg");
    }

    #[test]
    fn broken_or_odd_files_are_refused_with_a_reason() {
        assert_eq!(check_photo(b""), Err(PhotoError::Empty));
        assert_eq!(check_photo(b"glTF\x02\0\0\0"), Err(PhotoError::NotAPhoto));
        let png = encoded(400, 300, ImageFormat::Png);
        let truncated = &png[..png.len() / 2];
        assert!(matches!(
            check_photo(truncated),
            Err(PhotoError::Unreadable(_))
        ));
        assert_eq!(
            check_photo(&encoded(100, 300, ImageFormat::Png)),
            Err(PhotoError::BadSize {
                width: 100,
                height: 300
            })
        );
        let message = PhotoError::BadSize {
            width: 100,
            height: 300,
        }
        .to_string();
        assert!(message.contains("between 200 and 8000"), "{message}");
    }

    #[test]
    fn a_poster_covers_the_frame_and_fills_transparency_with_the_page() {
        let spec = PosterSpec {
            width: 96,
            height: 72,
            background: [243, 244, 246],
        };
        let jpeg = fit_poster(&encoded(800, 300, ImageFormat::Png), &spec).unwrap();
        let poster = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(poster.dimensions(), (96, 72));
        // Cropped from the middle: red on the left, the page on the right.
        let left = poster.get_pixel(5, 36).0;
        let right = poster.get_pixel(90, 36).0;
        assert!(left[0] > 200 && left[1] < 60, "{left:?}");
        assert!(right.iter().all(|c| (230..=255).contains(c)), "{right:?}");
    }
}
