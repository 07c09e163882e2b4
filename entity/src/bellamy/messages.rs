//! `messages`: chat messages of a conversation (the seed's MongoDB `messages`).

use sea_orm::entity::prelude::*;

use super::enums::MessageType;

/// A row of `messages`: one chat message in a conversation.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The conversation's `conversations.id` (cascade: deleted with the conversation).
    pub conversation_id: Uuid,
    /// The sender's `users.id` (plain foreign key: no cascade).
    pub sender_id: Uuid,
    /// The message body (unbounded): the text of a text message, the media reference of an
    /// image or video one.
    #[sea_orm(column_type = "Text")]
    pub content: String,
    /// Text, image or video (CHECK-constrained).
    pub r#type: MessageType,
    /// Whether the message has been read (defaults to false).
    pub read: bool,
    /// When the message was sent, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The conversation the message belongs to, through `conversation_id`.
    #[sea_orm(belongs_to, from = "conversation_id", to = "id", on_delete = "Cascade")]
    pub conversation: BelongsTo<super::conversations::Entity>,
    /// The user who sent the message, through `sender_id`.
    #[sea_orm(belongs_to, from = "sender_id", to = "id")]
    pub sender: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
