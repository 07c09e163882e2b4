//! Configuration: setting a parameter creates or replaces its value, recording who did
//! it (`updated_by`) and when. Last writer wins; each set is one `config.set` event with
//! the value before and after.

use entity::universe::config;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QuerySelect, TryInsertResult};
use serde_json::json;

use super::entities::Patch;
use super::events::{self, Events, Written};
use super::values::Key;
use crate::error::{ApiError, ApiResult};
use crate::universe::access::require_live;
use crate::validate::Text;
use crate::write::Store;

/// Longest configuration value.
pub const MAX_VALUE: usize = 4096;
/// Longest configuration description.
pub const MAX_DESCRIPTION: usize = 1000;

/// A validated configuration change.
#[derive(Clone, Debug)]
pub struct ConfigSet {
    /// The parameter.
    pub key: Key,
    /// Its new value.
    pub value: Text,
    /// Its description (kept when not given, removed when given as null).
    pub description: Patch<Text>,
}

/// Sets a parameter as `actor`, creating it if it does not exist.
pub async fn set_config(
    store: &Store,
    actor: &str,
    input: ConfigSet,
) -> ApiResult<Written<config::Model>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let description = match &input.description {
                    Patch::Set(d) => Some(d.as_str().to_owned()),
                    Patch::Keep | Patch::Clear => None,
                };
                let fresh = config::Model {
                    key: input.key.as_str().to_owned(),
                    value: input.value.as_str().to_owned(),
                    description,
                    updated_at: now,
                    updated_by: actor.clone(),
                };
                // Insert unless the key exists (atomic on both backends: a concurrent
                // first set of the same key waits, then finds the row and updates it).
                let inserted = config::Entity::insert(fresh.clone().into_active_model())
                    .on_conflict_do_nothing_on([config::Column::Key])
                    .exec_without_returning(txn)
                    .await?;
                let (row, previous) = match inserted {
                    TryInsertResult::Inserted(n) if n > 0 => (fresh, None),
                    _ => {
                        let current = config::Entity::find_by_id(input.key.as_str().to_owned())
                            .lock_exclusive()
                            .one(txn)
                            .await?
                            .ok_or_else(|| ApiError::internal("config row vanished"))?;
                        let next = config::Model {
                            description: match &input.description {
                                Patch::Keep => current.description.clone(),
                                Patch::Clear => None,
                                Patch::Set(d) => Some(d.as_str().to_owned()),
                            },
                            ..fresh
                        };
                        next.clone()
                            .into_active_model()
                            .reset_all()
                            .update(txn)
                            .await?;
                        (next, Some(current))
                    }
                };
                let mut log = Events::new(&clock, &actor, now);
                log.push(
                    events::CONFIG_SET,
                    json!({
                        "key": row.key,
                        "value": row.value,
                        "previous_value": previous.as_ref().map(|p| p.value.clone()),
                        "description": row.description,
                        "previous_description": previous.and_then(|p| p.description),
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written { value: row, events })
            })
        })
        .await
}
