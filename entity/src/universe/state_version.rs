//! `state_version`: one version of the system state; versions form a history tree
//! through `parent_version_id`.

use sea_orm::entity::prelude::*;

/// A row of `state_version`: one version of the system state, a node of the version history
/// tree.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "state_version")]
pub struct Model {
    /// Text primary key: a client-chosen key or a generated UUID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub version_id: String,
    /// The `version_id` this version was derived from (indexed); `None` for a root. A
    /// version that has children cannot be deleted (no cascade: history must not vanish).
    pub parent_version_id: Option<String>,
    /// When the version was recorded, UTC (defaults to now); indexed.
    pub timestamp: DateTimeUtc,
    /// Free-text description of what the version changed.
    pub description: String,
    /// Hash of the state's content at this version.
    pub data_hash: String,
    /// The creator's SpacetimeDB identity (hex); indexed.
    pub owner: String,
    /// The version this one was derived from, through `parent_version_id`; `None` for a
    /// root.
    #[sea_orm(
        self_ref,
        relation_enum = "Parent",
        relation_reverse = "Children",
        from = "parent_version_id",
        to = "version_id",
        on_delete = "NoAction"
    )]
    pub parent: BelongsTo<Option<Entity>>,
    /// The versions derived from this one (their `parent_version_id` is this `version_id`).
    #[sea_orm(self_ref, relation_enum = "Children", relation_reverse = "Parent")]
    pub children: HasMany<Entity>,
    /// The changes recorded for this version (`delta_record.state_version_id`); deleted
    /// with it.
    #[sea_orm(has_many)]
    pub delta_records: HasMany<super::delta_record::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
