//! `comments`: comments on posts, threaded through `parent_comment_id`.

use sea_orm::entity::prelude::*;

/// A row of `comments`: one comment on a post, possibly a reply to another comment.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The commented post's `posts.id`; indexed with `created_at DESC`.
    pub post_id: Uuid,
    /// The commenter's `users.id`.
    pub author_id: Uuid,
    /// The comment's text (unbounded).
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// The `comments.id` this one replies to (a comment of the same post); `None` for a
    /// top-level comment. Indexed.
    pub parent_comment_id: Option<Uuid>,
    /// When the comment was written, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The post this comment is on, through `post_id`.
    #[sea_orm(belongs_to, from = "post_id", to = "id")]
    pub post: BelongsTo<super::posts::Entity>,
    /// The user who wrote the comment, through `author_id`.
    #[sea_orm(belongs_to, from = "author_id", to = "id")]
    pub author: BelongsTo<super::users::Entity>,
    /// The comment this one replies to, through `parent_comment_id`; `None` for a top-level
    /// comment.
    #[sea_orm(
        self_ref,
        relation_enum = "Parent",
        relation_reverse = "Replies",
        from = "parent_comment_id",
        to = "id"
    )]
    pub parent: BelongsTo<Option<Entity>>,
    /// The direct replies to this comment.
    #[sea_orm(self_ref, relation_enum = "Replies", relation_reverse = "Parent")]
    pub replies: HasMany<Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
