//! Export-folder and strip-scanner-folder watcher.
//!
//! Files already in the inbox are ingested at start, new ones as they appear
//! (`notify` wakes us; a periodic rescan is the fallback when events are lost
//! or unsupported, e.g. on network shares). A file is read only once its size
//! and mtime stayed unchanged for `settle`. Symlinks are never followed.
//! After the sink committed a file it moves to `processed/`; an unreadable
//! file moves to `quarantine/` with a `.reason.txt`; on a sink failure it
//! stays in the inbox and is retried after `poll`.

use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use notify::{RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tokio::time::Instant;
use tracing::{debug, error, info, warn};

use super::folder_scan::{move_into, quarantine, scan, Seen};
use super::{shutdown_signalled, RawMessage, RawSink, Shutdown, Transport};

/// Settings of one watched folder.
#[derive(Debug, Clone)]
pub struct FolderConfig {
    /// Where instruments (or strip scanners) drop files.
    pub inbox: PathBuf,
    /// Where committed files are moved.
    pub processed: PathBuf,
    /// Where unreadable files are moved, each with a `.reason.txt`.
    pub quarantine: PathBuf,
    /// Source name stored with every file.
    pub source: String,
    /// How long size and mtime must stay unchanged before a file is read.
    pub settle: Duration,
    /// Rescan interval (fallback for lost events; also the retry delay).
    pub poll: Duration,
}

/// A running folder watcher.
#[derive(Debug)]
pub struct FolderHandle {
    task: tokio::task::JoinHandle<()>,
}

impl FolderHandle {
    /// Wait until the watcher stopped (after shutdown was signalled).
    pub async fn join(self) {
        if let Err(e) = self.task.await {
            warn!(error = %e, "folder watcher task ended abnormally");
        }
    }
}

/// Create the folders if needed and start watching.
pub async fn spawn<S: RawSink>(
    cfg: FolderConfig,
    sink: Arc<S>,
    shutdown: Shutdown,
) -> io::Result<FolderHandle> {
    for dir in [&cfg.inbox, &cfg.processed, &cfg.quarantine] {
        tokio::fs::create_dir_all(dir).await?;
    }
    let (wake_tx, wake_rx) = mpsc::channel::<()>(1);
    // Without events we still work by polling: a watcher failure is a WARN.
    let watcher = notify::recommended_watcher(move |_res: notify::Result<notify::Event>| {
        let _ = wake_tx.try_send(());
    })
    .and_then(|mut w| w.watch(&cfg.inbox, RecursiveMode::NonRecursive).map(|()| w));
    let watcher = match watcher {
        Ok(w) => Some(w),
        Err(e) => {
            warn!(source = %cfg.source, error = %e, "folder events unavailable; polling only");
            None
        }
    };
    info!(source = %cfg.source, inbox = %cfg.inbox.display(), "watching folder");
    let task = tokio::spawn(async move {
        let _watcher = watcher; // dropping it stops the events
        run(cfg, sink, shutdown, wake_rx).await;
    });
    Ok(FolderHandle { task })
}

async fn run<S: RawSink>(
    cfg: FolderConfig,
    sink: Arc<S>,
    mut shutdown: Shutdown,
    mut wake: mpsc::Receiver<()>,
) {
    let mut seen: HashMap<PathBuf, Seen> = HashMap::new();
    let mut skipped: HashSet<PathBuf> = HashSet::new();
    loop {
        let mut settling = false;
        match scan(&cfg.inbox, cfg.settle, &mut seen, &mut skipped).await {
            Ok(found) => {
                for path in &found.new_skipped {
                    warn!(source = %cfg.source, file = %file_name(path), "not a regular file (symlink?); skipped");
                }
                for path in found.ready {
                    if *shutdown.borrow() {
                        break;
                    }
                    ingest(&cfg, sink.as_ref(), &path, &mut seen).await;
                }
                settling = found.settling > 0;
            }
            Err(e) => {
                warn!(source = %cfg.source, error = %e, "inbox cannot be listed");
            }
        }
        // While files settle, look again soon; otherwise wait for an event or the poll.
        let tick = if settling {
            cfg.poll.min(cfg.settle / 4).max(Duration::from_millis(10))
        } else {
            cfg.poll
        };
        tokio::select! {
            _ = shutdown_signalled(&mut shutdown) => break,
            _ = wake.recv() => {}
            _ = tokio::time::sleep(tick) => {}
        }
    }
    info!(source = %cfg.source, "folder watcher stopped");
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Read, commit, move one settled file.
async fn ingest<S: RawSink>(
    cfg: &FolderConfig,
    sink: &S,
    path: &Path,
    seen: &mut HashMap<PathBuf, Seen>,
) {
    let name = file_name(path);
    // Re-check right before reading: it may have been swapped for a link.
    let regular = tokio::fs::symlink_metadata(path)
        .await
        .is_ok_and(|m| m.file_type().is_file());
    if !regular {
        return;
    }
    let bytes = match tokio::fs::read(path).await {
        Ok(b) => b,
        Err(e) => {
            let reason = format!("could not be read: {e}");
            match quarantine(path, &cfg.quarantine, &reason).await {
                Ok(_) => {
                    warn!(source = %cfg.source, file = %name, error = %e, "unreadable file quarantined")
                }
                Err(e2) => {
                    error!(source = %cfg.source, file = %name, error = %e2, "unreadable file could not be quarantined")
                }
            }
            seen.remove(path);
            return;
        }
    };
    let len = bytes.len();
    let msg = RawMessage {
        source: cfg.source.clone(),
        transport: Transport::Folder,
        received_at: SystemTime::now(),
        file_name: Some(name.clone()),
        bytes,
    };
    match sink.commit(msg).await {
        Ok(c) => {
            if c.duplicate {
                info!(source = %cfg.source, file = %name, id = c.id, bytes = len, "duplicate");
            } else {
                info!(source = %cfg.source, file = %name, id = c.id, bytes = len, "file stored");
            }
            if let Err(e) = move_into(path, &cfg.processed).await {
                // Stored, but left in the inbox: re-read later as a duplicate.
                error!(source = %cfg.source, file = %name, error = %e, "stored file could not be moved to processed");
            }
            seen.remove(path);
        }
        Err(e) => {
            error!(source = %cfg.source, file = %name, bytes = len, error = %e, "file not stored; left in inbox for retry");
            if let Some(s) = seen.get_mut(path) {
                s.retry_after = Some(Instant::now() + cfg.poll);
            }
            debug!(source = %cfg.source, file = %name, retry_in_ms = cfg.poll.as_millis() as u64, "retry scheduled");
        }
    }
}
