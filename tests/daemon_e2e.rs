//! End to end through the real binary: `synthwatch serve` on ephemeral ports,
//! HL7 over MLLP, ASTM over TCP, spectra and strip CSVs dropped in the inbox,
//! published results read back with `synthwatch results --json`; duplicates,
//! corrections with history, the canary patient never leaving the raw store,
//! and a clean exit on SIGTERM. Once on SQLite with human logs, once with
//! JSON debug logs, once on PostgreSQL (`SYNTHWATCH_TEST_PG`).

mod daemon_support;

use std::path::Path;
use std::time::Duration;

use daemon_support::*;
use synthwatch::store::Store;

const TOX_SAMPLE: &str = "LAB-2026-0412";
const EXPECTED: &[&str] = &[
    TOX_SAMPLE,
    "LAB-ACC-77",
    "SEIZ-2026-0042",
    "SEIZ-2026-0043",
    "synthetic-ei",
    "synthetic-esi",
    "SW-0001",
    "SW-0002",
    "SW-0003",
    "SW-0004",
    "SW-0005",
];
const KEYS: &[&str] = &[
    "sample",
    "kind",
    "source",
    "status",
    "class_flags",
    "summary",
    "evidential",
    "version",
];
/// Partnership tables: what partners may see. None may name the patient.
const PARTNERSHIP_TABLES: &[&str] = &["samples", "observations", "spectra", "findings", "results"];

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
}

fn flags(r: &serde_json::Value) -> Vec<String> {
    r["class_flags"]
        .as_array()
        .unwrap_or_else(|| panic!("class_flags is an array: {r}"))
        .iter()
        .map(|f| f.as_str().unwrap_or_default().to_owned())
        .collect()
}

/// Drop a file in the inbox atomically (written as `.part`, then renamed).
fn drop_in(inbox: &Path, fixture_rel: &str) {
    let src = fixture(fixture_rel);
    let name = src.file_name().expect("a file name").to_owned();
    let part = inbox.join(format!("{}.part", name.to_string_lossy()));
    std::fs::copy(&src, &part).expect("copy into inbox");
    std::fs::rename(&part, inbox.join(name)).expect("rename in inbox");
}

/// tox-named.hl7 corrected: new control id, the nitazene result corrected
/// (OBX-11 = C) to "Not detected"; same specimen (OBR-3).
fn corrected_tox(original: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(original.to_vec()).expect("ASCII fixture");
    let before = "OBX|2|ST|NITZ^Nitazene screen^L||Isotonitazene and N-desethyl isotonitazene detected||||||F";
    assert!(text.contains(before), "fixture changed: {text}");
    assert!(text.contains("|TOX-0001|"), "fixture changed: {text}");
    text.replace(
        before,
        "OBX|2|ST|NITZ^Nitazene screen^L||Not detected||||||C",
    )
    .replace("|TOX-0001|", "|TOX-0001C|")
    .into_bytes()
}

async fn count(store: &Store, sql: &str) -> i64 {
    if let Some(p) = store.sqlite_pool() {
        sqlx::query_scalar(sql).fetch_one(p).await.expect(sql)
    } else {
        sqlx::query_scalar(sql)
            .fetch_one(store.pg_pool().expect("a pool"))
            .await
            .expect(sql)
    }
}

async fn open(db: Option<&str>, dir: &Path) -> Store {
    match db {
        Some(url) => Store::open_url(url).await.expect("open the PG store"),
        None => Store::open_sqlite(dir)
            .await
            .expect("open the SQLite store"),
    }
}

