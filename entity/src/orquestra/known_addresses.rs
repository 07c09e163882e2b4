//! `known_addresses`: labelled Solana addresses of a project (migration 003).

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "known_addresses")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    pub label: String,
    pub address: String,
    pub description: Option<String>,
    pub created_at: Option<DateTimeUtc>,
    pub updated_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
