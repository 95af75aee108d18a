//! Errors from the partnership store.

use std::path::PathBuf;

use crate::ingest::SinkError;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database refused or failed the operation.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the embedded schema migrations failed.
    #[error("schema migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A durability setting did not take effect (read back at start-up).
    #[error("PRAGMA {pragma} is {found:?}, required {expected:?}")]
    Pragma {
        /// The pragma checked.
        pragma: &'static str,
        /// What the store requires.
        expected: String,
        /// What SQLite reported.
        found: String,
    },
    /// A file or directory could not be created or read.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The database URL is neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported database URL scheme (expected sqlite:// or postgres://)")]
    UnsupportedUrl,
    /// No row with this id, or it is not in the state the operation needs.
    #[error("{what} {id} not found or not in the required state")]
    NotFound {
        /// The kind of row.
        what: &'static str,
        /// Its id.
        id: i64,
    },
    /// The quarantine entry has no raw message to re-queue (adapter-level reject).
    #[error("quarantine entry {0} has no raw message to replay")]
    NotReplayable(i64),
    /// A value given to the store is not acceptable (e.g. a malformed patient key).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// A stored value could not be read back (bad timestamp, JSON, enum text).
    #[error("stored data is malformed: {0}")]
    Corrupt(String),
    /// A value could not be serialised to JSON for storage.
    #[error("JSON encoding failed: {0}")]
    Json(#[from] serde_json::Error),
}

impl StoreError {
    /// The sink-level view of this error: shutdown, or storage refused.
    pub fn to_sink_error(&self) -> SinkError {
        match self {
            StoreError::Database(sqlx::Error::PoolClosed) => SinkError::Closed,
            other => SinkError::Storage(other.to_string()),
        }
    }
}

impl From<StoreError> for SinkError {
    fn from(e: StoreError) -> Self {
        e.to_sink_error()
    }
}
