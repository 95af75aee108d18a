//! Export-folder watcher on temporary directories.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use synthwatch::ingest::folder::{spawn, FolderConfig};
use synthwatch::ingest::memory::MemorySink;
use synthwatch::ingest::Transport;
use tokio::sync::watch;

struct Dirs {
    _tmp: tempfile::TempDir,
    cfg: FolderConfig,
}

fn dirs() -> Dirs {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = FolderConfig {
        inbox: tmp.path().join("inbox"),
        processed: tmp.path().join("processed"),
        quarantine: tmp.path().join("quarantine"),
        source: "export-1".into(),
        settle: Duration::from_millis(300),
        poll: Duration::from_millis(100),
    };
    std::fs::create_dir_all(&cfg.inbox).unwrap();
    Dirs { _tmp: tmp, cfg }
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|r| {
            r.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

async fn eventually(what: &str, mut cond: impl FnMut() -> bool) {
    for _ in 0..100 {
        if cond() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test]
async fn existing_and_new_files_are_ingested_and_moved() {
    let d = dirs();
    std::fs::write(d.cfg.inbox.join("a.csv"), b"id,result\n1,pos\n").unwrap();
    let sink = MemorySink::new();
    let (stop, rx) = watch::channel(false);
    let h = spawn(d.cfg.clone(), Arc::new(sink.clone()), rx)
        .await
        .unwrap();
    eventually("existing file", || sink.messages().len() == 1).await;
    std::fs::write(d.cfg.inbox.join("b.csv"), b"id,result\n2,neg\n").unwrap();
    eventually("new file", || sink.messages().len() == 2).await;
    eventually("moved", || names(&d.cfg.processed).len() == 2).await;
    let m = &sink.messages()[0];
    assert_eq!(
        (m.file_name.as_deref(), m.transport),
        (Some("a.csv"), Transport::Folder)
    );
    assert_eq!(m.bytes, b"id,result\n1,pos\n");
    assert!(names(&d.cfg.inbox).is_empty());
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), h.join())
        .await
        .unwrap();
}

#[tokio::test]
async fn growing_file_is_read_only_once_settled() {
    let d = dirs();
    let sink = MemorySink::new();
    let (_stop, rx) = watch::channel(false);
    let _h = spawn(d.cfg.clone(), Arc::new(sink.clone()), rx)
        .await
        .unwrap();
    let path = d.cfg.inbox.join("big.txt");
    let mut expected = Vec::new();
    for i in 0..6 {
        let chunk = format!("line {i}\n");
        expected.extend_from_slice(chunk.as_bytes());
        std::fs::write(&path, &expected).unwrap();
        tokio::time::sleep(Duration::from_millis(120)).await;
        assert!(sink.messages().is_empty(), "read while still being written");
    }
    eventually("settled file", || sink.messages().len() == 1).await;
    assert_eq!(sink.messages()[0].bytes, expected);
}

#[cfg(unix)]
#[tokio::test]
async fn symlink_out_of_inbox_is_ignored() {
    let d = dirs();
    let secret = d._tmp.path().join("outside.txt");
    std::fs::write(&secret, b"not for us").unwrap();
    std::os::unix::fs::symlink(&secret, d.cfg.inbox.join("link.txt")).unwrap();
    std::fs::write(d.cfg.inbox.join("real.txt"), b"data").unwrap();
    let sink = MemorySink::new();
    let (_stop, rx) = watch::channel(false);
    let _h = spawn(d.cfg.clone(), Arc::new(sink.clone()), rx)
        .await
        .unwrap();
    eventually("real file", || sink.messages().len() == 1).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(sink.messages().len(), 1);
    assert_eq!(sink.messages()[0].bytes, b"data");
    assert_eq!(
        names(&d.cfg.inbox),
        ["link.txt"],
        "the link stays, untouched"
    );
    assert!(secret.exists());
}

#[tokio::test]
async fn redropped_content_is_a_duplicate_and_still_moved() {
    let d = dirs();
    let sink = MemorySink::new();
    let (_stop, rx) = watch::channel(false);
    let _h = spawn(d.cfg.clone(), Arc::new(sink.clone()), rx)
        .await
        .unwrap();
    std::fs::write(d.cfg.inbox.join("r.csv"), b"same").unwrap();
    eventually("first", || names(&d.cfg.processed).len() == 1).await;
    std::fs::write(d.cfg.inbox.join("r.csv"), b"same").unwrap();
    eventually("second moved", || names(&d.cfg.processed).len() == 2).await;
    assert_eq!(sink.attempts(), 2);
    assert_eq!(sink.messages().len(), 1, "stored once");
    assert_eq!(
        names(&d.cfg.processed),
        ["r-1.csv", "r.csv"],
        "collision gets a suffix"
    );
}

#[tokio::test]
async fn sink_failure_leaves_file_and_retries() {
    let d = dirs();
    let sink = MemorySink::new();
    sink.set_failing(true);
    let (_stop, rx) = watch::channel(false);
    let _h = spawn(d.cfg.clone(), Arc::new(sink.clone()), rx)
        .await
        .unwrap();
    std::fs::write(d.cfg.inbox.join("x.csv"), b"payload").unwrap();
    eventually("first attempt", || sink.attempts() >= 1).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(names(&d.cfg.inbox), ["x.csv"]);
    assert!(names(&d.cfg.processed).is_empty());
    sink.set_failing(false);
    eventually("retried", || sink.messages().len() == 1).await;
    eventually("moved", || names(&d.cfg.processed) == ["x.csv"]).await;
    assert!(sink.attempts() >= 2);
}

#[cfg(unix)]
#[tokio::test]
async fn unreadable_file_is_quarantined_with_reason() {
    use std::os::unix::fs::PermissionsExt;
    let d = dirs();
    let p = d.cfg.inbox.join("locked.csv");
    std::fs::write(&p, b"secret").unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&p).is_ok() {
        eprintln!("skipped: running as root, permissions do not block reads");
        return;
    }
    let sink = MemorySink::new();
    let (_stop, rx) = watch::channel(false);
    let _h = spawn(d.cfg.clone(), Arc::new(sink.clone()), rx)
        .await
        .unwrap();
    eventually("quarantined", || names(&d.cfg.quarantine).len() == 2).await;
    assert_eq!(
        names(&d.cfg.quarantine),
        ["locked.csv", "locked.csv.reason.txt"]
    );
    assert_eq!(sink.attempts(), 0);
}
