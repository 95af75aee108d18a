//! HL7 v2 over MLLP: a TCP listener with one handler task per connection.
//!
//! Every complete frame is committed to the sink first; only then is it
//! answered: `AA` (stored), `AE` (stored, but our quick ER7 check rejects it:
//! the store's pipeline quarantines it), `AR` (the sink failed: nothing is
//! acknowledged as stored). Frames on one connection are handled in order.

use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use synthwatch_parsers::hl7::ack::{build_ack, hl7_timestamp, AckCode, AckHeader, AckReason};
use synthwatch_parsers::hl7::mllp::{self, MllpDecoder, MllpError};
use synthwatch_parsers::hl7::{Er7Error, Message};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::{debug, error, info, warn};

use super::listener::ListenerHandle;
use super::{shutdown_signalled, RawMessage, RawSink, Shutdown, Transport};

/// Settings of one MLLP listener.
#[derive(Debug, Clone)]
pub struct MllpConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// Source name stored with every message.
    pub source: String,
    /// Longest accepted payload; longer frames are answered `AR` and skipped.
    pub max_frame_bytes: usize,
    /// Connections served at once; more are closed at once (logged WARN).
    pub max_connections: usize,
    /// A connection silent this long is closed.
    pub idle_timeout: Duration,
}

impl MllpConfig {
    /// Defaults for `addr` and `source`: 1 MiB frames, 16 connections, 10 min idle.
    pub fn new(addr: SocketAddr, source: impl Into<String>) -> Self {
        MllpConfig {
            addr,
            source: source.into(),
            max_frame_bytes: mllp::DEFAULT_MAX_FRAME,
            max_connections: 16,
            idle_timeout: Duration::from_secs(600),
        }
    }
}

/// A running listener (see [`ListenerHandle`]).
pub type MllpHandle = ListenerHandle;

/// Bind `cfg.addr` and serve until `shutdown`.
pub async fn spawn<S: RawSink>(
    cfg: MllpConfig,
    sink: Arc<S>,
    shutdown: Shutdown,
) -> io::Result<MllpHandle> {
    let listener = TcpListener::bind(cfg.addr).await?;
    let local_addr = listener.local_addr()?;
    info!(source = %cfg.source, addr = %local_addr, "mllp listening");
    let task = tokio::spawn(serve(listener, Arc::new(cfg), sink, shutdown));
    Ok(ListenerHandle::new("mllp", local_addr, task))
}

/// Accept loop (mini-redis style): a permit per connection.
async fn serve<S: RawSink>(
    listener: TcpListener,
    cfg: Arc<MllpConfig>,
    sink: Arc<S>,
    mut shutdown: Shutdown,
) {
    let permits = Arc::new(Semaphore::new(cfg.max_connections));
    let ids = Arc::new(AtomicU64::new(1));
    let mut conns = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = shutdown_signalled(&mut shutdown) => break,
            a = listener.accept() => a,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                // Usually EMFILE: back off briefly rather than spin.
                warn!(source = %cfg.source, error = %e, "mllp accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            warn!(source = %cfg.source, %peer, limit = cfg.max_connections, "mllp connection refused: limit reached");
            drop(stream);
            continue;
        };
        debug!(source = %cfg.source, %peer, "mllp connection opened");
        let conn = Connection {
            cfg: cfg.clone(),
            sink: sink.clone(),
            ids: ids.clone(),
            peer,
        };
        let sd = shutdown.clone();
        conns.spawn(async move {
            conn.run(stream, sd).await;
            drop(permit);
        });
        // Reap finished handlers so the set does not grow.
        while conns.try_join_next().is_some() {}
    }
    while conns.join_next().await.is_some() {}
    info!(source = %cfg.source, "mllp listener stopped");
}

/// One connection's handler.
struct Connection<S> {
    cfg: Arc<MllpConfig>,
    sink: Arc<S>,
    ids: Arc<AtomicU64>,
    peer: SocketAddr,
}

