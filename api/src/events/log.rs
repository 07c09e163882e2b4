//! The logs subscriptions follow, and how writers append to them.
//!
//! Every log has a `seq` column that is gap-free and in commit order. Writers get there by
//! appending under the log's lock ([`next_seq`]): on PostgreSQL `LOCK TABLE … IN EXCLUSIVE
//! MODE` (plain reads go on; a second appender waits until the first commits), on SQLite
//! the domain's writer lock, which every write transaction already holds. The lock is
//! taken as the *last* step of a write, once its other rows are written, so it is held
//! only for the insert and the commit and cannot take part in a lock-order deadlock.
//!
//! Because seq order is commit order, a reader that has seen `seq = n` has seen every
//! event before it: a cursor is a complete description of what a subscriber has had.

use std::sync::Arc;

use entity::change_log;
use entity::pds::repo_seq;
use entity::universe::event_log;
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, FromQueryResult,
    QueryFilter, QueryOrder, QuerySelect, Statement,
};
use serde_json::Value;

/// PostgreSQL channel on which appends announce `<domain>:<seq>` (delivered on commit).
pub const CHANNEL: &str = "mosaic_log";

/// A sequenced, append-only table that subscriptions follow.
pub trait Log: Send + Sync + 'static {
    /// The table's entity.
    type Entity: EntityTrait<Model = Self::Row>;
    /// One event.
    type Row: FromQueryResult + Clone + Send + Sync + 'static;
    /// The table's name (in the domain's schema or file).
    const TABLE: &'static str;
    /// The sequence column.
    fn seq_column() -> <Self::Entity as EntityTrait>::Column;
    /// An event's sequence number (`None`: not part of the stream).
    fn seq(row: &Self::Row) -> Option<i64>;
    /// When an event was appended, for retention ([`prune`]); `None`: kept forever.
    fn time_column() -> Option<<Self::Entity as EntityTrait>::Column>;
}

/// Atrarium's, Orquestra's and Bellamy's `change_log`.
pub struct ChangeLog;

impl Log for ChangeLog {
    type Entity = change_log::Entity;
    type Row = change_log::Model;
    const TABLE: &'static str = "change_log";
    fn seq_column() -> change_log::Column {
        change_log::Column::Seq
    }
    fn seq(row: &change_log::Model) -> Option<i64> {
        Some(row.seq)
    }
    fn time_column() -> Option<change_log::Column> {
        Some(change_log::Column::CreatedAt)
    }
}

/// The PDS sequencer, `repo_seq`.
pub struct RepoSeq;

impl Log for RepoSeq {
    type Entity = repo_seq::Entity;
    type Row = repo_seq::Model;
    const TABLE: &'static str = "repo_seq";
    fn seq_column() -> repo_seq::Column {
        repo_seq::Column::Seq
    }
    fn seq(row: &repo_seq::Model) -> Option<i64> {
        Some(row.seq)
    }
    fn time_column() -> Option<repo_seq::Column> {
        Some(repo_seq::Column::SequencedAt)
    }
}

/// Inner Universe's `event_log` (rows without `seq` were written outside the API). It is
/// the seed's audit trail, so retention never prunes it.
pub struct EventLog;

impl Log for EventLog {
    type Entity = event_log::Entity;
    type Row = event_log::Model;
    const TABLE: &'static str = "event_log";
    fn seq_column() -> event_log::Column {
        event_log::Column::Seq
    }
    fn seq(row: &event_log::Model) -> Option<i64> {
        row.seq
    }
    fn time_column() -> Option<event_log::Column> {
        None
    }
}

/// Deletes the events of `L` appended before `before`, except the newest one (it holds
/// the log's head, from which the next sequence number follows); the number deleted.
/// A subscriber whose cursor falls before what is left gets `OUTDATED_CURSOR`.
pub async fn prune<L: Log>(
    store: &crate::write::Store,
    before: chrono::DateTime<chrono::Utc>,
) -> crate::error::ApiResult<u64> {
    let Some(time) = L::time_column() else {
        return Ok(0);
    };
    store
        .transaction(move |txn| {
            Box::pin(async move {
                let head = head::<L, _>(txn).await?;
                let deleted = L::Entity::delete_many()
                    .filter(time.lt(before))
                    .filter(L::seq_column().lt(head))
                    .exec(txn)
                    .await?;
                Ok(deleted.rows_affected)
            })
        })
        .await
}

/// Takes `L`'s append lock in `txn` and returns the first of the next sequence numbers
/// (the last one stored plus one). Call it as the last step of a write, then insert the
/// events numbered from it; `domain` names the NOTIFY that wakes other instances on
/// commit (PostgreSQL).
pub async fn next_seq<L: Log, C: ConnectionTrait>(txn: &C) -> Result<i64, DbErr> {
    lock::<L, C>(txn).await?;
    Ok(head::<L, C>(txn).await? + 1)
}

/// Takes `L`'s append lock in `txn` (on SQLite the writer lock already held is it).
async fn lock<L: Log, C: ConnectionTrait>(txn: &C) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!("LOCK TABLE {} IN EXCLUSIVE MODE", L::TABLE))
            .await?;
    }
    Ok(())
}

/// After inserting events up to `last` in `txn`: on PostgreSQL, `NOTIFY` the other
/// instances (delivered only if the transaction commits).
pub async fn announce<C: ConnectionTrait>(
    txn: &C,
    domain: entity::Domain,
    last: i64,
) -> Result<(), DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), format!("{}:{last}", domain.name()).into()],
        ))
        .await?;
    }
    Ok(())
}

