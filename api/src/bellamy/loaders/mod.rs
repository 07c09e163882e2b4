//! Bellamy's request-scoped loaders: one typed key per relation. Two to-one fields of one
//! type that point at the same table (a friendship's `user` and `friend`) share the key
//! type [`UserId`]: sibling batches are tagged with the field name, so they stay apart.
//!
//! The to-one keys under the viewer's access rule are in [`visible`], the per-type reaction
//! counts in [`reaction_counts`], the recursive comment threads in [`threads`]; all are
//! re-exported here.

use std::hash::Hash;

use chrono::{DateTime, Utc};
use entity::bellamy::{
    comments, conversation_participants, conversations, follows, friend_requests, friendships,
    hashtags, media, messages, notifications, post_hashtags, posts, reactions, stories,
    story_viewers, users,
};
use sea_orm::DatabaseConnection;
use sea_orm::entity::prelude::Uuid;

use crate::projection::{Placeholder, Projected, Wide};
use crate::{by_key, count_key, page_key};

mod reaction_counts;
mod threads;
mod visible;

pub use reaction_counts::*;
pub use threads::*;
pub use visible::*;

/// Loads Bellamy rows in batches, for one request.
pub struct BellamyLoader {
    db: DatabaseConnection,
    now: DateTime<Utc>,
}

impl BellamyLoader {
    /// A loader over Bellamy's pool; its clock is fixed now, for the whole request.
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            now: Utc::now(),
        }
    }

    /// The request's clock (see [`Access::now`]).
    pub fn now(&self) -> DateTime<Utc> {
        self.now
    }
}

// ------------------------------------------------------------------------------ to-one

by_key!(
    /// A user by id (profiles are public).
    BellamyLoader: UserId(Uuid) => users.Id
);
by_key!(
    /// A hashtag by id (hashtags are public).
    BellamyLoader: HashtagId(Uuid) => hashtags.Id
);

// ----------------------------------------------------------------------------- to-many

