//! `idl_versions`: the version history of a project's IDL.

use sea_orm::entity::prelude::*;

/// A row of `idl_versions`: one uploaded version of a project's Anchor IDL.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "idl_versions")]
pub struct Model {
    /// UUID primary key (text).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The project's `projects.id` (cascade: deleted with the project); with `version`,
    /// unique (migration 004).
    #[sea_orm(unique_key = "project_version")]
    pub project_id: String,
    /// The full IDL JSON document, as uploaded.
    #[sea_orm(column_type = "Text")]
    pub idl_json: String,
    /// Generated CPI documentation (Markdown).
    #[sea_orm(column_type = "Text", nullable)]
    pub cpi_md: Option<String>,
    /// Version number, 1, 2, 3, ... per project, gap-free; `(project_id, version)` is
    /// unique (migration 004).
    #[sea_orm(unique_key = "project_version")]
    pub version: i32,
    /// When the version was uploaded; indexed. UTC timestamp; defaults to the insertion
    /// time (nullable, as in the seed).
    pub created_at: Option<DateTimeUtc>,
    /// The project this version belongs to, through `project_id`.
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
