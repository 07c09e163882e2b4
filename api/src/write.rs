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
//!   first takes its domain's in-process [`Writer`] lock (async and fair: waiters queue
//!   instead of polling), then begins `IMMEDIATE`, holding SQLite's write lock from its
//!   first statement. The busy timeout still covers other processes on the same file.
//!
//!   Writes that queue behind one another **commit together** (group commit): when a
//!   write's body is done and other writes wait for the lock, the transaction stays open,
//!   a savepoint marks where this write ended, and the next write runs in the same
//!   transaction; the last one of the group (no write waiting, or [`MAX_GROUP`] reached)
//!   commits for all. A write that fails rolls back to the savepoint before it, so it
//!   leaves nothing and the others keep theirs. Every write answers only once its group
//!   has committed (or with the commit's error if that fails), so what a client is told
//!   was written is on disk as far as `synchronous = NORMAL` promises. One write alone
//!   costs what it always did (`BEGIN IMMEDIATE`, its statements, `COMMIT`); in a group
//!   each further write costs one statement (`RELEASE`/`SAVEPOINT`) instead of a `BEGIN`
//!   and a `COMMIT`, takes no connection from the pool, and SQLite writes each changed
//!   page to the log once per group rather than once per write.
//! - **PostgreSQL** runs writes concurrently at READ COMMITTED. Where a rule depends on
//!   what is already stored (the next version number, a counter), services serialise on
//!   the parent row first with `SELECT ... FOR UPDATE` (`lock_exclusive()`, which SQLite
//!   ignores, its writer lock already serialising), or use single statements that are
//!   atomic by themselves (`n = n + 1`, `INSERT ... ON CONFLICT`).

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard, oneshot};

use crate::clock::Clock;
use crate::error::{ApiError, ApiResult};

/// The future a transaction's body returns.
pub type TxFuture<'c, T> = Pin<Box<dyn Future<Output = ApiResult<T>> + Send + 'c>>;

/// The most writes one SQLite group transaction holds before it commits, however many
/// wait: it bounds how long the first write of a group waits for its answer.
pub const MAX_GROUP: usize = 32;

/// The savepoint that marks the end of a group's last successful write.
const MARK: &str = "mosaic_group";

/// One SQLite domain's writer: the lock writes queue on, in order of arrival, and the
/// open group transaction, if any (see the module's documentation).
pub struct Writer {
    group: Arc<Mutex<Option<Group>>>,
    /// Writes waiting for the lock: while there are any, a finished write leaves the
    /// group open for the next.
    queued: AtomicUsize,
    /// Woken after every commit: the domain's change log may have grown.
    wake: Option<Arc<Notify>>,
    /// Group transactions committed.
    commits: AtomicU64,
}

impl std::fmt::Debug for Writer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("queued", &self.queued.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

/// An open group transaction.
struct Group {
    txn: DatabaseTransaction,
    /// The writes done in it, waiting for its commit.
    waiting: Vec<oneshot::Sender<ApiResult<()>>>,
    /// The savepoint [`MARK`] stands after the last successful write (false until the
    /// first write of the group succeeded and another followed).
    marked: bool,
    /// A write's body is running in it (or was cancelled while running): its statements
    /// must be rolled back before anything else is committed.
    dirty: bool,
}

impl Group {
    async fn begin(db: &DatabaseConnection) -> ApiResult<Self> {
        let txn = db
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..Default::default()
            })
            .await?;
        Ok(Self {
            txn,
            waiting: Vec::new(),
            marked: false,
            dirty: false,
        })
    }

    /// Commits, and tells every waiting write the outcome.
    async fn commit(self, writer: &Writer) -> ApiResult<()> {
        let outcome = self.txn.commit().await.map_err(ApiError::from);
        if outcome.is_ok() {
            writer.commits.fetch_add(1, Ordering::Relaxed);
            if let Some(wake) = &writer.wake {
                wake.notify_one();
            }
        }
        for w in self.waiting {
            let _ = w.send(outcome.clone());
        }
        outcome
    }

    /// Rolls everything back, telling every waiting write `err`.
    async fn abandon(self, err: &ApiError) {
        for w in self.waiting {
            let _ = w.send(Err(err.clone()));
        }
        if let Err(e) = self.txn.rollback().await {
            tracing::warn!("rollback failed: {e}");
        }
    }
}

/// The lock, held: released when dropped. Dropped while a write's work is unsettled
/// (the request was cancelled), it hands the group to a task that settles it.
struct Held {
    guard: Option<OwnedMutexGuard<Option<Group>>>,
    writer: Arc<Writer>,
}

