//! Storage: one connection pool per domain.
//!
//! * PostgreSQL (`postgres://...`): one database, one schema per domain (`atrarium`,
//!   `orquestra`, ...), chosen with the pool's `search_path`.
//! * SQLite (`sqlite://DIR`): one database file per domain in `DIR` (`DIR/orquestra.db`,
//!   ...), in WAL mode with foreign keys on, a busy timeout and `synchronous = NORMAL`.
//! * `sqlite::memory:`: one private in-memory database per domain (tests), kept alive by
//!   an idle anchor connection so that a pool connection closed mid-query (a cancelled
//!   request) reconnects to the same data instead of to a new, empty database.
//!
//! Outages: a request waits at most [`DbConfig::acquire_timeout`] for a connection (and,
//! on SQLite, for a lock another process holds on the file), then fails with
//! `SERVICE_UNAVAILABLE` ([`crate::error::outage`]). A pool tests an idle connection
//! before handing it out when the connection has been idle for [`PING_IF_IDLE`], or when
//! a statement of the pool failed after the connection went idle ([`Failures`]): an
//! outage that a request noticed makes the pool check every connection that was idle
//! through it, so once the database is back the next request gets a fresh one. Hot
//! connections are handed out without a round trip (sqlx already pings each one when it
//! is returned).
//! [`Databases::health`] pings every domain at once within a fixed budget.
//!
//! One URL serves all five domains; a per-domain override may put a domain elsewhere
//! (for SQLite, the override names the database file itself).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use entity::Domain;
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr};

/// Default of [`DbConfig::acquire_timeout`]: far above a healthy pool's wait (a few
/// milliseconds), far below the request timeout and clients' own timeouts, so that a
/// request during an outage fails fast and retryably instead of hanging.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// How long opening storage keeps retrying while the database is unavailable (it may be
/// starting alongside Mosaic).
const STARTUP_WAIT: Duration = Duration::from_secs(30);

/// Size of a SQLite write-ahead log above which [`checkpoint_wal`] empties it.
const WAL_LIMIT: u64 = 16 * 1024 * 1024;

/// How often [`checkpoint_wal`] looks at the log's size.
const WAL_CHECK_EVERY: Duration = Duration::from_millis(500);

/// Idle time after which a pooled connection is pinged before use (a server, proxy or
/// firewall may have dropped it meanwhile).
const PING_IF_IDLE: Duration = Duration::from_secs(1);

/// When a statement of one pool last failed, so that connections idle since then are
/// tested before use ([`PING_IF_IDLE`] covers the rest).
#[derive(Debug)]
struct Failures {
    since: std::time::Instant,
    /// Nanoseconds after `since` of the last failure, plus one (0: none yet).
    last: AtomicU64,
}

impl Failures {
    fn new() -> Arc<Self> {
        Arc::new(Self {
            since: std::time::Instant::now(),
            last: AtomicU64::new(0),
        })
    }

