//! Store behaviour shared by `store_sqlite.rs` and `store_pg.rs`: each
//! scenario takes a freshly opened, empty [`Store`] of either dialect.
//! (Built alone as a test target too; it has no tests of its own.)
#![allow(dead_code)]

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use synthwatch::ingest::{RawMessage, RawSink, Transport};
use synthwatch::store::{
    FailOutcome, FindingKind, NewFinding, NewObservation, NewSample, NewSpectrum, PublishedResult,
    QuarantineInput, RawState, ResultFilter, ResultStatus, SampleKind, SampleRef, Stage, Store,
    StoreError,
};

/// A raw message from `source` with `bytes`.
pub fn msg(source: &str, bytes: &[u8]) -> RawMessage {
    RawMessage {
        source: source.to_owned(),
        transport: Transport::Mllp,
        received_at: SystemTime::now(),
        file_name: None,
        bytes: bytes.to_vec(),
    }
}

/// Same source + bytes is a duplicate of the first; another source is not.
pub async fn idempotent_commit(store: &Store) {
    let a = store.commit(msg("lab-a", b"MSH|1")).await.unwrap();
    assert!(!a.duplicate);
    let again = store.commit(msg("lab-a", b"MSH|1")).await.unwrap();
    assert_eq!(again.id, a.id);
    assert!(again.duplicate);
    let other = store.commit(msg("lab-b", b"MSH|1")).await.unwrap();
    assert!(!other.duplicate);
    assert_ne!(other.id, a.id);

    let stored = store.raw_message(a.id).await.unwrap().unwrap();
    assert_eq!(stored.bytes, b"MSH|1");
    assert_eq!(stored.source, "lab-a");
    assert_eq!(stored.transport, "mllp");
    assert_eq!(stored.state, RawState::Queued);
    assert_eq!(stored.sha256.len(), 64);
    assert_eq!(
        store.find_raw("lab-b", b"MSH|1").await.unwrap(),
        Some(other.id)
    );
    assert_eq!(store.find_raw("lab-c", b"MSH|1").await.unwrap(), None);
    store.set_control_id(a.id, "CTRL1").await.unwrap();
    let stored = store.raw_message(a.id).await.unwrap().unwrap();
    assert_eq!(stored.control_id.as_deref(), Some("CTRL1"));

    // A batch with an internal duplicate: one row, the second flagged.
    let batch = store
        .commit_batch(vec![
            msg("lab-a", b"X"),
            msg("lab-a", b"X"),
            msg("lab-a", b"MSH|1"),
        ])
        .await;
    let batch: Vec<_> = batch.into_iter().map(Result::unwrap).collect();
    assert!(!batch[0].duplicate);
    assert_eq!(batch[1].id, batch[0].id);
    assert!(batch[1].duplicate);
    assert_eq!(batch[2].id, a.id);
    assert!(batch[2].duplicate);
    assert_eq!(store.queue_counts().await.unwrap().queued, 3);
}

