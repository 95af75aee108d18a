//! Group commit: many adapters' messages share one transaction (one fsync),
//! and each adapter is answered only after that transaction commits.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use super::Store;
use crate::ingest::{Committed, RawMessage, RawSink, SinkError};

type Reply = oneshot::Sender<Result<Committed, SinkError>>;

/// Batching limits for a [`GroupCommitter`].
#[derive(Debug, Clone)]
pub struct GroupConfig {
    /// Most messages per transaction.
    pub max_batch: usize,
    /// How long the first message of a batch waits for company. Zero (the
    /// default) takes only what is already waiting: messages that arrive
    /// while a transaction commits form the next batch, so the fsync itself
    /// is the batching window. A wait only pays off with many idle-then-bursty
    /// senders; with a few request/response adapters it caps throughput
    /// (measured: 4 adapters, 2 ms wait → ~570 msg/s vs ~1,400 with none, debug build).
    pub max_wait: Duration,
    /// Messages that may wait for the committer before senders block.
    pub queue_depth: usize,
}

impl Default for GroupConfig {
    fn default() -> Self {
        GroupConfig {
            max_batch: 256,
            max_wait: Duration::ZERO,
            queue_depth: 4096,
        }
    }
}

/// A [`RawSink`] that funnels commits through one task which writes whatever
/// is waiting in a single transaction. Clone it for each adapter; when every
/// clone is dropped the task drains its queue and ends.
#[derive(Debug, Clone)]
pub struct GroupCommitter {
    sender: mpsc::Sender<(RawMessage, Reply)>,
}

impl GroupCommitter {
    /// Starts the committer task on the current tokio runtime. Await the
    /// handle after dropping every clone to finish in-flight commits.
    pub fn spawn(store: Store, config: GroupConfig) -> (GroupCommitter, JoinHandle<()>) {
        let (sender, receiver) = mpsc::channel(config.queue_depth.max(1));
        let handle = tokio::spawn(run(store, config, receiver));
        (GroupCommitter { sender }, handle)
    }
}

impl RawSink for GroupCommitter {
    async fn commit(&self, message: RawMessage) -> Result<Committed, SinkError> {
        let (reply, answer) = oneshot::channel();
        self.sender
            .send((message, reply))
            .await
            .map_err(|_| SinkError::Closed)?;
        // A dropped reply means the task died: the message may or may not be
        // stored, so it must not be acknowledged (a resend is deduplicated).
        answer.await.unwrap_or(Err(SinkError::Closed))
    }
}

async fn run(store: Store, config: GroupConfig, mut receiver: mpsc::Receiver<(RawMessage, Reply)>) {
    let max_batch = config.max_batch.max(1);
    while let Some(first) = receiver.recv().await {
        let mut batch = vec![first];
        let deadline = Instant::now() + config.max_wait;
        while batch.len() < max_batch {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) if config.max_wait.is_zero() => break,
                Err(mpsc::error::TryRecvError::Empty) => {
                    match tokio::time::timeout_at(deadline, receiver.recv()).await {
                        Ok(Some(job)) => batch.push(job),
                        Ok(None) | Err(_) => break,
                    }
                }
            }
        }
        let (messages, replies): (Vec<_>, Vec<_>) = batch.into_iter().unzip();
        let results = store.commit_batch(messages).await;
        for (reply, result) in replies.into_iter().zip(results) {
            // The adapter may have given up waiting; nothing to do then.
            let _ = reply.send(result);
        }
    }
}