    fn now(&self) -> u64 {
        u64::try_from(self.since.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// A statement failed just now.
    fn failed(&self) {
        self.last
            .store(self.now().saturating_add(1), Ordering::Relaxed);
    }

    /// Whether a connection idle for `idle` should be tested before use: idle long, or
    /// idle already when a statement last failed.
    fn suspect(&self, idle: Duration) -> bool {
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
fn ping_if_suspect<C: sea_orm::sqlx::Connection>(
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

/// Where each domain's data lives.
#[derive(Clone, Debug)]
pub struct DbConfig {
    /// The URL serving all five domains; `None` means SQLite files in `data_dir`.
    pub database_url: Option<String>,
    /// Directory of the SQLite files when no URL is given.
    pub data_dir: PathBuf,
    /// Per-domain URLs that take precedence over `database_url`.
    pub overrides: BTreeMap<Domain, String>,
    /// Maximum connections per domain pool (SQLite in-memory pools always use one).
    pub max_connections: u32,
    /// PostgreSQL `statement_timeout`: the server cancels longer statements.
    pub statement_timeout: Option<Duration>,
    /// Longest a request waits for a pool connection (opening one if needed) and, on
    /// SQLite, for a lock another process holds on the file (the busy timeout) before it
    /// fails with `SERVICE_UNAVAILABLE`.
    pub acquire_timeout: Duration,
    /// Most subscriptions running at once on this server, over all domains.
    pub max_subscriptions: usize,
}

impl DbConfig {
    /// SQLite files in `data_dir`, no overrides.
    pub fn sqlite_dir(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            database_url: None,
            data_dir: data_dir.into(),
            overrides: BTreeMap::new(),
            max_connections: 10,
            statement_timeout: None,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            max_subscriptions: crate::events::DEFAULT_MAX_SUBSCRIPTIONS,
        }
    }

    /// The same URL for every domain.
    pub fn url(url: impl Into<String>) -> Self {
        Self {
            database_url: Some(url.into()),
            ..Self::sqlite_dir("data")
        }
    }

    /// Where `domain` is stored.
    pub fn target(&self, domain: Domain) -> Result<Target, DbError> {
        if let Some(url) = self.overrides.get(&domain) {
            return Target::parse(url, domain, true);
        }
        match &self.database_url {
            Some(url) => Target::parse(url, domain, false),
            None => Ok(Target::SqliteFile(domain_file(&self.data_dir, domain))),
        }
    }
}

fn domain_file(dir: &Path, domain: Domain) -> PathBuf {
    dir.join(format!("{}.db", domain.name()))
}

/// A resolved storage location of one domain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A PostgreSQL database URL; the domain uses the schema named after it.
    Postgres(String),
    /// A SQLite database file.
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database.
    SqliteMemory,
}

impl Target {
    /// Reads a URL. A shared SQLite URL names a directory; an override names the file.
    fn parse(url: &str, domain: Domain, is_override: bool) -> Result<Self, DbError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Target::Postgres(url.to_owned()));
        }
        let Some(rest) = url.strip_prefix("sqlite:") else {
            return Err(DbError::UnsupportedUrl(redact(url)));
        };
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split('?').next().unwrap_or_default();
        if path == ":memory:" || url.contains("mode=memory") {
            return Ok(Target::SqliteMemory);
        }
        if path.is_empty() {
            return Err(DbError::UnsupportedUrl(redact(url)));
        }
        Ok(if is_override {
            Target::SqliteFile(PathBuf::from(path))
        } else {
            Target::SqliteFile(domain_file(Path::new(path), domain))
        })
    }
}

/// Hides a password in a URL before it is shown anywhere.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let creds = &url[scheme_end + 3..at];
            match creds.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme_end + 3],
                    &creds[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// What can go wrong when opening storage.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The URL names a backend Mosaic does not support.
    #[error(
        "unsupported database URL `{0}` (expected postgres://..., sqlite://DIR or sqlite::memory:)"
    )]
    UnsupportedUrl(String),
    /// The SQLite data directory could not be created.
    #[error("cannot create data directory {path}: {source}")]
    DataDir {
        /// The directory.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Connecting or preparing the domain's storage failed.
    #[error("{domain}: {source}")]
    Connect {
        /// The domain being opened.
        domain: Domain,
        /// Why.
        source: DbErr,
    },
    /// A migration failed.
    #[error("{domain}: migration failed: {source}")]
    Migrate {
        /// The domain being migrated.
        domain: Domain,
        /// Why.
        source: DbErr,
    },
}

/// Counts of SQL statements executed, per domain, since the pools were opened. Tests and
/// `/metrics` read them to make batching observable from outside.
#[derive(Debug, Default)]
pub struct SqlMetrics {
    statements: [AtomicU64; 5],
    failed: [AtomicU64; 5],
    latency: [crate::metrics::Histogram; 5],
    /// While true, the text of every statement is kept in `log` (tests read it).
    logging: std::sync::atomic::AtomicBool,
    log: std::sync::Mutex<Vec<String>>,
}

impl SqlMetrics {
    /// Statements executed on `domain`'s pool (failed ones included).
    pub fn statements(&self, domain: Domain) -> u64 {
        self.statements[domain.index()].load(Ordering::Relaxed)
    }

