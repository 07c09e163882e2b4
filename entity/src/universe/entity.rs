//! `entity`: a node of the knowledge graph.

use sea_orm::entity::prelude::*;

use super::json::EntityMetadata;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "entity")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The node's kind (e.g. `person`, `concept`); indexed.
    pub entity_type: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Name, description, tags and free properties.
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: EntityMetadata,
    /// Optimistic-concurrency counter (migration 003): starts at 1, and every write
    /// compares it and bumps it.
    pub version: i64,
    /// Relations leaving this entity (`relation.from_entity`).
    #[sea_orm(has_many, relation_enum = "Outgoing", via_rel = "FromEntity")]
    pub outgoing: HasMany<super::relation::Entity>,
    /// Relations arriving at this entity (`relation.to_entity`).
    #[sea_orm(has_many, relation_enum = "Incoming", via_rel = "ToEntity")]
    pub incoming: HasMany<super::relation::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