/// Claim, done, fail with retry, fail to quarantine, list, replay.
pub async fn queue_lifecycle(store: &Store) {
    let first = store.commit(msg("astm", b"one")).await.unwrap().id;
    let second = store.commit(msg("astm", b"two")).await.unwrap().id;

    let c1 = store.claim_next("w1").await.unwrap().unwrap();
    assert_eq!(
        (c1.id, c1.bytes.as_slice(), c1.attempts),
        (first, &b"one"[..], 0)
    );
    assert_eq!(c1.source, "astm");
    let c2 = store.claim_next("w2").await.unwrap().unwrap();
    assert_eq!(c2.id, second);
    assert!(store.claim_next("w3").await.unwrap().is_none());

    store.mark_done(first).await.unwrap();
    assert_eq!(
        store.raw_message(first).await.unwrap().unwrap().state,
        RawState::Done
    );
    assert!(matches!(
        store.mark_done(first).await,
        Err(StoreError::NotFound { .. })
    ));

    // A retry due in an hour is not claimable now.
    let out = store
        .mark_failed(second, Stage::Parse, "bad", Duration::from_secs(3600))
        .await;
    assert_eq!(out.unwrap(), FailOutcome::Retrying { attempts: 1 });
    assert!(store.claim_next("w1").await.unwrap().is_none());

    let third = store.commit(msg("astm", b"three")).await.unwrap().id;
    let mut outcome = None;
    for attempt in 0..5 {
        let c = store.claim_next("w1").await.unwrap().unwrap();
        assert_eq!(c.id, third);
        assert_eq!(c.attempts, attempt);
        let o = store
            .mark_failed(third, Stage::Normalize, "no OBR", Duration::ZERO)
            .await
            .unwrap();
        outcome = Some(o);
    }
    let Some(FailOutcome::Quarantined { quarantine_id }) = outcome else {
        panic!("expected quarantine after 5 attempts, got {outcome:?}");
    };
    let raw = store.raw_message(third).await.unwrap().unwrap();
    assert_eq!(raw.state, RawState::Quarantined);
    assert_eq!(raw.attempts, 5);
    assert_eq!(raw.last_error.as_deref(), Some("no OBR"));
    assert!(store.claim_next("w1").await.unwrap().is_none());

    let list = store.list_quarantine().await.unwrap();
    assert_eq!(list.len(), 1);
    let entry = &list[0];
    assert_eq!(entry.id, quarantine_id);
    assert_eq!(entry.raw_message_id, Some(third));
    assert_eq!(entry.byte_len, 5);
    assert_eq!(entry.sha256, raw.sha256);
    assert_eq!(entry.stage, Stage::Normalize);
    assert_eq!(entry.reason, "no OBR");
    assert!(entry.replayed_at.is_none());

    assert_eq!(store.replay(quarantine_id).await.unwrap(), third);
    let c = store.claim_next("w1").await.unwrap().unwrap();
    assert_eq!((c.id, c.attempts), (third, 0));
    store.mark_done(third).await.unwrap();
    let entry = &store.list_quarantine().await.unwrap()[0];
    assert!(entry.replayed_at.is_some());

    // Adapter-level rejects keep their bytes but cannot be replayed.
    let q = store
        .quarantine(
            QuarantineInput::Bytes {
                source: Some("astm".into()),
                bytes: b"\x02garbage".to_vec(),
            },
            Stage::Adapter,
            "bad checksum",
        )
        .await
        .unwrap();
    assert!(matches!(store.replay(q).await, Err(StoreError::NotReplayable(id)) if id == q));
    assert!(matches!(
        store.replay(q + 1000).await,
        Err(StoreError::NotFound { .. })
    ));

    // Direct quarantine of a queued raw message takes it off the queue.
    let fourth = store.commit(msg("astm", b"four")).await.unwrap().id;
    store
        .quarantine(QuarantineInput::Raw(fourth), Stage::Parse, "not ASTM")
        .await
        .unwrap();
    assert!(store.claim_next("w1").await.unwrap().is_none());
    let all = store.list_quarantine().await.unwrap();
    assert_eq!(all.len(), 3);
    // Pages: newest first, continuing below the last id shown.
    let page = store.list_quarantine_page(None, 2).await.unwrap();
    assert_eq!(page, all[..2].to_vec());
    let next = store
        .list_quarantine_page(Some(page[1].id), 2)
        .await
        .unwrap();
    assert_eq!(next, all[2..].to_vec());
}

/// Messages left `processing` by a crash go back to the queue.
pub async fn crash_recovery(store: &Store) {
    let id = store.commit(msg("folder", b"file")).await.unwrap().id;
    assert_eq!(store.claim_next("w1").await.unwrap().unwrap().id, id);
    // "Crash": the worker never reports back.
    assert_eq!(store.requeue_stale_processing().await.unwrap().requeued, 1);
    assert_eq!(
        store.raw_message(id).await.unwrap().unwrap().state,
        RawState::Queued
    );
    assert_eq!(store.claim_next("w2").await.unwrap().unwrap().id, id);
    store.mark_done(id).await.unwrap();
    assert_eq!(store.requeue_stale_processing().await.unwrap().requeued, 0);
}

/// A message in hand at every allowed attempt when the process died goes to
/// the quarantine instead of being retried for ever.
pub async fn crash_loop_quarantined(store: &Store) {
    let max_attempts = synthwatch::store::StoreOptions::default().max_attempts;
    let id = store.commit(msg("mllp", b"poison")).await.unwrap().id;
    for attempt in 1..=max_attempts {
        assert_eq!(store.claim_next("w1").await.unwrap().unwrap().id, id);
        let recovered = store.requeue_stale_processing().await.unwrap();
        let raw = store.raw_message(id).await.unwrap().unwrap();
        assert_eq!(raw.attempts, attempt);
        if attempt < max_attempts {
            assert_eq!((recovered.requeued, recovered.quarantined.len()), (1, 0));
            assert_eq!(raw.state, RawState::Queued);
        } else {
            assert_eq!((recovered.requeued, recovered.quarantined.len()), (0, 1));
            assert_eq!(raw.state, RawState::Quarantined);
            let entry = store.list_quarantine().await.unwrap();
            let entry = entry.iter().find(|e| e.raw_message_id == Some(id)).unwrap();
            assert!(entry.reason.contains("interrupted"), "{}", entry.reason);
        }
    }
    assert!(store.claim_next("w1").await.unwrap().is_none());
    // Replay after the fix puts it back.
    let q = store.list_quarantine().await.unwrap();
    let q = q.iter().find(|e| e.raw_message_id == Some(id)).unwrap().id;
    store.replay(q).await.unwrap();
    assert_eq!(store.claim_next("w1").await.unwrap().unwrap().id, id);
}

