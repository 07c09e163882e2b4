//! `entity`: a node of the knowledge graph.

use sea_orm::entity::prelude::*;

use super::json::EntityMetadata;

/// A row of `entity`: one node of the knowledge graph.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "entity")]
pub struct Model {
    /// Text primary key: a client-chosen key or a generated UUID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The node's kind (e.g. `person`, `concept`), free text; indexed (`entity_type_idx`).
    pub entity_type: String,
    /// When the entity was created, UTC (defaults to now); indexed (`entity_created_idx`).
    pub created_at: DateTimeUtc,
    /// When the entity was last changed, UTC (defaults to now).
    pub updated_at: DateTimeUtc,
    /// Name, description, tags and free properties, as JSON (`EntityMetadata`).
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