impl Held {
    /// The group slot behind the lock.
    fn slot(&mut self) -> ApiResult<&mut Option<Group>> {
        match &mut self.guard {
            Some(guard) => Ok(guard),
            // Only `release` and `drop` take the guard, and both consume `self`.
            None => Err(ApiError::internal("writer lock without its guard")),
        }
    }

    /// Releases the lock, leaving the group as it is (settled).
    fn release(self) {
        drop(self.into_guard());
    }

    /// The lock itself, with the group as it is (settled).
    fn into_guard(mut self) -> Option<OwnedMutexGuard<Option<Group>>> {
        self.guard.take()
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(guard) = self.guard.take()
            && guard.is_some()
        {
            let writer = Arc::clone(&self.writer);
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { settle(guard, &writer).await });
            }
        }
    }
}

/// Settles an open group whose holder is gone: rolls back a write that did not finish,
/// then commits what the others wrote (or rolls back if there is nothing to keep).
async fn settle(mut guard: OwnedMutexGuard<Option<Group>>, writer: &Writer) {
    let Some(group) = guard.take() else {
        return;
    };
    if group.dirty {
        if !group.marked {
            // The unfinished write was the group's first: nothing else is in it.
            group.abandon(&ApiError::ServiceUnavailable).await;
            return;
        }
        if let Err(e) = group
            .txn
            .execute_unprepared(&format!("ROLLBACK TO SAVEPOINT {MARK}"))
            .await
        {
            let err = ApiError::from(e);
            group.abandon(&err).await;
            return;
        }
    }
    if group.waiting.is_empty() {
        group.abandon(&ApiError::ServiceUnavailable).await;
        return;
    }
    let _ = group.commit(writer).await;
}

/// Counts a write as queued until it holds the lock; a write cancelled while queued may
/// have been the one a group was left open for, so it settles the group then.
struct Queued<'w> {
    writer: &'w Arc<Writer>,
    acquired: bool,
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.writer.queued.fetch_sub(1, Ordering::AcqRel);
        if !self.acquired {
            let writer = Arc::clone(self.writer);
            let Ok(runtime) = tokio::runtime::Handle::try_current() else {
                return;
            };
            runtime.spawn(async move {
                let guard = Arc::clone(&writer.group).lock_owned().await;
                settle(guard, &writer).await;
            });
        }
    }
}

impl Writer {
    /// A writer whose commits wake `wake` (the domain's log tailer), if given.
    pub fn new(wake: Option<Arc<Notify>>) -> Self {
        Self {
            group: Arc::default(),
            queued: AtomicUsize::new(0),
            wake,
            commits: AtomicU64::new(0),
        }
    }

    /// The lock, with no group open: for work that must not run beside any write (a WAL
    /// checkpoint). Commits an open group first.
    pub async fn exclusive(&self) -> OwnedMutexGuard<impl Sized> {
        let mut guard = Arc::clone(&self.group).lock_owned().await;
        if let Some(group) = guard.take() {
            // A group is left open only after a successful write with another queued.
            let _ = group.commit(self).await;
        }
        guard
    }

