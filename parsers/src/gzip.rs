//! Whole-file gzip for any format (`library.mgf.gz`, `run.mzML.gz`), bounded
//! as the mzML reader's is: a small input can never claim unbounded memory.

use crate::mzml::inflate::{gunzip, InflateError};
pub use crate::mzml::inflate::{gzip_limit, is_gzip};

/// Why a gzip file could not be decompressed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GzipError {
    /// The stream is corrupt or cut short.
    #[error("corrupt or cut short after {offset} decompressed bytes: {reason}")]
    Corrupt {
        /// Decompressed bytes before the fault.
        offset: usize,
        /// What the decompressor said.
        reason: String,
    },
    /// It would expand beyond [`gzip_limit`].
    #[error("{compressed} compressed bytes expand beyond {limit} bytes; refused")]
    TooLarge {
        /// The limit for this input.
        limit: u64,
        /// The compressed size.
        compressed: usize,
    },
}

/// All members of a gzip file, decompressed, within [`gzip_limit`].
pub fn decompress(bytes: &[u8]) -> Result<Vec<u8>, GzipError> {
    gunzip(bytes).map_err(|e| match e {
        InflateError::Corrupt { offset, reason } => GzipError::Corrupt { offset, reason },
        InflateError::TooLarge { limit } => GzipError::TooLarge {
            limit,
            compressed: bytes.len(),
        },
    })
}
