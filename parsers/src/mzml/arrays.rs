//! Decoding mzML binary data arrays into peaks, with every size bounded.
//!
//! mzdata is run lazily (it keeps the base64 text) because its own eager
//! decoder inflates zlib without a size limit and panics on corrupt streams.
//! We still use its SIMD base64 and its MS-Numpress codecs, and inflate here.

use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{alphabet, Engine};
use mzdata::spectrum::bindata::{
    ArrayType, BinaryArrayMap, BinaryCompressionType as Comp, BinaryDataArrayType as Dtype,
    ByteArrayView, DataArray,
};

use super::inflate::{Inflater, MAX_ARRAY_BYTES};
use crate::spectrum::Peak;

/// Standard alphabet; padding optional because some writers drop it.
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Base64 text to bytes; line-wrapped base64 (some writers wrap at 76) is
/// retried without its whitespace.
pub(crate) fn base64(text: &[u8]) -> Result<Vec<u8>, String> {
    match B64.decode(text) {
        Ok(v) => Ok(v),
        Err(first) => {
            let compact: Vec<u8> = text
                .iter()
                .copied()
                .filter(|b| !b.is_ascii_whitespace())
                .collect();
            if compact.len() == text.len() {
                return Err(format!("bad base64: {first}"));
            }
            B64.decode(&compact).map_err(|e| format!("bad base64: {e}"))
        }
    }
}

/// An array's values: little-endian bytes of a numeric type (borrowed from a
/// reused scratch buffer), or (numpress) already numbers.
enum Decoded<'a> {
    Raw(&'a [u8], Dtype),
    Values(Vec<f64>),
}

/// Iterates the values of a [`Decoded`] without another buffer.
enum Values<'a> {
    F64(std::slice::Iter<'a, [u8; 8]>),
    F32(std::slice::Iter<'a, [u8; 4]>),
    I64(std::slice::Iter<'a, [u8; 8]>),
    I32(std::slice::Iter<'a, [u8; 4]>),
    Done(std::iter::Copied<std::slice::Iter<'a, f64>>),
}

impl Iterator for Values<'_> {
    type Item = f64;
    fn next(&mut self) -> Option<f64> {
        Some(match self {
            Values::F64(c) => f64::from_le_bytes(*c.next()?),
            Values::F32(c) => f32::from_le_bytes(*c.next()?) as f64,
            Values::I64(c) => i64::from_le_bytes(*c.next()?) as f64,
            Values::I32(c) => i32::from_le_bytes(*c.next()?) as f64,
            Values::Done(v) => v.next()?,
        })
    }

    // Exact, so collecting the peaks allocates once.
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Values::F64(c) | Values::I64(c) => c.len(),
            Values::F32(c) | Values::I32(c) => c.len(),
            Values::Done(v) => v.len(),
        };
        (n, Some(n))
    }
}

impl ExactSizeIterator for Values<'_> {}

/// Value width of a numeric data type.
fn width(dtype: &Dtype) -> Result<usize, String> {
    match dtype {
        Dtype::Float64 | Dtype::Int64 => Ok(8),
        Dtype::Float32 | Dtype::Int32 => Ok(4),
        other => Err(format!(
            "expected a numeric data type (MS:1000521/1000523/1000519/1000522), found {other:?}"
        )),
    }
}

impl Decoded<'_> {
    fn len(&self) -> usize {
        match self {
            Decoded::Raw(raw, dtype) => raw.len() / width(dtype).unwrap_or(8),
            Decoded::Values(v) => v.len(),
        }
    }

    fn values(&self) -> Values<'_> {
        match self {
            Decoded::Raw(raw, Dtype::Float64) => Values::F64(raw.as_chunks::<8>().0.iter()),
            Decoded::Raw(raw, Dtype::Int64) => Values::I64(raw.as_chunks::<8>().0.iter()),
            Decoded::Raw(raw, Dtype::Float32) => Values::F32(raw.as_chunks::<4>().0.iter()),
            Decoded::Raw(raw, _) => Values::I32(raw.as_chunks::<4>().0.iter()),
            Decoded::Values(v) => Values::Done(v.iter().copied()),
        }
    }
}

