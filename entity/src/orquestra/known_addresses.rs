//! `known_addresses`: labelled Solana addresses of a project (migration 003).

use sea_orm::entity::prelude::*;

/// A row of `known_addresses`: a labelled Solana address of a project (migration 003), e.g.
/// a treasury or an authority.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "known_addresses")]
pub struct Model {
    /// UUID primary key (text).
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The project's `projects.id` (cascade: deleted with the project); indexed.
    pub project_id: String,
    /// Human-readable label, e.g. "Treasury" (not unique).
    pub label: String,
    /// Solana public key (base58).
    pub address: String,
    /// Optional free-text note on what the address is.
    pub description: Option<String>,
    /// When the address was added. UTC timestamp; defaults to the insertion time (nullable,
    /// as in the seed).
    pub created_at: Option<DateTimeUtc>,
    /// When the address was last changed. UTC timestamp; defaults to the insertion time
    /// (nullable, as in the seed).
    pub updated_at: Option<DateTimeUtc>,
    /// The project this address belongs to, through `project_id`.
    #[sea_orm(belongs_to, from = "project_id", to = "id", on_delete = "Cascade")]
    pub project: BelongsTo<super::projects::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
