//! Size-bounded decompression, shared by the mzML and mzXML readers: a small
//! compressed input must never be able to claim unbounded memory.

use std::io::Read;

/// Whole-file gzip may expand to this multiple of its compressed size …
pub const GZIP_MAX_RATIO: u64 = 64;
/// … but anything up to this many bytes is always allowed (small, highly
/// repetitive XML legitimately compresses better than 64:1) …
pub const GZIP_FLOOR: u64 = 64 << 20;
/// … and nothing beyond this, whatever the ratio.
pub const GZIP_HARD_CAP: u64 = 2 << 30;
/// Largest decoded binary array (one m/z or intensity array) accepted: 256 MiB
/// is 32 M doubles, far beyond any real spectrum.
pub const MAX_ARRAY_BYTES: u64 = 256 << 20;

/// The decompressed-size limit for a gzip input of `compressed` bytes.
pub fn gzip_limit(compressed: usize) -> u64 {
    let by_ratio = (compressed as u64).saturating_mul(GZIP_MAX_RATIO);
    by_ratio.clamp(GZIP_FLOOR, GZIP_HARD_CAP)
}

/// Why a bounded decompression failed.
#[derive(Debug)]
pub(crate) enum InflateError {
    /// The stream is corrupt or truncated after `offset` output bytes.
    Corrupt { offset: usize, reason: String },
    /// The output would exceed `limit` bytes.
    TooLarge { limit: u64 },
}

/// True for the gzip magic bytes `1f 8b`.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// Reads `decoder` to the end, failing as soon as more than `limit` bytes come
/// out; memory use is at most `limit + 1` bytes plus the decoder's state.
pub(crate) fn read_limited<R: Read>(
    decoder: R,
    limit: u64,
    hint: usize,
) -> Result<Vec<u8>, InflateError> {
    // Room up front lets read_to_end inflate in large steps instead of
    // probing with small reads and re-growing the buffer.
    let mut out = Vec::with_capacity(hint.min(usize::try_from(limit).unwrap_or(usize::MAX)));
    let mut limited = decoder.take(limit.saturating_add(1));
    if let Err(e) = limited.read_to_end(&mut out) {
        return Err(InflateError::Corrupt {
            offset: out.len(),
            reason: e.to_string(),
        });
    }
    if out.len() as u64 > limit {
        return Err(InflateError::TooLarge { limit });
    }
    Ok(out)
}

/// Whole-file gzip (all members, as `bgzip` and `cat a.gz b.gz` produce).
pub(crate) fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, InflateError> {
    let hint = bytes.len().saturating_mul(4);
    read_limited(
        flate2::bufread::MultiGzDecoder::new(bytes),
        gzip_limit(bytes.len()),
        hint,
    )
}

/// A zlib stream inside a binary array, bounded by [`MAX_ARRAY_BYTES`].
pub(crate) fn unzlib(bytes: &[u8], hint: Option<usize>) -> Result<Vec<u8>, InflateError> {
    let mut out = Vec::new();
    let len = Inflater::default().unzlib_into(bytes, hint, &mut out)?;
    out.truncate(len);
    Ok(out)
}

/// Smallest step by which [`Inflater::unzlib_into`] grows its output.
const GROW_MIN: usize = 32 << 10;

/// A reusable zlib inflater, writing straight into a caller-owned buffer that
/// is reused from array to array. When the output size is known (an mzML
/// array's `defaultArrayLength`), libdeflate inflates the whole array in one
/// call, about 1.5× faster than a streaming inflater; otherwise, or if that
/// size turns out wrong, flate2 over zlib-rs (as mzdata uses) streams it.
#[derive(Default)]
pub(crate) struct Inflater {
    whole: Option<libdeflater::Decompressor>,
    state: Option<flate2::Decompress>,
}

