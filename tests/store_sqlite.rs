//! The store on embedded SQLite: durability settings, the shared scenarios,
//! disk-full behaviour, group commit, and the patient key file.

#[path = "store_scenarios/mod.rs"]
mod scenarios;

use std::time::{Duration, Instant};

use scenarios::msg;
use synthwatch::ingest::{RawSink, SinkError};
use synthwatch::store::{
    GroupCommitter, GroupConfig, KeyError, PatientKeyer, RawState, Store, StoreError, StoreOptions,
    SQLITE_FILE,
};

async fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(&dir.path().join("data")).await.unwrap();
    (dir, store)
}

#[tokio::test]
async fn opens_with_wal_full_sync_and_foreign_keys_on_every_connection() {
    let (dir, store) = fresh().await;
    assert!(dir.path().join("data").join(SQLITE_FILE).is_file());
    let pool = store.sqlite_pool().unwrap();
    // Hold four connections at once so each pooled connection is checked.
    let mut conns = Vec::new();
    for _ in 0..4 {
        conns.push(pool.acquire().await.unwrap());
    }
    for conn in &mut conns {
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!((journal.as_str(), sync, fk), ("wal", 2, 1));
    }
}

#[tokio::test]
async fn a_database_that_cannot_do_wal_is_refused_at_start_up() {
    // An in-memory database reports journal_mode "memory" whatever is asked.
    let err = Store::open_url("sqlite::memory:").await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Pragma { pragma: "journal_mode", found, .. } if found == "memory"),
        "{err}"
    );
}

#[tokio::test]
async fn open_url_accepts_sqlite_and_rejects_other_schemes() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("x.db").display());
    let store = Store::open_url(&url).await.unwrap();
    store.commit(msg("s", b"b")).await.unwrap();
    assert!(matches!(
        Store::open_url("mysql://x").await,
        Err(StoreError::UnsupportedUrl)
    ));
}

#[tokio::test]
async fn idempotent_commit() {
    let (_dir, store) = fresh().await;
    scenarios::idempotent_commit(&store).await;
}

#[tokio::test]
async fn queue_lifecycle() {
    let (_dir, store) = fresh().await;
    scenarios::queue_lifecycle(&store).await;
}

#[tokio::test]
async fn crash_recovery() {
    let (_dir, store) = fresh().await;
    scenarios::crash_recovery(&store).await;
}

#[tokio::test]
async fn crash_loop_quarantined() {
    let (_dir, store) = fresh().await;
    scenarios::crash_loop_quarantined(&store).await;
}

#[tokio::test]
async fn unit_of_work() {
    let (_dir, store) = fresh().await;
    scenarios::unit_of_work(&store).await;
}

#[tokio::test]
async fn crash_recovery_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(dir.path()).await.unwrap();
    let id = store.commit(msg("s", b"survives")).await.unwrap().id;
    store.claim_next("w").await.unwrap().unwrap();
    store.close().await;
    drop(store);

    let store = Store::open_sqlite(dir.path()).await.unwrap();
    assert_eq!(
        store.raw_message(id).await.unwrap().unwrap().state,
        RawState::Processing
    );
    assert_eq!(store.requeue_stale_processing().await.unwrap().requeued, 1);
    let again = store.claim_next("w").await.unwrap().unwrap();
    assert_eq!((again.id, again.bytes.as_slice()), (id, &b"survives"[..]));
}

#[tokio::test]
async fn concurrent_claims() {
    let (_dir, store) = fresh().await;
    scenarios::concurrent_claims(&store).await;
}

#[tokio::test]
async fn publish_versioning() {
    let (_dir, store) = fresh().await;
    scenarios::publish_versioning(&store).await;
}

#[tokio::test]
async fn evidential_cannot_be_true() {
    let (_dir, store) = fresh().await;
    let sample = scenarios::sample_for_check(&store).await;
    let result = sqlx::query(scenarios::EVIDENTIAL_INSERT)
        .bind(sample)
        .execute(store.sqlite_pool().unwrap())
        .await;
    scenarios::assert_check_violation(result);
}

