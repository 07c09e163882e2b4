//! The knowledge graph's writes: entities with optimistic concurrency, relations only
//! between existing entities.
//!
//! Optimistic concurrency: an entity starts at `version` 1 and every update bumps it.
//! An update or delete names the version the caller read; if the entity has moved on
//! since, the write is refused with `CONFLICT` (read it again, reapply, retry). The
//! check runs on the row locked for update and the write itself is a compare-and-swap
//! (`... WHERE version = <read>`), so of N concurrent writes made from one read exactly
//! one succeeds on either backend.
//!
//! Deleting an entity deletes its relations (both directions) in the same transaction,
//! each with its own `relation.deleted` event before the `entity.deleted` one, so
//! replaying the log never meets a relation to a missing entity. Creating a relation
//! takes a shared lock on both ends, so it cannot interleave with their deletion.

use entity::universe::json::{EntityMetadata, RelationMetadata};
use entity::universe::{entity as node, relation};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, DbErr, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::{Map, Value, json};

use super::events::{self, Events, Written};
use super::values::Key;
use crate::error::{ApiError, ApiResult};
use crate::universe::access::require_live;
use crate::write::Store;

/// How an update treats one optional value.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Patch<T> {
    /// Leave it as it is (the field was not given).
    #[default]
    Keep,
    /// Remove it (the field was given as null).
    Clear,
    /// Replace it.
    Set(T),
}

impl<T: Clone> Patch<T> {
    fn apply(&self, current: &Option<T>) -> Option<T> {
        match self {
            Patch::Keep => current.clone(),
            Patch::Clear => None,
            Patch::Set(v) => Some(v.clone()),
        }
    }
}

/// A partial update of entity metadata ("update specific metadata fields without
/// replacing the entire object", as the seed puts it).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MetadataPatch {
    /// The name.
    pub name: Patch<String>,
    /// The description.
    pub description: Patch<String>,
    /// The tags, replaced as a whole when given.
    pub tags: Option<Vec<String>>,
    /// The properties object, replaced as a whole when given.
    pub properties: Option<Map<String, Value>>,
}

impl MetadataPatch {
    /// Whether the patch changes nothing at all.
    pub fn is_empty(&self) -> bool {
        self.name == Patch::Keep
            && self.description == Patch::Keep
            && self.tags.is_none()
            && self.properties.is_none()
    }

    /// `current` with the patch applied.
    pub fn apply(&self, current: &EntityMetadata) -> EntityMetadata {
        EntityMetadata {
            name: self.name.apply(&current.name),
            description: self.description.apply(&current.description),
            tags: self.tags.clone().unwrap_or_else(|| current.tags.clone()),
            properties: self
                .properties
                .clone()
                .unwrap_or_else(|| current.properties.clone()),
        }
    }
}

/// A validated new entity.
#[derive(Clone, Debug)]
pub struct NewEntity {
    /// Its id (given, or generated).
    pub id: Key,
    /// Its kind.
    pub entity_type: Key,
    /// Its metadata.
    pub metadata: EntityMetadata,
}

/// A validated entity update.
#[derive(Clone, Debug)]
pub struct EntityUpdate {
    /// The entity.
    pub id: Key,
    /// The version the caller read.
    pub expected_version: i64,
    /// A new kind, if given.
    pub entity_type: Option<Key>,
    /// Metadata changes.
    pub metadata: MetadataPatch,
}

/// A validated new relation.
#[derive(Clone, Debug)]
pub struct NewRelation {
    /// Its id (given, or generated).
    pub id: Key,
    /// The entity it leaves.
    pub from_entity: Key,
    /// The entity it reaches.
    pub to_entity: Key,
    /// Its kind.
    pub relation_type: Key,
    /// Its metadata.
    pub metadata: RelationMetadata,
}

/// What deleting an entity removed.
#[derive(Clone, Debug)]
pub struct EntityDeleted {
    /// The entity's id.
    pub id: String,
    /// The ids of the relations deleted with it, in id order.
    pub relation_ids: Vec<String>,
}

