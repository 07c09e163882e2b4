//! Atrarium's GraphQL enums (mirrors of the entity enums, and the kinds of membership
//! events) and their filters.

use async_graphql::Enum;
use entity::atrarium::{Role, Stage};

use crate::{enum_filter, mirror_enum};

mirror_enum! {
    /// Where a community is in its lifecycle: a theme grows into a community, which may
    /// graduate.
    pub enum AtrariumStage => Stage {
        /// A theme feed: a topic gathering posts, not yet a community.
        Theme,
        /// A community with members of its own.
        Community,
        /// A community that has outgrown its parent.
        Graduated,
    }
}

mirror_enum! {
    /// What a member may do in a community.
    pub enum AtrariumRole => Role {
        /// Full control: create feeds, manage members, delete the community.
        Owner,
        /// Moderation powers: approve posts, manage members.
        Moderator,
        /// View-only access.
        Member,
    }
}

enum_filter! {
    /// Conditions on a community's lifecycle stage.
    pub struct AtrariumStageFilter for AtrariumStage => Stage
}

enum_filter! {
    /// Conditions on a member's role.
    pub struct AtrariumRoleFilter for AtrariumRole => Role
}

/// What happened to a membership.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AtrariumMembershipChangeKind {
    /// Someone joined the community.
    Joined,
    /// A member's role changed.
    RoleChanged,
    /// Someone left the community, or was removed.
    Left,
}
