//! What Bellamy Book's writes append to its `change_log`, and what subscriptions follow
//! there: topics, kinds and the [`Change`] of each write.
//!
//! A change's topic is the object a subscriber follows: a post (`post:<id>`, also for its
//! comments and reactions), a user (`user:<id>`: their account, their notifications, and
//! what another user did to them in the social graph), a story (`story:<id>`) or a
//! conversation (`conversation:<id>`). Its subject is the changed row's key (`<a>:<b>` for
//! a two-column key, in the key's order); its `data` holds what a subscriber needs once
//! the row may be gone. Kinds, by mutation (notifications a write causes follow its own
//! change, in the same append):
//!
//! | mutation | kind | topic | subject | data |
//! |---|---|---|---|---|
//! | `bellamyRegister` | `user.registered` | `user:<id>` | user id | `username` |
//! | `bellamyUpdateProfile` | `profile.updated` | `user:<id>` | user id | `fields` (the input fields given) |
//! | `bellamyCreatePost` | `post.created` | `post:<id>` | post id | `authorId` |
//! | `bellamyUpdatePost` | `post.updated` | `post:<id>` | post id | `authorId`, `fields` |
//! | `bellamyDeletePost` | `post.deleted` (its comments and reactions go with it) | `post:<id>` | post id | `authorId` |
//! | `bellamyCreateComment` | `comment.created`, `notification.created` | `post:<postId>`, `user:<recipient>` | comment id, notification id | — |
//! | `bellamyDeleteComment` | `comment.deleted` per comment (the one named, then its replies) | `post:<postId>` | comment id | `postId`, `rootId` (the comment named) |
//! | `bellamyReact` | `reaction.added` (+ `notification.created`) or `reaction.changed`; nothing when the type is the same | `post:<postId>` | reaction id | `postId`, `targetType`, `targetId`, `userId`, `reaction` (`previous` when changed) |
//! | `bellamyUnreact` | `reaction.removed` | `post:<postId>` | reaction id | `postId`, `targetType`, `targetId`, `userId`, `reaction` |
//! | `bellamySendFriendRequest` | `friend_request.sent`, `notification.created` | `user:<receiverId>` | request id | `senderId`, `receiverId` |
//! | `bellamyAcceptFriendRequest` | `friend_request.accepted`, `notification.created` | `user:<senderId>` | request id | `senderId`, `receiverId` |
//! | `bellamyDeclineFriendRequest` | `friend_request.declined` | `user:<senderId>` | request id | `senderId`, `receiverId` |
//! | `bellamyCancelFriendRequest` | `friend_request.cancelled` | `user:<receiverId>` | request id | `senderId`, `receiverId` |
//! | `bellamyUnfriend` | `friendship.ended` | `user:<friendId>` | `<userId>:<friendId>` | `userId`, `friendId` |
//! | `bellamyFollow` | `follow.created` | `user:<followeeId>` | `<followerId>:<followeeId>` | `followerId`, `followeeId` |
//! | `bellamyUnfollow` | `follow.removed` | `user:<followeeId>` | `<followerId>:<followeeId>` | `followerId`, `followeeId` |
//! | `bellamyPostStory` | `story.posted` | `story:<id>` | story id | `userId`, `expiresAt` |
//! | `bellamyDeleteStory` | `story.deleted` | `story:<id>` | story id | `userId` |
//! | `bellamyViewStory` | `story.viewed`, `notification.created` (first view only; the author's own: nothing) | `story:<storyId>` | `<storyId>:<userId>` | `storyId`, `userId` |
//! | `bellamyMarkNotificationRead` | `notification.read` (nothing when already read) | `user:<recipient>` | notification id | — |
//! | `bellamyMarkAllNotificationsRead` | `notifications.read_all` (nothing when none was unread) | `user:<id>` | user id | `count` |
//! | `bellamyStartConversation` | `conversation.started` (not when an existing one is reused), then `message.created` for a first message | `conversation:<id>` | conversation id, message id | `participantIds` / — |
//! | `bellamySendMessage` | `message.created` | `conversation:<id>` | message id | — |
//! | `bellamyMarkConversationRead` | `conversation.read` | `conversation:<id>` | `<conversationId>:<userId>` | `userId`, `messagesRead` |

