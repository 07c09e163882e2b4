//! `follows`: one-way subscriptions of a user to another user's public activity.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "follows")]
pub struct Model {
    /// The user who follows.
    #[sea_orm(primary_key, auto_increment = false)]
    pub follower_id: Uuid,
    /// The user who is followed. Never the follower.
    #[sea_orm(primary_key, auto_increment = false)]
    pub followee_id: Uuid,
    pub created_at: DateTimeUtc,
    #[sea_orm(
        belongs_to,
        relation_enum = "Follower",
        from = "follower_id",
        to = "id",
        on_delete = "Cascade"
    )]
    pub follower: BelongsTo<super::users::Entity>,
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