impl Inflater {
    /// Inflates the zlib stream `bytes` into `out`, bounded by
    /// [`MAX_ARRAY_BYTES`], and returns the decoded length: the result is
    /// `out[..len]` (`out` may be longer; its old bytes are reused, never
    /// zeroed again). `hint` is the expected output size; the buffer grows
    /// past it only if the data need more. Like a streaming reader, a stream
    /// cut short yields what came out before the cut.
    pub(crate) fn unzlib_into(
        &mut self,
        bytes: &[u8],
        hint: Option<usize>,
        out: &mut Vec<u8>,
    ) -> Result<usize, InflateError> {
        let limit = usize::try_from(MAX_ARRAY_BYTES).unwrap_or(usize::MAX);
        if let Some(n) = hint.filter(|&n| n > 0 && n <= limit) {
            if out.len() < n {
                out.resize(n, 0);
            }
            let whole = self
                .whole
                .get_or_insert_with(libdeflater::Decompressor::new);
            if let Some(Ok(len)) = out.get_mut(..n).map(|o| whole.zlib_decompress(bytes, o)) {
                return Ok(len);
            }
            // Larger than declared, corrupt or cut short: the streaming path
            // tells which, and keeps what came out before a cut.
        }
        self.stream_into(bytes, hint, out)?;
        Ok(out.len())
    }

    /// [`Inflater::unzlib_into`] through a streaming inflater; `out` holds
    /// exactly the decoded bytes afterwards.
    fn stream_into(
        &mut self,
        bytes: &[u8],
        hint: Option<usize>,
        out: &mut Vec<u8>,
    ) -> Result<(), InflateError> {
        use flate2::{FlushDecompress, Status};
        let limit = usize::try_from(MAX_ARRAY_BYTES).unwrap_or(usize::MAX);
        let too_large = InflateError::TooLarge {
            limit: MAX_ARRAY_BYTES,
        };
        out.clear();
        let z = match &mut self.state {
            Some(z) => {
                z.reset(true);
                z
            }
            none => none.insert(flate2::Decompress::new(true)),
        };
        // One spare byte lets the stream end be seen without growing.
        let first = hint
            .unwrap_or_else(|| bytes.len().saturating_mul(4))
            .saturating_add(1)
            .min(limit.saturating_add(1));
        if out.capacity() < first {
            // A fresh buffer (growing the old one would copy stale bytes), at
            // least doubled so a file of ever larger arrays reallocates, and
            // faults in new pages, only a few times.
            *out = Vec::with_capacity(first.max(out.capacity().saturating_mul(2)));
        }
        let mut read = 0usize;
        loop {
            let input = bytes.get(read..).unwrap_or_default();
            let (in0, out0) = (z.total_in(), out.len());
            let status = z
                .decompress_vec(input, out, FlushDecompress::Finish)
                .map_err(|e| InflateError::Corrupt {
                    offset: out.len(),
                    reason: e.to_string(),
                })?;
            read = read.saturating_add(usize::try_from(z.total_in() - in0).unwrap_or(usize::MAX));
            if out.len() > limit {
                return Err(too_large);
            }
            if status == Status::StreamEnd {
                return Ok(());
            }
            if out.len() < out.capacity() {
                if z.total_in() == in0 && out.len() == out0 {
                    // Input exhausted before the stream's end: keep what came out.
                    return Ok(());
                }
                continue;
            }
            let room = limit.saturating_add(1).saturating_sub(out.len());
            if room == 0 {
                return Err(too_large);
            }
            out.reserve_exact(out.len().max(GROW_MIN).min(room));
        }
    }
}

/// The first up-to-`n` decompressed bytes of a gzip input, for sniffing; a
/// corrupt stream just yields what came out before the fault.
pub(crate) fn gunzip_prefix(bytes: &[u8], n: u64) -> Vec<u8> {
    let mut out = Vec::new();
    let mut limited = flate2::bufread::MultiGzDecoder::new(bytes).take(n);
    // Sniffing is best effort: a decode error just ends the peek.
    let _ = limited.read_to_end(&mut out);
    out
}

impl std::fmt::Display for InflateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InflateError::Corrupt { offset, reason } => {
                write!(
                    f,
                    "corrupt compressed data after {offset} output bytes: {reason}"
                )
            }
            InflateError::TooLarge { limit } => {
                write!(f, "decompresses to more than {limit} bytes")
            }
        }
    }
}

#[cfg(test)]
#[path = "inflate_tests.rs"]
mod tests;
