//! `communities`: community metadata, lifecycle stage and health metrics. Communities
//! nest: `parent_id` points at the parent community (no cascade: a parent with children
//! cannot be deleted until they are moved or deleted).

use sea_orm::entity::prelude::*;

use super::enums::Stage;
use super::json::{FeedMix, HealthMetrics};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "communities")]
pub struct Model {
    /// Auto-increment primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Display name.
    pub name: String,
    /// Lifecycle stage (theme, community, graduated).
    pub stage: Stage,
    /// The parent community, for nested communities.
    pub parent_id: Option<i64>,
    /// Feed composition ratios (defaults to 80/15/5).
    #[sea_orm(column_type = "JsonBinary")]
    pub feed_mix: FeedMix,
    /// Health metrics (migration 002; defaults to `{}`).
    #[sea_orm(column_type = "JsonBinary")]
    pub health_metrics: HealthMetrics,
    /// Cached member count.
    pub member_count: i32,
    /// Cached post count.
    pub post_count: i32,
    /// Unix epoch seconds.
    pub created_at: i64,
    /// Unix epoch seconds.
    pub updated_at: i64,
    #[sea_orm(
        self_ref,
        relation_enum = "Parent",
        relation_reverse = "Children",
        from = "parent_id",
        to = "id"
    )]
    pub parent: BelongsTo<Option<Entity>>,
    #[sea_orm(self_ref, relation_enum = "Children", relation_reverse = "Parent")]
    pub children: HasMany<Entity>,
    #[sea_orm(has_many)]
    pub theme_feeds: HasMany<super::theme_feeds::Entity>,
    #[sea_orm(has_many)]
    pub memberships: HasMany<super::memberships::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
