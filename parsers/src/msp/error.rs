//! Why an MSP file could not be read.

use thiserror::Error;

/// An MSP input that cannot be read as a whole.
///
/// Oddities that leave the data usable (peak count disagreeing with
/// `Num Peaks`, a record without `Name:`) are warnings, not errors.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MspError {
    /// A line did not have the shape its position requires.
    #[error("MSP line {line}: expected {expected}, found `{found}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What the reader expected there.
        expected: &'static str,
        /// An excerpt of what was there.
        found: String,
    },
    /// The input holds no record: no `Num Peaks:` line and no peaks.
    #[error("not an MSP file: expected a `Name:` / `Num Peaks:` record, found none")]
    NoRecords,
}
