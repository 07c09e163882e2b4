//! `reactions`: a user's reaction to a post or a comment. The target is polymorphic
//! (`target_id` + `target_type`), so it has no foreign key and no entity relation; the API
//! resolves it by `target_type`. One reaction per user and target.

use sea_orm::entity::prelude::*;

use super::enums::{ReactionTargetType, ReactionType};

/// A row of `reactions`: one user's reaction to one post or comment; `(user_id, target_id,
/// target_type)` is unique.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "reactions")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The reacting user's `users.id`; indexed.
    #[sea_orm(unique_key = "user_target")]
    pub user_id: Uuid,
    /// The `posts.id` or `comments.id` reacted to, as `target_type` says; no foreign key
    /// (polymorphic).
    #[sea_orm(unique_key = "user_target")]
    pub target_id: Uuid,
    /// Whether `target_id` is a post or a comment.
    #[sea_orm(unique_key = "user_target")]
    pub target_type: ReactionTargetType,
    /// The kind of reaction: like, love, haha, wow, sad or angry (CHECK-constrained).
    pub r#type: ReactionType,
    /// When the reaction was left, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The user who reacted, through `user_id`.
    #[sea_orm(belongs_to, from = "user_id", to = "id")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
