//! Opening a domain's pool (retrying while the database starts), SQLite's pragmas and
//! write-ahead-log checkpoints, and the test of idle connections before use.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use entity::Domain;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

use super::*;

/// How long opening storage keeps retrying while the database is unavailable (it may be
/// starting alongside Mosaic).
pub(super) const STARTUP_WAIT: Duration = Duration::from_secs(30);

/// Size of a SQLite write-ahead log above which [`checkpoint_wal`] empties it.
pub(super) const WAL_LIMIT: u64 = 16 * 1024 * 1024;

/// How often [`checkpoint_wal`] looks at the log's size.
pub(super) const WAL_CHECK_EVERY: Duration = Duration::from_millis(500);

/// Idle time after which a pooled connection is pinged before use (a server, proxy or
/// firewall may have dropped it meanwhile).
pub(super) const PING_IF_IDLE: Duration = Duration::from_secs(1);

/// When a statement of one pool last failed, so that connections idle since then are
/// tested before use ([`PING_IF_IDLE`] covers the rest).
#[derive(Debug)]
pub(super) struct Failures {
    since: std::time::Instant,
    /// Nanoseconds after `since` of the last failure, plus one (0: none yet).
    last: AtomicU64,
}

impl Failures {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self {
            since: std::time::Instant::now(),
            last: AtomicU64::new(0),
        })
    }

    pub(super) fn now(&self) -> u64 {
        u64::try_from(self.since.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// A statement failed just now.
    pub(super) fn failed(&self) {
        self.last
            .store(self.now().saturating_add(1), Ordering::Relaxed);
    }

    /// Whether a connection idle for `idle` should be tested before use: idle long, or
    /// idle already when a statement last failed.
    pub(super) fn suspect(&self, idle: Duration) -> bool {
        if idle >= PING_IF_IDLE {
            return true;
        }
        let last = self.last.load(Ordering::Relaxed);
        let idle = u64::try_from(idle.as_nanos()).unwrap_or(u64::MAX);
        last != 0 && last > self.now().saturating_sub(idle)
    }
}

/// What a pool's `before_acquire` check returns: whether to hand the connection out.
type Checked<'c> = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<bool, sea_orm::sqlx::Error>> + Send + 'c>,
>;

/// A pool's `before_acquire` check: ping the connection only if `failures` suspects it.
pub(super) fn ping_if_suspect<C: sea_orm::sqlx::Connection>(
    failures: &Arc<Failures>,
) -> impl for<'c> Fn(&'c mut C, sea_orm::sqlx::pool::PoolConnectionMetadata) -> Checked<'c>
+ Send
+ Sync
+ 'static {
    let failures = Arc::clone(failures);
    move |conn, meta| {
        let ping = failures.suspect(meta.idle_for);
        Box::pin(async move {
            if ping {
                conn.ping().await?;
            }
            Ok(true)
        })
    }
}

/// Keeps a SQLite file's write-ahead log bounded while its domain's storage is open.
///
/// SQLite's automatic checkpoint (after a commit, every 1,000 pages) copies the log into
/// the database but can start the log over only when no reader still reads it, which under
/// continuous reads never happens: in a 3-minute soak the Universe log grew to 90 MB beside
/// a 15 MB database. Every [`WAL_CHECK_EVERY`], when the log is larger than [`WAL_LIMIT`],
/// this takes the domain's writer lock (so no write competes; writes wait the few
/// milliseconds it takes) and runs `PRAGMA wal_checkpoint(TRUNCATE)`: it copies the log,
/// waits (up to the busy timeout) for the readers of older snapshots to finish (new readers
/// read the database file once the log is copied), then empties the log. When readers keep
/// it waiting past the busy timeout it tries again at the next tick.
pub(super) async fn checkpoint_wal(
    wal: PathBuf,
    db: DatabaseConnection,
    lock: std::sync::Weak<crate::write::Writer>,
) {
    loop {
        tokio::time::sleep(WAL_CHECK_EVERY).await;
        let Some(lock) = lock.upgrade() else {
            return;
        };
        let size = tokio::fs::metadata(&wal).await.map_or(0, |m| m.len());
        if size <= WAL_LIMIT {
            continue;
        }
        let _writer = lock.exclusive().await;
        let checkpoint =
            sea_orm::Statement::from_string(DbBackend::Sqlite, "PRAGMA wal_checkpoint(TRUNCATE)");
        match db.query_one_raw(checkpoint).await {
            Ok(row) => {
                let busy = row.and_then(|r| r.try_get_by_index::<i32>(0).ok());
                if busy != Some(0) {
                    tracing::debug!("{}: checkpoint deferred by readers", wal.display());
                }
            }
            Err(e) => tracing::warn!("{}: checkpoint failed: {e}", wal.display()),
        }
    }
}

