//! `relation`: a directed, typed edge between two entities of the knowledge graph.

use sea_orm::entity::prelude::*;

use super::json::RelationMetadata;

#[sea_orm::model]
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "relation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The entity the edge leaves.
    pub from_entity: String,
    /// The entity the edge reaches.
    pub to_entity: String,
    /// The edge's kind (e.g. `knows`, `part_of`); indexed.
    pub relation_type: String,
    pub created_at: DateTimeUtc,
    /// Weight, label and free properties.
    #[sea_orm(column_type = "JsonBinary")]
    pub metadata: RelationMetadata,
    #[sea_orm(
        belongs_to,
        relation_enum = "FromEntity",
        from = "from_entity",
        to = "id",
        on_delete = "Cascade"
    )]
    pub from: BelongsTo<super::entity::Entity>,
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