page_key!(
    /// A page of a user's posts.
    BellamyLoader: PostsOfUser(Uuid) => posts.AuthorId
);
count_key!(
    /// How many posts a user wrote (under a filter).
    BellamyLoader: PostCountOfUser(Uuid) => posts.AuthorId
);
page_key!(
    /// A page of a user's comments.
    BellamyLoader: CommentsOfUser(Uuid) => comments.AuthorId
);
count_key!(
    /// How many comments a user wrote (under a filter).
    BellamyLoader: CommentCountOfUser(Uuid) => comments.AuthorId
);
page_key!(
    /// A page of a user's reactions.
    BellamyLoader: ReactionsOfUser(Uuid) => reactions.UserId
);
count_key!(
    /// How many reactions a user gave (under a filter).
    BellamyLoader: ReactionCountOfUser(Uuid) => reactions.UserId
);
page_key!(
    /// A page of the friend requests a user sent.
    BellamyLoader: SentRequestsOfUser(Uuid) => friend_requests.SenderId
);
count_key!(
    /// How many friend requests a user sent (under a filter).
    BellamyLoader: SentRequestCountOfUser(Uuid) => friend_requests.SenderId
);
page_key!(
    /// A page of the friend requests a user received.
    BellamyLoader: ReceivedRequestsOfUser(Uuid) => friend_requests.ReceiverId
);
count_key!(
    /// How many friend requests a user received (under a filter).
    BellamyLoader: ReceivedRequestCountOfUser(Uuid) => friend_requests.ReceiverId
);
page_key!(
    /// A page of a user's friendship rows (`friendships.user_id` = the user).
    BellamyLoader: FriendshipsOfUser(Uuid) => friendships.UserId
);
count_key!(
    /// How many friends a user has (under a filter).
    BellamyLoader: FriendshipCountOfUser(Uuid) => friendships.UserId
);
page_key!(
    /// A page of the follow rows in which a user is followed.
    BellamyLoader: FollowsOfFollowee(Uuid) => follows.FolloweeId
);
count_key!(
    /// How many followers a user has (under a filter).
    BellamyLoader: FollowCountOfFollowee(Uuid) => follows.FolloweeId
);
page_key!(
    /// A page of the follow rows in which a user follows someone.
    BellamyLoader: FollowsOfFollower(Uuid) => follows.FollowerId
);
count_key!(
    /// How many users a user follows (under a filter).
    BellamyLoader: FollowCountOfFollower(Uuid) => follows.FollowerId
);
page_key!(
    /// A page of a user's stories.
    BellamyLoader: StoriesOfUser(Uuid) => stories.UserId
);
count_key!(
    /// How many stories a user posted (under a filter).
    BellamyLoader: StoryCountOfUser(Uuid) => stories.UserId
);
page_key!(
    /// A page of the story views of a user (the stories they viewed).
    BellamyLoader: StoryViewsOfUser(Uuid) => story_viewers.UserId
);
count_key!(
    /// How many stories a user viewed (under a filter).
    BellamyLoader: StoryViewCountOfUser(Uuid) => story_viewers.UserId
);
page_key!(
    /// A page of a user's notifications.
    BellamyLoader: NotificationsOfUser(Uuid) => notifications.UserId
);
count_key!(
    /// How many notifications a user has (under a filter, e.g. unread).
    BellamyLoader: NotificationCountOfUser(Uuid) => notifications.UserId
);
page_key!(
    /// A page of a user's conversation memberships.
    BellamyLoader: ParticipationsOfUser(Uuid) => conversation_participants.UserId
);
count_key!(
    /// How many conversations a user takes part in (under a filter).
    BellamyLoader: ParticipationCountOfUser(Uuid) => conversation_participants.UserId
);
page_key!(
    /// A page of the messages a user sent.
    BellamyLoader: MessagesOfSender(Uuid) => messages.SenderId
);
count_key!(
    /// How many messages a user sent (under a filter).
    BellamyLoader: MessageCountOfSender(Uuid) => messages.SenderId
);
page_key!(
    /// A page of a post's comments.
    BellamyLoader: CommentsOfPost(Uuid) => comments.PostId
);
count_key!(
    /// How many comments a post has (under a filter).
    BellamyLoader: CommentCountOfPost(Uuid) => comments.PostId
);
page_key!(
    /// A page of the reactions to a post or a comment (the list's condition fixes the
    /// target type).
    BellamyLoader: ReactionsOfTarget(Uuid) => reactions.TargetId
);
count_key!(
    /// How many reactions a post or a comment has (under a filter).
    BellamyLoader: ReactionCountOfTarget(Uuid) => reactions.TargetId
);
page_key!(
    /// A page of a post's media.
    BellamyLoader: MediaOfPost(Uuid) => media.PostId
);
count_key!(
    /// How many media a post has (under a filter).
    BellamyLoader: MediaCountOfPost(Uuid) => media.PostId
);
page_key!(
    /// A page of a post's hashtag links.
    BellamyLoader: TagLinksOfPost(Uuid) => post_hashtags.PostId
);
count_key!(
    /// How many hashtags a post carries (under a filter).
    BellamyLoader: TagLinkCountOfPost(Uuid) => post_hashtags.PostId
);
page_key!(
    /// A page of a hashtag's post links.
    BellamyLoader: PostLinksOfHashtag(Uuid) => post_hashtags.HashtagId
);
count_key!(
    /// How many posts carry a hashtag (under a filter).
    BellamyLoader: PostLinkCountOfHashtag(Uuid) => post_hashtags.HashtagId
);
page_key!(
    /// A page of a comment's direct replies.
    BellamyLoader: RepliesOfComment(Uuid) => comments.ParentCommentId
);
count_key!(
    /// How many direct replies a comment has (under a filter).
    BellamyLoader: ReplyCountOfComment(Uuid) => comments.ParentCommentId
);
page_key!(
    /// A page of a story's views.
    BellamyLoader: ViewsOfStory(Uuid) => story_viewers.StoryId
);
count_key!(
    /// How many users viewed a story (under a filter).
    BellamyLoader: ViewCountOfStory(Uuid) => story_viewers.StoryId
);
page_key!(
    /// A page of a conversation's participants.
    BellamyLoader: ParticipantsOfConversation(Uuid) => conversation_participants.ConversationId
);
count_key!(
    /// How many participants a conversation has (under a filter).
    BellamyLoader: ParticipantCountOfConversation(Uuid) => conversation_participants.ConversationId
);
page_key!(
    /// A page of a conversation's messages.
    BellamyLoader: MessagesOfConversation(Uuid) => messages.ConversationId
);
count_key!(
    /// How many messages a conversation holds (under a filter).
    BellamyLoader: MessageCountOfConversation(Uuid) => messages.ConversationId
);

/// A text body, read only when `content` is selected.
const CONTENT: &[&str] = &["content"];

impl Projected for posts::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: posts::Column::Content,
        fields: CONTENT,
        placeholder: Placeholder::Text,
    }];
}

impl Projected for comments::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: comments::Column::Content,
        fields: CONTENT,
        placeholder: Placeholder::Text,
    }];
}

impl Projected for messages::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: messages::Column::Content,
        fields: CONTENT,
        placeholder: Placeholder::Text,
    }];
}

impl Projected for notifications::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: notifications::Column::Data,
        fields: &["data"],
        placeholder: Placeholder::Json,
    }];
}

impl Projected for users::Entity {
    const WIDE: &'static [Wide<Self>] = &[Wide {
        column: users::Column::Bio,
        fields: &["bio"],
        placeholder: Placeholder::NullText,
    }];
}

crate::narrow!(
    conversation_participants::Entity,
    conversations::Entity,
    follows::Entity,
    friend_requests::Entity,
    friendships::Entity,
    hashtags::Entity,
    media::Entity,
    post_hashtags::Entity,
    reactions::Entity,
    stories::Entity,
    story_viewers::Entity,
);
