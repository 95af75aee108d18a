//! Why an mzML document could not be read: each error names the spectrum
//! (0-based, in file order) and/or byte offset, and what was expected there.

use thiserror::Error;

/// Why a (possibly gzip-compressed, possibly indexed) mzML file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MzmlError {
    /// No `<mzML` or `<indexedmzML` root near the start of the (decompressed) input.
    #[error("byte 0: expected an `<mzML` or `<indexedmzML` element in the first 64 KiB")]
    NotMzml,
    /// The gzip stream is corrupt or ends early.
    #[error("gzip byte {offset}: corrupt or truncated gzip stream: {reason}")]
    Gzip {
        /// Byte offset in the decompressed output where decompression failed.
        offset: usize,
        /// What the decompressor reported.
        reason: String,
    },
    /// The gzip stream expands beyond the allowed size (a gzip bomb or a huge file).
    #[error("gzip: decompressed size exceeds the limit of {limit} bytes (input is {compressed} bytes); expected at most 64x expansion")]
    GzipTooLarge {
        /// The limit that was hit, in bytes.
        limit: u64,
        /// Size of the compressed input, in bytes.
        compressed: usize,
    },
    /// The document stops before `</mzML>`.
    #[error("spectrum {spectrum}, byte {offset}: document ends early: expected `</mzML>` (read {spectrum} complete spectra)")]
    Truncated {
        /// 0-based index of the spectrum that was being read.
        spectrum: usize,
        /// Byte offset (in the decompressed document) where reading stopped.
        offset: usize,
    },
    /// The XML or its content is malformed where a spectrum was expected.
    #[error("spectrum {spectrum}, byte {offset}: malformed mzML: {reason}")]
    Malformed {
        /// 0-based index of the spectrum being read.
        spectrum: usize,
        /// Byte offset (in the decompressed document) near the problem.
        offset: usize,
        /// What was expected, as reported by the XML layer.
        reason: String,
    },
    /// A binary data array could not be decoded.
    #[error("spectrum {spectrum}, {array} array: {reason}")]
    BinaryArray {
        /// 0-based index of the spectrum.
        spectrum: usize,
        /// Which array (`m/z` or `intensity`).
        array: &'static str,
        /// What was wrong (bad base64, corrupt zlib, too large, unsupported encoding).
        reason: String,
    },
    /// The underlying mzML library panicked on this input; the panic was caught
    /// at the boundary so the caller gets an error instead.
    #[error("spectrum {spectrum}, byte {offset}: the mzML reader rejected a malformed value (internal panic caught)")]
    ReaderPanic {
        /// 0-based index of the spectrum being read.
        spectrum: usize,
        /// Byte offset where the spectrum being read starts.
        offset: usize,
    },
}

impl From<crate::gzip::GzipError> for MzmlError {
    fn from(e: crate::gzip::GzipError) -> Self {
        use crate::gzip::GzipError;
        match e {
            GzipError::Corrupt { offset, reason } => MzmlError::Gzip { offset, reason },
            GzipError::TooLarge { limit, compressed } => {
                MzmlError::GzipTooLarge { limit, compressed }
            }
        }
    }
}