use entity::bellamy::enums::{ReactionTargetType, ReactionType};
use entity::bellamy::{
    comments, conversations, follows, friend_requests, messages, notifications, posts, reactions,
    stories, story_viewers, users,
};
use sea_orm::entity::prelude::Uuid;
use serde_json::json;

use crate::events::Change;

/// An account was created (topic: the user).
pub const USER_REGISTERED: &str = "user.registered";
/// A profile was changed (topic: the user).
pub const PROFILE_UPDATED: &str = "profile.updated";
/// A post was written (topic: the post).
pub const POST_CREATED: &str = "post.created";
/// A post was changed (topic: the post).
pub const POST_UPDATED: &str = "post.updated";
/// A post was deleted with its comments and reactions (topic: the post).
pub const POST_DELETED: &str = "post.deleted";
/// A comment was written (topic: its post).
pub const COMMENT_CREATED: &str = "comment.created";
/// A comment was deleted (topic: its post).
pub const COMMENT_DELETED: &str = "comment.deleted";
/// A reaction was added (topic: the post reacted to, or the post of the comment).
pub const REACTION_ADDED: &str = "reaction.added";
/// A reaction's type was changed (topic: as for `reaction.added`).
pub const REACTION_CHANGED: &str = "reaction.changed";
/// A reaction was removed (topic: as for `reaction.added`).
pub const REACTION_REMOVED: &str = "reaction.removed";
/// A friend request was sent (topic: its receiver).
pub const FRIEND_REQUEST_SENT: &str = "friend_request.sent";
/// A friend request was accepted (topic: its sender).
pub const FRIEND_REQUEST_ACCEPTED: &str = "friend_request.accepted";
/// A friend request was declined (topic: its sender).
pub const FRIEND_REQUEST_DECLINED: &str = "friend_request.declined";
/// A friend request was cancelled (topic: its receiver).
pub const FRIEND_REQUEST_CANCELLED: &str = "friend_request.cancelled";
/// A friendship was ended (topic: the former friend).
pub const FRIENDSHIP_ENDED: &str = "friendship.ended";
/// A user was followed (topic: the followee).
pub const FOLLOW_CREATED: &str = "follow.created";
/// A user was unfollowed (topic: the followee).
pub const FOLLOW_REMOVED: &str = "follow.removed";
/// A story was posted (topic: the story).
pub const STORY_POSTED: &str = "story.posted";
/// A story was deleted (topic: the story).
pub const STORY_DELETED: &str = "story.deleted";
/// A story was viewed for the first time by a user (topic: the story).
pub const STORY_VIEWED: &str = "story.viewed";
/// A notification was created (topic: its recipient).
pub const NOTIFICATION_CREATED: &str = "notification.created";
/// A notification was marked read (topic: its recipient).
pub const NOTIFICATION_READ: &str = "notification.read";
/// All a user's unread notifications were marked read (topic: the user).
pub const NOTIFICATIONS_READ_ALL: &str = "notifications.read_all";
/// A conversation was started (topic: the conversation).
pub const CONVERSATION_STARTED: &str = "conversation.started";
/// A message was sent (topic: its conversation).
pub const MESSAGE_CREATED: &str = "message.created";
/// A participant marked a conversation read (topic: the conversation).
pub const CONVERSATION_READ: &str = "conversation.read";

/// The topic of a post's changes (its comments and reactions too).
pub fn post(id: Uuid) -> String {
    format!("post:{id}")
}

/// The topic of a conversation's changes (its messages too).
pub fn conversation(id: Uuid) -> String {
    format!("conversation:{id}")
}

