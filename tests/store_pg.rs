//! The store on PostgreSQL: the shared scenarios, each in a fresh schema.
//!
//! The server URL comes from `SYNTHWATCH_TEST_PG` (e.g.
//! `postgres://postgres@127.0.0.1:5432/test`). Without it the tests skip with
//! a message, unless `CI` or `SYNTHWATCH_REQUIRE_PG=1` is set: then a missing
//! URL or server is a failure.

#[path = "store_scenarios/mod.rs"]
mod scenarios;

use std::hash::{BuildHasher, RandomState};

use sqlx::{Connection, PgConnection};
use synthwatch::store::{Dialect, Store};

/// A schema of its own, dropped when this goes out of scope.
struct PgSchema {
    base_url: String,
    name: String,
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let (url, name) = (self.base_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; use a private one on a thread.
        let cleanup = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut conn = PgConnection::connect(&url).await.ok()?;
                sqlx::query(&format!("DROP SCHEMA IF EXISTS {name} CASCADE"))
                    .execute(&mut conn)
                    .await
                    .ok()
            })
        });
        if cleanup.join().ok().flatten().is_none() {
            eprintln!("warning: could not drop test schema {}", self.name);
        }
    }
}

fn pg_required() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty())
        || std::env::var("SYNTHWATCH_REQUIRE_PG").is_ok_and(|v| v == "1")
}

/// Opens a store in a fresh schema, or `None` (after saying why) to skip.
async fn pg_store() -> Option<(Store, PgSchema)> {
    let Ok(base_url) = std::env::var("SYNTHWATCH_TEST_PG") else {
        assert!(
            !pg_required(),
            "CI/SYNTHWATCH_REQUIRE_PG set but SYNTHWATCH_TEST_PG is not"
        );
        eprintln!("skipping: SYNTHWATCH_TEST_PG is not set");
        return None;
    };
    let mut admin = match PgConnection::connect(&base_url).await {
        Ok(c) => c,
        Err(e) if !pg_required() => {
            eprintln!("skipping: cannot reach {base_url}: {e}");
            return None;
        }
        Err(e) => panic!("PostgreSQL required but unreachable: {e}"),
    };
    let name = format!(
        "sw_test_{:016x}",
        RandomState::new().hash_one(std::process::id())
    );
    sqlx::query(&format!("CREATE SCHEMA {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let schema = PgSchema {
        base_url: base_url.clone(),
        name,
    };
    let sep = if base_url.contains('?') { '&' } else { '?' };
    let url = format!("{base_url}{sep}options=-csearch_path%3D{}", schema.name);
    let store = Store::open_url(&url).await.unwrap();
    assert_eq!(store.dialect(), Dialect::Postgres);
    let current: String = sqlx::query_scalar("SELECT current_schema()")
        .fetch_one(store.pg_pool().unwrap())
        .await
        .unwrap();
    assert_eq!(current, schema.name, "search_path must isolate the test");
    Some((store, schema))
}

/// Runs a scenario against a fresh schema (or skips).
macro_rules! pg_test {
    ($name:ident) => {
        #[tokio::test]
        async fn $name() {
            let Some((store, _schema)) = pg_store().await else {
                return;
            };
            scenarios::$name(&store).await;
            store.close().await;
        }
    };
}

pg_test!(idempotent_commit);
pg_test!(queue_lifecycle);
pg_test!(crash_recovery);
pg_test!(crash_loop_quarantined);
pg_test!(unit_of_work);
pg_test!(concurrent_claims);
pg_test!(publish_versioning);

#[tokio::test]
async fn evidential_cannot_be_true() {
    let Some((store, _schema)) = pg_store().await else {
        return;
    };
    let sample = scenarios::sample_for_check(&store).await;
    let result = sqlx::query(scenarios::EVIDENTIAL_INSERT)
        .bind(sample)
        .execute(store.pg_pool().unwrap())
        .await;
    scenarios::assert_check_violation(result);
    store.close().await;
}
