//! The GraphQL shapes of Universe's JSON columns (metadata of entities, relations and
//! deltas).

use async_graphql::{Json, SimpleObject};

use super::enums::UniverseDeltaOp;
use entity::universe::json::{DeltaMetadata, DeltaOperation, EntityMetadata, RelationMetadata};

pub(super) fn json_map(m: &serde_json::Map<String, serde_json::Value>) -> Json<serde_json::Value> {
    Json(serde_json::Value::Object(m.clone()))
}

/// The descriptive part of an entity (`entity.metadata`).
#[derive(SimpleObject)]
pub struct UniverseEntityMetadata {
    /// Human-readable name.
    pub name: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Tags (see `universeEntitiesByTag`).
    pub tags: Vec<String>,
    /// Any further attributes (a JSON object).
    pub properties: Json<serde_json::Value>,
}

impl From<&EntityMetadata> for UniverseEntityMetadata {
    fn from(m: &EntityMetadata) -> Self {
        Self {
            name: m.name.clone(),
            description: m.description.clone(),
            tags: m.tags.clone(),
            properties: json_map(&m.properties),
        }
    }
}

/// The descriptive part of a relation (`relation.metadata`).
#[derive(SimpleObject)]
pub struct UniverseRelationMetadata {
    /// Strength of the edge, if it has one.
    pub weight: Option<f64>,
    /// Human-readable label.
    pub label: Option<String>,
    /// Any further attributes (a JSON object).
    pub properties: Json<serde_json::Value>,
}

impl From<&RelationMetadata> for UniverseRelationMetadata {
    fn from(m: &RelationMetadata) -> Self {
        Self {
            weight: m.weight,
            label: m.label.clone(),
            properties: json_map(&m.properties),
        }
    }
}

/// One change of a state transition.
#[derive(SimpleObject)]
pub struct UniverseDeltaOperation {
    /// Create, update or delete.
    pub op: UniverseDeltaOp,
    /// The entity or relation id (or config key) changed.
    pub target: String,
    /// Where inside the target the change applies (e.g. `metadata.tags`); null for the
    /// whole target.
    pub path: Option<String>,
    /// The value after the change (null for deletes).
    pub value: Option<Json<serde_json::Value>>,
    /// The value before the change (null for creates).
    pub previous: Option<Json<serde_json::Value>>,
}

impl From<&DeltaOperation> for UniverseDeltaOperation {
    fn from(o: &DeltaOperation) -> Self {
        Self {
            op: o.op.into(),
            target: o.target.clone(),
            path: o.path.clone(),
            value: o.value.clone().map(Json),
            previous: o.previous.clone().map(Json),
        }
    }
}

/// Who made a delta and why (`delta_record.metadata`).
#[derive(SimpleObject)]
pub struct UniverseDeltaMetadata {
    /// The author (an identity or a display name).
    pub author: Option<String>,
    /// Why the change was made.
    pub reason: Option<String>,
    /// Any further attributes (a JSON object).
    pub properties: Json<serde_json::Value>,
}

impl From<&DeltaMetadata> for UniverseDeltaMetadata {
    fn from(m: &DeltaMetadata) -> Self {
        Self {
            author: m.author.clone(),
            reason: m.reason.clone(),
            properties: json_map(&m.properties),
        }
    }
}