/// The topic of a user's changes (their notifications too).
pub fn user(id: Uuid) -> String {
    format!("user:{id}")
}

/// The topic of a story's changes.
pub fn story(id: Uuid) -> String {
    format!("story:{id}")
}

/// The subject of a row keyed by two columns.
fn pair(a: Uuid, b: Uuid) -> String {
    format!("{a}:{b}")
}

/// `u` registered.
pub fn registered(u: &users::Model) -> Change {
    Change::new(user(u.id), USER_REGISTERED, u.id.to_string())
        .with(json!({ "username": u.username }))
}

/// `u` changed their profile; `fields` names the input fields given.
pub fn profile_updated(u: &users::Model, fields: &[&str]) -> Change {
    Change::new(user(u.id), PROFILE_UPDATED, u.id.to_string()).with(json!({ "fields": fields }))
}

/// `p` was written.
pub fn post_created(p: &posts::Model) -> Change {
    Change::new(post(p.id), POST_CREATED, p.id.to_string()).with(json!({ "authorId": p.author_id }))
}

/// `p` was changed; `fields` names the input fields given.
pub fn post_updated(p: &posts::Model, fields: &[&str]) -> Change {
    Change::new(post(p.id), POST_UPDATED, p.id.to_string())
        .with(json!({ "authorId": p.author_id, "fields": fields }))
}

/// `p` was deleted.
pub fn post_deleted(p: &posts::Model) -> Change {
    Change::new(post(p.id), POST_DELETED, p.id.to_string()).with(json!({ "authorId": p.author_id }))
}

/// `comment` was written.
pub fn comment(c: &comments::Model) -> Change {
    Change::new(post(c.post_id), COMMENT_CREATED, c.id.to_string())
}

/// The comment `id` of `post_id` was deleted, with (or as) the comment `root`.
pub fn comment_deleted(post_id: Uuid, id: Uuid, root: Uuid) -> Change {
    Change::new(post(post_id), COMMENT_DELETED, id.to_string())
        .with(json!({ "postId": post_id, "rootId": root }))
}

fn target_name(t: ReactionTargetType) -> &'static str {
    match t {
        ReactionTargetType::Post => "post",
        ReactionTargetType::Comment => "comment",
    }
}

/// The GraphQL-facing name of a reaction type.
pub fn reaction_name(r: ReactionType) -> &'static str {
    match r {
        ReactionType::Like => "like",
        ReactionType::Love => "love",
        ReactionType::Haha => "haha",
        ReactionType::Wow => "wow",
        ReactionType::Sad => "sad",
        ReactionType::Angry => "angry",
    }
}

