//! Atrarium's mutations. Each one authenticates a DID (an Atrarium session or a PDS
//! session), parses its input ([`super::inputs`]) and runs one service call in one
//! transaction ([`super::service`]); the payload holds the changed objects as Atrarium's
//! read types.

use async_graphql::{Context, Object};
use entity::Domain;

use super::access::actor;
use super::inputs::*;
use super::service::{communities, feeds, members, posts};
use super::types::*;
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ApiResult, ResultExt};
use crate::scalars::BigInt;
use crate::write::Store;

type Result<T> = async_graphql::Result<T>;

/// Atrarium's storage.
fn store(ctx: &Context<'_>) -> ApiResult<Store> {
    databases(ctx)
        .map(|dbs| dbs.store(Domain::Atrarium))
        .map_err(|e| ApiError::internal(e.message))
}

fn community(m: entity::atrarium::communities::Model) -> AtrariumCommunity {
    AtrariumCommunity(Node::single(m))
}

fn feed(m: entity::atrarium::theme_feeds::Model) -> AtrariumThemeFeed {
    AtrariumThemeFeed(Node::single(m))
}

fn membership(m: entity::atrarium::memberships::Model) -> AtrariumMembership {
    AtrariumMembership(Node::single(m))
}

// ----------------------------------------------------------------------------- resolvers

/// Atrarium's part of the root mutation. Every operation acts as the DID of the request's
/// Atrarium or PDS session.
#[derive(Default)]
pub struct AtrariumMutation;

