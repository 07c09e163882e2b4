//! `posts`: what users publish to their feed.

use sea_orm::entity::prelude::*;

use super::enums::Privacy;

/// A row of `posts`: one post a user published to their feed.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "posts")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The author's `users.id`; indexed with `created_at DESC` for a user's timeline.
    pub author_id: Uuid,
    /// The post's text (unbounded).
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// Who may see the post: public, friends or private (CHECK-constrained); indexed with
    /// `created_at DESC`.
    pub privacy: Privacy,
    /// When the post was published, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// When the post was last edited, UTC (defaults to now; equals `created_at` until
    /// then).
    pub updated_at: DateTimeUtc,
    /// The user who wrote the post, through `author_id`.
    #[sea_orm(belongs_to, from = "author_id", to = "id")]
    pub author: BelongsTo<super::users::Entity>,
    /// Every comment on the post (top-level ones and replies).
    #[sea_orm(has_many)]
    pub comments: HasMany<super::comments::Entity>,
    /// Attached images and videos, ordered by `position`.
    #[sea_orm(has_many)]
    pub media: HasMany<super::media::Entity>,
    /// The post's rows in `post_hashtags` (the link table to its hashtags); deleted with
    /// it.
    #[sea_orm(has_many)]
    pub post_hashtags: HasMany<super::post_hashtags::Entity>,
    /// The hashtags of the post, through `post_hashtags`.
    #[sea_orm(has_many, via = "post_hashtags")]
    pub hashtags: HasMany<super::hashtags::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
