//! Small schema-building helpers shared by every domain's migrations, so that one
//! migration file produces the same schema on SQLite and PostgreSQL.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// `CHECK (col IN ('a', 'b', ...))`: the database-side guard of an enumerated column.
pub fn one_of(col: &'static str, values: &[&'static str]) -> SimpleExpr {
    Expr::col(col).is_in(values.iter().copied())
}

/// The current time as a column default, in the same text form the application writes.
///
/// PostgreSQL: `CURRENT_TIMESTAMP` (a `timestamptz`). SQLite has no timestamp type:
/// times are text, compared and sorted as text, and the application (sqlx) writes RFC
/// 3339 (`2026-01-01T00:00:00+00:00`). SQLite's own `CURRENT_TIMESTAMP` would write
/// `2026-01-01 00:00:00`, which sorts before every RFC 3339 value of the same day and
/// never equals one, so the default spells out the RFC 3339 form instead.
pub fn now(manager: &SchemaManager<'_>) -> SimpleExpr {
    match manager.get_database_backend() {
        DbBackend::Sqlite => Expr::cust("(strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now'))"),
        _ => Expr::current_timestamp(),
    }
}

/// The current time as integer seconds since the Unix epoch, as a column default:
/// `unixepoch()` on SQLite, `EXTRACT(EPOCH FROM now())` on PostgreSQL.
pub fn unix_epoch_now(backend: DbBackend) -> SimpleExpr {
    match backend {
        DbBackend::Postgres => Expr::cust("(EXTRACT(EPOCH FROM now())::bigint)"),
        _ => Expr::cust("(unixepoch())"),
    }
}

/// A nullable timestamp column (`timestamptz` on PostgreSQL).
pub fn ts_null(col: &'static str) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().null().take()
}

/// A `NOT NULL` timestamp column (`timestamptz` on PostgreSQL).
pub fn ts(col: &'static str) -> ColumnDef {
    ColumnDef::new(col)
        .timestamp_with_time_zone()
        .not_null()
        .take()
}

/// A `NOT NULL DEFAULT <now>` timestamp column (see [`now`]).
pub fn ts_now(manager: &SchemaManager<'_>, col: &'static str) -> ColumnDef {
    ts(col).default(now(manager)).take()
}

/// A nullable `DEFAULT <now>` timestamp column (the seeds' `DATETIME DEFAULT
/// CURRENT_TIMESTAMP`; see [`now`]).
pub fn ts_null_now(manager: &SchemaManager<'_>, col: &'static str) -> ColumnDef {
    ts_null(col).default(now(manager)).take()
}

/// `FOREIGN KEY (from_col) REFERENCES to_table(to_col)`, named `fk_<table>_<from_col>`.
pub fn fk(
    table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{from_col}"))
        .from(table, from_col)
        .to(to_table, to_col)
        .take()
}

/// [`fk`] with `ON DELETE CASCADE`.
pub fn fk_cascade(
    table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    to_col: &'static str,
) -> ForeignKeyCreateStatement {
    fk(table, from_col, to_table, to_col)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

/// `CREATE INDEX name ON table (cols...)`; a column may carry `IndexOrder::Desc`.
pub async fn index<C: IntoIndexColumn>(
    manager: &SchemaManager<'_>,
    name: &'static str,
    table: &'static str,
    cols: impl IntoIterator<Item = C>,
) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).take();
    for c in cols {
        stmt.col(c);
    }
    manager.create_index(stmt).await
}

/// `CREATE UNIQUE INDEX name ON table (cols...)`.
pub async fn unique_index(
    manager: &SchemaManager<'_>,
    name: &'static str,
    table: &'static str,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    let mut stmt = Index::create().name(name).table(table).unique().take();
    for c in cols {
        stmt.col(*c);
    }
    manager.create_index(stmt).await
}

/// `DROP INDEX name` (PostgreSQL needs the table only on MySQL, which Mosaic does not use).
pub async fn drop_index(
    manager: &SchemaManager<'_>,
    name: &'static str,
    table: &'static str,
) -> Result<(), DbErr> {
    manager
        .drop_index(Index::drop().name(name).table(table).to_owned())
        .await
}

/// `DROP TABLE table`.
pub async fn drop_table(manager: &SchemaManager<'_>, table: &'static str) -> Result<(), DbErr> {
    manager.drop_table(Table::drop().table(table).take()).await
}

/// `change_log`: a domain's append-only, gap-free change log, the source of its
/// subscriptions (see `api::events`). `seq` is assigned by the writer under the log's
/// lock, so it is gap-free and in commit order; `(topic, seq)` serves replays of one
/// topic from a cursor.
pub async fn create_change_log(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    manager
        .create_table(
            Table::create()
                .table("change_log")
                .col(ColumnDef::new("seq").big_integer().not_null().primary_key())
                .col(ColumnDef::new("topic").string_len(255).not_null())
                .col(ColumnDef::new("kind").string_len(64).not_null())
                .col(ColumnDef::new("subject").string_len(255).not_null())
                .col(ColumnDef::new("actor").string_len(255).null())
                .col(ColumnDef::new("data").json_binary().not_null())
                .col(ts_now(manager, "created_at"))
                .take(),
        )
        .await?;
    index(
        manager,
        "idx_change_log_topic_seq",
        "change_log",
        ["topic", "seq"],
    )
    .await
}

/// Drops what [`create_change_log`] created.
pub async fn drop_change_log(manager: &SchemaManager<'_>) -> Result<(), DbErr> {
    drop_table(manager, "change_log").await
}
