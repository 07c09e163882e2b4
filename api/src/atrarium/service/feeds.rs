//! Theme feeds: create, update, delete (owners and moderators of the community).

use entity::atrarium::{FilterConfig, HealthMetrics, Role, communities, post_index, theme_feeds};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, Set,
};

use super::shared::{add_posts, feed_not_found, lock_community, lock_feed, now, reload_community};
use crate::atrarium::access::require_role;
use crate::error::{ApiError, ApiResult};
use crate::validate::{AtUri, Did, Name};
use crate::write::Store;

/// Who may manage a community's feeds.
const STEWARDS: &[Role] = &[Role::Owner, Role::Moderator];

/// A theme feed to create.
#[derive(Clone, Debug)]
pub struct NewThemeFeed {
    /// The community it belongs to.
    pub community_id: i64,
    /// Display name.
    pub name: Name,
    /// The feed generator's URI (collection `app.bsky.feed.generator`).
    pub feed_uri: AtUri,
    /// The rules that pick posts.
    pub filter_config: FilterConfig,
    /// Initial health metrics.
    pub health_metrics: HealthMetrics,
}

/// Changes to a theme feed; `None` leaves a setting as it is.
#[derive(Clone, Debug, Default)]
pub struct ThemeFeedChanges {
    /// A new display name.
    pub name: Option<Name>,
    /// New filter rules (replacing the old ones as a whole).
    pub filter_config: Option<FilterConfig>,
    /// New health metrics (replacing the old ones as a whole).
    pub health_metrics: Option<HealthMetrics>,
}

impl ThemeFeedChanges {
    /// Whether nothing would change.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.filter_config.is_none() && self.health_metrics.is_none()
    }
}

async fn refuse_taken_uri(txn: &DatabaseTransaction, uri: &str) -> ApiResult<()> {
    let taken = theme_feeds::Entity::find()
        .filter(theme_feeds::Column::FeedUri.eq(uri))
        .count(txn)
        .await?;
    if taken > 0 {
        return Err(ApiError::Conflict(format!(
            "a theme feed with URI {uri} already exists"
        )));
    }
    Ok(())
}

/// Creates a theme feed in a community. The feed URI is unique (`CONFLICT`).
pub async fn create_feed(
    store: &Store,
    actor: &Did,
    new: NewThemeFeed,
) -> ApiResult<theme_feeds::Model> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                lock_community(txn, new.community_id).await?;
                require_role(txn, new.community_id, &actor, STEWARDS, "create feeds").await?;
                let uri = new.feed_uri.to_string();
                // A clear message first; the unique index still decides under races.
                refuse_taken_uri(txn, &uri).await?;
                let feed = theme_feeds::ActiveModel {
                    community_id: Set(new.community_id),
                    name: Set(new.name.into_inner()),
                    feed_uri: Set(uri),
                    filter_config: Set(new.filter_config),
                    health_metrics: Set(new.health_metrics),
                    post_count: Set(0),
                    last_post_at: Set(None),
                    created_at: Set(now()),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                let change = super::changes::feed_change(
                    super::changes::FEED_CREATED,
                    feed.community_id,
                    feed.id,
                );
                super::changes::record(txn, actor.as_str(), vec![change]).await?;
                Ok(feed)
            })
        })
        .await
}

/// Changes a theme feed's name, filter rules or health metrics.
pub async fn update_feed(
    store: &Store,
    actor: &Did,
    id: i64,
    changes: ThemeFeedChanges,
) -> ApiResult<theme_feeds::Model> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                let (community, feed) = lock_feed(txn, id).await?;
                require_role(txn, community.id, &actor, STEWARDS, "change its feeds").await?;
                let mut am = feed.into_active_model();
                if let Some(name) = changes.name {
                    am.name = Set(name.into_inner());
                }
                if let Some(config) = changes.filter_config {
                    am.filter_config = Set(config);
                }
                if let Some(metrics) = changes.health_metrics {
                    am.health_metrics = Set(metrics);
                }
                let feed = am.update(txn).await?;
                let change = super::changes::feed_change(
                    super::changes::FEED_UPDATED,
                    feed.community_id,
                    feed.id,
                );
                super::changes::record(txn, actor.as_str(), vec![change]).await?;
                Ok(feed)
            })
        })
        .await
}

/// Deletes a theme feed and its indexed posts; the community's `post_count` drops by as
/// many posts. Answers the community.
pub async fn delete_feed(store: &Store, actor: &Did, id: i64) -> ApiResult<communities::Model> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                let (community, _feed) = lock_feed(txn, id).await?;
                require_role(txn, community.id, &actor, STEWARDS, "delete its feeds").await?;
                // Count the rows themselves: they are what the cascade removes.
                let posts = post_index::Entity::find()
                    .filter(post_index::Column::FeedId.eq(id))
                    .count(txn)
                    .await?;
                let posts = i32::try_from(posts).map_err(ApiError::internal)?;
                let res = theme_feeds::Entity::delete_by_id(id).exec(txn).await?;
                if res.rows_affected != 1 {
                    return Err(feed_not_found(id));
                }
                add_posts(txn, community.id, -posts).await?;
                let change =
                    super::changes::feed_change(super::changes::FEED_DELETED, community.id, id);
                super::changes::record(txn, actor.as_str(), vec![change]).await?;
                reload_community(txn, community.id).await
            })
        })
        .await
}
