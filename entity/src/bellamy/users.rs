//! `users`: the accounts of Bellamy Book.

use sea_orm::entity::prelude::*;

/// A row of `users`: one Bellamy Book account and its profile.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Login email (unique).
    #[sea_orm(unique, column_type = "String(StringLen::N(255))")]
    pub email: String,
    /// Public handle (unique).
    #[sea_orm(unique, column_type = "String(StringLen::N(50))")]
    pub username: String,
    /// Display name shown on the profile (up to 255 characters).
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub full_name: String,
    /// The password hash (never the password). Never exposed through the API.
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub password_hash: String,
    /// URL of the profile picture (up to 500 characters); `None` until set.
    #[sea_orm(column_type = "String(StringLen::N(500))", nullable)]
    pub profile_picture_url: Option<String>,
    /// URL of the profile's cover photo (up to 500 characters); `None` until set.
    #[sea_orm(column_type = "String(StringLen::N(500))", nullable)]
    pub cover_photo_url: Option<String>,
    /// Free-text biography; `None` until set.
    #[sea_orm(column_type = "Text", nullable)]
    pub bio: Option<String>,
    /// When the account was created, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// When the account or its profile last changed, UTC (defaults to now).
    pub updated_at: DateTimeUtc,
    /// The posts this user wrote (`posts.author_id`).
    #[sea_orm(has_many)]
    pub posts: HasMany<super::posts::Entity>,
    /// The comments this user wrote (`comments.author_id`).
    #[sea_orm(has_many)]
    pub comments: HasMany<super::comments::Entity>,
    /// The reactions this user left on posts and comments (`reactions.user_id`).
    #[sea_orm(has_many)]
    pub reactions: HasMany<super::reactions::Entity>,
    /// Friend requests this user sent (`friend_requests.sender_id`).
    #[sea_orm(has_many, relation_enum = "SentFriendRequests", via_rel = "Sender")]
    pub sent_friend_requests: HasMany<super::friend_requests::Entity>,
    /// Friend requests this user received (`friend_requests.receiver_id`).
    #[sea_orm(
        has_many,
        relation_enum = "ReceivedFriendRequests",
        via_rel = "Receiver"
    )]
    pub received_friend_requests: HasMany<super::friend_requests::Entity>,
    /// Friendship rows whose `user_id` is this user.
    #[sea_orm(has_many, relation_enum = "Friendships", via_rel = "User")]
    pub friendships: HasMany<super::friendships::Entity>,
    /// Friendship rows whose `friend_id` is this user (the mirror rows).
    #[sea_orm(has_many, relation_enum = "FriendshipsAsFriend", via_rel = "Friend")]
    pub friendships_as_friend: HasMany<super::friendships::Entity>,
    /// Follow rows in which this user follows someone (`follows.follower_id`).
    #[sea_orm(has_many, relation_enum = "FollowsAsFollower", via_rel = "Follower")]
    pub follows_as_follower: HasMany<super::follows::Entity>,
    /// Follow rows in which someone follows this user (`follows.followee_id`).
    #[sea_orm(has_many, relation_enum = "FollowsAsFollowee", via_rel = "Followee")]
    pub follows_as_followee: HasMany<super::follows::Entity>,
    /// This user's friends, through `friendships` (symmetric: one row each way).
    #[sea_orm(self_ref, via = "friendships", from = "User", to = "Friend")]
    pub friends: HasMany<Entity>,
    /// The users who follow this user, through `follows`.
    #[sea_orm(self_ref, via = "follows", from = "Followee", to = "Follower")]
    pub followers: HasMany<Entity>,
    /// The users this user follows, through `follows`.
    #[sea_orm(self_ref, via = "follows", reverse)]
    pub following: HasMany<Entity>,
    /// The stories this user posted (`stories.user_id`), expired ones included; deleted
    /// with the user.
    #[sea_orm(has_many)]
    pub stories: HasMany<super::stories::Entity>,
    /// The stories this user has viewed.
    #[sea_orm(has_many)]
    pub story_views: HasMany<super::story_viewers::Entity>,
    /// This user's notification inbox (`notifications.user_id`); deleted with the user.
    #[sea_orm(has_many)]
    pub notifications: HasMany<super::notifications::Entity>,
    /// This user's memberships of conversations.
    #[sea_orm(has_many)]
    pub conversation_participants: HasMany<super::conversation_participants::Entity>,
    /// The conversations this user takes part in.
    #[sea_orm(has_many, via = "conversation_participants")]
    pub conversations: HasMany<super::conversations::Entity>,
    /// The chat messages this user sent.
    #[sea_orm(has_many)]
    pub messages: HasMany<super::messages::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
