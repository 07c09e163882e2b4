//! PDS's GraphQL enums (mirrors of the entity enums) and their filters.

use entity::pds::enums::{AccountStatus, RepoSeqEventType};

use crate::{enum_filter, mirror_enum};

mirror_enum! {
    /// Where an account is in its lifecycle.
    pub enum PdsAccountStatus => AccountStatus {
        /// A live account.
        Active,
        /// Taken down by the service's moderators.
        Takendown,
        /// Deactivated by its owner; may be reactivated.
        Deactivated,
        /// Deleted; kept only as a tombstone.
        Deleted,
    }
}

mirror_enum! {
    /// The kind of an event in the sequencer's log.
    pub enum PdsRepoSeqEventType => RepoSeqEventType {
        /// A repository commit (records created, updated or deleted).
        Append,
        /// A revision-only update.
        Rev,
        /// A full repository sync marker.
        Sync,
        /// A handle or DID document change.
        Identity,
        /// An account status change.
        Account,
        /// The repository was deleted.
        Tombstone,
    }
}

enum_filter! {
    /// Conditions on an account status.
    pub struct PdsAccountStatusFilter for PdsAccountStatus => AccountStatus
}

enum_filter! {
    /// Conditions on a sequencer event type.
    pub struct PdsRepoSeqEventTypeFilter for PdsRepoSeqEventType => RepoSeqEventType
}
