//! ASTM over RS-232 through a `socat` pty pair. Skipped (with a message)
//! when socat is missing, unless `CI` is set.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use synthwatch::ingest::astm_serial::{spawn, AstmSerialConfig};
use synthwatch::ingest::memory::MemorySink;
use synthwatch::ingest::Transport;
use synthwatch_parsers::astm::link::{Link, LinkConfig, LinkEvent};
use tokio::sync::watch;

const M1: &[u8] = b"H|\\^&|||ANALYZER\rP|1\rR|1|^^^FENT|12\rL|1|N\r";
const M2: &[u8] = b"H|\\^&|||ANALYZER\rP|1\rR|1|^^^FENT|0\rL|1|N\r";

fn socat_available() -> bool {
    let ok = Command::new("socat")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var_os("CI").is_some() {
        panic!("socat is required in CI");
    }
    if !ok {
        eprintln!("skipped: socat not installed");
    }
    ok
}

/// A socat pty pair with stable paths `dir/lis` and `dir/instr`.
struct Pair {
    child: Child,
}

impl Pair {
    fn start(dir: &Path) -> Pair {
        let (a, b) = (dir.join("lis"), dir.join("instr"));
        let _ = std::fs::remove_file(&a);
        let _ = std::fs::remove_file(&b);
        let child = Command::new("socat")
            .arg("-d")
            .arg("-d")
            .arg(format!("pty,raw,echo=0,link={}", a.display()))
            .arg(format!("pty,raw,echo=0,link={}", b.display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("socat starts");
        let t0 = Instant::now();
        while !(a.exists() && b.exists()) {
            assert!(t0.elapsed() < Duration::from_secs(5), "socat made no ptys");
            std::thread::sleep(Duration::from_millis(20));
        }
        Pair { child }
    }

    fn stop(mut self) {
        // Only our own child, by id; TERM lets socat remove its links.
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The instrument: the parsers' sender role over the pty, synchronously.
fn instrument_send(path: PathBuf, message: &'static [u8]) -> bool {
    let Ok(mut port) = serialport::new(path.to_string_lossy(), 9600)
        .timeout(Duration::from_millis(50))
        .open()
    else {
        return false;
    };
    let t0 = Instant::now();
    let now = || t0.elapsed();
    let mut link = Link::new(LinkConfig {
        reply_timeout: Duration::from_secs(2),
        frame_text_len: 16,
        ..LinkConfig::default()
    });
    link.send(now(), message);
    let mut buf = [0u8; 64];
    while t0.elapsed() < Duration::from_secs(10) {
        let out = link.take_output();
        if !out.is_empty() && port.write_all(&out).is_err() {
            return false;
        }
        for e in link.drain_events() {
            match e {
                LinkEvent::Sent(_) => return true,
                LinkEvent::SendFailed { .. } => return false,
                _ => {}
            }
        }
        match port.read(&mut buf) {
            Ok(n) => link.on_bytes(now(), &buf[..n]),
            Err(_) => link.poll(now()),
        }
    }
    false
}

async fn send(path: PathBuf, message: &'static [u8]) -> bool {
    tokio::task::spawn_blocking(move || instrument_send(path, message))
        .await
        .unwrap()
}

async fn eventually(mut cond: impl FnMut() -> bool) -> bool {
    for _ in 0..100 {
        if cond() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

fn config(dir: &Path) -> AstmSerialConfig {
    let mut cfg = AstmSerialConfig::new(dir.join("lis").to_string_lossy(), "analyzer-serial");
    cfg.reopen_min = Duration::from_millis(50);
    cfg.reopen_max = Duration::from_millis(400);
    cfg.silence_warning = Duration::from_millis(300);
    cfg
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serial_message_is_committed_and_acked() {
    if !socat_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pair = Pair::start(dir.path());
    let sink = MemorySink::new();
    let (stop, rx) = watch::channel(false);
    let h = spawn(config(dir.path()), Arc::new(sink.clone()), rx);
    assert!(
        send(dir.path().join("instr"), M1).await,
        "instrument got its ACKs"
    );
    assert!(eventually(|| sink.messages().len() == 1).await);
    let m = &sink.messages()[0];
    assert_eq!(
        (m.bytes.as_slice(), m.transport),
        (M1, Transport::AstmSerial)
    );
    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), h.join())
        .await
        .unwrap();
    pair.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn port_is_reopened_after_it_disappears() {
    if !socat_available() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pair = Pair::start(dir.path());
    let sink = MemorySink::new();
    let (_stop, rx) = watch::channel(false);
    let _h = spawn(config(dir.path()), Arc::new(sink.clone()), rx);
    assert!(send(dir.path().join("instr"), M1).await);
    assert!(eventually(|| sink.messages().len() == 1).await);
    // Power-cycle: the device vanishes for a while, then returns at the same path.
    pair.stop();
    tokio::time::sleep(Duration::from_millis(700)).await;
    let _pair2 = Pair::start(dir.path());
    let mut delivered = false;
    for _ in 0..20 {
        if send(dir.path().join("instr"), M2).await {
            delivered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(delivered, "adapter reopened the port");
    assert!(eventually(|| sink.messages().len() == 2).await);
    assert_eq!(sink.messages()[1].bytes, M2);
}