/// The highest sequence number stored (0 when none).
pub async fn head<L: Log, C: ConnectionTrait>(db: &C) -> Result<i64, DbErr> {
    let max: Option<Option<i64>> = L::Entity::find()
        .select_only()
        .expr(Func::max(Expr::col(L::seq_column())))
        .into_tuple()
        .one(db)
        .await?;
    Ok(max.flatten().unwrap_or(0))
}

/// The lowest sequence number stored (`None` when the log is empty).
pub async fn oldest<L: Log, C: ConnectionTrait>(db: &C) -> Result<Option<i64>, DbErr> {
    let min: Option<Option<i64>> = L::Entity::find()
        .select_only()
        .expr(Func::min(Expr::col(L::seq_column())))
        .into_tuple()
        .one(db)
        .await?;
    Ok(min.flatten())
}

/// Up to `limit` events after `after` that match `condition`, in order.
pub async fn read_after<L: Log, C: ConnectionTrait>(
    db: &C,
    after: i64,
    condition: Condition,
    limit: u64,
) -> Result<Vec<Arc<L::Row>>, DbErr> {
    let rows = L::Entity::find()
        .filter(L::seq_column().gt(after))
        .filter(condition)
        .order_by_asc(L::seq_column())
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Arc::new).collect())
}

/// The names of the fields given, in order: what an update's change event lists
/// (`(name, given)` pairs, named as GraphQL names the input fields).
pub fn given(fields: &[(&'static str, bool)]) -> Vec<&'static str> {
    fields
        .iter()
        .filter_map(|(name, given)| given.then_some(*name))
        .collect()
}

/// One change to record in a `change_log`.
#[derive(Clone, Debug)]
pub struct Change {
    /// What it belongs to (`project:<id>`, `post:<id>`, ...).
    pub topic: String,
    /// What happened (`idl_version.created`, ...).
    pub kind: &'static str,
    /// The changed row's key.
    pub subject: String,
    /// Values a subscriber needs once the row may be gone.
    pub data: Value,
}

impl Change {
    /// A change of `subject` under `topic`, without extra data.
    pub fn new(topic: impl Into<String>, kind: &'static str, subject: impl Into<String>) -> Self {
        Self {
            topic: topic.into(),
            kind,
            subject: subject.into(),
            data: Value::Object(Default::default()),
        }
    }

    /// The same change carrying `data`.
    pub fn with(mut self, data: Value) -> Self {
        self.data = data;
        self
    }
}

/// Appends `changes` (in order) to `domain`'s `change_log` in `txn`, by `actor`; the rows
/// written. Call it as the last step of the write (see the module doc).
///
/// The rows are numbered in the insert itself (`seq` = the log's head plus the change's
/// place), one statement whatever their number: on SQLite every statement of a write is a
/// round trip to the connection's thread while the domain's writer lock is held.
pub async fn record<C: ConnectionTrait>(
    txn: &C,
    domain: entity::Domain,
    actor: Option<&str>,
    changes: Vec<Change>,
) -> Result<Vec<change_log::Model>, DbErr> {
    use change_log::Column;
    if changes.is_empty() {
        return Ok(Vec::new());
    }
    lock::<ChangeLog, C>(txn).await?;
    // One head for every row: PostgreSQL evaluates the subqueries on the statement's
    // snapshot, SQLite copies a source that reads the table being inserted into to a
    // temporary table first. A test holds both to it (`record_numbers_many_changes_*`).
    let head = Query::select()
        .expr(Func::coalesce([
            Func::max(Expr::col(Column::Seq)).into(),
            Expr::val(0i64),
        ]))
        .from(change_log::Entity)
        .to_owned();
    let now = chrono::Utc::now();
    let mut insert = Query::insert();
    insert
        .into_table(change_log::Entity)
        .columns([
            Column::Seq,
            Column::Topic,
            Column::Kind,
            Column::Subject,
            Column::Actor,
            Column::Data,
            Column::CreatedAt,
        ])
        .returning_col(Column::Seq);
    for (place, c) in (1i64..).zip(&changes) {
        insert
            .values([
                Expr::SubQuery(None, Box::new(head.clone().into())).add(place),
                Expr::val(c.topic.as_str()),
                Expr::val(c.kind),
                Expr::val(c.subject.as_str()),
                Expr::val(actor),
                Expr::val(c.data.clone()),
                Expr::val(now),
            ])
            .map_err(|e| DbErr::Custom(e.to_string()))?;
    }
    let mut first: Option<i64> = None;
    for row in txn.query_all(&insert).await? {
        let seq = row.try_get::<i64>("", "seq")?;
        first = Some(first.map_or(seq, |f| Ord::min(f, seq)));
    }
    let first = first.ok_or(DbErr::RecordNotInserted)?;
    let rows: Vec<change_log::Model> = changes
        .into_iter()
        .zip(first..)
        .map(|(c, seq)| change_log::Model {
            seq,
            topic: c.topic,
            kind: c.kind.to_owned(),
            subject: c.subject,
            actor: actor.map(str::to_owned),
            data: c.data,
            created_at: now,
        })
        .collect();
    if let Some(last) = rows.last() {
        announce(txn, domain, last.seq).await?;
    }
    Ok(rows)
}
