//! `idl_versions`: the version history of a project's IDL.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idl_versions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    #[sea_orm(unique_key = "project_version")]
    pub project_id: String,
    /// The full IDL JSON document, as uploaded.
    #[sea_orm(column_type = "Text")]
    pub idl_json: String,
    /// Generated CPI documentation (Markdown).
    #[sea_orm(column_type = "Text", nullable)]
    pub cpi_md: Option<String>,
    /// 1, 2, 3, ... per project (unique per project).
    #[sea_orm(unique_key = "project_version")]
    pub version: i32,
    pub created_at: Option<DateTimeUtc>,
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
