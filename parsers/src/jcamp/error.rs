//! The one error type of the JCAMP-DX reader. Everything recoverable is a
//! warning instead; these are the inputs we cannot turn into spectra at all.

use thiserror::Error;

/// Why bytes could not be read as JCAMP-DX.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JcampError {
    /// Nothing but whitespace (or nothing at all).
    #[error("line 1: empty input: expected `##TITLE=` (a JCAMP-DX labelled data record)")]
    Empty,
    /// No line starts with `##LABEL=`: this is not JCAMP-DX.
    #[error("line {line}: expected a labelled data record `##LABEL=value` (e.g. `##TITLE=`), found none in the file")]
    NotJcamp {
        /// First non-blank line.
        line: usize,
    },
    /// Decoding would exceed the point budget (a DUP count like `5U99999999`,
    /// or a declared NPOINTS, far beyond what the input can hold).
    #[error("line {line}: {what} would exceed the limit of {limit} data points for this input; expected a count the file can plausibly hold")]
    TooManyPoints {
        /// Line of the data or NPOINTS record that overflowed.
        line: usize,
        /// What overflowed (`DUP count 99999999`, `NPOINTS 3000000000`).
        what: String,
        /// The limit (see [`point_limit`](super::point_limit)).
        limit: usize,
    },
}
