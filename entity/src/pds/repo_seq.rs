//! `repo_seq`: the event sequencer's append-only log, the source of the firehose (seed
//! chapter 16). Deliberately no foreign key to `accounts`: the log outlives accounts.

use super::enums::RepoSeqEventType;
use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repo_seq")]
pub struct Model {
    /// The event's sequence number (auto-incremented).
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The DID the event is about.
    pub did: String,
    pub event_type: RepoSeqEventType,
    /// The DAG-CBOR-encoded event.
    pub event: Vec<u8>,
    /// Set when a later event supersedes this one (e.g. after an account deletion).
    pub invalidated: bool,
    pub sequenced_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