    /// Group transactions committed so far.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    async fn acquire(self: &Arc<Self>) -> Held {
        self.queued.fetch_add(1, Ordering::AcqRel);
        let mut queued = Queued {
            writer: self,
            acquired: false,
        };
        let guard = Arc::clone(&self.group).lock_owned().await;
        queued.acquired = true;
        drop(queued);
        Held {
            guard: Some(guard),
            writer: Arc::clone(self),
        }
    }

    /// Runs `body` as one write of a group transaction (see the module's documentation).
    async fn run<T, F>(self: &Arc<Self>, db: &DatabaseConnection, body: F) -> ApiResult<T>
    where
        T: Send,
        F: for<'c> FnOnce(&'c DatabaseTransaction) -> TxFuture<'c, T> + Send,
    {
        let mut held = self.acquire().await;
        let slot = held.slot()?;
        if slot.is_none() {
            *slot = Some(Group::begin(db).await?);
        }
        let group = slot
            .as_mut()
            .ok_or_else(|| ApiError::internal("no group after begin"))?;
        group.dirty = true;
        let outcome = body(&group.txn).await;
        if let Err(err) = &outcome {
            let undone = if group.marked {
                group
                    .txn
                    .execute_unprepared(&format!("ROLLBACK TO SAVEPOINT {MARK}"))
                    .await
                    .map_err(ApiError::from)
            } else {
                // The group's first write: rolling the transaction back undoes it alone.
                Err(err.clone())
            };
            if let Err(broken) = undone {
                // Rolled back whole (or beyond repair): nothing of the group is kept.
                if let Some(group) = slot.take() {
                    group.abandon(&broken).await;
                }
                held.release();
                return outcome;
            }
        }
        group.dirty = false;
        let more = self.queued.load(Ordering::Acquire) > 0 && group.waiting.len() + 1 < MAX_GROUP;
        if more && outcome.is_err() {
            // Rolled back to the mark, the group left open for the next write: this one
            // has no commit to wait for.
            held.release();
            return outcome;
        }
        if more {
            let mark = if group.marked {
                format!("RELEASE SAVEPOINT {MARK}; SAVEPOINT {MARK}")
            } else {
                format!("SAVEPOINT {MARK}")
            };
            // Should the request be cancelled during the statement, the write counts as
            // unfinished (the next holder rolls it back to the mark before it).
            group.dirty = true;
            if let Err(e) = group.txn.execute_unprepared(&mark).await {
                let broken = ApiError::from(e);
                if let Some(group) = slot.take() {
                    group.abandon(&broken).await;
                }
                held.release();
                return Err(broken);
            }
            group.dirty = false;
            group.marked = true;
            let (tx, rx) = oneshot::channel();
            group.waiting.push(tx);
            held.release();
            return match rx.await {
                Ok(Ok(())) => outcome,
                Ok(Err(e)) => Err(e),
                // The group was dropped uncommitted (the server is stopping).
                Err(_) => Err(ApiError::ServiceUnavailable),
            };
        }
        let group = slot.take();
        let guard = held.into_guard();
        // Committed by a task of its own that holds the lock until it is done, so that
        // the writes waiting on the group get their answer even if this request is
        // cancelled meanwhile.
        let writer = Arc::clone(self);
        let committed = tokio::spawn(async move {
            let committed = match group {
                Some(group) => group.commit(&writer).await,
                None => Err(ApiError::internal("no group to commit")),
            };
            drop(guard);
            committed
        })
        .await
        .unwrap_or(Err(ApiError::ServiceUnavailable));
        match outcome {
            Ok(value) => committed.map(|()| value),
            Err(e) => Err(e),
        }
    }
}

/// One domain's storage: its pool, for reads, and [`Store::transaction`] for writes.
/// Cheap to clone. Dereferences to the pool.
#[derive(Clone, Debug)]
pub struct Store {
    db: DatabaseConnection,
    writer: Option<Arc<Writer>>,
    /// Woken after every commit: the domain's change log may have grown.
    wake: Option<Arc<Notify>>,
    /// The server's clock (times and time-ordered ids of writes).
    clock: Clock,
}

