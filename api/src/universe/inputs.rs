//! Universe's mutation inputs and their parsing into the service's validated types.
//! Parsing runs before any SQL; a refused value is `BAD_USER_INPUT` with `field` set to
//! its input path as the client spelled it (`input.metadata.tags[2]`).

use async_graphql::{ID, InputObject, Json, MaybeUndefined};
use entity::universe::json::{
    DeltaMetadata, DeltaOp, DeltaOperation, DeltaOperations, EntityMetadata, RelationMetadata,
};
use serde_json::{Map, Value};

use super::service::config::{self as config_rules, ConfigSet};
use super::service::entities::{EntityUpdate, MetadataPatch, NewEntity, NewRelation, Patch};
use super::service::values::{self, DataHash, Key, MAX_CONFIG_KEY, MAX_ID, MAX_TYPE};
use super::service::versions::{self, NewDelta, NewVersion};
use super::types::{UniverseConnectionStatus, UniverseDeltaOp, UniverseSubscriptionStatus};
use crate::error::{ApiError, ApiResult};
use crate::validate::{Name, Text};

/// Longest entity name.
pub const MAX_NAME: usize = 200;
/// Longest entity or delta description / reason.
pub const MAX_TEXT: usize = 4000;
/// Longest relation label or delta author.
pub const MAX_LABEL: usize = 200;
/// Longest delta operation path.
pub const MAX_PATH: usize = 256;
/// Largest serialised operations of one delta.
pub const MAX_OPERATIONS_BYTES: usize = 512 * 1024;

fn id_or_generated(field: &str, raw: Option<ID>) -> ApiResult<Key> {
    match raw {
        Some(id) => Key::parse(field, &id, MAX_ID),
        None => Ok(Key::generate()),
    }
}

fn properties(field: &str, raw: Option<Json<Value>>) -> ApiResult<Map<String, Value>> {
    match raw {
        Some(Json(v)) => values::properties(field, v),
        None => Ok(Map::new()),
    }
}

fn name(field: &str, raw: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    raw.map(|r| Name::parse(field, r, max).map(Name::into_inner))
        .transpose()
}

fn text(field: &str, raw: Option<&str>, max: usize) -> ApiResult<Option<String>> {
    raw.map(|r| Text::parse(field, r, max).map(Text::into_inner))
        .transpose()
}

fn patch<T, U>(
    raw: MaybeUndefined<T>,
    parse: impl FnOnce(T) -> ApiResult<U>,
) -> ApiResult<Patch<U>> {
    Ok(match raw {
        MaybeUndefined::Undefined => Patch::Keep,
        MaybeUndefined::Null => Patch::Clear,
        MaybeUndefined::Value(v) => Patch::Set(parse(v)?),
    })
}

// ---------------------------------------------------------------------------- entities

/// The descriptive part of a new entity.
#[derive(InputObject, Default)]
pub struct UniverseEntityMetadataInput {
    /// Human-readable name (at most 200 characters, one line).
    pub name: Option<String>,
    /// Free-text description (at most 4000 characters).
    pub description: Option<String>,
    /// Tags (at most 32, each at most 64 characters; repeats are dropped).
    #[graphql(default)]
    pub tags: Vec<String>,
    /// Further attributes: a JSON object (at most 16 KiB).
    pub properties: Option<Json<Value>>,
}

impl UniverseEntityMetadataInput {
    fn parse(self, at: &str) -> ApiResult<EntityMetadata> {
        Ok(EntityMetadata {
            name: name(&format!("{at}.name"), self.name.as_deref(), MAX_NAME)?,
            description: text(
                &format!("{at}.description"),
                self.description.as_deref(),
                MAX_TEXT,
            )?,
            tags: values::tags(&format!("{at}.tags"), &self.tags)?,
            properties: properties(&format!("{at}.properties"), self.properties)?,
        })
    }
}

/// Changes to an entity's metadata: a field left out is kept, a field given as null is
/// cleared, a field given is replaced (`tags` and `properties` as a whole).
#[derive(InputObject, Default)]
pub struct UniverseEntityMetadataPatchInput {
    /// The new name (null removes it).
    pub name: MaybeUndefined<String>,
    /// The new description (null removes it).
    pub description: MaybeUndefined<String>,
    /// The new tags (null removes them all).
    pub tags: MaybeUndefined<Vec<String>>,
    /// The new properties object (null empties it).
    pub properties: MaybeUndefined<Json<Value>>,
}

