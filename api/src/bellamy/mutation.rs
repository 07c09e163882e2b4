//! Bellamy Book's mutations: login and registration, profiles, posts, comments and
//! reactions, friend requests, friendships and follows, stories, notifications and
//! conversations. Resolvers parse the input ([`super::inputs`]) and call
//! [`super::service`]; everything but `bellamyLogin` and `bellamyRegister` needs a Bellamy
//! access token (`UNAUTHENTICATED` otherwise) and acts as the signed-in user.

use async_graphql::{Context, Object};
use entity::Domain;
use sea_orm::entity::prelude::Uuid;

use super::inputs::*;
use super::service::reactions::Target;
use super::service::users::NewUser;
use super::service::{
    auth, chat, notifications, posts, reactions, social, stories, users as accounts,
};
use super::types::*;
use crate::auth::Tokens;
use crate::auth::password::Passwords;
use crate::batch::Node;
use crate::context::databases;
use crate::error::{ApiError, ApiResult, ResultExt};
use crate::write::Store;

type Result<T> = async_graphql::Result<T>;

// ----------------------------------------------------------------------------- helpers

fn store(ctx: &Context<'_>) -> ApiResult<Store> {
    Ok(databases(ctx)
        .map_err(|e| ApiError::internal(e.message))?
        .store(Domain::Bellamy))
}

/// The signed-in Bellamy user and the domain's store.
fn actor(ctx: &Context<'_>) -> ApiResult<(Uuid, Store)> {
    let subject = ctx.data_opt::<crate::auth::Viewer>().map_or_else(
        || {
            Err(ApiError::Unauthenticated(
                "sign in to Bellamy Book first".into(),
            ))
        },
        |v| v.require(Domain::Bellamy),
    )?;
    let id = Uuid::parse_str(subject).map_err(|_| {
        ApiError::Unauthenticated("the token does not name a Bellamy Book user".into())
    })?;
    Ok((id, store(ctx)?))
}

/// A read type over one stored row.
fn node<T: From<Node<M>>, M>(row: M) -> T {
    T::from(Node::single(row))
}

fn count(n: u64) -> i32 {
    crate::scalars::int(n)
}

// ----------------------------------------------------------------------------- resolvers

/// Bellamy Book's part of the root mutation.
#[derive(Default)]
pub struct BellamyMutation;

