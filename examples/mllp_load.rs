//! MLLP ingest load test: the real store (SQLite in a temp dir, WAL,
//! `synchronous=FULL`), the `GroupCommitter` and the MLLP adapter, in
//! process; K client connections each send M distinct ORU messages one at a
//! time, waiting for the ACK before the next (so every ACK is a commit).
//!
//! ```text
//! cargo run --release --example mllp_load                      # the bar suite
//! cargo run --release --example mllp_load -- -c 4 -m 2000 -w 2 # one run
//! ```
//!
//! Options: `-c/--connections K`, `-m/--messages M` (per connection),
//! `-w/--workers W` (pipeline workers processing the queue concurrently; 0 =
//! ingest only), `--dir PATH` (where the database goes; default a temp dir),
//! `--db postgres://…` (PostgreSQL instead, a fresh schema per run, dropped after).
//! Without `-c` the suite runs: 1 and 4 connections, without and with 2
//! workers, and checks the bar (≥ 50 msg/s and p99 ≤ 100 ms on 1 connection;
//! ≥ 2,000 msg/s on 4 connections). Exit code 1 when the bar is missed.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::{Connection, PgConnection};
use synthwatch::ingest::mllp::{self, MllpConfig};
use synthwatch::pipeline::{spawn_workers, Context, SampleKinds, WorkerConfig};
use synthwatch::screen::{ScreenConfig, Screener};
use synthwatch::store::{GroupCommitter, GroupConfig, PatientKeyer, Store};
use synthwatch_parsers::hl7::mllp::{frame, MllpDecoder};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

type Error = Box<dyn std::error::Error + Send + Sync>;

#[derive(Debug, Clone, Copy)]
struct Run {
    connections: usize,
    messages: usize,
    workers: usize,
}

#[derive(Debug)]
struct Report {
    run: Run,
    total: usize,
    elapsed: Duration,
    p50: Duration,
    p99: Duration,
    max: Duration,
    not_aa: usize,
    /// With workers: processed by the end of the load, and time to drain the rest.
    processed_during: i64,
    drain: Option<Duration>,
}

impl Report {
    fn rate(&self) -> f64 {
        self.total as f64 / self.elapsed.as_secs_f64()
    }

    fn print(&self) {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        print!(
            "connections={} messages={} workers={} total={} elapsed={:.2}s rate={:.0} msg/s \
             ack_p50={:.2}ms ack_p99={:.2}ms ack_max={:.2}ms not_aa={}",
            self.run.connections,
            self.run.messages,
            self.run.workers,
            self.total,
            self.elapsed.as_secs_f64(),
            self.rate(),
            ms(self.p50),
            ms(self.p99),
            ms(self.max),
            self.not_aa,
        );
        if let Some(d) = self.drain {
            print!(
                " processed_during_load={} drain_after={:.2}s",
                self.processed_during,
                d.as_secs_f64()
            );
        }
        println!();
    }
}

fn message(conn: usize, seq: usize) -> Vec<u8> {
    format!(
        "MSH|^~\\&|LOADLAB|HOSP|SYNTHWATCH|PARTNERSHIP|20261201093000||ORU^R01^ORU_R01|L{conn}-{seq}|P|2.5.1\r\
         PID|1||PID-{conn}-{seq}^^^HOSP^MR\r\
         OBR|1|ORD-{conn}-{seq}|ACC-{conn}-{seq:06}|TOXSCR^Urine drug screen^L|||20261201080000\r\
         OBX|1|ST|FENT^Fentanyl^L||Detected||||||F\r\
         OBX|2|ST|NITZ^Nitazene screen^L||Not detected||||||F\r\
         OBX|3|NM|CREAT^Creatinine^L||8.{}|mmol/L|||||F\r",
        seq % 10
    )
    .into_bytes()
}

async fn client(
    addr: std::net::SocketAddr,
    conn: usize,
    n: usize,
) -> Result<(Vec<Duration>, usize), Error> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let mut decoder = MllpDecoder::default();
    let mut buf = vec![0u8; 4096];
    let mut latencies = Vec::with_capacity(n);
    let mut not_aa = 0;
    for seq in 0..n {
        let framed = frame(&message(conn, seq));
        let t = Instant::now();
        stream.write_all(&framed).await?;
        let ack = loop {
            let got = stream.read(&mut buf).await?;
            if got == 0 {
                return Err("connection closed before ACK".into());
            }
            if let Some(a) = decoder.feed(&buf[..got]).into_iter().flatten().next() {
                break a;
            }
        };
        latencies.push(t.elapsed());
        if synthwatch::ingest::simulate::ack_code(&ack) != Some("AA") {
            not_aa += 1;
        }
    }
    Ok((latencies, not_aa))
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

async fn queued(store: &Store) -> Result<(i64, i64), Error> {
    let c = store.queue_counts().await?;
    Ok((c.queued + c.processing, c.done + c.quarantined))
}

/// Opens the store: SQLite in `dir`, or with `--db postgres://…` a fresh
/// schema there (returned so it can be dropped afterwards).
async fn open(dir: &Path, db: Option<&str>) -> Result<(Store, Option<String>), Error> {
    let Some(url) = db else {
        return Ok((Store::open_sqlite(dir).await?, None));
    };
    let schema = format!(
        "sw_load_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_micros()
    );
    let mut admin = PgConnection::connect(url).await?;
    sqlx::query(&format!("CREATE SCHEMA {schema}"))
        .execute(&mut admin)
        .await?;
    let sep = if url.contains('?') { '&' } else { '?' };
    let store = Store::open_url(&format!("{url}{sep}options=-csearch_path%3D{schema}")).await?;
    Ok((store, Some(schema)))
}

