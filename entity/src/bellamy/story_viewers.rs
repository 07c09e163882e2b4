//! `story_viewers`: who viewed a story, and when (one row per story and viewer).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "story_viewers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub story_id: Uuid,
    /// The viewer.
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub viewed_at: DateTimeUtc,
    #[sea_orm(belongs_to, from = "story_id", to = "id", on_delete = "Cascade")]
    pub story: BelongsTo<super::stories::Entity>,
    #[sea_orm(belongs_to, from = "user_id", to = "id", on_delete = "Cascade")]
    pub user: BelongsTo<super::users::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
