//! Worker tasks: claim, process, mark; retry transient failures, quarantine
//! permanent ones. Logs carry message ids and stages, never content.

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::ingest::{shutdown_signalled, Shutdown};
use crate::store::FailOutcome;

use super::derive::{process_raw, Context, ProcessError};

/// Worker settings.
#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Number of worker tasks.
    pub workers: usize,
    /// Wait before a failed message is retried.
    pub retry_after: Duration,
    /// Sleep when the queue is empty.
    pub idle_poll: Duration,
}

/// Start the workers; they stop when `shutdown` fires.
pub fn spawn_workers(
    ctx: Arc<Context>,
    config: WorkerConfig,
    shutdown: Shutdown,
) -> Vec<JoinHandle<()>> {
    (0..config.workers.max(1))
        .map(|n| {
            let ctx = Arc::clone(&ctx);
            let mut shutdown = shutdown.clone();
            tokio::spawn(async move {
                let name = format!("worker-{n}");
                loop {
                    if *shutdown.borrow() {
                        break;
                    }
                    let busy = step(&ctx, &name, config).await;
                    if !busy {
                        tokio::select! {
                            () = shutdown_signalled(&mut shutdown) => break,
                            () = tokio::time::sleep(config.idle_poll) => {}
                        }
                    }
                }
            })
        })
        .collect()
}

/// Process one message if any is due; true when one was taken.
pub async fn step(ctx: &Context, worker: &str, config: WorkerConfig) -> bool {
    let raw = match ctx.store.claim_next(worker).await {
        Ok(Some(m)) => m,
        Ok(None) => return false,
        Err(e) => {
            tracing::warn!(worker, error = %e, "cannot claim from the queue");
            return false;
        }
    };
    let id = raw.id;
    match process_raw(ctx, &raw).await {
        Ok(outcome) => {
            tracing::info!(
                worker,
                raw_id = id,
                source = %raw.source,
                samples = outcome.samples,
                new_versions = outcome.new_versions,
                "processed"
            );
            if outcome.read_in_part.is_some() {
                // An operator should look: part of the input was not read.
                // The reason is on the raw message, not in the log.
                tracing::warn!(worker, raw_id = id, source = %raw.source, "read in part; the rest is described in the message's last_error");
            }
        }
        Err(ProcessError::Permanent { stage, reason }) => {
            match ctx
                .store
                .quarantine(crate::store::QuarantineInput::Raw(id), stage, &reason)
                .await
            {
                Ok(q) => {
                    tracing::warn!(worker, raw_id = id, quarantine_id = q, %stage, "quarantined")
                }
                Err(e) => {
                    tracing::error!(worker, raw_id = id, error = %e, "cannot quarantine; the message stays claimed until restart")
                }
            }
        }
        Err(ProcessError::Store(e)) => {
            match ctx
                .store
                .mark_failed(
                    id,
                    crate::store::Stage::Publish,
                    &e.to_string(),
                    config.retry_after,
                )
                .await
            {
                Ok(FailOutcome::Retrying { attempts }) => {
                    tracing::warn!(worker, raw_id = id, attempts, error = %e, "store failed; will retry");
                }
                Ok(FailOutcome::Quarantined { quarantine_id }) => {
                    tracing::error!(
                        worker,
                        raw_id = id,
                        quarantine_id,
                        "attempts exhausted; quarantined"
                    );
                }
                Err(e2) => {
                    tracing::error!(worker, raw_id = id, error = %e2, "cannot record a failure");
                }
            }
        }
    }
    true
}