/// Writes through a unit of work that is dropped uncommitted leave nothing,
/// and a committed unit with `mark_done` finishes the message.
pub async fn unit_of_work(store: &Store) {
    let raw = store.commit(msg("lab", b"unit")).await.unwrap().id;
    assert_eq!(store.claim_next("w1").await.unwrap().unwrap().id, raw);
    let sample = NewSample {
        reference: clinical("UNIT1"),
        source: "lab".into(),
        patient_key: None,
    };
    let obs = |sample_id| NewObservation {
        sample_id,
        raw_message_id: Some(raw),
        test_code: "FENT".into(),
        value: Some("POS".into()),
        ..Default::default()
    };
    {
        let mut unit = store.begin().await.unwrap();
        let id = unit.upsert_sample(&sample).await.unwrap();
        unit.insert_observation(&obs(id)).await.unwrap();
        unit.mark_done(raw, None, None).await.unwrap();
        // Dropped here: a crash before commit.
    }
    let filter = ResultFilter {
        sample: Some(clinical("UNIT1")),
        ..Default::default()
    };
    assert_eq!(
        store.raw_message(raw).await.unwrap().unwrap().state,
        RawState::Processing
    );
    let mut unit = store.begin().await.unwrap();
    let id = unit.upsert_sample(&sample).await.unwrap();
    // The dropped unit's observation is gone: this one is version 1.
    assert_eq!(unit.insert_observation(&obs(id)).await.unwrap().1, 1);
    let result = PublishedResult {
        status: ResultStatus::Final,
        summary: "Fentanyl reported.".into(),
        caveats: vec![],
        class_flags: vec!["fentanyl".into()],
    };
    unit.publish_result(id, &result).await.unwrap();
    // Done, but read only in part: the note stays as the message's last error.
    let note = "read in part: 1 part(s) not read; first: record 3 ends early";
    unit.mark_done(raw, Some("CTRL-7"), Some(note))
        .await
        .unwrap();
    // Not visible to others before the commit.
    assert!(store.results(&filter).await.unwrap().is_empty());
    unit.commit().await.unwrap();
    assert_eq!(store.results(&filter).await.unwrap().len(), 1);
    let done = store.raw_message(raw).await.unwrap().unwrap();
    assert_eq!(done.state, RawState::Done);
    assert_eq!(done.control_id.as_deref(), Some("CTRL-7"));
    assert_eq!(done.last_error.as_deref(), Some(note));
    assert_eq!(
        store.read_in_part_note(raw).await.unwrap().as_deref(),
        Some(note)
    );
}

/// Concurrent workers never get the same message.
pub async fn concurrent_claims(store: &Store) {
    let n = 60;
    for i in 0..n {
        store
            .commit(msg("mllp", format!("m{i}").as_bytes()))
            .await
            .unwrap();
    }
    let mut tasks = Vec::new();
    for w in 0..4 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            while let Some(m) = store.claim_next(&format!("w{w}")).await.unwrap() {
                store.mark_done(m.id).await.unwrap();
                got.push(m.id);
            }
            got
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let unique: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), n);
    assert_eq!(unique.len(), n);
}

fn clinical(reference: &str) -> SampleRef {
    SampleRef {
        kind: SampleKind::Clinical,
        reference: reference.into(),
    }
}

