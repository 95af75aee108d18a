//! The processing queue for workers: claim, finish, fail (retry or
//! quarantine), and crash recovery at start-up.

use std::time::Duration;

use super::types::Stage;
use super::{clock, Pool, Priority, Store, StoreError, Unit};

/// SQLite has one writer, so a plain UPDATE … RETURNING inside an IMMEDIATE
/// transaction cannot hand the same row to two workers.
const CLAIM_SQLITE: &str = "UPDATE raw_messages SET state = 'processing' \
     WHERE id = (SELECT q.raw_message_id FROM processing_queue q \
                 JOIN raw_messages r ON r.id = q.raw_message_id \
                 WHERE r.state = 'queued' AND q.not_before <= $1 \
                 ORDER BY q.not_before, q.raw_message_id LIMIT 1) \
       AND state = 'queued' \
     RETURNING id, source, transport, file_name, bytes, attempts";

/// PostgreSQL workers skip rows another worker has locked instead of waiting.
const CLAIM_PG: &str = "WITH next AS ( \
         SELECT q.raw_message_id FROM processing_queue q \
         JOIN raw_messages r ON r.id = q.raw_message_id \
         WHERE r.state = 'queued' AND q.not_before <= $1 \
         ORDER BY q.not_before, q.raw_message_id LIMIT 1 \
         FOR UPDATE OF q, r SKIP LOCKED) \
     UPDATE raw_messages m SET state = 'processing' FROM next \
     WHERE m.id = next.raw_message_id \
     RETURNING m.id, m.source, m.transport, m.file_name, m.bytes, m.attempts";

const MARK_CLAIMED: &str =
    "UPDATE processing_queue SET worker = $2, claimed_at = $3 WHERE raw_message_id = $1";

/// The reason recorded for a message that was in hand when the process died.
const INTERRUPTED: &str = "processing was interrupted (the process stopped or crashed)";

/// What [`Store::requeue_stale_processing`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recovered {
    /// Messages put back in the queue.
    pub requeued: u64,
    /// Quarantine entries of messages whose attempts ran out.
    pub quarantined: Vec<i64>,
}

/// A raw message handed to a worker.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct QueuedMessage {
    /// Raw message id (pass back to `mark_done` / `mark_failed`).
    pub id: i64,
    /// Source name.
    pub source: String,
    /// Transport name.
    pub transport: String,
    /// File name for folder and CLI input.
    pub file_name: Option<String>,
    /// The bytes as received.
    pub bytes: Vec<u8>,
    /// Failed attempts before this one.
    pub attempts: i64,
}

/// Raw messages per state, from [`Store::queue_counts`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueCounts {
    /// Waiting for a worker.
    pub queued: i64,
    /// Claimed by a worker.
    pub processing: i64,
    /// Processed.
    pub done: i64,
    /// Given up on.
    pub quarantined: i64,
}

/// What [`Store::mark_failed`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailOutcome {
    /// Back in the queue, due after the `retry_after` given.
    Retrying {
        /// Failed attempts so far.
        attempts: i64,
    },
    /// Attempts exhausted: moved to the quarantine.
    Quarantined {
        /// The quarantine entry.
        quarantine_id: i64,
    },
}

impl Store {
    /// Claims the oldest due queued message for `worker`, or `None` if
    /// nothing is due. The message is `processing` until marked.
    pub async fn claim_next(&self, worker: &str) -> Result<Option<QueuedMessage>, StoreError> {
        let now = clock::now();
        let claim = match &self.pool {
            Pool::Sqlite(_) => CLAIM_SQLITE,
            Pool::Pg(_) => CLAIM_PG,
        };
        in_unit!(self, Priority::Background, conn => {
            let claimed: Option<QueuedMessage> = sqlx::query_as(claim)
                .bind(now.as_str())
                .fetch_optional(&mut *conn)
                .await?;
            if let Some(m) = &claimed {
                sqlx::query(MARK_CLAIMED)
                    .bind(m.id)
                    .bind(worker)
                    .bind(now.as_str())
                    .execute(&mut *conn)
                    .await?;
            }
            claimed
        })
    }

    /// [`Unit::mark_done`] (no control id) in its own transaction.
    pub async fn mark_done(&self, id: i64) -> Result<(), StoreError> {
        in_own_unit!(self, |u| u.mark_done(id, None, None))
    }

