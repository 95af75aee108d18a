//! `synthwatch serve`: the ingest daemon. Adapters commit raw input through a
//! group committer before acknowledging; workers process the queue; Ctrl-C or
//! SIGTERM stops everything after in-flight work.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, FolderSource, SourceConfig};
use crate::ingest::{astm_serial, astm_tcp, folder, mllp};
use crate::pipeline::{spawn_workers, WorkerConfig};
use crate::store::{GroupCommitter, GroupConfig, Store};

use super::runtime::{
    db_label, init_logging, load_config, open_store, pipeline_context, runtime, CliResult,
    StoreArgs,
};

/// Arguments of `synthwatch serve` (flags override the configuration file).
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Store, configuration and logging options.
    #[command(flatten)]
    pub store: StoreArgs,
    /// MLLP listen address (replaces the configured MLLP listeners).
    #[arg(long)]
    pub mllp: Option<SocketAddr>,
    /// ASTM-over-TCP listen address (replaces the configured ASTM TCP listeners).
    #[arg(long)]
    pub astm_tcp: Option<SocketAddr>,
    /// Inbox folder (replaces the configured export folders).
    #[arg(long)]
    pub inbox: Option<PathBuf>,
}

/// Run the daemon until Ctrl-C / SIGTERM; returns the exit code.
pub fn run(args: &ServeArgs) -> i32 {
    let result = load_config(&args.store).and_then(|mut config| {
        apply_overrides(&mut config, args);
        init_logging(&config);
        runtime()?.block_on(serve(config))
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("synthwatch serve: {e}");
            2
        }
    }
}

fn apply_overrides(config: &mut Config, args: &ServeArgs) {
    for s in &mut config.sources {
        match s {
            SourceConfig::Mllp(m) => m.addr = args.mllp.unwrap_or(m.addr),
            SourceConfig::AstmTcp(a) => a.addr = args.astm_tcp.unwrap_or(a.addr),
            SourceConfig::Folder(f) => f.inbox = args.inbox.clone().unwrap_or(f.inbox.clone()),
            _ => {}
        }
    }
}

async fn serve(config: Config) -> CliResult<()> {
    let store = open_store(&config).await?;
    recover_queue(&store).await?;
    let ctx = pipeline_context(&config, store.clone())?;
    let (committer, committer_task) = GroupCommitter::spawn(store.clone(), GroupConfig::default());
    let sink = Arc::new(committer);
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    println!("synthwatch serve: database {}", db_label(&config));
    let mut adapters = Vec::new();
    for source in &config.sources {
        let sink = Arc::clone(&sink);
        let shutdown = shutdown.clone();
        let name = source.name().to_owned();
        let handle: tokio::task::JoinHandle<()> = match source {
            SourceConfig::Mllp(m) => {
                let mut cfg = mllp::MllpConfig::new(m.addr, &name);
                cfg.max_frame_bytes = m.max_frame_bytes;
                cfg.max_connections = m.max_connections;
                cfg.idle_timeout = Duration::from_secs(m.idle_timeout_secs);
                let h = mllp::spawn(cfg, sink, shutdown)
                    .await
                    .map_err(|e| format!("source {name}: cannot listen on {}: {e}", m.addr))?;
                listening("mllp", &name, &h.local_addr().to_string());
                tokio::spawn(h.join())
            }
            SourceConfig::AstmTcp(a) => {
                let mut cfg = astm_tcp::AstmTcpConfig::new(a.addr, &name);
                cfg.max_connections = a.max_connections;
                let h = astm_tcp::spawn(cfg, sink, shutdown)
                    .await
                    .map_err(|e| format!("source {name}: cannot listen on {}: {e}", a.addr))?;
                listening("astm_tcp", &name, &h.local_addr().to_string());
                tokio::spawn(h.join())
            }
            SourceConfig::AstmSerial(s) => {
                let cfg = serial_config(s, &name)?;
                let h = astm_serial::spawn(cfg, sink, shutdown);
                listening("astm_serial", &name, &s.path);
                tokio::spawn(h.join())
            }
            SourceConfig::Folder(f) | SourceConfig::StripFolder(f) => {
                let h = folder::spawn(folder_config(f), sink, shutdown)
                    .await
                    .map_err(|e| format!("source {name}: folder {}: {e}", f.inbox.display()))?;
                listening("folder", &name, &f.inbox.display().to_string());
                tokio::spawn(h.join())
            }
        };
        adapters.push(handle);
    }
    let workers = spawn_workers(
        ctx,
        WorkerConfig {
            workers: config.pipeline.workers,
            retry_after: Duration::from_secs(config.pipeline.retry_after_secs),
            idle_poll: Duration::from_millis(200),
        },
        shutdown.clone(),
    );
    wait_for_signal().await;
    tracing::info!("stopping: no new input is accepted; in-flight work finishes");
    let _ = stop.send(true);
    for h in adapters.into_iter().chain(workers) {
        let _ = h.await;
    }
    drop(sink);
    let _ = committer_task.await;
    store.close().await;
    Ok(())
}

