//! `friendships`: who is friends with whom. Symmetric: a friendship between A and B is two
//! rows, (A, B) and (B, A), so "A's friends" is one lookup on `user_id`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "friendships")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// The friend of `user_id`. Never `user_id` itself.
    #[sea_orm(primary_key, auto_increment = false)]
    pub friend_id: Uuid,
    pub created_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "User",
        from = "user_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub user: BelongsTo<super::users::Entity>,
    #[sea_orm(
        belongs_to,
        relation_enum = "Friend",
        from = "friend_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub friend: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