/// Atrarium's part of the root mutation. Every operation acts as the DID of the request's
/// Atrarium or PDS session.
#[Object]
impl AtrariumMutation {
    /// Creates a community at stage `THEME`, optionally nested under a parent; the caller
    /// becomes its owner and first member.
    async fn atrarium_create_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community to create.")] input: AtrariumCreateCommunityInput,
    ) -> Result<AtrariumCreateCommunityPayload> {
        let actor = actor(ctx).extend()?;
        let new = input.parse().extend()?;
        let created = communities::create_community(&store(ctx).extend()?, &actor, new)
            .await
            .extend()?;
        Ok(AtrariumCreateCommunityPayload {
            community: community(created.community),
            membership: membership(created.membership),
        })
    }

    /// Changes a community's name, parent (never under itself or a descendant), feed mix
    /// or health metrics. Owners only.
    async fn atrarium_update_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community and its changes.")] input: AtrariumUpdateCommunityInput,
    ) -> Result<AtrariumUpdateCommunityPayload> {
        let actor = actor(ctx).extend()?;
        let (id, changes) = input.parse().extend()?;
        let c = communities::update_community(&store(ctx).extend()?, &actor, id, changes)
            .await
            .extend()?;
        Ok(AtrariumUpdateCommunityPayload {
            community: community(c),
        })
    }

    /// Moves a community to its next stage: theme → community → graduated. Owners only.
    /// Skipping or undoing a stage is `BAD_USER_INPUT`; a community already at the
    /// target stage is `CONFLICT`.
    async fn atrarium_advance_community_stage(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community and the stage to move it to.")]
        input: AtrariumAdvanceCommunityStageInput,
    ) -> Result<AtrariumAdvanceCommunityStagePayload> {
        let actor = actor(ctx).extend()?;
        let (id, stage) = input.parse().extend()?;
        let c = communities::advance_stage(&store(ctx).extend()?, &actor, id, stage)
            .await
            .extend()?;
        Ok(AtrariumAdvanceCommunityStagePayload {
            community: community(c),
        })
    }

    /// Deletes a community with its theme feeds, their indexed posts and its
    /// memberships. Owners only; a community with child communities is `CONFLICT`.
    async fn atrarium_delete_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community's id.")] id: BigInt,
    ) -> Result<AtrariumDeleteCommunityPayload> {
        let actor = actor(ctx).extend()?;
        let parent = communities::delete_community(&store(ctx).extend()?, &actor, id.0)
            .await
            .extend()?;
        Ok(AtrariumDeleteCommunityPayload {
            deleted_id: id,
            parent: parent.map(community),
        })
    }

    /// Creates a theme feed in a community. Owners and moderators; the feed URI is
    /// unique (`CONFLICT`).
    async fn atrarium_create_theme_feed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The theme feed to create.")] input: AtrariumCreateThemeFeedInput,
    ) -> Result<AtrariumCreateThemeFeedPayload> {
        let actor = actor(ctx).extend()?;
        let new = input.parse().extend()?;
        let f = feeds::create_feed(&store(ctx).extend()?, &actor, new)
            .await
            .extend()?;
        Ok(AtrariumCreateThemeFeedPayload {
            theme_feed: feed(f),
        })
    }

    /// Changes a theme feed's name, filter rules or health metrics. Owners and
    /// moderators of its community.
    async fn atrarium_update_theme_feed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The theme feed and its changes.")] input: AtrariumUpdateThemeFeedInput,
    ) -> Result<AtrariumUpdateThemeFeedPayload> {
        let actor = actor(ctx).extend()?;
        let (id, changes) = input.parse().extend()?;
        let f = feeds::update_feed(&store(ctx).extend()?, &actor, id, changes)
            .await
            .extend()?;
        Ok(AtrariumUpdateThemeFeedPayload {
            theme_feed: feed(f),
        })
    }

    /// Deletes a theme feed and its indexed posts; its community's `postCount` drops by
    /// as many. Owners and moderators of its community.
    async fn atrarium_delete_theme_feed(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The theme feed's id.")] id: BigInt,
    ) -> Result<AtrariumDeleteThemeFeedPayload> {
        let actor = actor(ctx).extend()?;
        let c = feeds::delete_feed(&store(ctx).extend()?, &actor, id.0)
            .await
            .extend()?;
        Ok(AtrariumDeleteThemeFeedPayload {
            deleted_id: id,
            community: community(c),
        })
    }

    /// Joins a community as a `MEMBER` (`CONFLICT` if already a member).
    async fn atrarium_join_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community's id.")] community_id: BigInt,
    ) -> Result<AtrariumJoinCommunityPayload> {
        let actor = actor(ctx).extend()?;
        let change = members::join(&store(ctx).extend()?, &actor, community_id.0)
            .await
            .extend()?;
        Ok(AtrariumJoinCommunityPayload {
            membership: membership(change.membership),
            community: community(change.community),
        })
    }

    /// Leaves a community. Its last owner cannot leave (`CONFLICT`): make another member
    /// an owner first.
    async fn atrarium_leave_community(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The community's id.")] community_id: BigInt,
    ) -> Result<AtrariumLeaveCommunityPayload> {
        let actor = actor(ctx).extend()?;
        let c = members::leave(&store(ctx).extend()?, &actor, community_id.0)
            .await
            .extend()?;
        Ok(AtrariumLeaveCommunityPayload {
            user_did: actor.into_inner(),
            community: community(c),
        })
    }

    /// Gives a member a new role. Owners set any role on anyone; moderators may only make
    /// a member a moderator. The last owner cannot be demoted (`CONFLICT`).
    async fn atrarium_change_member_role(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership and its new role.")] input: AtrariumChangeMemberRoleInput,
    ) -> Result<AtrariumChangeMemberRolePayload> {
        let actor = actor(ctx).extend()?;
        let (community_id, target, role) = input.parse().extend()?;
        let change =
            members::change_role(&store(ctx).extend()?, &actor, community_id, &target, role)
                .await
                .extend()?;
        Ok(AtrariumChangeMemberRolePayload {
            membership: membership(change.membership),
        })
    }

    /// Removes a member from a community. Owners remove anyone but the last owner
    /// (`CONFLICT`); moderators remove members; removing yourself is leaving.
    async fn atrarium_remove_member(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The membership to end.")] input: AtrariumRemoveMemberInput,
    ) -> Result<AtrariumRemoveMemberPayload> {
        let actor = actor(ctx).extend()?;
        let (community_id, target) = input.parse().extend()?;
        let c = members::remove_member(&store(ctx).extend()?, &actor, community_id, &target)
            .await
            .extend()?;
        Ok(AtrariumRemoveMemberPayload {
            user_did: target.into_inner(),
            community: community(c),
        })
    }

    /// Indexes a post into a theme feed; the feed's `postCount` and `lastPostAt` and the
    /// community's `postCount` follow in the same transaction. Owners and moderators of
    /// its community; a post already in the feed is `CONFLICT`.
    async fn atrarium_index_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post and the feed to index it into.")] input: AtrariumIndexPostInput,
    ) -> Result<AtrariumIndexPostPayload> {
        let actor = actor(ctx).extend()?;
        let new = input.parse().extend()?;
        let change = posts::index_post(&store(ctx).extend()?, &actor, new)
            .await
            .extend()?;
        Ok(AtrariumIndexPostPayload {
            post: AtrariumPost(Node::single(change.post)),
            theme_feed: feed(change.feed),
            community: community(change.community),
        })
    }

    /// Takes an indexed post out of its feed; the counters follow, and the feed's
    /// `lastPostAt` becomes that of its newest remaining post. Owners and moderators of
    /// its community.
    async fn atrarium_unindex_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The indexed post's id.")] id: BigInt,
    ) -> Result<AtrariumUnindexPostPayload> {
        let actor = actor(ctx).extend()?;
        let change = posts::unindex_post(&store(ctx).extend()?, &actor, id.0)
            .await
            .extend()?;
        Ok(AtrariumUnindexPostPayload {
            deleted_id: BigInt(change.post),
            theme_feed: feed(change.feed),
            community: community(change.community),
        })
    }
}
