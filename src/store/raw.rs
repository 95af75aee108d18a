//! Raw messages: durable commit (the [`RawSink`] seam), group commit in one
//! transaction, and reading stored input back.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::types::RawState;
use super::{clock, Pool, Priority, Store, StoreError, Unit};
use crate::ingest::{Committed, RawMessage, RawSink, SinkError};

const INSERT_RAW: &str = "INSERT INTO raw_messages \
     (source, transport, received_at, file_name, bytes, byte_len, sha256, state, attempts) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', 0) \
     ON CONFLICT (source, sha256) DO NOTHING RETURNING id";
const INSERT_QUEUE: &str =
    "INSERT INTO processing_queue (raw_message_id, not_before) VALUES ($1, $2)";
const SELECT_EXISTING: &str = "SELECT id FROM raw_messages WHERE source = $1 AND sha256 = $2";

/// A raw message as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRaw {
    /// Row id.
    pub id: i64,
    /// Source name.
    pub source: String,
    /// Transport name ([`crate::ingest::Transport::as_str`]).
    pub transport: String,
    /// When it was received.
    pub received_at: OffsetDateTime,
    /// File name for folder and CLI input.
    pub file_name: Option<String>,
    /// The bytes exactly as received.
    pub bytes: Vec<u8>,
    /// Lowercase hex SHA-256 of `bytes`.
    pub sha256: String,
    /// Message control id, once a worker has parsed it.
    pub control_id: Option<String>,
    /// Processing state.
    pub state: RawState,
    /// Failed processing attempts so far.
    pub attempts: i64,
    /// The last processing error, if any.
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RawRow {
    id: i64,
    source: String,
    transport: String,
    received_at: String,
    file_name: Option<String>,
    bytes: Vec<u8>,
    sha256: String,
    control_id: Option<String>,
    state: String,
    attempts: i64,
    last_error: Option<String>,
}

/// A message with its derived columns, ready to insert.
pub(super) struct Prepared {
    pub(super) message: RawMessage,
    pub(super) received_at: String,
    pub(super) sha256: String,
}

impl Prepared {
    fn new(message: RawMessage) -> Prepared {
        Prepared {
            received_at: clock::format_system(message.received_at),
            sha256: sha256_hex(&message.bytes),
            message,
        }
    }
}

