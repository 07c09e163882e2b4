//! Atrarium's GraphQL types, enums, filters and orders. Integer ids are exposed as `Int`
//! (64-bit), in fields and arguments alike; epoch-second columns as `DateTime`.

use crate::pds::loaders::{AccountDid, PdsLoader};
use crate::pds::types::PdsAccount;
use async_graphql::{Context, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::atrarium::{
    FeedMix, FilterConfig, HealthMetrics, Role, Stage, communities, memberships, post_index,
    theme_feeds,
};
use sea_orm::Condition;

use super::loaders::{
    AncestorsOf, AtrariumLoader, ChildCountOfCommunity, ChildrenOfCommunity, CommunityId,
    FeedCountOfCommunity, FeedsOfCommunity, MembershipCountOfCommunity, MembershipsOfCommunity,
    ParentCommunity, PostCountOfFeed, PostsOfFeed, ThemeFeedId,
};
use crate::batch::{self, Node};
use crate::connection::Conn;
use crate::context::{list_request, nested_connection};
use crate::error::{ApiError, ResultExt};
use crate::filter::{BigIntFilter, BooleanFilter, DateTimeFilter, IntFilter, StringFilter};
use crate::loader::{CountRef, ListRef};
use crate::order::OrderDirection;
use crate::pagination::PageArgs;
use crate::scalars::{BigInt, from_epoch};
use crate::{enum_filter, filter_input, mirror_enum, order_input};

type Result<T> = async_graphql::Result<T>;

/// Default `maxDepth` of `ancestors`.
pub const DEFAULT_ANCESTOR_DEPTH: i32 = 32;
/// Largest `maxDepth` of `ancestors`.
pub const MAX_ANCESTOR_DEPTH: i32 = 100;

// ------------------------------------------------------------------------------- enums

mirror_enum! {
    /// Where a community is in its lifecycle: a theme grows into a community, which may
    /// graduate.
    pub enum AtrariumStage => Stage {
        /// A theme feed: a topic gathering posts, not yet a community.
        Theme,
        /// A community with members of its own.
        Community,
        /// A community that has outgrown its parent.
        Graduated,
    }
}

mirror_enum! {
    /// What a member may do in a community.
    pub enum AtrariumRole => Role {
        /// Full control: create feeds, manage members, delete the community.
        Owner,
        /// Moderation powers: approve posts, manage members.
        Moderator,
        /// View-only access.
        Member,
    }
}

enum_filter! {
    /// Conditions on a community's lifecycle stage.
    pub struct AtrariumStageFilter for AtrariumStage => Stage
}

enum_filter! {
    /// Conditions on a member's role.
    pub struct AtrariumRoleFilter for AtrariumRole => Role
}

// -------------------------------------------------------------------------- JSON shapes

/// How a community's feed is composed, in integer percentages.
#[derive(SimpleObject, Clone, Copy, Debug, PartialEq, Eq)]
pub struct AtrariumFeedMix {
    /// Percentage of posts from the community's own feeds.
    pub own: i32,
    /// Percentage of posts from the parent community.
    pub parent: i32,
    /// Percentage of posts from the global feed.
    pub global: i32,
}

impl From<FeedMix> for AtrariumFeedMix {
    fn from(m: FeedMix) -> Self {
        Self {
            own: m.own,
            parent: m.parent,
            global: m.global,
        }
    }
}

/// Health metrics of a community or theme feed; each metric is null until computed.
#[derive(SimpleObject, Clone, Copy, Debug, PartialEq)]
pub struct AtrariumHealthMetrics {
    /// Recent activity; the health check flags themes below 0.3.
    pub activity_score: Option<f64>,
    /// Growth rate of members or posts.
    pub growth_rate: Option<f64>,
    /// Engagement ratio.
    pub engagement: Option<f64>,
}

impl From<HealthMetrics> for AtrariumHealthMetrics {
    fn from(m: HealthMetrics) -> Self {
        Self {
            activity_score: m.activity_score,
            growth_rate: m.growth_rate,
            engagement: m.engagement,
        }
    }
}

/// The rules that pick posts into a theme feed.
#[derive(SimpleObject, Clone, Debug, PartialEq, Eq)]
pub struct AtrariumFilterConfig {
    /// Hashtags to match, e.g. `#TypeScript`.
    pub hashtags: Vec<String>,
    /// Keywords to match in the post text.
    pub keywords: Vec<String>,
    /// Author DIDs whose posts are included.
    pub authors: Vec<String>,
}

impl From<FilterConfig> for AtrariumFilterConfig {
    fn from(c: FilterConfig) -> Self {
        Self {
            hashtags: c.hashtags,
            keywords: c.keywords,
            authors: c.authors,
        }
    }
}

// ----------------------------------------------------------------------------- filters

filter_input! {
    /// Filters Atrarium communities.
    pub struct AtrariumCommunityFilter for communities::Column {
        /// The community's id.
        id: BigIntFilter => Id,
        /// The display name.
        name: StringFilter => Name,
        /// The lifecycle stage.
        stage: AtrariumStageFilter => Stage,
        /// The parent community's id (null for roots).
        parent_id: BigIntFilter => ParentId,
        /// The cached member count.
        member_count: IntFilter => MemberCount,
        /// The cached post count.
        post_count: IntFilter => PostCount,
        /// When the community was created.
        created_at: DateTimeFilter => CreatedAt [condition_epoch],
        /// When the community was last updated.
        updated_at: DateTimeFilter => UpdatedAt [condition_epoch],
    }
}

filter_input! {
    /// Filters Atrarium theme feeds.
    pub struct AtrariumThemeFeedFilter for theme_feeds::Column {
        /// The feed's id.
        id: BigIntFilter => Id,
        /// The community's id.
        community_id: BigIntFilter => CommunityId,
        /// The display name.
        name: StringFilter => Name,
        /// The AT Protocol feed generator URI.
        feed_uri: StringFilter => FeedUri,
        /// The cached post count.
        post_count: IntFilter => PostCount,
        /// When the newest indexed post was created.
        last_post_at: DateTimeFilter => LastPostAt [condition_epoch],
        /// When the feed was created.
        created_at: DateTimeFilter => CreatedAt [condition_epoch],
    }
}

filter_input! {
    /// Filters Atrarium memberships.
    pub struct AtrariumMembershipFilter for memberships::Column {
        /// The community's id.
        community_id: BigIntFilter => CommunityId,
        /// The member's DID.
        user_did: StringFilter => UserDid,
        /// The member's role.
        role: AtrariumRoleFilter => Role,
        /// When the member joined.
        joined_at: DateTimeFilter => JoinedAt [condition_epoch],
    }
}

filter_input! {
    /// Filters Atrarium indexed posts.
    pub struct AtrariumPostFilter for post_index::Column {
        /// The index row's id.
        id: BigIntFilter => Id,
        /// The theme feed's id.
        feed_id: BigIntFilter => FeedId,
        /// The post's `at://` URI.
        uri: StringFilter => Uri,
        /// The author's DID.
        author_did: StringFilter => AuthorDid,
        /// When the post was created.
        created_at: DateTimeFilter => CreatedAt [condition_epoch],
        /// Whether the post carries images or video.
        has_media: BooleanFilter => HasMedia,
    }
}

// ------------------------------------------------------------------------------ orders

order_input! {
    /// Orders Atrarium communities.
    pub struct AtrariumCommunityOrder;
    /// Sortable (indexed) columns of Atrarium communities.
    pub enum AtrariumCommunityOrderField for communities in "atrarium.communities", tie-break [Id] {
        /// Lifecycle stage, in lifecycle order: `THEME`, `COMMUNITY`, `GRADUATED`.
        Stage => Stage (false) ranked [Stage::Theme, Stage::Community, Stage::Graduated],
        /// Parent community id (roots first).
        ParentId => ParentId (true),
    }
}

order_input! {
    /// Orders Atrarium theme feeds.
    pub struct AtrariumThemeFeedOrder;
    /// Sortable (indexed) columns of Atrarium theme feeds.
    pub enum AtrariumThemeFeedOrderField for theme_feeds in "atrarium.theme_feeds", tie-break [Id] {
        /// The community's id.
        CommunityId => CommunityId (false),
        /// The feed generator URI.
        FeedUri => FeedUri (false),
    }
}

order_input! {
    /// Orders Atrarium memberships.
    pub struct AtrariumMembershipOrder;
    /// Sortable columns of Atrarium memberships.
    pub enum AtrariumMembershipOrderField for memberships in "atrarium.memberships", tie-break [CommunityId, UserDid] {
        /// The member's DID.
        UserDid => UserDid (false),
        /// The member's role (by its stored name).
        Role => Role (false),
        /// When the member joined.
        JoinedAt => JoinedAt (false),
    }
}

order_input! {
    /// Orders Atrarium indexed posts.
    pub struct AtrariumPostOrder;
    /// Sortable (indexed) columns of Atrarium indexed posts.
    pub enum AtrariumPostOrderField for post_index in "atrarium.post_index", tie-break [Id] {
        /// The theme feed's id.
        FeedId => FeedId (false),
        /// When the post was created.
        CreatedAt => CreatedAt (false),
        /// The post's URI.
        Uri => Uri (false),
        /// The author's DID.
        AuthorDid => AuthorDid (false),
    }
}

// ------------------------------------------------------------------------------- types

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
            AtrariumCommunityFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            AtrariumCommunityOrder,
        >,
    ) -> Result<Conn<AtrariumCommunity>> {
        let req = list_request(
            filter.as_ref(),
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
            AtrariumThemeFeedFilter,
        >,
        #[graphql(desc = "Sort order (the id breaks ties).")] order_by: Option<
            AtrariumThemeFeedOrder,
        >,
    ) -> Result<Conn<AtrariumThemeFeed>> {
        let req = list_request(
            filter.as_ref(),
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
            AtrariumMembershipFilter,
        >,
        #[graphql(desc = "Sort order (community id and DID break ties).")] order_by: Option<
            AtrariumMembershipOrder,
        >,
    ) -> Result<Conn<AtrariumMembership>> {
        let req = list_request(
            filter.as_ref(),
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
        #[graphql(desc = "Only posts matching this filter.")] filter: Option<AtrariumPostFilter>,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<AtrariumPostOrder>,
    ) -> Result<Conn<AtrariumPost>> {
        let order = order_by.or(Some(AtrariumPostOrder {
            field: AtrariumPostOrderField::CreatedAt,
            direction: OrderDirection::Desc,
        }));
        let req = list_request(
            filter.as_ref(),
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

/// A user's (DID's) membership and role in a community.
pub struct AtrariumMembership(pub Node<memberships::Model>);

impl From<Node<memberships::Model>> for AtrariumMembership {
    fn from(m: Node<memberships::Model>) -> Self {
        Self(m)
    }
}

/// A user's (DID's) membership and role in a community.
#[Object]
impl AtrariumMembership {
    /// The community's id (with `userDid`, the membership's key).
    async fn community_id(&self) -> BigInt {
        BigInt(self.0.community_id)
    }
    /// The member's AT Protocol DID (`did:plc:...`).
    async fn user_did(&self) -> &str {
        &self.0.user_did
    }
    /// The member's role.
    async fn role(&self) -> AtrariumRole {
        self.0.role.into()
    }
    /// When the member joined.
    async fn joined_at(&self) -> Option<DateTime<Utc>> {
        from_epoch(self.0.joined_at)
    }

    /// The community.
    async fn community(&self, ctx: &Context<'_>) -> Result<Option<AtrariumCommunity>> {
        let n =
            batch::one::<AtrariumLoader, _, _, _>(ctx, &self.0, |m| CommunityId(m.community_id))
                .await?;
        Ok(n.map(AtrariumCommunity))
    }

    /// The member's account on this server's PDS, when the DID has one (resolved across
    /// domains through the PDS loader, batched).
    async fn pds_account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n = batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |m| AccountDid(m.user_did.clone()))
            .await?;
        Ok(n.map(PdsAccount))
    }
}

/// A post picked by a theme feed: only its `at://` URI is stored; the content lives on
/// the author's PDS.
pub struct AtrariumPost(pub Node<post_index::Model>);

impl From<Node<post_index::Model>> for AtrariumPost {
    fn from(m: Node<post_index::Model>) -> Self {
        Self(m)
    }
}

/// A post picked by a theme feed: only its `at://` URI is stored; the content lives on
/// the author's PDS.
#[Object]
impl AtrariumPost {
    /// The index row's id.
    async fn id(&self) -> BigInt {
        BigInt(self.0.id)
    }
    /// The theme feed's id.
    async fn feed_id(&self) -> BigInt {
        BigInt(self.0.feed_id)
    }
    /// The post's `at://` URI (`at://did:plc:xxx/app.bsky.feed.post/rkey`).
    async fn uri(&self) -> &str {
        &self.0.uri
    }
    /// The author's DID.
    async fn author_did(&self) -> &str {
        &self.0.author_did
    }
    /// When the post was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        from_epoch(self.0.created_at)
    }
    /// Whether the post carries images or video.
    async fn has_media(&self) -> bool {
        self.0.has_media
    }

    /// The theme feed that indexed the post.
    async fn feed(&self, ctx: &Context<'_>) -> Result<Option<AtrariumThemeFeed>> {
        let n =
            batch::one::<AtrariumLoader, _, _, _>(ctx, &self.0, |p| ThemeFeedId(p.feed_id)).await?;
        Ok(n.map(AtrariumThemeFeed))
    }

    /// The author's account on this server's PDS, when the DID has one (resolved across
    /// domains through the PDS loader, batched).
    async fn pds_account(&self, ctx: &Context<'_>) -> Result<Option<PdsAccount>> {
        let n =
            batch::one::<PdsLoader, _, _, _>(ctx, &self.0, |p| AccountDid(p.author_did.clone()))
                .await?;
        Ok(n.map(PdsAccount))
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
