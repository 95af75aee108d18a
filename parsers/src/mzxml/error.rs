//! Why an mzXML document could not be read: each error names the scan (its
//! `num` attribute where there is one) and the byte offset, and what was expected.

use thiserror::Error;

/// Why an mzXML file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MzxmlError {
    /// No `<mzXML` root near the start.
    #[error("byte 0: expected an `<mzXML` element in the first 64 KiB")]
    NotMzxml,
    /// The XML is not well-formed.
    #[error("byte {offset}: malformed XML: {reason}")]
    Xml {
        /// Byte offset of the problem.
        offset: usize,
        /// What the XML layer expected.
        reason: String,
    },
    /// The document ends inside a `<scan>` (or before `</mzXML>`).
    #[error(
        "byte {offset}: document ends early inside scan {scan}: expected `</scan>` and `</mzXML>`"
    )]
    Truncated {
        /// `num` of the innermost open scan, or `?`.
        scan: String,
        /// Length of the input.
        offset: usize,
    },
    /// A `<peaks>` element could not be decoded.
    #[error("scan {scan}, byte {offset}: bad <peaks>: {reason}")]
    Peaks {
        /// `num` of the scan, or `?`.
        scan: String,
        /// Byte offset of the `<peaks>` content.
        offset: usize,
        /// What was expected (base64, zlib, precision 32/64, network byte order, …).
        reason: String,
    },
}
