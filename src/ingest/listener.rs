//! The handle of a running TCP listener (MLLP, ASTM over TCP).

use std::net::SocketAddr;

use tracing::warn;

/// A running listener task and the address it bound.
#[derive(Debug)]
pub struct ListenerHandle {
    kind: &'static str,
    local_addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl ListenerHandle {
    pub(crate) fn new(
        kind: &'static str,
        local_addr: SocketAddr,
        task: tokio::task::JoinHandle<()>,
    ) -> Self {
        ListenerHandle {
            kind,
            local_addr,
            task,
        }
    }

    /// The bound address (the real port when the configured port was 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Wait until the listener and all its connections have stopped
    /// (after shutdown was signalled).
    pub async fn join(self) {
        if let Err(e) = self.task.await {
            warn!(kind = self.kind, error = %e, "listener task ended abnormally");
        }
    }
}
