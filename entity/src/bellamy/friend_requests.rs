//! `friend_requests`: a request from one user to another to become friends. One request
//! per (sender, receiver); its `status` moves from `pending` to an answer.

use sea_orm::entity::prelude::*;

use super::enums::FriendRequestStatus;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "friend_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// Who asked. Never the receiver.
    #[sea_orm(unique_key = "sender_receiver")]
    pub sender_id: Uuid,
    /// Who is asked.
    #[sea_orm(unique_key = "sender_receiver")]
    pub receiver_id: Uuid,
    pub status: FriendRequestStatus,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// When the receiver accepted or declined (or the sender cancelled); `None` while
    /// pending.
    pub responded_at: Option<DateTimeUtc>,
    #[sea_orm(
        belongs_to,
        relation_enum = "Sender",
        from = "sender_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub sender: BelongsTo<super::users::Entity>,
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
