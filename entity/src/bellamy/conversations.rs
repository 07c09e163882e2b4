//! `conversations`: a chat between participants (the seed's messages' `conversationId`).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "conversations")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub created_at: DateTimeUtc,
    /// Last activity (e.g. the latest message).
    pub updated_at: DateTimeUtc,
    #[sea_orm(has_many)]
    pub participants: HasMany<super::conversation_participants::Entity>,
    /// The participating users, through `conversation_participants`.
    #[sea_orm(has_many, via = "conversation_participants")]
    pub users: HasMany<super::users::Entity>,
    #[sea_orm(has_many)]
    pub messages: HasMany<super::messages::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
