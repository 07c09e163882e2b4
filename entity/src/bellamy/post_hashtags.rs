//! `post_hashtags`: which hashtags a post carries.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "post_hashtags")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub post_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub hashtag_id: Uuid,
    #[sea_orm(belongs_to, from = "post_id", to = "id", on_delete = "Cascade")]
    pub post: BelongsTo<super::posts::Entity>,
    #[sea_orm(belongs_to, from = "hashtag_id", to = "id", on_delete = "Cascade")]
    pub hashtag: BelongsTo<super::hashtags::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
