//! `stories`: short-lived images and videos (the seed's MongoDB `stories` collection;
//! its embedded `viewers` array is the `story_viewers` table).

use sea_orm::entity::prelude::*;

use super::enums::StoryType;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "stories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(500))")]
    pub media_url: String,
    pub r#type: StoryType,
    pub created_at: DateTimeUtc,
    /// When the story stops being shown (the seed's TTL index).
    pub expires_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
    /// Who has viewed the story, and when.
    #[sea_orm(has_many)]
    pub viewers: HasMany<super::story_viewers::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
