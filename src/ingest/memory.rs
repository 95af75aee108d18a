//! An in-memory [`RawSink`] for tests and commissioning dry runs: records
//! what it is given, recognises duplicates, and can be told to fail, to wait
//! for a gate, or to be slow.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::Semaphore;

use super::{Committed, RawMessage, RawSink, SinkError};

/// Shared state behind a [`MemorySink`]; clones share it.
#[derive(Debug, Default)]
struct Inner {
    stored: Vec<RawMessage>,
    attempts: u64,
    fail: bool,
    delay: Duration,
}

/// Records committed messages in memory. Clones share one store.
#[derive(Debug, Clone, Default)]
pub struct MemorySink {
    inner: Arc<Mutex<Inner>>,
    gate: Option<Arc<Semaphore>>,
}

impl MemorySink {
    /// An empty sink that commits at once.
    pub fn new() -> Self {
        Self::default()
    }

    /// A sink whose every commit waits for a permit from the returned
    /// semaphore (`add_permits(1)` lets one commit finish).
    pub fn gated() -> (Self, Arc<Semaphore>) {
        let gate = Arc::new(Semaphore::new(0));
        let sink = MemorySink {
            gate: Some(gate.clone()),
            ..Self::default()
        };
        (sink, gate)
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking test thread must not hide the data from the others.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Make later commits fail with [`SinkError::Storage`] (or succeed again).
    pub fn set_failing(&self, fail: bool) {
        self.lock().fail = fail;
    }

    /// Wait this long in every commit.
    pub fn set_delay(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// The messages stored so far (duplicates stored once), in commit order.
    pub fn messages(&self) -> Vec<RawMessage> {
        self.lock().stored.clone()
    }

    /// How many commits were attempted (failed and duplicate ones included).
    pub fn attempts(&self) -> u64 {
        self.lock().attempts
    }
}

impl RawSink for MemorySink {
    async fn commit(&self, message: RawMessage) -> Result<Committed, SinkError> {
        let delay = {
            let mut g = self.lock();
            g.attempts += 1;
            g.delay
        };
        if let Some(gate) = &self.gate {
            let permit = gate.acquire().await.map_err(|_| SinkError::Closed)?;
            permit.forget();
        }
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let mut g = self.lock();
        if g.fail {
            return Err(SinkError::Storage("test sink told to fail".into()));
        }
        let existing = g
            .stored
            .iter()
            .position(|m| m.source == message.source && m.bytes == message.bytes);
        if let Some(i) = existing {
            return Ok(Committed {
                id: i as i64 + 1,
                duplicate: true,
            });
        }
        g.stored.push(message);
        Ok(Committed {
            id: g.stored.len() as i64,
            duplicate: false,
        })
    }
}