/// Samples, derived rows, and versioned idempotent publication.
pub async fn publish_versioning(store: &Store) {
    let raw = store.commit(msg("lab", b"ORU")).await.unwrap().id;
    let key = "a".repeat(64);
    let new = NewSample {
        reference: clinical("ACC1"),
        source: "lab".into(),
        patient_key: None,
    };
    let sample = store.upsert_sample(&new).await.unwrap();
    let keyed = NewSample {
        patient_key: Some(key),
        ..new.clone()
    };
    assert_eq!(store.upsert_sample(&keyed).await.unwrap(), sample);
    let seizure = NewSample {
        reference: SampleRef {
            kind: SampleKind::Seizure,
            reference: "ACC1".into(),
        },
        source: "police".into(),
        patient_key: None,
    };
    assert_ne!(store.upsert_sample(&seizure).await.unwrap(), sample);
    let bad = NewSample {
        patient_key: Some("943 476 5919".into()),
        ..new.clone()
    };
    assert!(matches!(
        store.upsert_sample(&bad).await,
        Err(StoreError::Invalid(_))
    ));

    let obs = NewObservation {
        sample_id: sample,
        raw_message_id: Some(raw),
        test_code: "NITZ".into(),
        value: Some("POS".into()),
        ..Default::default()
    };
    assert_eq!(store.insert_observation(&obs).await.unwrap().1, 1);
    let corrected = NewObservation {
        corrected: true,
        value: Some("NEG".into()),
        ..obs.clone()
    };
    assert_eq!(store.insert_observation(&corrected).await.unwrap().1, 2);
    // Spectrum and finding in one unit of work, as a worker writes them.
    let mut unit = store.begin().await.unwrap();
    let spectrum = unit
        .insert_spectrum(&NewSpectrum {
            sample_id: sample,
            raw_message_id: Some(raw),
            index: 0,
            title: Some("scan 1".into()),
            precursor_mz: Some(383.2),
            peaks: vec![(100.0, 1.0), (200.0, 0.5)],
        })
        .await
        .unwrap();
    unit.insert_finding(&NewFinding {
        sample_id: sample,
        spectrum_id: Some(spectrum),
        raw_message_id: None,
        kind: FindingKind::LibraryHit,
        evidence: serde_json::json!({"match_factor": 912}),
        engine_version: "0.1.0".into(),
        library_version: Some("lib-1".into()),
        config_hash: "abc".into(),
    })
    .await
    .unwrap();
    unit.commit().await.unwrap();
    // Reprocessing clears what the raw message produced: 2 obs + spectrum + finding.
    assert_eq!(store.forget_derived(raw).await.unwrap(), 4);

    let r1 = PublishedResult {
        status: ResultStatus::Preliminary,
        summary: "Nitazene class suspected.".into(),
        caveats: vec!["Screening only.".into()],
        class_flags: vec!["nitazene".into()],
    };
    let p1 = store.publish_result(sample, &r1).await.unwrap();
    assert_eq!((p1.version, p1.new), (1, true));
    let again = store.publish_result(sample, &r1).await.unwrap();
    assert_eq!((again.version, again.new), (1, false));
    let r2 = PublishedResult {
        status: ResultStatus::Final,
        ..r1.clone()
    };
    assert_eq!(store.publish_result(sample, &r2).await.unwrap().version, 2);
    assert_eq!(store.publish_result(sample, &r2).await.unwrap().version, 2);

    let filter = ResultFilter {
        sample: Some(clinical("ACC1")),
        ..Default::default()
    };
    let rows = store.results(&filter).await.unwrap();
    assert_eq!(
        rows.iter().map(|r| r.version).collect::<Vec<_>>(),
        vec![1, 2]
    );
    let row = &rows[1];
    assert_eq!(row.sample, clinical("ACC1"));
    assert_eq!(row.source, "lab");
    assert_eq!(row.status, ResultStatus::Final);
    assert_eq!(row.class_flags, vec!["nitazene".to_owned()]);
    assert_eq!(row.caveats, vec!["Screening only.".to_owned()]);
    assert!(!row.evidential);
    assert_eq!(
        row.marking,
        "Non-evidential indication — not for use as evidence"
    );

    let latest = ResultFilter {
        latest_only: true,
        ..filter.clone()
    };
    assert_eq!(store.results(&latest).await.unwrap().len(), 1);
    let future = ResultFilter {
        since: Some(time::OffsetDateTime::now_utc() + time::Duration::hours(1)),
        ..Default::default()
    };
    assert!(store.results(&future).await.unwrap().is_empty());
    let other = ResultFilter {
        sample: Some(clinical("ACC2")),
        ..Default::default()
    };
    assert!(store.results(&other).await.unwrap().is_empty());
    assert_eq!(
        store.results(&ResultFilter::default()).await.unwrap().len(),
        2
    );
}

/// Raw SQL trying to mark a result evidential, which the CHECK must refuse.
pub const EVIDENTIAL_INSERT: &str = "INSERT INTO results (sample_id, version, status, summary, \
     evidential, published_at) VALUES ($1, 99, 'final', 'x', true, '2026-01-01T00:00:00.000000Z')";

/// A sample to hang the evidential attempt on.
pub async fn sample_for_check(store: &Store) -> i64 {
    let new = NewSample {
        reference: clinical("CHK"),
        source: "lab".into(),
        patient_key: None,
    };
    store.upsert_sample(&new).await.unwrap()
}

/// Asserts the error is a CHECK violation.
pub fn assert_check_violation(result: Result<impl std::fmt::Debug, sqlx::Error>) {
    let err = result.expect_err("evidential = true must be refused");
    let db = err.as_database_error().expect("a database error");
    assert_eq!(db.kind(), sqlx::error::ErrorKind::CheckViolation, "{db}");
}