    /// Records a failed attempt at `stage`. Below the store's `max_attempts`
    /// the message goes back to the queue, due after `retry_after`; at the
    /// limit it is quarantined with `error` as the reason.
    pub async fn mark_failed(
        &self,
        id: i64,
        stage: Stage,
        error: &str,
        retry_after: Duration,
    ) -> Result<FailOutcome, StoreError> {
        let due = clock::now_plus(retry_after);
        let mut unit = self.begin().await?;
        let attempts: Option<i64> = on_unit!(unit, conn => {
            sqlx::query_scalar(
                "UPDATE raw_messages SET attempts = attempts + 1, last_error = $2 \
                 WHERE id = $1 AND state = 'processing' RETURNING attempts",
            )
            .bind(id)
            .bind(error)
            .fetch_optional(&mut *conn)
            .await?
        });
        let Some(attempts) = attempts else {
            return Err(StoreError::NotFound {
                what: "processing message",
                id,
            });
        };
        let outcome = if attempts >= self.max_attempts {
            let quarantine_id = unit.quarantine_raw(id, stage, error).await?;
            FailOutcome::Quarantined { quarantine_id }
        } else {
            on_unit!(unit, conn => {
                sqlx::query("UPDATE raw_messages SET state = 'queued' WHERE id = $1")
                    .bind(id)
                    .execute(&mut *conn)
                    .await?;
                sqlx::query(
                    "UPDATE processing_queue SET not_before = $2, worker = NULL, claimed_at = NULL \
                     WHERE raw_message_id = $1",
                )
                .bind(id)
                .bind(due.as_str())
                .execute(&mut *conn)
                .await?;
            });
            FailOutcome::Retrying { attempts }
        };
        unit.commit().await?;
        Ok(outcome)
    }

    /// Crash recovery, run once at start-up before workers start: every
    /// message left `processing` was in hand when the process died, so it
    /// counts a failed attempt and goes back to `queued` — or, at the store's
    /// `max_attempts`, to the quarantine, so input that kills the process
    /// cannot crash-loop the daemon. Any queued message missing its queue row
    /// gets one.
    pub async fn requeue_stale_processing(&self) -> Result<Recovered, StoreError> {
        let now = clock::now();
        let mut unit = self.begin().await?;
        let stale: Vec<(i64, i64)> = on_unit!(unit, conn => {
            let stale = sqlx::query_as(
                "UPDATE raw_messages SET state = 'queued', attempts = attempts + 1, \
                 last_error = $1 WHERE state = 'processing' RETURNING id, attempts",
            )
            .bind(INTERRUPTED)
            .fetch_all(&mut *conn)
            .await?;
            sqlx::query("UPDATE processing_queue SET worker = NULL, claimed_at = NULL")
                .execute(&mut *conn)
                .await?;
            stale
        });
        let mut out = Recovered::default();
        for (id, attempts) in stale {
            if attempts < self.max_attempts {
                out.requeued += 1;
                continue;
            }
            let reason = format!(
                "{INTERRUPTED}, {attempts} times; quarantined so it cannot crash-loop the daemon"
            );
            out.quarantined
                .push(unit.quarantine_raw(id, Stage::Parse, &reason).await?);
        }
        on_unit!(unit, conn => {
            sqlx::query(
                "INSERT INTO processing_queue (raw_message_id, not_before) \
                 SELECT r.id, $1 FROM raw_messages r WHERE r.state = 'queued' \
                 AND NOT EXISTS (SELECT 1 FROM processing_queue q WHERE q.raw_message_id = r.id)",
            )
            .bind(now.as_str())
            .execute(&mut *conn)
            .await?;
        });
        unit.commit().await?;
        Ok(out)
    }

    /// Counts raw messages in each state (for status displays and tests).
    pub async fn queue_counts(&self) -> Result<QueueCounts, StoreError> {
        let mut counts = QueueCounts::default();
        let slots = [
            (&mut counts.queued, "queued"),
            (&mut counts.processing, "processing"),
            (&mut counts.done, "done"),
            (&mut counts.quarantined, "quarantined"),
        ];
        for (slot, state) in slots {
            *slot = on_pool!(self, pool => {
                sqlx::query_scalar("SELECT COUNT(*) FROM raw_messages WHERE state = $1")
                    .bind(state)
                    .fetch_one(pool)
                    .await?
            });
        }
        Ok(counts)
    }
}

impl Unit {
    /// Marks a claimed message processed, recording its control id (HL7
    /// MSH-10, ASTM H-3) if it has one, and removes it from the queue. A
    /// message read only in part keeps `read_in_part` as its `last_error`.
    pub async fn mark_done(
        &mut self,
        id: i64,
        control_id: Option<&str>,
        read_in_part: Option<&str>,
    ) -> Result<(), StoreError> {
        on_unit!(self, conn => {
            let n = sqlx::query(
                "UPDATE raw_messages SET state = 'done', last_error = $3, \
                 control_id = COALESCE($2, control_id) WHERE id = $1 AND state = 'processing'",
            )
            .bind(id)
            .bind(control_id)
            .bind(read_in_part)
            .execute(&mut *conn)
            .await?
            .rows_affected();
            if n == 0 {
                return Err(StoreError::NotFound { what: "processing message", id });
            }
            sqlx::query("DELETE FROM processing_queue WHERE raw_message_id = $1")
                .bind(id)
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    }
}
