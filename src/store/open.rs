//! Opening the store: connection settings, start-up verification of the
//! durability pragmas, and the embedded migrations.

use std::path::Path;
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Connection;

use super::{Pool, Store, StoreError, StoreOptions};

/// File name of the SQLite database inside the data directory.
pub const SQLITE_FILE: &str = "synthwatch.db";

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static PG_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

impl Store {
    /// Opens (creating if needed) `data_dir/synthwatch.db` with default options.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Store, StoreError> {
        Store::open_sqlite_with(data_dir, &StoreOptions::default()).await
    }

    /// Opens (creating if needed) `data_dir/synthwatch.db`: WAL journal,
    /// `synchronous=FULL`, foreign keys on, busy timeout — each read back and
    /// checked on every connection — then applies the migrations.
    pub async fn open_sqlite_with(
        data_dir: &Path,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StoreError::Io {
            path: data_dir.to_path_buf(),
            source,
        })?;
        let connect = SqliteConnectOptions::new()
            .filename(data_dir.join(SQLITE_FILE))
            .create_if_missing(true);
        open_sqlite_connect(connect, options).await
    }

    /// Opens `sqlite://…` or `postgres://…` (also `postgresql://`) with
    /// default options.
    pub async fn open_url(url: &str) -> Result<Store, StoreError> {
        Store::open_url_with(url, &StoreOptions::default()).await
    }

    /// Opens `sqlite://…` or `postgres://…` and applies the migrations of
    /// that dialect. SQLite URLs get the same durability settings as
    /// [`Store::open_sqlite_with`] (so `sqlite::memory:`, which cannot do
    /// WAL, is refused with [`StoreError::Pragma`]).
    pub async fn open_url_with(url: &str, options: &StoreOptions) -> Result<Store, StoreError> {
        if url.starts_with("sqlite:") {
            let connect = SqliteConnectOptions::from_str(url)?.create_if_missing(true);
            open_sqlite_connect(connect, options).await
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let connect = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(options.max_connections)
                .connect_with(connect)
                .await?;
            PG_MIGRATIONS.run(&pool).await?;
            Ok(Store {
                pool: Pool::Pg(pool),
                max_attempts: options.max_attempts,
                gate: Default::default(),
            })
        } else {
            Err(StoreError::UnsupportedUrl)
        }
    }
}

async fn open_sqlite_connect(
    connect: SqliteConnectOptions,
    options: &StoreOptions,
) -> Result<Store, StoreError> {
    let connect = connect
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(options.busy_timeout);
    // Fail fast with a typed error before handing out any connection.
    let mut first = SqliteConnection::connect_with(&connect).await?;
    verify_pragmas(&mut first).await?;
    first.close().await?;

    let pool = SqlitePoolOptions::new()
        .max_connections(options.max_connections)
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                // Every pooled connection must be durable, not just the first.
                verify_pragmas(conn)
                    .await
                    .map_err(|e| sqlx::Error::Configuration(Box::new(e)))
            })
        })
        .connect_with(connect)
        .await?;
    SQLITE_MIGRATIONS.run(&pool).await?;
    Ok(Store {
        pool: Pool::Sqlite(pool),
        max_attempts: options.max_attempts,
        gate: Default::default(),
    })
}

/// Reads back the settings acknowledgement depends on.
async fn verify_pragmas(conn: &mut SqliteConnection) -> Result<(), StoreError> {
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&mut *conn)
        .await?;
    if !journal.eq_ignore_ascii_case("wal") {
        return Err(StoreError::Pragma {
            pragma: "journal_mode",
            expected: "wal".into(),
            found: journal,
        });
    }
    let sync: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&mut *conn)
        .await?;
    // 2 = FULL: the WAL is fsynced at every commit.
    if sync != 2 {
        return Err(StoreError::Pragma {
            pragma: "synchronous",
            expected: "2 (FULL)".into(),
            found: sync.to_string(),
        });
    }
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&mut *conn)
        .await?;
    if fk != 1 {
        return Err(StoreError::Pragma {
            pragma: "foreign_keys",
            expected: "1".into(),
            found: fk.to_string(),
        });
    }
    Ok(())
}
