//! Atrarium's theme feeds and their skeletons.

use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::atrarium::theme_feeds;
use sea_orm::Condition;

use super::*;
use crate::atrarium::loaders::{AtrariumLoader, CommunityId, PostCountOfFeed, PostsOfFeed};
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::ResultExt;
use crate::loader::{CountRef, ListRef};
use crate::order::OrderDirection;
use crate::pagination::PageArgs;
use crate::scalars::{BigInt, from_epoch};

type Result<T> = async_graphql::Result<T>;

/// A theme feed: an AT Protocol feed generator of a community and the rules that fill it.
pub struct AtrariumThemeFeed(pub Node<theme_feeds::Model>);

impl From<Node<theme_feeds::Model>> for AtrariumThemeFeed {
    fn from(m: Node<theme_feeds::Model>) -> Self {
        Self(m)
    }
}

/// A theme feed: an AT Protocol feed generator of a community and the rules that fill it.
#[Object]
impl AtrariumThemeFeed {
    /// The feed's id.
    async fn id(&self) -> BigInt {
        BigInt(self.0.id)
    }
    /// The community's id.
    async fn community_id(&self) -> BigInt {
        BigInt(self.0.community_id)
    }
    /// The display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The AT Protocol feed generator URI
    /// (`at://did:plc:xxx/app.bsky.feed.generator/feed-id`).
    async fn feed_uri(&self) -> &str {
        &self.0.feed_uri
    }
    /// Which posts the feed picks.
    async fn filter_config(&self) -> AtrariumFilterConfig {
        self.0.filter_config.clone().into()
    }
    /// The feed's health metrics.
    async fn health_metrics(&self) -> AtrariumHealthMetrics {
        self.0.health_metrics.into()
    }
    /// The cached post count.
    async fn post_count(&self) -> i32 {
        self.0.post_count
    }
    /// When the newest indexed post was created (null while the feed has none); kept
    /// exact as posts are indexed and taken out.
    async fn last_post_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_post_at.and_then(from_epoch)
    }
    /// When the feed was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        from_epoch(self.0.created_at)
    }

    /// The community the feed belongs to.
    async fn community(&self, ctx: &Context<'_>) -> Result<Option<AtrariumCommunity>> {
        let n =
            batch::one::<AtrariumLoader, _, _, _>(ctx, &self.0, |f| CommunityId(f.community_id))
                .await?;
        Ok(n.map(AtrariumCommunity))
    }

    /// The posts the feed has indexed (default order: newest first, then id).
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only posts matching this filter.")] filter: Option<
            Box<AtrariumPostFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<AtrariumPostOrder>,
    ) -> Result<Conn<AtrariumPost>> {
        let order = order_by.or(Some(AtrariumPostOrder {
            field: AtrariumPostOrderField::CreatedAt,
            direction: OrderDirection::Desc,
        }));
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            AtrariumPostOrder::ordering(order),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<AtrariumLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |f, l: &ListRef<_>| PostsOfFeed(f.id, l.clone()),
            |f, n: &CountRef| PostCountOfFeed(f.id, n.clone()),
        )
        .await
    }
}

// -------------------------------------------------------------------- feed skeleton

/// One post of a feed skeleton.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct AtrariumSkeletonItem {
    /// The post's `at://` URI.
    pub post: String,
}

/// A page of a feed's post URIs, in the shape of AT Protocol's
/// `app.bsky.feed.getFeedSkeleton`.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct AtrariumFeedSkeleton {
    /// The posts, newest first.
    pub feed: Vec<AtrariumSkeletonItem>,
    /// Pass as `after` for the next page; null at the end of the feed.
    pub cursor: Option<String>,
}
