//! `hashtags`: the distinct tags used in posts.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hashtags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The tag without its `#` (unique).
    #[sea_orm(unique, column_type = "String(StringLen::N(100))")]
    pub tag: String,
    pub created_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub post_hashtags: HasMany<super::post_hashtags::Entity>,
    /// The posts carrying the tag, through `post_hashtags`.
    #[sea_orm(has_many, via = "post_hashtags")]
    pub posts: HasMany<super::posts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
