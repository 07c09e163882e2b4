//! Bellamy Book's mutation payloads, and the session `bellamyLogin` and `bellamyRegister`
//! give.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use sea_orm::entity::prelude::Uuid;

use super::{
    BellamyComment, BellamyConversation, BellamyConversationParticipant, BellamyFollow,
    BellamyFriendRequest, BellamyFriendship, BellamyMessage, BellamyNotification, BellamyPost,
    BellamyReaction, BellamyStory, BellamyStoryView, BellamyUser,
};
use crate::bellamy::service::auth::Session;
use crate::inputs::payload;

/// A Bellamy session.
#[derive(SimpleObject)]
pub struct BellamySession {
    /// The user's id.
    pub user_id: uuid::Uuid,
    /// The username.
    pub username: String,
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    /// When the token expires.
    pub expires_at: DateTime<Utc>,
}

impl From<Session> for BellamySession {
    fn from(s: Session) -> Self {
        Self {
            user_id: s.user_id,
            username: s.username,
            token: s.token,
            expires_at: s.expires_at,
        }
    }
}

payload!(
    /// The new account and a session for it.
    BellamyRegisterPayload {
        /// The new user.
        user: BellamyUser,
        /// A session token, as `bellamyLogin` would give.
        session: BellamySession,
    }
);
payload!(
    /// The profile as stored.
    BellamyUpdateProfilePayload {
        /// The signed-in user.
        user: BellamyUser,
    }
);
payload!(
    /// A post as stored (created or changed).
    BellamyPostPayload {
        /// The post.
        post: BellamyPost,
    }
);
payload!(
    /// Something deleted.
    BellamyDeletePayload {
        /// The deleted object's id.
        deleted_id: Uuid,
    }
);
payload!(
    /// The new comment and its post.
    BellamyCreateCommentPayload {
        /// The comment.
        comment: BellamyComment,
        /// The post commented on (its comments changed).
        post: BellamyPost,
    }
);
payload!(
    /// A deleted comment, with its replies.
    BellamyDeleteCommentPayload {
        /// The deleted comment's id.
        deleted_id: Uuid,
        /// The ids of everything deleted: the comment, then its replies (at any depth).
        deleted_ids: Vec<Uuid>,
        /// The comment's post.
        post: BellamyPost,
    }
);
payload!(
    /// The signed-in user's reaction, and what it is to.
    BellamyReactPayload {
        /// The reaction as stored.
        reaction: BellamyReaction,
        /// The post reacted to, or the post of the comment reacted to.
        post: BellamyPost,
        /// The comment reacted to (null for a post).
        comment: Option<BellamyComment>,
    }
);
payload!(
    /// A removed reaction, and what it was to.
    BellamyUnreactPayload {
        /// The removed reaction's id.
        deleted_id: Uuid,
        /// The post, or the post of the comment (null if no longer visible to you).
        post: Option<BellamyPost>,
        /// The comment (null for a post, or if no longer visible to you).
        comment: Option<BellamyComment>,
    }
);
payload!(
    /// A friend request as stored.
    BellamyFriendRequestPayload {
        /// The request.
        friend_request: BellamyFriendRequest,
    }
);
payload!(
    /// An accepted friend request and the friendship it made.
    BellamyAcceptFriendRequestPayload {
        /// The request, now `ACCEPTED`.
        friend_request: BellamyFriendRequest,
        /// The friendship, from the signed-in user's side.
        friendship: BellamyFriendship,
    }
);
payload!(
    /// A user the signed-in user is no longer friends with, or no longer follows.
    BellamyUserPayload {
        /// The other user.
        user: BellamyUser,
    }
);
payload!(
    /// A new follow.
    BellamyFollowPayload {
        /// The follow.
        follow: BellamyFollow,
    }
);
payload!(
    /// A story as stored.
    BellamyStoryPayload {
        /// The story.
        story: BellamyStory,
    }
);
payload!(
    /// A story viewed.
    BellamyViewStoryPayload {
        /// The story.
        story: BellamyStory,
        /// The signed-in user's view (the first one; null for the author's own story).
        view: Option<BellamyStoryView>,
    }
);
payload!(
    /// A notification as stored.
    BellamyNotificationPayload {
        /// The notification.
        notification: BellamyNotification,
    }
);
payload!(
    /// All notifications read.
    BellamyMarkAllNotificationsReadPayload {
        /// How many were unread.
        count: i32,
        /// The signed-in user (`unreadNotificationCount` is now 0).
        user: BellamyUser,
    }
);
payload!(
    /// A conversation started (or the existing one-to-one conversation).
    BellamyStartConversationPayload {
        /// The conversation.
        conversation: BellamyConversation,
        /// The first message, if one was given.
        message: Option<BellamyMessage>,
    }
);
payload!(
    /// A message sent.
    BellamySendMessagePayload {
        /// The message.
        message: BellamyMessage,
        /// Its conversation (`updatedAt` moved).
        conversation: BellamyConversation,
    }
);
payload!(
    /// A conversation read.
    BellamyMarkConversationReadPayload {
        /// The signed-in user's membership (`lastReadAt` moved).
        participant: BellamyConversationParticipant,
        /// How many messages became read.
        count: i32,
    }
);
