//! Atrarium's communities.

use async_graphql::{Context, Object};
use chrono::{DateTime, Utc};
use entity::atrarium::communities;
use sea_orm::Condition;

use super::*;
use crate::atrarium::loaders::{
    AncestorsOf, AtrariumLoader, ChildCountOfCommunity, ChildrenOfCommunity, FeedCountOfCommunity,
    FeedsOfCommunity, MembershipCountOfCommunity, MembershipsOfCommunity, ParentCommunity,
};
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::{ApiError, ResultExt};
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;
use crate::scalars::{BigInt, from_epoch};

type Result<T> = async_graphql::Result<T>;

/// Default `maxDepth` of `ancestors`.
pub const DEFAULT_ANCESTOR_DEPTH: i32 = 32;
/// Largest `maxDepth` of `ancestors`.
pub const MAX_ANCESTOR_DEPTH: i32 = 100;

/// A community: a theme, a community with members, or a graduated community, possibly
/// nested under a parent.
pub struct AtrariumCommunity(pub Node<communities::Model>);

impl From<Node<communities::Model>> for AtrariumCommunity {
    fn from(m: Node<communities::Model>) -> Self {
        Self(m)
    }
}

/// A community: a theme, a community with members, or a graduated community, possibly
/// nested under a parent.
#[Object]
impl AtrariumCommunity {
    /// The community's id.
    async fn id(&self) -> BigInt {
        BigInt(self.0.id)
    }
    /// The display name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// The lifecycle stage.
    async fn stage(&self) -> AtrariumStage {
        self.0.stage.into()
    }
    /// The parent community's id (null for roots).
    async fn parent_id(&self) -> Option<BigInt> {
        self.0.parent_id.map(BigInt)
    }
    /// How the community's feed is composed.
    async fn feed_mix(&self) -> AtrariumFeedMix {
        self.0.feed_mix.into()
    }
    /// The community's health metrics.
    async fn health_metrics(&self) -> AtrariumHealthMetrics {
        self.0.health_metrics.into()
    }
    /// The cached member count.
    async fn member_count(&self) -> i32 {
        self.0.member_count
    }
    /// The cached post count.
    async fn post_count(&self) -> i32 {
        self.0.post_count
    }
    /// When the community was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        from_epoch(self.0.created_at)
    }
    /// When the community was last updated.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        from_epoch(self.0.updated_at)
    }

    /// The parent community (null for roots).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<AtrariumCommunity>> {
        let n =
            batch::one::<AtrariumLoader, _, _, _>(ctx, &self.0, |c| ParentCommunity(c.parent_id))
                .await?;
        Ok(n.map(AtrariumCommunity))
    }

    /// The chain of ancestors up to the root, nearest parent first. Cycle-safe: a
    /// community is never listed twice, and the community itself never.
    async fn ancestors(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "How many levels to climb at most (1 to 100).",
            default_with = "Some(DEFAULT_ANCESTOR_DEPTH)"
        )]
        max_depth: Option<i32>,
    ) -> Result<Vec<AtrariumCommunity>> {
        let max_depth = max_depth.unwrap_or(DEFAULT_ANCESTOR_DEPTH);
        if !(1..=MAX_ANCESTOR_DEPTH).contains(&max_depth) {
            return Err(ApiError::bad_input(
                "maxDepth",
                format!("`maxDepth` must be between 1 and {MAX_ANCESTOR_DEPTH}"),
            ))
            .extend();
        }
        let (cache, loader) = batch::parts::<AtrariumLoader>(ctx)?;
        let page = (batch::page(
            &cache,
            &loader,
            &self.0,
            &format!("ancestors:{max_depth}"),
            |c| AncestorsOf(c.id, max_depth),
        )
        .await)
            .extend()?;
        Ok(page
            .edges
            .into_iter()
            .map(|(_, n)| AtrariumCommunity(n))
            .collect())
    }

    /// The communities nested directly under this one (default order: id).
    async fn children(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only communities matching this filter.")] filter: Option<
            Box<AtrariumCommunityFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            AtrariumCommunityOrder,
        >,
    ) -> Result<Conn<AtrariumCommunity>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            AtrariumCommunityOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<AtrariumLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |c, l: &ListRef<_>| ChildrenOfCommunity(c.id, l.clone()),
            |c, n: &CountRef| ChildCountOfCommunity(c.id, n.clone()),
        )
        .await
    }

    /// The community's theme feeds (default order: id).
    async fn theme_feeds(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only feeds matching this filter.")] filter: Option<
            Box<AtrariumThemeFeedFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            AtrariumThemeFeedOrder,
        >,
    ) -> Result<Conn<AtrariumThemeFeed>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            AtrariumThemeFeedOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<AtrariumLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |c, l: &ListRef<_>| FeedsOfCommunity(c.id, l.clone()),
            |c, n: &CountRef| FeedCountOfCommunity(c.id, n.clone()),
        )
        .await
    }

    /// The community's members with their roles (default order: community id, then DID).
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only memberships matching this filter.")] filter: Option<
            Box<AtrariumMembershipFilter>,
        >,
        #[graphql(desc = "Sort order (community id and DID break ties).")] order_by: Option<
            AtrariumMembershipOrder,
        >,
    ) -> Result<Conn<AtrariumMembership>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all(),
            AtrariumMembershipOrder::ordering(order_by),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        nested_connection::<AtrariumLoader, _, _, _, _, _>(
            ctx,
            &self.0,
            req,
            |c, l: &ListRef<_>| MembershipsOfCommunity(c.id, l.clone()),
            |c, n: &CountRef| MembershipCountOfCommunity(c.id, n.clone()),
        )
        .await
    }
}
