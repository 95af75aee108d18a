//! Ingest: adapters (sources) hand raw bytes to a [`RawSink`], which makes
//! them durable; only then does the adapter acknowledge the sender. Parsing,
//! matching and publishing run later, from the stored raw bytes.
//!
//! Adapters: [`mllp`] (HL7 v2 over MLLP), [`astm_tcp`] and [`astm_serial`]
//! (ASTM E1381, driven by [`astm_session`]), [`folder`] (export and
//! strip-scanner folders). [`simulate`] plays captures as an instrument;
//! [`memory`] is an in-memory sink for tests and commissioning. Every adapter
//! stops when its [`Shutdown`] receiver sees `true` (or its sender is dropped).

pub mod astm_serial;
pub mod astm_session;
pub mod astm_tcp;
pub mod folder;
mod folder_scan;
mod listener;
pub mod memory;
pub mod mllp;
mod raw;
pub mod simulate;

pub use listener::ListenerHandle;
pub use raw::{Committed, RawMessage, RawSink, SinkError, Transport};

/// Shutdown signal shared by all adapters: send `true` (or drop the sender)
/// to stop them.
pub type Shutdown = tokio::sync::watch::Receiver<bool>;

/// Resolves once `shutdown` is signalled or its sender is gone.
pub async fn shutdown_signalled(shutdown: &mut Shutdown) {
    // An Err means the sender was dropped: treat it as a shutdown.
    let _ = shutdown.wait_for(|stop| *stop).await;
}