    /// Statements on `domain`'s pool that returned an error.
    pub fn failed(&self, domain: Domain) -> u64 {
        self.failed[domain.index()].load(Ordering::Relaxed)
    }

    /// How long `domain`'s statements took.
    pub fn latency(&self, domain: Domain) -> &crate::metrics::Histogram {
        &self.latency[domain.index()]
    }

    /// Statements executed on every pool together.
    pub fn total(&self) -> u64 {
        Domain::ALL.into_iter().map(|d| self.statements(d)).sum()
    }

    /// Starts keeping the SQL text of every statement (for tests: what a request reads).
    pub fn start_log(&self) {
        if let Ok(mut log) = self.log.lock() {
            log.clear();
        }
        self.logging.store(true, Ordering::SeqCst);
    }

    /// Stops keeping statements and returns those kept since [`SqlMetrics::start_log`].
    pub fn take_log(&self) -> Vec<String> {
        self.logging.store(false, Ordering::SeqCst);
        self.log
            .lock()
            .map(|mut log| std::mem::take(&mut *log))
            .unwrap_or_default()
    }

    fn record(&self, domain: Domain, info: &sea_orm::metric::Info<'_>) {
        self.statements[domain.index()].fetch_add(1, Ordering::Relaxed);
        self.latency[domain.index()].observe(info.elapsed);
        if info.failed {
            self.failed[domain.index()].fetch_add(1, Ordering::Relaxed);
        }
        if self.logging.load(Ordering::Relaxed)
            && let Ok(mut log) = self.log.lock()
        {
            log.push(info.statement.sql.clone());
        }
    }
}

/// Longest [`Databases::close`] waits for a pool's connections in use.
pub const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// The five domains' connection pools. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Databases {
    pools: Arc<[DatabaseConnection; 5]>,
    metrics: Arc<SqlMetrics>,
    /// One writer at a time per SQLite domain (see [`crate::write`]).
    write_locks: Arc<[Arc<tokio::sync::Mutex<()>>; 5]>,
    /// Each domain's live feed of its change log (see [`crate::events`]).
    feeds: crate::events::Feeds,
    /// In-memory SQLite only: one idle connection per database that keeps it alive.
    _anchors: Arc<[DatabaseConnection]>,
    /// Wakes open WebSockets when a credential is revoked (see [`crate::identity`]).
    revocations: crate::identity::Revocations,
    /// The server's clock: the times and time-ordered ids of writes.
    clock: crate::clock::Clock,
}

impl Databases {
    /// Opens (and creates, where needed) every domain's storage.
    pub async fn connect(config: &DbConfig) -> Result<Self, DbError> {
        let metrics = Arc::new(SqlMetrics::default());
        let mut pools = Vec::with_capacity(Domain::ALL.len());
        let mut anchors = Vec::new();
        for domain in Domain::ALL {
            let failures = Failures::new();
            let (mut pool, anchor) = connect_domain(config, domain, &failures).await?;
            anchors.extend(anchor);
            let counter = Arc::clone(&metrics);
            pool.set_metric_callback(move |info| {
                if info.failed {
                    failures.failed();
                }
                counter.record(domain, info)
            });
            pools.push(pool);
        }
        let pools: [DatabaseConnection; 5] = pools
            .try_into()
            .map_err(|_| DbError::UnsupportedUrl("internal: pool count".to_owned()))?;
        let write_locks: [Arc<tokio::sync::Mutex<()>>; 5] = std::array::from_fn(|_| Arc::default());
        for domain in Domain::ALL {
            if let Target::SqliteFile(path) = config.target(domain)? {
                let mut wal = path.into_os_string();
                wal.push("-wal");
                tokio::spawn(checkpoint_wal(
                    PathBuf::from(wal),
                    pools[domain.index()].clone(),
                    Arc::downgrade(&write_locks[domain.index()]),
                ));
            }
        }
        let feeds = crate::events::Feeds::new(&pools, config.max_subscriptions);
        // One NOTIFY listener per PostgreSQL database, for the domains stored there.
        let mut listeners: BTreeMap<String, Vec<(Domain, std::sync::Weak<tokio::sync::Notify>)>> =
            BTreeMap::new();
        for domain in Domain::ALL {
            if let Target::Postgres(url) = config.target(domain)? {
                listeners
                    .entry(url)
                    .or_default()
                    .push((domain, Arc::downgrade(&feeds.waker(domain))));
            }
        }
        for (url, domains) in listeners {
            tokio::spawn(crate::events::listen::run(url, domains));
        }
        Ok(Self {
            pools: Arc::new(pools),
            metrics,
            write_locks: Arc::new(write_locks),
            feeds,
            _anchors: anchors.into(),
            revocations: crate::identity::Revocations::default(),
            clock: crate::clock::Clock::system(),
        })
    }

