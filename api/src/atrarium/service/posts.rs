//! The post index: index a post into a theme feed, or take it out again, keeping the
//! feed's `post_count` and `last_post_at` and the community's `post_count` exact.

use entity::atrarium::{Role, communities, post_index, theme_feeds};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QuerySelect, Set,
};

use super::changes;
use super::shared::{add_posts, feed_not_found, lock_feed, reload_community};
use crate::atrarium::access::require_role;
use crate::error::{ApiError, ApiResult};
use crate::validate::{AtUri, Did};
use crate::write::Store;

/// Who may index posts into a community's feeds (the seed's "approve posts").
const STEWARDS: &[Role] = &[Role::Owner, Role::Moderator];

/// A post to index.
#[derive(Clone, Debug)]
pub struct NewPost {
    /// The theme feed.
    pub feed_id: i64,
    /// The post's URI (collection `app.bsky.feed.post`); its DID is the author.
    pub uri: AtUri,
    /// When the post was created, unix epoch seconds.
    pub created_at: i64,
    /// Whether the post carries images or video.
    pub has_media: bool,
}

/// What an index write changed.
#[derive(Clone, Debug)]
pub struct PostChange<P> {
    /// The post (indexed) or its id (taken out).
    pub post: P,
    /// The feed, with its counters updated.
    pub feed: theme_feeds::Model,
    /// The feed's community, with its counter updated.
    pub community: communities::Model,
}

/// Feed `id`'s counters after a change: `post_count = post_count + delta` and
/// `last_post_at` as given.
async fn set_feed_counters(
    txn: &DatabaseTransaction,
    id: i64,
    delta: i32,
    last_post_at: Option<i64>,
) -> ApiResult<theme_feeds::Model> {
    use sea_orm::sea_query::ExprTrait;
    theme_feeds::Entity::update_many()
        .col_expr(
            theme_feeds::Column::PostCount,
            Expr::col(theme_feeds::Column::PostCount).add(delta),
        )
        .col_expr(theme_feeds::Column::LastPostAt, Expr::value(last_post_at))
        .filter(theme_feeds::Column::Id.eq(id))
        .exec(txn)
        .await?;
    theme_feeds::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| feed_not_found(id))
}

/// Indexes a post into a theme feed (owners and moderators of its community). A URI
/// already in the feed is `CONFLICT`.
pub async fn index_post(
    store: &Store,
    actor: &Did,
    new: NewPost,
) -> ApiResult<PostChange<post_index::Model>> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                let (community, feed) = lock_feed(txn, new.feed_id).await?;
                require_role(txn, community.id, &actor, STEWARDS, "index posts").await?;
                let uri = new.uri.to_string();
                let dup = post_index::Entity::find()
                    .filter(post_index::Column::FeedId.eq(feed.id))
                    .filter(post_index::Column::Uri.eq(uri.as_str()))
                    .count(txn)
                    .await?;
                if dup > 0 {
                    return Err(ApiError::Conflict(format!(
                        "post {uri} is already indexed in theme feed {}",
                        feed.id
                    )));
                }
                let post = post_index::ActiveModel {
                    feed_id: Set(feed.id),
                    uri: Set(uri),
                    author_did: Set(new.uri.did.into_inner()),
                    created_at: Set(new.created_at),
                    has_media: Set(new.has_media),
                    ..Default::default()
                }
                .insert(txn)
                .await?;
                let last = feed
                    .last_post_at
                    .map_or(new.created_at, |t| t.max(new.created_at));
                let feed = set_feed_counters(txn, feed.id, 1, Some(last)).await?;
                add_posts(txn, community.id, 1).await?;
                let community = reload_community(txn, community.id).await?;
                let change = changes::post(changes::POST_INDEXED, &post);
                changes::record(txn, actor.as_str(), vec![change]).await?;
                Ok(PostChange {
                    post,
                    feed,
                    community,
                })
            })
        })
        .await
}

/// Takes an indexed post out of its feed (owners and moderators); the feed's
/// `last_post_at` becomes its newest remaining post's time (null when none is left).
pub async fn unindex_post(store: &Store, actor: &Did, id: i64) -> ApiResult<PostChange<i64>> {
    let actor = actor.clone();
    store
        .transaction(|txn| {
            Box::pin(async move {
                let not_found = || ApiError::NotFound(format!("indexed post {id}"));
                let feed_id = post_index::Entity::find_by_id(id)
                    .select_only()
                    .column(post_index::Column::FeedId)
                    .into_tuple::<i64>()
                    .one(txn)
                    .await?
                    .ok_or_else(not_found)?;
                let (community, feed) = lock_feed(txn, feed_id).await?;
                require_role(txn, community.id, &actor, STEWARDS, "take posts out").await?;
                let gone = post_index::Entity::find_by_id(id)
                    .one(txn)
                    .await?
                    .ok_or_else(not_found)?;
                let res = post_index::Entity::delete_by_id(id).exec(txn).await?;
                if res.rows_affected != 1 {
                    return Err(not_found());
                }
                let last = post_index::Entity::find()
                    .select_only()
                    .column_as(post_index::Column::CreatedAt.max(), "last")
                    .filter(post_index::Column::FeedId.eq(feed.id))
                    .into_tuple::<Option<i64>>()
                    .one(txn)
                    .await?
                    .flatten();
                let feed = set_feed_counters(txn, feed.id, -1, last).await?;
                add_posts(txn, community.id, -1).await?;
                let community = reload_community(txn, community.id).await?;
                let change = changes::post(changes::POST_UNINDEXED, &gone);
                changes::record(txn, actor.as_str(), vec![change]).await?;
                Ok(PostChange {
                    post: id,
                    feed,
                    community,
                })
            })
        })
        .await
}
