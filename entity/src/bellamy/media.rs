//! `media`: images and videos attached to a post, in display order.

use sea_orm::entity::prelude::*;

use super::enums::MediaType;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "media")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub post_id: Uuid,
    #[sea_orm(column_type = "String(StringLen::N(500))")]
    pub url: String,
    pub r#type: MediaType,
    /// Display order within the post, from 0.
    pub position: i32,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "post_id", to = "id", on_delete = "Cascade")]
    pub post: BelongsTo<super::posts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