fn reaction(kind: &'static str, r: &reactions::Model, post_id: Uuid) -> Change {
    Change::new(post(post_id), kind, r.id.to_string()).with(json!({
        "postId": post_id,
        "targetType": target_name(r.target_type),
        "targetId": r.target_id,
        "userId": r.user_id,
        "reaction": reaction_name(r.r#type),
    }))
}

/// `r` (on the post `post_id`, or one of its comments) was added.
pub fn reaction_added(r: &reactions::Model, post_id: Uuid) -> Change {
    reaction(REACTION_ADDED, r, post_id)
}

/// `r` changed its type from `previous`.
pub fn reaction_changed(r: &reactions::Model, post_id: Uuid, previous: ReactionType) -> Change {
    let mut c = reaction(REACTION_CHANGED, r, post_id);
    c.data["previous"] = json!(reaction_name(previous));
    c
}

/// `r` was removed.
pub fn reaction_removed(r: &reactions::Model, post_id: Uuid) -> Change {
    reaction(REACTION_REMOVED, r, post_id)
}

fn friend_request(kind: &'static str, r: &friend_requests::Model, to: Uuid) -> Change {
    Change::new(user(to), kind, r.id.to_string())
        .with(json!({ "senderId": r.sender_id, "receiverId": r.receiver_id }))
}

/// `r` was sent (or sent again).
pub fn friend_request_sent(r: &friend_requests::Model) -> Change {
    friend_request(FRIEND_REQUEST_SENT, r, r.receiver_id)
}

/// `r` was accepted.
pub fn friend_request_accepted(r: &friend_requests::Model) -> Change {
    friend_request(FRIEND_REQUEST_ACCEPTED, r, r.sender_id)
}

/// `r` was declined.
pub fn friend_request_declined(r: &friend_requests::Model) -> Change {
    friend_request(FRIEND_REQUEST_DECLINED, r, r.sender_id)
}

/// `r` was cancelled.
pub fn friend_request_cancelled(r: &friend_requests::Model) -> Change {
    friend_request(FRIEND_REQUEST_CANCELLED, r, r.receiver_id)
}

/// `actor` ended their friendship with `friend` (both rows).
pub fn friendship_ended(actor: Uuid, friend: Uuid) -> Change {
    Change::new(user(friend), FRIENDSHIP_ENDED, pair(actor, friend))
        .with(json!({ "userId": actor, "friendId": friend }))
}

fn follow(kind: &'static str, follower: Uuid, followee: Uuid) -> Change {
    Change::new(user(followee), kind, pair(follower, followee))
        .with(json!({ "followerId": follower, "followeeId": followee }))
}

/// `f` was created.
pub fn follow_created(f: &follows::Model) -> Change {
    follow(FOLLOW_CREATED, f.follower_id, f.followee_id)
}

/// `follower` stopped following `followee`.
pub fn follow_removed(follower: Uuid, followee: Uuid) -> Change {
    follow(FOLLOW_REMOVED, follower, followee)
}

/// `s` was posted.
pub fn story_posted(s: &stories::Model) -> Change {
    Change::new(story(s.id), STORY_POSTED, s.id.to_string())
        .with(json!({ "userId": s.user_id, "expiresAt": s.expires_at }))
}

/// `s` was deleted.
pub fn story_deleted(s: &stories::Model) -> Change {
    Change::new(story(s.id), STORY_DELETED, s.id.to_string()).with(json!({ "userId": s.user_id }))
}

/// `v` was the first view of its story by its user.
pub fn story_viewed(v: &story_viewers::Model) -> Change {
    Change::new(story(v.story_id), STORY_VIEWED, pair(v.story_id, v.user_id))
        .with(json!({ "storyId": v.story_id, "userId": v.user_id }))
}

/// `n` was created.
pub fn notification(n: &notifications::Model) -> Change {
    Change::new(user(n.user_id), NOTIFICATION_CREATED, n.id.to_string())
}

/// `n` was marked read.
pub fn notification_read(n: &notifications::Model) -> Change {
    Change::new(user(n.user_id), NOTIFICATION_READ, n.id.to_string())
}

/// `count` unread notifications of `id` were marked read.
pub fn notifications_read_all(id: Uuid, count: u64) -> Change {
    Change::new(user(id), NOTIFICATIONS_READ_ALL, id.to_string()).with(json!({ "count": count }))
}

/// `c` was started by and with `participants`.
pub fn conversation_started(c: &conversations::Model, participants: &[Uuid]) -> Change {
    Change::new(conversation(c.id), CONVERSATION_STARTED, c.id.to_string())
        .with(json!({ "participantIds": participants }))
}

/// `m` was sent.
pub fn message(m: &messages::Model) -> Change {
    Change::new(
        conversation(m.conversation_id),
        MESSAGE_CREATED,
        m.id.to_string(),
    )
}

/// `reader` marked `id` read (`messages` of the others became read).
pub fn conversation_read(id: Uuid, reader: Uuid, messages: u64) -> Change {
    Change::new(conversation(id), CONVERSATION_READ, pair(id, reader))
        .with(json!({ "userId": reader, "messagesRead": messages }))
}
