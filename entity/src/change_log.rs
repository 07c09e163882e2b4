//! `change_log`: one domain's append-only change log (Atrarium, Orquestra and Bellamy
//! each have one in their own schema or file; the PDS streams `repo_seq`, Inner Universe
//! `event_log`). Subscriptions replay it from a cursor and follow it live.

use sea_orm::entity::prelude::*;

/// A row of a domain's `change_log`: one change, in the order subscribers replay it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    /// Gap-free, in commit order (assigned by the writer under the log's lock).
    #[sea_orm(primary_key, auto_increment = false)]
    pub seq: i64,
    /// What the change belongs to, e.g. `project:<id>` (up to 255 characters): subscribers
    /// follow topics.
    pub topic: String,
    /// What happened, `<object>.<past tense>`, e.g. `idl_version.created` (up to 64
    /// characters).
    pub kind: String,
    /// The key of the changed row as text, e.g. an id or a member's DID (up to 255
    /// characters).
    pub subject: String,
    /// Who made the change (the caller's user id or DID, up to 255 characters); `None` when
    /// not known.
    pub actor: Option<String>,
    /// JSON object of the values a subscriber needs once the row may be gone (e.g. a
    /// deleted membership).
    #[sea_orm(column_type = "JsonBinary")]
    pub data: Json,
    /// When the change was committed, UTC (defaults to now).
    pub created_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