/// Bellamy Book's part of the root mutation. All but `bellamyLogin` and `bellamyRegister`
/// need a Bellamy access token (`UNAUTHENTICATED` otherwise). What the signed-in user may
/// not see answers `FORBIDDEN` with the reason a read gives; what they see but may not
/// change answers `FORBIDDEN` saying who may; an id that names nothing answers
/// `NOT_FOUND`.
#[Object]
impl BellamyMutation {
    /// Logs in with an email address and password (scrypt PHC hashes).
    async fn bellamy_login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's email address.")] email: String,
        #[graphql(desc = "The account's password.", secret)] password: String,
    ) -> Result<BellamySession> {
        let db = databases(ctx)?.bellamy();
        let tokens = ctx.data::<Tokens>()?;
        let passwords = ctx.data::<Passwords>()?;
        let session = auth::login(db, tokens, passwords, &email, &password)
            .await
            .extend()?;
        Ok(session.into())
    }

    /// Creates an account and signs it in. `CONFLICT` when the email address or the
    /// username is taken.
    async fn bellamy_register(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: BellamyRegisterInput,
    ) -> Result<BellamyRegisterPayload> {
        let (f, password) = input.parse().extend()?;
        let store = store(ctx).extend()?;
        let tokens = ctx
            .data::<Tokens>()
            .map_err(|e| ApiError::internal(e.message))
            .extend()?;
        let password_hash = ctx.data::<Passwords>()?.hash(password).await.extend()?;
        let new = NewUser {
            email: f.email,
            username: f.username,
            full_name: f.full_name,
            password_hash,
            bio: f.bio,
            profile_picture_url: f.profile_picture_url,
            cover_photo_url: f.cover_photo_url,
        };
        let (user, session) = auth::register(&store, tokens, new).await.extend()?;
        Ok(BellamyRegisterPayload {
            user: BellamyUser(Node::single(user), true),
            session: session.into(),
        })
    }

    /// Changes the signed-in user's profile (`CONFLICT` for a taken username).
    async fn bellamy_update_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The changes.")] input: BellamyUpdateProfileInput,
    ) -> Result<BellamyUpdateProfilePayload> {
        let (me, store) = actor(ctx).extend()?;
        let user = accounts::update_profile(&store, me, input.parse().extend()?)
            .await
            .extend()?;
        Ok(BellamyUpdateProfilePayload { user: node(user) })
    }

    /// Creates a post of the signed-in user, with its media; `#hashtags` in the content
    /// are linked.
    async fn bellamy_create_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new post.")] input: BellamyCreatePostInput,
    ) -> Result<BellamyPostPayload> {
        let (me, store) = actor(ctx).extend()?;
        let post = posts::create_post(&store, me, input.parse().extend()?)
            .await
            .extend()?;
        Ok(BellamyPostPayload { post: node(post) })
    }

    /// Changes the content or the audience of a post of the signed-in user.
    async fn bellamy_update_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post and its changes.")] input: BellamyUpdatePostInput,
    ) -> Result<BellamyPostPayload> {
        let (me, store) = actor(ctx).extend()?;
        let (id, changes) = input.parse().extend()?;
        let post = posts::update_post(&store, me, id, changes).await.extend()?;
        Ok(BellamyPostPayload { post: node(post) })
    }

    /// Deletes a post of the signed-in user with its comments, reactions, media and
    /// hashtag links.
    async fn bellamy_delete_post(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post.")] id: Uuid,
    ) -> Result<BellamyDeletePayload> {
        let (me, store) = actor(ctx).extend()?;
        let deleted_id = posts::delete_post(&store, me, id).await.extend()?;
        Ok(BellamyDeletePayload { deleted_id })
    }

    /// Comments on a post the signed-in user may see, or replies to a comment on it.
    /// Notifies the post's author (`comment`) and the author of the comment replied to
    /// (`comment_reply`).
    async fn bellamy_create_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post, the comment replied to, the text.")]
        input: BellamyCreateCommentInput,
    ) -> Result<BellamyCreateCommentPayload> {
        let (me, store) = actor(ctx).extend()?;
        let (comment, post) = posts::create_comment(&store, me, input.parse().extend()?)
            .await
            .extend()?;
        Ok(BellamyCreateCommentPayload {
            comment: node(comment),
            post: node(post),
        })
    }

    /// Deletes a comment with its replies (at any depth) and their reactions. Its author
    /// and the post's author may.
    async fn bellamy_delete_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] id: Uuid,
    ) -> Result<BellamyDeleteCommentPayload> {
        let (me, store) = actor(ctx).extend()?;
        let (deleted_ids, post) = posts::delete_comment(&store, me, id).await.extend()?;
        Ok(BellamyDeleteCommentPayload {
            deleted_id: id,
            deleted_ids,
            post: node(post),
        })
    }

    /// Reacts to a post or comment the signed-in user may see: one reaction per user per
    /// target, so reacting again with another type replaces the first. A first reaction
    /// notifies the target's author (`post_reaction` / `comment_reaction`).
    async fn bellamy_react(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The target and the reaction.")] input: BellamyReactInput,
    ) -> Result<BellamyReactPayload> {
        let (me, store) = actor(ctx).extend()?;
        let target = Target {
            id: input.target_id,
            kind: input.target_type.into(),
        };
        let (reaction, on) = reactions::react(&store, me, target, input.reaction_type.into())
            .await
            .extend()?;
        Ok(BellamyReactPayload {
            reaction: node(reaction),
            post: node(on.post),
            comment: on.comment.map(node),
        })
    }

    /// Removes the signed-in user's reaction to a post or comment (`NOT_FOUND` when there
    /// is none).
    async fn bellamy_unreact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The target.")] input: BellamyUnreactInput,
    ) -> Result<BellamyUnreactPayload> {
        let (me, store) = actor(ctx).extend()?;
        let target = Target {
            id: input.target_id,
            kind: input.target_type.into(),
        };
        let (deleted_id, on) = reactions::unreact(&store, me, target).await.extend()?;
        let (post, comment) = match on {
            Some(on) => (Some(node(on.post)), on.comment.map(node)),
            None => (None, None),
        };
        Ok(BellamyUnreactPayload {
            deleted_id,
            post,
            comment,
        })
    }

    /// Asks a user to be the signed-in user's friend, and notifies them
    /// (`friend_request`). `CONFLICT` when they are friends already or a request between
    /// them is pending; a declined or cancelled request is reopened.
    async fn bellamy_send_friend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user asked.")] input: BellamySendFriendRequestInput,
    ) -> Result<BellamyFriendRequestPayload> {
        let (me, store) = actor(ctx).extend()?;
        let r = social::send_friend_request(&store, me, input.receiver_id)
            .await
            .extend()?;
        Ok(BellamyFriendRequestPayload {
            friend_request: node(r),
        })
    }

    /// Accepts a pending friend request sent to the signed-in user: the two become
    /// friends, and the sender is notified (`friend_request_accepted`).
    async fn bellamy_accept_friend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] id: Uuid,
    ) -> Result<BellamyAcceptFriendRequestPayload> {
        let (me, store) = actor(ctx).extend()?;
        let (r, f) = social::accept_friend_request(&store, me, id)
            .await
            .extend()?;
        Ok(BellamyAcceptFriendRequestPayload {
            friend_request: node(r),
            friendship: node(f),
        })
    }

    /// Declines a pending friend request sent to the signed-in user.
    async fn bellamy_decline_friend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] id: Uuid,
    ) -> Result<BellamyFriendRequestPayload> {
        let (me, store) = actor(ctx).extend()?;
        let r = social::decline_friend_request(&store, me, id)
            .await
            .extend()?;
        Ok(BellamyFriendRequestPayload {
            friend_request: node(r),
        })
    }

    /// Cancels a pending friend request the signed-in user sent.
    async fn bellamy_cancel_friend_request(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The request.")] id: Uuid,
    ) -> Result<BellamyFriendRequestPayload> {
        let (me, store) = actor(ctx).extend()?;
        let r = social::cancel_friend_request(&store, me, id)
            .await
            .extend()?;
        Ok(BellamyFriendRequestPayload {
            friend_request: node(r),
        })
    }

    /// Ends the signed-in user's friendship with a user (`NOT_FOUND` when they are not
    /// friends).
    async fn bellamy_unfriend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The friend.")] user_id: Uuid,
    ) -> Result<BellamyUserPayload> {
        let (me, store) = actor(ctx).extend()?;
        let user = social::unfriend(&store, me, user_id).await.extend()?;
        Ok(BellamyUserPayload { user: node(user) })
    }

    /// Follows a user (`CONFLICT` when already following).
    async fn bellamy_follow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user to follow.")] user_id: Uuid,
    ) -> Result<BellamyFollowPayload> {
        let (me, store) = actor(ctx).extend()?;
        let f = social::follow(&store, me, user_id).await.extend()?;
        Ok(BellamyFollowPayload { follow: node(f) })
    }

    /// Stops following a user (`NOT_FOUND` when not following).
    async fn bellamy_unfollow(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The user followed.")] user_id: Uuid,
    ) -> Result<BellamyUserPayload> {
        let (me, store) = actor(ctx).extend()?;
        let user = social::unfollow(&store, me, user_id).await.extend()?;
        Ok(BellamyUserPayload { user: node(user) })
    }

    /// Posts a story of the signed-in user; it expires in 24 hours unless `expiresAt`
    /// says otherwise (at most 7 days).
    async fn bellamy_post_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new story.")] input: BellamyPostStoryInput,
    ) -> Result<BellamyStoryPayload> {
        let (me, store) = actor(ctx).extend()?;
        let story = stories::post_story(&store, me, input.parse().extend()?)
            .await
            .extend()?;
        Ok(BellamyStoryPayload { story: node(story) })
    }

    /// Deletes a story of the signed-in user, with its views.
    async fn bellamy_delete_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The story.")] id: Uuid,
    ) -> Result<BellamyDeletePayload> {
        let (me, store) = actor(ctx).extend()?;
        let deleted_id = stories::delete_story(&store, me, id).await.extend()?;
        Ok(BellamyDeletePayload { deleted_id })
    }

    /// Records that the signed-in user viewed a friend's live story, once per viewer
    /// (viewing again keeps the first view); the first view notifies the author
    /// (`story_view`). The author's own views are not recorded.
    async fn bellamy_view_story(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The story.")] story_id: Uuid,
    ) -> Result<BellamyViewStoryPayload> {
        let (me, store) = actor(ctx).extend()?;
        let (story, view) = stories::view_story(&store, me, story_id).await.extend()?;
        Ok(BellamyViewStoryPayload {
            story: node(story),
            view: view.map(node),
        })
    }

    /// Marks one of the signed-in user's notifications read.
    async fn bellamy_mark_notification_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The notification.")] id: Uuid,
    ) -> Result<BellamyNotificationPayload> {
        let (me, store) = actor(ctx).extend()?;
        let n = notifications::mark_read(&store, me, id).await.extend()?;
        Ok(BellamyNotificationPayload {
            notification: node(n),
        })
    }

    /// Marks all the signed-in user's notifications read.
    async fn bellamy_mark_all_notifications_read(
        &self,
        ctx: &Context<'_>,
    ) -> Result<BellamyMarkAllNotificationsReadPayload> {
        let (me, store) = actor(ctx).extend()?;
        let (n, user) = notifications::mark_all_read(&store, me).await.extend()?;
        Ok(BellamyMarkAllNotificationsReadPayload {
            count: count(n),
            user: node(user),
        })
    }

    /// Starts a conversation of the signed-in user with other users, with an optional
    /// first message. A one-to-one conversation that exists already is returned instead
    /// of a second one.
    async fn bellamy_start_conversation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The participants and a first message.")]
        input: BellamyStartConversationInput,
    ) -> Result<BellamyStartConversationPayload> {
        let (me, store) = actor(ctx).extend()?;
        let first = input
            .message
            .map(|m| message("input.message.", &m.content, m.message_type))
            .transpose()
            .extend()?;
        let new =
            chat::NewConversation::parse("input.participantIds", me, input.participant_ids, first)
                .extend()?;
        let (c, m) = chat::start_conversation(&store, me, "input.participantIds", new)
            .await
            .extend()?;
        Ok(BellamyStartConversationPayload {
            conversation: node(c),
            message: m.map(node),
        })
    }

    /// Sends a message to a conversation the signed-in user is in.
    async fn bellamy_send_message(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation and the message.")] input: BellamySendMessageInput,
    ) -> Result<BellamySendMessagePayload> {
        let (me, store) = actor(ctx).extend()?;
        let body = message("input.", &input.content, input.message_type).extend()?;
        let (m, c) = chat::send_message(&store, me, input.conversation_id, body)
            .await
            .extend()?;
        Ok(BellamySendMessagePayload {
            message: node(m),
            conversation: node(c),
        })
    }

    /// Marks a conversation read for the signed-in user: the others' messages in it
    /// become read and `lastReadAt` moves to now.
    async fn bellamy_mark_conversation_read(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The conversation.")] conversation_id: Uuid,
    ) -> Result<BellamyMarkConversationReadPayload> {
        let (me, store) = actor(ctx).extend()?;
        let (p, n) = chat::mark_conversation_read(&store, me, conversation_id)
            .await
            .extend()?;
        Ok(BellamyMarkConversationReadPayload {
            participant: node(p),
            count: count(n),
        })
    }
}
