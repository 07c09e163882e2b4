//! `api_keys`: hashed API keys of a project.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    pub project_id: String,
    /// The key's hash (never the plaintext). Unique.
    #[sea_orm(unique)]
    pub key: String,
    pub last_used: Option<DateTimeUtc>,
    pub created_at: Option<DateTimeUtc>,
    pub expires_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
