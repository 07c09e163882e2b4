//! `stories`: short-lived images and videos (the seed's MongoDB `stories` collection;
//! its embedded `viewers` array is the `story_viewers` table).

use sea_orm::entity::prelude::*;

use super::enums::StoryType;

/// A row of `stories`: one short-lived image or video a user posted.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stories")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The poster's `users.id` (cascade: deleted with the user).
    pub user_id: Uuid,
    /// URL of the image or video (up to 500 characters).
    #[sea_orm(column_type = "String(StringLen::N(500))")]
    pub media_url: String,
    /// Image or video (CHECK-constrained).
    pub r#type: StoryType,
    /// When the story was posted, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// When the story stops being shown, UTC (the seed's TTL index); expired rows are not
    /// deleted by the database.
    pub expires_at: DateTimeUtc,
    /// The user who posted the story, through `user_id`.
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    /// Who has viewed the story, and when (`story_viewers.story_id`); deleted with it.
    #[sea_orm(has_many)]
    pub viewers: HasMany<super::story_viewers::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
