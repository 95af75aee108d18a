//! Why a strip photo could not be read.

use thiserror::Error;

/// A strip photo that could not be decoded or analysed at all.
///
/// Oddities that still leave a usable result (no strip outline found, bands
/// that cannot be told apart) are [`super::PhotoWarning`]s, not errors.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StripPhotoError {
    /// The bytes start with neither the PNG nor the JPEG signature.
    #[error("not a PNG or JPEG image: expected signature 89 50 4E 47 or FF D8 FF at byte 0")]
    UnsupportedFormat,
    /// The header claims a size above the cap (decompression-bomb guard).
    #[error("image claims {width}x{height} pixels; at most {max}x{max} are accepted")]
    TooLarge {
        /// Claimed width in pixels.
        width: u32,
        /// Claimed height in pixels.
        height: u32,
        /// The cap on either side.
        max: u32,
    },
    /// The decoder would need more memory than the cap allows.
    #[error("decoding needs more than {max_bytes} bytes of memory")]
    MemoryLimit {
        /// The allocation cap in bytes.
        max_bytes: u64,
    },
    /// The file ends before the image data does.
    #[error("{format} image is truncated: the data ends before the image does ({detail})")]
    Truncated {
        /// "PNG" or "JPEG".
        format: &'static str,
        /// The decoder's own words.
        detail: String,
    },
    /// The image data is malformed.
    #[error("{format} image could not be decoded: {detail}")]
    Decode {
        /// "PNG" or "JPEG".
        format: &'static str,
        /// The decoder's own words.
        detail: String,
    },
    /// The image has no pixels.
    #[error("image has zero width or height")]
    Empty,
}
