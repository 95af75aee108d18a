//! The partnership store: raw input, the processing queue, the quarantine,
//! samples with their observations, spectra and findings, and published
//! indications — over embedded SQLite (default) or PostgreSQL, one API for both.
//!
//! SQL is written once where both dialects accept it (`$n` parameters,
//! `ON CONFLICT`, `RETURNING`) and per dialect where they differ (queue claim).
//! See `docs/design/store.md` for the schema and the durability rules.

use std::time::Duration;

use sqlx::{PgPool, SqlitePool};

/// Runs `$body` with `$pool` bound to whichever pool the store holds. The
/// body is compiled once per dialect, so SQL and bindings must suit both.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::store::Pool::Sqlite($pool) => $body,
            $crate::store::Pool::Pg($pool) => $body,
        }
    };
}

#[macro_use]
mod unit;
mod clock;
mod error;
mod gate;
mod group;
mod keyer;
mod open;
mod quarantine;
mod queue;
mod raw;
mod raw_pg;
mod results;
mod samples;
mod types;

pub use error::StoreError;
pub use gate::Priority;
pub use group::{GroupCommitter, GroupConfig};
pub use keyer::{normalise_identifier, KeyError, PatientKeyer};
pub use open::SQLITE_FILE;
pub use quarantine::{QuarantineEntry, QuarantineInput};
pub use queue::{FailOutcome, QueueCounts, QueuedMessage, Recovered};
pub use raw::StoredRaw;
pub use results::{Published, PublishedResult, ResultFilter, ResultRow};
pub use samples::{
    decode_peaks, encode_peaks, NewFinding, NewObservation, NewSample, NewSpectrum, SampleRef,
};
pub use types::{FindingKind, RawState, ResultStatus, SampleKind, Stage};
pub use unit::Unit;

/// Which database the store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// Tuning for [`Store::open_sqlite_with`] and [`Store::open_url_with`].
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// Pool size. SQLite serialises writers anyway; 4 lets readers and the
    /// group committer proceed side by side.
    pub max_connections: u32,
    /// How long an SQLite connection waits for a lock before failing.
    pub busy_timeout: Duration,
    /// Processing attempts before [`Store::mark_failed`] quarantines a message.
    pub max_attempts: i64,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 4,
            busy_timeout: Duration::from_secs(10),
            max_attempts: 5,
        }
    }
}

/// The connection pool of one dialect.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// The partnership store. Cheap to clone (clones share the pool).
#[derive(Debug, Clone)]
pub struct Store {
    pub(crate) pool: Pool,
    pub(crate) max_attempts: i64,
    /// Orders this process's SQLite writers (unused on PostgreSQL).
    pub(crate) gate: gate::WriteGate,
}

impl Store {
    /// Which database this store runs on.
    pub fn dialect(&self) -> Dialect {
        match self.pool {
            Pool::Sqlite(_) => Dialect::Sqlite,
            Pool::Pg(_) => Dialect::Postgres,
        }
    }

    /// The SQLite pool, for administration and tests (raw SQL).
    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match &self.pool {
            Pool::Sqlite(p) => Some(p),
            Pool::Pg(_) => None,
        }
    }

    /// The PostgreSQL pool, for administration and tests (raw SQL).
    pub fn pg_pool(&self) -> Option<&PgPool> {
        match &self.pool {
            Pool::Pg(p) => Some(p),
            Pool::Sqlite(_) => None,
        }
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

/// Opening a write transaction per dialect.
pub(crate) trait WritePool {
    /// The database type.
    type Db: sqlx::Database;
    /// Begins a transaction that will write.
    fn begin_write(
        &self,
    ) -> impl std::future::Future<Output = Result<sqlx::Transaction<'static, Self::Db>, sqlx::Error>>
           + Send;
}

impl WritePool for SqlitePool {
    type Db = sqlx::Sqlite;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        // IMMEDIATE takes the write lock up front, so a read-then-write
        // transaction waits on busy_timeout instead of failing to upgrade.
        self.begin_with("BEGIN IMMEDIATE").await
    }
}

impl WritePool for PgPool {
    type Db = sqlx::Postgres;
    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, sqlx::Error> {
        self.begin().await
    }
}
