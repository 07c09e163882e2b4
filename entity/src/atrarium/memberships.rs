//! `memberships`: a user's (DID's) membership and role in a community; one row per
//! (community, user).

use sea_orm::entity::prelude::*;

use super::enums::Role;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "memberships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub community_id: i64,
    /// The member's AT Protocol DID (`did:plc:...`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_did: String,
    pub role: Role,
    /// Unix epoch seconds.
    pub joined_at: i64,
    #[sea_orm(belongs_to, from = "community_id", to = "id", on_delete = "Cascade")]
    pub community: BelongsTo<super::communities::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