impl<S: RawSink> Connection<S> {
    async fn run(self, mut stream: TcpStream, mut shutdown: Shutdown) {
        let mut decoder = MllpDecoder::new(self.cfg.max_frame_bytes);
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let read = tokio::select! {
                _ = shutdown_signalled(&mut shutdown) => break,
                r = tokio::time::timeout(self.cfg.idle_timeout, stream.read(&mut buf)) => r,
            };
            let n = match read {
                Err(_) => {
                    info!(source = %self.cfg.source, peer = %self.peer, "mllp connection idle: closing");
                    break;
                }
                Ok(Err(e)) => {
                    debug!(source = %self.cfg.source, peer = %self.peer, error = %e, "mllp read failed");
                    break;
                }
                Ok(Ok(0)) => break,
                Ok(Ok(n)) => n,
            };
            for item in decoder.feed(buf.get(..n).unwrap_or_default()) {
                let reply = match item {
                    Ok(payload) => self.handle_frame(payload).await,
                    Err(e) => self.framing_error(&e),
                };
                if let Some(reply) = reply {
                    if let Err(e) = stream.write_all(&mllp::frame(&reply)).await {
                        debug!(source = %self.cfg.source, peer = %self.peer, error = %e, "mllp write failed");
                        return;
                    }
                }
            }
        }
        if let Some(MllpError::Truncated { offset }) = decoder.finish() {
            warn!(source = %self.cfg.source, peer = %self.peer, offset, "mllp connection closed inside a frame; sender was not acknowledged");
        }
        debug!(source = %self.cfg.source, peer = %self.peer, "mllp connection closed");
    }

    /// Commit, then build the ACK.
    async fn handle_frame(&self, payload: Vec<u8>) -> Option<Vec<u8>> {
        let header = AckHeader::salvage(&payload);
        let len = payload.len();
        let check = quick_check(&payload);
        let msg = RawMessage {
            source: self.cfg.source.clone(),
            transport: Transport::Mllp,
            received_at: SystemTime::now(),
            file_name: None,
            bytes: payload,
        };
        let (code, reason) = match self.sink.commit(msg).await {
            Err(e) => {
                error!(source = %self.cfg.source, peer = %self.peer, control_id = %header.control_id, bytes = len, error = %e, "mllp message not stored; answered AR");
                (AckCode::Reject, Some(AckReason::ApplicationInternal))
            }
            Ok(c) => {
                if c.duplicate {
                    info!(source = %self.cfg.source, id = c.id, control_id = %header.control_id, bytes = len, "duplicate");
                } else {
                    debug!(source = %self.cfg.source, id = c.id, control_id = %header.control_id, bytes = len, "mllp message stored");
                }
                match check {
                    Ok(()) => (AckCode::Accept, None),
                    Err(reason) => {
                        warn!(source = %self.cfg.source, id = c.id, control_id = %header.control_id, "stored message is not valid ER7; answered AE");
                        (AckCode::Error, Some(reason))
                    }
                }
            }
        };
        Some(self.ack(&header, code, reason))
    }

    /// A frame the decoder dropped: an oversize one gets `AR` (its sender
    /// waits for an answer); an interrupted one is resent by its sender.
    fn framing_error(&self, e: &MllpError) -> Option<Vec<u8>> {
        warn!(source = %self.cfg.source, peer = %self.peer, error = %e, "mllp framing error");
        match e {
            MllpError::FrameTooLong { .. } => {
                Some(self.ack(&AckHeader::default(), AckCode::Reject, None))
            }
            MllpError::UnexpectedStart { .. } | MllpError::Truncated { .. } => None,
        }
    }

    fn ack(&self, header: &AckHeader, code: AckCode, reason: Option<AckReason>) -> Vec<u8> {
        let id = format!("SW{}", self.ids.fetch_add(1, Ordering::Relaxed));
        build_ack(header, code, reason, &id, &hl7_timestamp(SystemTime::now()))
    }
}

/// Is this ER7 with an MSH? The reason for `AE` otherwise (fixed texts only).
fn quick_check(payload: &[u8]) -> Result<(), AckReason> {
    match Message::parse(payload) {
        Ok(_) => Ok(()),
        Err(Er7Error::Empty | Er7Error::NoMsh { .. }) => Err(AckReason::SegmentSequence),
        Err(_) => Err(AckReason::DataType),
    }
}