    /// The domains' live feeds.
    pub fn feeds(&self) -> &crate::events::Feeds {
        &self.feeds
    }

    /// Credential revocations in this process.
    pub fn revocations(&self) -> &crate::identity::Revocations {
        &self.revocations
    }

    /// SQL statement counters.
    pub fn metrics(&self) -> &SqlMetrics {
        &self.metrics
    }

    /// The pool of `domain`.
    pub fn get(&self, domain: Domain) -> &DatabaseConnection {
        &self.pools[domain.index()]
    }

    /// `domain`'s storage as a [`crate::write::Store`]: its pool plus, on SQLite, the
    /// in-process writer lock that write transactions take.
    pub fn store(&self, domain: Domain) -> crate::write::Store {
        let db = self.get(domain).clone();
        let lock = (db.get_database_backend() == DbBackend::Sqlite)
            .then(|| Arc::clone(&self.write_locks[domain.index()]));
        crate::write::Store::new(db, lock)
            .waking(self.feeds.waker(domain))
            .clocked(self.clock.clone())
    }

    /// The server's clock (the system clock unless [`Databases::with_clock`] set another).
    pub fn clock(&self) -> &crate::clock::Clock {
        &self.clock
    }

    /// The same storage, writing times and ids from `clock` (a test's manual clock).
    pub fn with_clock(mut self, clock: crate::clock::Clock) -> Self {
        self.clock = clock;
        self
    }

    /// Atrarium's pool.
    pub fn atrarium(&self) -> &DatabaseConnection {
        self.get(Domain::Atrarium)
    }

    /// Orquestra's pool.
    pub fn orquestra(&self) -> &DatabaseConnection {
        self.get(Domain::Orquestra)
    }

    /// Bellamy Book's pool.
    pub fn bellamy(&self) -> &DatabaseConnection {
        self.get(Domain::Bellamy)
    }

    /// The PDS's pool.
    pub fn pds(&self) -> &DatabaseConnection {
        self.get(Domain::Pds)
    }

    /// Inner Universe's pool.
    pub fn universe(&self) -> &DatabaseConnection {
        self.get(Domain::Universe)
    }

    /// Applies every pending migration of every domain.
    pub async fn migrate_up(&self) -> Result<(), DbError> {
        for domain in Domain::ALL {
            migration::up(domain, self.get(domain), None)
                .await
                .map_err(|source| DbError::Migrate { domain, source })?;
        }
        Ok(())
    }

    /// Pings every domain's storage at once, each within `budget`: per domain, `Ok` or
    /// why it is unavailable (`"timeout"`, `"connection refused"`, ...; a failure that is
    /// not an outage is logged and reported as `"error"`).
    pub async fn health(&self, budget: Duration) -> Vec<(Domain, Result<(), String>)> {
        let pings = Domain::ALL.map(|domain| async move {
            let answer = match tokio::time::timeout(budget, self.get(domain).ping()).await {
                Ok(Ok(())) => Ok(()),
                Err(_) => Err(crate::error::Outage::Timeout.to_string()),
                Ok(Err(e)) => Err(match crate::error::outage(&e) {
                    Some(outage) => outage.to_string(),
                    None => {
                        tracing::warn!("{domain}: health check failed: {e}");
                        "error".to_owned()
                    }
                }),
            };
            (domain, answer)
        });
        async_graphql::futures_util::future::join_all(pings).await
    }

