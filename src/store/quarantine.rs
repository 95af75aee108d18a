//! The quarantine: input that could not be processed, listed without its
//! bytes, and replayable once the cause is fixed.

use time::OffsetDateTime;

use super::raw::sha256_hex;
use super::types::Stage;
use super::{clock, Priority, Store, StoreError, Unit};

/// Quarantines a raw message by id, copying its size and hash (not its bytes).
const QUARANTINE_RAW: &str = "INSERT INTO quarantine \
     (raw_message_id, source, bytes, byte_len, sha256, stage, reason, created_at) \
     SELECT id, source, NULL, byte_len, sha256, $2, $3, $4 FROM raw_messages WHERE id = $1 \
     RETURNING id";

/// What to quarantine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuarantineInput {
    /// A stored raw message (its state becomes `quarantined`).
    Raw(i64),
    /// Bytes that never became a raw message (an adapter-level reject).
    Bytes {
        /// Source name, if known.
        source: Option<String>,
        /// The bytes as received.
        bytes: Vec<u8>,
    },
}

/// One quarantine entry as listed: no bytes, just enough to identify them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineEntry {
    /// Entry id (pass to [`Store::replay`]).
    pub id: i64,
    /// The raw message, if the input was stored as one.
    pub raw_message_id: Option<i64>,
    /// Source name, if known.
    pub source: Option<String>,
    /// Size of the input in bytes.
    pub byte_len: i64,
    /// Lowercase hex SHA-256 of the input.
    pub sha256: String,
    /// Stage that gave up.
    pub stage: Stage,
    /// Why.
    pub reason: String,
    /// When it was quarantined.
    pub created_at: OffsetDateTime,
    /// When it was last replayed, if ever.
    pub replayed_at: Option<OffsetDateTime>,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    raw_message_id: Option<i64>,
    source: Option<String>,
    byte_len: i64,
    sha256: String,
    stage: String,
    reason: String,
    created_at: String,
    replayed_at: Option<String>,
}

impl Unit {
    /// Moves a stored raw message to the quarantine: state `quarantined`,
    /// out of the processing queue, and an entry with its size and hash (not
    /// its bytes). Returns the entry id.
    pub async fn quarantine_raw(
        &mut self,
        raw_id: i64,
        stage: Stage,
        reason: &str,
    ) -> Result<i64, StoreError> {
        let now = clock::now();
        on_unit!(self, conn => {
            let n = sqlx::query("UPDATE raw_messages SET state = 'quarantined' WHERE id = $1")
                .bind(raw_id)
                .execute(&mut *conn)
                .await?
                .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound { what: "raw message", id: raw_id });
            }
            sqlx::query("DELETE FROM processing_queue WHERE raw_message_id = $1")
                .bind(raw_id)
                .execute(&mut *conn)
                .await?;
            Ok(sqlx::query_scalar(QUARANTINE_RAW)
                .bind(raw_id)
                .bind(stage.as_str())
                .bind(reason)
                .bind(now.as_str())
                .fetch_one(&mut *conn)
                .await?)
        })
    }
}

impl Store {
    /// Quarantines input at `stage` and returns the entry id. A raw message
    /// leaves the processing queue.
    pub async fn quarantine(
        &self,
        input: QuarantineInput,
        stage: Stage,
        reason: &str,
    ) -> Result<i64, StoreError> {
        let (source, bytes) = match input {
            QuarantineInput::Raw(raw_id) => {
                return in_own_unit!(self, |u| u.quarantine_raw(raw_id, stage, reason));
            }
            QuarantineInput::Bytes { source, bytes } => (source, bytes),
        };
        let now = clock::now();
        // An adapter's reject is answered (HL7 AE) only after this commit.
        in_unit!(self, Priority::Ack, conn => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO quarantine \
                 (raw_message_id, source, bytes, byte_len, sha256, stage, reason, created_at) \
                 VALUES (NULL, $1, $2, $3, $4, $5, $6, $7) RETURNING id",
            )
            .bind(source.as_deref())
            .bind(bytes.as_slice())
            .bind(bytes.len() as i64)
            .bind(sha256_hex(&bytes))
            .bind(stage.as_str())
            .bind(reason)
            .bind(now.as_str())
            .fetch_one(&mut *conn)
            .await?;
            id
        })
    }

    /// Lists the whole quarantine, newest first, without the bytes.
    pub async fn list_quarantine(&self) -> Result<Vec<QuarantineEntry>, StoreError> {
        self.list_quarantine_page(None, i64::MAX).await
    }

    /// One page of the quarantine, newest first: at most `limit` entries
    /// with ids below `before` (all when `None`). The next page starts
    /// before the last id returned.
    pub async fn list_quarantine_page(
        &self,
        before: Option<i64>,
        limit: i64,
    ) -> Result<Vec<QuarantineEntry>, StoreError> {
        let sql = "SELECT id, raw_message_id, source, byte_len, sha256, stage, reason, \
                   created_at, replayed_at FROM quarantine WHERE ($1 IS NULL OR id < $1) \
                   ORDER BY id DESC LIMIT $2";
        let rows: Vec<EntryRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(before).bind(limit.max(0)).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|r| {
                Ok(QuarantineEntry {
                    id: r.id,
                    raw_message_id: r.raw_message_id,
                    source: r.source,
                    byte_len: r.byte_len,
                    sha256: r.sha256,
                    stage: Stage::parse(&r.stage)?,
                    reason: r.reason,
                    created_at: clock::parse(&r.created_at)?,
                    replayed_at: r.replayed_at.as_deref().map(clock::parse).transpose()?,
                })
            })
            .collect()
    }

    /// Re-queues the raw message behind a quarantine entry (attempts reset,
    /// due now) and stamps `replayed_at`. A message a worker holds right now
    /// is left alone. Entries without a raw message cannot be replayed.
    pub async fn replay(&self, quarantine_id: i64) -> Result<i64, StoreError> {
        let now = clock::now();
        in_unit!(self, Priority::Background, conn => {
            let raw: Option<Option<i64>> =
                sqlx::query_scalar("SELECT raw_message_id FROM quarantine WHERE id = $1")
                    .bind(quarantine_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            let raw_id = match raw {
                None => return Err(StoreError::NotFound { what: "quarantine entry", id: quarantine_id }),
                Some(None) => return Err(StoreError::NotReplayable(quarantine_id)),
                Some(Some(raw_id)) => raw_id,
            };
            let n = sqlx::query(
                "UPDATE raw_messages SET state = 'queued', attempts = 0, last_error = NULL \
                 WHERE id = $1 AND state <> 'processing'",
            )
            .bind(raw_id)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if n > 0 {
                sqlx::query(
                    "INSERT INTO processing_queue (raw_message_id, not_before) VALUES ($1, $2) \
                     ON CONFLICT (raw_message_id) DO UPDATE SET not_before = excluded.not_before, \
                     worker = NULL, claimed_at = NULL",
                )
                .bind(raw_id)
                .bind(now.as_str())
                .execute(&mut *conn)
                .await?;
            }
            sqlx::query("UPDATE quarantine SET replayed_at = $2 WHERE id = $1")
                .bind(quarantine_id)
                .bind(now.as_str())
                .execute(&mut *conn)
                .await?;
            raw_id
        })
    }
}
