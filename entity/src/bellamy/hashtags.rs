//! `hashtags`: the distinct tags used in posts.

use sea_orm::entity::prelude::*;

/// A row of `hashtags`: one distinct tag used in posts.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hashtags")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The tag without its `#`, up to 100 characters (unique).
    #[sea_orm(unique, column_type = "String(StringLen::N(100))")]
    pub tag: String,
    /// When the tag was first used, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The tag's rows in `post_hashtags` (the link table to its posts); deleted with it.
    #[sea_orm(has_many)]
    pub post_hashtags: HasMany<super::post_hashtags::Entity>,
    /// The posts carrying the tag, through `post_hashtags`.
    #[sea_orm(has_many, via = "post_hashtags")]
    pub posts: HasMany<super::posts::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
