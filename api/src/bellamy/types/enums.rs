//! Bellamy's GraphQL enums, each mirroring an entity enum, and their filter inputs.

use entity::bellamy::enums;

use crate::{enum_filter, mirror_enum};

mirror_enum! {
    /// Who may see a post.
    pub enum BellamyPrivacy => enums::Privacy {
        /// Everyone.
        Public,
        /// The author's friends.
        Friends,
        /// The author only.
        Private,
    }
}

mirror_enum! {
    /// The kind of a reaction.
    pub enum BellamyReactionType => enums::ReactionType {
        /// 👍
        Like,
        /// ❤️
        Love,
        /// 😆
        Haha,
        /// 😮
        Wow,
        /// 😢
        Sad,
        /// 😠
        Angry,
    }
}

mirror_enum! {
    /// What a reaction's `targetId` points at.
    pub enum BellamyReactionTargetType => enums::ReactionTargetType {
        /// A post.
        Post,
        /// A comment.
        Comment,
    }
}

mirror_enum! {
    /// The state of a friend request.
    pub enum BellamyFriendRequestStatus => enums::FriendRequestStatus {
        /// Sent, awaiting the receiver's answer.
        Pending,
        /// Accepted by the receiver: a friendship exists.
        Accepted,
        /// Declined by the receiver.
        Declined,
        /// Withdrawn by the sender.
        Cancelled,
    }
}

mirror_enum! {
    /// The medium of a story.
    pub enum BellamyStoryType => enums::StoryType {
        /// A still image.
        Image,
        /// A video clip.
        Video,
    }
}

mirror_enum! {
    /// The medium of a post attachment.
    pub enum BellamyMediaType => enums::MediaType {
        /// A still image.
        Image,
        /// A video clip.
        Video,
    }
}

mirror_enum! {
    /// The kind of a chat message.
    pub enum BellamyMessageType => enums::MessageType {
        /// Plain text.
        Text,
        /// An image message.
        Image,
        /// A video message.
        Video,
    }
}

enum_filter! {
    /// Conditions on a post's privacy.
    pub struct BellamyPrivacyFilter for BellamyPrivacy => enums::Privacy
}
enum_filter! {
    /// Conditions on a reaction's type.
    pub struct BellamyReactionTypeFilter for BellamyReactionType => enums::ReactionType
}
enum_filter! {
    /// Conditions on a reaction's target type.
    pub struct BellamyReactionTargetTypeFilter for BellamyReactionTargetType => enums::ReactionTargetType
}
enum_filter! {
    /// Conditions on a friend request's status.
    pub struct BellamyFriendRequestStatusFilter for BellamyFriendRequestStatus => enums::FriendRequestStatus
}
enum_filter! {
    /// Conditions on a story's type.
    pub struct BellamyStoryTypeFilter for BellamyStoryType => enums::StoryType
}
enum_filter! {
    /// Conditions on a media item's type.
    pub struct BellamyMediaTypeFilter for BellamyMediaType => enums::MediaType
}
enum_filter! {
    /// Conditions on a message's type.
    pub struct BellamyMessageTypeFilter for BellamyMessageType => enums::MessageType
}
