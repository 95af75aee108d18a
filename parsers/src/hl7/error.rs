//! Errors reading ER7 text: each names the byte offset (and segment number
//! where there is one) and what was expected there.

use thiserror::Error;

/// Why a message could not be read as HL7 v2 ER7.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Er7Error {
    /// Nothing but blank lines.
    #[error("byte 0: empty message: expected a segment starting with `MSH`")]
    Empty,
    /// The first segment is not MSH.
    #[error("segment 1 at byte {offset}: expected `MSH`, found another segment id")]
    NoMsh {
        /// Byte offset of the first segment.
        offset: usize,
    },
    /// The message ends right after `MSH`.
    #[error("byte {offset}: expected the field separator (MSH-1) after `MSH`")]
    MissingFieldSeparator {
        /// Byte offset where MSH-1 should be.
        offset: usize,
    },
    /// MSH-1 is a letter, digit, space or control byte.
    #[error("byte {offset}: bad field separator {byte:#04x}: expected a punctuation character")]
    BadFieldSeparator {
        /// Byte offset of MSH-1.
        offset: usize,
        /// The byte found (a delimiter, never message data).
        byte: u8,
    },
    /// MSH-2 is not 4 or 5 distinct punctuation characters.
    #[error("byte {offset}: bad encoding characters (MSH-2): {reason}")]
    BadEncodingCharacters {
        /// Byte offset of MSH-2.
        offset: usize,
        /// What was expected.
        reason: &'static str,
    },
    /// A segment id is not three letters or digits followed by the field
    /// separator or the line end (a truncated or garbled segment).
    #[error("segment {segment} at byte {offset}: expected a 3-character segment id (letters/digits) then the field separator")]
    BadSegmentId {
        /// 1-based segment number.
        segment: usize,
        /// Byte offset of the segment start.
        offset: usize,
    },
}
