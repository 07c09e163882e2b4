//! `follows`: one-way subscriptions of a user to another user's public activity.

use sea_orm::entity::prelude::*;

/// A row of `follows`: one user following another; primary key (`follower_id`,
/// `followee_id`).
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follows")]
pub struct Model {
    /// The `users.id` who follows (cascade: deleted with the user).
    #[sea_orm(primary_key, auto_increment = false)]
    pub follower_id: Uuid,
    /// The `users.id` who is followed (cascade: deleted with the user). Never the follower
    /// (CHECK).
    #[sea_orm(primary_key, auto_increment = false)]
    pub followee_id: Uuid,
    /// When the follow started, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// The user who follows, through `follower_id`.
    #[sea_orm(
        belongs_to,
        relation_enum = "Follower",
        from = "follower_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub follower: BelongsTo<super::users::Entity>,
    /// The user who is followed, through `followee_id`.
    #[sea_orm(
        belongs_to,
        relation_enum = "Followee",
        from = "followee_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub followee: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
