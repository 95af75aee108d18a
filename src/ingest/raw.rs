//! The seam between adapters and the store: raw bytes with provenance, and
//! the one operation adapters need — commit them durably.

use std::future::Future;
use std::time::SystemTime;

/// How the bytes arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// HL7 v2 over MLLP (TCP).
    Mllp,
    /// ASTM E1381 over TCP.
    AstmTcp,
    /// ASTM E1381 over an RS-232 serial line.
    AstmSerial,
    /// A file dropped in an export or strip-scanner folder.
    Folder,
    /// `synthwatch ingest FILE` on the command line.
    Cli,
}

impl Transport {
    /// Stable name stored with the message.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Mllp => "mllp",
            Transport::AstmTcp => "astm_tcp",
            Transport::AstmSerial => "astm_serial",
            Transport::Folder => "folder",
            Transport::Cli => "cli",
        }
    }
}

/// One unit of raw input exactly as received: an MLLP frame's payload, one
/// ASTM transfer (ENQ…EOT message text), or a whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawMessage {
    /// Configured source name (instrument or folder).
    pub source: String,
    /// How it arrived.
    pub transport: Transport,
    /// When it was received.
    pub received_at: SystemTime,
    /// File name for folder and CLI input (no directories), else `None`.
    pub file_name: Option<String>,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// What the sink did with a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// Id of the stored raw message (the existing one for a duplicate).
    pub id: i64,
    /// True when the same source had already delivered identical bytes: nothing new was stored.
    pub duplicate: bool,
}

/// Why a message could not be made durable. Adapters must not acknowledge it
/// (HL7 `AR`, ASTM NAK or no ACK, file left in place).
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// Storage is full or refused the write.
    #[error("storage refused the message: {0}")]
    Storage(String),
    /// The sink is shutting down.
    #[error("the store is shutting down")]
    Closed,
}

/// Makes raw messages durable. `commit` returns only after the bytes are on
/// disk (SQLite `synchronous=FULL` commit, PostgreSQL commit).
pub trait RawSink: Send + Sync + 'static {
    /// Store `message`; resolve once durable.
    fn commit(
        &self,
        message: RawMessage,
    ) -> impl Future<Output = Result<Committed, SinkError>> + Send;
}
