//! A unit of work: several writes that commit together or not at all.
//!
//! A worker processes one raw message as one unit — forget the earlier
//! attempt's rows, store samples, observations, spectra and findings, publish,
//! mark the message done — so a message costs one commit (one fsync on
//! SQLite) instead of one per row, and a crash can never leave half of it.
//! The single-operation methods on [`Store`] open a unit of their own.

use sqlx::{Postgres, Sqlite, Transaction};

use super::gate::{GateGuard, Priority};
use super::{Pool, Store, StoreError, WritePool};

/// An open write transaction on either dialect. Dropped without
/// [`Unit::commit`], everything written through it is rolled back.
#[derive(Debug)]
pub struct Unit {
    // Field order is drop order: the transaction ends before the gate opens.
    pub(crate) tx: UnitTx,
    _gate: Option<GateGuard>,
}

/// The transaction of one dialect.
#[derive(Debug)]
pub(crate) enum UnitTx {
    Sqlite(Transaction<'static, Sqlite>),
    Pg(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$conn` bound to the unit's connection (`&mut
/// SqliteConnection` or `&mut PgConnection`); compiled once per dialect.
macro_rules! on_unit {
    ($unit:expr, $conn:ident => $body:expr) => {
        match &mut $unit.tx {
            $crate::store::unit::UnitTx::Sqlite(t) => {
                let $conn = &mut **t;
                $body
            }
            $crate::store::unit::UnitTx::Pg(t) => {
                let $conn = &mut **t;
                $body
            }
        }
    };
}

/// Runs `$body` (a value, not a `Result`; `return Err(..)` inside rolls
/// back) in a unit of work opened with `$begin`, then commits.
macro_rules! in_unit {
    ($store:expr, $priority:expr, $conn:ident => $body:expr) => {{
        let mut unit = $store.begin_with($priority).await?;
        let out = on_unit!(unit, $conn => $body);
        unit.commit().await?;
        Ok(out)
    }};
}

/// `Store` methods that are one unit-of-work call, committed on their own.
macro_rules! in_own_unit {
    ($store:expr, |$u:ident| $call:expr) => {{
        let mut $u = $store.begin().await?;
        let out = $call.await?;
        $u.commit().await?;
        Ok(out)
    }};
}

impl Store {
    /// Opens a unit of work for background writing (see [`Priority`]). On
    /// SQLite it holds the single writer until committed or dropped, so do
    /// CPU work before opening one.
    pub async fn begin(&self) -> Result<Unit, StoreError> {
        self.begin_with(Priority::Background).await
    }

    /// Opens a unit of work; on SQLite, after the process's write gate.
    pub async fn begin_with(&self, priority: Priority) -> Result<Unit, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                let gate = Some(self.gate.enter(priority).await);
                Unit {
                    tx: UnitTx::Sqlite(p.begin_write().await?),
                    _gate: gate,
                }
            }
            Pool::Pg(p) => Unit {
                tx: UnitTx::Pg(p.begin_write().await?),
                _gate: None,
            },
        })
    }
}

impl Unit {
    /// Makes everything written through this unit durable.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.tx {
            UnitTx::Sqlite(t) => t.commit().await?,
            UnitTx::Pg(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Discards everything written through this unit (dropping it does the same).
    pub async fn rollback(self) -> Result<(), StoreError> {
        match self.tx {
            UnitTx::Sqlite(t) => t.rollback().await?,
            UnitTx::Pg(t) => t.rollback().await?,
        }
        Ok(())
    }
}
