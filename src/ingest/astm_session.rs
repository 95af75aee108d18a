//! Drives the sans-IO ASTM [`Link`] (receiver role) over any byte stream
//! with real tokio timers. Shared by the TCP and serial adapters.
//!
//! Ack-after-commit: the link runs with `defer_message_ack`, so the `ACK` of
//! the `ETX` frame that ends a message (L record) is written only after the
//! sink committed the message; on a sink failure the frame is `NAK`ed and the
//! instrument retransmits it (and gives up after its retries, keeping the
//! result for a later resend).

use std::io;
use std::time::SystemTime;

use synthwatch_parsers::astm::link::{Link, LinkConfig, LinkEvent};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;
use tracing::{debug, error, info, warn};

use super::{shutdown_signalled, RawMessage, RawSink, Shutdown, Transport};

/// What a session stores its messages as.
#[derive(Debug, Clone)]
pub struct AstmSessionConfig {
    /// Source name stored with every message.
    pub source: String,
    /// [`Transport::AstmTcp`] or [`Transport::AstmSerial`].
    pub transport: Transport,
    /// Link timers and limits; `defer_message_ack` is forced on.
    pub link: LinkConfig,
}

/// Why a session ended.
#[derive(Debug)]
pub enum SessionEnd {
    /// The peer closed the stream.
    Closed,
    /// Shutdown was signalled.
    Shutdown,
    /// Reading or writing failed (port unplugged, connection reset).
    Io(io::Error),
}

/// Per-session bookkeeping of what has been committed.
#[derive(Debug, Default)]
struct Progress {
    /// Text bytes of the current transfer already committed.
    committed: usize,
    /// A commit failed since the last success: leftovers are not whole.
    failed: bool,
}

/// Run the receiver on `io` until it closes, fails or `shutdown` fires.
pub async fn run_session<S, IO>(
    mut io: IO,
    cfg: &AstmSessionConfig,
    sink: &S,
    shutdown: &mut Shutdown,
) -> SessionEnd
where
    S: RawSink,
    IO: AsyncRead + AsyncWrite + Unpin,
{
    let mut link = Link::new(LinkConfig {
        defer_message_ack: true,
        ..cfg.link.clone()
    });
    let epoch = Instant::now();
    let mut progress = Progress::default();
    let mut buf = vec![0u8; 8 * 1024];
    loop {
        let deadline = link.next_deadline().map(|d| epoch + d);
        let timer = async {
            match deadline {
                Some(at) => tokio::time::sleep_until(at).await,
                None => std::future::pending().await,
            }
        };
        let read = tokio::select! {
            _ = shutdown_signalled(shutdown) => return SessionEnd::Shutdown,
            _ = timer => None,
            r = io.read(&mut buf) => Some(r),
        };
        let now = epoch.elapsed();
        let end = match read {
            None => {
                link.poll(now);
                None
            }
            Some(Ok(0)) => {
                link.finish(now);
                Some(SessionEnd::Closed)
            }
            Some(Ok(n)) => {
                link.on_bytes(now, buf.get(..n).unwrap_or_default());
                None
            }
            Some(Err(e)) => Some(SessionEnd::Io(e)),
        };
        if let Err(e) = pump(&mut link, &mut io, cfg, sink, &mut progress, epoch).await {
            return SessionEnd::Io(e);
        }
        if let Some(end) = end {
            return end;
        }
    }
}

/// Write replies, handle events, commit pending messages, until quiet.
async fn pump<S: RawSink, IO: AsyncWrite + Unpin>(
    link: &mut Link,
    io: &mut IO,
    cfg: &AstmSessionConfig,
    sink: &S,
    progress: &mut Progress,
    epoch: Instant,
) -> io::Result<()> {
    loop {
        let out = link.take_output();
        if !out.is_empty() {
            io.write_all(&out).await?;
            io.flush().await?;
        }
        for event in link.drain_events() {
            on_event(event, cfg, sink, progress).await;
        }
        let Some(text) = link.pending_message().map(<[u8]>::to_vec) else {
            return Ok(());
        };
        let len = text.len();
        let ok = commit(cfg, sink, text).await;
        if ok {
            progress.committed += len;
            progress.failed = false;
        } else {
            progress.failed = true;
        }
        link.resolve_message(epoch.elapsed(), ok);
    }
}

/// Hand one message to the sink; `true` once durable.
async fn commit<S: RawSink>(cfg: &AstmSessionConfig, sink: &S, bytes: Vec<u8>) -> bool {
    let len = bytes.len();
    let msg = RawMessage {
        source: cfg.source.clone(),
        transport: cfg.transport,
        received_at: SystemTime::now(),
        file_name: None,
        bytes,
    };
    match sink.commit(msg).await {
        Ok(c) if c.duplicate => {
            info!(source = %cfg.source, id = c.id, bytes = len, "duplicate");
            true
        }
        Ok(c) => {
            debug!(source = %cfg.source, id = c.id, bytes = len, "astm message stored");
            true
        }
        Err(e) => {
            error!(source = %cfg.source, bytes = len, error = %e, "astm message not stored; frame NAKed so the instrument keeps it");
            false
        }
    }
}

async fn on_event<S: RawSink>(
    event: LinkEvent,
    cfg: &AstmSessionConfig,
    sink: &S,
    progress: &mut Progress,
) {
    match event {
        LinkEvent::Received(t) => {
            let rest = t.text.get(progress.committed..).unwrap_or_default();
            let has_content = rest.iter().any(|b| !b.is_ascii_whitespace());
            if has_content && progress.failed {
                warn!(source = %cfg.source, bytes = rest.len(), "astm transfer ended after a failed commit; instrument will resend");
            } else if has_content {
                // No L record: the final ACK could not wait for this commit.
                warn!(source = %cfg.source, bytes = rest.len(), "astm message without L terminator; stored after its ACK");
                commit(cfg, sink, rest.to_vec()).await;
            } else {
                debug!(source = %cfg.source, frames = t.frames.len(), "astm transfer complete");
            }
            *progress = Progress::default();
        }
        LinkEvent::Discarded(d) => {
            warn!(source = %cfg.source, reason = %d.reason, frames = d.partial.frames.len(), bytes = d.partial.raw.len(), "astm incomplete transfer discarded");
            *progress = Progress::default();
        }
        LinkEvent::FrameRejected(r) => {
            debug!(source = %cfg.source, offset = r.offset, frame = r.frame_index, reason = %r.reason, "astm frame NAKed");
        }
        other => {
            debug!(source = %cfg.source, event = ?std::mem::discriminant(&other), "astm link event")
        }
    }
}
