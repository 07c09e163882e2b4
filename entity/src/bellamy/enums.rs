//! The enumerated columns of Bellamy Book. Each is stored as a string and guarded by a
//! `CHECK (col IN (...))` constraint in the migrations.

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// Who may see a post (`posts.privacy`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum Privacy {
    /// Everyone.
    #[sea_orm(string_value = "public")]
    Public,
    /// The author's friends.
    #[sea_orm(string_value = "friends")]
    Friends,
    /// The author only.
    #[sea_orm(string_value = "private")]
    Private,
}

/// The kind of a reaction (`reactions.type`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ReactionType {
    /// 👍
    #[sea_orm(string_value = "like")]
    Like,
    /// ❤️
    #[sea_orm(string_value = "love")]
    Love,
    /// 😆
    #[sea_orm(string_value = "haha")]
    Haha,
    /// 😮
    #[sea_orm(string_value = "wow")]
    Wow,
    /// 😢
    #[sea_orm(string_value = "sad")]
    Sad,
    /// 😠
    #[sea_orm(string_value = "angry")]
    Angry,
}

/// What a reaction's polymorphic `target_id` points at (`reactions.target_type`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum ReactionTargetType {
    /// `target_id` is a `posts.id`.
    #[sea_orm(string_value = "post")]
    Post,
    /// `target_id` is a `comments.id`.
    #[sea_orm(string_value = "comment")]
    Comment,
}

/// The state of a friend request (`friend_requests.status`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum FriendRequestStatus {
    /// Sent, awaiting the receiver's answer (the default).
    #[sea_orm(string_value = "pending")]
    Pending,
    /// Accepted by the receiver: a friendship exists.
    #[sea_orm(string_value = "accepted")]
    Accepted,
    /// Declined by the receiver.
    #[sea_orm(string_value = "declined")]
    Declined,
    /// Withdrawn by the sender.
    #[sea_orm(string_value = "cancelled")]
    Cancelled,
}

/// The medium of a story (`stories.type`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum StoryType {
    /// A still image.
    #[sea_orm(string_value = "image")]
    Image,
    /// A video clip.
    #[sea_orm(string_value = "video")]
    Video,
}

/// The medium of a post attachment (`media.type`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    /// A still image.
    #[sea_orm(string_value = "image")]
    Image,
    /// A video clip.
    #[sea_orm(string_value = "video")]
    Video,
}

/// The kind of a chat message (`messages.type`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize,
)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::None)")]
#[serde(rename_all = "snake_case")]
pub enum MessageType {
    /// Plain text in `content`.
    #[sea_orm(string_value = "text")]
    Text,
    /// An image message.
    #[sea_orm(string_value = "image")]
    Image,
    /// A video message.
    #[sea_orm(string_value = "video")]
    Video,
}
