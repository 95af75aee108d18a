//! ASTM E1381 over TCP: a listener; each connection runs an
//! [`astm_session`](super::astm_session) receiver.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use synthwatch_parsers::astm::link::LinkConfig;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tracing::{debug, info, warn};

use super::astm_session::{run_session, AstmSessionConfig, SessionEnd};
use super::listener::ListenerHandle;
use super::{shutdown_signalled, RawSink, Shutdown, Transport};

/// Settings of one ASTM TCP listener.
#[derive(Debug, Clone)]
pub struct AstmTcpConfig {
    /// Address to listen on (`127.0.0.1:0` picks a free port).
    pub addr: SocketAddr,
    /// Source name stored with every message.
    pub source: String,
    /// Link timers and limits (E1381 defaults: 15 s reply, 30 s receive).
    pub link: LinkConfig,
    /// Connections served at once; more are closed at once (logged WARN).
    pub max_connections: usize,
}

impl AstmTcpConfig {
    /// E1381 default timers, 4 connections.
    pub fn new(addr: SocketAddr, source: impl Into<String>) -> Self {
        AstmTcpConfig {
            addr,
            source: source.into(),
            link: LinkConfig::default(),
            max_connections: 4,
        }
    }
}

/// A running listener (see [`ListenerHandle`]).
pub type AstmTcpHandle = ListenerHandle;

/// Bind `cfg.addr` and serve until `shutdown`.
pub async fn spawn<S: RawSink>(
    cfg: AstmTcpConfig,
    sink: Arc<S>,
    shutdown: Shutdown,
) -> io::Result<AstmTcpHandle> {
    let listener = TcpListener::bind(cfg.addr).await?;
    let local_addr = listener.local_addr()?;
    info!(source = %cfg.source, addr = %local_addr, "astm tcp listening");
    let task = tokio::spawn(serve(listener, cfg, sink, shutdown));
    Ok(ListenerHandle::new("astm_tcp", local_addr, task))
}

async fn serve<S: RawSink>(
    listener: TcpListener,
    cfg: AstmTcpConfig,
    sink: Arc<S>,
    mut shutdown: Shutdown,
) {
    let session = Arc::new(AstmSessionConfig {
        source: cfg.source.clone(),
        transport: Transport::AstmTcp,
        link: cfg.link.clone(),
    });
    let permits = Arc::new(Semaphore::new(cfg.max_connections));
    let mut conns = JoinSet::new();
    loop {
        let accepted = tokio::select! {
            _ = shutdown_signalled(&mut shutdown) => break,
            a = listener.accept() => a,
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            Err(e) => {
                warn!(source = %cfg.source, error = %e, "astm accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            warn!(source = %cfg.source, %peer, limit = cfg.max_connections, "astm connection refused: limit reached");
            continue;
        };
        let (session, sink, mut sd) = (session.clone(), sink.clone(), shutdown.clone());
        conns.spawn(async move {
            debug!(source = %session.source, %peer, "astm connection opened");
            let end = run_session(stream, &session, sink.as_ref(), &mut sd).await;
            match end {
                SessionEnd::Io(e) => {
                    debug!(source = %session.source, %peer, error = %e, "astm connection failed")
                }
                _ => debug!(source = %session.source, %peer, "astm connection closed"),
            }
            drop(permit);
        });
        while conns.try_join_next().is_some() {}
    }
    while conns.join_next().await.is_some() {}
    info!(source = %cfg.source, "astm tcp listener stopped");
}