/// Lowercase hex SHA-256, the content half of the idempotency key.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl Store {
    /// Commits messages in one transaction and returns one result per
    /// message, in order; `Ok` only once the transaction has committed. If
    /// the batch transaction fails, each message is retried in its own
    /// transaction so one failure cannot sink the rest.
    pub async fn commit_batch(
        &self,
        messages: Vec<RawMessage>,
    ) -> Vec<Result<Committed, SinkError>> {
        let prepared: Vec<Prepared> = messages.into_iter().map(Prepared::new).collect();
        if prepared.is_empty() {
            return Vec::new();
        }
        match self.insert_raw(&prepared).await {
            Ok(done) => done.into_iter().map(Ok).collect(),
            Err(e) if prepared.len() <= 1 => {
                prepared.iter().map(|_| Err(e.to_sink_error())).collect()
            }
            Err(e) => {
                tracing::warn!(error = %e, n = prepared.len(), "batch commit failed; retrying one by one");
                let mut out = Vec::with_capacity(prepared.len());
                for p in &prepared {
                    out.push(match self.insert_raw(std::slice::from_ref(p)).await {
                        Ok(mut v) => v.pop().ok_or(SinkError::Closed),
                        Err(e) => Err(e.to_sink_error()),
                    });
                }
                out
            }
        }
    }

    async fn insert_raw(&self, batch: &[Prepared]) -> Result<Vec<Committed>, StoreError> {
        let queued_at = clock::now();
        if let Pool::Pg(pool) = &self.pool {
            return super::raw_pg::insert_batch(pool, batch, &queued_at).await;
        }
        in_unit!(self, Priority::Ack, conn => {
            let mut out = Vec::with_capacity(batch.len());
            for p in batch {
                let m = &p.message;
                let inserted: Option<i64> = sqlx::query_scalar(INSERT_RAW)
                    .bind(m.source.as_str())
                    .bind(m.transport.as_str())
                    .bind(p.received_at.as_str())
                    .bind(m.file_name.as_deref())
                    .bind(m.bytes.as_slice())
                    .bind(m.bytes.len() as i64)
                    .bind(p.sha256.as_str())
                    .fetch_optional(&mut *conn)
                    .await?;
                let committed = match inserted {
                    Some(id) => {
                        sqlx::query(INSERT_QUEUE)
                            .bind(id)
                            .bind(queued_at.as_str())
                            .execute(&mut *conn)
                            .await?;
                        Committed { id, duplicate: false }
                    }
                    None => {
                        let id: i64 = sqlx::query_scalar(SELECT_EXISTING)
                            .bind(m.source.as_str())
                            .bind(p.sha256.as_str())
                            .fetch_one(&mut *conn)
                            .await?;
                        Committed { id, duplicate: true }
                    }
                };
                out.push(committed);
            }
            out
        })
    }

    /// Reads a stored raw message, bytes included.
    pub async fn raw_message(&self, id: i64) -> Result<Option<StoredRaw>, StoreError> {
        let sql = "SELECT id, source, transport, received_at, file_name, bytes, sha256, \
                   control_id, state, attempts, last_error FROM raw_messages WHERE id = $1";
        let row: Option<RawRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(id).fetch_optional(pool).await?
        });
        row.map(|r| {
            Ok(StoredRaw {
                id: r.id,
                source: r.source,
                transport: r.transport,
                received_at: clock::parse(&r.received_at)?,
                file_name: r.file_name,
                bytes: r.bytes,
                sha256: r.sha256,
                control_id: r.control_id,
                state: RawState::parse(&r.state)?,
                attempts: r.attempts,
                last_error: r.last_error,
            })
        })
        .transpose()
    }

    /// The note of a processed message read only in part (its `last_error`
    /// once `done`), without loading its bytes.
    pub async fn read_in_part_note(&self, id: i64) -> Result<Option<String>, StoreError> {
        let sql = "SELECT last_error FROM raw_messages WHERE id = $1 AND state = 'done'";
        let note: Option<Option<String>> = on_pool!(self, pool => {
            sqlx::query_scalar(sql).bind(id).fetch_optional(pool).await?
        });
        Ok(note.flatten())
    }

    /// The id of the message `source` delivered with these exact bytes, if stored.
    pub async fn find_raw(&self, source: &str, bytes: &[u8]) -> Result<Option<i64>, StoreError> {
        let sha = sha256_hex(bytes);
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(SELECT_EXISTING)
                .bind(source)
                .bind(sha.as_str())
                .fetch_optional(pool)
                .await?
        }))
    }

    /// [`Unit::set_control_id`] in its own transaction.
    pub async fn set_control_id(&self, id: i64, control_id: &str) -> Result<(), StoreError> {
        in_own_unit!(self, |u| u.set_control_id(id, control_id))
    }

    /// Registers or updates a configured source (instrument or folder).
    pub async fn register_source(
        &self,
        name: &str,
        kind: &str,
        instrument: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = clock::now();
        in_unit!(self, Priority::Background, conn => {
            sqlx::query(
                "INSERT INTO sources (name, kind, instrument, created_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, instrument = excluded.instrument",
            )
            .bind(name)
            .bind(kind)
            .bind(instrument)
            .bind(now.as_str())
            .execute(&mut *conn)
            .await?;
        })
    }
}

impl Unit {
    /// Records the message control id (HL7 MSH-10, ASTM H-3) once parsed.
    pub async fn set_control_id(&mut self, id: i64, control_id: &str) -> Result<(), StoreError> {
        let n = on_unit!(self, conn => {
            sqlx::query("UPDATE raw_messages SET control_id = $2 WHERE id = $1")
                .bind(id)
                .bind(control_id)
                .execute(&mut *conn)
                .await?
                .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound {
                what: "raw message",
                id,
            });
        }
        Ok(())
    }
}

impl RawSink for Store {
    async fn commit(&self, message: RawMessage) -> Result<Committed, SinkError> {
        self.commit_batch(vec![message])
            .await
            .pop()
            .unwrap_or(Err(SinkError::Closed))
    }
}
