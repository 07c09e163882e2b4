//! Scale data (`mosaic seed --scale N`): large, linked, deterministic data in every domain,
//! for benchmarks. Each domain's generator lives beside its demo data
//! (`<domain>/scale.rs`); this module holds what they share: the [`Plan`] of row counts,
//! the [`Rng`], the fixed clock, and [`Batch`], the bulk writer.
//!
//! - Rows go straight to storage as multi-row `INSERT`s of up to 1,000 rows (fewer for
//!   wide tables, so a statement stays under SQLite's 32,766 bind variables), one
//!   transaction per domain: a failure leaves the domain as it was.
//! - The same scale and seed give the same rows, byte for byte: every value comes from a
//!   splitmix64 stream seeded from `--seed`, every timestamp from a fixed epoch.
//! - The change logs (`change_log` of Atrarium, Orquestra and Bellamy) get no events: the
//!   data was not written through the API, and subscribers start from the head anyway.
//!   Inner Universe's `event_log` (the audit trail) and the PDS's `repo_seq` (the
//!   firehose) *are* data and are generated, gap-free from 1 in time order.
//! - A domain holding data is refused unless `force` is given, which recreates the
//!   domain's tables first (`mosaic migrate fresh`).

pub mod atrarium;
pub mod bellamy;
pub mod orquestra;
pub mod pds;
pub mod universe;

use std::time::{Duration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use entity::Domain;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityName,
    EntityTrait, Iterable, Statement,
};

use crate::db::Databases;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// The scale factor N (1.0: the sizes in [`Plan`]'s docs); fractions allowed.
    pub scale: f64,
    /// The PRNG seed: the same scale and seed give the same data.
    pub seed: u64,
    /// The domains to fill.
    pub domains: Vec<Domain>,
    /// Recreate a domain that already holds data instead of refusing it.
    pub force: bool,
}

/// Why scale data could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ScaleError {
    /// The scale factor is not a positive number up to [`MAX_SCALE`].
    #[error("the scale must be a number greater than 0 and at most {MAX_SCALE}, not {0}")]
    BadScale(f64),
    /// Domains hold data and `force` was not given; nothing was written.
    #[error(
        "{} already hold data; nothing was written (use --force to recreate them, which deletes their data)",
        .0.iter().map(|d| d.name()).collect::<Vec<_>>().join(", ")
    )]
    NotEmpty(Vec<Domain>),
    /// Storage failed in `domain`; that domain's transaction was rolled back.
    #[error("{domain}: {source}")]
    Db {
        /// The domain being written.
        domain: Domain,
        /// The storage error.
        source: DbErr,
    },
}

/// Largest scale factor accepted (100 would be 100M event rows).
pub const MAX_SCALE: f64 = 100.0;

/// What was written in one domain.
#[derive(Clone, Debug)]
pub struct DomainReport {
    /// The domain.
    pub domain: Domain,
    /// Rows written per table, in the order written.
    pub tables: Vec<(&'static str, u64)>,
    /// Time taken (generation and storage).
    pub elapsed: Duration,
}

impl DomainReport {
    /// Rows written in all tables.
    pub fn rows(&self) -> u64 {
        self.tables.iter().map(|(_, n)| n).sum()
    }
}

/// The row counts of a scale. Top-level counts are `max(min, round(base × N))`; every
/// other count is a fixed multiple of one of them, so counts grow linearly with N. At
/// N = 1:
///
/// | domain | top-level count (base, min) | per parent |
/// |---|---|---|
/// | Orquestra | users 10,000 (min 1) | 5 projects per user; per project 5 IDL versions, 1 socials row, 2 known addresses, 1 API key |
/// | Atrarium | communities 1,000 (min 1) | 5 theme feeds and 50 memberships per community; 100 indexed posts per feed (the first feed: 1,000) |
/// | PDS | accounts 2,000 (min 50) | per account 1 repo, 1 PLC operation, 1 session, 20 records (profile + 19 posts), 22 blocks, 3 `repo_seq` events |
/// | Bellamy | users 10,000 (min 16); hashtags 1,000 (min 2); conversations 2,000 (min 1) | per user 10 posts, 5 friends (10 friendship rows, 5 accepted requests), 10 follows, 5 notifications; per post 3 comments, 5 reactions, 2 hashtags; per conversation 2 participants, 20 messages |
/// | Universe | state versions 100,000 (min 10); entities 20,000 (min 2); client connections 100 (min 1) | 2 deltas per version; 3 relations per entity; 2 subscriptions per connection; 10 events per version |
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Orquestra users.
    pub orquestra_users: u64,
    /// Atrarium communities.
    pub communities: u64,
    /// PDS accounts (their DIDs are Atrarium's members and authors too).
    pub pds_accounts: u64,
    /// Bellamy users.
    pub bellamy_users: u64,
    /// Bellamy hashtags.
    pub hashtags: u64,
    /// Bellamy conversations.
    pub conversations: u64,
    /// Universe state versions.
    pub versions: u64,
    /// Universe entities.
    pub entities: u64,
    /// Universe client connections.
    pub connections: u64,
}

