//! `communities`: community metadata, lifecycle stage and health metrics. Communities
//! nest: `parent_id` points at the parent community (no cascade: a parent with children
//! cannot be deleted until they are moved or deleted).

use sea_orm::entity::prelude::*;

use super::enums::Stage;
use super::json::{FeedMix, HealthMetrics};

/// A row of `communities`: one community (or theme, or graduated community) of the tree.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "communities")]
pub struct Model {
    /// Auto-increment primary key.
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Display name (free text, not unique).
    pub name: String,
    /// Lifecycle stage (theme, community, graduated).
    pub stage: Stage,
    /// The parent community's `id`, for nested communities; `None` for a root. Plain
    /// foreign key: no cascade.
    pub parent_id: Option<i64>,
    /// Feed composition ratios in integer percentages of own, parent and global posts
    /// (JSON; defaults to `{"own":80,"parent":15,"global":5}`).
    #[sea_orm(column_type = "JsonBinary")]
    pub feed_mix: FeedMix,
    /// Health metrics (`activity_score`, `growth_rate`, `engagement`) as JSON (migration
    /// 002; defaults to `{}`).
    #[sea_orm(column_type = "JsonBinary")]
    pub health_metrics: HealthMetrics,
    /// Cached member count (defaults to 0).
    pub member_count: i32,
    /// Cached post count (defaults to 0).
    pub post_count: i32,
    /// When the community was created, unix epoch seconds (defaults to now).
    pub created_at: i64,
    /// When the community was last changed, unix epoch seconds (defaults to now).
    pub updated_at: i64,
    /// The parent community this one nests under, through `parent_id`; `None` for a root
    /// community.
    #[sea_orm(
        self_ref,
        relation_enum = "Parent",
        relation_reverse = "Children",
        from = "parent_id",
        to = "id"
    )]
    pub parent: BelongsTo<Option<Entity>>,
    /// The communities whose `parent_id` is this one.
    #[sea_orm(self_ref, relation_enum = "Children", relation_reverse = "Parent")]
    pub children: HasMany<Entity>,
    /// This community's theme feeds (`theme_feeds.community_id`); deleted with it.
    #[sea_orm(has_many)]
    pub theme_feeds: HasMany<super::theme_feeds::Entity>,
    /// This community's members and their roles (`memberships.community_id`); deleted with
    /// it.
    #[sea_orm(has_many)]
    pub memberships: HasMany<super::memberships::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
