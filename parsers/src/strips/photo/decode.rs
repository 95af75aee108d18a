//! Bytes → darkness raster, with a cap on the claimed size so a tiny file
//! cannot make us allocate gigabytes (decompression bomb).

use std::io::Cursor;

use image::{error::LimitErrorKind, ImageError, ImageFormat, ImageReader, Limits};

use super::plane::Plane;
use super::StripPhotoError;

/// Largest accepted width or height, in pixels.
pub const MAX_SIDE: u32 = 8192;
/// Largest allocation the decoder may make, in bytes.
pub const MAX_ALLOC: u64 = 256 * 1024 * 1024;
/// Analysis runs on at most this many pixels per side; bigger photos are
/// box-averaged down first, which also bounds the cost of the axis search.
const ANALYSIS_SIDE: usize = 1024;

/// The format named by the leading signature, if it is one we read.
pub(crate) fn format_of(bytes: &[u8]) -> Option<ImageFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else {
        None
    }
}

/// Decodes a PNG or JPEG into darkness (255 − green), downscaled for analysis.
///
/// Green is used because lateral-flow lines are red/purple (colloidal gold or
/// latex) and absorb green most; on grey images green equals luminance.
/// Returns the raster, the decoded size, and the downscale factor applied.
pub(crate) fn decode(bytes: &[u8]) -> Result<(Plane, (u32, u32), usize), StripPhotoError> {
    let format = format_of(bytes).ok_or(StripPhotoError::UnsupportedFormat)?;
    let name = if format == ImageFormat::Png {
        "PNG"
    } else {
        "JPEG"
    };
    let reader = || {
        let mut r = ImageReader::with_format(Cursor::new(bytes), format);
        let mut limits = Limits::default();
        limits.max_image_width = Some(MAX_SIDE);
        limits.max_image_height = Some(MAX_SIDE);
        limits.max_alloc = Some(MAX_ALLOC);
        r.limits(limits);
        r
    };
    // Read the header alone first, so an oversized claim is reported with
    // its numbers before any pixel buffer exists.
    let (w, h) = ImageReader::with_format(Cursor::new(bytes), format)
        .into_dimensions()
        .map_err(|e| map_err(e, name))?;
    if w > MAX_SIDE || h > MAX_SIDE {
        return Err(StripPhotoError::TooLarge {
            width: w,
            height: h,
            max: MAX_SIDE,
        });
    }
    if w == 0 || h == 0 {
        return Err(StripPhotoError::Empty);
    }
    let img = reader().decode().map_err(|e| map_err(e, name))?;
    let rgb = img.to_rgb8();
    let (w, h) = (rgb.width() as usize, rgb.height() as usize);
    let mut plane = Plane::new(w, h);
    for (x, y, p) in rgb.enumerate_pixels() {
        plane.set(x as usize, y as usize, 255.0 - f32::from(p.0[1]));
    }
    let factor = w.max(h).div_ceil(ANALYSIS_SIDE);
    let plane = if factor > 1 {
        plane.downsample(factor)
    } else {
        plane
    };
    Ok((plane, (rgb.width(), rgb.height()), factor))
}

fn map_err(e: ImageError, format: &'static str) -> StripPhotoError {
    match e {
        ImageError::Limits(l) => match l.kind() {
            LimitErrorKind::InsufficientMemory => StripPhotoError::MemoryLimit {
                max_bytes: MAX_ALLOC,
            },
            _ => StripPhotoError::TooLarge {
                width: 0,
                height: 0,
                max: MAX_SIDE,
            },
        },
        ImageError::IoError(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            StripPhotoError::Truncated {
                format,
                detail: io.to_string(),
            }
        }
        other => {
            let detail = other.to_string();
            // Decoders word a short read differently; name it plainly.
            let lower = detail.to_ascii_lowercase();
            if lower.contains("eof") || lower.contains("end of") || lower.contains("truncat") {
                StripPhotoError::Truncated { format, detail }
            } else {
                StripPhotoError::Decode { format, detail }
            }
        }
    }
}