/// Base64 through the SIMD decoder mzdata uses, into `out` (reused, so no
/// allocation once it is large enough), falling back to ours (which also
/// accepts wrapped or unpadded text). Output is at most 3/4 of the text.
fn unbase64_into(text: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    out.clear();
    if base64_simd::STANDARD.decode_append(text, out).is_err() {
        *out = base64(text)?;
    }
    Ok(())
}

/// Numpress through mzdata; its output is bounded by the (already bounded)
/// input, since every value costs at least half a byte.
fn numpress(name: &ArrayType, dtype: Dtype, comp: Comp, raw: &[u8]) -> Result<Vec<f64>, String> {
    let mut array = DataArray::wrap(name, dtype, B64.encode(raw).into_bytes());
    array.compression = comp;
    array
        .to_f64()
        .map(|v| v.into_owned())
        .map_err(|e| format!("numpress: {e}"))
}

/// Buffers reused from array to array and spectrum to spectrum, so that
/// decoding a file allocates (and faults in) its working memory once.
#[derive(Default)]
pub(crate) struct Scratch {
    inflater: Inflater,
    /// Base64-decoded bytes still to inflate.
    unbase64: Vec<u8>,
    mz: Vec<u8>,
    intensity: Vec<u8>,
}

/// The inflater and the base64 buffer, shared by both arrays.
struct Decoder<'s> {
    inflater: &'s mut Inflater,
    unbase64: &'s mut Vec<u8>,
}

/// One array's values; decoded bytes land in `buf`.
fn decode<'b>(
    array: &mut DataArray,
    count: Option<usize>,
    with: &mut Decoder<'_>,
    buf: &'b mut Vec<u8>,
) -> Result<Decoded<'b>, String> {
    let len = match array.compression {
        Comp::Decoded => {
            *buf = std::mem::take(&mut array.data);
            buf.len()
        }
        Comp::NoCompression | Comp::NumpressLinear | Comp::NumpressSLOF | Comp::NumpressPIC => {
            unbase64_into(&array.data, buf)?;
            buf.len()
        }
        Comp::Zlib | Comp::NumpressLinearZlib | Comp::NumpressSLOFZlib | Comp::NumpressPICZlib => {
            // The declared length sizes the output exactly (numpress: roughly).
            let hint = count.map(|n| n.saturating_mul(width(&array.dtype).unwrap_or(8)));
            unbase64_into(&array.data, with.unbase64)?;
            with.inflater
                .unzlib_into(with.unbase64, hint, buf)
                .map_err(|e| format!("zlib: {e}"))?
        }
        other => return Err(format!("unsupported binary encoding {other:?}")),
    };
    let raw = buf.get(..len).unwrap_or_default();
    if raw.len() as u64 > MAX_ARRAY_BYTES {
        return Err(format!("decoded array exceeds {MAX_ARRAY_BYTES} bytes"));
    }
    let plain = match array.compression {
        Comp::NumpressLinear | Comp::NumpressLinearZlib => Comp::NumpressLinear,
        Comp::NumpressSLOF | Comp::NumpressSLOFZlib => Comp::NumpressSLOF,
        Comp::NumpressPIC | Comp::NumpressPICZlib => Comp::NumpressPIC,
        _ => {
            let w = width(&array.dtype)?;
            if !raw.len().is_multiple_of(w) {
                return Err(format!(
                    "{} decoded bytes is not a multiple of the {w}-byte value size",
                    raw.len()
                ));
            }
            return Ok(Decoded::Raw(raw, array.dtype));
        }
    };
    numpress(&array.name, array.dtype, plain, raw).map(Decoded::Values)
}

