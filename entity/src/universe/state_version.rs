//! `state_version`: one version of the system state; versions form a history tree
//! through `parent_version_id`.

use sea_orm::entity::prelude::*;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "state_version")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub version_id: String,
    /// The version this one was derived from; `None` for a root. A version that has
    /// children cannot be deleted (history must not vanish).
    pub parent_version_id: Option<String>,
    pub timestamp: DateTimeUtc,
    pub description: String,
    /// Hash of the state's content at this version.
    pub data_hash: String,
    /// The creator's SpacetimeDB identity (hex).
    pub owner: String,
    #[sea_orm(
        self_ref,
        relation_enum = "Parent",
        relation_reverse = "Children",
        from = "parent_version_id",
        to = "version_id",
        on_delete = "NoAction"
    )]
    pub parent: BelongsTo<Option<Entity>>,
    #[sea_orm(self_ref, relation_enum = "Children", relation_reverse = "Parent")]
    pub children: HasMany<Entity>,
    /// The changes recorded for this version.
    #[sea_orm(has_many)]
    pub delta_records: HasMany<super::delta_record::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
