//! Why an MGF file could not be read.

use thiserror::Error;

/// An MGF input that cannot be read as a whole.
///
/// A block missing `END IONS` or a stray `END IONS` is a warning (the block is
/// kept); a line that is neither a parameter nor a peak is an error, because
/// skipping it could silently drop or mis-assign peaks.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MgfError {
    /// A line did not have the shape its position requires.
    #[error("MGF line {line}: expected {expected}, found `{found}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What the reader expected there.
        expected: &'static str,
        /// An excerpt of what was there.
        found: String,
    },
    /// The input has no `BEGIN IONS` block.
    #[error("not an MGF file: expected a `BEGIN IONS` block, found none")]
    NoSpectra,
}
