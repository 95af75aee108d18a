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
    // Columns as borrowed arrays: nothing is copied but the wire encoding.
    let col = |f: fn(&Prepared) -> &str| batch.iter().map(f).collect::<Vec<&str>>();
    let file_names: Vec<Option<&str>> = batch
        .iter()
        .map(|p| p.message.file_name.as_deref())
        .collect();
    let bytes: Vec<&[u8]> = batch.iter().map(|p| p.message.bytes.as_slice()).collect();
    let lengths: Vec<i64> = bytes.iter().map(|b| b.len() as i64).collect();
    let rows: Vec<(Option<i64>, bool)> = sqlx::query_as(INSERT_BATCH)
        .bind(col(|p| &p.message.source))
        .bind(col(|p| p.message.transport.as_str()))
        .bind(col(|p| &p.received_at))
        .bind(file_names)
        .bind(bytes)
        .bind(lengths)
        .bind(col(|p| &p.sha256))
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
