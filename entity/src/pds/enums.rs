//! Enumerated columns of the PDS domain, stored as text and guarded by CHECK constraints.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// `accounts.status`: where an account is in its lifecycle.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "lowercase")]
pub enum AccountStatus {
    /// A live account (the default).
    #[sea_orm(string_value = "active")]
    Active,
    /// Taken down by the service's moderators.
    #[sea_orm(string_value = "takendown")]
    Takendown,
    /// Deactivated by its owner; may be reactivated.
    #[sea_orm(string_value = "deactivated")]
    Deactivated,
    /// Deleted; kept only as a tombstone.
    #[sea_orm(string_value = "deleted")]
    Deleted,
}

/// `repo_seq.event_type`: the kind of event in the sequencer's log (the firehose's
/// `#commit`-style frames of the reference PDS).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "lowercase")]
pub enum RepoSeqEventType {
    /// A repository commit (records created, updated or deleted).
    #[sea_orm(string_value = "append")]
    Append,
    /// A revision-only update.
    #[sea_orm(string_value = "rev")]
    Rev,
    /// A full repository sync marker.
    #[sea_orm(string_value = "sync")]
    Sync,
    /// A handle or DID document change.
    #[sea_orm(string_value = "identity")]
    Identity,
    /// An account status change.
    #[sea_orm(string_value = "account")]
    Account,
    /// The repository was deleted.
    #[sea_orm(string_value = "tombstone")]
    Tombstone,
}
