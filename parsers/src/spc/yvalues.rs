//! Y (and per-subfile X) value decoding. Integer Y is a fixed-point fraction:
//! y = int · 2^exp / 2^32 (32-bit) or int · 2^exp / 2^16 (16-bit); exponent
//! 0x80 means the values are IEEE floats instead.

use super::bytes::{Bytes, Endian};
use super::error::SpcError;

/// How one subfile's Y values are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YEncoding {
    /// 32-bit IEEE floats (exponent 0x80).
    Float,
    /// 16-bit integers (TSPREC) scaled by 2^(exp-16).
    Int16 { exp: i16 },
    /// 32-bit integers scaled by 2^(exp-32).
    Int32 { exp: i16 },
    /// Old-format 32-bit integers, high 16-bit word first, each word LSB first.
    Int32WordSwapped { exp: i16 },
}

impl YEncoding {
    /// Chooses the encoding from the exponent in force and the TSPREC flag.
    /// `exp_offset` is where that exponent was read (for the error message).
    pub fn choose(
        exp: i16,
        sixteen_bit: bool,
        old: bool,
        exp_offset: usize,
    ) -> Result<Self, SpcError> {
        // 0x80 is -128 as a signed byte (new format) and 128 as a word (old).
        if exp == -128 || exp == 128 {
            return Ok(YEncoding::Float);
        }
        if !(-127..=127).contains(&exp) {
            return Err(SpcError::BadExponent {
                offset: exp_offset,
                exponent: i32::from(exp),
            });
        }
        Ok(match (sixteen_bit, old) {
            (true, _) => YEncoding::Int16 { exp },
            (false, true) => YEncoding::Int32WordSwapped { exp },
            (false, false) => YEncoding::Int32 { exp },
        })
    }

    /// Bytes per value.
    pub fn width(self) -> u64 {
        match self {
            YEncoding::Int16 { .. } => 2,
            _ => 4,
        }
    }
}

/// Decodes `count` Y values at `offset`; the caller has checked they fit.
pub(crate) fn decode_y(
    b: &Bytes<'_>,
    offset: usize,
    count: u32,
    enc: YEncoding,
) -> Result<Vec<f64>, SpcError> {
    let width = enc.width();
    b.check_points(offset, u64::from(count), width, "Y values")?;
    let raw = b.slice(offset, u64::from(count) * width, "Y values")?;
    let big = b.endian == Endian::Big;
    let values = match enc {
        YEncoding::Float => raw
            .chunks_exact(4)
            .map(|c| f64::from(f32::from_bits(word32(c, big))))
            .collect(),
        YEncoding::Int16 { exp } => {
            let scale = 2f64.powi(i32::from(exp) - 16);
            raw.chunks_exact(2)
                .map(|c| f64::from(word16(c, big) as i16) * scale)
                .collect()
        }
        YEncoding::Int32 { exp } => {
            let scale = 2f64.powi(i32::from(exp) - 32);
            raw.chunks_exact(4)
                .map(|c| f64::from(word32(c, big) as i32) * scale)
                .collect()
        }
        YEncoding::Int32WordSwapped { exp } => {
            let scale = 2f64.powi(i32::from(exp) - 32);
            raw.chunks_exact(4)
                .map(|c| f64::from(word_swapped(c) as i32) * scale)
                .collect()
        }
    };
    Ok(values)
}

/// Decodes `count` 32-bit float X values at `offset` (TXVALS / TXYXYS arrays).
pub(crate) fn decode_x(
    b: &Bytes<'_>,
    offset: usize,
    count: u32,
    what: &'static str,
) -> Result<Vec<f64>, SpcError> {
    b.check_points(offset, u64::from(count), 4, what)?;
    let raw = b.slice(offset, u64::from(count) * 4, what)?;
    let big = b.endian == Endian::Big;
    Ok(raw
        .chunks_exact(4)
        .map(|c| f64::from(f32::from_bits(word32(c, big))))
        .collect())
}

/// Evenly spaced X from FIRST to LAST over `count` points; the last point is
/// LAST exactly (as GRAMS and numpy's linspace compute it).
pub(crate) fn even_x(first: f64, last: f64, count: u32) -> Vec<f64> {
    let n = count as usize;
    if n <= 1 {
        return vec![first; n];
    }
    let step = (last - first) / (n - 1) as f64;
    (0..n)
        .map(|i| {
            if i + 1 == n {
                last
            } else {
                first + step * i as f64
            }
        })
        .collect()
}

fn word16(c: &[u8], big: bool) -> u16 {
    let (a, b) = (
        c.first().copied().unwrap_or(0),
        c.get(1).copied().unwrap_or(0),
    );
    if big {
        u16::from_be_bytes([a, b])
    } else {
        u16::from_le_bytes([a, b])
    }
}

fn word32(c: &[u8], big: bool) -> u32 {
    let mut w = [0u8; 4];
    for (dst, src) in w.iter_mut().zip(c) {
        *dst = *src;
    }
    if big {
        u32::from_be_bytes(w)
    } else {
        u32::from_le_bytes(w)
    }
}

/// Old format: bytes b0 b1 b2 b3 hold the high word (b1 b0) then the low word (b3 b2).
fn word_swapped(c: &[u8]) -> u32 {
    let high = u32::from(word16(c, false));
    let low = u32::from(word16(c.get(2..).unwrap_or_default(), false));
    (high << 16) | low
}
