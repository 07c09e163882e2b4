//! `relation`: a directed, typed edge between two entities of the knowledge graph.

use sea_orm::entity::prelude::*;

use super::json::RelationMetadata;

/// A row of `relation`: one directed, typed edge from one entity to another.
#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "relation")]
pub struct Model {
    /// Text primary key: a client-chosen key or a generated UUID.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The `entity.id` the edge leaves (cascade: deleted with that entity); indexed.
    pub from_entity: String,
    /// The `entity.id` the edge reaches (cascade: deleted with that entity); indexed.
    pub to_entity: String,
    /// The edge's kind (e.g. `knows`, `part_of`), free text; indexed.
    pub relation_type: String,
    /// When the edge was created, UTC (defaults to now).
    pub created_at: DateTimeUtc,
    /// Weight, label and free properties, as JSON (`RelationMetadata`).
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: RelationMetadata,
    /// The entity the edge leaves, through `from_entity`.
    #[sea_orm(
        belongs_to,
        relation_enum = "FromEntity",
        from = "from_entity",
        to = "id",
        on_delete = "Cascade"
    )]
    pub from: BelongsTo<super::entity::Entity>,
    /// The entity the edge reaches, through `to_entity`.
    #[sea_orm(
        belongs_to,
        relation_enum = "ToEntity",
        from = "to_entity",
        to = "id",
        on_delete = "Cascade"
    )]
    pub to: BelongsTo<super::entity::Entity>,
}

impl ActiveModelBehavior for ActiveModel {}
