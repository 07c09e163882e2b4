//! `delta_record`: the detailed changes of one state transition.

use sea_orm::entity::prelude::*;

use super::json::{DeltaMetadata, DeltaOperations};

/// A row of `delta_record`: the detailed operations of one state transition.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delta_record")]
pub struct Model {
    /// Text primary key: a client-chosen key or a generated UUID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub delta_id: String,
    /// The `state_version.version_id` these changes produced (cascade: deleted with the
    /// version); indexed.
    pub state_version_id: String,
    /// The ordered operations (a JSON array).
    #[sea_orm(column_type = "JsonBinary")]
    pub operations: DeltaOperations,
    /// When the changes were recorded, UTC (defaults to now); indexed.
    pub timestamp: DateTimeUtc,
    /// Author, reason and free properties, as JSON (`DeltaMetadata`).
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: DeltaMetadata,
    /// The version these changes produced, through `state_version_id`.
    #[sea_orm(
        belongs_to,
        from = "state_version_id",
        to = "version_id",
        on_delete = "Cascade"
    )]
    pub state_version: BelongsTo<super::state_version::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
