//! Write transactions: every mutation runs in one transaction, all or nothing.
//!
//! [`Store::transaction`] commits when its closure returns `Ok` and rolls back when it
//! returns an error, and also when the request is cancelled (a dropped transaction rolls
//! back), so a failed mutation never leaves partial rows.
//!
//! Concurrency, per backend:
//! - **SQLite** allows one writer per database. A deferred transaction that reads and
//!   then writes can fail at once with "database is locked" when another connection
//!   wrote in between (the busy timeout does not cover a lock upgrade). A write therefore
//!   first takes its domain's in-process writer lock (async and fair: waiters queue
//!   instead of polling), then begins `IMMEDIATE`, holding SQLite's write lock from its
//!   first statement. The busy timeout still covers other processes on the same file.
//! - **PostgreSQL** runs writes concurrently at READ COMMITTED. Where a rule depends on
//!   what is already stored (the next version number, a counter), services serialise on
//!   the parent row first with `SELECT ... FOR UPDATE` (`lock_exclusive()`, which SQLite
//!   ignores, its writer lock already serialising), or use single statements that are
//!   atomic by themselves (`n = n + 1`, `INSERT ... ON CONFLICT`).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;

use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode, TransactionOptions,
    TransactionTrait,
};
use tokio::sync::Mutex;

use crate::clock::Clock;
use crate::error::ApiResult;

/// The future a transaction's body returns.
pub type TxFuture<'c, T> = Pin<Box<dyn Future<Output = ApiResult<T>> + Send + 'c>>;

/// One domain's storage: its pool, for reads, and [`Store::transaction`] for writes.
/// Cheap to clone. Dereferences to the pool.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    lock: Option<Arc<Mutex<()>>>,
    /// Woken after every commit: the domain's change log may have grown.
    wake: Option<Arc<tokio::sync::Notify>>,
    /// The server's clock (times and time-ordered ids of writes).
    clock: Clock,
}

impl Store {
    /// A store over `db`; `lock` is the domain's writer lock (SQLite only).
    pub fn new(db: DatabaseConnection, lock: Option<Arc<Mutex<()>>>) -> Self {
        Self {
            db,
            lock,
            wake: None,
            clock: Clock::system(),
        }
    }

    /// The same store, writing times and ids from `clock`.
    pub fn clocked(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The server's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The same store, waking `wake` after every commit (the domain's log tailer).
    pub fn waking(mut self, wake: Arc<tokio::sync::Notify>) -> Self {
        self.wake = Some(wake);
        self
    }

    /// A store over `db` with a writer lock of its own when `db` is SQLite (unit tests).
    pub fn standalone(db: DatabaseConnection) -> Self {
        let lock = (db.get_database_backend() == DbBackend::Sqlite).then(Arc::default);
        Self::new(db, lock)
    }

    /// The pool.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Runs `body` in one transaction: committed if it returns `Ok`, rolled back
    /// otherwise.
    ///
    /// ```ignore
    /// store.transaction(|txn| Box::pin(async move {
    ///     let row = insert(txn).await?;
    ///     Ok(row)
    /// })).await
    /// ```
    pub async fn transaction<T, F>(&self, body: F) -> ApiResult<T>
    where
        T: Send,
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> TxFuture<'c, T> + Send,
    {
        let _writer = match &self.lock {
            Some(lock) => Some(lock.lock().await),
            None => None,
        };
        let txn = match self.db.get_database_backend() {
            DbBackend::Sqlite => {
                self.db
                    .begin_with_options(TransactionOptions {
                        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                        ..Default::default()
                    })
                    .await?
            }
            _ => self.db.begin().await?,
        };
        match body(&txn).await {
            Ok(value) => {
                txn.commit().await?;
                if let Some(wake) = &self.wake {
                    wake.notify_one();
                }
                Ok(value)
            }
            Err(err) => {
                if let Err(e) = txn.rollback().await {
                    tracing::warn!("rollback failed: {e}");
                }
                Err(err)
            }
        }
    }
}

impl Deref for Store {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        &self.db
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;
    use sea_orm::{ConnectionTrait, Database, Statement};

    async fn count(db: &impl ConnectionTrait) -> i64 {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT COUNT(*) AS n FROM t",
            ))
            .await
            .unwrap()
            .unwrap();
        row.try_get_by_index(0).unwrap()
    }

    #[tokio::test]
    async fn an_error_rolls_everything_back_and_ok_commits() {
        let db = Database::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        let store = Store::standalone(db);
        let failed: ApiResult<()> = store
            .transaction(|txn| {
                Box::pin(async move {
                    txn.execute_unprepared("INSERT INTO t (id) VALUES (1)")
                        .await?;
                    Err(ApiError::Conflict("stop".into()))
                })
            })
            .await;
        assert_eq!(failed.unwrap_err().code(), "CONFLICT");
        assert_eq!(count(store.db()).await, 0);
        store
            .transaction(|txn| {
                Box::pin(async move {
                    txn.execute_unprepared("INSERT INTO t (id) VALUES (2)")
                        .await?;
                    Ok(())
                })
            })
            .await
            .unwrap();
        assert_eq!(count(store.db()).await, 1);
    }

    #[tokio::test]
    async fn concurrent_read_then_write_transactions_on_a_sqlite_file_never_see_locked() {
        let dir = std::env::temp_dir().join(format!("mosaic-write-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let cfg = crate::DbConfig::sqlite_dir(&dir);
        let dbs = crate::Databases::connect(&cfg).await.unwrap();
        let store = dbs.store(entity::Domain::Universe);
        store
            .execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        // Each transaction reads the current maximum, then inserts the next id: the
        // classic upgrade-from-read pattern that fails with SQLITE_BUSY when deferred.
        let mut tasks = Vec::new();
        for _ in 0..50 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                store
                    .transaction(|txn| {
                        Box::pin(async move {
                            let row = txn
                                .query_one_raw(Statement::from_string(
                                    DbBackend::Sqlite,
                                    "SELECT COALESCE(MAX(id), 0) FROM t",
                                ))
                                .await?
                                .ok_or_else(|| ApiError::internal("no row"))?;
                            let max: i64 = row.try_get_by_index(0).map_err(ApiError::internal)?;
                            tokio::task::yield_now().await;
                            txn.execute_unprepared(&format!(
                                "INSERT INTO t (id) VALUES ({})",
                                max + 1
                            ))
                            .await?;
                            Ok(())
                        })
                    })
                    .await
            }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(count(store.db()).await, 50);
        dbs.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
