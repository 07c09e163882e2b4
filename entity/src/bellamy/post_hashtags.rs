//! `post_hashtags`: which hashtags a post carries.

use sea_orm::entity::prelude::*;

/// A row of `post_hashtags`: one hashtag carried by one post; primary key (`post_id`,
/// `hashtag_id`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_hashtags")]
pub struct Model {
    /// The post's `posts.id` (cascade: deleted with the post).
    #[sea_orm(primary_key, auto_increment = false)]
    pub post_id: Uuid,
    /// The hashtag's `hashtags.id` (cascade: deleted with the hashtag); indexed.
    #[sea_orm(primary_key, auto_increment = false)]
    pub hashtag_id: Uuid,
    /// The post carrying the tag, through `post_id`.
    #[sea_orm(belongs_to, from = "post_id", to = "id", on_delete = "Cascade")]
    pub post: BelongsTo<super::posts::Entity>,
    /// The tag carried, through `hashtag_id`.
    #[sea_orm(belongs_to, from = "hashtag_id", to = "id", on_delete = "Cascade")]
    pub hashtag: BelongsTo<super::hashtags::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