fn scenario(db: Option<String>, log_json: bool) {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    let inbox = data.join("inbox");
    let mut store_args = s(&["--data-dir", &data.display().to_string()]);
    if let Some(url) = &db {
        store_args.extend(s(&["--db", url]));
    }
    let mut serve = store_args.clone();
    serve.extend(s(&[
        "--mllp",
        "127.0.0.1:0",
        "--astm-tcp",
        "127.0.0.1:0",
        "--inbox",
        &inbox.display().to_string(),
    ]));
    if log_json {
        // Debug level: the most the logs will ever say.
        let cfg = dir.path().join("serve.toml");
        std::fs::write(&cfg, "[log]\nlevel = \"debug\"\n").expect("config written");
        serve.extend(s(&["--config", &cfg.display().to_string(), "--log-json"]));
    }
    let daemon = Daemon::start(&serve, &["mllp", "astm_tcp", "folder"]);
    assert_eq!(daemon.listening["folder"], inbox.display().to_string());
    let mllp = daemon.addr("mllp");
    let astm = daemon.addr("astm_tcp");
    let rt = rt();
    let store = rt.block_on(open(db.as_deref(), &data));
    let mut evidence_of_output = String::new();

    // HL7 over MLLP: the named tox report from our client (ACK bytes kept)…
    let tox = hl7_messages(&fixture("hl7/tox-named.hl7"));
    assert_eq!(tox.len(), 1);
    let mut client = MllpClient::connect(mllp).expect("connect MLLP");
    let ack = client.send(&tox[0]).expect("ACK for tox-named");
    assert_eq!(ack_code(&ack), "AA", "{}", String::from_utf8_lossy(&ack));
    evidence_of_output.push_str(&String::from_utf8_lossy(&ack));
    // …and two-oru through `synthwatch simulate hl7`.
    let out = run(&s(&[
        "simulate",
        "hl7",
        "--tcp",
        &mllp.to_string(),
        &fixture("hl7/two-oru.mllp").display().to_string(),
    ]));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "simulate hl7: {said}");
    assert_eq!(said.trim(), "message 0: AA\nmessage 1: AA");

    // ASTM over TCP.
    let out = run(&s(&[
        "simulate",
        "astm",
        "--tcp",
        &astm.to_string(),
        &fixture("astm/live-line-capture.astm").display().to_string(),
    ]));
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "simulate astm: {said}");
    assert!(said.contains("delivered=2 failed=0"), "{said}");

    // Spectra and a strip-reader export in the inbox.
    drop_in(&inbox, "spectra/synthetic-ei.msp");
    drop_in(&inbox, "spectra/synthetic-esi.msp");
    drop_in(&inbox, "strips/strip-reader-export.csv");

    let rows = wait_for_samples(&store_args, EXPECTED, Duration::from_secs(60));
    for r in &rows {
        for k in KEYS {
            assert!(r.get(*k).is_some(), "key {k} missing: {r}");
        }
        assert_eq!(r["evidential"], false, "{r}");
        assert!(r["version"].as_i64().is_some_and(|v| v >= 1), "{r}");
        assert!(!r["summary"].as_str().unwrap_or_default().is_empty(), "{r}");
    }
    let latest = by_sample(&rows);
    let t = &latest[TOX_SAMPLE];
    assert_eq!(t["kind"], "clinical");
    assert_eq!(t["source"], "hl7");
    assert_eq!(t["status"], "final");
    assert_eq!(t["version"], 1);
    assert_eq!(flags(t), ["fentanyl", "nitazene"]);
    for spectra in ["synthetic-ei", "synthetic-esi"] {
        let r = &latest[spectra];
        assert_eq!(r["kind"], "seizure", "{r}");
        assert_eq!(r["source"], "inbox", "{r}");
        let f = flags(r);
        assert!(
            !f.is_empty(),
            "synthetic opioid spectra give class flags: {r}"
        );
        assert!(f.iter().all(|c| c == "fentanyl" || c == "nitazene"), "{r}");
    }
    assert_eq!(
        flags(&latest["SW-0001"]),
        ["fentanyl"],
        "positive fentanyl strip"
    );
    assert_eq!(latest["SW-0001"]["kind"], "drug_checking");
    assert_eq!(latest["SEIZ-2026-0042"]["source"], "astm");

    // A resend of the same bytes creates nothing new.
    let raw_before = rt.block_on(count(&store, "SELECT COUNT(*) FROM raw_messages"));
    let ack = client.send(&tox[0]).expect("ACK for the resend");
    assert_eq!(ack_code(&ack), "AA", "a duplicate is acknowledged");
    evidence_of_output.push_str(&String::from_utf8_lossy(&ack));
    let raw_after = rt.block_on(count(&store, "SELECT COUNT(*) FROM raw_messages"));
    assert_eq!(
        raw_before, raw_after,
        "a resend stored a second raw message"
    );
    assert_eq!(
        rt.block_on(count(&store, "SELECT COUNT(*) FROM processing_queue")),
        0,
        "a resend queued work"
    );
    let (hist, _) = results(&store_args, &["--history", "--sample", TOX_SAMPLE]);
    assert_eq!(hist.len(), 1, "a resend made a new version: {hist:?}");

    // A correction (OBX-11 = C, same specimen) becomes version 2; v1 is kept.
    let corrected = corrected_tox(&tox[0]);
    let ack = client.send(&corrected).expect("ACK for the correction");
    assert_eq!(ack_code(&ack), "AA");
    evidence_of_output.push_str(&String::from_utf8_lossy(&ack));
    let hist = poll(
        Duration::from_secs(30),
        "version 2 of the tox sample",
        || {
            let (hist, _) = results(&store_args, &["--history", "--sample", TOX_SAMPLE]);
            (hist.len() >= 2).then_some(hist)
        },
    );
    assert_eq!(hist.len(), 2, "{hist:?}");
    let mut versions: Vec<i64> = hist.iter().filter_map(|r| r["version"].as_i64()).collect();
    versions.sort_unstable();
    assert_eq!(versions, [1, 2]);
    let v = |n: i64| hist.iter().find(|r| r["version"] == n).expect("version");
    assert_eq!(
        flags(v(1)),
        ["fentanyl", "nitazene"],
        "history kept as published"
    );
    assert_eq!(
        flags(v(2)),
        ["fentanyl"],
        "the correction removed the nitazene"
    );
    let (latest_only, _) = results(&store_args, &["--sample", TOX_SAMPLE]);
    assert_eq!(latest_only.len(), 1);
    assert_eq!(latest_only[0]["version"], 2);
    assert_eq!(
        rt.block_on(count(
            &store,
            "SELECT COUNT(*) FROM observations WHERE test_code = 'NITZ' AND version = 2 AND corrected"
        )),
        1,
        "the corrected observation is version 2 of NITZ and marked corrected"
    );

    // What partners and operators see must not name the patient.
    let (_, all_text) = results(&store_args, &["--history"]);
    evidence_of_output.push_str(&all_text);
    let q = quarantine_list(&store_args);
    assert!(q.trim().is_empty(), "nothing should be quarantined: {q}");
    drop(client);
    let (status, stdout, stderr) = daemon.terminate();
    assert!(
        status.success(),
        "serve did not exit cleanly: {status}\n{stderr}"
    );
    assert!(stderr.contains("stopping"), "no shutdown log: {stderr}");
    if log_json {
        for line in stderr.lines().filter(|l| !l.trim().is_empty()) {
            serde_json::from_str::<serde_json::Value>(line)
                .unwrap_or_else(|e| panic!("--log-json line is not JSON ({e}): {line}"));
        }
    }
    assert_no_canary("ACK bytes", &evidence_of_output);
    assert_no_canary("results --json", &all_text);
    assert_no_canary("quarantine list", &q);
    assert_no_canary("serve stdout", &stdout);
    assert_no_canary("serve stderr", &stderr);
    let dump = rt.block_on(dump_tables(&store, PARTNERSHIP_TABLES));
    assert!(
        dump.contains(TOX_SAMPLE),
        "the dump read the tables: {dump}"
    );
    assert_no_canary("partnership tables", &dump);
    // The raw store does keep the message as received (that is its job) —
    // and this doubles as a check that the dump and the needles would see it.
    if store.sqlite_pool().is_some() {
        let raw = rt.block_on(dump_tables(&store, &["raw_messages"]));
        assert!(
            raw.to_lowercase().contains("canary-999"),
            "positive control failed"
        );
    }
    assert!(
        rt.block_on(count(&store, "SELECT COUNT(*) FROM raw_messages")) >= 5,
        "raw messages kept"
    );
    rt.block_on(store.close());
}

