//! The in-process queue for SQLite's single writer.
//!
//! SQLite lets one transaction write at a time; a connection that finds the
//! lock taken sleeps in the busy handler (1, 2, 5, 10 … 100 ms) and polls,
//! so under steady load a waiter can lose the race again and again: the
//! group committer that acknowledges instruments waited up to seconds behind
//! pipeline workers. Instead, every write transaction of this process first
//! takes this gate, a FIFO async lock, and holds it until it commits or rolls
//! back, so SQLite never sees two writers from us and nobody sleeps in the
//! busy handler. Writes on the acknowledgement path ([`Priority::Ack`]) go
//! ahead of background writes (pipeline workers): a worker that finds an
//! acknowledgement waiting lets it through first, so a backlog of processing
//! cannot delay an instrument's ACK by more than the one transaction already
//! running. Other processes (a second CLI) still meet the busy timeout.
//! PostgreSQL has row locks and needs no gate.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

/// Who is asking to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// A sender waits for this commit (raw messages, adapter quarantine).
    Ack,
    /// Nobody waits (processing, retries, replays, administration).
    Background,
}

/// The write gate; cheap to clone (clones share it).
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteGate {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    lock: Arc<Mutex<()>>,
    /// Acknowledgement-path writers waiting for the lock.
    ack_waiting: AtomicUsize,
    /// Signalled when no acknowledgement-path writer is waiting any more.
    ack_clear: Notify,
}

/// Held for the life of one write transaction.
#[derive(Debug)]
pub(crate) struct GateGuard(#[allow(dead_code)] OwnedMutexGuard<()>);

impl WriteGate {
    /// Waits for the right to write.
    pub(crate) async fn enter(&self, priority: Priority) -> GateGuard {
        let inner = &self.inner;
        match priority {
            Priority::Ack => {
                inner.ack_waiting.fetch_add(1, Ordering::SeqCst);
                let guard = Arc::clone(&inner.lock).lock_owned().await;
                if inner.ack_waiting.fetch_sub(1, Ordering::SeqCst) == 1 {
                    inner.ack_clear.notify_waiters();
                }
                GateGuard(guard)
            }
            Priority::Background => loop {
                let clear = inner.ack_clear.notified();
                tokio::pin!(clear);
                // Registered before the check, so a notify between the
                // check and the await is not lost.
                clear.as_mut().enable();
                if inner.ack_waiting.load(Ordering::SeqCst) == 0 {
                    let guard = Arc::clone(&inner.lock).lock_owned().await;
                    if inner.ack_waiting.load(Ordering::SeqCst) == 0 {
                        return GateGuard(guard);
                    }
                    // An acknowledgement arrived while we queued: it goes first.
                    drop(guard);
                    continue;
                }
                clear.await;
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn one_writer_at_a_time_and_acks_go_first() {
        let gate = WriteGate::default();
        let held = gate.enter(Priority::Background).await;
        let order = Arc::new(std::sync::Mutex::new(Vec::new()));
        let spawn = |p: Priority, name: &'static str, delay: u64| {
            let gate = gate.clone();
            let order = Arc::clone(&order);
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(delay)).await;
                let _g = gate.enter(p).await;
                order.lock().unwrap().push(name);
            })
        };
        // The background writer queues first, the ack later; both wait.
        let bg = spawn(Priority::Background, "background", 0);
        let ack = spawn(Priority::Ack, "ack", 20);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert!(
            order.lock().unwrap().is_empty(),
            "the gate let a second writer in"
        );
        drop(held);
        ack.await.unwrap();
        bg.await.unwrap();
        assert_eq!(*order.lock().unwrap(), vec!["ack", "background"]);
    }

    #[tokio::test]
    async fn background_proceeds_when_no_ack_waits() {
        let gate = WriteGate::default();
        let g = tokio::time::timeout(Duration::from_secs(1), gate.enter(Priority::Background))
            .await
            .expect("an idle gate admits a background writer");
        drop(g);
        let ack = gate.enter(Priority::Ack).await;
        drop(ack);
        let again = tokio::time::timeout(Duration::from_secs(1), gate.enter(Priority::Background));
        assert!(again.await.is_ok());
    }
}
