//! `posts`: what users publish to their feed.

use sea_orm::entity::prelude::*;

use super::enums::Privacy;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub author_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// Who may see the post.
    pub privacy: Privacy,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "author_id", to = "id")]
    pub author: BelongsTo<super::users::Entity>,
    /// Every comment on the post (top-level ones and replies).
    #[sea_orm(has_many)]
    pub comments: HasMany<super::comments::Entity>,
    /// Attached images and videos, ordered by `position`.
    #[sea_orm(has_many)]
    pub media: HasMany<super::media::Entity>,
    #[sea_orm(has_many)]
    pub post_hashtags: HasMany<super::post_hashtags::Entity>,
    /// The hashtags of the post, through `post_hashtags`.
    #[sea_orm(has_many, via = "post_hashtags")]
    pub hashtags: HasMany<super::hashtags::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
