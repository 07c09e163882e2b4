//! `media`: images and videos attached to a post, in display order.

use sea_orm::entity::prelude::*;

use super::enums::MediaType;

/// A row of `media`: one image or video attached to a post.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The post's `posts.id` (cascade: deleted with the post); indexed with `position`.
    pub post_id: Uuid,
    /// Where the file is served from (URL, up to 500 characters).
    #[sea_orm(column_type = "String(StringLen::N(500))")]
    pub url: String,
    /// Image or video (CHECK-constrained).
    pub r#type: MediaType,
    /// Display order within the post, from 0 (defaults to 0).
    pub position: i32,
    /// When the file was attached, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The post this file is attached to, through `post_id`.
    #[sea_orm(belongs_to, from = "post_id", to = "id", on_delete = "Cascade")]
    pub post: BelongsTo<super::posts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
