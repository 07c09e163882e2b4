//! The payloads of Atrarium's mutations: the changed objects as Atrarium's read types.

use async_graphql::SimpleObject;

use super::{AtrariumCommunity, AtrariumMembership, AtrariumPost, AtrariumThemeFeed};
use crate::scalars::BigInt;

/// What `atrariumCreateCommunity` created.
#[derive(SimpleObject)]
pub struct AtrariumCreateCommunityPayload {
    /// The new community, at stage `THEME` with one member.
    pub community: AtrariumCommunity,
    /// The creator's membership, as its owner.
    pub membership: AtrariumMembership,
}

/// The community `atrariumUpdateCommunity` changed.
#[derive(SimpleObject)]
pub struct AtrariumUpdateCommunityPayload {
    /// The community as it is now.
    pub community: AtrariumCommunity,
}

/// The community `atrariumAdvanceCommunityStage` moved on.
#[derive(SimpleObject)]
pub struct AtrariumAdvanceCommunityStagePayload {
    /// The community at its new stage.
    pub community: AtrariumCommunity,
}

/// What `atrariumDeleteCommunity` removed.
#[derive(SimpleObject)]
pub struct AtrariumDeleteCommunityPayload {
    /// The deleted community's id (its feeds, their posts and its memberships went with
    /// it).
    pub deleted_id: BigInt,
    /// Its parent community, which lost a child (null for a root).
    pub parent: Option<AtrariumCommunity>,
}

/// The theme feed `atrariumCreateThemeFeed` created.
#[derive(SimpleObject)]
pub struct AtrariumCreateThemeFeedPayload {
    /// The new theme feed, with no posts yet.
    pub theme_feed: AtrariumThemeFeed,
}

/// The theme feed `atrariumUpdateThemeFeed` changed.
#[derive(SimpleObject)]
pub struct AtrariumUpdateThemeFeedPayload {
    /// The theme feed as it is now.
    pub theme_feed: AtrariumThemeFeed,
}

/// What `atrariumDeleteThemeFeed` removed.
#[derive(SimpleObject)]
pub struct AtrariumDeleteThemeFeedPayload {
    /// The deleted feed's id (its indexed posts went with it).
    pub deleted_id: BigInt,
    /// The feed's community, its `postCount` down by the feed's posts.
    pub community: AtrariumCommunity,
}

/// What `atrariumJoinCommunity` changed.
#[derive(SimpleObject)]
pub struct AtrariumJoinCommunityPayload {
    /// The new membership, role `MEMBER`.
    pub membership: AtrariumMembership,
    /// The community, its `memberCount` up by one.
    pub community: AtrariumCommunity,
}

/// What `atrariumLeaveCommunity` changed.
#[derive(SimpleObject)]
pub struct AtrariumLeaveCommunityPayload {
    /// The DID whose membership ended (with the community's id, the membership's key).
    pub user_did: String,
    /// The community, its `memberCount` down by one.
    pub community: AtrariumCommunity,
}

/// What `atrariumChangeMemberRole` changed.
#[derive(SimpleObject)]
pub struct AtrariumChangeMemberRolePayload {
    /// The membership with its new role.
    pub membership: AtrariumMembership,
}

/// What `atrariumRemoveMember` changed.
#[derive(SimpleObject)]
pub struct AtrariumRemoveMemberPayload {
    /// The DID whose membership ended (with the community's id, the membership's key).
    pub user_did: String,
    /// The community, its `memberCount` down by one.
    pub community: AtrariumCommunity,
}

/// What `atrariumIndexPost` changed.
#[derive(SimpleObject)]
pub struct AtrariumIndexPostPayload {
    /// The indexed post.
    pub post: AtrariumPost,
    /// The feed, its `postCount` up by one and `lastPostAt` moved on if the post is its
    /// newest.
    pub theme_feed: AtrariumThemeFeed,
    /// The feed's community, its `postCount` up by one.
    pub community: AtrariumCommunity,
}

/// What `atrariumUnindexPost` changed.
#[derive(SimpleObject)]
pub struct AtrariumUnindexPostPayload {
    /// The id of the index row removed.
    pub deleted_id: BigInt,
    /// The feed, its `postCount` down by one and `lastPostAt` that of its newest
    /// remaining post.
    pub theme_feed: AtrariumThemeFeed,
    /// The feed's community, its `postCount` down by one.
    pub community: AtrariumCommunity,
}
