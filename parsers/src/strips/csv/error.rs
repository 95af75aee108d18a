//! Why a strip-reader CSV could not be read.

use thiserror::Error;

/// A strip CSV that cannot be turned into readings.
///
/// Rows are 1-based line numbers of the file (the header is line 1);
/// columns are named as the file's header spells them.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StripCsvError {
    /// No header line.
    #[error("empty file: expected a header line naming the columns")]
    Empty,
    /// The CSV layer itself failed (e.g. an unterminated quote).
    #[error("line {line}: malformed CSV: {message}")]
    Malformed {
        /// 1-based line number.
        line: u64,
        /// What went wrong.
        message: String,
    },
    /// A cell is not valid UTF-8.
    #[error("line {row}, column {column}: not valid UTF-8 text")]
    NotUtf8 {
        /// 1-based line number.
        row: u64,
        /// Column name (or `#n` for a cell past the header).
        column: String,
    },
    /// Required columns are absent from the header.
    #[error("missing required column(s): {}", missing.join(", "))]
    MissingColumns {
        /// Canonical names of the missing columns.
        missing: Vec<String>,
    },
    /// Two header cells name the same column.
    #[error("column {column} appears twice in the header (as {first:?} and {second:?})")]
    DuplicateColumn {
        /// Canonical column name.
        column: String,
        /// First header spelling.
        first: String,
        /// Second header spelling.
        second: String,
    },
    /// A required cell is empty or not what the schema allows.
    #[error("line {row}, column {column}: {value:?} is not valid: expected {expected}")]
    BadCell {
        /// 1-based line number.
        row: u64,
        /// Column name as in the header.
        column: String,
        /// The cell as found.
        value: String,
        /// What the schema allows there.
        expected: String,
    },
}