/// Which array failed, and why.
pub(crate) struct ArrayError {
    /// `m/z` or `intensity`.
    pub array: &'static str,
    /// What went wrong.
    pub reason: String,
}

/// Peaks from two little-endian arrays of `A`- and `B`-byte values, in one
/// pass (cut to the shorter).
fn zip_le<const A: usize, const B: usize>(
    mz: &[u8],
    intensity: &[u8],
    x: impl Fn([u8; A]) -> f64,
    y: impl Fn([u8; B]) -> f64,
) -> Vec<Peak> {
    let (mz, _) = mz.as_chunks::<A>();
    let (intensity, _) = intensity.as_chunks::<B>();
    let mut out = Vec::with_capacity(mz.len().min(intensity.len()));
    out.extend(mz.iter().zip(intensity).map(|(m, i)| Peak {
        x: x(*m),
        intensity: y(*i),
    }));
    out
}

/// Peaks from both arrays' values.
fn pair(mz: &Decoded<'_>, intensity: &Decoded<'_>) -> Vec<Peak> {
    let f64le = f64::from_le_bytes;
    let f32le = |b| f32::from_le_bytes(b) as f64;
    match (mz, intensity) {
        (Decoded::Raw(m, Dtype::Float64), Decoded::Raw(i, Dtype::Float64)) => {
            zip_le(m, i, f64le, f64le)
        }
        (Decoded::Raw(m, Dtype::Float64), Decoded::Raw(i, Dtype::Float32)) => {
            zip_le(m, i, f64le, f32le)
        }
        (Decoded::Raw(m, Dtype::Float32), Decoded::Raw(i, Dtype::Float32)) => {
            zip_le(m, i, f32le, f32le)
        }
        (Decoded::Raw(m, Dtype::Float32), Decoded::Raw(i, Dtype::Float64)) => {
            zip_le(m, i, f32le, f64le)
        }
        _ => mz
            .values()
            .zip(intensity.values())
            .map(|(x, intensity)| Peak { x, intensity })
            .collect(),
    }
}

/// Peaks from the m/z and intensity arrays (`count` is the spectrum's
/// `defaultArrayLength`, a size hint only), plus a note if their lengths differ
/// or one is missing (peaks are then cut to the shorter, never invented).
pub(crate) fn peaks(
    arrays: Option<&mut BinaryArrayMap>,
    count: Option<usize>,
    scratch: &mut Scratch,
) -> Result<(Vec<Peak>, Option<String>), ArrayError> {
    let Some(arrays) = arrays else {
        return Ok((Vec::new(), None));
    };
    let Scratch {
        inflater,
        unbase64,
        mz: mz_buf,
        intensity: int_buf,
    } = scratch;
    let mut with = Decoder { inflater, unbase64 };
    let fail = |label: &'static str| {
        move |reason| ArrayError {
            array: label,
            reason,
        }
    };
    let mz = match arrays.get_mut(&ArrayType::MZArray) {
        None => None,
        Some(a) => Some(decode(a, count, &mut with, mz_buf).map_err(fail("m/z"))?),
    };
    let int = match arrays.get_mut(&ArrayType::IntensityArray) {
        None => None,
        Some(a) => Some(decode(a, count, &mut with, int_buf).map_err(fail("intensity"))?),
    };
    let note = match (&mz, &int) {
        (Some(m), Some(i)) if m.len() != i.len() => Some(format!(
            "m/z array has {} values but intensity array has {}; kept {} peaks",
            m.len(),
            i.len(),
            m.len().min(i.len())
        )),
        (Some(m), None) if m.len() > 0 => {
            Some("no intensity array (MS:1000515); peaks dropped".to_owned())
        }
        (None, Some(i)) if i.len() > 0 => {
            Some("no m/z array (MS:1000514); peaks dropped".to_owned())
        }
        _ => None,
    };
    let peaks = match (&mz, &int) {
        (Some(m), Some(i)) => pair(m, i),
        _ => Vec::new(),
    };
    Ok((peaks, note))
}
