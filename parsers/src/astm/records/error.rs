//! Errors of the record layer: only what makes a whole text unreadable.

/// Why record text could not be read. Problems confined to one record are
/// warnings instead (see [`super::Transfer::warnings`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// The text holds no record at all.
    #[error("no records: the text is empty or holds only line ends and spaces")]
    Empty,
    /// The first record is not an H record, so no delimiters are known.
    #[error("record {record} at byte {offset}: expected an H header record first, found record type {found:?}")]
    NotHeader {
        /// 1-based record number.
        record: usize,
        /// Byte offset of the record in the text.
        offset: usize,
        /// The record-type character that was found instead.
        found: char,
    },
    /// The H record's delimiter definition (H-2) cannot be used.
    #[error("record {record} at byte {offset}: bad delimiter definition `{definition}`: {reason}")]
    BadDelimiters {
        /// 1-based record number of the H record.
        record: usize,
        /// Byte offset of the H record in the text.
        offset: usize,
        /// The start of the header as sent (at most 6 characters).
        definition: String,
        /// What was expected.
        reason: &'static str,
    },
}
