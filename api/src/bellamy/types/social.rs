//! Bellamy's social graph: friend requests, friendships and follows.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::{follows, friend_requests, friendships};
use sea_orm::entity::prelude::Uuid;

use super::*;
use crate::batch::{self};
use crate::bellamy::loaders::*;

node_type!(
    /// A request from one user to another to become friends.
    BellamyFriendRequest(friend_requests::Model)
);

/// A request from one user to another to become friends.
#[Object]
impl BellamyFriendRequest {
    /// The request's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// Who asked.
    async fn sender_id(&self) -> Uuid {
        self.0.sender_id
    }
    /// Who is asked.
    async fn receiver_id(&self) -> Uuid {
        self.0.receiver_id
    }
    /// The request's state.
    async fn status(&self) -> BellamyFriendRequestStatus {
        self.0.status.into()
    }
    /// When the request was sent.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the request last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// When the request was answered (or cancelled); null while pending.
    async fn responded_at(&self) -> Option<DateTime<Utc>> {
        self.0.responded_at
    }
    /// Who asked.
    async fn sender(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |r| UserId(r.sender_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
    /// Who is asked.
    async fn receiver(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n =
            batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |r| UserId(r.receiver_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// One direction of a friendship: `user` is friends with `friend` (every friendship
    /// is stored both ways).
    BellamyFriendship(friendships::Model)
);

/// One direction of a friendship: `user` is friends with `friend` (every friendship is
/// stored both ways).
#[Object]
impl BellamyFriendship {
    /// The user.
    async fn user_id(&self) -> Uuid {
        self.0.user_id
    }
    /// The user's friend.
    async fn friend_id(&self) -> Uuid {
        self.0.friend_id
    }
    /// When the two became friends.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The user.
    async fn user(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.user_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
    /// The user's friend.
    async fn friend(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n = batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.friend_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}

node_type!(
    /// A one-way follow: `follower` follows `followee`.
    BellamyFollow(follows::Model)
);

/// A one-way follow: `follower` follows `followee`.
#[Object]
impl BellamyFollow {
    /// The user who follows.
    async fn follower_id(&self) -> Uuid {
        self.0.follower_id
    }
    /// The user who is followed.
    async fn followee_id(&self) -> Uuid {
        self.0.followee_id
    }
    /// When the follow began.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// The user who follows.
    async fn follower(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n =
            batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.follower_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
    /// The user who is followed.
    async fn followee(&self, ctx: &Context<'_>) -> Result<Option<BellamyUser>> {
        let n =
            batch::one::<BellamyLoader, _, _, _>(ctx, &self.0, |f| UserId(f.followee_id)).await?;
        Ok(n.map(BellamyUser::from))
    }
}
