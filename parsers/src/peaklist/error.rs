//! Errors reading a vendor peak list: each names the line (or byte) and what
//! was expected there.

use thiserror::Error;

/// Why bytes could not be read as a vendor peak list.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PeakListError {
    /// Nothing but whitespace.
    #[error("line 1: empty input: expected a peak list")]
    Empty,
    /// A NUL byte: this is binary, not a text export.
    #[error("byte {offset}: NUL byte: expected a text peak list, not binary data")]
    Binary {
        /// Byte offset of the first NUL.
        offset: usize,
    },
    /// None of the known layouts matched.
    #[error("line {line}: unknown peak-list layout: expected Agilent MassHunter CSV (`#Point,X(..),Y(..)` or `X,Y`), a Thermo spectrum list (`SPECTRUM - MS`) or two-column m/z–intensity text")]
    UnknownLayout {
        /// 1-based line of the first non-blank line.
        line: usize,
    },
    /// A Thermo spectrum block whose peak rows start without the column header.
    #[error("line {line}: expected the column header `Mass<TAB>Intensity` before peak rows")]
    MissingColumnHeader {
        /// 1-based line of the first peak-like row.
        line: usize,
    },
    /// An Agilent column header without both an X and a Y column.
    #[error("line {line}: column header `{found}` has no X and Y columns: expected `#Point,X(Thomsons),Y(Counts)` or `X,Y`")]
    BadColumnHeader {
        /// 1-based line of the header.
        line: usize,
        /// The header as written.
        found: String,
    },
}
