//! Typed JSON documents stored in Inner Universe's `jsonb` columns: entity and relation
//! metadata, the operations of a delta record and its metadata.
//!
//! Every struct tolerates missing fields (`#[serde(default)]`), so older or partial
//! documents still load; `properties` holds whatever the seed leaves open.

use sea_orm::FromJsonQueryResult;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `entity.metadata`: the descriptive part of a knowledge-graph node.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(default)]
pub struct EntityMetadata {
    /// Human-readable name.
    pub name: Option<String>,
    /// Free-text description.
    pub description: Option<String>,
    /// Tags; the seed looks entities up by tag (`ARRAY_CONTAINS(metadata.tags, ?)`).
    pub tags: Vec<String>,
    /// Any further attributes.
    pub properties: Map<String, Value>,
}

/// `relation.metadata`: the descriptive part of a knowledge-graph edge.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(default)]
pub struct RelationMetadata {
    /// Strength of the edge, if it has one.
    pub weight: Option<f64>,
    /// Human-readable label.
    pub label: Option<String>,
    /// Any further attributes.
    pub properties: Map<String, Value>,
}

/// What a [`DeltaOperation`] does to its target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DeltaOp {
    /// The target came into being.
    Create,
    /// The target (or the value at `path` inside it) changed.
    Update,
    /// The target went away.
    Delete,
}

/// One change of a state transition.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaOperation {
    /// Create, update or delete.
    pub op: DeltaOp,
    /// The entity or relation id (or config key) changed.
    pub target: String,
    /// Where inside the target the change applies (e.g. `metadata.tags`); `None` for the
    /// whole target.
    #[serde(default)]
    pub path: Option<String>,
    /// The value after the change (`None` for deletes). A JSON `null` reads back as
    /// `None`.
    #[serde(default)]
    pub value: Option<Value>,
    /// The value before the change (`None` for creates), so a delta can be reverted.
    #[serde(default)]
    pub previous: Option<Value>,
}

/// `delta_record.operations`: the ordered changes of one delta, stored as a JSON array.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(transparent)]
pub struct DeltaOperations(pub Vec<DeltaOperation>);

/// `delta_record.metadata`: who made a delta and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, FromJsonQueryResult)]
#[serde(default)]
pub struct DeltaMetadata {
    /// The author (an identity or a display name).
    pub author: Option<String>,
    /// Why the change was made.
    pub reason: Option<String>,
    /// Any further attributes.
    pub properties: Map<String, Value>,
}
