//! ASTM E1381 over RS-232. The port is read and written by two blocking
//! threads bridged to an in-memory duplex stream that the
//! [`astm_session`](super::astm_session) receiver drives. When the port fails
//! or disappears (USB adapters re-enumerate when the instrument is
//! power-cycled) it is reopened with exponential back-off.

use std::io::{self, Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serialport::SerialPort;
pub use serialport::{DataBits, FlowControl, Parity, StopBits};
use synthwatch_parsers::astm::link::LinkConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::astm_session::{run_session, AstmSessionConfig, SessionEnd};
use super::{shutdown_signalled, RawSink, Shutdown, Transport};

/// Settings of one serial line.
#[derive(Debug, Clone)]
pub struct AstmSerialConfig {
    /// Device path (`/dev/ttyUSB0`, `/dev/serial/by-id/…`).
    pub path: String,
    /// Source name stored with every message.
    pub source: String,
    /// Line speed.
    pub baud: u32,
    /// Data bits.
    pub data_bits: DataBits,
    /// Parity.
    pub parity: Parity,
    /// Stop bits.
    pub stop_bits: StopBits,
    /// Flow control.
    pub flow_control: FlowControl,
    /// Link timers and limits.
    pub link: LinkConfig,
    /// WARN when no byte arrived for this long (instrument off, cable out).
    pub silence_warning: Duration,
    /// First wait before reopening a failed port; doubles up to `reopen_max`.
    pub reopen_min: Duration,
    /// Longest wait between reopen attempts.
    pub reopen_max: Duration,
}

impl AstmSerialConfig {
    /// 9600 8N1, no flow control, E1381 timers, WARN after 1 h of silence,
    /// reopen after 1 s doubling to 60 s.
    pub fn new(path: impl Into<String>, source: impl Into<String>) -> Self {
        AstmSerialConfig {
            path: path.into(),
            source: source.into(),
            baud: 9600,
            data_bits: DataBits::Eight,
            parity: Parity::None,
            stop_bits: StopBits::One,
            flow_control: FlowControl::None,
            link: LinkConfig::default(),
            silence_warning: Duration::from_secs(3600),
            reopen_min: Duration::from_secs(1),
            reopen_max: Duration::from_secs(60),
        }
    }
}

/// A running serial adapter.
#[derive(Debug)]
pub struct AstmSerialHandle {
    task: tokio::task::JoinHandle<()>,
}

impl AstmSerialHandle {
    /// Wait until the adapter stopped (after shutdown was signalled).
    pub async fn join(self) {
        if let Err(e) = self.task.await {
            warn!(error = %e, "astm serial task ended abnormally");
        }
    }
}

/// Start the adapter; the port is opened (and reopened) in the background.
pub fn spawn<S: RawSink>(
    cfg: AstmSerialConfig,
    sink: Arc<S>,
    shutdown: Shutdown,
) -> AstmSerialHandle {
    AstmSerialHandle {
        task: tokio::spawn(run(cfg, sink, shutdown)),
    }
}

async fn run<S: RawSink>(cfg: AstmSerialConfig, sink: Arc<S>, mut shutdown: Shutdown) {
    let session = AstmSessionConfig {
        source: cfg.source.clone(),
        transport: Transport::AstmSerial,
        link: cfg.link.clone(),
    };
    let mut backoff = cfg.reopen_min;
    let mut failures = 0u32;
    loop {
        if *shutdown.borrow() {
            break;
        }
        match open(&cfg).await {
            Ok(port) => {
                info!(source = %cfg.source, path = %cfg.path, "serial port open");
                backoff = cfg.reopen_min;
                failures = 0;
                let end = serve_port(port, &cfg, &session, sink.as_ref(), &mut shutdown).await;
                match end {
                    SessionEnd::Shutdown => break,
                    SessionEnd::Closed => {
                        warn!(source = %cfg.source, path = %cfg.path, "serial port lost; reopening")
                    }
                    SessionEnd::Io(e) => {
                        warn!(source = %cfg.source, path = %cfg.path, error = %e, "serial port failed; reopening")
                    }
                }
            }
            Err(e) => {
                failures += 1;
                // One WARN per outage; the retries themselves are routine.
                if failures == 1 {
                    warn!(source = %cfg.source, path = %cfg.path, error = %e, "serial port cannot be opened; retrying with back-off");
                } else {
                    debug!(source = %cfg.source, path = %cfg.path, error = %e, failures, "serial port still unavailable");
                }
                tokio::select! {
                    _ = shutdown_signalled(&mut shutdown) => break,
                    _ = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(cfg.reopen_max);
            }
        }
    }
    info!(source = %cfg.source, path = %cfg.path, "serial adapter stopped");
}

/// Open and configure the port (off the async threads: it may block).
async fn open(cfg: &AstmSerialConfig) -> io::Result<Box<dyn SerialPort>> {
    let builder = serialport::new(cfg.path.clone(), cfg.baud)
        .data_bits(cfg.data_bits)
        .parity(cfg.parity)
        .stop_bits(cfg.stop_bits)
        .flow_control(cfg.flow_control)
        // Short read timeout: the reader thread checks its stop flag this often.
        .timeout(Duration::from_millis(100));
    tokio::task::spawn_blocking(move || builder.open().map_err(io::Error::from))
        .await
        .map_err(io::Error::other)?
}

/// Run one session on an open port until it fails or shutdown.
async fn serve_port<S: RawSink>(
    port: Box<dyn SerialPort>,
    cfg: &AstmSerialConfig,
    session: &AstmSessionConfig,
    sink: &S,
    shutdown: &mut Shutdown,
) -> SessionEnd {
    let writer = match port.try_clone() {
        Ok(w) => w,
        Err(e) => return SessionEnd::Io(io::Error::from(e)),
    };
    let stop = Arc::new(AtomicBool::new(false));
    let (in_tx, in_rx) = mpsc::channel::<io::Result<Vec<u8>>>(64);
    let (out_tx, out_rx) = mpsc::channel::<Vec<u8>>(64);
    spawn_reader(port, in_tx.clone(), stop.clone());
    spawn_writer(writer, out_rx, in_tx);
    let (driver_end, bridge_end) = tokio::io::duplex(16 * 1024);
    let (end, bridge_err) = tokio::join!(
        run_session(driver_end, session, sink, shutdown),
        bridge(bridge_end, in_rx, out_tx, cfg)
    );
    stop.store(true, Ordering::Relaxed);
    match (end, bridge_err) {
        (SessionEnd::Closed, Some(e)) => SessionEnd::Io(e),
        (end, _) => end,
    }
}

/// Move bytes between the port threads and the session; WARN on silence.
/// Returns the port error that ended it, if any.
async fn bridge(
    mut end: DuplexStream,
    mut port_in: mpsc::Receiver<io::Result<Vec<u8>>>,
    port_out: mpsc::Sender<Vec<u8>>,
    cfg: &AstmSerialConfig,
) -> Option<io::Error> {
    let mut buf = vec![0u8; 4096];
    let mut last = Instant::now();
    let mut silent = false;
    loop {
        let warn_at = last + cfg.silence_warning;
        tokio::select! {
            chunk = port_in.recv() => match chunk {
                Some(Ok(bytes)) => {
                    if silent {
                        info!(source = %cfg.source, path = %cfg.path, "serial port active again");
                    }
                    (last, silent) = (Instant::now(), false);
                    if end.write_all(&bytes).await.is_err() {
                        return None;
                    }
                }
                Some(Err(e)) => return Some(e),
                None => return Some(io::Error::new(io::ErrorKind::BrokenPipe, "port threads ended")),
            },
            n = end.read(&mut buf) => match n {
                Ok(0) | Err(_) => return None,
                Ok(n) => {
                    if port_out.send(buf.get(..n).unwrap_or_default().to_vec()).await.is_err() {
                        return None;
                    }
                }
            },
            _ = tokio::time::sleep_until(warn_at), if !silent => {
                warn!(source = %cfg.source, path = %cfg.path, silent_secs = cfg.silence_warning.as_secs(), "serial port silent");
                silent = true;
            }
        }
    }
}

fn spawn_reader(
    mut port: Box<dyn SerialPort>,
    tx: mpsc::Sender<io::Result<Vec<u8>>>,
    stop: Arc<AtomicBool>,
) {
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 4096];
        while !stop.load(Ordering::Relaxed) {
            let item = match port.read(&mut buf) {
                Ok(0) => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "port closed")),
                Ok(n) => Ok(buf.get(..n).unwrap_or_default().to_vec()),
                Err(e) if e.kind() == io::ErrorKind::TimedOut => continue,
                Err(e) => Err(e),
            };
            let failed = item.is_err();
            if tx.blocking_send(item).is_err() || failed {
                return;
            }
        }
    });
}

fn spawn_writer(
    mut port: Box<dyn SerialPort>,
    mut rx: mpsc::Receiver<Vec<u8>>,
    errors: mpsc::Sender<io::Result<Vec<u8>>>,
) {
    std::thread::spawn(move || {
        while let Some(bytes) = rx.blocking_recv() {
            if let Err(e) = port.write_all(&bytes).and_then(|()| port.flush()) {
                let _ = errors.blocking_send(Err(e));
                return;
            }
        }
    });
}
