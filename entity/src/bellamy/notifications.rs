//! `notifications`: a user's notification inbox (the seed's MongoDB `notifications`).

use sea_orm::entity::prelude::*;

/// A row of `notifications`: one entry of a user's notification inbox.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The recipient's `users.id` (cascade: deleted with the user).
    pub user_id: Uuid,
    /// What happened, e.g. `friend_request`, `post_reaction`. An open set: not checked.
    #[sea_orm(column_type = "String(StringLen::N(50))")]
    pub r#type: String,
    /// Short headline shown in the inbox (up to 255 characters).
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub title: String,
    /// The notification's body text (unbounded).
    #[sea_orm(column_type = "Text")]
    pub message: String,
    /// Free-form JSON object with the event's details (ids of the post, the sender, ...);
    /// defaults to `{}`.
    #[sea_orm(column_type = "JsonBinary")]
    pub data: Json,
    /// Whether the recipient has read it (defaults to false).
    pub read: bool,
    /// When the notification was created, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The recipient, through `user_id`.
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