fn listening(kind: &str, name: &str, addr: &str) {
    // One line per listener on stdout (for people and scripts) and in the log.
    println!("listening kind={kind} source={name} addr={addr}");
    tracing::info!(kind, source = name, addr, "listening");
}

fn folder_config(f: &FolderSource) -> folder::FolderConfig {
    folder::FolderConfig {
        inbox: f.inbox.clone(),
        processed: f.processed_dir(),
        quarantine: f.quarantine_dir(),
        source: f.name.clone(),
        settle: Duration::from_millis(f.settle_ms),
        poll: Duration::from_secs(2),
    }
}

fn serial_config(
    s: &crate::config::SerialSource,
    name: &str,
) -> CliResult<astm_serial::AstmSerialConfig> {
    use astm_serial::{DataBits, FlowControl, Parity, StopBits};
    let mut cfg = astm_serial::AstmSerialConfig::new(&s.path, name);
    cfg.baud = s.baud;
    cfg.data_bits = match s.data_bits {
        7 => DataBits::Seven,
        8 => DataBits::Eight,
        n => return Err(format!("source {name}: data_bits {n} (7 or 8)")),
    };
    cfg.parity = match s.parity.as_str() {
        "none" => Parity::None,
        "even" => Parity::Even,
        "odd" => Parity::Odd,
        p => return Err(format!("source {name}: parity `{p}` (none, even, odd)")),
    };
    cfg.stop_bits = match s.stop_bits {
        1 => StopBits::One,
        2 => StopBits::Two,
        n => return Err(format!("source {name}: stop_bits {n} (1 or 2)")),
    };
    cfg.flow_control = match s.flow_control.as_str() {
        "none" => FlowControl::None,
        "software" => FlowControl::Software,
        "hardware" => FlowControl::Hardware,
        f => {
            return Err(format!(
                "source {name}: flow_control `{f}` (none, software, hardware)"
            ))
        }
    };
    cfg.silence_warning = Duration::from_secs(s.silence_warning_secs);
    Ok(cfg)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Puts messages a previous run left in hand back in the queue; those whose
/// attempts ran out (input that keeps killing the process) are quarantined.
pub(super) async fn recover_queue(store: &Store) -> CliResult<()> {
    let recovered = store
        .requeue_stale_processing()
        .await
        .map_err(|e| format!("cannot recover the queue: {e}"))?;
    if recovered.requeued > 0 {
        tracing::info!(
            requeued = recovered.requeued,
            "messages left in processing by a previous run are queued again"
        );
    }
    for quarantine_id in recovered.quarantined {
        tracing::error!(
            quarantine_id,
            "a message was in hand at every one of its allowed attempts when the process stopped; quarantined"
        );
    }
    Ok(())
}
