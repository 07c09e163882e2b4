//! Universe's GraphQL enums (mirrors of the entity enums, and the direction of a graph
//! walk) and their filters.

use async_graphql::Enum;
use entity::universe::enums::{ConnectionStatus, SubscriptionStatus};
use entity::universe::json::DeltaOp;

use crate::universe::service::Reach;
use crate::{enum_filter, mirror_enum};

mirror_enum! {
    /// Where a client session stands.
    pub enum UniverseConnectionStatus => ConnectionStatus {
        /// Connected and active.
        Connected,
        /// Connected but quiet.
        Idle,
        /// Closing.
        Disconnecting,
        /// Gone.
        Disconnected,
    }
}

mirror_enum! {
    /// Whether a subscription delivers changes.
    pub enum UniverseSubscriptionStatus => SubscriptionStatus {
        /// Delivering changes.
        Active,
        /// Temporarily not delivering.
        Paused,
        /// Ended for good.
        Cancelled,
    }
}

mirror_enum! {
    /// What a delta operation does to its target.
    pub enum UniverseDeltaOp => DeltaOp {
        /// The target came into being.
        Create,
        /// The target (or the value at `path` inside it) changed.
        Update,
        /// The target went away.
        Delete,
    }
}

/// Which relations link an entity to the entities connected to it.
#[derive(Enum, Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum UniverseDirection {
    /// Relations leaving the entity: their targets.
    Outgoing,
    /// Relations arriving at the entity: their sources.
    Incoming,
    /// Both ways.
    #[default]
    Both,
}

impl From<UniverseDirection> for Reach {
    fn from(d: UniverseDirection) -> Self {
        match d {
            UniverseDirection::Outgoing => Reach::Outgoing,
            UniverseDirection::Incoming => Reach::Incoming,
            UniverseDirection::Both => Reach::Both,
        }
    }
}

enum_filter! {
    /// Filters client connection statuses.
    pub struct UniverseConnectionStatusFilter for UniverseConnectionStatus => ConnectionStatus
}

enum_filter! {
    /// Filters subscription statuses.
    pub struct UniverseSubscriptionStatusFilter for UniverseSubscriptionStatus => SubscriptionStatus
}