fn entity_state(m: &node::Model) -> Value {
    json!({ "entity_type": m.entity_type, "metadata": m.metadata })
}

fn relation_data(r: &relation::Model) -> Value {
    json!({
        "relation_id": r.id,
        "from_entity": r.from_entity,
        "to_entity": r.to_entity,
        "relation_type": r.relation_type,
        "metadata": r.metadata,
    })
}

fn stale(id: &str, current: i64, expected: i64) -> ApiError {
    ApiError::Conflict(format!(
        "entity {id} is at version {current}, not {expected}: read it again and retry"
    ))
}

/// The entity `id`, locked for update; `NOT_FOUND` if there is none, `CONFLICT` unless
/// it is at `expected` version.
async fn lock_at_version<C: sea_orm::ConnectionTrait>(
    txn: &C,
    id: &Key,
    expected: i64,
) -> ApiResult<node::Model> {
    let current = node::Entity::find_by_id(id.as_str().to_owned())
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("entity {id}")))?;
    if current.version != expected {
        return Err(stale(id.as_str(), current.version, expected));
    }
    Ok(current)
}

/// Creates an entity at version 1: `CONFLICT` if the id is taken.
pub async fn create_entity(
    store: &Store,
    actor: &str,
    input: NewEntity,
) -> ApiResult<Written<node::Model>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let taken = node::Entity::find_by_id(input.id.as_str().to_owned())
                    .one(txn)
                    .await?;
                if taken.is_some() {
                    return Err(ApiError::Conflict(format!(
                        "entity {} already exists",
                        input.id
                    )));
                }
                let model = node::Model {
                    id: input.id.into_inner(),
                    entity_type: input.entity_type.into_inner(),
                    created_at: now,
                    updated_at: now,
                    metadata: input.metadata,
                    version: 1,
                };
                model.clone().into_active_model().insert(txn).await?;
                let mut log = Events::new(&clock, &actor, now);
                log.push(
                    events::ENTITY_CREATED,
                    json!({
                        "entity_id": model.id,
                        "entity_type": model.entity_type,
                        "version": model.version,
                        "metadata": model.metadata,
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written {
                    value: model,
                    events,
                })
            })
        })
        .await
}

/// Updates an entity read at `expected_version`: `NOT_FOUND` if it is gone, `CONFLICT`
/// if it moved on; on success its version is one more.
pub async fn update_entity(
    store: &Store,
    actor: &str,
    input: EntityUpdate,
) -> ApiResult<Written<node::Model>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let expected = input.expected_version;
                let current = lock_at_version(txn, &input.id, expected).await?;
                let mut next = current.clone();
                if let Some(t) = &input.entity_type {
                    next.entity_type = t.as_str().to_owned();
                }
                next.metadata = input.metadata.apply(&current.metadata);
                next.version = current.version + 1;
                next.updated_at = now;
                // Compare-and-swap: the lock already serialises, the condition is the
                // last line of defence.
                let swapped = node::Entity::update(next.clone().into_active_model().reset_all())
                    .validate()?
                    .filter(node::Column::Version.eq(expected))
                    .exec_without_returning(txn)
                    .await;
                match swapped {
                    Ok(_) => {}
                    Err(DbErr::RecordNotUpdated) => {
                        return Err(stale(&current.id, current.version, expected));
                    }
                    Err(e) => return Err(e.into()),
                }
                let mut log = Events::new(&clock, &actor, now);
                log.push(
                    events::ENTITY_UPDATED,
                    json!({
                        "entity_id": next.id,
                        "version": next.version,
                        "previous_version": current.version,
                        "before": entity_state(&current),
                        "after": entity_state(&next),
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written {
                    value: next,
                    events,
                })
            })
        })
        .await
}

