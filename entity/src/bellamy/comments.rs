//! `comments`: comments on posts, threaded through `parent_comment_id`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "comments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub post_id: Uuid,
    pub author_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// The comment this one replies to; `None` for a top-level comment.
    pub parent_comment_id: Option<Uuid>,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "post_id", to = "id")]
    pub post: BelongsTo<super::posts::Entity>,
    #[sea_orm(belongs_to, from = "author_id", to = "id")]
    pub author: BelongsTo<super::users::Entity>,
    /// The comment this one replies to.
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
