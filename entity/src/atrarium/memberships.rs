//! `memberships`: a user's (DID's) membership and role in a community; one row per
//! (community, user).

use sea_orm::entity::prelude::*;

use super::enums::Role;

/// A row of `memberships`: one user's role in one community; the primary key is
/// (`community_id`, `user_did`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    /// The community's `id`; first half of the primary key (cascade: deleted with the
    /// community).
    #[sea_orm(primary_key, auto_increment = false)]
    pub community_id: i64,
    /// The member's AT Protocol DID (`did:plc:...`); second half of the primary key,
    /// indexed for "my communities" lookups.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_did: String,
    /// What the member may do: owner, moderator or member (CHECK-constrained text).
    pub role: Role,
    /// When the user joined, unix epoch seconds (defaults to now).
    pub joined_at: i64,
    /// The community this membership belongs to, through `community_id`.
    #[sea_orm(belongs_to, from = "community_id", to = "id", on_delete = "Cascade")]
    pub community: BelongsTo<super::communities::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