impl Plan {
    /// The counts at scale `n` (checked by [`Plan::new`]'s caller).
    pub fn new(n: f64) -> Self {
        let count = |base: f64, min: u64| ((base * n).round() as u64).max(min);
        Self {
            orquestra_users: count(10_000.0, 1),
            communities: count(1_000.0, 1),
            pds_accounts: count(2_000.0, 50),
            bellamy_users: count(10_000.0, 16),
            hashtags: count(1_000.0, 2),
            conversations: count(2_000.0, 1),
            versions: count(100_000.0, 10),
            entities: count(20_000.0, 2),
            connections: count(100.0, 1),
        }
    }
}

/// A splitmix64 stream: small, fast and the same on every platform.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// The stream of `seed` for one purpose (`stream` separates the domains' streams).
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut r = Self(seed ^ stream.wrapping_mul(0xd1b5_4a32_d192_ed03));
        r.next_u64();
        r
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// True with probability `percent` / 100.
    pub fn percent(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items` (not empty).
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `n` random bytes.
    pub fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        for chunk in out.chunks_mut(8) {
            let v = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        out
    }

    /// A version 4 UUID.
    pub fn uuid(&mut self) -> uuid::Uuid {
        uuid::Builder::from_random_bytes(self.bytes()).into_uuid()
    }

    /// `n` lowercase hex digits.
    pub fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }
}

/// The fixed clock scale data starts at: 2025-01-01T00:00:00Z.
pub fn epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A time `seconds` after [`epoch`].
pub fn at(seconds: u64) -> DateTime<Utc> {
    epoch() + chrono::Duration::seconds(i64::try_from(seconds).unwrap_or(i64::MAX / 2_000_000))
}

/// Most rows in one `INSERT`.
const MAX_ROWS: usize = 1_000;
/// Most bind variables in one `INSERT` (SQLite allows 32,766, PostgreSQL 65,535).
const MAX_BINDS: usize = 30_000;

/// A bulk writer for one table: collects rows, and on [`Batch::flush`] writes them as
/// multi-row `INSERT`s. Generators flush parents before children (foreign keys are
/// checked per statement) every [`CHUNK`] parents or so, which bounds the memory held.
pub struct Batch<'c, C, A> {
    txn: &'c C,
    rows: Vec<A>,
    size: usize,
    count: u64,
}

/// About how many rows a generator buffers per table before flushing.
pub const CHUNK: u64 = 5_000;

impl<'c, C, A> Batch<'c, C, A>
where
    C: ConnectionTrait,
    A: ActiveModelTrait + Send,
{
    /// A writer into `txn`.
    pub fn new(txn: &'c C) -> Self {
        let columns = <A::Entity as EntityTrait>::Column::iter().count().max(1);
        let size = (MAX_BINDS / columns).clamp(1, MAX_ROWS);
        Self {
            txn,
            rows: Vec::new(),
            size,
            count: 0,
        }
    }

    /// Adds a row (written on the next flush).
    pub fn push(&mut self, row: impl sea_orm::IntoActiveModel<A>) {
        self.rows.push(row.into_active_model());
    }

    /// Rows pushed and not yet written.
    pub fn pending(&self) -> usize {
        self.rows.len()
    }

    /// Writes the rows pushed so far.
    pub async fn flush(&mut self) -> Result<(), DbErr> {
        let mut rows = std::mem::take(&mut self.rows).into_iter().peekable();
        while rows.peek().is_some() {
            let part: Vec<A> = rows.by_ref().take(self.size).collect();
            self.count += part.len() as u64;
            <A::Entity as EntityTrait>::insert_many(part)
                .exec_without_returning(self.txn)
                .await?;
        }
        Ok(())
    }

    /// Writes what is left; the table's name and the rows written.
    pub async fn finish(mut self) -> Result<(&'static str, u64), DbErr> {
        self.flush().await?;
        let table = <A::Entity as Default>::default().table_name();
        tracing::info!("  {table}: {} rows", self.count);
        Ok((table, self.count))
    }
}

/// Flushes the given batches in order (parents first).
macro_rules! flush_all {
    ($($batch:expr),+ $(,)?) => {
        $( $batch.flush().await?; )+
    };
}
pub(crate) use flush_all;

/// On PostgreSQL, moves `table`'s `column` sequence past the ids written explicitly, so
/// rows the API inserts later get fresh ids.
pub async fn sync_sequence<C: ConnectionTrait>(
    txn: &C,
    table: &str,
    column: &str,
) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_string(
            DbBackend::Postgres,
            format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{column}'), \
                 (SELECT MAX({column}) FROM {table}))"
            ),
        ))
        .await?;
    }
    Ok(())
}

/// Whether any of `tables` holds a row.
async fn holds_data(db: &DatabaseConnection, tables: &[&str]) -> Result<bool, DbErr> {
    for table in tables {
        let row = db
            .query_one_raw(Statement::from_string(
                db.get_database_backend(),
                format!("SELECT 1 AS one FROM {table} LIMIT 1"),
            ))
            .await?;
        if row.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The data tables of `domain` (not the change logs, not migration bookkeeping).
fn tables(domain: Domain) -> &'static [&'static str] {
    match domain {
        Domain::Atrarium => atrarium::TABLES,
        Domain::Orquestra => orquestra::TABLES,
        Domain::Bellamy => bellamy::TABLES,
        Domain::Pds => pds::TABLES,
        Domain::Universe => universe::TABLES,
    }
}

/// Fills the chosen domains (migrated already) with scale data; see the module docs.
pub async fn seed(dbs: &Databases, options: &Options) -> Result<Vec<DomainReport>, ScaleError> {
    if !(options.scale.is_finite() && options.scale > 0.0 && options.scale <= MAX_SCALE) {
        return Err(ScaleError::BadScale(options.scale));
    }
    let plan = Plan::new(options.scale);
    let mut full = Vec::new();
    for &domain in &options.domains {
        let holds = holds_data(dbs.get(domain), tables(domain))
            .await
            .map_err(|source| ScaleError::Db { domain, source })?;
        if holds {
            full.push(domain);
        }
    }
    if !full.is_empty() && !options.force {
        return Err(ScaleError::NotEmpty(full));
    }
    let mut reports = Vec::new();
    for &domain in &options.domains {
        let db = dbs.get(domain);
        let started = Instant::now();
        let failed = |source| ScaleError::Db { domain, source };
        if full.contains(&domain) {
            tracing::info!("{domain}: recreating the tables (--force)");
            migration::fresh(domain, db).await.map_err(failed)?;
        }
        tracing::info!("{domain}: generating");
        let tables = match domain {
            Domain::Atrarium => atrarium::seed(db, &plan, options.seed).await,
            Domain::Orquestra => orquestra::seed(db, &plan, options.seed).await,
            Domain::Bellamy => bellamy::seed(db, &plan, options.seed).await,
            Domain::Pds => pds::seed(db, &plan, options.seed).await,
            Domain::Universe => universe::seed(db, &plan, options.seed).await,
        }
        .map_err(failed)?;
        let report = DomainReport {
            domain,
            tables,
            elapsed: started.elapsed(),
        };
        tracing::info!("{domain}: {} rows in {:.1?}", report.rows(), report.elapsed);
        reports.push(report);
    }
    Ok(reports)
}

/// The DID of PDS account `i` at `seed` — derived from the account's genesis operation,
/// so it is computed by the PDS generator and shared with Atrarium through this list.
pub fn pds_dids(plan: &Plan, seed: u64) -> Vec<String> {
    pds::dids(plan, seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_fixed_for_a_seed() {
        let a: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7, 1);
                move |_| r.next_u64()
            })
            .collect();
        let b: Vec<u64> = (0..4)
            .map({
                let mut r = Rng::new(7, 1);
                move |_| r.next_u64()
            })
            .collect();
        assert_eq!(a, b);
        assert_ne!(Rng::new(7, 1).next_u64(), Rng::new(7, 2).next_u64());
        assert_ne!(Rng::new(7, 1).next_u64(), Rng::new(8, 1).next_u64());
    }

    #[test]
    fn counts_grow_linearly_with_a_floor() {
        let one = Plan::new(1.0);
        assert_eq!(one.orquestra_users, 10_000);
        assert_eq!(one.versions, 100_000);
        assert_eq!(Plan::new(0.1).communities, 100);
        let tiny = Plan::new(0.002);
        assert_eq!(tiny.orquestra_users, 20);
        assert_eq!(tiny.pds_accounts, 50);
        assert_eq!(tiny.bellamy_users, 20);
    }
}