async fn one(run: Run, dir: &Path, db: Option<&str>) -> Result<Report, Error> {
    let (store, schema) = open(dir, db).await?;
    let (committer, committer_task) = GroupCommitter::spawn(store.clone(), GroupConfig::default());
    let (stop, shutdown) = tokio::sync::watch::channel(false);
    let mut cfg = MllpConfig::new("127.0.0.1:0".parse()?, "load");
    cfg.max_connections = run.connections.max(1);
    let listener = mllp::spawn(cfg, Arc::new(committer), shutdown.clone()).await?;
    let addr = listener.local_addr();
    let workers = if run.workers > 0 {
        let ctx = Arc::new(Context {
            store: store.clone(),
            screener: Screener::new(None, ScreenConfig::default())?,
            keyer: PatientKeyer::from_key_file(&dir.join("patient-key"))?,
            kinds: SampleKinds::default(),
            config_hash: "load-test".to_owned(),
        });
        spawn_workers(
            ctx,
            WorkerConfig {
                workers: run.workers,
                retry_after: Duration::from_secs(5),
                idle_poll: Duration::from_millis(50),
            },
            shutdown.clone(),
        )
    } else {
        Vec::new()
    };

    let t0 = Instant::now();
    let clients: Vec<_> = (0..run.connections)
        .map(|c| tokio::spawn(client(addr, c, run.messages)))
        .collect();
    let mut all = Vec::with_capacity(run.connections * run.messages);
    let mut not_aa = 0;
    for c in clients {
        let (lat, bad) = c.await??;
        all.extend(lat);
        not_aa += bad;
    }
    let elapsed = t0.elapsed();
    let (mut processed_during, mut drain) = (0, None);
    if run.workers > 0 {
        processed_during = queued(&store).await?.1;
        let t1 = Instant::now();
        loop {
            let (waiting, _) = queued(&store).await?;
            if waiting == 0 {
                break;
            }
            if t1.elapsed() > Duration::from_secs(600) {
                return Err("the queue did not drain in 10 minutes".into());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        drain = Some(t1.elapsed());
    }
    let _ = stop.send(true);
    listener.join().await;
    for w in workers {
        let _ = w.await;
    }
    let _ = committer_task.await;
    store.close().await;
    if let (Some(url), Some(schema)) = (db, schema) {
        let mut admin = PgConnection::connect(url).await?;
        sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
            .execute(&mut admin)
            .await?;
    }

    all.sort_unstable();
    Ok(Report {
        run,
        total: all.len(),
        elapsed,
        p50: percentile(&all, 0.50),
        p99: percentile(&all, 0.99),
        max: all.last().copied().unwrap_or_default(),
        not_aa,
        processed_during,
        drain,
    })
}

/// Command-line options besides the run.
#[derive(Debug, Default)]
struct Where {
    /// Base directory for the temp database directories.
    dir: Option<PathBuf>,
    /// A PostgreSQL URL instead of SQLite.
    db: Option<String>,
}

fn parse_args() -> Result<(Option<Run>, Where), Error> {
    let mut run = Run {
        connections: 0,
        messages: 1000,
        workers: 0,
    };
    let mut place = Where::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "-c" | "--connections" => run.connections = value()?.parse()?,
            "-m" | "--messages" => run.messages = value()?.parse()?,
            "-w" | "--workers" => run.workers = value()?.parse()?,
            "--dir" => place.dir = Some(PathBuf::from(value()?)),
            "--db" => place.db = Some(value()?),
            "-h" | "--help" => {
                println!("mllp_load [-c CONNECTIONS] [-m MESSAGES_PER_CONNECTION] [-w WORKERS] [--dir PATH] [--db postgres://…]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    Ok(((run.connections > 0).then_some(run), place))
}

async fn in_dir(run: Run, place: &Where) -> Result<Report, Error> {
    let tmp = match &place.dir {
        Some(b) => {
            std::fs::create_dir_all(b)?;
            tempfile::tempdir_in(b)?
        }
        None => tempfile::tempdir()?,
    };
    one(run, tmp.path(), place.db.as_deref()).await
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    let (single, base) = parse_args()?;
    if let Some(db) = &base.db {
        println!("database: PostgreSQL {db} (a fresh schema per run)");
    }
    if let Some(run) = single {
        in_dir(run, &base).await?.print();
        return Ok(());
    }
    let mut ok = true;
    for workers in [0, 2] {
        let r1 = in_dir(
            Run {
                connections: 1,
                messages: 1000,
                workers,
            },
            &base,
        )
        .await?;
        r1.print();
        let pass1 = r1.rate() >= 50.0 && r1.p99 <= Duration::from_millis(100) && r1.not_aa == 0;
        println!(
            "  bar 1 connection (>= 50 msg/s, p99 <= 100 ms): {}",
            verdict(pass1)
        );
        let r4 = in_dir(
            Run {
                connections: 4,
                messages: 2500,
                workers,
            },
            &base,
        )
        .await?;
        r4.print();
        let pass4 = r4.rate() >= 2000.0 && r4.not_aa == 0;
        println!("  bar 4 connections (>= 2000 msg/s): {}", verdict(pass4));
        ok &= pass1 && pass4;
    }
    if !ok {
        std::process::exit(1);
    }
    Ok(())
}

fn verdict(pass: bool) -> &'static str {
    if pass {
        "PASS"
    } else {
        "FAIL"
    }
}
