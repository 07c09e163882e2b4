//! `reactions`: a user's reaction to a post or a comment. The target is polymorphic
//! (`target_id` + `target_type`), so it has no foreign key and no entity relation; the API
//! resolves it by `target_type`. One reaction per user and target.

use sea_orm::entity::prelude::*;

use super::enums::{ReactionTargetType, ReactionType};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reactions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique_key = "user_target")]
    pub user_id: Uuid,
    /// The id of the post or comment reacted to (see `target_type`).
    #[sea_orm(unique_key = "user_target")]
    pub target_id: Uuid,
    /// Whether `target_id` is a post or a comment.
    #[sea_orm(unique_key = "user_target")]
    pub target_type: ReactionTargetType,
    /// The kind of reaction.
    pub r#type: ReactionType,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "user_id", to = "id")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
