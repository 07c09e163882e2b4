//! Bellamy's accounts: `BellamyUser` and the lists under a user.

use async_graphql::{Context, Object, Result};
use chrono::{DateTime, Utc};
use entity::bellamy::{conversation_participants, follows, friendships, notifications, users};
use sea_orm::entity::prelude::Uuid;
use sea_orm::{ColumnTrait, Condition};

use super::relations::{linked, nested};
use super::*;
use crate::batch::{self, Node};
use crate::bellamy::access::{self, Access, Hidden};
use crate::bellamy::loaders::*;
use crate::connection::Conn;
use crate::loader::{CountRef, ListRef};
use crate::pagination::PageArgs;

/// The viewer's unread notifications (notifications are their recipient's only).
fn unread_notifications(ctx: &Context<'_>) -> Condition {
    access::notifications(&Access::of(ctx)).add(notifications::Column::Read.eq(false))
}

/// A Bellamy Book account. The flag marks the account just registered in this request,
/// whose creator may read its email although the request carries no token yet.
pub struct BellamyUser(pub Node<users::Model>, pub bool);

impl From<Node<users::Model>> for BellamyUser {
    fn from(m: Node<users::Model>) -> Self {
        Self(m, false)
    }
}

/// A Bellamy Book account. The password hash is never readable; the email only by the
/// user themself. Lists under a user hold only what the viewer may see.
#[Object]
impl BellamyUser {
    /// The user's id.
    async fn id(&self) -> Uuid {
        self.0.id
    }
    /// The login email: only the user may read it (`FORBIDDEN` for anyone else; the
    /// payload of `bellamyRegister` shows it to the new account's creator).
    async fn email(&self, ctx: &Context<'_>) -> Result<Option<&str>> {
        if self.1 || Access::of(ctx).is(self.0.id) {
            Ok(Some(&self.0.email))
        } else {
            Ok(Hidden::Email.refuse(ctx))
        }
    }
    /// The public handle.
    async fn username(&self) -> &str {
        &self.0.username
    }
    /// The full name.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// The profile picture URL.
    async fn profile_picture_url(&self) -> Option<&str> {
        self.0.profile_picture_url.as_deref()
    }
    /// The cover photo URL.
    async fn cover_photo_url(&self) -> Option<&str> {
        self.0.cover_photo_url.as_deref()
    }
    /// The bio.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }
    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the account was last updated.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The user's posts the viewer may see (default order: newest first).
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
            Box<BellamyPostFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyPostOrder>,
    ) -> Result<Conn<BellamyPost>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::posts(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyPostOrder,
                BellamyPostOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| PostsOfUser(u.id, l.clone()),
            |u, c: &CountRef| PostCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The comments the user wrote on posts the viewer may see (default order: newest
    /// first).
    async fn comments(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only comments matching this filter.")] filter: Option<
            Box<BellamyCommentFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyCommentOrder>,
    ) -> Result<Conn<BellamyComment>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::comments(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyCommentOrder,
                BellamyCommentOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| CommentsOfUser(u.id, l.clone()),
            |u, c: &CountRef| CommentCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The reactions the user gave to posts and comments the viewer may see (default
    /// order: newest first).
    async fn reactions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only reactions matching this filter.")] filter: Option<
            Box<BellamyReactionFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyReactionOrder>,
    ) -> Result<Conn<BellamyReaction>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::reactions(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyReactionOrder,
                BellamyReactionOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| ReactionsOfUser(u.id, l.clone()),
            |u, c: &CountRef| ReactionCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The friend requests the user sent, if the viewer sent or received them (default
    /// order: newest first).
    async fn sent_friend_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only requests matching this filter.")] filter: Option<
            Box<BellamyFriendRequestFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyFriendRequestOrder>,
    ) -> Result<Conn<BellamyFriendRequest>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::friend_requests(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyFriendRequestOrder,
                BellamyFriendRequestOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| SentRequestsOfUser(u.id, l.clone()),
            |u, c: &CountRef| SentRequestCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The friend requests the user received, if the viewer sent or received them
    /// (default order: newest first).
    async fn received_friend_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only requests matching this filter.")] filter: Option<
            Box<BellamyFriendRequestFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyFriendRequestOrder>,
    ) -> Result<Conn<BellamyFriendRequest>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::friend_requests(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyFriendRequestOrder,
                BellamyFriendRequestOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| ReceivedRequestsOfUser(u.id, l.clone()),
            |u, c: &CountRef| ReceivedRequestCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The user's friends, through `friendships` (default order: newest friendship
    /// first). Filter, order and cursors are the friendship rows'.
    async fn friends(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only friendships matching this filter.")] filter: Option<
            Box<BellamyFriendshipFilter>,
        >,
        #[graphql(desc = "Sort order of the friendships (default: newest first).")]
        order_by: Option<BellamyFriendshipOrder>,
    ) -> Result<Conn<BellamyUser>> {
        linked(
            ctx,
            &self.0,
            filter.as_deref(),
            access::public(),
            order_or!(
                order_by,
                BellamyFriendshipOrder,
                BellamyFriendshipOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| FriendshipsOfUser(u.id, l.clone()),
            |u, c: &CountRef| FriendshipCountOfUser(u.id, c.clone()),
            |f: &friendships::Model| UserId(f.friend_id),
        )
        .await
    }

    /// The users who follow this user, through `follows` (default order: newest follow
    /// first). Filter, order and cursors are the follow rows'.
    async fn followers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only follows matching this filter.")] filter: Option<
            Box<BellamyFollowFilter>,
        >,
        #[graphql(desc = "Sort order of the follows (default: newest first).")] order_by: Option<
            BellamyFollowOrder,
        >,
    ) -> Result<Conn<BellamyUser>> {
        linked(
            ctx,
            &self.0,
            filter.as_deref(),
            access::public(),
            order_or!(
                order_by,
                BellamyFollowOrder,
                BellamyFollowOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| FollowsOfFollowee(u.id, l.clone()),
            |u, c: &CountRef| FollowCountOfFollowee(u.id, c.clone()),
            |f: &follows::Model| UserId(f.follower_id),
        )
        .await
    }

    /// The users this user follows, through `follows` (default order: newest follow
    /// first). Filter, order and cursors are the follow rows'.
    async fn following(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only follows matching this filter.")] filter: Option<
            Box<BellamyFollowFilter>,
        >,
        #[graphql(desc = "Sort order of the follows (default: newest first).")] order_by: Option<
            BellamyFollowOrder,
        >,
    ) -> Result<Conn<BellamyUser>> {
        linked(
            ctx,
            &self.0,
            filter.as_deref(),
            access::public(),
            order_or!(
                order_by,
                BellamyFollowOrder,
                BellamyFollowOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| FollowsOfFollower(u.id, l.clone()),
            |u, c: &CountRef| FollowCountOfFollower(u.id, c.clone()),
            |f: &follows::Model| UserId(f.followee_id),
        )
        .await
    }

    /// The user's stories the viewer may see: all of their own, a friend's unexpired ones
    /// (default order: newest first).
    async fn stories(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only stories matching this filter.")] filter: Option<
            Box<BellamyStoryFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyStoryOrder>,
    ) -> Result<Conn<BellamyStory>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::stories(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyStoryOrder,
                BellamyStoryOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| StoriesOfUser(u.id, l.clone()),
            |u, c: &CountRef| StoryCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The stories this user viewed: for the user themself, or the views of the viewer's
    /// stories (default order: most recently viewed first).
    async fn story_views(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only views matching this filter.")] filter: Option<
            Box<BellamyStoryViewFilter>,
        >,
        #[graphql(desc = "Sort order (default: most recent first).")] order_by: Option<
            BellamyStoryViewOrder,
        >,
    ) -> Result<Conn<BellamyStoryView>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::story_views(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyStoryViewOrder,
                BellamyStoryViewOrderField::ViewedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| StoryViewsOfUser(u.id, l.clone()),
            |u, c: &CountRef| StoryViewCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// The user's notifications, for the user themself only (empty for anyone else;
    /// default order: newest first).
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only unread notifications.", default = false)] unread_only: bool,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only notifications matching this filter.")] filter: Option<
            Box<BellamyNotificationFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyNotificationOrder>,
    ) -> Result<Conn<BellamyNotification>> {
        let extra = if unread_only {
            unread_notifications(ctx)
        } else {
            access::notifications(&Access::of(ctx))
        };
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            extra,
            order_or!(
                order_by,
                BellamyNotificationOrder,
                BellamyNotificationOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| NotificationsOfUser(u.id, l.clone()),
            |u, c: &CountRef| NotificationCountOfUser(u.id, c.clone()),
        )
        .await
    }

    /// How many of the user's notifications are unread. Notifications are their
    /// recipient's only, so this counts for the viewer themself and is 0 for anyone else.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> Result<i32> {
        let unread = CountRef::new(unread_notifications(ctx));
        let n = batch::value::<BellamyLoader, _, _>(ctx, &self.0, "unread", |u| {
            NotificationCountOfUser(u.id, unread.clone())
        })
        .await?;
        Ok(n.map_or(0, crate::scalars::int))
    }

    /// The conversations the user shares with the viewer, through `conversation_participants`
    /// (default order: most recently joined first). Filter, order and cursors are the
    /// participant rows'.
    async fn conversations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only memberships matching this filter.")] filter: Option<
            Box<BellamyConversationParticipantFilter>,
        >,
        #[graphql(desc = "Sort order of the memberships (default: most recently joined first).")]
        order_by: Option<BellamyConversationParticipantOrder>,
    ) -> Result<Conn<BellamyConversation>> {
        let a = Access::of(ctx);
        linked(
            ctx,
            &self.0,
            filter.as_deref(),
            access::participants(&a),
            order_or!(
                order_by,
                BellamyConversationParticipantOrder,
                BellamyConversationParticipantOrderField::JoinedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| ParticipationsOfUser(u.id, l.clone()),
            |u, c: &CountRef| ParticipationCountOfUser(u.id, c.clone()),
            move |p: &conversation_participants::Model| {
                ConversationId(p.conversation_id, a.clone())
            },
        )
        .await
    }

    /// The chat messages the user sent in conversations the viewer takes part in (default
    /// order: newest first).
    async fn messages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, counting forward (default 20, at most 100).")] first: Option<
            i32,
        >,
        #[graphql(desc = "Start after this cursor.")] after: Option<String>,
        #[graphql(desc = "Page size, counting backward.")] last: Option<i32>,
        #[graphql(desc = "End before this cursor.")] before: Option<String>,
        #[graphql(desc = "Only messages matching this filter.")] filter: Option<
            Box<BellamyMessageFilter>,
        >,
        #[graphql(desc = "Sort order (the id breaks ties; default: newest first).")]
        order_by: Option<BellamyMessageOrder>,
    ) -> Result<Conn<BellamyMessage>> {
        nested(
            ctx,
            &self.0,
            filter.as_deref(),
            access::messages(&Access::of(ctx)),
            order_or!(
                order_by,
                BellamyMessageOrder,
                BellamyMessageOrderField::CreatedAt,
                Desc
            ),
            PageArgs::new(first, after, last, before),
            |u, l: &ListRef<_>| MessagesOfSender(u.id, l.clone()),
            |u, c: &CountRef| MessageCountOfSender(u.id, c.clone()),
        )
        .await
    }
}
