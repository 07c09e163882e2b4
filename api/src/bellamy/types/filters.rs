//! Bellamy's table filters and orders: one `filter_input!` and one `order_input!` per
//! table, the inputs of the root lists and of the nested connections.

use entity::bellamy::{
    comments, conversation_participants, conversations, follows, friend_requests, friendships,
    hashtags, media, messages, notifications, post_hashtags, posts, reactions, stories,
    story_viewers, users,
};
use sea_orm::{ColumnTrait, Condition};

use super::enums::*;
use crate::error::ApiError;
use crate::filter::{BooleanFilter, DateTimeFilter, IntFilter, StringFilter, UuidFilter};
use crate::{filter_input, order_input};

filter_input! {
    /// Filters Bellamy users (never by password hash, nor by email: both are private).
    pub struct BellamyUserFilter for users::Column {
        /// The user's id.
        id: UuidFilter => Id,
        /// The public handle.
        username: StringFilter => Username,
        /// The full name.
        full_name: StringFilter => FullName,
        /// The profile picture URL.
        profile_picture_url: StringFilter => ProfilePictureUrl,
        /// The cover photo URL.
        cover_photo_url: StringFilter => CoverPhotoUrl,
        /// The bio.
        bio: StringFilter => Bio,
        /// When the account was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the account was last updated.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters Bellamy posts.
    pub struct BellamyPostFilter for posts::Column {
        /// The post's id.
        id: UuidFilter => Id,
        /// The author's id.
        author_id: UuidFilter => AuthorId,
        /// The text.
        content: StringFilter => Content,
        /// Who may see the post.
        privacy: BellamyPrivacyFilter => Privacy,
        /// When the post was created.
        created_at: DateTimeFilter => CreatedAt,
        /// When the post was last edited.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters Bellamy comments.
    pub struct BellamyCommentFilter for comments::Column {
        /// The comment's id.
        id: UuidFilter => Id,
        /// The post's id.
        post_id: UuidFilter => PostId,
        /// The author's id.
        author_id: UuidFilter => AuthorId,
        /// The text.
        content: StringFilter => Content,
        /// The comment replied to (`isNull: true`: top-level comments).
        parent_comment_id: UuidFilter => ParentCommentId,
        /// When the comment was written.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy reactions.
    pub struct BellamyReactionFilter for reactions::Column {
        /// The reaction's id.
        id: UuidFilter => Id,
        /// Who reacted.
        user_id: UuidFilter => UserId,
        /// The post's or comment's id.
        target_id: UuidFilter => TargetId,
        /// Post or comment.
        target_type: BellamyReactionTargetTypeFilter => TargetType,
        /// The kind of reaction.
        r#type: BellamyReactionTypeFilter => Type,
        /// When the reaction was given.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy friend requests.
    pub struct BellamyFriendRequestFilter for friend_requests::Column {
        /// The request's id.
        id: UuidFilter => Id,
        /// Who asked.
        sender_id: UuidFilter => SenderId,
        /// Who is asked.
        receiver_id: UuidFilter => ReceiverId,
        /// The request's state.
        status: BellamyFriendRequestStatusFilter => Status,
        /// When the request was sent.
        created_at: DateTimeFilter => CreatedAt,
        /// When the request last changed.
        updated_at: DateTimeFilter => UpdatedAt,
        /// When the request was answered.
        responded_at: DateTimeFilter => RespondedAt,
    }
}

filter_input! {
    /// Filters Bellamy friendship rows.
    pub struct BellamyFriendshipFilter for friendships::Column {
        /// The user.
        user_id: UuidFilter => UserId,
        /// The user's friend.
        friend_id: UuidFilter => FriendId,
        /// When the two became friends.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy follow rows.
    pub struct BellamyFollowFilter for follows::Column {
        /// The user who follows.
        follower_id: UuidFilter => FollowerId,
        /// The user who is followed.
        followee_id: UuidFilter => FolloweeId,
        /// When the follow began.
        created_at: DateTimeFilter => CreatedAt,
    }
}

/// A [`StringFilter`] on a hashtag column: every value is normalised the way tags are
/// stored ([`normalize_hashtag`]: `#` dropped, lowercased) before it is compared, so
/// `{eq: "#Rust"}` finds `rust`.
///
/// [`normalize_hashtag`]: crate::bellamy::service::posts::normalize_hashtag
trait HashtagCondition {
    fn hashtag_condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut crate::filter::Budget,
    ) -> std::result::Result<Condition, ApiError>;
}

impl HashtagCondition for StringFilter {
    fn hashtag_condition(
        &self,
        col: impl ColumnTrait,
        budget: &mut crate::filter::Budget,
    ) -> std::result::Result<Condition, ApiError> {
        use crate::bellamy::service::posts::normalize_hashtag as norm;
        let one = |v: &Option<String>| v.as_deref().map(norm);
        let all = |vs: &Option<Vec<String>>| {
            vs.as_ref()
                .map(|vs| vs.iter().map(|v| norm(v)).collect::<Vec<_>>())
        };
        StringFilter {
            eq: one(&self.eq),
            ne: one(&self.ne),
            is_in: all(&self.is_in),
            not_in: all(&self.not_in),
            starts_with: one(&self.starts_with),
            contains: one(&self.contains),
            is_null: self.is_null,
        }
        .condition(col, budget)
    }
}

filter_input! {
    /// Filters Bellamy hashtags.
    pub struct BellamyHashtagFilter for hashtags::Column {
        /// The hashtag's id.
        id: UuidFilter => Id,
        /// The tag, without `#`, lowercased. Every value given is normalised the same way
        /// (`"#Rust"` matches `rust`).
        tag: StringFilter => Tag [hashtag_condition],
        /// When the tag was first used.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy post–hashtag links.
    pub struct BellamyPostHashtagFilter for post_hashtags::Column {
        /// The post's id.
        post_id: UuidFilter => PostId,
        /// The hashtag's id.
        hashtag_id: UuidFilter => HashtagId,
    }
}

filter_input! {
    /// Filters Bellamy media.
    pub struct BellamyMediaFilter for media::Column {
        /// The media item's id.
        id: UuidFilter => Id,
        /// The post's id.
        post_id: UuidFilter => PostId,
        /// The file's URL.
        url: StringFilter => Url,
        /// Image or video.
        r#type: BellamyMediaTypeFilter => Type,
        /// Display position within the post.
        position: IntFilter => Position,
        /// When the item was uploaded.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy stories.
    pub struct BellamyStoryFilter for stories::Column {
        /// The story's id.
        id: UuidFilter => Id,
        /// The author's id.
        user_id: UuidFilter => UserId,
        /// The media URL.
        media_url: StringFilter => MediaUrl,
        /// Image or video.
        r#type: BellamyStoryTypeFilter => Type,
        /// When the story was posted.
        created_at: DateTimeFilter => CreatedAt,
        /// When the story expires.
        expires_at: DateTimeFilter => ExpiresAt,
    }
}

filter_input! {
    /// Filters Bellamy story views.
    pub struct BellamyStoryViewFilter for story_viewers::Column {
        /// The story's id.
        story_id: UuidFilter => StoryId,
        /// The viewer's id.
        user_id: UuidFilter => UserId,
        /// When the story was viewed.
        viewed_at: DateTimeFilter => ViewedAt,
    }
}

filter_input! {
    /// Filters Bellamy notifications.
    pub struct BellamyNotificationFilter for notifications::Column {
        /// The notification's id.
        id: UuidFilter => Id,
        /// The recipient's id.
        user_id: UuidFilter => UserId,
        /// What happened, e.g. `friend_request`.
        r#type: StringFilter => Type,
        /// The title.
        title: StringFilter => Title,
        /// The message.
        message: StringFilter => Message,
        /// Whether it was read.
        read: BooleanFilter => Read,
        /// When it was created.
        created_at: DateTimeFilter => CreatedAt,
    }
}

filter_input! {
    /// Filters Bellamy conversations.
    pub struct BellamyConversationFilter for conversations::Column {
        /// The conversation's id.
        id: UuidFilter => Id,
        /// When it was started.
        created_at: DateTimeFilter => CreatedAt,
        /// Its last activity.
        updated_at: DateTimeFilter => UpdatedAt,
    }
}

filter_input! {
    /// Filters Bellamy conversation participants.
    pub struct BellamyConversationParticipantFilter for conversation_participants::Column {
        /// The conversation's id.
        conversation_id: UuidFilter => ConversationId,
        /// The participant's id.
        user_id: UuidFilter => UserId,
        /// When they joined.
        joined_at: DateTimeFilter => JoinedAt,
        /// When they last read the conversation.
        last_read_at: DateTimeFilter => LastReadAt,
    }
}

filter_input! {
    /// Filters Bellamy messages.
    pub struct BellamyMessageFilter for messages::Column {
        /// The message's id.
        id: UuidFilter => Id,
        /// The conversation's id.
        conversation_id: UuidFilter => ConversationId,
        /// The sender's id.
        sender_id: UuidFilter => SenderId,
        /// The text.
        content: StringFilter => Content,
        /// Text, image or video.
        r#type: BellamyMessageTypeFilter => Type,
        /// Whether it was read.
        read: BooleanFilter => Read,
        /// When it was sent.
        created_at: DateTimeFilter => CreatedAt,
    }
}

// ------------------------------------------------------------------------------ orders

order_input! {
    /// Orders Bellamy users.
    pub struct BellamyUserOrder;
    /// Sortable columns of Bellamy users (not the email: it is private).
    pub enum BellamyUserOrderField for users in "bellamy.users", tie-break [Id] {
        /// The public handle.
        Username => Username (false),
        /// Creation time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy posts.
    pub struct BellamyPostOrder;
    /// Sortable columns of Bellamy posts.
    pub enum BellamyPostOrderField for posts in "bellamy.posts", tie-break [Id] {
        /// Creation time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy comments.
    pub struct BellamyCommentOrder;
    /// Sortable columns of Bellamy comments.
    pub enum BellamyCommentOrderField for comments in "bellamy.comments", tie-break [Id] {
        /// Creation time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy reactions.
    pub struct BellamyReactionOrder;
    /// Sortable columns of Bellamy reactions.
    pub enum BellamyReactionOrderField for reactions in "bellamy.reactions", tie-break [Id] {
        /// When the reaction was given.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy friend requests.
    pub struct BellamyFriendRequestOrder;
    /// Sortable columns of Bellamy friend requests.
    pub enum BellamyFriendRequestOrderField for friend_requests in "bellamy.friend_requests", tie-break [Id] {
        /// When the request was sent.
        CreatedAt => CreatedAt (false),
        /// The request's state.
        Status => Status (false),
    }
}

order_input! {
    /// Orders Bellamy friendship rows.
    pub struct BellamyFriendshipOrder;
    /// Sortable columns of Bellamy friendship rows.
    pub enum BellamyFriendshipOrderField for friendships in "bellamy.friendships", tie-break [UserId, FriendId] {
        /// When the two became friends.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy follow rows.
    pub struct BellamyFollowOrder;
    /// Sortable columns of Bellamy follow rows.
    pub enum BellamyFollowOrderField for follows in "bellamy.follows", tie-break [FollowerId, FolloweeId] {
        /// When the follow began.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy hashtags.
    pub struct BellamyHashtagOrder;
    /// Sortable columns of Bellamy hashtags.
    pub enum BellamyHashtagOrderField for hashtags in "bellamy.hashtags", tie-break [Id] {
        /// The tag.
        Tag => Tag (false),
        /// When the tag was first used.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy post–hashtag links.
    pub struct BellamyPostHashtagOrder;
    /// Sortable columns of Bellamy post–hashtag links.
    pub enum BellamyPostHashtagOrderField for post_hashtags in "bellamy.post_hashtags", tie-break [PostId, HashtagId] {
        /// The hashtag's id.
        HashtagId => HashtagId (false),
    }
}

order_input! {
    /// Orders Bellamy media.
    pub struct BellamyMediaOrder;
    /// Sortable columns of Bellamy media.
    pub enum BellamyMediaOrderField for media in "bellamy.media", tie-break [Id] {
        /// Display position within the post.
        Position => Position (false),
        /// Upload time.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy stories.
    pub struct BellamyStoryOrder;
    /// Sortable columns of Bellamy stories.
    pub enum BellamyStoryOrderField for stories in "bellamy.stories", tie-break [Id] {
        /// When the story was posted.
        CreatedAt => CreatedAt (false),
        /// When the story expires.
        ExpiresAt => ExpiresAt (false),
    }
}

order_input! {
    /// Orders Bellamy story views.
    pub struct BellamyStoryViewOrder;
    /// Sortable columns of Bellamy story views.
    pub enum BellamyStoryViewOrderField for story_viewers in "bellamy.story_viewers", tie-break [StoryId, UserId] {
        /// When the story was viewed.
        ViewedAt => ViewedAt (false),
    }
}

order_input! {
    /// Orders Bellamy notifications.
    pub struct BellamyNotificationOrder;
    /// Sortable columns of Bellamy notifications.
    pub enum BellamyNotificationOrderField for notifications in "bellamy.notifications", tie-break [Id] {
        /// When it was created.
        CreatedAt => CreatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy conversations.
    pub struct BellamyConversationOrder;
    /// Sortable columns of Bellamy conversations.
    pub enum BellamyConversationOrderField for conversations in "bellamy.conversations", tie-break [Id] {
        /// When it was started.
        CreatedAt => CreatedAt (false),
        /// Its last activity.
        UpdatedAt => UpdatedAt (false),
    }
}

order_input! {
    /// Orders Bellamy conversation participants.
    pub struct BellamyConversationParticipantOrder;
    /// Sortable columns of Bellamy conversation participants.
    pub enum BellamyConversationParticipantOrderField for conversation_participants in "bellamy.conversation_participants", tie-break [ConversationId, UserId] {
        /// When they joined.
        JoinedAt => JoinedAt (false),
    }
}

order_input! {
    /// Orders Bellamy messages.
    pub struct BellamyMessageOrder;
    /// Sortable columns of Bellamy messages.
    pub enum BellamyMessageOrderField for messages in "bellamy.messages", tie-break [Id] {
        /// When it was sent.
        CreatedAt => CreatedAt (false),
    }
}