impl UniverseEntityMetadataPatchInput {
    fn parse(self, at: &str) -> ApiResult<MetadataPatch> {
        let name_field = format!("{at}.name");
        let description_field = format!("{at}.description");
        let tags_field = format!("{at}.tags");
        let properties_field = format!("{at}.properties");
        Ok(MetadataPatch {
            name: patch(self.name, |v| {
                Name::parse(&name_field, &v, MAX_NAME).map(Name::into_inner)
            })?,
            description: patch(self.description, |v| {
                Text::parse(&description_field, &v, MAX_TEXT).map(Text::into_inner)
            })?,
            tags: match self.tags {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(Vec::new()),
                MaybeUndefined::Value(v) => Some(values::tags(&tags_field, &v)?),
            },
            properties: match self.properties {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(Map::new()),
                MaybeUndefined::Value(Json(v)) => Some(values::properties(&properties_field, v)?),
            },
        })
    }
}

/// A new knowledge-graph entity.
#[derive(InputObject)]
pub struct UniverseCreateEntityInput {
    /// The entity's id (1 to 128 ASCII letters, digits, `.`, `_`, `:`, `-`); a UUID is
    /// generated when omitted.
    pub id: Option<ID>,
    /// The entity's kind, e.g. `person` (1 to 64 of the same characters).
    pub entity_type: String,
    /// Name, description, tags and properties.
    pub metadata: Option<UniverseEntityMetadataInput>,
}

impl UniverseCreateEntityInput {
    /// Validates the input.
    pub fn parse(self) -> ApiResult<NewEntity> {
        Ok(NewEntity {
            id: id_or_generated("input.id", self.id)?,
            entity_type: Key::parse("input.entityType", &self.entity_type, MAX_TYPE)?,
            metadata: self.metadata.unwrap_or_default().parse("input.metadata")?,
        })
    }
}

/// Changes to an entity, made from the version the caller read.
#[derive(InputObject)]
pub struct UniverseUpdateEntityInput {
    /// The entity's id.
    pub id: ID,
    /// The `version` the caller read; a write on a newer version is refused with
    /// `CONFLICT`.
    pub expected_version: i32,
    /// A new kind (omit to keep).
    pub entity_type: Option<String>,
    /// Metadata changes (omit to keep all).
    pub metadata: Option<UniverseEntityMetadataPatchInput>,
}

impl UniverseUpdateEntityInput {
    /// Validates the input; an update that changes nothing is refused.
    pub fn parse(self) -> ApiResult<EntityUpdate> {
        let id = Key::parse("input.id", &self.id, MAX_ID)?;
        let expected_version =
            values::expected_version("input.expectedVersion", self.expected_version.into())?;
        let entity_type = self
            .entity_type
            .map(|t| Key::parse("input.entityType", &t, MAX_TYPE))
            .transpose()?;
        let metadata = self.metadata.unwrap_or_default().parse("input.metadata")?;
        if entity_type.is_none() && metadata.is_empty() {
            return Err(ApiError::bad_input(
                "input",
                "give `entityType` or `metadata` fields to change",
            ));
        }
        Ok(EntityUpdate {
            id,
            expected_version,
            entity_type,
            metadata,
        })
    }
}

/// An entity to delete, as of the version the caller read.
#[derive(InputObject)]
pub struct UniverseDeleteEntityInput {
    /// The entity's id.
    pub id: ID,
    /// The `version` the caller read; a newer entity is not deleted (`CONFLICT`).
    pub expected_version: i32,
}

impl UniverseDeleteEntityInput {
    /// Validates the input.
    pub fn parse(self) -> ApiResult<(Key, i64)> {
        Ok((
            Key::parse("input.id", &self.id, MAX_ID)?,
            values::expected_version("input.expectedVersion", self.expected_version.into())?,
        ))
    }
}

// --------------------------------------------------------------------------- relations

/// The descriptive part of a new relation.
#[derive(InputObject, Default)]
pub struct UniverseRelationMetadataInput {
    /// Strength of the edge (a finite number).
    pub weight: Option<f64>,
    /// Human-readable label (at most 200 characters, one line).
    pub label: Option<String>,
    /// Further attributes: a JSON object (at most 16 KiB).
    pub properties: Option<Json<Value>>,
}

impl UniverseRelationMetadataInput {
    fn parse(self, at: &str) -> ApiResult<RelationMetadata> {
        if self.weight.is_some_and(|w| !w.is_finite()) {
            return Err(ApiError::bad_input(
                format!("{at}.weight"),
                "the weight must be a finite number",
            ));
        }
        Ok(RelationMetadata {
            weight: self.weight,
            label: name(&format!("{at}.label"), self.label.as_deref(), MAX_LABEL)?,
            properties: properties(&format!("{at}.properties"), self.properties)?,
        })
    }
}

/// A new relation between two existing entities.
#[derive(InputObject)]
pub struct UniverseCreateRelationInput {
    /// The relation's id (as an entity id); a UUID is generated when omitted.
    pub id: Option<ID>,
    /// The entity the relation leaves (must exist).
    pub from_entity: ID,
    /// The entity the relation reaches (must exist; may be `fromEntity` itself).
    pub to_entity: ID,
    /// The relation's kind, e.g. `knows` (as an entity type).
    pub relation_type: String,
    /// Weight, label and properties.
    pub metadata: Option<UniverseRelationMetadataInput>,
}

