//! Atrarium's root query fields.

use async_graphql::{Context, MergedObject, Object};
use entity::atrarium::{memberships, theme_feeds};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter};

use super::loaders::{AtrariumLoader, CommunityId, PostId, ThemeFeedId};
use super::service::{self, DEFAULT_MAX_ACTIVITY_SCORE, DEFAULT_SKELETON_SIZE};
use super::types::*;
use crate::batch::{Node, Rows};
use crate::connection::Conn;
use crate::context::{databases, list_request, loader, root_connection};
use crate::error::{ApiError, ResultExt};
use crate::pagination::PageArgs;
use crate::root_list;
use crate::scalars::BigInt;

type Result<T> = async_graphql::Result<T>;

/// Exactly one of the lookup arguments must be given.
fn exactly_one(given: &[(&str, bool)]) -> std::result::Result<(), ApiError> {
    let n = given.iter().filter(|(_, g)| *g).count();
    if n == 1 {
        return Ok(());
    }
    let names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
    Err(ApiError::bad_input(
        names.join("|"),
        format!("give exactly one of: {}", names.join(", ")),
    ))
}

/// Atrarium's part of the root query.
#[derive(MergedObject, Default)]
pub struct AtrariumQuery(AtrariumLookups, AtrariumLists);

/// Atrarium's plural root connections.
#[derive(MergedObject, Default)]
pub struct AtrariumLists(
    AtrariumCommunitiesList,
    AtrariumThemeFeedsList,
    AtrariumMembershipsList,
    AtrariumPostsList,
);

/// Atrarium's single-object lookups and other root fields.
#[derive(Default)]
pub struct AtrariumLookups;