/// Nothing is acknowledged that was not stored: with the database capped,
/// every `Ok` is readable afterwards (also after reopening) and every
/// failure left nothing behind.
#[tokio::test]
async fn disk_full_never_acknowledges_unstored_messages() {
    let dir = tempfile::tempdir().unwrap();
    let options = StoreOptions {
        max_connections: 1,
        ..StoreOptions::default()
    };
    let store = Store::open_sqlite_with(dir.path(), &options).await.unwrap();
    let pool = store.sqlite_pool().unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(pool)
        .await
        .unwrap();
    sqlx::query(&format!("PRAGMA max_page_count = {}", pages + 12))
        .execute(pool)
        .await
        .unwrap();

    let body =
        |i: usize| -> Vec<u8> { (0..3000).map(|j| ((i * 31 + j * 7) % 251) as u8).collect() };
    let mut outcomes = Vec::new();
    let mut failures = 0;
    let mut i = 0;
    // Single commits and batches (exercising the one-by-one fallback), until
    // storage has refused a good number of them.
    while failures < 12 && i < 400 {
        let batch: Vec<_> = (i..i + 1 + i % 3).map(|k| msg("lab", &body(k))).collect();
        let bytes: Vec<_> = batch.iter().map(|m| m.bytes.clone()).collect();
        i += batch.len();
        for (b, r) in bytes.into_iter().zip(store.commit_batch(batch).await) {
            if let Err(e) = &r {
                assert!(matches!(e, SinkError::Storage(_)), "{e:?}");
                failures += 1;
            }
            outcomes.push((b, r));
        }
    }
    let stored = outcomes.iter().filter(|(_, r)| r.is_ok()).count();
    eprintln!("disk full: {stored} acknowledged, {failures} refused");
    assert!(stored > 0, "some messages must fit");
    assert!(failures > 0, "the page cap must have been hit");

    let check = |store: Store, outcomes: &[(Vec<u8>, Result<_, SinkError>)]| {
        let outcomes: Vec<(Vec<u8>, Option<i64>)> = outcomes
            .iter()
            .map(
                |(b, r): &(Vec<u8>, Result<synthwatch::ingest::Committed, SinkError>)| {
                    (b.clone(), r.as_ref().ok().map(|c| c.id))
                },
            )
            .collect();
        async move {
            for (bytes, id) in outcomes {
                match id {
                    Some(id) => {
                        let raw = store
                            .raw_message(id)
                            .await
                            .unwrap()
                            .expect("acknowledged row");
                        assert_eq!(raw.bytes, bytes);
                    }
                    None => assert_eq!(store.find_raw("lab", &bytes).await.unwrap(), None),
                }
            }
        }
    };
    check(store.clone(), &outcomes).await;
    store.close().await;
    let reopened = Store::open_sqlite(dir.path()).await.unwrap();
    check(reopened, &outcomes).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_committer_acknowledges_after_commit_and_dedups() {
    let (_dir, store) = fresh().await;
    let (committer, handle) = GroupCommitter::spawn(store.clone(), GroupConfig::default());
    let (rate, ids) = pump(&committer, 4, 250).await;
    eprintln!("group commit (debug build): {rate:.0} msg/s");
    assert_eq!(ids.len(), 1000);
    // Resending is acknowledged as a duplicate of the stored row.
    let again = committer.commit(msg("src0", b"msg-0-0")).await.unwrap();
    assert!(again.duplicate);
    let counts = store.queue_counts().await.unwrap();
    assert_eq!(
        (counts.queued, counts.processing, counts.done),
        (1000, 0, 0)
    );
    drop(committer);
    handle.await.unwrap();
}

/// Issue 5 target: ≥ 2,000 msg/s from concurrent adapters. Timing-dependent,
/// so opt-in: `cargo test --release --test store_sqlite -- --ignored`.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore]
async fn group_commit_throughput() {
    // Four adapters with one message in flight each: the issue 5 setting.
    let (_dir, store) = fresh().await;
    let (committer, _handle) = GroupCommitter::spawn(store, GroupConfig::default());
    let (rate, ids) = pump(&committer, 4, 2000).await;
    eprintln!("group commit, 4 adapters: {rate:.0} msg/s");
    assert_eq!(ids.len(), 8000);
    assert!(rate >= 2000.0, "{rate:.0} msg/s");
}

/// Sends `per_task` messages from each of `tasks` concurrent adapters;
/// returns (messages per second, distinct ids).
async fn pump(committer: &GroupCommitter, tasks: usize, per_task: usize) -> (f64, Vec<i64>) {
    let start = Instant::now();
    let mut joins = Vec::new();
    for t in 0..tasks {
        let c = committer.clone();
        joins.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in 0..per_task {
                let body = format!("msg-{t}-{i}");
                let m = msg(&format!("src{t}"), body.as_bytes());
                let done = c.commit(m).await.unwrap();
                assert!(!done.duplicate);
                ids.push(done.id);
            }
            ids
        }));
    }
    let mut ids = Vec::new();
    for j in joins {
        ids.extend(j.await.unwrap());
    }
    let rate = ids.len() as f64 / start.elapsed().as_secs_f64();
    ids.sort_unstable();
    ids.dedup();
    (rate, ids)
}

#[test]
fn key_file_is_created_private_and_stable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys").join("patient.key");
    let keyer = PatientKeyer::from_key_file(&path).unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    let k = keyer.key("943 476 5919");
    assert_eq!(k.len(), 64);
    assert!(k.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(k, keyer.key(" 9434765919 "));
    // Reloading gives the same keys; another key file gives different ones.
    assert_eq!(
        PatientKeyer::from_key_file(&path)
            .unwrap()
            .key("9434765919"),
        k
    );
    let other = PatientKeyer::from_key_file(&dir.path().join("other.key")).unwrap();
    assert_ne!(other.key("9434765919"), k);
    // The key file holds the secret, never the identifier or its key.
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(&k));
    assert_eq!(text.trim().len(), 64);
}

#[test]
fn key_file_with_loose_permissions_or_bad_content_is_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("k");
    std::fs::write(&path, "ab".repeat(32)).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert!(matches!(
        PatientKeyer::from_key_file(&path),
        Err(KeyError::Permissions(_))
    ));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    assert!(PatientKeyer::from_key_file(&path).is_ok());
    std::fs::write(&path, "abcd").unwrap();
    assert!(matches!(
        PatientKeyer::from_key_file(&path),
        Err(KeyError::Malformed(_))
    ));
    std::fs::write(&path, "zz".repeat(32)).unwrap();
    assert!(matches!(
        PatientKeyer::from_key_file(&path),
        Err(KeyError::Malformed(_))
    ));
}

#[tokio::test]
async fn retry_is_not_due_before_its_time() {
    let (_dir, store) = fresh().await;
    let id = store.commit(msg("s", b"x")).await.unwrap().id;
    store.claim_next("w").await.unwrap().unwrap();
    store
        .mark_failed(
            id,
            synthwatch::store::Stage::Match,
            "library busy",
            Duration::from_millis(300),
        )
        .await
        .unwrap();
    assert!(store.claim_next("w").await.unwrap().is_none());
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert_eq!(store.claim_next("w").await.unwrap().unwrap().id, id);
}
