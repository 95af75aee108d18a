//! Helpers for the daemon tests: run the real `synthwatch` binary, read its
//! `listening` lines, talk MLLP, poll with deadlines, read the store.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_synthwatch");

/// Path of a file in `fixtures/`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Poll `f` every 50 ms until it returns `Some`, or panic after `limit` with `what`.
pub fn poll<T>(limit: Duration, what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let t0 = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(t0.elapsed() < limit, "timed out after {limit:?}: {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A running `synthwatch serve` child with its output captured.
pub struct Daemon {
    child: Option<Child>,
    pub stdout: Arc<Mutex<String>>,
    pub stderr: Arc<Mutex<String>>,
    /// kind → address (or path) from the `listening` lines.
    pub listening: HashMap<String, String>,
}

fn pump(mut r: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        let mut buf = [0u8; 8192];
        loop {
            match r.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                    into.lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push_str(&text);
                }
            }
        }
    });
}

impl Daemon {
    /// Start `synthwatch serve ARGS…` and wait until a `listening` line was
    /// printed for each of `kinds`.
    pub fn start(args: &[String], kinds: &[&str]) -> Daemon {
        let mut child = Command::new(BIN)
            .arg("serve")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("synthwatch serve starts");
        let stdout = Arc::new(Mutex::new(String::new()));
        let stderr = Arc::new(Mutex::new(String::new()));
        pump(child.stdout.take().expect("stdout piped"), stdout.clone());
        pump(child.stderr.take().expect("stderr piped"), stderr.clone());
        let mut d = Daemon {
            child: Some(child),
            stdout,
            stderr,
            listening: HashMap::new(),
        };
        let t0 = Instant::now();
        loop {
            d.listening = parse_listening(&d.stdout());
            if kinds.iter().all(|k| d.listening.contains_key(*k)) {
                break;
            }
            if let Some(status) = d.child.as_mut().and_then(|c| c.try_wait().ok().flatten()) {
                panic!(
                    "serve exited early ({status}); stdout:\n{}\nstderr:\n{}",
                    d.stdout(),
                    d.stderr()
                );
            }
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "no listening lines for {kinds:?}; stdout:\n{}\nstderr:\n{}",
                d.stdout(),
                d.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        d
    }

    pub fn stdout(&self) -> String {
        self.stdout
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn stderr(&self) -> String {
        self.stderr
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn addr(&self, kind: &str) -> SocketAddr {
        self.listening[kind].parse().expect("a socket address")
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    /// SIGTERM (via `kill`), then wait for the exit (at most 30 s).
    pub fn terminate(mut self) -> (ExitStatus, String, String) {
        let mut child = self.child.take().expect("running");
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(sent.success(), "kill -TERM failed");
        let status = poll(
            Duration::from_secs(30),
            "serve to exit after SIGTERM",
            || child.try_wait().ok().flatten(),
        );
        // Give the pump threads a moment to see EOF.
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_millis(500) && !self.stderr().contains("stopped") {
            std::thread::sleep(Duration::from_millis(20));
        }
        (status, self.stdout(), self.stderr())
    }

    /// SIGKILL (no chance to clean up), then reap.
    pub fn kill9(mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// `listening kind=K source=S addr=A` lines → K → A (last wins).
pub fn parse_listening(stdout: &str) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for line in stdout.lines() {
        let Some(rest) = line.strip_prefix("listening ") else {
            continue;
        };
        let mut kind = None;
        let mut addr = None;
        for part in rest.split(' ') {
            if let Some(k) = part.strip_prefix("kind=") {
                kind = Some(k.to_owned());
            } else if let Some(a) = part.strip_prefix("addr=") {
                addr = Some(a.to_owned());
            }
        }
        if let (Some(k), Some(a)) = (kind, addr) {
            out.insert(k, a);
        }
    }
    out
}

/// Run `synthwatch ARGS…` to completion.
pub fn run(args: &[String]) -> Output {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("synthwatch runs")
}

pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

/// `synthwatch results --json STORE_ARGS… EXTRA…` as JSON values.
pub fn results(store: &[String], extra: &[&str]) -> (Vec<serde_json::Value>, String) {
    let mut args = s(&["results", "--json"]);
    args.extend_from_slice(store);
    args.extend(s(extra));
    let out = run(&args);
    assert!(
        out.status.success(),
        "results failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let rows = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    (rows, text)
}

/// Latest result per sample reference.
pub fn by_sample(rows: &[serde_json::Value]) -> HashMap<String, serde_json::Value> {
    rows.iter()
        .map(|r| {
            (
                r["sample"].as_str().unwrap_or_default().to_owned(),
                r.clone(),
            )
        })
        .collect()
}

/// Poll `results` until every sample in `want` is present; returns the rows.
pub fn wait_for_samples(
    store: &[String],
    want: &[&str],
    limit: Duration,
) -> Vec<serde_json::Value> {
    let t0 = Instant::now();
    loop {
        let (rows, text) = results(store, &[]);
        let have = by_sample(&rows);
        if want.iter().all(|w| have.contains_key(*w)) {
            return rows;
        }
        assert!(
            t0.elapsed() < limit,
            "samples {want:?} not all published after {limit:?}; results:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// `quarantine list` output.
pub fn quarantine_list(store: &[String]) -> String {
    let mut args = s(&["quarantine", "list"]);
    args.extend_from_slice(store);
    let out = run(&args);
    assert!(
        out.status.success(),
        "quarantine list failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// MLLP frame around an ER7 payload.
pub fn frame(payload: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(payload.len() + 3);
    v.push(0x0b);
    v.extend_from_slice(payload);
    v.extend_from_slice(&[0x1c, 0x0d]);
    v
}

/// A blocking MLLP client: one message, one ACK at a time.
pub struct MllpClient {
    stream: TcpStream,
    pending: Vec<u8>,
}

impl MllpClient {
    pub fn connect(addr: SocketAddr) -> std::io::Result<MllpClient> {
        let stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
        stream.set_nodelay(true)?;
        Ok(MllpClient {
            stream,
            pending: Vec::new(),
        })
    }

    /// Send one payload and return the ACK payload.
    pub fn send(&mut self, payload: &[u8]) -> std::io::Result<Vec<u8>> {
        self.stream.write_all(&frame(payload))?;
        let mut buf = [0u8; 4096];
        loop {
            if let Some(start) = self.pending.iter().position(|&b| b == 0x0b) {
                if let Some(end) = self.pending[start..]
                    .windows(2)
                    .position(|w| w == [0x1c, 0x0d])
                {
                    let ack = self.pending[start + 1..start + end].to_vec();
                    self.pending.drain(..start + end + 2);
                    return Ok(ack);
                }
            }
            let n = self.stream.read(&mut buf)?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    "closed before ACK",
                ));
            }
            self.pending.extend_from_slice(&buf[..n]);
        }
    }
}

/// MSA-1 of an ACK.
pub fn ack_code(ack: &[u8]) -> String {
    synthwatch::ingest::simulate::ack_code(ack)
        .unwrap_or("none")
        .to_owned()
}

/// ER7 messages of a file (MLLP-framed or bare, one per `MSH`).
pub fn hl7_messages(path: &Path) -> Vec<Vec<u8>> {
    let bytes = std::fs::read(path).expect("fixture readable");
    if bytes.contains(&0x0b) {
        let mut d = synthwatch_parsers::hl7::mllp::MllpDecoder::new(1 << 20);
        return d.feed(&bytes).into_iter().filter_map(Result::ok).collect();
    }
    let text = bytes;
    let mut starts: Vec<usize> = (0..text.len())
        .filter(|&i| {
            text[i..].starts_with(b"MSH|") && (i == 0 || matches!(text[i - 1], b'\r' | b'\n'))
        })
        .collect();
    starts.push(text.len());
    starts
        .windows(2)
        .map(|w| text[w[0]..w[1]].to_vec())
        .collect()
}

/// Lines of a reader (for tests that read a child's output synchronously).
pub fn lines(r: impl Read) -> Vec<String> {
    BufReader::new(r).lines().map_while(Result::ok).collect()
}

/// The strings that identify the invented CANARY patient in the fixtures.
pub const CANARY_NEEDLES: &[&str] = &[
    "canary",
    "19700101",
    "1970-01-01",
    "canary-999",
    "canary-mrn-1",
    "canary-pid-1",
    "canary-lab-9",
    "canary row",
];

/// Panics naming the first canary string found in `text` (case-insensitive).
pub fn assert_no_canary(what: &str, text: &str) {
    let lower = text.to_lowercase();
    for needle in CANARY_NEEDLES {
        if let Some(at) = lower.find(needle) {
            let from = at.saturating_sub(80);
            let to = (at + 80).min(text.len());
            let ctx = text.get(from..to).unwrap_or(text);
            panic!("{what} contains the canary `{needle}`: …{ctx}…");
        }
    }
}

/// Every text-castable value of every column of `tables`, one per line.
pub async fn dump_tables(store: &synthwatch::store::Store, tables: &[&str]) -> String {
    use sqlx::Row;
    let mut out = String::new();
    for table in tables {
        let columns: Vec<String> = if let Some(pool) = store.sqlite_pool() {
            sqlx::query(&format!("SELECT name FROM pragma_table_info('{table}')"))
                .fetch_all(pool)
                .await
                .expect("table info")
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect()
        } else {
            let pool = store.pg_pool().expect("a pool");
            sqlx::query(
                "SELECT column_name::text FROM information_schema.columns \
                 WHERE table_name = $1 AND table_schema = current_schema()",
            )
            .bind(*table)
            .fetch_all(pool)
            .await
            .expect("columns")
            .iter()
            .map(|r| r.get::<String, _>(0))
            .collect()
        };
        assert!(!columns.is_empty(), "table {table} has no columns");
        for c in columns {
            let values: Vec<Option<String>> = if let Some(pool) = store.sqlite_pool() {
                // As bytes: BLOB columns (spectra.peaks) are not UTF-8.
                let sql = format!("SELECT CAST({c} AS BLOB) FROM {table}");
                let raw: Vec<Option<Vec<u8>>> = sqlx::query_scalar(&sql)
                    .fetch_all(pool)
                    .await
                    .expect("select");
                raw.into_iter()
                    .map(|v| v.map(|b| String::from_utf8_lossy(&b).into_owned()))
                    .collect()
            } else {
                let sql = format!("SELECT CAST({c} AS TEXT) FROM {table}");
                let pool = store.pg_pool().expect("a pool");
                sqlx::query_scalar(&sql)
                    .fetch_all(pool)
                    .await
                    .expect("select")
            };
            for v in values.into_iter().flatten() {
                out.push_str(&format!("{table}.{c}: {v}\n"));
            }
        }
    }
    out
}
