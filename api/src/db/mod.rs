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

mod config;
mod metrics;
mod pool;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use entity::Domain;
use sea_orm::{DatabaseConnection, DbBackend};

pub use config::*;
pub use metrics::*;
use pool::*;

/// Default of [`DbConfig::acquire_timeout`]: far above a healthy pool's wait (a few
/// milliseconds), far below the request timeout and clients' own timeouts, so that a
/// request during an outage fails fast and retryably instead of hanging.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Longest [`Databases::close`] waits for a pool's connections in use.
pub const CLOSE_WAIT: Duration = Duration::from_secs(5);

/// The five domains' connection pools. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Databases {
    pools: Arc<[DatabaseConnection; 5]>,
    metrics: Arc<SqlMetrics>,
    /// One writer at a time per SQLite domain (see [`crate::write`]).
    writers: Arc<[Arc<crate::write::Writer>; 5]>,
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
        let feeds = crate::events::Feeds::new(&pools, config.max_subscriptions);
        let writers: [Arc<crate::write::Writer>; 5] = std::array::from_fn(|i| {
            Arc::new(crate::write::Writer::new(Some(feeds.waker(Domain::ALL[i]))))
        });
        for domain in Domain::ALL {
            if let Target::SqliteFile(path) = config.target(domain)? {
                let mut wal = path.into_os_string();
                wal.push("-wal");
                tokio::spawn(checkpoint_wal(
                    PathBuf::from(wal),
                    pools[domain.index()].clone(),
                    Arc::downgrade(&writers[domain.index()]),
                ));
            }
        }
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
            writers: Arc::new(writers),
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
    /// domain's [`crate::write::Writer`] (the in-process writer lock and group commit).
    pub fn store(&self, domain: Domain) -> crate::write::Store {
        let db = self.get(domain).clone();
        let writer = (db.get_database_backend() == DbBackend::Sqlite)
            .then(|| Arc::clone(&self.writers[domain.index()]));
        crate::write::Store::new(db, writer)
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

/// The backend a domain's pool talks to.
pub fn backend(db: &DatabaseConnection) -> DbBackend {
    db.get_database_backend()
}