#[Object]
impl AtrariumLookups {
    /// One community by id; null if none matches.
    async fn atrarium_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community's id.")] id: BigInt,
    ) -> Result<Option<AtrariumCommunity>> {
        let m = loader::<AtrariumLoader>(ctx)?
            .load_one(CommunityId(id.0))
            .await
            .extend()?;
        Ok(m.map(|m| AtrariumCommunity(Node::single(m))))
    }

    /// One theme feed, by exactly one of `id` or `feedUri`; null if none matches.
    async fn atrarium_theme_feed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The feed's id.")] id: Option<BigInt>,
        #[graphql(desc = "The feed generator's `at://` URI.")] feed_uri: Option<String>,
    ) -> Result<Option<AtrariumThemeFeed>> {
        exactly_one(&[("id", id.is_some()), ("feedUri", feed_uri.is_some())]).extend()?;
        if let Some(id) = id {
            let m = loader::<AtrariumLoader>(ctx)?
                .load_one(ThemeFeedId(id.0))
                .await
                .extend()?;
            return Ok(m.map(|m| AtrariumThemeFeed(Node::single(m))));
        }
        let db = databases(ctx)?.atrarium();
        let m = theme_feeds::Entity::find()
            .filter(theme_feeds::Column::FeedUri.eq(feed_uri.unwrap_or_default()))
            .one(db)
            .await
            .extend()?;
        Ok(m.map(|m| AtrariumThemeFeed(Node::single(m))))
    }

    /// One membership, by its key (community and DID); null if none matches.
    async fn atrarium_membership(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community's id.")] community_id: BigInt,
        #[graphql(desc = "The member's DID.")] user_did: String,
    ) -> Result<Option<AtrariumMembership>> {
        let db = databases(ctx)?.atrarium();
        let m = memberships::Entity::find_by_id((community_id.0, user_did))
            .one(db)
            .await
            .extend()?;
        Ok(m.map(|m| AtrariumMembership(Node::single(m))))
    }

    /// One indexed post by id; null if none matches.
    async fn atrarium_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The index row's id.")] id: BigInt,
    ) -> Result<Option<AtrariumPost>> {
        let m = loader::<AtrariumLoader>(ctx)?
            .load_one(PostId(id.0))
            .await
            .extend()?;
        Ok(m.map(|m| AtrariumPost(Node::single(m))))
    }

    /// The seed's feed skeleton: the post URIs of the feed `feedUri`, newest first (the
    /// higher id first among posts of the same second), in the shape of AT Protocol's
    /// `app.bsky.feed.getFeedSkeleton`. `NOT_FOUND` if no feed has that URI.
    async fn atrarium_feed_skeleton(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The feed generator's `at://` URI.")] feed_uri: String,
        #[graphql(
            desc = "How many posts (1 to 100).",
            default_with = "Some(DEFAULT_SKELETON_SIZE)"
        )]
        first: Option<i32>,
        #[graphql(desc = "The `cursor` of the previous page.")] after: Option<String>,
    ) -> Result<AtrariumFeedSkeleton> {
        let db = databases(ctx)?.atrarium();
        let s =
            service::feed_skeleton(db, &feed_uri, first.unwrap_or(DEFAULT_SKELETON_SIZE), after)
                .await
                .extend()?;
        Ok(AtrariumFeedSkeleton {
            feed: s
                .posts
                .into_iter()
                .map(|post| AtrariumSkeletonItem { post })
                .collect(),
            cursor: s.cursor,
        })
    }

    /// The seed's community health check: communities of `stage` whose activity score is
    /// below `maxActivityScore` (communities without a score are left out), lowest score
    /// first, then by id.
    async fn atrarium_community_health(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The lifecycle stage to check.",
            default_with = "Some(AtrariumStage::Theme)"
        )]
        stage: Option<AtrariumStage>,
        #[graphql(
            desc = "Only communities scoring below this.",
            default_with = "Some(DEFAULT_MAX_ACTIVITY_SCORE)"
        )]
        max_activity_score: Option<f64>,
    ) -> Result<Vec<AtrariumCommunity>> {
        let db = databases(ctx)?.atrarium();
        let rows = service::community_health(
            db,
            stage.unwrap_or(AtrariumStage::Theme).into(),
            max_activity_score.unwrap_or(DEFAULT_MAX_ACTIVITY_SCORE),
        )
        .await
        .extend()?;
        Ok(Rows::new(rows).nodes().map(AtrariumCommunity).collect())
    }

    /// The seed's "user's communities": the memberships of `did` (each with its community
    /// and role), newest join first; joins in the same second: the highest community id
    /// first.
    async fn atrarium_user_communities(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The member's DID.")] did: String,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only memberships matching this filter.")] filter: Option<
            Box<AtrariumMembershipFilter>,
        >,
    ) -> Result<Conn<AtrariumMembership>> {
        let req = list_request(
            filter.as_deref(),
            Condition::all().add(memberships::Column::UserDid.eq(did)),
            service::user_communities_ordering(),
            PageArgs::new(first, after, last, before),
        )
        .extend()?;
        root_connection(ctx, databases(ctx)?.atrarium(), req).await
    }
}

root_list! {
    /// All communities.
    AtrariumCommunitiesList.atrarium_communities -> AtrariumCommunity,
    db: atrarium,
    filter: AtrariumCommunityFilter => "Only communities matching this filter.",
    order: AtrariumCommunityOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All theme feeds.
    AtrariumThemeFeedsList.atrarium_theme_feeds -> AtrariumThemeFeed,
    db: atrarium,
    filter: AtrariumThemeFeedFilter => "Only feeds matching this filter.",
    order: AtrariumThemeFeedOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All memberships.
    AtrariumMembershipsList.atrarium_memberships -> AtrariumMembership,
    db: atrarium,
    filter: AtrariumMembershipFilter => "Only memberships matching this filter.",
    order: AtrariumMembershipOrder => "Sort order (community id and DID break ties; default: both).",
    access: |ctx| Condition::all(),
}

root_list! {
    /// All indexed posts.
    AtrariumPostsList.atrarium_posts -> AtrariumPost,
    db: atrarium,
    filter: AtrariumPostFilter => "Only posts matching this filter.",
    order: AtrariumPostOrder => "Sort order (the id breaks ties; default: id).",
    access: |ctx| Condition::all(),
}
