//! Crash safety of commit-before-ACK: a client sends distinct HL7 messages
//! over MLLP and records each one answered `AA`; the daemon is killed with
//! SIGKILL at random moments (seeded), restarted on the same data dir, and
//! the client resends whatever was not acknowledged. At the end every message
//! is stored exactly once, processed, and published exactly once.

mod daemon_support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use daemon_support::*;
use sha2::{Digest, Sha256};
use synthwatch::store::Store;

const N: usize = 200;
const KILL_ROUNDS: usize = 10;
const SEED: u64 = 0x5eed_0fc0_ffee;

/// xorshift64: deterministic, dependency-free.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn message(i: usize) -> Vec<u8> {
    format!(
        "MSH|^~\\&|CRASHLAB|HOSP|SYNTHWATCH|PARTNERSHIP|20261201093000||ORU^R01^ORU_R01|CRASH-{i:04}|P|2.5.1\r\
         PID|1||PID-{i}^^^HOSP^MR\r\
         OBR|1|ORD-{i}|CRASH-ACC-{i:04}|TOXSCR^Urine drug screen^L|||20261201080000\r\
         OBX|1|ST|FENT^Fentanyl^L||Detected||||||F\r\
         OBX|2|NM|CREAT^Creatinine^L||{}.{}|mmol/L|||||F\r",
        i % 17,
        i % 10
    )
    .into_bytes()
}

fn start(data: &Path) -> Daemon {
    let inbox = data.join("inbox").display().to_string();
    let mut args = s(&["--data-dir", &data.display().to_string()]);
    args.extend(s(&[
        "--mllp",
        "127.0.0.1:0",
        "--astm-tcp",
        "127.0.0.1:0",
        "--inbox",
        &inbox,
    ]));
    Daemon::start(&args, &["mllp"])
}

/// Send every unacknowledged message in order until done or the link fails.
fn client(
    addr: std::net::SocketAddr,
    messages: Arc<Vec<Vec<u8>>>,
    acked: Arc<Vec<AtomicBool>>,
    n_acked: Arc<AtomicUsize>,
) -> Result<(), String> {
    let mut c = MllpClient::connect(addr).map_err(|e| format!("connect: {e}"))?;
    for (i, m) in messages.iter().enumerate() {
        if acked[i].load(Ordering::SeqCst) {
            continue;
        }
        let ack = c.send(m).map_err(|e| format!("message {i}: {e}"))?;
        let code = ack_code(&ack);
        if code != "AA" {
            return Err(format!("message {i}: answered {code}"));
        }
        acked[i].store(true, Ordering::SeqCst);
        n_acked.fetch_add(1, Ordering::SeqCst);
    }
    Ok(())
}