impl UniverseCreateRelationInput {
    /// Validates the input.
    pub fn parse(self) -> ApiResult<NewRelation> {
        Ok(NewRelation {
            id: id_or_generated("input.id", self.id)?,
            from_entity: Key::parse("input.fromEntity", &self.from_entity, MAX_ID)?,
            to_entity: Key::parse("input.toEntity", &self.to_entity, MAX_ID)?,
            relation_type: Key::parse("input.relationType", &self.relation_type, MAX_TYPE)?,
            metadata: self.metadata.unwrap_or_default().parse("input.metadata")?,
        })
    }
}

// ---------------------------------------------------------------------------- versions

/// One change of a delta record.
#[derive(InputObject)]
pub struct UniverseDeltaOperationInput {
    /// Create, update or delete.
    pub op: UniverseDeltaOp,
    /// The entity or relation id (or config key) changed.
    pub target: String,
    /// Where inside the target the change applies (e.g. `metadata.tags`); omit for the
    /// whole target.
    pub path: Option<String>,
    /// The value after the change: required for `CREATE`, absent for `DELETE`.
    pub value: Option<Json<Value>>,
    /// The value before the change: absent for `CREATE`.
    pub previous: Option<Json<Value>>,
}

impl UniverseDeltaOperationInput {
    fn parse(self, at: &str) -> ApiResult<DeltaOperation> {
        let op: DeltaOp = self.op.into();
        let target = Key::parse(&format!("{at}.target"), &self.target, MAX_ID)?.into_inner();
        let path = name(&format!("{at}.path"), self.path.as_deref(), MAX_PATH)?;
        let value = self.value.map(|Json(v)| v);
        let previous = self.previous.map(|Json(v)| v);
        match op {
            DeltaOp::Create if value.is_none() => {
                return Err(ApiError::bad_input(
                    format!("{at}.value"),
                    "a CREATE operation needs the value it creates",
                ));
            }
            DeltaOp::Create if previous.is_some() => {
                return Err(ApiError::bad_input(
                    format!("{at}.previous"),
                    "a CREATE operation has no previous value",
                ));
            }
            DeltaOp::Delete if value.is_some() => {
                return Err(ApiError::bad_input(
                    format!("{at}.value"),
                    "a DELETE operation has no value after it",
                ));
            }
            _ => {}
        }
        Ok(DeltaOperation {
            op,
            target,
            path,
            value,
            previous,
        })
    }
}

/// Who made a delta and why.
#[derive(InputObject, Default)]
pub struct UniverseDeltaMetadataInput {
    /// The author (an identity or a display name, at most 200 characters); defaults to
    /// the committing identity.
    pub author: Option<String>,
    /// Why the change was made (at most 4000 characters).
    pub reason: Option<String>,
    /// Further attributes: a JSON object (at most 16 KiB).
    pub properties: Option<Json<Value>>,
}

impl UniverseDeltaMetadataInput {
    fn parse(self, at: &str) -> ApiResult<DeltaMetadata> {
        Ok(DeltaMetadata {
            author: name(&format!("{at}.author"), self.author.as_deref(), MAX_LABEL)?,
            reason: text(&format!("{at}.reason"), self.reason.as_deref(), MAX_TEXT)?,
            properties: properties(&format!("{at}.properties"), self.properties)?,
        })
    }
}

/// One delta record of a commit: the ordered operations leading to the version.
#[derive(InputObject)]
pub struct UniverseDeltaInput {
    /// The delta's id (as an entity id); a UUID is generated when omitted.
    pub delta_id: Option<ID>,
    /// The operations, in order (1 to 1000; at most 512 KiB of JSON).
    pub operations: Vec<UniverseDeltaOperationInput>,
    /// Author, reason and properties.
    pub metadata: Option<UniverseDeltaMetadataInput>,
}

impl UniverseDeltaInput {
    fn parse(self, at: &str) -> ApiResult<NewDelta> {
        let id = id_or_generated(&format!("{at}.deltaId"), self.delta_id)?;
        let ops_field = format!("{at}.operations");
        if self.operations.is_empty() || self.operations.len() > versions::MAX_OPERATIONS {
            return Err(ApiError::bad_input(
                ops_field,
                format!("a delta holds 1 to {} operations", versions::MAX_OPERATIONS),
            ));
        }
        let operations = self
            .operations
            .into_iter()
            .enumerate()
            .map(|(i, op)| op.parse(&format!("{ops_field}[{i}]")))
            .collect::<ApiResult<Vec<_>>>()?;
        let size = serde_json::to_vec(&operations)
            .map(|v| v.len())
            .unwrap_or(usize::MAX);
        if size > MAX_OPERATIONS_BYTES {
            return Err(ApiError::bad_input(
                ops_field,
                format!(
                    "a delta's operations may hold at most {MAX_OPERATIONS_BYTES} bytes of JSON"
                ),
            ));
        }
        Ok(NewDelta {
            id,
            operations: DeltaOperations(operations),
            metadata: self
                .metadata
                .unwrap_or_default()
                .parse(&format!("{at}.metadata"))?,
        })
    }
}