#[test]
fn e2e_sqlite() {
    scenario(None, false);
}

#[test]
fn e2e_sqlite_json_debug_logs() {
    scenario(None, true);
}

fn pg_required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty())
        || std::env::var("SYNTHWATCH_REQUIRE_PG").is_ok_and(|v| v == "1")
}

/// A schema of its own on the test server, dropped afterwards.
struct PgSchema {
    base: String,
    name: String,
}

impl PgSchema {
    fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.base, self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        use sqlx::Connection;
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        let dropped = rt().block_on(async {
            let mut c = sqlx::PgConnection::connect(&self.base).await.ok()?;
            sqlx::query(&sql).execute(&mut c).await.ok()
        });
        if dropped.is_none() {
            eprintln!("warning: could not drop test schema {}", self.name);
        }
    }
}

#[test]
fn e2e_postgres() {
    use sqlx::Connection;
    let Some(base) = std::env::var("SYNTHWATCH_TEST_PG")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        assert!(
            !pg_required(),
            "SYNTHWATCH_TEST_PG is required (CI / SYNTHWATCH_REQUIRE_PG)"
        );
        eprintln!("skipped: SYNTHWATCH_TEST_PG is not set");
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let schema = PgSchema {
        base: base.clone(),
        name: format!("sw_daemon_{}_{nanos}", std::process::id()),
    };
    let created = rt().block_on(async {
        let mut c = sqlx::PgConnection::connect(&base).await?;
        sqlx::query(&format!("CREATE SCHEMA {}", schema.name))
            .execute(&mut c)
            .await
    });
    if let Err(e) = created {
        assert!(!pg_required(), "PostgreSQL at SYNTHWATCH_TEST_PG: {e}");
        eprintln!("skipped: PostgreSQL unavailable: {e}");
        return;
    }
    scenario(Some(schema.url()), false);
}