impl Store {
    /// A store over `db`; `writer` is the domain's writer (SQLite only).
    pub fn new(db: DatabaseConnection, writer: Option<Arc<Writer>>) -> Self {
        Self {
            db,
            writer,
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

    /// The same store, waking `wake` after every commit (the domain's log tailer; on
    /// SQLite the [`Writer`] wakes its own).
    pub fn waking(mut self, wake: Arc<Notify>) -> Self {
        self.wake = Some(wake);
        self
    }

    /// A store over `db` with a writer of its own when `db` is SQLite (unit tests).
    pub fn standalone(db: DatabaseConnection) -> Self {
        let writer =
            (db.get_database_backend() == DbBackend::Sqlite).then(|| Arc::new(Writer::new(None)));
        Self::new(db, writer)
    }

    /// The pool.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Runs `body` in one transaction: committed if it returns `Ok`, rolled back
    /// otherwise. On SQLite, writes that queue behind one another share a transaction
    /// (see the module's documentation); each still stands or falls alone.
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
        if let Some(writer) = &self.writer {
            return writer.run(&self.db, body).await;
        }
        let txn = self.db.begin().await?;
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

    /// A file database served like a domain's (pool, writer), with table `t`.
    async fn file_store() -> (crate::Databases, Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("mosaic-write-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let dbs = crate::Databases::connect(&crate::DbConfig::sqlite_dir(&dir))
            .await
            .unwrap();
        let store = dbs.store(entity::Domain::Universe);
        store
            .execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY)")
            .await
            .unwrap();
        (dbs, store, dir)
    }

    async fn ids(db: &impl ConnectionTrait) -> Vec<i64> {
        db.query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT id FROM t ORDER BY id",
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index(0).unwrap())
        .collect()
    }

    /// A write that inserts `id`, then yields; it fails after its insert when `fail`.
    fn insert(store: &Store, id: i64, fail: bool) -> tokio::task::JoinHandle<ApiResult<i64>> {
        insert_then(store, id, None, tokio::task::yield_now(), fail)
    }

    /// A write that inserts `id`, reports it on `inserted`, awaits `then`, and then
    /// succeeds (or fails, when `fail`).
    fn insert_then(
        store: &Store,
        id: i64,
        inserted: Option<&tokio::sync::mpsc::UnboundedSender<i64>>,
        then: impl Future<Output = ()> + Send + 'static,
        fail: bool,
    ) -> tokio::task::JoinHandle<ApiResult<i64>> {
        let (store, inserted) = (store.clone(), inserted.cloned());
        tokio::spawn(async move {
            store
                .transaction(move |txn| {
                    Box::pin(async move {
                        txn.execute_unprepared(&format!("INSERT INTO t (id) VALUES ({id})"))
                            .await?;
                        if let Some(inserted) = inserted {
                            let _ = inserted.send(id);
                        }
                        then.await;
                        if fail {
                            return Err(ApiError::Conflict(format!("{id} fails")));
                        }
                        Ok(id)
                    })
                })
                .await
        })
    }

    #[tokio::test]
    async fn queued_writes_commit_together_and_each_stands_or_falls_alone() {
        let (dbs, store, dir) = file_store().await;
        let writer = Arc::clone(store.writer.as_ref().unwrap());
        let before = writer.commits();
        // Every third write fails after inserting its row, the first among them too.
        let tasks: Vec<_> = (0..60).map(|i| insert(&store, i, i % 3 == 0)).collect();
        let mut answers = Vec::new();
        for t in tasks {
            answers.push(t.await.unwrap());
        }
        for (i, a) in answers.iter().enumerate() {
            match a {
                Ok(id) => assert!(i % 3 != 0 && *id == i as i64),
                Err(e) => assert!(i % 3 == 0 && e.code() == "CONFLICT", "{i}: {e}"),
            }
        }
        let expected: Vec<i64> = (0..60).filter(|i| i % 3 != 0).collect();
        assert_eq!(ids(store.db()).await, expected);
        // They queued behind one another, so far fewer commits than writes.
        let commits = writer.commits() - before;
        assert!(
            (1..40).contains(&commits),
            "{commits} commits for 40 writes"
        );
        dbs.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_write_cancelled_mid_group_leaves_nothing_and_the_others_commit() {
        let (dbs, store, dir) = file_store().await;
        let writer = Arc::clone(store.writer.as_ref().unwrap());
        let (inserted, mut first_in) = tokio::sync::mpsc::unbounded_channel::<i64>();
        let go = Arc::new(Notify::new());
        // W1 inserts 1 and waits for `go`; W2 queues behind it, inserts 2 and hangs.
        let w1 = {
            let go = Arc::clone(&go);
            insert_then(
                &store,
                1,
                Some(&inserted),
                async move { go.notified().await },
                false,
            )
        };
        assert_eq!(first_in.recv().await, Some(1));
        let w2 = insert_then(&store, 2, Some(&inserted), std::future::pending(), false);
        while writer.queued.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        go.notify_one();
        // W1 finished with W2 queued: the group stays open for W2, which writes and hangs.
        assert_eq!(first_in.recv().await, Some(2));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(
            !w1.is_finished(),
            "W1 was answered before its group committed"
        );
        let w3 = insert(&store, 3, false);
        while writer.queued.load(Ordering::Acquire) == 0 {
            tokio::task::yield_now().await;
        }
        w2.abort();
        assert!(w2.await.unwrap_err().is_cancelled());
        // W2's row is rolled back; W1's commits; W3 runs after.
        w1.await.unwrap().unwrap();
        assert_eq!(w3.await.unwrap().unwrap(), 3);
        assert_eq!(ids(store.db()).await, vec![1, 3]);
        dbs.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// W1 finishes while another write is counted as queued, so it leaves the group open
    /// and waits; `then` must get the group committed.
    async fn left_open(then: impl AsyncFnOnce(&Arc<Writer>)) {
        let (dbs, store, dir) = file_store().await;
        let writer = Arc::clone(store.writer.as_ref().unwrap());
        writer.queued.fetch_add(1, Ordering::AcqRel);
        let w1 = insert(&store, 1, false);
        // W1 is answered only when the group commits.
        for _ in 0..50 {
            tokio::task::yield_now().await;
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        assert!(!w1.is_finished(), "answered before its group committed");
        assert_eq!(ids(store.db()).await, Vec::<i64>::new());
        then(&writer).await;
        assert_eq!(w1.await.unwrap().unwrap(), 1);
        assert_eq!(ids(store.db()).await, vec![1]);
        dbs.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[tokio::test]
    async fn a_queued_write_cancelled_before_its_turn_gets_the_open_group_committed() {
        left_open(async |writer| {
            // What a queued write's future does when it is dropped before its turn.
            drop(Queued {
                writer,
                acquired: false,
            });
        })
        .await;
    }

    #[tokio::test]
    async fn a_checkpoint_commits_an_open_group_before_it_runs() {
        left_open(async |writer| {
            let _exclusive = writer.exclusive().await;
            writer.queued.fetch_sub(1, Ordering::AcqRel);
        })
        .await;
    }
}
