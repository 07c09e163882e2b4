//! `friendships`: who is friends with whom. Symmetric: a friendship between A and B is two
//! rows, (A, B) and (B, A), so "A's friends" is one lookup on `user_id`.

use sea_orm::entity::prelude::*;

/// A row of `friendships`: one direction of a friendship; primary key (`user_id`,
/// `friend_id`), and the mirror row always exists.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "friendships")]
pub struct Model {
    /// The `users.id` whose friend list this row belongs to (cascade: deleted with the
    /// user).
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    /// The friend's `users.id` (cascade: deleted with the user). Never `user_id` itself
    /// (CHECK).
    #[sea_orm(primary_key, auto_increment = false)]
    pub friend_id: Uuid,
    /// When the two became friends (the request was accepted), UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The user whose friend this is, through `user_id`.
    #[sea_orm(
        belongs_to,
        relation_enum = "User",
        from = "user_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub user: BelongsTo<super::users::Entity>,
    /// The friend, through `friend_id`.
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
