//! Client subscriptions: creating one, its status transitions, and cancelling the live
//! ones of a client.
//!
//! Subscription status transitions: active ⇄ paused; active or paused → cancelled;
//! cancelled is final. Only the subscribing identity changes its subscriptions
//! ([`crate::universe::access::may_change_subscription`]).
//!
//! Transitions are decided on the row locked for update (`SELECT ... FOR UPDATE` on
//! PostgreSQL, the writer lock on SQLite), so of two racing requests the second sees
//! the first's result: a transition that is illegal from the status it then finds is
//! `BAD_USER_INPUT` naming that status, never a lost update.

use entity::universe::enums::SubscriptionStatus;
use entity::universe::subscription;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde_json::json;

use super::events::{self, Events, Written};
use super::subscription_name;
use super::values::Key;
use crate::error::{ApiError, ApiResult};
use crate::universe::access::{may_change_subscription, require_live};
use crate::validate::Text;
use crate::write::Store;

/// Longest subscription query.
pub const MAX_QUERY: usize = 4096;

/// Whether a subscription may go from `from` to `to` (see the module docs).
pub fn subscription_transition_allowed(from: SubscriptionStatus, to: SubscriptionStatus) -> bool {
    use SubscriptionStatus::*;
    matches!(
        (from, to),
        (Active, Paused) | (Paused, Active) | (Active | Paused, Cancelled)
    )
}

/// Cancels `actor`'s live (active or paused) subscriptions — only those of `only` when
/// given — each with a `subscription.status_changed` event carrying `extra`'s fields.
pub(super) async fn cancel_live<C: ConnectionTrait>(
    txn: &C,
    actor: &str,
    only: Option<&[String]>,
    now: chrono::DateTime<chrono::Utc>,
    log: &mut Events,
    extra: serde_json::Value,
) -> Result<Vec<subscription::Model>, sea_orm::DbErr> {
    if only.is_some_and(<[String]>::is_empty) {
        return Ok(Vec::new());
    }
    let mut live = subscription::Entity::find()
        .filter(subscription::Column::Identity.eq(actor))
        .filter(subscription::Column::Status.ne(SubscriptionStatus::Cancelled));
    if let Some(ids) = only {
        live = live.filter(subscription::Column::SubscriptionId.is_in(ids.iter().cloned()));
    }
    let live = live
        .order_by_asc(subscription::Column::SubscriptionId)
        .lock_exclusive()
        .all(txn)
        .await?;
    let mut cancelled = Vec::with_capacity(live.len());
    for sub in live {
        let before = sub.status;
        let mut after = sub;
        after.status = SubscriptionStatus::Cancelled;
        after.updated_at = now;
        after
            .clone()
            .into_active_model()
            .reset_all()
            .update(txn)
            .await?;
        let mut data = json!({
            "subscription_id": after.subscription_id,
            "identity": actor,
            "from": subscription_name(before),
            "to": "cancelled",
        });
        if let (Some(data), Some(extra)) = (data.as_object_mut(), extra.as_object()) {
            data.extend(extra.clone());
        }
        log.push(events::SUBSCRIPTION_STATUS_CHANGED, data);
        cancelled.push(after);
    }
    Ok(cancelled)
}

/// Parses a subscription query: non-empty text of at most [`MAX_QUERY`] characters.
pub fn query(field: &str, raw: &str) -> ApiResult<Text> {
    Text::parse_non_empty(field, raw, MAX_QUERY)
}

/// Subscribes `actor` (live session required) to `query`; the subscription starts
/// `active` under a generated id.
pub async fn create_subscription(
    store: &Store,
    actor: &str,
    query: Text,
) -> ApiResult<Written<subscription::Model>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let sub = subscription::Model {
                    subscription_id: Key::generate().into_inner(),
                    identity: actor.clone(),
                    query: query.into_inner(),
                    created_at: now,
                    updated_at: now,
                    status: SubscriptionStatus::Active,
                };
                sub.clone().into_active_model().insert(txn).await?;
                let mut log = Events::new(&clock, &actor, now);
                log.push(
                    events::SUBSCRIPTION_CREATED,
                    json!({
                        "subscription_id": sub.subscription_id,
                        "identity": actor,
                        "query": sub.query,
                    }),
                );
                let events = log.append(txn).await?;
                Ok(Written { value: sub, events })
            })
        })
        .await
}

/// Moves subscription `id` to `to`: `NOT_FOUND` if there is none, `FORBIDDEN` unless
/// `actor` is its subscriber (with a live session), `BAD_USER_INPUT` for a transition
/// the rules refuse.
pub async fn set_subscription_status(
    store: &Store,
    actor: &str,
    id: Key,
    to: SubscriptionStatus,
) -> ApiResult<Written<subscription::Model>> {
    let clock = store.clock().clone();
    let actor = actor.to_owned();
    store
        .transaction(move |txn| {
            Box::pin(async move {
                require_live(txn, &actor).await?;
                let now = clock.now_stored();
                let current = subscription::Entity::find_by_id(id.as_str().to_owned())
                    .lock_exclusive()
                    .one(txn)
                    .await?
                    .ok_or_else(|| ApiError::NotFound(format!("subscription {id}")))?;
                may_change_subscription(&actor, &current)?;
                let from = current.status;
                if !subscription_transition_allowed(from, to) {
                    return Err(ApiError::bad_input(
                        "input.status",
                        format!(
                            "a subscription cannot go from {} to {}",
                            subscription_name(from),
                            subscription_name(to)
                        ),
                    ));
                }
                let mut next = current;
                next.status = to;
                next.updated_at = now;
                next.clone()
                    .into_active_model()
                    .reset_all()
                    .update(txn)
                    .await?;
                let mut log = Events::new(&clock, &actor, now);
                log.push(
                    events::SUBSCRIPTION_STATUS_CHANGED,
                    json!({
                        "subscription_id": next.subscription_id,
                        "identity": actor,
                        "from": subscription_name(from),
                        "to": subscription_name(to),
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

#[cfg(test)]
mod tests {
    use super::*;
    use sea_orm::Iterable;

    #[test]
    fn subscription_transitions() {
        use SubscriptionStatus::*;
        let allowed: Vec<(SubscriptionStatus, SubscriptionStatus)> = SubscriptionStatus::iter()
            .flat_map(|f| SubscriptionStatus::iter().map(move |t| (f, t)))
            .filter(|(f, t)| subscription_transition_allowed(*f, *t))
            .collect();
        assert_eq!(
            allowed,
            [
                (Active, Paused),
                (Active, Cancelled),
                (Paused, Active),
                (Paused, Cancelled)
            ]
        );
    }
}
