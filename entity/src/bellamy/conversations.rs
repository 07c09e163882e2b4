//! `conversations`: a chat between participants (the seed's messages' `conversationId`).

use sea_orm::entity::prelude::*;

/// A row of `conversations`: one chat between its participants.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    /// Random UUID primary key.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// When the conversation was started, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// Last activity (e.g. the latest message), UTC, defaulting to now; conversation lists
    /// sort on it.
    pub updated_at: DateTimeUtc,
    /// The conversation's rows in `conversation_participants` (who takes part, and their
    /// read marks); deleted with it.
    #[sea_orm(has_many)]
    pub participants: HasMany<super::conversation_participants::Entity>,
    /// The participating users, through `conversation_participants`.
    #[sea_orm(has_many, via = "conversation_participants")]
    pub users: HasMany<super::users::Entity>,
    /// The messages of the conversation (`messages.conversation_id`); deleted with it.
    #[sea_orm(has_many)]
    pub messages: HasMany<super::messages::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
