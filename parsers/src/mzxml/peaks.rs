//! Decoding one `<peaks>` element: base64 of interleaved big-endian
//! (`network`) m/z–intensity pairs, optionally zlib-compressed (bounded).

use quick_xml::events::BytesStart;

use crate::mzml::arrays::base64;
use crate::mzml::inflate::unzlib;
use crate::mzml::xml::attr;
use crate::spectrum::Peak;

/// The `<peaks>` attributes that decide how its text is decoded.
#[derive(Debug, Clone)]
pub(crate) struct Encoding {
    /// 32 or 64.
    precision: String,
    /// `network` is the only byte order mzXML defines.
    byte_order: String,
    /// `m/z-int` (mzXML 2 `pairOrder`, mzXML 3 `contentType`).
    content: String,
    /// `zlib` or `none`.
    compression: String,
    /// Declared compressed length, checked as a warning.
    compressed_len: Option<usize>,
}

impl Encoding {
    /// Reads the attributes, with the schema's defaults.
    pub(crate) fn from_tag(e: &BytesStart<'_>) -> Encoding {
        Encoding {
            precision: attr(e, b"precision").unwrap_or_else(|| "32".to_owned()),
            byte_order: attr(e, b"byteOrder").unwrap_or_else(|| "network".to_owned()),
            content: attr(e, b"contentType")
                .or_else(|| attr(e, b"pairOrder"))
                .unwrap_or_else(|| "m/z-int".to_owned()),
            compression: attr(e, b"compressionType").unwrap_or_else(|| "none".to_owned()),
            compressed_len: attr(e, b"compressedLen").and_then(|v| v.trim().parse().ok()),
        }
    }
}

/// Peaks from the base64 text, plus a note on oddities that did not stop decoding.
pub(crate) fn decode(text: &[u8], enc: &Encoding) -> Result<(Vec<Peak>, Option<String>), String> {
    let width = match enc.precision.trim() {
        "32" => 4,
        "64" => 8,
        other => return Err(format!("precision \"{other}\": expected 32 or 64")),
    };
    if enc.byte_order.trim() != "network" {
        return Err(format!(
            "byteOrder \"{}\": expected \"network\" (big-endian)",
            enc.byte_order
        ));
    }
    if enc.content.trim() != "m/z-int" {
        return Err(format!(
            "content \"{}\": expected \"m/z-int\" pairs",
            enc.content
        ));
    }
    let text = text.trim_ascii();
    if text.is_empty() {
        return Ok((Vec::new(), None));
    }
    let raw = base64(text)?;
    let mut note = None;
    let raw = match enc.compression.trim() {
        "none" | "" => raw,
        "zlib" => {
            if enc.compressed_len.is_some_and(|n| n != 0 && n != raw.len()) {
                note = Some(format!(
                    "compressedLen is {} but the base64 holds {} bytes",
                    enc.compressed_len.unwrap_or_default(),
                    raw.len()
                ));
            }
            unzlib(&raw, None).map_err(|e| format!("zlib: {e}"))?
        }
        other => {
            return Err(format!(
                "compressionType \"{other}\": expected zlib or none"
            ))
        }
    };
    if raw.len() % (2 * width) != 0 {
        return Err(format!(
            "{} decoded bytes is not a whole number of {}-byte m/z-intensity pairs",
            raw.len(),
            2 * width
        ));
    }
    let value = |c: &[u8]| -> f64 {
        // chunks_exact guarantees the width, so the conversions cannot fail.
        if width == 8 {
            f64::from_be_bytes(c.try_into().unwrap_or_default())
        } else {
            f32::from_be_bytes(c.try_into().unwrap_or_default()) as f64
        }
    };
    let peaks = raw
        .chunks_exact(2 * width)
        .map(|pair| {
            let (x, y) = pair.split_at(width);
            Peak {
                x: value(x),
                intensity: value(y),
            }
        })
        .collect();
    Ok((peaks, note))
}