    /// Whether every domain is ready to serve: its storage answers within `budget` and
    /// every one of its migrations is applied. Per domain, `Ok` or why not
    /// (`"unavailable: timeout"`, `"2 migrations pending"`, ...).
    pub async fn readiness(&self, budget: Duration) -> Vec<(Domain, Result<(), String>)> {
        let checks = Domain::ALL.map(|domain| async move {
            let status = tokio::time::timeout(budget, migration::status(domain, self.get(domain)));
            let answer = match status.await {
                Err(_) => Err(format!("unavailable: {}", crate::error::Outage::Timeout)),
                Ok(Err(e)) => Err(match crate::error::outage(&e) {
                    Some(outage) => format!("unavailable: {outage}"),
                    None => {
                        tracing::warn!("{domain}: readiness check failed: {e}");
                        "error".to_owned()
                    }
                }),
                Ok(Ok(states)) => match states.iter().filter(|s| !s.applied).count() {
                    0 => Ok(()),
                    1 => Err("1 migration pending".to_owned()),
                    n => Err(format!("{n} migrations pending")),
                },
            };
            (domain, answer)
        });
        async_graphql::futures_util::future::join_all(checks).await
    }

    /// `(in use, idle)` connections of `domain`'s pool.
    pub fn pool_usage(&self, domain: Domain) -> (u32, usize) {
        let conn = self.get(domain);
        let (size, idle) = match conn.get_database_backend() {
            DbBackend::Postgres => {
                let pool = conn.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DbBackend::Sqlite => {
                let pool = conn.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => (0, 0),
        };
        let idle_u32 = u32::try_from(idle).unwrap_or(u32::MAX);
        (size.saturating_sub(idle_u32), idle)
    }

    /// Closes every pool.
    ///
    /// Every clone of these pools is closed with them, background tasks' included (they
    /// would otherwise keep a pool, and on SQLite its write-ahead log, open until the
    /// process exits): call this only once the work is done. A pool waits for its
    /// connections still in use, at most [`CLOSE_WAIT`].
    pub async fn close(self) {
        for pool in self.pools.iter().chain(self._anchors.iter()) {
            if tokio::time::timeout(CLOSE_WAIT, pool.close_by_ref())
                .await
                .is_err()
            {
                tracing::warn!("a pool still had connections in use after {CLOSE_WAIT:?}");
            }
        }
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
async fn checkpoint_wal(
    wal: PathBuf,
    db: DatabaseConnection,
    lock: std::sync::Weak<tokio::sync::Mutex<()>>,
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
        let _writer = lock.lock().await;
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
async fn connect_domain(
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
async fn open_domain(
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

/// The backend a domain's pool talks to.
pub fn backend(db: &DatabaseConnection) -> DbBackend {
    db.get_database_backend()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_idle_long_or_through_a_failure_are_tested_before_use() {
        let failures = Failures::new();
        let short = Duration::from_millis(50);
        assert!(!failures.suspect(short), "a hot connection is trusted");
        assert!(failures.suspect(PING_IF_IDLE), "a long idle one is tested");
        std::thread::sleep(Duration::from_millis(20));
        failures.failed();
        assert!(
            failures.suspect(short),
            "idle since before the failure: tested"
        );
        std::thread::sleep(Duration::from_millis(20));
        assert!(
            !failures.suspect(Duration::from_millis(5)),
            "returned after the failure: trusted"
        );
    }

    /// Continuous overlapping reads and 48 MB of writes: the log stays near its limit
    /// (without the checkpointer it grows with every write).
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn the_write_ahead_log_stays_bounded_under_continuous_reads() {
        let dir = std::env::temp_dir().join(format!("mosaic-wal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let dbs = Databases::connect(&DbConfig::sqlite_dir(&dir))
            .await
            .unwrap();
        let db = dbs.orquestra().clone();
        db.execute_unprepared("CREATE TABLE filler (id INTEGER PRIMARY KEY, b BLOB)")
            .await
            .unwrap();
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut readers = Vec::new();
        for _ in 0..4 {
            let (db, stop) = (db.clone(), Arc::clone(&stop));
            readers.push(tokio::spawn(async move {
                use sea_orm::TransactionTrait;
                while !stop.load(Ordering::Relaxed) {
                    let txn = db.begin().await.unwrap();
                    txn.execute_unprepared("SELECT count(*) FROM filler")
                        .await
                        .unwrap();
                    tokio::time::sleep(Duration::from_millis(3)).await;
                    txn.commit().await.unwrap();
                }
            }));
        }
        let store = dbs.store(Domain::Orquestra);
        let wal = dir.join("orquestra.db-wal");
        let mut largest = 0;
        for _ in 0..1_200 {
            store
                .transaction(|txn| {
                    Box::pin(async move {
                        txn.execute_unprepared("INSERT INTO filler (b) VALUES (randomblob(40000))")
                            .await?;
                        Ok(())
                    })
                })
                .await
                .unwrap();
            largest = largest.max(std::fs::metadata(&wal).map_or(0, |m| m.len()));
        }
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            r.await.unwrap();
        }
        dbs.close().await;
        let _ = std::fs::remove_dir_all(&dir);
        assert!(
            largest <= WAL_LIMIT + 12 * 1024 * 1024,
            "the log grew to {largest} bytes"
        );
    }

    #[test]
    fn shared_sqlite_url_names_a_directory() {
        let cfg = DbConfig::url("sqlite://var/lib/mosaic");
        assert_eq!(
            cfg.target(Domain::Pds).ok(),
            Some(Target::SqliteFile(PathBuf::from("var/lib/mosaic/pds.db")))
        );
    }

    #[test]
    fn override_names_the_file() {
        let mut cfg = DbConfig::sqlite_dir("data");
        cfg.overrides
            .insert(Domain::Pds, "sqlite:///srv/pds.sqlite".to_owned());
        assert_eq!(
            cfg.target(Domain::Pds).ok(),
            Some(Target::SqliteFile(PathBuf::from("/srv/pds.sqlite")))
        );
        assert_eq!(
            cfg.target(Domain::Bellamy).ok(),
            Some(Target::SqliteFile(PathBuf::from("data/bellamy.db")))
        );
    }

    #[test]
    fn memory_and_postgres_and_garbage() {
        assert_eq!(
            DbConfig::url("sqlite::memory:")
                .target(Domain::Atrarium)
                .ok(),
            Some(Target::SqliteMemory)
        );
        assert_eq!(
            DbConfig::url("postgres://u@h/db")
                .target(Domain::Atrarium)
                .ok(),
            Some(Target::Postgres("postgres://u@h/db".to_owned()))
        );
        assert!(matches!(
            DbConfig::url("mysql://x").target(Domain::Atrarium),
            Err(DbError::UnsupportedUrl(_))
        ));
    }

    /// sqlx closes a connection whose query future is dropped mid-statement; the pool then
    /// opens a new one. An in-memory database must still hold its data afterwards.
    #[tokio::test]
    async fn in_memory_data_outlives_a_closed_connection() -> Result<(), Box<dyn std::error::Error>>
    {
        let config = DbConfig::url("sqlite::memory:");
        let (pool, anchor) = connect_domain(&config, Domain::Atrarium, &Failures::new()).await?;
        assert!(anchor.is_some());
        pool.execute_unprepared("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (7)")
            .await?;
        pool.get_sqlite_connection_pool()
            .acquire()
            .await?
            .close()
            .await?;
        let row = pool
            .query_one_raw(sea_orm::Statement::from_string(
                DbBackend::Sqlite,
                "SELECT x FROM t",
            ))
            .await?
            .ok_or("no row")?;
        assert_eq!(row.try_get::<i64>("", "x")?, 7);
        // Two pools are two databases.
        let (other, _anchor) = connect_domain(&config, Domain::Atrarium, &Failures::new()).await?;
        assert!(other.execute_unprepared("SELECT x FROM t").await.is_err());
        Ok(())
    }

    #[test]
    fn redacts_passwords() {
        assert_eq!(
            redact("postgres://me:secret@db:5432/x"),
            "postgres://me:***@db:5432/x"
        );
        assert_eq!(redact("postgres://me@db/x"), "postgres://me@db/x");
    }
}
