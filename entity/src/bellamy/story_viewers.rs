//! `story_viewers`: who viewed a story, and when (one row per story and viewer).

use sea_orm::entity::prelude::*;

/// A row of `story_viewers`: one user's view of one story; primary key (`story_id`,
/// `user_id`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "story_viewers")]
pub struct Model {
    /// The story's `stories.id` (cascade: deleted with the story).
    #[sea_orm(primary_key, auto_increment = false)]
    pub story_id: Uuid,
    /// The viewer's `users.id` (cascade: deleted with the user).
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// When the user (first) viewed the story, UTC (defaults to now).
    pub viewed_at: DateTimeUtc,
    /// The story viewed, through `story_id`.
    #[sea_orm(belongs_to, from = "story_id", to = "id", on_delete = "Cascade")]
    pub story: BelongsTo<super::stories::Entity>,
    /// The user who viewed it, through `user_id`.
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
