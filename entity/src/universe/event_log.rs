//! `event_log`: every system event, for audit and synchronisation.

use sea_orm::entity::prelude::*;

/// A row of `event_log`: one system event, kept for audit and synchronisation.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "event_log")]
pub struct Model {
    /// Text primary key; the API writes time-ordered UUIDs (version 7 layout).
    #[sea_orm(primary_key, auto_increment = false)]
    pub event_id: String,
    /// The event's kind (e.g. `entity.created`); indexed.
    pub event_type: String,
    /// Where the event came from (a reducer, a client, a subsystem); indexed; `None` if
    /// unknown.
    pub source: Option<String>,
    /// When the event happened, UTC (defaults to now); indexed.
    pub timestamp: DateTimeUtc,
    /// The event's payload (free-form JSON; the seed leaves `EventData` open).
    #[sea_orm(column_type = "JsonBinary")]
    pub data: Json,
    /// The event's place in the gap-free order subscribers follow; `None` for rows
    /// written outside the API.
    pub seq: Option<i64>,
}

impl ActiveModelBehavior for ActiveModel {}
