//! PostgreSQL's raw-message batch insert: the whole group-commit batch in one
//! statement (one round trip and one commit), where the portable path in
//! `raw.rs` needs two or three statements per message inside a transaction.
//! A single statement is atomic, so the batch is stored entirely or not at all.

use sqlx::PgPool;

use super::raw::Prepared;
use super::StoreError;
use crate::ingest::Committed;

/// Inserts the batch (duplicates by source and SHA-256 skipped) and queues
/// what is new (the stored id of a duplicate is looked up per row through the
/// unique index: a join could be planned as a scan of the whole table); returns per input row its id and whether it was a duplicate —
/// of a stored message, or of an earlier row of the same batch.
const INSERT_BATCH: &str = "WITH input AS ( \
       SELECT * FROM UNNEST($1::text[], $2::text[], $3::text[], $4::text[], $5::bytea[], \
                            $6::int8[], $7::text[]) WITH ORDINALITY \
         AS t(source, transport, received_at, file_name, bytes, byte_len, sha256, ord)), \
     ins AS ( \
       INSERT INTO raw_messages \
         (source, transport, received_at, file_name, bytes, byte_len, sha256, state, attempts) \
       SELECT source, transport, received_at, file_name, bytes, byte_len, sha256, 'queued', 0 \
       FROM input ORDER BY ord \
       ON CONFLICT (source, sha256) DO NOTHING RETURNING id, source, sha256), \
     queued AS ( \
       INSERT INTO processing_queue (raw_message_id, not_before) SELECT id, $8 FROM ins) \
     SELECT COALESCE(ins.id, (SELECT old.id FROM raw_messages old \
                              WHERE old.source = i.source AND old.sha256 = i.sha256)) AS id, \
            (ins.id IS NULL OR ROW_NUMBER() OVER (PARTITION BY i.source, i.sha256 ORDER BY i.ord) > 1) \
              AS duplicate \
     FROM input i \
     LEFT JOIN ins ON ins.source = i.source AND ins.sha256 = i.sha256 \
     ORDER BY i.ord";

/// Stores `batch` in one statement; `queued_at` is the queue's due time.
pub(super) async fn insert_batch(
    pool: &PgPool,
    batch: &[Prepared],
    queued_at: &str,
) -> Result<Vec<Committed>, StoreError> {
    let col = |f: fn(&Prepared) -> String| batch.iter().map(f).collect::<Vec<_>>();
    let rows: Vec<(Option<i64>, bool)> = sqlx::query_as(INSERT_BATCH)
        .bind(col(|p| p.message.source.clone()))
        .bind(col(|p| p.message.transport.as_str().to_owned()))
        .bind(col(|p| p.received_at.clone()))
        .bind(
            batch
                .iter()
                .map(|p| p.message.file_name.clone())
                .collect::<Vec<_>>(),
        )
        .bind(
            batch
                .iter()
                .map(|p| p.message.bytes.as_slice())
                .collect::<Vec<_>>(),
        )
        .bind(
            batch
                .iter()
                .map(|p| p.message.bytes.len() as i64)
                .collect::<Vec<_>>(),
        )
        .bind(col(|p| p.sha256.clone()))
        .bind(queued_at)
        .fetch_all(pool)
        .await?;
    if rows.len() != batch.len() {
        return Err(StoreError::Corrupt(format!(
            "batch insert returned {} rows for {} messages",
            rows.len(),
            batch.len()
        )));
    }
    rows.into_iter()
        .map(|(id, duplicate)| {
            let id = id.ok_or_else(|| {
                StoreError::Corrupt("batch insert returned no id for a message".into())
            })?;
            Ok(Committed { id, duplicate })
        })
        .collect()
}
