//! Versioned state: committing a state version with the delta records that produced it.
//!
//! A version names its parent (none for a root); the parent must exist. History is a
//! tree, as the read side presents it: a version may have several children (branches),
//! so committing on a parent that already has a child is not a conflict. The version's
//! `owner` is the committing identity; `data_hash` is the client's hash of the state at
//! that version (its shape is checked; the server does not hold the state to recompute
//! it). The version, its deltas and the `version.committed` event are written in one
//! transaction.

use entity::universe::json::{DeltaMetadata, DeltaOperations};
use entity::universe::{delta_record, state_version};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QuerySelect,
};
use serde_json::json;

use super::events::{self, Events, Written};
use super::values::{DataHash, Key};
use crate::error::{ApiError, ApiResult};
use crate::universe::access::require_live;
use crate::validate::Text;
use crate::write::Store;

/// Most deltas in one commit.
pub const MAX_DELTAS: usize = 100;
/// Most operations in one delta.
pub const MAX_OPERATIONS: usize = 1000;
/// Longest description.
pub const MAX_DESCRIPTION: usize = 2000;

/// A validated delta record of a commit.
#[derive(Clone, Debug)]
pub struct NewDelta {
    /// Its id (given, or generated).
    pub id: Key,
    /// Its operations, in order (at least one).
    pub operations: DeltaOperations,
    /// Its metadata (`author` defaults to the committing identity).
    pub metadata: DeltaMetadata,
}

/// A validated commit.
#[derive(Clone, Debug)]
pub struct NewVersion {
    /// The version's id (given, or generated).
    pub id: Key,
    /// The parent version, `None` for a root.
    pub parent: Option<Key>,
    /// What the version is.
    pub description: Text,
    /// The client's hash of the state at this version.
    pub data_hash: DataHash,
    /// Its delta records, in order.
    pub deltas: Vec<NewDelta>,
}

/// A committed version and its delta records.
#[derive(Clone, Debug)]
pub struct Committed {
    /// The version.
    pub version: state_version::Model,
    /// Its delta records, in the order given.
    pub deltas: Vec<delta_record::Model>,
}

/// Commits a version owned by `actor`: `BAD_USER_INPUT` on `input.parentVersionId` if
/// the parent does not exist, `CONFLICT` if the version id or a delta id is taken.
pub async fn commit_version(
    store: &Store,
    actor: &str,
    input: NewVersion,
) -> ApiResult<Written<Committed>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                if let Some(parent) = &input.parent {
                    let found = state_version::Entity::find_by_id(parent.as_str().to_owned())
                        .lock_shared()
                        .one(txn)
                        .await?;
                    if found.is_none() {
                        return Err(ApiError::bad_input(
                            "input.parentVersionId",
                            format!("state version {parent} does not exist"),
                        ));
                    }
                }
                let taken = state_version::Entity::find_by_id(input.id.as_str().to_owned())
                    .one(txn)
                    .await?;
                if taken.is_some() {
                    return Err(ApiError::Conflict(format!(
                        "state version {} already exists",
                        input.id
                    )));
                }
                let version = state_version::Model {
                    version_id: input.id.into_inner(),
                    parent_version_id: input.parent.map(Key::into_inner),
                    timestamp: now,
                    description: input.description.into_inner(),
                    data_hash: input.data_hash.into_inner(),
                    owner: actor.clone(),
                };
                version.clone().into_active_model().insert(txn).await?;

                // The version row is written by now: a taken delta id below rolls it back.
                let deltas: Vec<delta_record::Model> = input
                    .deltas
                    .into_iter()
                    .map(|d| {
                        let mut metadata = d.metadata;
                        if metadata.author.is_none() {
                            metadata.author = Some(actor.clone());
                        }
                        delta_record::Model {
                            delta_id: d.id.into_inner(),
                            state_version_id: version.version_id.clone(),
                            operations: d.operations,
                            timestamp: now,
                            metadata,
                        }
                    })
                    .collect();
                let delta_ids: Vec<String> = deltas.iter().map(|d| d.delta_id.clone()).collect();
                if !deltas.is_empty() {
                    let taken: Vec<String> = delta_record::Entity::find()
                        .select_only()
                        .column(delta_record::Column::DeltaId)
                        .filter(delta_record::Column::DeltaId.is_in(delta_ids.clone()))
                        .into_tuple()
                        .all(txn)
                        .await?;
                    if let Some(id) = taken.first() {
                        return Err(ApiError::Conflict(format!(
                            "delta record {id} already exists"
                        )));
                    }
                    delta_record::Entity::insert_many(
                        deltas.iter().cloned().map(|d| d.into_active_model()),
                    )
                    .exec_without_returning(txn)
                    .await?;
                }
                let operation_count: usize = deltas.iter().map(|d| d.operations.0.len()).sum();
                let mut log = Events::new(&clock, &actor, now);
                log.push(
                    events::VERSION_COMMITTED,
                    json!({
                        "version_id": version.version_id,
                        "parent_version_id": version.parent_version_id,
                        "data_hash": version.data_hash,
                        "description": version.description,
                        "delta_ids": delta_ids,
                        "operation_count": operation_count,
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written {
                    value: Committed { version, deltas },
                    events,
                })
            })
        })
        .await
}