/// Deletes an entity read at `expected_version`, with its relations: `NOT_FOUND` if it
/// is gone, `CONFLICT` if it moved on.
pub async fn delete_entity(
    store: &Store,
    actor: &str,
    id: Key,
    expected_version: i64,
) -> ApiResult<Written<EntityDeleted>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let current = lock_at_version(txn, &id, expected_version).await?;
                let relations = relation::Entity::find()
                    .filter(
                        Condition::any()
                            .add(relation::Column::FromEntity.eq(current.id.clone()))
                            .add(relation::Column::ToEntity.eq(current.id.clone())),
                    )
                    .order_by_asc(relation::Column::Id)
                    .lock_exclusive()
                    .all(txn)
                    .await?;
                let relation_ids: Vec<String> = relations.iter().map(|r| r.id.clone()).collect();
                if !relation_ids.is_empty() {
                    relation::Entity::delete_many()
                        .filter(relation::Column::Id.is_in(relation_ids.clone()))
                        .exec(txn)
                        .await?;
                }
                let gone = node::Entity::delete_many()
                    .filter(node::Column::Id.eq(current.id.clone()))
                    .filter(node::Column::Version.eq(expected_version))
                    .exec(txn)
                    .await?;
                if gone.rows_affected != 1 {
                    return Err(stale(&current.id, current.version, expected_version));
                }
                let mut log = Events::new(&clock, &actor, now);
                for r in &relations {
                    let mut data = relation_data(r);
                    data["with_entity"] = json!(current.id);
                    log.push(events::RELATION_DELETED, data);
                }
                log.push(
                    events::ENTITY_DELETED,
                    json!({
                        "entity_id": current.id,
                        "version": current.version,
                        "before": entity_state(&current),
                        "relation_ids": relation_ids,
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written {
                    value: EntityDeleted {
                        id: current.id,
                        relation_ids,
                    },
                    events,
                })
            })
        })
        .await
}

/// Creates a relation between two existing entities: `BAD_USER_INPUT` (on
/// `input.fromEntity` / `input.toEntity`) if an end does not exist, `CONFLICT` if the
/// id is taken.
pub async fn create_relation(
    store: &Store,
    actor: &str,
    input: NewRelation,
) -> ApiResult<Written<relation::Model>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let ends: Vec<String> = node::Entity::find()
                    .select_only()
                    .column(node::Column::Id)
                    .filter(node::Column::Id.is_in([
                        input.from_entity.as_str().to_owned(),
                        input.to_entity.as_str().to_owned(),
                    ]))
                    .lock_shared()
                    .into_tuple()
                    .all(txn)
                    .await?;
                for (field, end) in [
                    ("input.fromEntity", &input.from_entity),
                    ("input.toEntity", &input.to_entity),
                ] {
                    if !ends.iter().any(|e| e == end.as_str()) {
                        return Err(ApiError::bad_input(
                            field,
                            format!("entity {end} does not exist"),
                        ));
                    }
                }
                let taken = relation::Entity::find_by_id(input.id.as_str().to_owned())
                    .one(txn)
                    .await?;
                if taken.is_some() {
                    return Err(ApiError::Conflict(format!(
                        "relation {} already exists",
                        input.id
                    )));
                }
                let model = relation::Model {
                    id: input.id.into_inner(),
                    from_entity: input.from_entity.into_inner(),
                    to_entity: input.to_entity.into_inner(),
                    relation_type: input.relation_type.into_inner(),
                    created_at: now,
                    metadata: input.metadata,
                };
                model.clone().into_active_model().insert(txn).await?;
                let mut log = Events::new(&clock, &actor, now);
                log.push(events::RELATION_CREATED, relation_data(&model));
                let events = log.append(txn).await?;
                Ok(Written {
                    value: model,
                    events,
                })
            })
        })
        .await
}

/// Deletes a relation: `NOT_FOUND` if there is none.
pub async fn delete_relation(store: &Store, actor: &str, id: Key) -> ApiResult<Written<String>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let current = relation::Entity::find_by_id(id.as_str().to_owned())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound(format!("relation {id}")))?;
                relation::Entity::delete_by_id(current.id.clone())
                    .exec(txn)
                    .await?;
                let mut log = Events::new(&clock, &actor, now);
                log.push(events::RELATION_DELETED, relation_data(&current));
                let events = log.append(txn).await?;
                Ok(Written {
                    value: current.id,
                    events,
                })
            })
        })
        .await
}
