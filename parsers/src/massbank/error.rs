//! Why a MassBank record file could not be read.

use thiserror::Error;

/// A MassBank input that cannot be read as a whole.
///
/// A peak count that disagrees with `PK$NUM_PEAK`, a record without its `//`
/// terminator and a line that is not `TAG: value` are warnings.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MassBankError {
    /// A line did not have the shape its position requires.
    #[error("MassBank line {line}: expected {expected}, found `{found}`")]
    Syntax {
        /// 1-based line number.
        line: usize,
        /// What the reader expected there.
        expected: &'static str,
        /// An excerpt of what was there.
        found: String,
    },
    /// The input holds no record (no `TAG: value` line at all).
    #[error("not a MassBank record: expected `ACCESSION:` and `TAG: value` lines, found none")]
    NoRecords,
}
