//! `repo_seq`: the event sequencer's append-only log, the source of the firehose (seed
//! chapter 16). Deliberately no foreign key to `accounts`: the log outlives accounts.

use super::enums::RepoSeqEventType;
use sea_orm::entity::prelude::*;

/// A row of `repo_seq`: one event of the sequencer's append-only log.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "repo_seq")]
pub struct Model {
    /// The event's sequence number (auto-incremented).
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The account DID the event is about (indexed; not a foreign key, so events outlive
    /// accounts).
    pub did: String,
    /// The kind of event: append, rev, sync, identity, account or tombstone
    /// (CHECK-constrained).
    pub event_type: RepoSeqEventType,
    /// The DAG-CBOR-encoded event.
    pub event: Vec<u8>,
    /// Set when a later event supersedes this one (e.g. after an account deletion);
    /// defaults to false.
    pub invalidated: bool,
    /// When the event was appended to the log, UTC (defaults to now).
    pub sequenced_at: DateTimeUtc,
}

impl ActiveModelBehavior for ActiveModel {}
