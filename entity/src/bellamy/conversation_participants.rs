//! `conversation_participants`: who takes part in a conversation.

use sea_orm::entity::prelude::*;

/// A row of `conversation_participants`: one user taking part in one conversation; primary
/// key (`conversation_id`, `user_id`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversation_participants")]
pub struct Model {
    /// The conversation's `conversations.id` (cascade: deleted with the conversation).
    #[sea_orm(primary_key, auto_increment = false)]
    pub conversation_id: Uuid,
    /// The participant's `users.id` (cascade: deleted with the user).
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// When the user joined the conversation, UTC (defaults to now).
    pub joined_at: DateTimeUtc,
    /// When the participant last read the conversation; `None` if never.
    pub last_read_at: Option<DateTimeUtc>,
    /// The conversation, through `conversation_id`.
    #[sea_orm(belongs_to, from = "conversation_id", to = "id", on_delete = "Cascade")]
    pub conversation: BelongsTo<super::conversations::Entity>,
    /// The participating user, through `user_id`.
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
