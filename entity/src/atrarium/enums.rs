//! Enumerated columns of Atrarium, stored as text and guarded by CHECK constraints.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// `communities.stage`: where a community is in its lifecycle.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// A theme feed: a topic that is gathering posts, not yet a community.
    #[sea_orm(string_value = "theme")]
    Theme,
    /// A community with members of its own.
    #[sea_orm(string_value = "community")]
    Community,
    /// A community that has outgrown its parent.
    #[sea_orm(string_value = "graduated")]
    Graduated,
}

/// `memberships.role`: what a member may do in a community.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Full control: create feeds, manage members, delete the community.
    #[sea_orm(string_value = "owner")]
    Owner,
    /// Moderation powers: approve posts, manage members.
    #[sea_orm(string_value = "moderator")]
    Moderator,
    /// View-only access.
    #[sea_orm(string_value = "member")]
    Member,
}
