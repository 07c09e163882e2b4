//! `notifications`: a user's notification inbox (the seed's MongoDB `notifications`).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "notifications")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The recipient.
    pub user_id: Uuid,
    /// What happened, e.g. `friend_request`, `post_reaction`. An open set: not checked.
    #[sea_orm(column_type = "String(StringLen::N(50))")]
    pub r#type: String,
    #[sea_orm(column_type = "String(StringLen::N(255))")]
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub message: String,
    /// Free-form details of the event (ids of the post, the sender, ...); `{}` by default.
    #[sea_orm(column_type = "JsonBinary")]
    pub data: Json,
    /// Whether the recipient has read it.
    pub read: bool,
    pub created_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
