//! Errors reading an SPC file: each names the byte offset and what was
//! expected there, so a bad file can be diagnosed from the message alone.

use thiserror::Error;

/// Why bytes could not be read as a Galactic/Thermo GRAMS SPC file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SpcError {
    /// The file ends before a structure the header promises.
    #[error(
        "byte {offset}: truncated: expected {needed} bytes of {what}, only {available} remain"
    )]
    Truncated {
        /// Byte offset where the structure starts.
        offset: usize,
        /// Bytes the structure needs.
        needed: u64,
        /// Bytes left in the file from `offset`.
        available: usize,
        /// What was being read.
        what: &'static str,
    },
    /// The version byte (offset 1) is not 0x4B, 0x4C or 0x4D.
    #[error("byte 1: unknown SPC version byte {byte:#04x}: expected 0x4B (new LSB), 0x4C (new MSB) or 0x4D (old)")]
    UnknownVersion {
        /// The byte found.
        byte: u8,
    },
    /// A point count that cannot fit in the bytes that remain (checked before
    /// anything is allocated, so a hostile count cannot exhaust memory).
    #[error(
        "byte {offset}: {count} points of {what} need {needed} bytes but only {available} remain"
    )]
    TooManyPoints {
        /// Byte offset where the values would start.
        offset: usize,
        /// The point count read from the file.
        count: u64,
        /// Bytes those points need.
        needed: u64,
        /// Bytes left in the file from `offset`.
        available: usize,
        /// Which values (X array, Y values, …).
        what: &'static str,
    },
    /// A subfile count that cannot fit in the bytes that remain.
    #[error("byte 24: {count} subfiles need at least {needed} bytes after byte {offset} but only {available} remain")]
    TooManySubfiles {
        /// Offset of the first subfile (or of the subfile directory).
        offset: usize,
        /// FNSUB as read.
        count: u64,
        /// Minimum bytes that many subfiles (or directory entries) need.
        needed: u64,
        /// Bytes left from `offset`.
        available: usize,
    },
    /// The old-format point count (a float) is not a whole number ≥ 0.
    #[error("byte 4: old-format point count {value} is not a whole number of points")]
    BadPointCount {
        /// The float found, as text.
        value: String,
    },
    /// An integer-Y exponent outside what the format can mean.
    #[error("byte {offset}: Y exponent {exponent} is out of range: expected -127..=127, or 128 (0x80) for float Y")]
    BadExponent {
        /// Byte offset of the exponent field.
        offset: usize,
        /// The exponent found.
        exponent: i32,
    },
    /// A subfile-directory entry points outside the file.
    #[error("byte {offset}: subfile directory entry {entry} points to byte {position}, past the end of the {len}-byte file")]
    BadDirectoryEntry {
        /// Byte offset of the directory entry.
        offset: usize,
        /// 0-based entry number.
        entry: usize,
        /// The subfile position the entry gives.
        position: u64,
        /// File length.
        len: usize,
    },
}
