//! `delta_record`: the detailed changes of one state transition.

use sea_orm::entity::prelude::*;

use super::json::{DeltaMetadata, DeltaOperations};

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "delta_record")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub delta_id: String,
    /// The version these changes produced.
    pub state_version_id: String,
    /// The ordered operations (a JSON array).
    #[sea_orm(column_type = "JsonBinary")]
    pub operations: DeltaOperations,
    pub timestamp: DateTimeUtc,
    /// Author, reason and free properties.
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: DeltaMetadata,
    #[sea_orm(
        belongs_to,
        from = "state_version_id",
        to = "version_id",
        on_delete = "Cascade"
    )]
    pub state_version: BelongsTo<super::state_version::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