#[test]
fn acknowledged_messages_survive_kill_9_exactly_once() {
    let t0 = Instant::now();
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let messages: Arc<Vec<Vec<u8>>> = Arc::new((0..N).map(message).collect());
    let acked: Arc<Vec<AtomicBool>> = Arc::new((0..N).map(|_| AtomicBool::new(false)).collect());
    let n_acked = Arc::new(AtomicUsize::new(0));
    let mut rng = Rng(SEED);
    let mut kills = 0;
    let mut requeued = 0;
    let mut duplicates = 0;

    for round in 0..KILL_ROUNDS {
        let daemon = start(&data);
        let addr = daemon.addr("mllp");
        let at_start = n_acked.load(Ordering::SeqCst);
        let (m, a, n) = (messages.clone(), acked.clone(), n_acked.clone());
        let sender = std::thread::spawn(move || client(addr, m, a, n));
        // A random moment: after a random number of further ACKs (so the
        // kill lands mid-stream, while workers process), plus a random delay.
        let target = (at_start + 5 + rng.below(20) as usize).min(N);
        // Watch closely (1 ms) so the kill lands near the chosen point.
        let waited = Instant::now();
        while n_acked.load(Ordering::SeqCst) < target && !sender.is_finished() {
            assert!(
                waited.elapsed() < Duration::from_secs(30),
                "no client progress"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(rng.below(10)));
        let log = daemon.stderr();
        daemon.kill9();
        requeued += log.matches("queued again").count();
        duplicates += log.matches("duplicate").count();
        kills += 1;
        // The client sees the link fail (or had finished): either is fine.
        let ended = sender.join().expect("client thread");
        eprintln!(
            "round {round}: killed with {} of {N} acknowledged ({ended:?})",
            n_acked.load(Ordering::SeqCst)
        );
    }

    // Final run: resend the rest, let the queue drain, stop cleanly.
    let daemon = start(&data);
    let addr = daemon.addr("mllp");
    client(addr, messages.clone(), acked.clone(), n_acked.clone()).expect("final run delivers");
    assert_eq!(
        n_acked.load(Ordering::SeqCst),
        N,
        "every message acknowledged once in the end"
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let store = rt.block_on(Store::open_sqlite(&data)).expect("store opens");
    let pool = store.sqlite_pool().expect("sqlite").clone();
    poll(Duration::from_secs(40), "the queue to drain", || {
        let (queued, not_done): (i64, i64) = rt.block_on(async {
            (
                sqlx::query_scalar("SELECT COUNT(*) FROM processing_queue")
                    .fetch_one(&pool)
                    .await
                    .expect("count queue"),
                sqlx::query_scalar("SELECT COUNT(*) FROM raw_messages WHERE state <> 'done'")
                    .fetch_one(&pool)
                    .await
                    .expect("count states"),
            )
        });
        (queued == 0 && not_done == 0).then_some(())
    });
    let (status, _, stderr) = daemon.terminate();
    assert!(
        status.success(),
        "clean exit after the crashes: {status}\n{stderr}"
    );
    requeued += stderr.matches("queued again").count();
    duplicates += stderr.matches("duplicate").count();
    // Diagnostics: how often a kill hit between commit and ACK (the resend
    // was a duplicate) or during processing (requeued at the next start).
    eprintln!(
        "resends that were duplicates: {duplicates}; starts that requeued in-flight work: {requeued}"
    );

    rt.block_on(async {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM raw_messages")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(
            total, N as i64,
            "raw messages stored (no duplicates, none lost)"
        );
        for (i, m) in messages.iter().enumerate() {
            let sha = hex::encode(Sha256::digest(m));
            let rows: Vec<(Option<String>, String)> = sqlx::query_as(
                "SELECT control_id, state FROM raw_messages WHERE source = 'hl7' AND sha256 = $1",
            )
            .bind(&sha)
            .fetch_all(&pool)
            .await
            .expect("by sha");
            assert_eq!(rows.len(), 1, "message {i} stored {} times", rows.len());
            assert_eq!(rows[0].0.as_deref(), Some(format!("CRASH-{i:04}").as_str()));
            assert_eq!(rows[0].1, "done", "message {i}");
        }
        let quarantined: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM quarantine")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(quarantined, 0);
        // Reprocessing after a crash must not duplicate derived rows or versions.
        let observations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM observations")
            .fetch_one(&pool)
            .await
            .expect("count");
        assert_eq!(observations, 2 * N as i64, "two observations per message");
        let per_sample: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT s.lab_accession, COUNT(r.id), MAX(r.version) FROM samples s \
             JOIN results r ON r.sample_id = s.id GROUP BY s.id ORDER BY s.lab_accession",
        )
        .fetch_all(&pool)
        .await
        .expect("results per sample");
        assert_eq!(per_sample.len(), N, "one published sample per message");
        for (i, (acc, n, v)) in per_sample.iter().enumerate() {
            assert_eq!(acc, &format!("CRASH-ACC-{i:04}"));
            assert_eq!((*n, *v), (1, 1), "{acc}: published once, version 1");
        }
    });
    rt.block_on(store.close());
    let (rows, _) = results(&s(&["--data-dir", &data.display().to_string()]), &[]);
    assert_eq!(rows.len(), N);
    assert!(rows
        .iter()
        .all(|r| r["class_flags"] == serde_json::json!(["fentanyl"])));
    eprintln!("{kills} kills, {N} messages, {:?}", t0.elapsed());
}
