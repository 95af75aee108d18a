//! Folder adapter helpers: settle tracking, inbox scans and file moves.

use std::collections::HashMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use tokio::time::{Duration, Instant};

/// What we last saw of an inbox file.
#[derive(Debug, Clone)]
pub(super) struct Seen {
    len: u64,
    mtime: Option<SystemTime>,
    since: Instant,
    /// Do not try again before this (after a sink failure).
    pub(super) retry_after: Option<Instant>,
}

/// One scan's findings.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// Regular files whose size and mtime were unchanged for `settle`.
    pub(super) ready: Vec<PathBuf>,
    /// Files still changing (or just seen).
    pub(super) settling: usize,
    /// Symlinks or other non-regular entries met for the first time.
    pub(super) new_skipped: Vec<PathBuf>,
}

/// Scan `inbox` (one level, never following symlinks).
pub(super) async fn scan(
    inbox: &Path,
    settle: Duration,
    seen: &mut HashMap<PathBuf, Seen>,
    skipped: &mut std::collections::HashSet<PathBuf>,
) -> io::Result<Scan> {
    let now = Instant::now();
    let mut out = Scan::default();
    let mut present = Vec::new();
    let mut dir = tokio::fs::read_dir(inbox).await?;
    while let Some(entry) = dir.next_entry().await? {
        let path = entry.path();
        // symlink_metadata: a link is judged as a link, never by its target.
        let Ok(meta) = tokio::fs::symlink_metadata(&path).await else {
            continue;
        };
        present.push(path.clone());
        if !meta.file_type().is_file() {
            if skipped.insert(path.clone()) && !meta.is_dir() {
                out.new_skipped.push(path);
            }
            continue;
        }
        if is_partial_name(&path) {
            continue;
        }
        let (len, mtime) = (meta.len(), meta.modified().ok());
        let entry = seen.entry(path.clone()).or_insert(Seen {
            len,
            mtime,
            since: now,
            retry_after: None,
        });
        if entry.len != len || entry.mtime != mtime {
            (entry.len, entry.mtime, entry.since) = (len, mtime, now);
        }
        let waiting = entry.retry_after.is_some_and(|t| now < t);
        if now.duration_since(entry.since) >= settle && !waiting {
            out.ready.push(path);
        } else {
            out.settling += 1;
        }
    }
    seen.retain(|p, _| present.contains(p));
    skipped.retain(|p| present.contains(p));
    Ok(out)
}

/// Our own side files (`.reason.txt` never lands in the inbox, but editors'
/// and copy tools' temporary names are skipped to be safe).
fn is_partial_name(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    name.starts_with('.') || name.ends_with(".part") || name.ends_with(".tmp")
}

/// A free path for `name` in `dir`: `name`, then `stem-1.ext`, `stem-2.ext`…
pub(super) fn unique_target(dir: &Path, name: &str) -> PathBuf {
    let first = dir.join(name);
    if !first.exists() {
        return first;
    }
    let p = Path::new(name);
    let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or(name);
    let ext = p.extension().and_then(|e| e.to_str());
    (1u32..)
        .map(|i| match ext {
            Some(ext) => dir.join(format!("{stem}-{i}.{ext}")),
            None => dir.join(format!("{stem}-{i}")),
        })
        .find(|c| !c.exists())
        .unwrap_or(first)
}

/// Move `from` into `dir` (renaming on collision); returns the new path.
/// Falls back to copy + remove across file systems.
pub(super) async fn move_into(from: &Path, dir: &Path) -> io::Result<PathBuf> {
    let name = from
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "file name is not UTF-8"))?;
    let to = unique_target(dir, name);
    if tokio::fs::rename(from, &to).await.is_err() {
        tokio::fs::copy(from, &to).await?;
        tokio::fs::remove_file(from).await?;
    }
    Ok(to)
}

/// Move `from` to quarantine and write `<name>.reason.txt` beside it.
pub(super) async fn quarantine(from: &Path, dir: &Path, reason: &str) -> io::Result<PathBuf> {
    let to = move_into(from, dir).await?;
    let mut note = to.clone().into_os_string();
    note.push(".reason.txt");
    tokio::fs::write(PathBuf::from(note), format!("{reason}\n")).await?;
    Ok(to)
}
