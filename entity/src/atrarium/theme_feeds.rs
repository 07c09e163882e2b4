//! `theme_feeds`: a community's feed generators and the filter rules that fill them.

use sea_orm::entity::prelude::*;

use super::json::{FilterConfig, HealthMetrics};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "theme_feeds")]
pub struct Model {
    /// Auto-increment primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    pub community_id: i64,
    pub name: String,
    /// AT Protocol feed generator URI
    /// (`at://did:plc:xxx/app.bsky.feed.generator/feed-id`). Unique.
    #[sea_orm(unique)]
    pub feed_uri: String,
    /// Which posts the feed picks (hashtags, keywords, authors).
    #[sea_orm(column_type = "JsonBinary")]
    pub filter_config: FilterConfig,
    /// Health metrics (migration 002; defaults to `{}`).
    #[sea_orm(column_type = "JsonBinary")]
    pub health_metrics: HealthMetrics,
    /// Cached post count.
    pub post_count: i32,
    /// When the last post was indexed, unix epoch seconds.
    pub last_post_at: Option<i64>,
    /// Unix epoch seconds.
    pub created_at: i64,
    #[sea_orm(belongs_to, from = "community_id", to = "id", on_delete = "Cascade")]
    pub community: BelongsTo<super::communities::Entity>,
    #[sea_orm(has_many)]
    pub posts: HasMany<super::post_index::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
