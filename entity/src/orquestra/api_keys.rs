//! `api_keys`: hashed API keys of a project.

use sea_orm::entity::prelude::*;

/// A row of `api_keys`: one key for programmatic access to a project.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_keys")]
pub struct Model {
    /// UUID primary key (text).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The project's `projects.id` (cascade: deleted with the project); indexed.
    pub project_id: String,
    /// The key's hash (never the plaintext). Unique.
    #[sea_orm(unique)]
    pub key: String,
    /// When the key last authenticated a request, UTC; `None` if never used.
    pub last_used: Option<DateTimeUtc>,
    /// When the key was issued. UTC timestamp; defaults to the insertion time (nullable, as
    /// in the seed).
    pub created_at: Option<DateTimeUtc>,
    /// When the key stops working, UTC; `None` for a key that never expires.
    pub expires_at: Option<DateTimeUtc>,
    /// The project this key grants access to, through `project_id`.
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