/// A new state version with the delta records that produced it.
#[derive(InputObject)]
pub struct UniverseCommitStateVersionInput {
    /// The version's id (as an entity id); a UUID is generated when omitted.
    pub version_id: Option<ID>,
    /// The version this one derives from (must exist); omit for a root version.
    pub parent_version_id: Option<ID>,
    /// What the version is (1 to 2000 characters).
    pub description: String,
    /// Hash of the state at this version: `<algorithm>:<hex digest>`, e.g. `sha256:`
    /// and 64 hex digits.
    pub data_hash: String,
    /// The delta records, in order (at most 100; ids unique).
    #[graphql(default)]
    pub deltas: Vec<UniverseDeltaInput>,
}

impl UniverseCommitStateVersionInput {
    /// Validates the input.
    pub fn parse(self) -> ApiResult<NewVersion> {
        let id = id_or_generated("input.versionId", self.version_id)?;
        let parent = self
            .parent_version_id
            .map(|p| Key::parse("input.parentVersionId", &p, MAX_ID))
            .transpose()?;
        let description = Text::parse_non_empty(
            "input.description",
            &self.description,
            versions::MAX_DESCRIPTION,
        )?;
        let data_hash = DataHash::parse("input.dataHash", &self.data_hash)?;
        if self.deltas.len() > versions::MAX_DELTAS {
            return Err(ApiError::bad_input(
                "input.deltas",
                format!("a commit holds at most {} deltas", versions::MAX_DELTAS),
            ));
        }
        let mut deltas: Vec<NewDelta> = Vec::with_capacity(self.deltas.len());
        for (i, d) in self.deltas.into_iter().enumerate() {
            let at = format!("input.deltas[{i}]");
            let delta = d.parse(&at)?;
            if deltas.iter().any(|seen| seen.id == delta.id) {
                return Err(ApiError::bad_input(
                    format!("{at}.deltaId"),
                    format!("delta id {} is given twice", delta.id),
                ));
            }
            deltas.push(delta);
        }
        Ok(NewVersion {
            id,
            parent,
            description,
            data_hash,
            deltas,
        })
    }
}

// ------------------------------------------------------------------------------ config

/// A configuration parameter's new value.
#[derive(InputObject)]
pub struct UniverseSetConfigInput {
    /// The parameter's key (1 to 128 ASCII letters, digits, `.`, `_`, `:`, `-`).
    pub key: String,
    /// The new value (at most 4096 characters).
    pub value: String,
    /// What the parameter does (at most 1000 characters); omit to keep the current
    /// one, null to remove it.
    pub description: MaybeUndefined<String>,
}

impl UniverseSetConfigInput {
    /// Validates the input.
    pub fn parse(self) -> ApiResult<ConfigSet> {
        Ok(ConfigSet {
            key: Key::parse("input.key", &self.key, MAX_CONFIG_KEY)?,
            value: Text::parse("input.value", &self.value, config_rules::MAX_VALUE)?,
            description: patch(self.description, |d| {
                Text::parse("input.description", &d, config_rules::MAX_DESCRIPTION)
            })?,
        })
    }
}

// ---------------------------------------------------------------------------- sessions

/// The status the caller's connection moves to.
#[derive(InputObject)]
pub struct UniverseSetConnectionStatusInput {
    /// The new status (see `universeSetConnectionStatus` for the allowed transitions).
    pub status: UniverseConnectionStatus,
}

/// A new subscription of the caller's to data changes.
#[derive(InputObject)]
pub struct UniverseCreateSubscriptionInput {
    /// The subscription's query (1 to 4096 characters), e.g.
    /// `SELECT * FROM entity WHERE entity_type = 'note'`.
    pub query: String,
}

/// The status one of the caller's subscriptions moves to.
#[derive(InputObject)]
pub struct UniverseSetSubscriptionStatusInput {
    /// The subscription's id.
    pub subscription_id: ID,
    /// The new status (see `universeSetSubscriptionStatus` for the allowed
    /// transitions).
    pub status: UniverseSubscriptionStatus,
}

impl UniverseSetSubscriptionStatusInput {
    /// Validates the subscription id.
    pub fn subscription_id(&self) -> ApiResult<Key> {
        Key::parse("input.subscriptionId", &self.subscription_id, MAX_ID)
    }
}
