//! `friend_requests`: a request from one user to another to become friends. One request
//! per (sender, receiver); its `status` moves from `pending` to an answer.

use sea_orm::entity::prelude::*;

use super::enums::FriendRequestStatus;

/// A row of `friend_requests`: one request from a sender to a receiver; `(sender_id,
/// receiver_id)` is unique.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "friend_requests")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The `users.id` who asked (cascade: deleted with the user). Never the receiver
    /// (CHECK).
    #[sea_orm(unique_key = "sender_receiver")]
    pub sender_id: Uuid,
    /// The `users.id` who is asked (cascade: deleted with the user).
    #[sea_orm(unique_key = "sender_receiver")]
    pub receiver_id: Uuid,
    /// Pending, accepted, declined or cancelled (CHECK-constrained; defaults to pending).
    pub status: FriendRequestStatus,
    /// When the request was sent, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// When the request last changed, UTC (defaults to now).
    pub updated_at: DateTimeUtc,
    /// When the receiver accepted or declined (or the sender cancelled); `None` while
    /// pending.
    pub responded_at: Option<DateTimeUtc>,
    /// The user who sent the request, through `sender_id`.
    #[sea_orm(
        belongs_to,
        relation_enum = "Sender",
        from = "sender_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub sender: BelongsTo<super::users::Entity>,
    /// The user who received the request, through `receiver_id`.
    #[sea_orm(
        belongs_to,
        relation_enum = "Receiver",
        from = "receiver_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub receiver: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