/// Opens `domain`'s pool, plus (in-memory SQLite only) the anchor connection that keeps
/// its database alive. While the database is unavailable, retries for up to
/// [`STARTUP_WAIT`].
pub(super) async fn connect_domain(
    config: &DbConfig,
    domain: Domain,
    failures: &Arc<Failures>,
) -> Result<(DatabaseConnection, Option<DatabaseConnection>), DbError> {
    let started = std::time::Instant::now();
    loop {
        match open_domain(config, domain, failures).await {
            Err(DbError::Connect { source, .. })
                if started.elapsed() < STARTUP_WAIT && crate::error::outage(&source).is_some() =>
            {
                tracing::warn!("{domain}: database unavailable, retrying: {source}");
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            opened => return opened,
        }
    }
}

/// One attempt of [`connect_domain`].
pub(super) async fn open_domain(
    config: &DbConfig,
    domain: Domain,
    failures: &Arc<Failures>,
) -> Result<(DatabaseConnection, Option<DatabaseConnection>), DbError> {
    let wrap = |source| DbError::Connect { domain, source };
    match config.target(domain)? {
        Target::Postgres(url) => {
            let mut opts = ConnectOptions::new(url);
            opts.max_connections(config.max_connections)
                .min_connections(0)
                .acquire_timeout(config.acquire_timeout)
                .set_schema_search_path(domain.name())
                .set_application_name("mosaic")
                .sqlx_logging(false)
                .test_before_acquire(false)
                .map_sqlx_postgres_before_acquire(ping_if_suspect(failures));
            if let Some(t) = config.statement_timeout {
                opts.statement_timeout(t);
            }
            let db = Database::connect(opts).await.map_err(wrap)?;
            db.execute_unprepared(&format!(
                "CREATE SCHEMA IF NOT EXISTS \"{}\"",
                domain.name()
            ))
            .await
            .map_err(wrap)?;
            Ok((db, None))
        }
        Target::SqliteFile(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir {
                    path: dir.to_owned(),
                    source,
                })?;
            }
            let busy_timeout = config.acquire_timeout;
            let mut opts = ConnectOptions::new(format!("sqlite://{}", path.display()));
            opts.max_connections(config.max_connections)
                .min_connections(1)
                .acquire_timeout(config.acquire_timeout)
                .sqlx_logging(false)
                .test_before_acquire(false)
                .map_sqlx_sqlite_before_acquire(ping_if_suspect(failures))
                .map_sqlx_sqlite_opts(move |o| {
                    o.create_if_missing(true)
                        .journal_mode(SqliteJournalMode::Wal)
                        .synchronous(SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(busy_timeout)
                });
            Ok((Database::connect(opts).await.map_err(wrap)?, None))
        }
        Target::SqliteMemory => {
            // A named, shared-cache in-memory database lives while any connection to it is
            // open. The pool has exactly one working connection (one writer, no lock
            // contention); the anchor, a second pool of one idle connection opened first,
            // keeps the data when sqlx closes the working connection (it does when a query
            // future is dropped mid-statement) and the pool opens a new one.
            static NEXT: AtomicU64 = AtomicU64::new(0);
            let url = format!(
                "sqlite:file:mosaic-memory-{}-{}?mode=memory&cache=shared",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            );
            let memory = |max: u32| {
                let mut opts = ConnectOptions::new(url.clone());
                opts.max_connections(max)
                    .min_connections(1)
                    .idle_timeout(None)
                    .max_lifetime(None)
                    .acquire_timeout(config.acquire_timeout)
                    .sqlx_logging(false)
                    .map_sqlx_sqlite_opts(|o| o.foreign_keys(true));
                opts
            };
            let anchor = Database::connect(memory(1)).await.map_err(wrap)?;
            let pool = Database::connect(memory(1)).await.map_err(wrap)?;
            Ok((pool, Some(anchor)))
        }
    }
}
