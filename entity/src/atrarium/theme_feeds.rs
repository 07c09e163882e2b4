//! `theme_feeds`: a community's feed generators and the filter rules that fill them.

use sea_orm::entity::prelude::*;

use super::json::{FilterConfig, HealthMetrics};

/// A row of `theme_feeds`: one feed generator of a community and the rules that fill it.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "theme_feeds")]
pub struct Model {
    /// Auto-increment primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The owning community's `id` (cascade: deleted with the community).
    pub community_id: i64,
    /// Display name of the feed (free text).
    pub name: String,
    /// AT Protocol feed generator URI
    /// (`at://did:plc:xxx/app.bsky.feed.generator/feed-id`). Unique.
    #[sea_orm(unique)]
    pub feed_uri: String,
    /// Which posts the feed picks, as JSON `{"hashtags": [...], "keywords": [...],
    /// "authors": [DID...]}`.
    #[sea_orm(column_type = "JsonBinary")]
    pub filter_config: FilterConfig,
    /// Health metrics (migration 002; defaults to `{}`).
    #[sea_orm(column_type = "JsonBinary")]
    pub health_metrics: HealthMetrics,
    /// Cached count of indexed posts (defaults to 0).
    pub post_count: i32,
    /// When the last post was indexed, unix epoch seconds; `None` until the first one.
    pub last_post_at: Option<i64>,
    /// When the feed was created, unix epoch seconds (defaults to now).
    pub created_at: i64,
    /// The community this feed belongs to, through `community_id`.
    #[sea_orm(belongs_to, from = "community_id", to = "id", on_delete = "Cascade")]
    pub community: BelongsTo<super::communities::Entity>,
    /// The posts this feed has picked (`post_index.feed_id`); deleted with it.
    #[sea_orm(has_many)]
    pub posts: HasMany<super::post_index::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
