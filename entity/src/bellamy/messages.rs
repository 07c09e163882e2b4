//! `messages`: chat messages of a conversation (the seed's MongoDB `messages`).

use sea_orm::entity::prelude::*;

use super::enums::MessageType;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "messages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub conversation_id: Uuid,
    pub sender_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub content: String,
    pub r#type: MessageType,
    /// Whether the message has been read.
    pub read: bool,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "conversation_id", to = "id", on_delete = "Cascade")]
    pub conversation: BelongsTo<super::conversations::Entity>,
    #[sea_orm(belongs_to, from = "sender_id", to = "id")]
    pub sender: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
